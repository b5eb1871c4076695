"""Writing files that others may be reading, or that a killed build may leave half-written."""

import errno
import os


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


def no_space(error):
    """Whether `error` is a write that found its filesystem (or the user's disk quota) full."""
    return isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)
