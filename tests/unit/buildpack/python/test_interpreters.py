"""The interpreters a build finds in uv's folders, named cpython-VERSION-OS-CPU-LIBC."""

import pytest

from buildpack.python import interpreters


@pytest.mark.parametrize("folder", ["cpython-3.12.1-linux-x86_64-gnu", "cpython-3.12.1-linux-aarch64-musl"])
def test_a_python_uv_installed_is_found_for_every_cpu(tmp_path, folder):
    executable = tmp_path / "uv" / folder / "bin" / "python3.12"
    executable.parent.mkdir(parents=True)
    executable.write_text("#!/bin/sh\n")
    executable.chmod(0o755)
    env = {"UV_PYTHON_INSTALL_DIR": str(tmp_path / "uv"), "HOME": str(tmp_path), "PATH": ""}
    found = interpreters.find(env, tmp_path / "cache")
    assert [(i.version, i.executable) for i in found] == [((3, 12, 1), executable)]


def test_a_folder_that_is_not_a_uv_python_is_not_one(tmp_path):
    executable = tmp_path / "uv" / "cpython-3.12.1-linux-x86_64-gnu.lock" / "bin" / "python3.12"
    executable.parent.mkdir(parents=True)
    executable.write_text("#!/bin/sh\n")
    executable.chmod(0o755)
    env = {"UV_PYTHON_INSTALL_DIR": str(tmp_path / "uv"), "HOME": str(tmp_path), "PATH": ""}
    assert interpreters.find(env, tmp_path / "cache") == []
