"""Finding the machine's interpreters: each Python on PATH is run once to learn its version,
which the cache remembers while its file is unchanged; a new interpreter folder, another PATH,
an interpreter rewritten or removed are seen at once."""

import os
import shutil

import pytest

from buildpack.python import interpreters
from buildpack.python.version import dotted


def fake_python(path, version):
    """An executable that answers the version probe as Python `version`, counting its runs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/bin/sh\necho run >> "{path}.runs"\necho {version.replace(".", " ")}\n')
    path.chmod(0o755)
    return path


def probes(python):
    runs = python.with_name(python.name + ".runs")
    return len(runs.read_text().splitlines()) if runs.exists() else 0


def versions(env, cache):
    return sorted(dotted(i.version) for i in interpreters.find(env, cache))


@pytest.fixture
def machine(tmp_path):
    """(env, cache folder, the Python 3.12.2 on PATH) of a machine without pyenv."""
    python = fake_python(tmp_path / "opt/python3.12/bin/python3.12", "3.12.2")
    (tmp_path / "bin").mkdir()
    os.symlink(python, tmp_path / "bin/python3.12")
    (tmp_path / "home").mkdir()
    (tmp_path / "cache").mkdir()
    env = {"HOME": str(tmp_path / "home"), "PATH": str(tmp_path / "bin")}
    return env, tmp_path / "cache", python


def test_an_unchanged_machine_is_not_probed_again(machine):
    env, cache, python = machine
    assert versions(env, cache) == ["3.12.2"]
    assert versions(env, cache) == ["3.12.2"]
    assert probes(python) == 1


def test_a_new_interpreter_folder_is_seen(machine, tmp_path):
    env, cache, _ = machine
    versions(env, cache)
    fake_python(tmp_path / "home/.pyenv/versions/3.13.1/bin/python3.13", "3.13.1")
    assert versions(env, cache) == ["3.12.2", "3.13.1"]
    versions(env, cache)
    fake_python(tmp_path / "home/.pyenv/versions/3.14.0/bin/python3.14", "3.14.0")
    assert versions(env, cache) == ["3.12.2", "3.13.1", "3.14.0"]


def test_a_changed_path_is_looked_at_again(machine, tmp_path):
    env, cache, python = machine
    versions(env, cache)
    other = fake_python(tmp_path / "other/python3.13", "3.13.1")
    assert versions({**env, "PATH": f"{env['PATH']}:{other.parent}"}, cache) == ["3.12.2", "3.13.1"]
    assert versions(env, cache) == ["3.12.2"]
    assert probes(python) == 1 and probes(other) == 1


def test_a_remembered_interpreter_that_is_gone_or_replaced_is_never_picked(machine, tmp_path):
    env, cache, python = machine
    versions(env, cache)
    fake_python(python, "3.12.3")  # rewritten in place: the PATH folder's link is unchanged
    assert versions(env, cache) == ["3.12.3"]
    versions(env, cache)
    shutil.rmtree(tmp_path / "opt")
    assert versions(env, cache) == []
