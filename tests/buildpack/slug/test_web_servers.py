"""Apps served by uWSGI, uvicorn or gunicorn's uvicorn worker: their default web process, printed by
bin/release and started from the slug moved to another folder as a host would, answers HTTP;
so does a uWSGI ini written for a Docker image, through the VIRTUAL_ENV .profile.d sets."""

import collections
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml

from tests import apps
from tests.conftest import SOURCE_PROFILE_D, build_env, errors, free_port, in_slug, require, run_bin, wait_for_http

ASGI_PY = """\
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
application = get_asgi_application()
"""

UWSGI_INI = """\
[uwsgi]
virtualenv = $(VIRTUAL_ENV)
http-socket = 0.0.0.0:$(PORT)
module = mysite.wsgi:application
master = true
processes = 2
die-on-term = true
need-app = true
strict = true
"""


def asgi_app(root, requirements):
    """A Django app with only an ASGI entry point (ASGI_APPLICATION, mysite/asgi.py)."""
    app = apps.django_app(root, requirements=requirements, files={"mysite/asgi.py": ASGI_PY})
    (app / "mysite/wsgi.py").unlink()
    settings = app / "mysite/settings.py"
    settings.write_text(settings.read_text().replace('WSGI_APPLICATION = "mysite.wsgi.application"',
                                                     'ASGI_APPLICATION = "mysite.asgi.application"'))
    return app


def built_and_moved(builder, app, tmp_path):
    """The slug of app, built, then moved to another folder as a host runs it; and the build."""
    result = builder.compile(app)
    assert result.returncode == 0, result.log
    moved = tmp_path / "elsewhere" / "app"
    moved.parent.mkdir(parents=True)
    shutil.move(result.build_dir, moved)
    return moved, result


def default_web(slug):
    release = run_bin("release", slug)
    assert release.returncode == 0, release.stderr
    return yaml.safe_load(release.stdout)["default_process_types"]["web"]


Served = collections.namedtuple("Served", "response pid")


@contextlib.contextmanager
def serving(slug, command, workers=None, ready=None):
    """`command` started in the slug as a host starts a process; yields the first response to /
    and the pid of the server (it execs, so that of the shell the host started).
    Then stopped as a host stops it, SIGTERM to its process group, once `ready(pgid, output)`:
    uWSGI and granian miss a SIGTERM that comes while they start their workers (`workers` of
    them: WEB_CONCURRENCY)."""
    port = free_port()
    env = build_env(HOME=str(slug), PORT=str(port), **({"WEB_CONCURRENCY": str(workers)} if workers else {}))
    with tempfile.TemporaryFile() as output:
        server = subprocess.Popen(["bash", "-c", SOURCE_PROFILE_D + "exec " + command], env=env,
                                  stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        printed = ""
        try:
            yield Served(wait_for_http(f"http://127.0.0.1:{port}/", process=server), server.pid)
            deadline = time.monotonic() + 30
            while ready and not ready(server.pid, printed) and time.monotonic() < deadline:
                time.sleep(0.1)
                output.seek(0)
                printed = output.read().decode(errors="replace")
            assert not ready or ready(server.pid, printed), printed
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
            output.seek(0)
            printed = output.read().decode(errors="replace")
    assert server.returncode in (0, -signal.SIGTERM), printed


def uwsgi_ready(pgid, output):
    """Its master and 2 workers have their SIGTERM handlers (the master's comes last)."""
    return handling_sigterm(pgid) == [True] * 3


def handling_sigterm(pgid):
    """For each process of the group, whether it has a SIGTERM handler (SigCgt in /proc)."""
    handled = []
    for status in sorted(Path("/proc").glob("[0-9]*/status")):
        try:
            if os.getpgid(int(status.parent.name)) != pgid:
                continue
            caught = next(line for line in status.read_text().splitlines() if line.startswith("SigCgt:"))
        except (OSError, StopIteration):  # a process that ended meanwhile
            continue
        handled.append(bool(int(caught.split()[1], 16) >> (signal.SIGTERM - 1) & 1))
    return handled


@pytest.mark.slow  # pip compiles uWSGI from source: about a minute
def test_uwsgi_app_without_procfile_is_served_by_uwsgi_from_the_moved_slug(builder, tmp_path):
    app = apps.django_app(tmp_path / "app", requirements="django\nuwsgi\nwhitenoise\n")
    slug, result = built_and_moved(builder, app, tmp_path)
    assert "-----> Default web process: uwsgi (installed; the app is WSGI: mysite.wsgi)\n" in result.stdout
    web = default_web(slug)
    assert web == ("uwsgi --http-socket 0.0.0.0:$PORT --module mysite.wsgi --master "
                   "--processes ${WEB_CONCURRENCY:-1} --die-on-term --need-app "
                   "--add-header 'Connection: close'")
    with serving(slug, web, workers=2, ready=uwsgi_ready) as served:
        assert served.response == (200, "Hello from mysite")


@pytest.mark.slow  # the same, where the first test did not run
def test_uwsgi_ini_from_a_docker_image_finds_the_slug_through_virtual_env(builder, tmp_path):
    app = apps.django_app(tmp_path / "app", requirements="django\nuwsgi\nwhitenoise\n",
                          files={"uwsgi.ini": UWSGI_INI, "Procfile": "web: uwsgi --ini uwsgi.ini\n"})
    slug, _ = built_and_moved(builder, app, tmp_path)
    with serving(slug, "uwsgi --ini uwsgi.ini", workers=2, ready=uwsgi_ready) as served:
        assert served.response == (200, "Hello from mysite")
        # The server runs the moved slug's libpython, not the build folder's or the machine's.
        assert f"{slug}/.heroku/python/lib/libpython3.12.so" in Path(f"/proc/{served.pid}/maps").read_text()


def test_asgi_app_with_only_uvicorn_is_served_by_uvicorn(builder, tmp_path):
    slug, result = built_and_moved(builder, asgi_app(tmp_path / "app", "django\nuvicorn\nwhitenoise\n"), tmp_path)
    assert "-----> Default web process: uvicorn (installed; the app is ASGI: mysite.asgi)\n" in result.stdout
    web = default_web(slug)
    assert web == "uvicorn mysite.asgi:application --host 0.0.0.0 --port $PORT"
    with serving(slug, web) as served:
        assert served.response == (200, "Hello from mysite")


@pytest.mark.parametrize(("worker_package", "worker"), [
    ("uvicorn", "uvicorn.workers.UvicornWorker"),
    ("uvicorn-worker", "uvicorn_worker.UvicornWorker"),
])
def test_asgi_only_app_with_gunicorn_gets_gunicorn_with_the_uvicorn_worker(builder, tmp_path, worker_package, worker):
    app = asgi_app(tmp_path / "app", f"django\ngunicorn\n{worker_package}\nwhitenoise\n")
    slug, result = built_and_moved(builder, app, tmp_path)
    assert (f"-----> Default web process: gunicorn (installed, with {worker_package}'s worker; the app is "
            "ASGI: mysite.asgi)\n") in result.stdout
    web = default_web(slug)
    assert web == f"gunicorn mysite.asgi --bind 0.0.0.0:$PORT -k {worker}"
    with serving(slug, web) as served:
        assert served.response == (200, "Hello from mysite")


@pytest.mark.parametrize(("server", "command"), [
    ("daphne", "daphne -b 0.0.0.0 -p $PORT mysite.asgi:application"),
    ("hypercorn", "hypercorn --bind 0.0.0.0:$PORT --workers ${WEB_CONCURRENCY:-1} --access-logfile - "
                  "mysite.asgi:application"),
    ("granian", "granian --interface asginl --host 0.0.0.0 --port $PORT --workers ${WEB_CONCURRENCY:-1} "
                "--access-log mysite.asgi:application"),
])
def test_asgi_app_with_only_another_asgi_server_is_served_by_it(builder, tmp_path, server, command):
    slug, result = built_and_moved(builder, asgi_app(tmp_path / "app", f"django\n{server}\nwhitenoise\n"), tmp_path)
    assert f"-----> Default web process: {server} (installed; the app is ASGI: mysite.asgi)\n" in result.stdout
    web = default_web(slug)
    assert web == command
    ready = (lambda pgid, output: "Started worker-2" in output) if server == "granian" else None
    with serving(slug, web, workers=2, ready=ready) as served:
        assert served.response == (200, "Hello from mysite")


def test_virtual_env_is_the_moved_slugs_environment_for_pip_and_uv(builder, tmp_path):
    # pip, which uv-built slugs have only when the app asks for it.
    app = apps.django_app(tmp_path / "app", requirements="django\ngunicorn\nwhitenoise\npip\n")
    slug, _ = built_and_moved(builder, app, tmp_path)
    site_packages = f"{slug}/.heroku/python/lib/python3.12/site-packages"
    # From a folder outside the slug (pip shows the paths under the working folder relative), with
    # the VIRTUAL_ENV a Docker image's ENV left behind.
    outside = tmp_path / "outside"
    outside.mkdir()
    shown = in_slug(slug, f'cd {outside}; echo "$VIRTUAL_ENV"; pip --version; python -m pip install --dry-run gunicorn',
                    env={"VIRTUAL_ENV": "/opt/venv"})
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == f"{slug}/.heroku/python"
    assert lines[1].startswith("pip ") and f" from {site_packages}/pip (python 3.12)" in lines[1]
    assert f"Requirement already satisfied: gunicorn in {site_packages}" in shown.stdout
    uv = Path(sys.executable).parent / "uv"  # the test extras' uv
    require(uv.is_file(), "uv is not installed next to the tests' Python: run scripts/setup --test")
    shown = in_slug(slug, f"cd {outside}; {uv} pip show gunicorn", env={"VIRTUAL_ENV": "/opt/venv"})
    assert shown.returncode == 0, shown.stderr
    assert f"Location: {site_packages}\n" in shown.stdout


def test_asgi_only_app_whose_gunicorn_has_no_uvicorn_worker_is_warned_it_serves_no_http(builder, tmp_path):
    result = builder.compile(asgi_app(tmp_path / "app", "django\ngunicorn\nwhitenoise\n"))
    assert result.returncode == 0, result.log
    box = errors(result)
    title = ("Warning: This Django app has no web process: gunicorn can't serve its ASGI module "
             "mysite.asgi:application, and the Procfile has no web.")
    assert box[box.index(title):][:7] == [
        title,
        "",
        "Without one the app serves no HTTP requests. gunicorn and uWSGI serve WSGI; uvicorn and",
        "daphne ASGI; hypercorn and granian either; gunicorn serves ASGI with uvicorn-worker. Add",
        "the server for your module to your requirements, or declare the web process in a",
        "Procfile, for example:",
        "  web: uvicorn mysite.asgi:application --host 0.0.0.0 --port $PORT"]
    assert yaml.safe_load(run_bin("release", result.build_dir).stdout) == {}
