"""The default web process: which installed server serves the app, with which command and why."""

from pathlib import Path

import pytest

from buildpack.django.discovery import Project
from buildpack.release import choose_web_server

BOTH = Project(Path("."), Path("manage.py"), "mysite.settings", "mysite.wsgi", "mysite.asgi")
WSGI_ONLY = BOTH._replace(asgi_module=None)
ASGI_ONLY = BOTH._replace(wsgi_module=None)
NESTED = Project(Path("backend"), Path("backend/manage.py"), "shop.settings", "shop.wsgi", "shop.asgi")


@pytest.mark.parametrize(("installed", "project", "expected"), [
    ({"gunicorn"}, BOTH, ("gunicorn", "gunicorn mysite.wsgi --bind 0.0.0.0:$PORT",
                          "installed; the app is WSGI: mysite.wsgi")),
    ({"gunicorn", "uvicorn", "uwsgi"}, BOTH, ("gunicorn", "gunicorn mysite.wsgi --bind 0.0.0.0:$PORT",
                                              "installed; the app is WSGI: mysite.wsgi")),
    ({"gunicorn", "uvicorn-worker", "uvicorn"}, ASGI_ONLY, (
        "gunicorn", "gunicorn mysite.asgi --bind 0.0.0.0:$PORT -k uvicorn_worker.UvicornWorker",
        "installed, with uvicorn-worker's worker; the app is ASGI: mysite.asgi")),
    ({"gunicorn", "uvicorn"}, ASGI_ONLY, (
        "gunicorn", "gunicorn mysite.asgi --bind 0.0.0.0:$PORT -k uvicorn.workers.UvicornWorker",
        "installed, with uvicorn's worker; the app is ASGI: mysite.asgi")),
    ({"uwsgi"}, BOTH, ("uwsgi", "uwsgi --http-socket 0.0.0.0:$PORT --module mysite.wsgi --master "
                                "--processes ${WEB_CONCURRENCY:-1} --die-on-term --need-app "
                                "--add-header 'Connection: close'",
                       "installed; the app is WSGI: mysite.wsgi")),
    ({"pyuwsgi"}, WSGI_ONLY, ("uwsgi", "uwsgi --http-socket 0.0.0.0:$PORT --module mysite.wsgi --master "
                                       "--processes ${WEB_CONCURRENCY:-1} --die-on-term --need-app "
                                       "--add-header 'Connection: close'",
                              "installed; the app is WSGI: mysite.wsgi")),
    ({"uvicorn"}, ASGI_ONLY, ("uvicorn", "uvicorn mysite.asgi:application --host 0.0.0.0 --port $PORT",
                              "installed; the app is ASGI: mysite.asgi")),
    ({"uvicorn"}, BOTH, ("uvicorn", "uvicorn mysite.asgi:application --host 0.0.0.0 --port $PORT",
                         "installed; it serves ASGI only: mysite.asgi")),
    ({"daphne", "hypercorn"}, BOTH, ("daphne", "daphne -b 0.0.0.0 -p $PORT mysite.asgi:application",
                                     "installed; it serves ASGI only: mysite.asgi")),
    ({"hypercorn"}, ASGI_ONLY, (
        "hypercorn", "hypercorn --bind 0.0.0.0:$PORT --workers ${WEB_CONCURRENCY:-1} --access-logfile - "
                     "mysite.asgi:application", "installed; the app is ASGI: mysite.asgi")),
    ({"hypercorn"}, BOTH, (
        "hypercorn", "hypercorn --bind 0.0.0.0:$PORT --workers ${WEB_CONCURRENCY:-1} --access-logfile - "
                     "mysite.wsgi:application", "installed; the app is WSGI: mysite.wsgi")),
    ({"granian"}, BOTH, (
        "granian", "granian --interface wsgi --host 0.0.0.0 --port $PORT --workers ${WEB_CONCURRENCY:-1} "
                   "--access-log mysite.wsgi:application", "installed; the app is WSGI: mysite.wsgi")),
    ({"granian"}, ASGI_ONLY, (
        "granian", "granian --interface asginl --host 0.0.0.0 --port $PORT --workers ${WEB_CONCURRENCY:-1} "
                   "--access-log mysite.asgi:application", "installed; the app is ASGI: mysite.asgi")),
    # A server that cannot serve the app's modules gives way to the next one installed.
    ({"gunicorn", "uwsgi", "daphne"}, ASGI_ONLY, ("daphne", "daphne -b 0.0.0.0 -p $PORT mysite.asgi:application",
                                                  "installed; the app is ASGI: mysite.asgi")),
    ({"uvicorn", "granian"}, WSGI_ONLY, (
        "granian", "granian --interface wsgi --host 0.0.0.0 --port $PORT --workers ${WEB_CONCURRENCY:-1} "
                   "--access-log mysite.wsgi:application", "installed; the app is WSGI: mysite.wsgi")),
])
def test_the_first_installed_server_that_serves_the_app_is_the_default(installed, project, expected):
    assert tuple(choose_web_server(installed, project)) == expected


@pytest.mark.parametrize(("installed", "command"), [
    ({"gunicorn"}, "gunicorn shop.wsgi --chdir backend --bind 0.0.0.0:$PORT"),
    ({"uwsgi"}, "uwsgi --http-socket 0.0.0.0:$PORT --module shop.wsgi --chdir backend --master "
                "--processes ${WEB_CONCURRENCY:-1} --die-on-term --need-app "
                "--add-header 'Connection: close'"),
    ({"uvicorn"}, "uvicorn shop.asgi:application --host 0.0.0.0 --port $PORT --app-dir backend"),
    ({"daphne"}, "cd backend && exec daphne -b 0.0.0.0 -p $PORT shop.asgi:application"),
    ({"hypercorn"}, "hypercorn --bind 0.0.0.0:$PORT --workers ${WEB_CONCURRENCY:-1} --access-logfile - "
                    "backend/shop.wsgi:application"),
    ({"granian"}, "granian --interface wsgi --host 0.0.0.0 --port $PORT --workers ${WEB_CONCURRENCY:-1} "
                  "--access-log --working-dir backend shop.wsgi:application"),
])
def test_a_nested_project_is_served_from_its_folder(installed, command):
    assert choose_web_server(installed, NESTED).command == command


def test_an_attribute_other_than_application_is_kept():
    project = BOTH._replace(wsgi_module=None, asgi_module="mysite.routing:app")
    assert choose_web_server({"uvicorn"}, project).command == "uvicorn mysite.routing:app --host 0.0.0.0 --port $PORT"


@pytest.mark.parametrize(("installed", "project"), [
    (set(), BOTH),
    ({"django", "whitenoise"}, BOTH),
    ({"uvicorn-worker"}, ASGI_ONLY),  # a worker, not a server
    ({"gunicorn"}, ASGI_ONLY),  # no uvicorn worker to serve ASGI with
    ({"uwsgi"}, ASGI_ONLY),
    ({"uvicorn", "daphne"}, WSGI_ONLY),
    ({"gunicorn", "uvicorn"}, BOTH._replace(wsgi_module=None, asgi_module=None)),
    ({"gunicorn"}, None),  # not a Django app
])
def test_no_default_when_no_installed_server_serves_the_app(installed, project):
    assert choose_web_server(installed, project) is None
