"""`runtime check`: a release phase for an app with migrations, and the Python pinned in
`.python-version`. No Django runs here: the apps have no manage.py."""

import pytest

from tests.runtime.checks.test_django_contract import findings
from tests.runtime.helpers import runtime

pytestmark = pytest.mark.timeout(30)

MIGRATION = "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    pass\n"
WEB = "web: gunicorn mysite.wsgi\n"
RELEASE_FIX = ("fix: add `release: python manage.py migrate --noinput` to the Procfile; it runs once "
               "per deploy, before the new processes start")


def no_release(procfile):
    return (f"WARN  {procfile}: no `release` process type, while the app has migrations "
            "(polls/migrations/0001_initial.py): a deploy would start the new code on a database "
            "without its tables")


def test_an_app_with_migrations_and_no_release_gets_the_release_line_to_add(app):
    root = app({"Procfile": WEB, ".python-version": "3.12\n", "polls/migrations/0001_initial.py": MIGRATION})

    result = runtime("check", cwd=root)

    assert result.returncode == 0, result.stdout
    assert findings(result.stdout)[no_release("Procfile")] == RELEASE_FIX


def test_without_a_procfile_the_warning_names_the_procfile_to_write(app):
    root = app({".python-version": "3.12\n", "polls/migrations/0001_initial.py": MIGRATION})

    result = runtime("check", cwd=root)

    assert findings(result.stdout)[no_release("Procfile")] == RELEASE_FIX


def test_a_release_entry_passes(app):
    root = app({"Procfile": WEB + "release: python manage.py migrate --noinput\n",
                ".python-version": "3.12\n", "polls/migrations/0001_initial.py": MIGRATION})

    result = runtime("check", cwd=root)

    assert result.returncode == 0, result.stdout
    assert "PASS  Procfile:2: `release` runs before each deploy, for the app's migrations" in result.stdout.splitlines()
    assert "no `release` process type" not in result.stdout


def test_migrations_of_installed_packages_and_virtualenvs_are_not_the_app_s(app):
    root = app({"Procfile": WEB, ".python-version": "3.12\n",
                ".heroku/python/lib/python3.12/site-packages/django/contrib/auth/migrations/0001_initial.py": MIGRATION,
                "env/pyvenv.cfg": "home = /usr/bin\n",
                "env/lib/python3.12/site-packages/polls/migrations/0001_initial.py": MIGRATION,
                "node_modules/x/migrations/0001_initial.py": MIGRATION})

    result = runtime("check", cwd=root)

    assert "release" not in result.stdout, result.stdout


@pytest.mark.parametrize("files, line, fix", [
    ({}, "WARN  no .python-version: the build picks its default Python, which changes as new Pythons come out",
     "fix: pin the Python the app runs on: echo 3.14 > .python-version"),
    ({"runtime.txt": "python-3.12.1\n"}, "WARN  no .python-version: the build reads runtime.txt instead",
     "fix: pin the Python the app runs on: echo 3.12 > .python-version && git rm runtime.txt"),
    ({"pyproject.toml": '[project]\nname = "site"\nversion = "1"\nrequires-python = ">=3.10,<3.13"\n'},
     "WARN  no .python-version: the build reads requires-python in pyproject.toml instead",
     "fix: pin the Python the app runs on: echo 3.12 > .python-version"),
    ({".python-version": "3.13\n"}, "PASS  .python-version asks for Python 3.13", ""),
    ({".python_version": "3.13\n"}, ("FAIL  the build would fail: The Python version file is named '.python_version', which is not a "
      "name the build reads."),
     "fix: Rename it to .python-version (containing a version such as 3.13), for example: $ git mv "
     "'.python_version' .python-version"),
], ids=["none", "runtime.txt", "requires-python", "pinned", "misspelled"])
def test_the_python_version_is_pinned_in_python_version(app, files, line, fix):
    root = app({"Procfile": WEB, **files})

    result = runtime("check", cwd=root)

    assert findings(result.stdout).get(line) == fix, result.stdout
    assert result.returncode == (1 if line.startswith("FAIL") else 0)
