"""App config vars: one file per variable in ENV_DIR.

They are never exported into the buildpack's own process (a config var named CACHE_DIR
once shadowed a buildpack's internals); each step passes them to the one subprocess that
needs them (hooks, the installer, collectstatic), minus a denylist of variables that
belong to the build machine or would send the install somewhere else.
"""

import re
from pathlib import Path

DENYLIST = frozenset({
    "PATH", "GIT_DIR", "CPATH", "CPPATH", "LD_PRELOAD", "LIBRARY_PATH", "LD_LIBRARY_PATH",
    "PYTHONHOME", "VIRTUAL_ENV", "CONDA_PREFIX", "PIP_TARGET", "PIP_PREFIX", "PIP_ROOT",
    "PIP_USER", "PIP_REQUIRE_VIRTUALENV", "UV_PYTHON", "UV_PROJECT_ENVIRONMENT",
    "UV_SYSTEM_PYTHON", "BUILD_DIR", "CACHE_DIR", "ENV_DIR", "BUILDPACK_DIR",
})

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def read(env_dir):
    """(config vars usable by the build, names refused by the denylist)."""
    allowed, denied = {}, []
    if not env_dir or not Path(env_dir).is_dir():
        return allowed, denied
    for path in sorted(Path(env_dir).iterdir()):
        if not path.is_file() or not _NAME.match(path.name):
            continue
        if path.name in DENYLIST:
            denied.append(path.name)
            continue
        # Hosts write values verbatim; shells reading them with $(cat) drop trailing newlines.
        allowed[path.name] = path.read_bytes().decode("utf-8", errors="replace").rstrip("\n")
    return allowed, denied


def enabled(config, name):
    """Heroku's switch semantics: set to anything but "" or "0" means on ("false" too)."""
    return config.get(name, "") not in ("", "0")


def looks_secret(name):
    return bool(re.search(r"SECRET|TOKEN|PASSWORD|PASSWD|KEY|AUTH|CREDENTIAL|PRIVATE", name.upper()))
