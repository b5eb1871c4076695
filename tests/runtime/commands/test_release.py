"""`runtime release`: the Procfile's release command, run once, reported with its exit status."""

import pytest

from tests.runtime.helpers import PYTHON, process_lines, runtime

pytestmark = pytest.mark.timeout(30)

# Stands in for `python manage.py migrate --noinput`: applies "migrations" to the DATABASE_URL's
# SQLite file, or fails the way a broken migration does.
MANAGE = """\
import sqlite3, sys
assert sys.argv[1:] == ["migrate", "--noinput"], sys.argv
path = __import__("os").environ["DATABASE_URL"].removeprefix("sqlite:///")
with sqlite3.connect(path) as db:
    db.execute("CREATE TABLE IF NOT EXISTS django_migrations (app TEXT, name TEXT)")
    if "broken" in open("migrations.txt").read():
        sys.exit("django.db.utils.OperationalError: near \\"broken\\": syntax error")
    db.execute("INSERT INTO django_migrations VALUES ('shop', '0001_initial')")
print("Applying shop.0001_initial... OK")
"""
APP = {
    "Procfile": "web: exec sleep 30\nrelease: {python} manage.py migrate --noinput\n",
    "manage.py": MANAGE,
    ".env": "DATABASE_URL=sqlite:///db.sqlite3\n",
    "migrations.txt": "0001_initial\n",
}


def test_release_runs_migrations_with_the_app_environment_and_reports_success(app, tmp_path):
    root = app(APP)

    result = runtime("release", str(root), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "Applying shop.0001_initial... OK\n"
    assert result.stderr.endswith(
        "runtime: release.1 exited with code 0\n"
        f"runtime: release succeeded: `{PYTHON} manage.py migrate --noinput` ({root}/Procfile:2)\n")
    assert (root / "db.sqlite3").exists()


def test_a_failing_release_propagates_its_exit_code(app):
    root = app({**APP, "migrations.txt": "broken\n"})

    result = runtime("release", cwd=root)

    assert result.returncode == 1
    assert "django.db.utils.OperationalError" in result.stdout
    assert result.stderr.splitlines()[-1].startswith("runtime: release failed with exit code 1: `")
    assert result.stderr.endswith("(Procfile:2); a platform would not deploy this release. Fix "
                                  "the problem above and run it again.\n")


def test_a_release_command_exit_code_passes_through(app):
    root = app({"Procfile": "release: exit 42\n"})

    assert runtime("release", cwd=root).returncode == 42


def test_without_a_release_command_there_is_nothing_to_run(app):
    root = app({"Procfile": "web: exec sleep 30\n"})

    result = runtime("release", cwd=root)

    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == "runtime: Procfile has no `release` process type: nothing to run\n"


def test_release_is_never_part_of_start_unless_named(app):
    root = app({"Procfile": "web: echo web ran\nrelease: echo release ran\n"})

    result = runtime("start", cwd=root)

    assert [text for name, text in process_lines(result.stdout) if name != "runtime"] == ["web ran"]
