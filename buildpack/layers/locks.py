"""The locks pip-compile made from requirements.in, kept in CACHE_DIR/requirements-in under a
digest of what a lock is compiled from: the requirements files, the Python version and
pip-tools' version. A lock is reused while all three are the same; any change is a new
digest, so no entry is ever out of date, and none needs discarding."""

import hashlib

from buildpack import files
from buildpack.layers import cache

FOLDER = "requirements-in"


def key(sources, python_version, pip_tools_version):
    """The digest a lock compiled from `sources` (the requirements files' contents) is kept under."""
    digest = hashlib.sha256(b"".join(sources))
    digest.update(f"{python_version} {pip_tools_version}".encode())
    return digest.hexdigest()


def restore(cache_dir, digest, lock):
    """Write the lock kept under `digest` to `lock`; whether there was one."""
    cached = cache_dir / FOLDER / f"{digest}.txt"
    if not cached.is_file():
        return False
    lock.write_bytes(cached.read_bytes())
    return True


def save(cache_dir, digest, lock):
    """Keep `lock` under `digest`; a full cache is only a warning."""
    cached = cache_dir / FOLDER / f"{digest}.txt"
    with cache.unless_full(cache_dir):
        cached.parent.mkdir(parents=True, exist_ok=True)
        files.replace(cached, lock.read_bytes())
