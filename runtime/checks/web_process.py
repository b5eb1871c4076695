"""The Procfile's `web` process listens where the router connects: 0.0.0.0:$PORT."""

import re

from runtime.checks import FAIL, PASS, WARN, Finding
from runtime.errors import UserError

PORT = re.compile(r"\$\{?PORT\b")
LOOPBACK_BIND = re.compile(r"(?:127\.0\.0\.1|localhost|\[::1\]):\$\{?PORT\b")
BIND_OPTION = re.compile(r"(?:^|\s)(?:-b|--bind)(?:\s|=)")
EXAMPLE = "web: gunicorn mysite.wsgi --bind 0.0.0.0:$PORT"


def check(app):
    try:
        parsed = app.parsed_procfile
    except UserError:  # no Procfile, or unreadable: the Procfile check reports it
        return
    web = parsed.entries.get("web")
    if web is None:
        if not parsed.errors:
            yield Finding(WARN, f"{parsed.path}: no `web` process type, so the app serves no HTTP",
                          f"add one, e.g. `{EXAMPLE}`")
        return
    where, command = f"{parsed.path}:{web.line}", web.command
    if re.search(r"\brunserver\b", command):
        yield Finding(FAIL, f"{where}: `web` runs Django's development server, which is not made "
                      "for production (single process, serves static files slowly, no hardening)",
                      f"use gunicorn: `{EXAMPLE}`")
    elif LOOPBACK_BIND.search(command):
        yield Finding(FAIL, f"{where}: `web` binds $PORT on the loopback interface only, where the "
                      "router can't connect", "bind all interfaces: 0.0.0.0:$PORT")
    elif PORT.search(command):
        yield Finding(PASS, f"{where}: `web` binds $PORT")
    elif re.search(r"\bgunicorn\b", command) and not BIND_OPTION.search(command):
        yield Finding(PASS, f"{where}: `web` runs gunicorn without --bind, so it binds "
                      "0.0.0.0:$PORT itself")
    else:
        yield Finding(FAIL, f"{where}: `web` doesn't bind $PORT, so the router can't reach it",
                      f"bind 0.0.0.0:$PORT, e.g. `{EXAMPLE}`")
