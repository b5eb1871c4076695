"""Copy the chosen interpreter into the slug, so the slug runs without the build machine.

Only what an app needs at run time and to build C extensions is copied: the executable,
libpython, the standard library and the headers. Left out: the test suite, IDLE, Tk, the
static libpython, the bytecode for `python -O` and `-OO` (a third of the standard library's
files, which every cache restore would otherwise link) and the build machine's own
site-packages.
"""

import os
import shutil
import subprocess
from pathlib import Path

from buildpack import files
from buildpack.python import relocate

# Standard library parts no web app needs (about two thirds of an installation's size).
SKIPPED_STDLIB = {"test", "idlelib", "tkinter", "turtledemo", "site-packages", "__phello__"}


def into_slug(interpreter, dest):
    """Copy `interpreter` to `dest` (e.g. BUILD_DIR/.heroku/python)."""
    if interpreter.system:
        _virtual_environment(interpreter, Path(dest))
        return
    major, minor = interpreter.version[:2]
    name = f"python{major}.{minor}"
    source = Path(interpreter.prefix)
    dest = Path(dest)
    with files.replacing(dest) as partial:
        (partial / "bin").mkdir(parents=True)
        shutil.copy2(interpreter.executable, partial / "bin" / name)
        for alias in ("python3", "python"):
            os.symlink(name, partial / "bin" / alias)
        (partial / "lib").mkdir()
        for library in (source / "lib").glob("libpython*.so*"):
            shutil.copy2(library, partial / "lib" / library.name, follow_symlinks=False)
        _copy_tree(source / "lib" / name, partial / "lib" / name, ignore=_skip_unneeded(source / "lib" / name))
        (partial / "lib" / name / "site-packages").mkdir()
        (partial / "lib" / name / "EXTERNALLY-MANAGED").unlink(missing_ok=True)
        include = source / "include" / name
        if include.is_dir():
            _copy_tree(include, partial / "include" / name)
        relocate.runpath(partial / "bin" / name)


def _virtual_environment(interpreter, dest):
    """A venv on top of a distribution's Python (which cannot be copied whole)."""
    shutil.rmtree(dest, ignore_errors=True)
    subprocess.run([str(interpreter.executable), "-m", "venv", "--without-pip", str(dest)],
                   check=True, capture_output=True)
    config = dest / "pyvenv.cfg"
    # `command =` records the build folder; the slug must not depend on it.
    config.write_text("".join(line for line in config.read_text().splitlines(keepends=True)
                              if not line.startswith("command")))


class _FirstCopyError(Exception):
    """Raised by copytree's copy function to stop it (an OSError would only be collected)."""

    def __init__(self, error):
        self.error = error


def _copy_tree(source, dest, ignore=None):
    """shutil.copytree, stopping at the first file it cannot write (a full disk) rather than
    trying every other one and raising a list of them all."""
    try:
        shutil.copytree(source, dest, symlinks=True, ignore=ignore, copy_function=_link_or_copy)
    except _FirstCopyError as stopped:
        raise stopped.error from None


def _link_or_copy(source, dest):
    """A hard link where the filesystem allows it: the standard library is read-only at run
    time and Python replaces rather than rewrites its .pyc files, so sharing is safe and
    saves copying a hundred megabytes on a cold build."""
    try:
        os.link(source, dest)
    except OSError:
        try:
            shutil.copy2(source, dest)
        except OSError as error:
            raise _FirstCopyError(error) from None


def _skip_unneeded(stdlib):
    def ignore(folder, names):
        if Path(folder) == stdlib:
            return [n for n in names if n in SKIPPED_STDLIB]
        # The static libpython (in config-3.X-*/) and optimized bytecode (in __pycache__/).
        return [n for n in names if n.endswith((".a", ".opt-1.pyc", ".opt-2.pyc"))]
    return ignore
