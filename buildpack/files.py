"""The app's files: symbolic links that must stay inside the app, and writing files that others
may be reading, or that a killed build may leave half-written."""

import contextlib
import errno
import fcntl
import os
import shutil
from pathlib import Path

from buildpack.log import messages, output
from buildpack.log.output import BuildError


def refuse_links_outside(root, skipped=()):
    """Fail the build when a symbolic link under `root` (not under the `skipped` folders,
    relative to it) resolves outside it, dangling or not: whatever follows the link (the
    installer, Django, WhiteNoise) would take the machine's file for the app's. One walk of
    the whole tree rather than a check per reader: most readers are not ours (pip, uv, Django,
    the app's code)."""
    root = os.path.realpath(root)
    skipped = {os.path.join(root, folder) for folder in skipped}
    outside, pending = [], [root]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if target != root and not target.startswith(root + os.sep):
                        outside.append((os.path.relpath(entry.path, root), target))
                elif entry.is_dir() and entry.path not in skipped:
                    pending.append(entry.path)
    if outside:
        raise BuildError(messages.links_outside_the_app(sorted(outside)))


def replace(path, data, mode=None):
    """Write `data` as a new file in place of `path` (see `replacing`); a hard link to the old
    file (from a cache) keeps the old content."""
    with replacing(path) as partial:
        partial.write_bytes(data)
        if mode is not None:
            os.chmod(partial, mode)


@contextlib.contextmanager
def replacing(path):
    """Yield the path beside `path` to write a new file or folder at; when the block ends, it
    is renamed into place of `path`. A reader, or the next build after a kill, sees the old
    one or the new one, never part of one (an old folder is removed just before the rename:
    there, briefly neither); a block that fails (a full disk) leaves no part of the new one. The `*.partial` name is what
    the cache looks for when it cleans up after a killed build."""
    path = Path(path)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    _remove(partial)
    try:
        yield partial
        if partial.is_dir() and not partial.is_symlink():
            _remove(path)
        os.replace(partial, path)
    except BaseException:
        _remove(partial)
        raise


def _remove(path):
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def lock(fd, waiting):
    """Take the exclusive lock on the open file (or folder) `fd`, for as long as it is open;
    when another process holds it, say `waiting` (a step) and wait for it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        output.step(waiting)
        fcntl.flock(fd, fcntl.LOCK_EX)


def no_space(error):
    """Whether `error` is a write that found its filesystem (or the user's disk quota) full."""
    return isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)
