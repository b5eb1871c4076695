"""The Procfile's `web` process listens where the router connects: 0.0.0.0:$PORT."""

import re

from runtime import messages
from runtime.checks import FAIL, PASS, WARN, Finding
from runtime.errors import UserError

PORT = re.compile(r"\$\{?PORT\b")
LOOPBACK_BIND = re.compile(r"(?:127\.0\.0\.1|localhost|\[::1\]):\$\{?PORT\b")
BIND_OPTION = re.compile(r"(?:^|\s)(?:-b|--bind)(?:\s|=)")


def check(app):
    try:
        parsed = app.parsed_procfile
    except UserError:  # no Procfile, or unreadable: the Procfile check reports it
        return
    web = parsed.entries.get("web")
    if web is None:
        if not parsed.errors:
            yield Finding(WARN, *messages.no_web_process(parsed.path))
        return
    where, command = parsed.where(web), web.command
    if re.search(r"\brunserver\b", command):
        yield Finding(FAIL, *messages.web_runs_runserver(where))
    elif LOOPBACK_BIND.search(command):
        yield Finding(FAIL, *messages.web_binds_loopback(where))
    elif PORT.search(command):
        yield Finding(PASS, messages.web_binds_port(where))
    elif re.search(r"\bgunicorn\b", command) and not BIND_OPTION.search(command):
        yield Finding(PASS, messages.web_gunicorn_binds_port(where))
    else:
        yield Finding(FAIL, *messages.web_does_not_bind_port(where))
