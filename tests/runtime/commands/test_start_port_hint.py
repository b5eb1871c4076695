"""`runtime start`: the hint for a web process that stops while another program holds its port
(tests/runtime/commands/test_first_runs.py shows it with gunicorn)."""

import socket

import pytest

from tests.conftest import free_port
from tests.runtime.helpers import Running

pytestmark = pytest.mark.timeout(30)

HINT = "another program listens on its PORT"
# Binds PORT as a server would, and fails as one does when the port is taken.
BIND = "web: exec {python} -c 'import os, socket; socket.create_server((\"127.0.0.1\", int(os.environ[\"PORT\"])))'\n"


def test_a_web_process_that_cannot_bind_a_held_port_is_told_to_choose_another(app):
    root = app({"Procfile": BIND})
    port = free_port()
    with socket.create_server(("127.0.0.1", port)):
        running = Running.runtime("start", "-p", str(port), cwd=root)
        status = running.finish()

    assert status == 1
    assert "OSError: [Errno 98] Address already in use" in running.stdout
    assert running.lines[-1].endswith(
        f"web.1 stopped before it was up, and {HINT} {port}: stop that program (another server, "
        "or another `runtime start`?), or give this app other ports with `-p PORT` or the PORT "
        "variable (web gets PORT, each next process type 100 more)")


def test_a_web_process_that_fails_while_its_port_is_free_gets_no_port_hint(app):
    root = app({"Procfile": "web: exit 3\n"})

    running = Running.runtime("start", "-p", str(free_port()), cwd=root)

    assert running.finish() == 3
    assert "web.1 exited with code 3" in running.stdout
    assert HINT not in running.stdout


def test_a_worker_that_fails_while_its_port_is_held_gets_no_port_hint(app):
    root = app({"Procfile": "worker: exit 3\n"})
    port = free_port()
    with socket.create_server(("127.0.0.1", port)):
        running = Running.runtime("start", "-p", str(port), cwd=root)
        status = running.finish()

    assert status == 3
    assert HINT not in running.stdout
