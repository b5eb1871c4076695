"""bin/test: run the app's test suite on Heroku CI-style hosts (after bin/test-compile).

pytest when the app installed it, else Django's test runner; the exit status is the verdict.
The config vars are in the tests' environment, as on the host.
"""

import os
import subprocess

from buildpack import config_vars, slug
from buildpack.django import discovery
from buildpack.log import messages
from buildpack.log.output import BuildError, step


def run(build_dir, env_dir):
    config, _ = config_vars.read(env_dir)
    python = next(iter(sorted(slug.python_home(build_dir).glob("bin/python3.*"))), "python3")
    if slug.has_package(build_dir, "pytest"):
        command = [str(python), "-m", "pytest"]
    else:
        project, _ = discovery.discover(build_dir, config)
        if project is None:
            raise BuildError(messages.no_test_runner())
        command = [str(python), str(project.manage_py), "test"]
    step("Running " + " ".join(command[1:]))
    return subprocess.call(command, cwd=build_dir, env={**os.environ, **config})
