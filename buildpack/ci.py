"""bin/test: run the app's test suite on Heroku CI-style hosts (after bin/test-compile).

app.json's `environments.test.scripts.test` when there is one (herokuish's `buildpack test`
ignores app.json, Heroku CI runs the script itself), else pytest when the app installed it,
else Django's test runner; the exit status is the verdict. The config vars are in the
tests' environment, as on the host. `scripts.test-setup`, `env` and `addons` are the host's
to apply before bin/test (Heroku CI and `runtime test` do).
"""

import os
import subprocess
from collections import namedtuple

from buildpack import app_json, config_vars, slug
from buildpack.django import discovery
from buildpack.log import messages
from buildpack.log.output import BuildError, step

# argv and its description for the log; runner: "script" (app.json's), "pytest" or "django"
TestRun = namedtuple("TestRun", "argv description runner")


def choose(test_script, has_pytest, manage_py, python):
    """The TestRun, or None when there is nothing to run: app.json's test script, else pytest,
    else `manage.py test` (`manage_py` relative to the app, or None)."""
    if test_script is not None:
        return TestRun(["bash", "-c", test_script], f"app.json's test script: {test_script}", "script")
    if has_pytest:
        return TestRun([str(python), "-m", "pytest"], "-m pytest", "pytest")
    if manage_py is not None:
        return TestRun([str(python), str(manage_py), "test"], f"{manage_py} test", "django")
    return None


def command(build_dir, config):
    """The TestRun of the slug in `build_dir` (see `choose`)."""
    test_script = app_json.read(build_dir).test.scripts.get("test")
    python = next(iter(sorted(slug.python_home(build_dir).glob("bin/python3.*"))), "python3")
    has_pytest = slug.has_package(build_dir, "pytest")
    project = None
    if test_script is None and not has_pytest:
        project, _ = discovery.discover(build_dir, config)
    chosen = choose(test_script, has_pytest, project and project.manage_py, python)
    if chosen is None:
        raise BuildError(messages.no_test_runner())
    return chosen


def run(build_dir, env_dir):
    config, _ = config_vars.read(env_dir)
    chosen = command(build_dir, config)
    step("Running " + chosen.description)
    return subprocess.call(chosen.argv, cwd=build_dir, env={**os.environ, **config})
