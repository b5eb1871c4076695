"""The environment an app's processes get, and where each value came from.

Layers, lowest first (a later layer wins):

0. for a run on this machine, where layers 1 to 4 set none, the local platform's defaults
   (docs/contract.md): DOMAIN=localhost, DOMAIN_ALIASES=127.0.0.1,[::1] and a DATABASE_URL of
   SQLite in the app folder's `.runtime/data`, outside any slug, so that a rebuild keeps it;
1. defaults: PYTHONUNBUFFERED=1, so Python output shows up at once, and for a run on this
   machine SECURE_SSL_REDIRECT=False, since it serves plain HTTP;
2. `env.py` in the app folder: the variables it sets, collected by running it in a separate
   interpreter (never imported here), the way Django's `if os.path.isfile('env.py'): import env`
   would run it;
3. `.env` files (python-dotenv syntax), in the order given;
4. the real environment of `runtime` (with `--override`, layers 3 and 4 swap); for a run on
   this machine, then runtime.local_logging's folder in front of PYTHONPATH;
5. for a built slug, HOME set to the app root and `.profile.d/*.sh` sourced by bash on top of
   all of the above, as the platform does at dyno start;
6. per-process values injected by the runner: PORT and DYNO (see runtime.formation).
"""

import io
import json
import os
import re
import secrets
import subprocess
import sys
from collections import ChainMap
from dataclasses import dataclass, field

from dotenv.parser import Error as ParseError
from dotenv.parser import Reader, parse_binding
from dotenv.variables import parse_variables

from buildpack import config_vars
from buildpack.log.messages import excerpt
from runtime import local_logging, messages
from runtime.errors import UserError, not_utf8
from runtime.supervisor import reaper

DEFAULTS = {"PYTHONUNBUFFERED": "1"}
# A local run serves plain HTTP: apps that redirect to HTTPS unless told otherwise (the
# SECURE_SSL_REDIRECT convention of docs/contract.md) are told otherwise.
LOCAL_DEFAULTS = {"SECURE_SSL_REDIRECT": "False"}
# The source `runtime config` names for what runtime sets as the platform of a local run.
LOCAL_PLATFORM = "local platform default"
LOCAL_DATA = os.path.join(".runtime", "data")  # in the app folder, beside its slug, never in it
LOCAL_DATABASE = "db.sqlite3"
LOCAL_SECRET_KEY = "secret-key"
ENV_NAME = config_vars.NAME  # what shells, systemd and supervisord accept
ENV_PY_TIMEOUT = 30
PROFILE_D_TIMEOUT = 30
NEWLINE = re.compile(r"\r\n|\n|\r")  # a line break, as python-dotenv counts lines

# Run by a separate interpreter in the app root: stdout is kept for the report, anything env.py
# prints goes to stderr.
ENV_PY_COLLECTOR = """\
import json, os
report = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)
before = dict(os.environ)
import env
json.dump({k: [v, k in before] for k, v in os.environ.items() if before.get(k) != v}, report)
"""

# Prints one snapshot before the scripts and one after each: the script's name, then the
# environment (`env -0`: NUL-terminated entries), then an empty field.
PROFILE_D_SNAPSHOTS = """\
snapshot() { env -0; printf '\\0'; }
printf '\\0'; snapshot
for script in .profile.d/*.sh; do
  [ -f "$script" ] || continue
  printf '%s\\0' "$script"
  . "$script" >&2
  snapshot
done
"""
SHELL_BOOKKEEPING = {"_", "SHLVL", "PWD", "OLDPWD"}


@dataclass
class Setting:
    value: str
    source: str
    overrides: list = field(default_factory=list)  # sources of lower layers this value beat


class Environment:
    def __init__(self):
        self.settings = {}  # name -> Setting
        self.warnings = []  # messages worth showing before processes start

    def set(self, name, value, source):
        previous = self.settings.get(name)
        overrides = [*previous.overrides, previous.source] if previous else []
        self.settings[name] = Setting(value, source, overrides)

    def unset(self, name):
        self.settings.pop(name, None)

    def values(self):
        return {name: setting.value for name, setting in self.settings.items()}

    def get(self, name):
        return self.settings.get(name)


@dataclass
class EnvFile:
    """One `.env` file as python-dotenv reads it, with the line of every value."""

    path: str
    lines: dict = field(default_factory=dict)  # name -> line of its last assignment
    values: dict = field(default_factory=dict)  # name -> value, once every statement parses
    errors: list = field(default_factory=list)  # (line, shown_statement) of those that do not parse
    bare: list = field(default_factory=list)  # (line, name) of `NAME` lines without `=`
    duplicates: list = field(default_factory=list)  # (line, name, first line)

    def source(self, name):
        return f"{self.path}:{self.lines[name]}"


class StatementReader(Reader):
    """python-dotenv's Reader, counting the lines of each statement once: its own counts the
    newlines of every token it reads, which is most of the time it takes to parse a long file.
    No token of a statement ends between a CR and its LF, so the counts are the same."""

    def read_regex(self, regex):
        match = regex.match(self.string, self.position.chars)
        if match is None:
            raise ParseError("read_regex: Pattern not found")
        self.position.chars = match.end()
        return match.groups()

    def set_mark(self):
        self.position.line = self.mark.line + len(NEWLINE.findall(self.string, self.mark.chars,
                                                                  self.position.chars))
        super().set_mark()


def shown_statement(text):
    """A statement that does not parse, as a message may quote it: its value masked like
    `runtime config` masks values, and as messages quote a bad value (`excerpt`)."""
    before, equals, value = text.partition("=")
    name = (before.split() or [""])[-1]  # the word before `=`, after any `export`
    return excerpt(config_vars.mask("", before) + equals + config_vars.mask(name, value))


def read_env_file(path):
    """Parse a .env file with python-dotenv, keeping line numbers for messages."""
    try:
        with open(path, encoding="utf-8") as file:
            # python-dotenv 1.2 loses the first key after a byte order mark
            text = file.read().removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise not_utf8(path, exc) from None
    except OSError as exc:
        raise UserError(messages.unreadable_env_file(path, exc)) from None
    env_file = EnvFile(path)
    lines = env_file.lines
    # python-dotenv's dotenv_values copies every earlier value (and os.environ) to resolve the
    # next one, which is quadratic in the file's length. Resolving here against one growing
    # mapping gives its values: ${NAME} is the value of NAME's latest line so far ("" after a
    # bare `NAME`), else os.environ's, else the default.
    values, latest = {}, {}
    known = ChainMap(latest, os.environ)
    reader = StatementReader(io.StringIO(text))
    while reader.has_next():
        binding = parse_binding(reader)
        statement = binding.original.string
        # A statement's text can start with the blank lines before it: count from its first word.
        blank_lines = statement[:len(statement) - len(statement.lstrip())].count("\n")
        line = binding.original.line + blank_lines
        if binding.error:
            env_file.errors.append((line, shown_statement(statement.strip())))
        elif binding.key is None:  # a comment or blank line
            continue
        elif binding.value is None:  # ignored, as python-dotenv ignores it when it loads a file
            env_file.bare.append((line, binding.key))
            latest[binding.key] = None
        else:
            if binding.key in lines:
                env_file.duplicates.append((line, binding.key, lines[binding.key]))
            lines[binding.key] = line
            values[binding.key] = latest[binding.key] = "".join(
                atom.resolve(known) for atom in parse_variables(binding.value))
    if not env_file.errors:
        env_file.values = values
    return env_file


def holdable(name):
    """Whether a process environment can hold a variable of this name."""
    return "=" not in name and "\0" not in name


def too_large(name, value, source):
    """Why no process can be given `name`=`value` (from `source`), or None."""
    size = len(os.fsencode(f"{name}={value}"))
    if size < config_vars.MAX_ARG_STRLEN:
        return None
    return messages.too_large(name, size, source, config_vars.MAX_ARG_STRLEN)


def env_file_problem(path, required):
    """(what is wrong, how to fix it) when `path` cannot be read as an env file, else None. An
    optional file (the default .env) may be missing; a `required` one was named with -e."""
    if os.path.isfile(path) or not (required or os.path.exists(path)):
        return None
    if not os.path.exists(path):
        return messages.missing_env_file(path)
    kind = "a folder" if os.path.isdir(path) else "a special file"
    return messages.env_file_not_a_file(path, kind, required)


def load_env_file(path):
    """A .env file that must be usable: a statement python-dotenv cannot parse is an error."""
    env_file = read_env_file(path)
    if env_file.errors:
        raise UserError(messages.invalid_env_file(path, env_file.errors))
    for name, value in env_file.values.items():
        if not holdable(name):
            raise UserError(messages.unholdable_name(env_file.source(name), name))
        if "\0" in value:
            raise UserError(messages.nul_in_value(env_file.source(name), name))
    return env_file


def app_path(app_dir, name):
    """How messages and sources name a file of the app: `env.py`, or `myapp/env.py`."""
    return os.path.normpath(os.path.join(app_dir, name))


def collect_env_py(app_dir, environ):
    """Run `env.py` from the app root in a separate interpreter.

    Returns ({name: (value, was_already_set)} for every variable it set or changed, whether it
    left processes running). What it left running is stopped: nothing it started may hold up
    start-up by keeping the output open, or outlive runtime.
    """
    path = app_path(app_dir, "env.py")
    try:
        returncode, report_text, errors, left_running = reaper.run_alone(
            [sys.executable, "-B", "-c", ENV_PY_COLLECTOR], ENV_PY_TIMEOUT, cwd=app_dir, env=environ)
    except subprocess.TimeoutExpired:
        raise UserError(messages.env_py_timeout(path, ENV_PY_TIMEOUT)) from None
    errors = errors.decode(errors="replace")
    if returncode != 0:
        raise UserError(messages.env_py_failed(path, returncode, errors))
    sys.stderr.write(errors)
    try:
        collected = json.loads(report_text)
    except ValueError:  # it ended the interpreter itself (sys.exit, os._exit) before the report
        raise UserError(messages.env_py_exited(path)) from None
    return {name: tuple(entry) for name, entry in collected.items()}, left_running


def source_profile_d(app_dir, environ):
    """Source `.profile.d/*.sh` with bash like the platform does; return the changes they make.

    Returns ([(script, name, value or None when unset)] in the order they happened, whether
    they left processes running). What they left running is stopped, as for env.py.
    """
    try:
        returncode, stdout, stderr, left_running = reaper.run_alone(
            ["bash", "-c", PROFILE_D_SNAPSHOTS], PROFILE_D_TIMEOUT, cwd=app_dir, env=environ)
    except FileNotFoundError:
        raise UserError(messages.no_bash(app_path(app_dir, ".profile.d"))) from None
    except subprocess.TimeoutExpired:
        raise UserError(messages.profile_d_timeout(app_path(app_dir, ".profile.d/*.sh"),
                                                   PROFILE_D_TIMEOUT)) from None
    sys.stderr.write(stderr.decode(errors="replace"))
    # Snapshots end with an empty field, so "\0\0" separates them; anything after the last
    # separator is a script that stopped the shell before its snapshot.
    *snapshots, unfinished = stdout.split(b"\0\0")
    if unfinished or returncode != 0:
        script = os.fsdecode(unfinished.split(b"\0")[0]) or ".profile.d/*.sh"
        raise UserError(messages.profile_d_stopped(app_path(app_dir, script), returncode))
    changes, previous = [], None
    for record in snapshots:
        script, *entries = os.fsdecode(record).split("\0")
        snapshot = dict(entry.partition("=")[::2] for entry in entries)
        if previous is not None:
            for name in (snapshot.keys() | previous.keys()) - SHELL_BOOKKEEPING:
                if snapshot.get(name) != previous.get(name):
                    changes.append((script, name, snapshot.get(name)))
        previous = snapshot
    return changes, left_running


def local_database(app_folder):
    """The SQLite file a local run's default DATABASE_URL names: in the app folder's
    `.runtime/data`, which `runtime build` never replaces."""
    return os.path.join(os.path.abspath(app_folder), LOCAL_DATA, LOCAL_DATABASE)


def local_platform_defaults(app_folder):
    """What the platform's side of the contract sets when nothing else does, for a run on this
    machine: the hostnames it is reached by, and a database (dj-database-url's absolute form).
    The secret key is `local_secret_key`'s, set apart (it is made on first use)."""
    return {"DOMAIN": "localhost", "DOMAIN_ALIASES": "127.0.0.1,[::1]",
            "DATABASE_URL": "sqlite:///" + local_database(app_folder)}


def local_secret_key(app_folder):
    """The app's local SECRET_KEY, as a platform gives one: random, made on first use and kept
    (owner-only) in `.runtime/data`, so that sessions outlive restarts and rebuilds, and never
    in a slug. None when that folder cannot be written (the app's settings then decide)."""
    path = os.path.join(os.path.abspath(app_folder), LOCAL_DATA, LOCAL_SECRET_KEY)
    for _ in range(2):  # a second command making it at the same moment: read its key
        try:
            with open(path, encoding="utf-8") as file:
                return file.read().strip() or None
        except FileNotFoundError:
            pass
        except (OSError, UnicodeDecodeError):
            return None
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
                key = secrets.token_urlsafe(50)
                file.write(key + "\n")
                return key
        except FileExistsError:
            continue
        except OSError:
            return None
    return None


def load(app_dir, env_files, override=False, environ=None, source_scripts=True, local=True,
         app_folder=None):
    """Build the Environment for the app in `app_dir`.

    `env_files`: [(path, required)]; a missing required file is an error, a missing optional
    one (the default `.env`) is skipped. `environ` replaces the real environment (os.environ);
    `source_scripts=False` leaves a slug's .profile.d scripts unsourced (its HOME is still
    the slug's root); `local=False` leaves out the defaults of a run on this machine (for
    processes exported to a server). `app_folder` holds env.py and the local data: the folder
    a slug was built from (default: `app_dir`).
    """
    environ = dict(os.environ if environ is None else environ)
    app_folder = app_dir if app_folder is None else app_folder
    env = Environment()
    for name, value in {**DEFAULTS, **(LOCAL_DEFAULTS if local else {})}.items():
        env.set(name, value, "default")

    env_py = app_path(app_folder, "env.py")
    if os.path.isfile(env_py):
        collected, left_running = collect_env_py(app_folder, environ)
        if left_running:
            env.warnings.append(messages.env_py_left_running(env_py))
        for name, (value, was_set) in collected.items():
            env.set(name, value, env_py)
            if was_set:
                env.warnings.append(messages.env_py_replaces(env_py, name))

    files = []
    for path, required in env_files:
        problem = env_file_problem(path, required)
        if problem:
            raise UserError(messages.env_file_problem(*problem))
        if os.path.isfile(path):
            files.append(load_env_file(path))

    def apply_files():
        for env_file in files:
            for name, value in env_file.values.items():
                env.set(name, value, env_file.source(name))

    def apply_real_environment():
        for name, value in environ.items():
            env.set(name, value, "environment")

    if override:
        apply_real_environment()
        apply_files()
    else:
        apply_files()
        apply_real_environment()
    if local:
        # Only where no layer set a value (so they override nothing): the lowest layer, under
        # the .profile.d scripts, which see them as a dyno sees the platform's config vars.
        for name, value in local_platform_defaults(app_folder).items():
            if env.get(name) is None:
                env.set(name, value, LOCAL_PLATFORM)
        # Both names, when neither is set (as the build's stand-in): settings read either.
        if env.get("SECRET_KEY") is None and env.get("DJANGO_SECRET_KEY") is None:
            key = local_secret_key(app_folder)
            for name in ("SECRET_KEY", "DJANGO_SECRET_KEY") if key else ():
                env.set(name, key, LOCAL_PLATFORM)
        local_logging.add_layer(env)

    if not os.path.isdir(os.path.join(app_dir, ".profile.d")):
        return env
    # A built slug runs with HOME at its root, as on the platform: its scripts find the slug's
    # Python through HOME, and tools keep their state there (gunicorn's socket).
    env.set("HOME", os.path.abspath(app_dir), "runtime (a slug's HOME is its root, as on the platform)")
    if source_scripts:
        changes, left_running = source_profile_d(app_dir, env.values())
        if left_running:
            scripts = app_path(app_dir, ".profile.d/*.sh")
            env.warnings.append(messages.profile_d_left_running(scripts))
        for script, name, value in changes:
            if value is None:
                env.unset(name)
            else:
                env.set(name, value, app_path(app_dir, script))
    return env
