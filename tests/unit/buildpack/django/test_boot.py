"""The web boot check's decisions: which command loads the web process's app, and what a
failure is explained with."""

import pytest

from buildpack.django import boot

IMPORT = "python -c 'import importlib, sys; sys.path.insert(0, sys.argv[3]); " \
         "getattr(importlib.import_module(sys.argv[1]), sys.argv[2])'"


@pytest.mark.parametrize(("web", "app"), [
    ("gunicorn mysite.wsgi --bind 0.0.0.0:$PORT", "mysite.wsgi"),
    ("gunicorn mysite.wsgi --chdir backend --bind 0.0.0.0:$PORT", "mysite.wsgi"),
    ("exec gunicorn -k uvicorn.workers.UvicornWorker --workers=3 config.asgi:application", "config.asgi:application"),
    ("python -m gunicorn --preload mysite.wsgi", "mysite.wsgi"),
    ("WEB_CONCURRENCY=2 .heroku/python/bin/gunicorn --config gunicorn.conf.py", None),
])
def test_gunicorn_runs_as_it_is_with_check_config(web, app):
    check = boot.boot_check_command(web, "mysite.wsgi")
    assert (check.command, check.app) == (f"{web} --check-config", app)


def test_the_check_runs_from_the_slug_with_profile_d_sourced():
    assert boot.boot_check_command("gunicorn mysite.wsgi").argv == [
        "bash", "-c",
        'cd "$HOME"; for script in .profile.d/*.sh; do [ -f "$script" ] && . "$script"; done; '
        "gunicorn mysite.wsgi --check-config"]


@pytest.mark.parametrize(("web", "imported"), [
    ("uvicorn mysite.asgi:application --host 0.0.0.0 --port $PORT", "mysite.asgi application ."),
    ("uvicorn --app-dir backend config.asgi:app", "config.asgi app backend"),
    ("uwsgi --http :$PORT --chdir=src --module mysite.wsgi:application", "mysite.wsgi application src"),
    ("daphne -b 0.0.0.0 -p $PORT mysite.asgi:application", "mysite.asgi application ."),
])
def test_another_server_gets_an_import_of_the_callable_it_names(web, imported):
    check = boot.boot_check_command(web, "other.wsgi")
    module, attribute, _ = imported.split()
    assert (check.command, check.app) == (f"{IMPORT} {imported}", f"{module}:{attribute}")


@pytest.mark.parametrize("web", ["python app.py", "bin/start-web", "cd backend && gunicorn mysite.wsgi",
                                 "gunicorn mysite.wsgi; echo done", "gunicorn mysite.wsgi # the site"])
def test_a_command_naming_no_callable_imports_the_django_wsgi_module_from_its_folder(web):
    check = boot.boot_check_command(web, "mysite.wsgi", "backend")
    assert (check.command, check.app) == (f"{IMPORT} mysite.wsgi application backend", "mysite.wsgi:application")
    assert boot.boot_check_command(web, "config.wsgi:app").command == f"{IMPORT} config.wsgi app ."


@pytest.mark.parametrize("web", ["python app.py", "gunicorn 'unclosed", "cd x && gunicorn app"])
def test_without_a_wsgi_module_a_command_naming_no_callable_is_not_checked(web):
    assert boot.boot_check_command(web) is None


TRACEBACK = "Traceback (most recent call last):\n  File \"x.py\", line 1\n"


def test_a_missing_package_is_named_with_the_file_to_add_it_to():
    message = boot.explain(TRACEBACK + "ModuleNotFoundError: No module named 'yaml'\n", "mysite.wsgi",
                           "gunicorn mysite.wsgi", "requirements.txt")
    assert message.title == ("The web process can't start: loading mysite.wsgi fails with "
                             "ModuleNotFoundError: No module named 'yaml'.")
    assert message.body.startswith("If yaml comes from a package, add yaml to requirements.txt")


def test_pkg_resources_says_to_upgrade_gunicorn_or_add_setuptools():
    message = boot.explain(TRACEBACK + "ModuleNotFoundError: No module named 'pkg_resources'", "mysite.wsgi",
                           "gunicorn mysite.wsgi", "requirements.txt")
    assert "Upgrade gunicorn to 22 or later,\nor add setuptools to requirements.txt." in message.body


def test_the_app_module_itself_missing_says_where_the_web_process_starts():
    message = boot.explain("ModuleNotFoundError: No module named 'mysite'", "mysite.wsgi:application",
                           "uvicorn mysite.wsgi:application", "requirements.txt")
    assert message.body.startswith("The web command loads mysite.wsgi, which can't be imported")


def test_any_other_error_is_its_last_line():
    message = boot.explain(TRACEBACK + "KeyError: 'REDIS_URL'\n\n", None, "gunicorn -c conf.py", "Pipfile")
    assert message.title == "The web process can't start: loading its application fails with KeyError: 'REDIS_URL'."
    assert message.body.endswith("  web: gunicorn -c conf.py\n"
                                 "To build without this check, set the WEB_BOOT_CHECK config var to 0.")


def test_a_server_that_is_not_installed_says_to_add_it():
    message = boot.explain("bash: line 1: gunicorn: command not found\n", "mysite.wsgi", "gunicorn mysite.wsgi",
                           "requirements.txt")
    assert message.title == ("The web process can't start: loading mysite.wsgi fails with "
                             "bash: line 1: gunicorn: command not found.")
    assert message.body.startswith("gunicorn is not installed in the slug. Add the package that provides it to\n"
                                   "requirements.txt, or fix the web command.")
