"""What one sees on the first runs of a built app: the build log names the slug's own paths, a
web process whose port another program holds says so, and exported units carry the app's name."""

import re
import signal
import socket

import pytest

from tests import apps
from tests.conftest import free_port
from tests.runtime.helpers import Running, host_env, runtime

pytestmark = pytest.mark.slow  # one real build of a Django app with gunicorn

BUSY_PORT_HINT = ("web.1 stopped before it was up, and another program listens on its PORT {port}: "
                  "stop that program (another server, or another `runtime start`?), or give this "
                  "app other ports with `-p PORT` or the PORT variable (web gets PORT, each next "
                  "process type 100 more)")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(the app folder, its slug at APP/.runtime/slug, the build's CompletedProcess)."""
    root = tmp_path_factory.mktemp("first") / "shop"
    apps.django_app(root, files={"Procfile": "web: gunicorn mysite.wsgi --bind 0.0.0.0:$PORT\n",
                                 "mysite/static/site.css": "body { color: red }\n"},
                    extra_settings='STATICFILES_DIRS = [BASE_DIR / "mysite" / "static"]\n')
    result = runtime("build", root, env=host_env(), timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return root, root / ".runtime" / "slug", result


def test_the_build_log_names_the_slugs_folder_not_the_temporary_build_folder(built):
    _, slug, result = built

    copied = re.search(r"static files copied to '([^']*)'", result.stdout)
    assert copied and copied[1] == str(slug / "staticfiles")
    assert (slug / "staticfiles" / "site.css").is_file()
    assert "runtime-build_" not in result.stdout + result.stderr
    assert result.stdout.endswith(f"-----> Slug ready in {slug}\n")


def test_gunicorn_that_cannot_bind_a_port_another_program_holds_gets_the_port_hint(built):
    _, slug, _ = built
    port = free_port()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", port))
        holder.listen()
        running = Running.runtime("start", "-d", str(slug), "-p", str(port), cwd=slug, env=host_env())
        status = running.finish(timeout=60)

    assert status == 1
    assert "Connection in use" in running.stdout  # gunicorn's own word for it
    assert running.lines[-1].endswith(BUSY_PORT_HINT.format(port=port))


def test_gunicorn_on_a_free_port_serves_and_gets_no_hint(built):
    _, slug, _ = built
    running = Running.runtime("start", "-d", str(slug), "-p", str(free_port()), cwd=slug, env=host_env())
    running.wait_for(r"Listening at: http://0\.0\.0\.0:\d+", timeout=30)
    running.send(signal.SIGINT)

    assert running.finish() == 130
    assert "another program listens" not in running.stdout
