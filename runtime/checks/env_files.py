"""The app's .env files parse with python-dotenv, and its env.py runs."""

import os

from buildpack.log.messages import excerpt
from runtime import environment
from runtime.checks import FAIL, PASS, WARN, Finding
from runtime.errors import UserError


def check(app):
    for path, required in app.env_files:
        problem = environment.env_file_problem(path, required)
        if problem:
            yield Finding(FAIL, *problem)
        elif os.path.isfile(path):
            yield from check_env_file(path)
    env_py = environment.app_path(app.root, "env.py")
    if os.path.isfile(env_py):
        yield from check_env_py(app.root, env_py)


def check_env_file(path):
    try:
        env_file = environment.read_env_file(path)
    except UserError as exc:
        yield Finding(FAIL, str(exc), "save it as readable UTF-8 text")
        return
    findings = [(line, Finding(FAIL, f"{path}:{line}: cannot parse `{text}`",
                               "write NAME=value; quote values with spaces or `#` "
                               "(NAME=\"a value\") and close every quote"))
                for line, text in env_file.errors]
    findings += [(line, Finding(WARN, f"{path}:{line}: `{name}` has no `=`, so it is ignored",
                                f"write {name}= for an empty value, or delete the line"))
                 for line, name in env_file.bare]
    findings += [(line, Finding(WARN, f"{path}:{line}: {name} is set again (first on line "
                                f"{first}); the last value wins", "keep one of the two lines"))
                 for line, name, first in env_file.duplicates]
    findings += [(line, Finding(WARN if environment.holdable(name) else FAIL,
                                f"{path}:{line}: {excerpt(name)} is not a valid variable name for "
                                "a shell, systemd or supervisord",
                                "use letters, digits and `_` only"))
                 for name, line in env_file.lines.items() if not environment.ENV_NAME.match(name)]
    for _, finding in sorted(findings, key=lambda pair: pair[0]):
        yield finding
    if not env_file.errors:
        count = len(env_file.lines)
        yield Finding(PASS, f"{path}: {count} variable{'s' * (count != 1)}")


def check_env_py(app_dir, path):
    try:
        collected, left_running = environment.collect_env_py(app_dir, dict(os.environ))
    except UserError as exc:
        yield Finding(FAIL, str(exc), "make env.py run on its own: `python env.py` in the app root")
        return
    if left_running:
        yield Finding(WARN, f"{path} left processes running when it finished (runtime stopped "
                      "them)", "only set variables in it (os.environ.setdefault(...)); start "
                      "processes from the Procfile")
    for name, (_, was_set) in collected.items():
        if was_set:
            yield Finding(WARN, f"{path} replaces {name}, which is already set, so the platform's "
                          "value would be overridden too",
                          f"use os.environ.setdefault({name!r}, ...)")
    yield Finding(PASS, f"{path}: runs and sets {len(collected)} variable"
                  f"{'s' * (len(collected) != 1)}")
