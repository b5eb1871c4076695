"""Django's request errors in `runtime start`'s output, DEBUG off: a 500's traceback and the reason
of a DisallowedHost 400, each line once, with or without a console LOGGING of the app's own.

One app, built once; its settings take their LOGGING (the fix `runtime check` gives) when
APP_LOGGING=console, so one slug serves every case."""

import signal
import urllib.request

import pytest

from runtime import local_logging, messages
from tests import apps
from tests.conftest import free_port, wait_for_http
from tests.runtime.helpers import Running, clean_env, process_lines, runtime

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

URLS = """\
from django.http import HttpResponse
from django.urls import path


def broken(request):
    raise ValueError("the view broke on purpose")


urlpatterns = [path("", lambda request: HttpResponse("up")), path("broken", broken)]
"""
SETTINGS = f"""
ALLOWED_HOSTS = ["127.0.0.1"]
if os.environ.get("APP_LOGGING") == "console":
    {messages.LOGGING_FIX}
"""
TRACEBACK = ["ERROR django.request: Internal Server Error: /broken",
             "Traceback (most recent call last):",
             "ValueError: the view broke on purpose"]
DISALLOWED = ("Invalid HTTP_HOST header: 'unknown.example'. You may need to add 'unknown.example' "
              "to ALLOWED_HOSTS.")


@pytest.fixture(scope="module")
def built_slug(builder, tmp_path_factory):
    root = apps.django_app(tmp_path_factory.mktemp("app") / "app", extra_settings=SETTINGS,
                           files={"mysite/urls.py": URLS, "Procfile": "web: gunicorn mysite.wsgi\n"})
    result = builder.compile(root)
    assert result.returncode == 0, result.log
    return result.build_dir


def get(url, host=None):
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def web_output(slug, **env):
    """The web process's lines after a request that fails with 500 and one for an unknown host."""
    port = free_port()
    running = Running.runtime("start", "-d", str(slug), "-p", str(port), cwd=slug, env=clean_env(**env))
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", timeout=60, process=running.popen)
        assert get(f"http://127.0.0.1:{port}/broken") == 500
        assert get(f"http://127.0.0.1:{port}/broken", host="unknown.example") == 400
        running.wait_for(r"web\.1 +\| .*\"GET /broken HTTP/1\.1\" 400", timeout=10)  # the access log
    finally:
        running.send(signal.SIGINT)
        running.finish(30)
    return [text for name, text in process_lines(running.stdout) if name == "web.1"]


def test_with_debug_off_the_traceback_of_a_500_and_the_reason_of_a_400_are_shown(built_slug):
    lines = web_output(built_slug)

    assert all(lines.count(line) == 1 for line in TRACEBACK), "\n".join(lines)
    assert f"ERROR django.security.DisallowedHost: {DISALLOWED}" in lines, "\n".join(lines)


@pytest.mark.parametrize("env", [{"APP_LOGGING": "console"}, {"DJANGO_DEBUG": "True"}],
                         ids=["own console LOGGING", "DEBUG on"])
def test_errors_the_app_logs_to_the_console_itself_are_shown_once(built_slug, env):
    lines = web_output(built_slug, **env)

    # The app's own handler writes them (its format: the message alone), runtime's does not.
    assert lines.count("Internal Server Error: /broken") == 1, "\n".join(lines)
    assert "ValueError: the view broke on purpose" in lines
    assert lines.count(DISALLOWED) == 1, "\n".join(lines)
    assert not any(line.startswith(("ERROR django.request", "ERROR django.security")) for line in lines)


def test_runtime_local_logging_0_leaves_the_app_s_logging_alone(built_slug):
    lines = web_output(built_slug, RUNTIME_LOCAL_LOGGING="0")

    assert not any("Internal Server Error" in line or "Invalid HTTP_HOST" in line for line in lines), "\n".join(lines)


def test_runtime_config_shows_the_layer_and_keeps_the_app_s_own_pythonpath(built_slug, tmp_path):
    result = runtime("config", "-d", built_slug, env=clean_env(PYTHONPATH=str(tmp_path)))

    assert result.returncode == 0, result.stderr
    assert (f"PYTHONPATH={local_logging.FOLDER}:{tmp_path}".ljust(48) + " # "
            + messages.local_logging_source() + " (overrides environment)") in result.stdout.splitlines()


def test_the_app_s_own_sitecustomize_still_runs(built_slug, tmp_path):
    (tmp_path / "sitecustomize.py").write_text("import os\nos.environ['OWN_SITECUSTOMIZE'] = 'ran'\n")
    show = "import os, sitecustomize; print(os.environ['OWN_SITECUSTOMIZE'], sitecustomize.__file__)"

    result = runtime("run", "-d", built_slug, "python", "-c", show, env=clean_env(PYTHONPATH=str(tmp_path)))

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"ran {tmp_path}/sitecustomize.py\n"
