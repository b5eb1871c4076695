"""The app's .env files parse with python-dotenv, and its env.py runs."""

import os

from runtime import environment, messages
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
        yield Finding(FAIL, *messages.env_file_not_readable(str(exc)))
        return
    findings = [(line, Finding(FAIL, *messages.env_line_unparsable(path, line, text)))
                for line, text in env_file.errors]
    findings += [(line, Finding(WARN, *messages.env_line_without_equals(path, line, name)))
                 for line, name in env_file.bare]
    findings += [(line, Finding(WARN, *messages.env_name_set_again(path, line, name, first)))
                 for line, name, first in env_file.duplicates]
    findings += [(line, Finding(WARN if environment.holdable(name) else FAIL,
                                *messages.env_name_not_portable(path, line, name)))
                 for name, line in env_file.lines.items() if not environment.ENV_NAME.match(name)]
    for _, finding in sorted(findings, key=lambda pair: pair[0]):
        yield finding
    if not env_file.errors:
        yield Finding(PASS, messages.env_file_variables(path, len(env_file.lines)))


def check_env_py(app_dir, path):
    try:
        collected, left_running = environment.collect_env_py(app_dir, dict(os.environ))
    except UserError as exc:
        yield Finding(FAIL, *messages.env_py_does_not_run(str(exc)))
        return
    if left_running:
        yield Finding(WARN, *messages.env_py_leaves_processes(path))
    for name, (_, was_set) in collected.items():
        if was_set:
            yield Finding(WARN, *messages.env_py_overrides_platform(path, name))
    yield Finding(PASS, messages.env_py_variables(path, len(collected)))
