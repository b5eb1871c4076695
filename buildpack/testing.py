"""bin/test: run the app's test suite on Heroku CI-style hosts (after bin/test-compile).

pytest when the app installed it, else Django's test runner; the exit status is the verdict.
"""

import subprocess

from buildpack import django_project, slug


def run(build_dir, env_dir):
    python = next(iter(sorted(slug.python_home(build_dir).glob("bin/python3.*"))), "python3")
    if slug.has_package(build_dir, "pytest"):
        command = [str(python), "-m", "pytest"]
    else:
        project, _ = django_project.discover(build_dir, {})
        if project is None:
            print("No test runner found: install pytest, or add a Django manage.py.")
            return 1
        command = [str(python), str(project.manage_py), "test"]
    print("-----> Running " + " ".join(command[1:]))
    return subprocess.call(command, cwd=build_dir)
