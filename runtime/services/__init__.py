"""The local servers an app's processes use: PostgreSQL (`--db postgres`) and Redis (`--redis`),
or what the app's app.json asks for (the `heroku-postgresql` and `heroku-redis` add-ons).

`local_services` is what `start`, `release` and `run` use: it starts what is chosen, adds
its DATABASE_URL or REDIS_URL to the app's environment, and stops it when the block ends.
"""

import argparse
import contextlib
import os
import signal
import sys
from dataclasses import dataclass

from runtime import messages
from runtime.app import manifest
from runtime.environment import LOCAL_PLATFORM
from runtime.errors import UserError
from runtime.services import postgres, redis

POSTGRES_ADDON = "heroku-postgresql"
REDIS_ADDON = "heroku-redis"
DATABASES = ("sqlite", "postgres")
CAUGHT = (signal.SIGTERM, signal.SIGHUP)  # SIGINT already raises KeyboardInterrupt


def add_arguments(parser):
    parser.add_argument("--db", choices=DATABASES,
                        help="the database: `postgres` runs a local PostgreSQL server and sets "
                        "DATABASE_URL (the default when app.json lists the heroku-postgresql "
                        "add-on and DATABASE_URL is not set); `sqlite` never does")
    parser.add_argument("--redis", action=argparse.BooleanOptionalAction, default=None,
                        help="run a local Redis server and set REDIS_URL (the default when "
                        "app.json lists the heroku-redis add-on and REDIS_URL is not set)")


def addons(app_root):
    """The add-on services app.json lists (`heroku-postgresql`, ...), without their plans."""
    return set(manifest(app_root).addons)


@dataclass(frozen=True)
class Choice:
    postgres: str = None  # why PostgreSQL runs (the source of its DATABASE_URL), or None
    redis: str = None
    notes: tuple = ()  # what to tell the user about the choice


def choose(db, use_redis, listed, sources):
    """Which servers run. `db` and `use_redis` are the options (None when not given), `listed`
    the add-on services of app.json, `sources` {name: source} of the app's environment.

    An option given wins over a DATABASE_URL (or REDIS_URL) the environment has, and says so;
    app.json only sets the default, which yields to a URL already set."""
    chosen, notes = {}, []
    use_postgres = None if db is None else db == "postgres"
    for name, given, option, addon, variable in (
            ("postgres", use_postgres, "--db postgres", POSTGRES_ADDON, "DATABASE_URL"),
            ("redis", use_redis, "--redis", REDIS_ADDON, "REDIS_URL")):
        source = sources.get(variable)
        if given:
            chosen[name] = f"runtime ({option})"
            if source:
                notes.append(messages.service_replaces(option, variable, source))
        elif given is None and addon in listed:
            if source:
                notes.append(messages.service_not_started(addon, variable, source, option))
            else:
                chosen[name] = f"runtime (app.json: {addon})"
    return Choice(chosen.get("postgres"), chosen.get("redis"), tuple(notes))


def data_folder(app_folder, name):
    """`<app>/.runtime/<name>`."""
    return os.path.join(os.path.abspath(app_folder), ".runtime", name)


def say(text):
    print(messages.line(text), file=sys.stderr, flush=True)


def _stopped(number, frame):
    raise UserError(messages.services_stopped(signal.Signals(number).name), status=128 + number)


@contextlib.contextmanager
def local_services(app_root, env, db=None, use_redis=None, environ=os.environ, listed=None,
                   database_suffix="", fresh=False):
    """Run the servers chosen for the app whose folder is `app_root` (a slug's: the one it was
    built from; from the options and the add-ons
    `listed`, by default app.json's) for the block; their URLs are set in `env` (the app's
    Environment) and yielded {name: value}. The database is named after the app, plus
    `database_suffix`; `fresh`: an empty one each time, as Heroku CI's test runs get.
    SIGTERM and SIGHUP raise a UserError inside the block, so that the servers still stop."""
    # What the user set: not a default of runtime's (the local SQLite database is one).
    sources = {name: setting.source for name, setting in env.settings.items()
               if setting.source not in ("default", LOCAL_PLATFORM)}
    choice = choose(db, use_redis, addons(app_root) if listed is None else listed, sources)
    for note in choice.notes:
        say(note)
    if not (choice.postgres or choice.redis):
        yield {}
        return
    previous = {number: signal.getsignal(number) for number in (signal.SIGINT, *CAUGHT)}
    for number in CAUGHT:
        signal.signal(number, _stopped)
    try:
        with contextlib.ExitStack() as servers:
            extra = {}
            if choice.postgres:
                name = postgres.database_name(os.path.basename(os.path.abspath(app_root)))
                extra["DATABASE_URL"] = _started(servers, postgres.running(
                    data_folder(app_root, "postgres"), name + database_suffix, environ, say, fresh))
                env.set("DATABASE_URL", extra["DATABASE_URL"], choice.postgres)
            if choice.redis:
                extra["REDIS_URL"] = _started(servers, redis.running(data_folder(app_root, "redis"),
                                                                     environ, say))
                env.set("REDIS_URL", extra["REDIS_URL"], choice.redis)
            yield extra
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _started(servers, server):
    """Enter `server` into the stack of `servers`; before it stops, Ctrl-C, SIGTERM and SIGHUP
    are ignored: stopping takes a moment, which another signal must not cut short."""
    url = servers.enter_context(server)
    servers.callback(_ignore_stop_signals)
    return url


def _ignore_stop_signals():
    for number in (signal.SIGINT, *CAUGHT):
        signal.signal(number, signal.SIG_IGN)
