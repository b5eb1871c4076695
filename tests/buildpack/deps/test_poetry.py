"""Poetry apps build from poetry.lock, main group only (bin/test-compile adds the test group),
exported to uv or synced by Poetry itself; a stale lock fails clearly. Locks are made by the
real Poetry, packages come from PyPI."""

import subprocess

import pytest

from buildpack.layers import tools
from tests import apps
from tests.conftest import REPO, errors, require, slug_python

UV = REPO / ".venv" / "bin" / "uv"

PYPROJECT = """\
[project]
name = "mysite"
version = "1"
requires-python = ">=3.12"
dependencies = ["django>=5.2,<6", "gunicorn", "whitenoise"]

[tool.poetry]
package-mode = false

[tool.poetry.group.test.dependencies]
iniconfig = "*"
"""


def poetry_lock(app):
    """Lock the app with the Poetry the build uses."""
    require(UV.exists(), "uv is in the test environment (scripts/setup --test)")
    subprocess.run([str(UV), "tool", "run", "--quiet", "--from", f"poetry=={tools.POETRY_VERSION}", "poetry", "lock",
                    "--no-interaction"], cwd=app, check=True, capture_output=True, timeout=300)
    return app


@pytest.fixture(scope="module")
def poetry_app(tmp_path_factory):
    app = apps.django_app(tmp_path_factory.mktemp("poetry-app"), requirements=None,
                          files={"pyproject.toml": PYPROJECT})
    return poetry_lock(app)


def has(slug, module):
    """Whether the slug's Python, as a host starts it, imports `module`."""
    return slug_python(slug, "-c", f"'import {module}'").returncode == 0


def locked_version(app, name):
    lock = (app / "poetry.lock").read_text()
    return lock.split(f'name = "{name}"\nversion = "')[1].split('"')[0]


def test_a_poetry_app_installs_its_main_group_exactly_as_locked(builder, poetry_app):
    result = builder.compile(poetry_app)
    assert result.returncode == 0, result.log
    assert "-----> Installing dependencies with uv from poetry.lock" in result.stdout
    assert has(result.build_dir, "django") and not has(result.build_dir, "iniconfig")
    version = slug_python(result.build_dir, "-c", "'import django; print(django.__version__)'")
    assert version.stdout.strip() == locked_version(poetry_app, "django")

    again = builder.compile(poetry_app)
    assert again.returncode == 0, again.log
    assert "-----> Dependencies unchanged since the last build: nothing to install (poetry.lock)" in again.stdout

    tested = builder.compile(poetry_app, step="test-compile")
    assert tested.returncode == 0, tested.log
    assert has(tested.build_dir, "django") and has(tested.build_dir, "iniconfig")


def test_a_lock_that_uv_cannot_be_given_is_synced_by_poetry_itself(builder, poetry_app, tmp_path):
    # Poetry 1 wrote lock-version 2.0: no groups and markers per package, so Poetry resolves
    # the lock again to choose what to install.
    subprocess.run(["cp", "-r", f"{poetry_app}/.", str(tmp_path)], check=True)
    lock = tmp_path / "poetry.lock"
    lock.write_text(lock.read_text().replace('lock-version = "2.1"', 'lock-version = "2.0"'))
    result = builder.compile(tmp_path, cache="cache-poetry")
    assert result.returncode == 0, result.log
    assert "Installing with Poetry itself: in poetry.lock, its lock-version is older than 2.1" in result.stdout
    assert f"-----> Installing Poetry {tools.POETRY_VERSION}" in result.stdout
    assert "-----> Installing dependencies with Poetry from poetry.lock" in result.stdout
    assert has(result.build_dir, "django") and not has(result.build_dir, "iniconfig")

    tested = builder.compile(tmp_path, cache="cache-poetry", step="test-compile")
    assert tested.returncode == 0, tested.log
    assert f"-----> Using cached Poetry {tools.POETRY_VERSION}" in tested.stdout
    assert has(tested.build_dir, "django") and has(tested.build_dir, "iniconfig")


def test_a_lock_out_of_date_with_pyproject_toml_fails_with_the_fix(builder, poetry_app, tmp_path):
    subprocess.run(["cp", "-r", f"{poetry_app}/.", str(tmp_path)], check=True)
    (tmp_path / "pyproject.toml").write_text(PYPROJECT.replace('"whitenoise"', '"whitenoise", "six"'))
    result = builder.compile(tmp_path)
    assert result.returncode == 1
    assert errors(result) == [
        "Error: poetry.lock is out of date with pyproject.toml.",
        "",
        "pyproject.toml changed after poetry.lock was last generated (the content-hash that",
        "poetry.lock records no longer matches pyproject.toml). Update the lock and commit it:",
        "  $ poetry lock",
        "  $ git add poetry.lock",
    ]
    assert "Traceback" not in result.log


def test_a_poetry_project_without_its_lock_says_to_lock_it(builder, tmp_path):
    apps.plain_app(tmp_path, {"pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.12"\nsix = "*"\n'})
    result = builder.compile(tmp_path)
    assert result.returncode == 1
    assert " !     Error: pyproject.toml declares Poetry dependencies, but there is no poetry.lock.\n" in result.stderr
    assert " !       $ poetry lock\n" in result.stderr
