"""Writing files that others may be reading, or that a killed build may leave half-written."""

import fcntl
import os

from buildpack import output


def replace(path, data, mode=None):
    """Write `data` as a new file in place of `path`, with a rename: a reader (or the next
    build, after a kill) sees the old file or the new one, never part of one, and a hard link
    to the old file (from a cache) keeps the old content."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.write_bytes(data)
    if mode is not None:
        os.chmod(partial, mode)
    os.replace(partial, path)


def lock(fd, waiting):
    """Take the exclusive lock on the open file (or folder) `fd`, for as long as it is open;
    when another process holds it, say `waiting` (a step) and wait for it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        output.step(waiting)
        fcntl.flock(fd, fcntl.LOCK_EX)
