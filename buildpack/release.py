"""bin/release: the YAML that tells the host about the app's default process types.

A Django app with a web server installed gets a default `web` (hosts use it only where the
Procfile has no `web` of its own). Compile decides it, when the config vars it depends on
(DJANGO_MANAGE_PY ...) are known, and leaves it in the slug for bin/release to print.
The YAML is written (`render`) and read back (`process_types`, by `runtime build`) here only.
"""

import json
import shlex
from collections import namedtuple
from pathlib import Path

from buildpack import slug
from buildpack.log import messages
from buildpack.log.output import step

RELEASE_FILE = Path(".heroku") / "release.yml"

# The servers a default web process runs, in the order they are tried: the first one installed
# that serves the app wins. Each serves WSGI, ASGI or both; one that serves both takes the WSGI
# module when the app has one (Django runs its views synchronously), the ASGI module otherwise.
SERVERS = ("gunicorn", "uwsgi", "uvicorn", "daphne", "hypercorn", "granian")
# The distributions that install each server's command (pyuwsgi: uWSGI as a wheel).
SERVER_PACKAGES = {"gunicorn": ("gunicorn",), "uwsgi": ("uwsgi", "pyuwsgi"), "uvicorn": ("uvicorn",),
                   "daphne": ("daphne",), "hypercorn": ("hypercorn",), "granian": ("granian",)}
# gunicorn serves ASGI through a uvicorn worker: uvicorn-worker's, else uvicorn's own (deprecated).
UVICORN_WORKERS = (("uvicorn-worker", "uvicorn_worker.UvicornWorker"), ("uvicorn", "uvicorn.workers.UvicornWorker"))
PACKAGES = sorted({name for names in SERVER_PACKAGES.values() for name in names} | {"uvicorn-worker"})

WebServer = namedtuple("WebServer", "server command reason")


def default_web(build_dir, project):
    """The default web process (a WebServer) for this slug, or None."""
    return choose_web_server(installed_packages(build_dir), project)


def installed_packages(build_dir):
    """Which of the distributions the default web process may use the slug has installed."""
    return {name for name in PACKAGES if slug.has_package(build_dir, name)}


def installed_servers(installed):
    """The servers these distributions install, in the order of SERVERS."""
    return [server for server in SERVERS if installed.intersection(SERVER_PACKAGES[server])]


def choose_web_server(installed, project):
    """The default web process for a Django project (or None) given the names of the
    distributions installed: the first server of SERVERS installed that serves one of the
    project's modules, with its command, binding $PORT on every interface, and why."""
    if project is None:
        return None
    for server in installed_servers(installed):
        choice = _serve(server, installed, project)
        if choice is not None:
            return choice
    return None


def _serve(server, installed, project):
    """The WebServer of `server` for the project, or None when it serves none of its modules."""
    wsgi, asgi, root = project.wsgi_module, project.asgi_module, str(project.root)
    nested = root != "."
    workers = "${WEB_CONCURRENCY:-1}"
    if server == "gunicorn":
        chdir = f" --chdir {shlex.quote(root)}" if nested else ""
        if wsgi:
            return WebServer(server, f"gunicorn {wsgi}{chdir} --bind 0.0.0.0:$PORT",
                             messages.web_server_reason("WSGI", wsgi))
        worker = next(((package, worker) for package, worker in UVICORN_WORKERS if package in installed), None)
        if asgi and worker:
            return WebServer(server, f"gunicorn {asgi}{chdir} --bind 0.0.0.0:$PORT -k {worker[1]}",
                             messages.web_server_reason("ASGI", asgi, worker=worker[0]))
        return None
    if server == "uwsgi":
        if not wsgi:
            return None
        chdir = f" --chdir {shlex.quote(root)}" if nested else ""
        # --die-on-term: SIGTERM (what hosts stop with) ends uWSGI 2.0 instead of reloading it;
        # --need-app: an app that fails to import is a failed start, not a server of 404s;
        # Connection: close: it closes after each response, and an HTTP/1.1 client told nothing
        # would send its next request (a POST too) on the closed connection.
        return WebServer(server, f"uwsgi --http-socket 0.0.0.0:$PORT --module {wsgi}{chdir} --master "
                                 f"--processes {workers} --die-on-term --need-app "
                                 "--add-header 'Connection: close'",
                         messages.web_server_reason("WSGI", wsgi))
    # The other servers take module:attribute; their ASGI or WSGI module, as above.
    interface, module = ("ASGI", asgi) if server in ("uvicorn", "daphne") or not wsgi else ("WSGI", wsgi)
    if not module:
        return None
    target = attribute_target(module)
    reason = messages.web_server_reason(interface, module, only=server in ("uvicorn", "daphne") and wsgi is not None)
    if server == "uvicorn":
        app_dir = f" --app-dir {shlex.quote(root)}" if nested else ""
        return WebServer(server, f"uvicorn {target} --host 0.0.0.0 --port $PORT{app_dir}", reason)
    if server == "daphne":  # it imports from the folder it runs in, and has no option for another
        cd = f"cd {shlex.quote(root)} && exec " if nested else ""
        return WebServer(server, f"{cd}daphne -b 0.0.0.0 -p $PORT {target}", reason)
    if server == "hypercorn":  # a path before the module: hypercorn imports it from that folder
        path = shlex.quote(f"{root}/{target}") if nested else target
        return WebServer(server, f"hypercorn --bind 0.0.0.0:$PORT --workers {workers} --access-logfile - {path}",
                         reason)
    working_dir = f" --working-dir {shlex.quote(root)}" if nested else ""
    # asginl: ASGI without the lifespan protocol, which Django does not speak (granian warns).
    granian_interface = "asginl" if interface == "ASGI" else "wsgi"
    return WebServer(server, f"granian --interface {granian_interface} --host 0.0.0.0 --port $PORT "
                             f"--workers {workers} --access-log{working_dir} {target}", reason)


def attribute_target(module):
    """`pkg.asgi` as servers that want the attribute named take it: `pkg.asgi:application`."""
    return module if ":" in module else f"{module}:application"


def write(build_dir, project):
    web = default_web(build_dir, project)
    (Path(build_dir) / RELEASE_FILE).write_text(render({"web": web.command} if web else {}))
    if web:
        step(messages.default_web_process(web.server, web.reason))
    return web


def yaml(build_dir):
    path = Path(build_dir) / RELEASE_FILE
    return path.read_text() if path.is_file() else render({})


def render(process_types):
    """The release YAML for these default process types ({name: command})."""
    if not process_types:
        return "--- {}\n"
    # JSON strings are valid YAML scalars, whatever the command contains.
    return "---\ndefault_process_types:\n" + "".join(
        f"  {name}: {json.dumps(command)}\n" for name, command in process_types.items())


def process_types(text):
    """The default process types ({name: command}) of release YAML that `render` wrote."""
    types, inside = {}, False
    for line in text.splitlines():
        if line.startswith("default_process_types:"):
            inside = True
        elif inside and line.startswith("  ") and ":" in line:
            name, _, command = line.strip().partition(":")
            types[name] = json.loads(command.strip())
        else:
            inside = False
    return types
