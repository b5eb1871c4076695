"""Boot-check reuse: the web process's boot check is not run again when the slug it would load
is the one whose check passed in the last build.

The check starts the app's Python and imports the app: half a second for a small Django
app, most of a rebuild where nothing changed. Its verdict depends only on the command it
runs, the config vars, the Python version and the slug's files. So a passing check records
them (a digest of every file but bytecode, whose source is recorded), and the next build
walks the slug again, reading only the files whose size or modification time changed:
the cache restores the installed packages with their times. Any change runs the check.
"""

import json
import os

from buildpack import files
from buildpack.layers import cache

NAME = "boot-check"
FORMAT = 1  # bump when the record changes meaning


def facts(ctx, command, known):
    """What the check's verdict depends on, for the slug as it is now; `known` is the last
    record (or None), whose digests stand for files whose size and time are unchanged."""
    return {"format": FORMAT, "command": command, "python": ctx.python_version,
            "config": cache.config_digest(ctx.config),
            **cache.file_digests(ctx.build_dir, _slug_files(ctx.build_dir), known)}


def unchanged(before, now):
    """Whether a passing check's record (None: there is none) stands for the build's facts:
    the same command, config vars and Python, and every file as it was."""
    return before is not None and before == {**now, "stamps": before.get("stamps")}


def last_passed(ctx):
    """The record of the last build's passing check, or None."""
    try:
        record = json.loads(_record_file(ctx).read_text())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and isinstance(record.get("digests"), dict) else None


def save(ctx, record):
    """Keep the facts of a check that passed; a full disk only loses the reuse."""
    with cache.unless_full(ctx.cache_dir):
        files.replace(_record_file(ctx), json.dumps(record, sort_keys=True).encode())


def discard(ctx):
    """Forget the last check (this build's failed, or was not run)."""
    _record_file(ctx).unlink(missing_ok=True)


def _record_file(ctx):
    return ctx.cache_dir / f"{NAME}.json"


def _slug_files(build_dir):
    """Every file of the slug, relative to it, but bytecode (which the check itself writes)."""
    for root, folders, names in os.walk(build_dir):
        folders[:] = [folder for folder in folders if folder != "__pycache__"]
        relative = os.path.relpath(root, build_dir)
        for name in names:
            if not name.endswith(".pyc"):
                yield os.path.normpath(os.path.join(relative, name))
