"""`--db postgres` and `--redis`: real servers from the machine's packages, in the app's
`.runtime` folder, started for `start`, `release` and `run` and stopped with them."""

import json
import os
import re
import shutil
import signal
import time
from pathlib import Path

import pytest

from runtime.services import postgres
from tests.conftest import REPO, free_port, require, wait_for_http
from tests.runtime.helpers import PYTHON, Running, clean_env, host_env, runtime

POSTGRES_LINE = re.compile(r"^runtime: PostgreSQL (\d+) at 127\.0\.0\.1:(\d+), database guestbook"
                           r"(, a new cluster|, already running)? \(data in (.+)\)$", re.M)


def postgres_bin():
    try:
        return postgres.find_programs(os.environ)[1]
    except Exception as exc:  # a UserError naming the package to install
        require(False, str(exc))


def servers_of(folder):
    """Pids of the PostgreSQL or Redis servers whose data is in `folder`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if entry.name.isdigit() and any(os.fsencode(str(folder)) in arg for arg in argv):
            found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def guestbook(tmp_path_factory):
    """examples/guestbook, its app.json listing heroku-postgresql, built with `runtime build`
    (the slug is FOLDER/.runtime/slug)."""
    postgres_bin()
    folder = tmp_path_factory.mktemp("services") / "guestbook"
    shutil.copytree(REPO / "examples" / "guestbook", folder, ignore=shutil.ignore_patterns(".runtime"))
    (folder / "app.json").write_text(json.dumps({"name": "guestbook", "addons": ["heroku-postgresql:essential-0"]}))
    built = runtime("build", folder, env=host_env(), timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    yield folder
    for pid in servers_of(folder / ".runtime"):  # what a failed test left running
        os.kill(pid, signal.SIGKILL)


def psql(slug, sql, *options):
    """`runtime run psql` on the app's database: the rows, one string per row."""
    command = f'{postgres_bin()}/psql "$DATABASE_URL" -At -c "{sql}"'
    result = runtime("run", *options, "-d", slug, "sh", "-c", command, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines(), result.stderr


@pytest.mark.slow
def test_release_migrates_on_a_local_postgresql_that_stops_with_it(guestbook):
    folder, slug = guestbook, guestbook / ".runtime" / "slug"

    released = runtime("release", "--db", "postgres", slug, timeout=120)

    assert released.returncode == 0, released.stderr
    _, _, how, data = POSTGRES_LINE.search(released.stderr).groups()
    assert (how, data) == (", a new cluster", str(folder / ".runtime" / "postgres"))
    assert "runtime: release succeeded: `python manage.py migrate --noinput`" in released.stderr
    assert servers_of(folder / ".runtime") == []
    tables, said = psql(slug, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
                        "--db", "postgres")
    assert {"visits_visit", "auth_user", "django_migrations"} <= set(tables)
    assert POSTGRES_LINE.search(said).group(3) is None  # the same cluster, started again
    assert servers_of(folder / ".runtime") == []


@pytest.mark.slow
def test_start_uses_app_jsons_postgresql_keeps_its_data_and_stops_it_on_sigterm(guestbook):
    folder, slug = guestbook, guestbook / ".runtime" / "slug"
    assert runtime("release", slug, timeout=120).returncode == 0  # app.json's default: PostgreSQL

    visits = []
    for _ in range(2):
        port = free_port()
        started = Running.runtime("start", "web", "-p", str(port), cwd=slug)
        try:
            status, body = wait_for_http(f"http://127.0.0.1:{port}/", timeout=60, process=started.popen)
            assert status == 200, body
            visits.append(int(re.search(r"You are visit #(\d+)", body).group(1)))
            assert servers_of(folder / ".runtime" / "postgres")
        finally:
            started.send(signal.SIGTERM)
            assert started.finish(60) == 143
        assert servers_of(folder / ".runtime") == [], started.stderr
    assert "a new cluster" not in started.stderr
    assert visits[1] == visits[0] + 1  # the first start's visit was kept


@pytest.mark.slow
def test_a_server_a_killed_runtime_left_is_taken_over_and_a_stale_pid_file_ignored(guestbook):
    folder, slug = guestbook, guestbook / ".runtime" / "slug"
    data = folder / ".runtime" / "postgres" / "data"
    waiting = Running.runtime("run", "--db", "postgres", "sleep", "100", cwd=slug)
    try:
        server = wait_until(lambda: postgres.postmaster_pid(str(data)))
    finally:
        waiting.popen.kill()  # SIGKILL: runtime cannot stop the server
        waiting.finish()
    assert postgres.postmaster_pid(str(data)) == server

    taken_over = runtime("run", "--db", "postgres", "-d", slug, "true", timeout=60)
    assert (taken_over.returncode, POSTGRES_LINE.search(taken_over.stderr).group(3)) == (0, ", already running")
    assert servers_of(folder / ".runtime") == []

    # A server killed with its runtime leaves postmaster.pid, naming a pid that may be reused.
    (data / "postmaster.pid").write_text(f"{os.getpid()}\n{data}\n")
    restarted = runtime("run", "--db", "postgres", "-d", slug, "true", timeout=60)
    assert restarted.returncode == 0, restarted.stderr
    assert servers_of(folder / ".runtime") == []


def wait_until(found, timeout=60):
    deadline = time.monotonic() + timeout
    while not (value := found()):
        assert time.monotonic() < deadline, "nothing found"
        time.sleep(0.1)
    return value


@pytest.mark.slow
def test_sigterm_to_run_reaches_the_command_then_stops_the_server(guestbook):
    folder, slug = guestbook, guestbook / ".runtime" / "slug"
    script = "import signal, sys, time; signal.signal(15, lambda *a: sys.exit(3)); print('ready', flush=True); time.sleep(100)"
    running = Running.runtime("run", "--db", "postgres", PYTHON, "-c", script, cwd=slug)
    running.wait_for("^ready$", timeout=60)

    running.send(signal.SIGTERM)

    assert running.finish(60) == 3
    assert servers_of(folder / ".runtime") == []


def test_db_sqlite_runs_no_server_even_when_app_json_lists_one(guestbook):
    slug = guestbook / ".runtime" / "slug"

    result = runtime("run", "--db", "sqlite", "-d", slug, "sh", "-c", "echo ${DATABASE_URL:-unset}")

    # The local platform's own database: SQLite in the app folder's .runtime/data.
    database = f"sqlite:///{guestbook}/.runtime/data/db.sqlite3\n"
    assert (result.returncode, result.stdout, result.stderr) == (0, database, "")
    assert servers_of(guestbook / ".runtime") == []


def test_a_database_url_set_wins_over_app_json_but_not_over_db_postgres(guestbook):
    slug = guestbook / ".runtime" / "slug"
    env = clean_env(DATABASE_URL="sqlite:////tmp/elsewhere.sqlite3")

    kept = runtime("run", "-d", slug, "sh", "-c", 'echo "$DATABASE_URL"', env=env)
    assert (kept.returncode, kept.stdout) == (0, "sqlite:////tmp/elsewhere.sqlite3\n")
    assert kept.stderr == (
        "runtime: app.json lists heroku-postgresql, but DATABASE_URL is set (environment): using it, "
        "no local server (give --db postgres to run one instead)\n")

    replaced = runtime("run", "--db", "postgres", "-d", slug, "sh", "-c", 'echo "$DATABASE_URL"', env=env,
                       timeout=60)
    assert replaced.returncode == 0, replaced.stderr
    assert re.fullmatch(r"postgres://postgres:[0-9a-f]{32}@127\.0\.0\.1:\d+/guestbook\n", replaced.stdout)
    assert replaced.stderr.startswith(
        "runtime: --db postgres: DATABASE_URL from environment is replaced by the local server's\n")


def test_postgresql_programs_missing_from_the_folder_named_is_an_error(app, tmp_path):
    root = app({"Procfile": "web: true\n"})
    empty = tmp_path / "no-postgresql"
    empty.mkdir()

    result = runtime("run", "--db", "postgres", "-d", root, "true", env=clean_env(RUNTIME_POSTGRES_BIN=str(empty)))

    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"runtime: error: RUNTIME_POSTGRES_BIN is {empty}, which has no PostgreSQL server programs "
        "(initdb, pg_ctl, psql): set it to the folder that has them, e.g. /usr/lib/postgresql/15/bin\n")


def test_a_bad_addons_entry_in_app_json_is_an_error_naming_it(app):
    root = app({"Procfile": "web: true\n", "app.json": '{"addons": [{"plan": 42}]}'})

    result = runtime("start", "-d", root)

    assert (result.returncode, result.stderr) == (1, (
        f"runtime: error: {root}/app.json's addons[0].plan must be a plan such as "
        '"heroku-postgresql" or {"plan": "heroku-postgresql"}, not 42. Fix it in '
        f'{root}/app.json, for example: {{"addons": ["heroku-postgresql:essential-0", '
        '{"plan": "heroku-redis:mini"}]}\n'))


# Redis

REDIS_PING = ("import os, socket, urllib.parse; url = urllib.parse.urlsplit(os.environ['REDIS_URL']); "
              "s = socket.create_connection((url.hostname, url.port)); "
              "s.sendall(b'AUTH %s\\r\\n%s\\r\\n' % (url.password.encode(), os.environ['CMD'].encode())); "
              "print(s.recv(100).decode().split('\\r\\n')[1])")


def test_redis_answers_ping_and_keeps_its_data(app):
    require(shutil.which("redis-server"), "Redis is not installed: apt-get install redis-server")
    root = app({"Procfile": "web: true\n", "app.json": '{"addons": ["heroku-redis:mini"]}'})

    pinged = runtime("run", "--redis", "-d", root, PYTHON, "-c", REDIS_PING, env=clean_env(CMD="PING"))
    assert (pinged.returncode, pinged.stdout) == (0, "+PONG\n"), pinged.stderr
    assert re.fullmatch(rf"runtime: Redis at 127\.0\.0\.1:\d+ \(data in {root}/\.runtime/redis\)\n", pinged.stderr)
    assert runtime("run", "-d", root, PYTHON, "-c", REDIS_PING, env=clean_env(CMD="SET seen yes")).stdout == "+OK\n"

    got = runtime("run", "-d", root, PYTHON, "-c", REDIS_PING, env=clean_env(CMD="GET seen"))  # app.json's default

    assert (got.returncode, got.stdout) == (0, "$3\n"), got.stderr
    assert servers_of(root / ".runtime") == []


def test_redis_missing_is_an_error_naming_the_package(app, tmp_path):
    root = app({"Procfile": "web: true\n"})

    result = runtime("run", "--redis", "-d", root, "true", env=clean_env(PATH=str(tmp_path)))

    assert (result.returncode, result.stderr) == (1, (
        "runtime: error: Redis is not installed (no `redis-server` on PATH): install Debian's "
        "`redis-server` package (`sudo apt-get install redis-server`)\n"))
