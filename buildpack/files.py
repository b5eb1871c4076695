"""The app's files: symbolic links that must stay inside the app, and writing files that others
may be reading, or that a killed build may leave half-written."""

import errno
import fcntl
import os

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
    """Write `data` as a new file in place of `path`, with a rename: a reader (or the next
    build, after a kill) sees the old file or the new one, never part of one, and a hard link
    to the old file (from a cache) keeps the old content."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        partial.write_bytes(data)
        if mode is not None:
            os.chmod(partial, mode)
        os.replace(partial, path)
    except BaseException:  # a full disk: no part of the file stays behind
        partial.unlink(missing_ok=True)
        raise


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
