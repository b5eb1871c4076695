"""Build tools the buildpack fetches itself, from the package index like any package: uv,
and Poetry for the apps it locked.

The uv wheel is downloaded once, its sha256 checked against the index, and the binary
kept in CACHE_DIR/tools/uv-<version>/ for the next builds. Poetry is installed into a
virtual environment of its own, CACHE_DIR/tools/poetry-<version>-py<Python version>/.
Each is made beside its folder and renamed into place, so a folder that exists is complete.
"""

import os
import shutil
from pathlib import Path

from buildpack import files
from buildpack.layers import cache

UV_VERSION = "0.13.9"
POETRY_VERSION = "2.5.1"


def uv(cache_dir, config):
    """Path of the uv binary (fetched on first use), or None when it cannot be had."""
    target = Path(cache_dir) / "tools" / f"uv-{UV_VERSION}" / "uv"
    if os.access(target, os.X_OK):
        return target
    # Imported only now (platform too, below): urllib, ssl, zipfile and platform would add
    # 30 ms to the start of every build.
    import zipfile

    from buildpack.deps import package_index

    def fill(folder):
        wheel = package_index.download_wheel("uv", UV_VERSION, _uv_platform_tag(), cache_dir, config)
        with zipfile.ZipFile(wheel) as archive:
            member = f"uv-{UV_VERSION}.data/scripts/uv"
            with archive.open(member) as src, open(folder / "uv", "wb") as dst:
                shutil.copyfileobj(src, dst)
        os.chmod(folder / "uv", 0o755)

    # An index that is down, refuses us or answers nonsense, or a full cache: pip instead.
    return target if _made(target.parent, "uv", fill, cache_dir) else None


def poetry(cache_dir, python_version, install):
    """The Python of the virtual environment that has Poetry (`python -m poetry` runs it),
    made on first use by install(folder, POETRY_VERSION), which returns whether it did; None
    when it did not. An environment whose Python is gone (the build machine's was removed)
    is made again."""
    folder = Path(cache_dir) / "tools" / f"poetry-{POETRY_VERSION}-py{python_version}"
    python = folder / "bin" / "python"
    if python.exists():
        return python
    shutil.rmtree(folder, ignore_errors=True)

    def fill(partial):
        if not install(partial, POETRY_VERSION):
            raise RuntimeError("Poetry was not installed")

    # Run from where it was made, not from bin/poetry, whose first line names the partial folder.
    return python if _made(folder, "poetry", fill, cache_dir) else None


def _made(folder, tool, fill, cache_dir):
    """Whether `folder` exists, made by fill(partial) in a folder beside it that is renamed
    into place. What a killed build left there goes first: a scrap named for a process that is
    gone (the tools folder may be linked into several caches, whose builds do not share a lock)."""
    for scrap in folder.parent.glob(f"{tool}-*.partial"):
        if not _running(scrap.suffixes[-2].lstrip(".")):
            shutil.rmtree(scrap, ignore_errors=True)
    partial = folder.with_name(f"{folder.name}.{os.getpid()}.partial")
    try:
        partial.mkdir(parents=True)
        fill(partial)
    except Exception as error:
        shutil.rmtree(partial, ignore_errors=True)
        if files.no_space(error):
            cache.warn_full(cache_dir)
        return False
    try:
        os.rename(partial, folder)
    except OSError:  # another build got there first
        shutil.rmtree(partial, ignore_errors=True)
    return True


def _uv_platform_tag():
    import platform

    machine = platform.machine().lower()
    machine = {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine)
    libc = "manylinux" if platform.libc_ver()[0] == "glibc" else "musllinux"
    return libc, machine


def _running(pid):
    """Whether `pid` (text) is a process of this machine that is still running."""
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:  # another user's
        pass
    return True
