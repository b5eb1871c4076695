"""The build cache: reused when nothing changed, updated in place when requirements change,
discarded with the reasons printed, and never left in a state the next build trusts wrongly."""

import os
import signal
import subprocess
import time

import pytest

from tests import apps
from tests.conftest import BIN, build_env, slug_python


def installed(slug):
    names = [p.name.split("-")[0].lower() for p in slug.glob(".heroku/python/lib/python3.*/site-packages/*.dist-info")]
    return sorted(names)


@pytest.fixture
def gunicorn_app(tmp_path):
    return apps.plain_app(tmp_path / "app", {"requirements.txt": "gunicorn\n"})


@pytest.mark.parametrize("installer", ["uv", "pip"])
def test_rebuilds_install_nothing_then_only_the_difference(builder, gunicorn_app, installer):
    cache, config = f"cache-{installer}", {"PYTHON_INSTALLER": installer}
    first = builder.compile(gunicorn_app, cache=cache, config=config)
    assert first.returncode == 0, first.log
    assert "gunicorn" in installed(first.build_dir)

    unchanged = builder.compile(gunicorn_app, cache=cache, config=config)
    assert unchanged.returncode == 0, unchanged.log
    assert "-----> Restoring cache\n       Using cached install of Python 3.12." in unchanged.stdout
    assert "-----> Dependencies unchanged since the last build: nothing to install (requirements.txt)" in unchanged.stdout
    assert "Installing dependencies" not in unchanged.stdout
    assert "gunicorn" in installed(unchanged.build_dir)

    (gunicorn_app / "requirements.txt").write_text("gunicorn\nwhitenoise\n")
    added = builder.compile(gunicorn_app, cache=cache, config=config)
    assert added.returncode == 0, added.log
    assert f"-----> Installing dependencies with {installer} from requirements.txt" in added.stdout
    if installer == "uv":
        assert "Installed 1 package" in added.stdout and " + whitenoise==" in added.stdout
    else:
        assert "Successfully installed whitenoise-" in added.stdout
        assert "Requirement already satisfied: gunicorn" in added.stdout
    assert {"gunicorn", "whitenoise"} <= set(installed(added.build_dir))

    (gunicorn_app / "requirements.txt").write_text("whitenoise\n")
    removed = builder.compile(gunicorn_app, cache=cache, config=config)
    assert removed.returncode == 0, removed.log
    assert "gunicorn" not in installed(removed.build_dir)
    assert "whitenoise" in installed(removed.build_dir)
    if installer == "uv":
        assert " - gunicorn==" in removed.stdout
    else:
        assert "Successfully uninstalled gunicorn-" in removed.stdout


def test_changing_python_version_or_installer_prints_the_reason_and_starts_over(builder, gunicorn_app):
    assert builder.compile(gunicorn_app, cache="cache-reasons").returncode == 0
    (gunicorn_app / ".python-version").write_text("3.13\n")
    changed = builder.compile(gunicorn_app, cache="cache-reasons")
    assert changed.returncode == 0, changed.log
    assert ("-----> Discarding cache since:\n"
            "       - The Python version has changed from 3.12.1 to 3.13.0\n"
            "-----> Installing Python 3.13.0\n") in changed.stdout
    assert slug_python(changed.build_dir, "--version").stdout.startswith("Python 3.13.")
    switched = builder.compile(gunicorn_app, cache="cache-reasons", config={"PYTHON_INSTALLER": "pip"})
    assert "       - The installer has changed from uv to pip\n" in switched.stdout


def test_stack_change_discards_the_cache(builder, gunicorn_app):
    assert builder.compile(gunicorn_app, cache="cache-stack", env={"STACK": "heroku-22"}).returncode == 0
    moved = builder.compile(gunicorn_app, cache="cache-stack", env={"STACK": "heroku-24"})
    assert "       - The stack has changed from heroku-22 to heroku-24\n" in moved.stdout


def compile_and_kill(builder, app, cache, ready):
    """Start a build and SIGKILL it (with its installer) as soon as `ready()` is true."""
    build_dir = builder.fresh_build_dir(app)
    process = subprocess.Popen(
        [str(BIN / "compile"), str(build_dir), str(builder.cache_dir(cache)), str(builder.env_dir({}))],
        env=build_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while not ready(build_dir) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert process.poll() is None, "the build ended before the moment to kill it"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def test_build_killed_during_install_is_followed_by_a_successful_build(builder, gunicorn_app):
    assert builder.compile(gunicorn_app, cache="cache-kill-install").returncode == 0
    (gunicorn_app / "requirements.txt").write_text("gunicorn\nwhitenoise\ndjango\n")
    # Killed once uv has started writing packages into the slug's site-packages.
    compile_and_kill(builder, gunicorn_app, "cache-kill-install",
                     lambda build: any(build.glob(".heroku/python/lib/python3.*/site-packages/*whitenoise*"))
                     or any(build.glob(".heroku/python/lib/python3.*/site-packages/django")))
    after = builder.compile(gunicorn_app, cache="cache-kill-install")
    assert after.returncode == 0, after.log
    # The killed build only ever read the cache: the next one restores it and installs the rest.
    assert "-----> Restoring cache\n" in after.stdout
    assert "-----> Installing dependencies with uv from requirements.txt" in after.stdout
    assert {"django", "gunicorn", "whitenoise"} <= set(installed(after.build_dir))


def test_build_killed_during_cache_save_is_followed_by_a_successful_build(builder, gunicorn_app):
    cache = builder.cache_dir("cache-kill-save")
    (gunicorn_app / "requirements.txt").write_text("django\n")
    compile_and_kill(builder, gunicorn_app, "cache-kill-save", lambda build: any(cache.glob("python.*.partial/lib")))
    after = builder.compile(gunicorn_app, cache="cache-kill-save")
    assert after.returncode == 0, after.log
    assert "django" in installed(after.build_dir)
    again = builder.compile(gunicorn_app, cache="cache-kill-save")
    assert "Dependencies unchanged since the last build: nothing to install" in again.stdout
    assert slug_python(again.build_dir, "-c", "'import django'").returncode == 0


def test_a_failing_collectstatic_keeps_the_environment_saved_beside_it(builder, tmp_path):
    broken = apps.django_app(tmp_path / "broken", extra_settings="STATIC_ROOT = None\n")
    failed = builder.compile(broken, cache="cache-failed-step")
    assert failed.returncode == 1
    saved = failed.stdout.index("-----> Saving cache\n")  # before collectstatic, which then fails
    assert saved < failed.stdout.index("-----> Running python manage.py collectstatic --noinput")

    fixed = builder.compile(apps.django_app(tmp_path / "fixed"), cache="cache-failed-step")
    assert fixed.returncode == 0, fixed.log
    assert "-----> Restoring cache\n" in fixed.stdout
    assert "Dependencies unchanged since the last build: nothing to install" in fixed.stdout
