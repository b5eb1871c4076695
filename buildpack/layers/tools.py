"""Build tools the buildpack fetches itself: uv, from the package index like any package.

The uv wheel is downloaded once, its sha256 checked against the index, and the binary
kept in CACHE_DIR/tools/uv-<version>/ for the next builds.
"""

import os
import shutil
from pathlib import Path

from buildpack import files
from buildpack.layers import cache

UV_VERSION = "0.13.9"


def uv(cache_dir, config):
    """Path of the uv binary (fetched on first use), or None when it cannot be had."""
    target = Path(cache_dir) / "tools" / f"uv-{UV_VERSION}" / "uv"
    if os.access(target, os.X_OK):
        return target
    # Imported only now (platform too, below): urllib, ssl, zipfile and platform would add
    # 30 ms to the start of every build.
    import zipfile

    from buildpack.deps import package_index
    # Extracted beside the target and renamed into place. What a killed build left there goes
    # first: a scrap named for a process that is gone (the tools folder may be linked into
    # several caches, whose builds do not share a lock).
    for scrap in target.parent.parent.glob("uv-*.partial"):
        if not _running(scrap.suffixes[-2].lstrip(".")):
            shutil.rmtree(scrap, ignore_errors=True)
    partial = target.parent.with_name(f"{target.parent.name}.{os.getpid()}.partial")
    try:
        wheel = package_index.download_wheel("uv", UV_VERSION, _uv_platform_tag(), cache_dir, config)
        partial.mkdir(parents=True)
        with zipfile.ZipFile(wheel) as archive:
            member = f"uv-{UV_VERSION}.data/scripts/uv"
            with archive.open(member) as src, open(partial / "uv", "wb") as dst:
                shutil.copyfileobj(src, dst)
        os.chmod(partial / "uv", 0o755)
    except Exception as error:
        # An index that is down, refuses us or answers nonsense, or a full cache: pip instead.
        shutil.rmtree(partial, ignore_errors=True)
        if files.no_space(error):
            cache.warn_full(cache_dir)
        return None
    try:
        os.rename(partial, target.parent)
    except OSError:  # another build got there first
        shutil.rmtree(partial, ignore_errors=True)
    return target


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
