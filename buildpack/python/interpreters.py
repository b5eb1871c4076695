"""Find Python interpreters on the build machine, or install one with uv.

Self-contained installations (pyenv-style version folders, uv-managed Pythons, python.org
style builds under /usr/local or /opt) are preferred: their whole prefix can be copied into
the slug. A distribution's own /usr/bin/python3.X is spread over /usr and patched by the
distro, so the slug gets a virtual environment on top of it instead, and then needs that
same Python wherever it runs (true when the build and run machines share an image).
"""

import contextlib
import json
import os
import re
import subprocess
from collections import namedtuple
from pathlib import Path

from buildpack import files

# system: a distribution's interpreter under /usr (see above).
Interpreter = namedtuple("Interpreter", "version executable prefix system", defaults=(False,))

_VERSION_DIR = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
_UV_DIR = re.compile(r"^cpython-(\d+)\.(\d+)\.(\d+)-[a-z]+-[a-z0-9_]+-[a-z]+$")  # OS, CPU, libc
_PYTHON_EXE = re.compile(r"^python3\.\d+$")
# In CACHE_DIR: the version of each Python on PATH, from its last probe (see `_versions`).
PROBED_FILE = "interpreters.json"


def version_folders(env):
    """Folders whose sub-folders are named after the Python version installed in them."""
    home = Path(env.get("HOME", "~")).expanduser()
    roots = [Path(env["PYENV_ROOT"]) / "versions"] if env.get("PYENV_ROOT") else []
    roots += [home / ".pyenv/versions", home / ".asdf/installs/python",
              home / ".local/share/mise/installs/python"]
    return roots


def uv_folders(env, cache_dir):
    data_home = Path(env.get("XDG_DATA_HOME") or Path(env.get("HOME", "~")).expanduser() / ".local/share")
    roots = [Path(env["UV_PYTHON_INSTALL_DIR"])] if env.get("UV_PYTHON_INSTALL_DIR") else []
    return roots + [data_home / "uv/python", uv_install_dir(cache_dir)]


def uv_install_dir(cache_dir):
    return Path(cache_dir) / "python-installs"


def find(env, cache_dir):
    """Every usable interpreter on this machine, one per version. The folders are listed
    afresh on every build (a few milliseconds), so a new, moved or removed interpreter is
    seen at once; only what costs a process, a PATH Python's version, is remembered."""
    found = {}
    for pattern, roots in ((_VERSION_DIR, version_folders(env)), (_UV_DIR, uv_folders(env, cache_dir))):
        for root in roots:
            for interpreter in _scan(root, pattern):
                found.setdefault(interpreter.version, interpreter)
    with _versions(Path(cache_dir) / PROBED_FILE) as version_of:
        for interpreter in _on_path(env, list(found.values()), version_of):
            found.setdefault(interpreter.version, interpreter)
    return list(found.values())


@contextlib.contextmanager
def _versions(remembered_file):
    """`version_of(executable)`, which runs the executable only when it is not the very file
    the cache saw last time: the same inode, size, modification and change times. Upgrading
    or rebuilding a Python writes a new file (a new inode, new times) and a chmod changes
    the change time, so the remembered version is the file's own; only a rewrite within the
    same timestamp tick as the probe itself could go unseen. The probes of this build are
    saved for the next, when they differ."""
    try:
        remembered = json.loads(remembered_file.read_text())
    except (OSError, ValueError):
        remembered = {}
    if not isinstance(remembered, dict):
        remembered = {}
    probed = {}

    def version_of(executable):
        try:
            stat = os.stat(executable)
        except OSError:  # gone, or a dangling link: not an interpreter
            return None
        stamp = [stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]
        entry = remembered.get(str(executable))
        version = entry["version"] if isinstance(entry, dict) and entry.get("stamp") == stamp else _probe(executable)
        probed[str(executable)] = {"stamp": stamp, "version": version}
        return tuple(version) if version else None

    yield version_of
    if probed != remembered:
        try:
            files.replace(remembered_file, json.dumps(probed).encode())
        except OSError:  # a full disk or a read-only cache: the next build probes again
            pass


def _scan(root, pattern):
    try:
        entries = sorted(root.iterdir())
    except OSError:
        return
    for prefix in entries:
        match = pattern.match(prefix.name)
        if match:
            version = tuple(int(part) for part in match.groups())
            executable = prefix / "bin" / f"python{version[0]}.{version[1]}"
            if os.access(executable, os.X_OK):
                yield Interpreter(version, executable, prefix)


def _on_path(env, known, version_of):
    """Interpreters on PATH that the folder scans did not already find. A distribution's
    one is only probed when no self-contained interpreter of its minor version exists."""
    known_prefixes = {i.prefix.resolve() for i in known}
    known_minors = {i.version[:2] for i in known}
    seen = set()
    for folder in env.get("PATH", "").split(os.pathsep):
        if not folder or "shims" in Path(folder).parts:  # pyenv/asdf shims only redirect
            continue
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            if not _PYTHON_EXE.match(name):
                continue
            executable = Path(folder, name).resolve()
            prefix = executable.parent.parent
            system = str(prefix) in ("/", "/usr")
            minor = tuple(int(part) for part in name[len("python"):].split("."))
            if executable in seen or prefix in known_prefixes or (system and minor in known_minors):
                continue
            seen.add(executable)
            version = version_of(executable)
            if version:
                yield Interpreter(version, executable, prefix, system)


def _probe(executable):
    try:
        out = subprocess.run(
            [str(executable), "-I", "-c", "import sys; print(*sys.version_info[:3])"],
            capture_output=True, text=True, timeout=20,
        ).stdout.split()
        return [int(part) for part in out] if len(out) == 3 else None
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None
