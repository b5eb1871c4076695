"""App config vars: one file per variable in ENV_DIR.

They are never exported into the buildpack's own process (a config var named CACHE_DIR
once shadowed a buildpack's internals); each step passes them to the one subprocess that
needs them (hooks, the installer, collectstatic), minus a denylist of variables that
belong to the build machine or would send the install somewhere else.
"""

import re
from pathlib import Path

from buildpack.log import messages
from buildpack.log.output import MASK, BuildError

DENYLIST = frozenset({
    "PATH", "GIT_DIR", "CPATH", "CPPATH", "LD_PRELOAD", "LIBRARY_PATH", "LD_LIBRARY_PATH",
    "PYTHONHOME", "VIRTUAL_ENV", "CONDA_PREFIX", "PIP_TARGET", "PIP_PREFIX", "PIP_ROOT",
    "PIP_USER", "PIP_REQUIRE_VIRTUALENV", "UV_PYTHON", "UV_PROJECT_ENVIRONMENT",
    "UV_SYSTEM_PYTHON", "BUILD_DIR", "CACHE_DIR", "ENV_DIR", "BUILDPACK_DIR",
})

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Linux's limit on one argument or one NAME=value of an environment, its final NUL included
# (MAX_ARG_STRLEN): exec refuses a longer one with E2BIG.
MAX_ARG_STRLEN = 128 * 1024


def read(env_dir):
    """(config vars usable by the build, warnings on the files left out or read in part)."""
    allowed, warnings = {}, []
    if not env_dir or not Path(env_dir).is_dir():
        return allowed, warnings
    for path in sorted(Path(env_dir).iterdir()):
        if not path.is_file():
            continue
        if not NAME.match(path.name):
            warnings.append(messages.config_var_name_invalid(path.name))
            continue
        if path.name in DENYLIST:
            warnings.append(messages.config_var_ignored(path.name))
            continue
        # Hosts write values verbatim; shells reading them with $(cat) drop trailing newlines.
        data = path.read_bytes().rstrip(b"\n")
        size = len(path.name) + 1 + len(data)
        if size + 1 > MAX_ARG_STRLEN:
            raise BuildError(messages.config_var_too_large(path.name, size, MAX_ARG_STRLEN))
        try:
            value = data.decode("utf-8")
        except UnicodeDecodeError:
            warnings.append(messages.config_var_not_utf8(path.name))
            value = data.decode("utf-8", errors="replace")
        if "\0" in value:
            raise BuildError(messages.config_var_with_nul(path.name))
        allowed[path.name] = value
    return allowed, warnings


# Seconds a step of the app's own code (a hook, collectstatic) may run before it is stopped.
STEP_TIMEOUT_DEFAULT = 1800
STEP_TIMEOUT_MAX = 86400


def step_timeout(config):
    """The BUILD_STEP_TIMEOUT config var, else the default; any other value is an error."""
    value = config.get("BUILD_STEP_TIMEOUT", "").strip()
    if not value:
        return STEP_TIMEOUT_DEFAULT
    if not re.fullmatch(r"[0-9]{1,5}", value) or not 1 <= int(value) <= STEP_TIMEOUT_MAX:
        raise BuildError(messages.invalid_step_timeout(value, STEP_TIMEOUT_MAX, STEP_TIMEOUT_DEFAULT))
    return int(value)


def enabled(config, name):
    """Heroku's switch semantics: set to anything but "" or "0" means on ("false" too)."""
    return config.get(name, "") not in ("", "0")


SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|PRIVATE|CREDENTIAL|"
                         r"(^|_)AUTH|KEY|SALT|SIGNATURE", re.IGNORECASE)
# The credentials of a URL, scheme://user:password@host: each part is secret, since a token is
# often the user name (https://TOKEN@host/, Gemfury's https://TOKEN:@host/). Linear in the text:
# a scheme is tried only where a run of scheme characters starts, and a password stops before
# the next "://", so no stretch of text is scanned from more than one start.
URL_CREDENTIALS = re.compile(r"(?<![\w+.-])(?P<scheme>\w[\w+.-]*://)(?P<user>[^/:@\s]*)"
                             r"(?::(?P<password>(?:(?!://)[^@\s])*))?@")


def path_in_app(app_dir, config, name):
    """app_dir / the path the config var `name` holds, or None when it is unset; a path that
    leads outside the app (`..`, an absolute path, a symbolic link) is an error."""
    value = config.get(name)
    if not value:
        return None
    path = Path(app_dir) / value
    if not path.resolve().is_relative_to(Path(app_dir).resolve()):
        raise BuildError(messages.path_outside_the_app(name, value))
    return path


def looks_secret(name):
    return bool(SECRET_NAME.search(name))


def _masked_credentials(match):
    user, password = match["user"], match["password"]
    return (match["scheme"] + (MASK if user else "")
            + ("" if password is None else ":" + (MASK if password else "")) + "@")


def mask(name, value):
    """`value` as it may be shown: hidden when `name` looks secret, URL credentials hidden always."""
    if value and looks_secret(name):
        return MASK
    return URL_CREDENTIALS.sub(_masked_credentials, value)


def secret_values(config):
    """What must never reach a log: secret-looking config vars, and every part of the
    credentials of URLs."""
    found = {value for name, value in config.items() if looks_secret(name)}
    for value in config.values():
        for _, user, password in URL_CREDENTIALS.findall(value):
            found.update(part for part in (user, password) if part)
    return found
