"""An app with migrations has a `release` process type, which runs them before each deploy."""

import os

from runtime import messages
from runtime.checks import PASS, WARN, Finding
from runtime.errors import UserError

# Folders that hold other people's packages (a slug's Python, virtualenvs) or no Python at all.
NOT_THE_APPS = {"node_modules", "site-packages", "venv", "staticfiles", "__pycache__"}


def check(app):
    migration = first_migration(app.root)
    if migration is None:
        return
    try:
        parsed = app.parsed_procfile
    except UserError:
        if os.path.exists(app.procfile_path):
            return  # unreadable: the Procfile check reports it
        yield Finding(WARN, *messages.no_release_with_migrations(app.procfile_path, migration))
        return
    release = parsed.entries.get("release")
    if release is None:
        if not parsed.errors:
            yield Finding(WARN, *messages.no_release_with_migrations(parsed.path, migration))
        return
    yield Finding(PASS, messages.release_with_migrations(parsed.where(release)))


def first_migration(root):
    """A `<package>/migrations/0*.py` of the app's own code under `root` (the first found, with
    folders in name order), relative to it, or None."""
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith(".")
                               and name not in NOT_THE_APPS
                               and not os.path.exists(os.path.join(folder, name, "pyvenv.cfg")))
        if os.path.basename(folder) == "migrations":
            found = sorted(name for name in files if name.startswith("0") and name.endswith(".py"))
            if found:
                return os.path.relpath(os.path.join(folder, found[0]), root)
    return None
