"""Apps served by uWSGI, uvicorn or gunicorn's uvicorn worker: their default web process, printed by
bin/release and started from the slug moved to another folder as a host would, answers HTTP;
so does a uWSGI ini written for a Docker image, through the VIRTUAL_ENV .profile.d sets."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests import apps
from tests.conftest import SOURCE_PROFILE_D, build_env, free_port, in_slug, require, run_bin, wait_for_http

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


@contextlib.contextmanager
def serving(slug, command, started=None):
    """`command` started in the slug as a host starts a process; yields the first response to /.
    Then stopped as a host stops it (SIGTERM to its process group), once `started(pgid)` says
    it can be: uWSGI ignores SIGTERM until its master has spawned every worker."""
    port = free_port()
    server = subprocess.Popen(["bash", "-c", SOURCE_PROFILE_D + "exec " + command],
                              env=build_env(HOME=str(slug), PORT=str(port)),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield wait_for_http(f"http://127.0.0.1:{port}/", process=server)
    finally:
        deadline = time.monotonic() + 30
        while started and not started(server.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode(errors="replace")
    assert server.returncode in (0, -signal.SIGTERM), output


def every_process_handles_sigterm(pgid):
    """Whether each process of the group has its SIGTERM handler in place (SigCgt, /proc)."""
    caught = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
            if os.getpgid(int(status.parent.name)) == pgid:
                caught.append(int(fields["SigCgt"], 16) >> (signal.SIGTERM - 1) & 1)
        except (OSError, KeyError, ValueError):  # a process that ended meanwhile
            continue
    return bool(caught) and all(caught)


@pytest.mark.slow  # pip compiles uWSGI from source: about a minute
def test_uwsgi_app_without_procfile_is_served_by_uwsgi_from_the_moved_slug(builder, tmp_path):
    app = apps.django_app(tmp_path / "app", requirements="django\nuwsgi\nwhitenoise\n")
    slug, result = built_and_moved(builder, app, tmp_path)
    assert "-----> Default web process: uwsgi (installed; the app is WSGI: mysite.wsgi)\n" in result.stdout
    web = default_web(slug)
    assert web == ("uwsgi --http-socket 0.0.0.0:$PORT --module mysite.wsgi --master "
                   "--processes ${WEB_CONCURRENCY:-1} --die-on-term --need-app")
    with serving(slug, web, started=every_process_handles_sigterm) as response:
        assert response == (200, "Hello from mysite")


@pytest.mark.slow  # the same, where the first test did not run
def test_uwsgi_ini_from_a_docker_image_finds_the_slug_through_virtual_env(builder, tmp_path):
    app = apps.django_app(tmp_path / "app", requirements="django\nuwsgi\nwhitenoise\n",
                          files={"uwsgi.ini": UWSGI_INI, "Procfile": "web: uwsgi --ini uwsgi.ini\n"})
    slug, _ = built_and_moved(builder, app, tmp_path)
    with serving(slug, "uwsgi --ini uwsgi.ini", started=every_process_handles_sigterm) as response:
        assert response == (200, "Hello from mysite")
        # The server runs the moved slug's libpython, not the build folder's or the machine's.
        pid = in_slug(slug, "pgrep -o -f 'uwsgi --ini'").stdout.split()[0]
        assert f"{slug}/.heroku/python/lib/libpython3.12.so" in open(f"/proc/{pid}/maps").read()


def test_asgi_app_with_only_uvicorn_is_served_by_uvicorn(builder, tmp_path):
    slug, result = built_and_moved(builder, asgi_app(tmp_path / "app", "django\nuvicorn\nwhitenoise\n"), tmp_path)
    assert "-----> Default web process: uvicorn (installed; the app is ASGI: mysite.asgi)\n" in result.stdout
    web = default_web(slug)
    assert web == "uvicorn mysite.asgi:application --host 0.0.0.0 --port $PORT"
    with serving(slug, web) as response:
        assert response == (200, "Hello from mysite")


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
    with serving(slug, web) as response:
        assert response == (200, "Hello from mysite")


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
