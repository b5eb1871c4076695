"""Web serving: the default `web` command of each server run the way users run it, against
the server's own plain command.

    .venv/bin/python bench/web_bench.py [gunicorn|uwsgi|uvicorn ...]

For each server, the example app (examples/guestbook) is built into a slug with `runtime build`
and migrated with `runtime release`: for gunicorn as it is (its Procfile `web` is the
buildpack's default, `gunicorn guestbook.wsgi --bind 0.0.0.0:$PORT`); for uWSGI and uvicorn a
copy whose requirements name that server instead of gunicorn and whose Procfile has no `web`,
so that the slug's default web process is the one the buildpack chose for it. Two servers then
serve the same slug on localhost at once:

- ours: `runtime start -d SLUG web -p PORT`, so the slug's .profile.d applies (WEB_CONCURRENCY
  from the machine's memory and cores, gunicorn's access log on stdout, printed by runtime with
  its prefix into a file);
- plain: the server's plain command with its own defaults (`gunicorn guestbook.wsgi`: one sync
  worker, no access log; `uwsgi --http-socket ... --module guestbook.wsgi --die-on-term`: one process, its
  request log; `uvicorn guestbook.asgi:application`: one process, its access log), the slug's
  own server and Python, started in the slug folder without .profile.d.

For each, wrk (Debian's package) measures requests per second for a hashed static file
(admin/css/base.css under its name in staticfiles.json, asked for with a browser's
Accept-Encoding) and for a read-only page (/admin/login/): after a short warm-up, the two servers
take turns for ROUNDS rounds, and each figure is the median. Any response outside 2xx or any
socket error fails the run. `run()` returns the rows as
(name, ours, anchor, ratio, unit) for the one-command benchmark runner, ratio = ours / plain.
Each variant's build cache is kept in examples/guestbook/.runtime/ (uWSGI compiles from source
once), so a rerun is quick.
"""

import contextlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.conftest import free_port, wait_for_http  # noqa: E402
from tests.runtime.helpers import RUNTIME  # noqa: E402

EXAMPLE = REPO / "examples" / "guestbook"
STATIC_FILE = "admin/css/base.css"
PAGE = "/admin/login/"  # read-only: the example's home page writes a row per request
BROWSER_HEADERS = {"Accept-Encoding": "gzip, br"}
WARM_UP_SECONDS = 1
MEASURE_SECONDS = 3
ROUNDS = 3  # the median is kept
THREADS, CONNECTIONS = 2, 10  # wrk's defaults
UNIT = "requests/s (higher is better)"


@dataclass(frozen=True)
class Server:
    name: str
    requirement: str | None  # what replaces gunicorn in the example's requirements (None: as it is)
    plain: tuple  # its plain command in the slug, {port} for the port
    # The plain command answers HTTP/1.1 without `Connection: close`, then closes: wrk counts a
    # read error per response and reconnects, as it does after a `Connection: close`.
    plain_closes_unannounced: bool = False


SERVERS = {
    "gunicorn": Server("gunicorn", None, ("gunicorn", "guestbook.wsgi", "--bind", "127.0.0.1:{port}")),
    "uwsgi": Server("uWSGI", "uwsgi>=2.0.28", ("uwsgi", "--http-socket", "127.0.0.1:{port}",
                                               "--module", "guestbook.wsgi", "--die-on-term"),
                    plain_closes_unannounced=True),
    "uvicorn": Server("uvicorn", "uvicorn>=0.30", ("uvicorn", "guestbook.asgi:application",
                                                   "--host", "127.0.0.1", "--port", "{port}")),
}

# wrk's own error count lets 3xx through; this counts every response outside 2xx, and prints
# the totals of all threads on one line.
COUNT_RESPONSES = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then not_2xx = not_2xx + 1 end
end
function done(summary, latency, requests)
  local not_2xx_total = 0
  for _, thread in ipairs(threads) do not_2xx_total = not_2xx_total + thread:get("not_2xx") end
  local errors = summary.errors
  io.write(string.format("requests=%d microseconds=%d not_2xx=%d read_errors=%d other_socket_errors=%d\\n",
    summary.requests, summary.duration, not_2xx_total, errors.read,
    errors.connect + errors.write + errors.timeout))
end
"""
WRK_RESULT = re.compile(r"^requests=(\d+) microseconds=(\d+) not_2xx=(\d+) read_errors=(\d+) "
                        r"other_socket_errors=(\d+)$", re.M)


def server_env(slug):
    """A clean environment, so that nothing from the caller (WEB_CONCURRENCY, DATABASE_URL ...)
    changes either server. HOME is the slug, as `runtime start` sets it: gunicorn keeps its
    control socket there. Both serve plain HTTP, so the app is told not to redirect to HTTPS
    (docs/contract.md), which `runtime start` would also default to on this machine; both get
    the same SECRET_KEY, as a platform gives one."""
    return {"PATH": os.environ["PATH"], "HOME": str(slug), "LANG": "C.UTF-8",
            "SECURE_SSL_REDIRECT": "False", "SECRET_KEY": "web-bench-" + "k" * 40}


def runtime(*args, env):
    result = subprocess.run([*RUNTIME, *args], env=env, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"`runtime {' '.join(args)}` failed ({result.returncode}):\n"
                           f"{result.stdout}{result.stderr}")


def served_by(server, work):
    """The example, or a copy of it served by `server`'s default web process, and its build cache
    (kept beside the example's own, so that a rerun is quick)."""
    if server.requirement is None:
        return EXAMPLE, EXAMPLE / ".runtime" / "cache"
    app = work / f"app-{server.name}"
    shutil.copytree(EXAMPLE, app, ignore=shutil.ignore_patterns(".runtime", "__pycache__"))
    requirements = app / "requirements.txt"
    requirements.write_text(re.sub(r"(?m)^gunicorn\b.*$", server.requirement, requirements.read_text()))
    procfile = app / "Procfile"
    procfile.write_text(re.sub(r"(?m)^web:.*\n", "", procfile.read_text()))
    return app, EXAMPLE / ".runtime" / f"bench-cache-{server.name}"


def build_and_release(server, work):
    """The slug, built as scripts/example does and migrated on SQLite."""
    app, cache = served_by(server, work)
    slug = work / f"slug-{server.name}"
    # The build keeps what a build may see of this environment.
    runtime("build", str(app), "--out", str(slug), "--cache", str(cache), env=os.environ)
    runtime("release", str(slug), env=server_env(slug))
    return slug


def hashed_static_path(slug):
    manifest = json.loads((slug / "staticfiles" / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"][STATIC_FILE]


def wrk(url, seconds, script, closes_unannounced=False):
    """Requests per second; raises unless every response was 2xx and no socket failed (but for
    the end of each response's connection, for a server that `closes_unannounced`)."""
    command = ["wrk", f"--threads={THREADS}", f"--connections={CONNECTIONS}", f"--duration={seconds}s",
               f"--script={script}", url]
    for name, value in BROWSER_HEADERS.items():
        command.append(f"--header={name}: {value}")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    requests, microseconds, not_2xx, read_errors, socket_errors = map(int, WRK_RESULT.search(output).groups())
    if not closes_unannounced or read_errors > requests:
        socket_errors += read_errors
    if not requests or not_2xx or socket_errors:
        raise RuntimeError(f"wrk {url}: {requests} requests, {not_2xx} answered outside 2xx, "
                           f"{socket_errors} socket errors:\n{output}")
    return requests / (microseconds / 1e6)


@contextlib.contextmanager
def serving(command, slug, port, log_path):
    """The server started in the slug folder and answering on `port`; afterwards, even on
    errors, SIGTERM (what Ctrl-C or a platform sends) and wait until it has stopped."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=slug, env=server_env(slug), stdout=log,
                                   stderr=subprocess.STDOUT)
        try:
            try:
                wait_for_http(f"http://127.0.0.1:{port}{PAGE}", timeout=60, process=process)
            except OSError as error:
                raise RuntimeError(f"`{' '.join(command)}` did not answer ({error}):\n"
                                   f"{log_path.read_text()[-3000:]}") from None
            yield f"http://127.0.0.1:{port}"
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)  # runtime's grace period is 30 s
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def run(names=tuple(SERVERS)):
    """[(name, ours, anchor, ratio, unit)]: ratio = runtime start / the plain command."""
    if not shutil.which("wrk"):
        sys.exit("web_bench needs wrk: apt-get install wrk (scripts/bench installs it)")
    rows = []
    with tempfile.TemporaryDirectory(prefix="web-bench-") as work:
        work = Path(work)
        script = work / "count_responses.lua"
        script.write_text(COUNT_RESPONSES)
        for name in names:
            rows += measure(SERVERS[name], work, script)
    return rows


def measure(server, work, script):
    """The rows of one server: its default web process against its plain command."""
    slug = build_and_release(server, work)
    static_path = hashed_static_path(slug)
    paths = [static_path, PAGE]
    with contextlib.ExitStack() as servers:
        port = free_port()
        ours = servers.enter_context(serving([*RUNTIME, "start", "-d", str(slug), "web", "-p", str(port)],
                                             slug, port, work / f"runtime-start-{server.name}.log"))
        port = free_port()
        program, *arguments = server.plain
        plain = servers.enter_context(serving(
            [str(slug / ".heroku/python/bin" / program), *(word.format(port=port) for word in arguments)],
            slug, port, work / f"plain-{server.name}.log"))
        unannounced = {ours: False, plain: server.plain_closes_unannounced}
        for path in paths:
            for base_url in (ours, plain):
                wrk(base_url + path, WARM_UP_SECONDS, script, unannounced[base_url])
        # Both serve at once and take turns, so that a change in the machine's load (it is
        # shared) falls on both sides alike.
        rates = {(base_url, path): [] for base_url in (ours, plain) for path in paths}
        for _ in range(ROUNDS):
            for path in paths:
                for base_url in (ours, plain):
                    rates[base_url, path].append(wrk(base_url + path, MEASURE_SECONDS, script,
                                                     unannounced[base_url]))
    names = {static_path: f"{server.name}: hashed static file {Path(static_path).name} (gzip, br)",
             PAGE: f"{server.name}: page {PAGE}"}
    rows = []
    for path in paths:
        mine, anchor = statistics.median(rates[ours, path]), statistics.median(rates[plain, path])
        rows.append((names[path], mine, anchor, mine / anchor, UNIT))
    return rows


def main(names):
    unknown = [name for name in names if name not in SERVERS]
    if unknown:
        sys.exit(f"no server named {', '.join(unknown)}; there are: {', '.join(SERVERS)}")
    print(f"{'measurement':<62} {'runtime start':>14} {'plain':>10} {'ratio':>7}")
    for name, ours, anchor, ratio, _unit in run(names or tuple(SERVERS)):
        print(f"{name:<62} {ours:>14,.0f} {anchor:>10,.0f} {ratio:>6.2f}x")
    print(f"{UNIT}; ratio = `runtime start` (slug defaults) / the server's plain command (its defaults)")


if __name__ == "__main__":
    main(sys.argv[1:])
