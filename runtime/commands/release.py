"""`runtime release`: run the Procfile's `release` command (migrations) once, as a deploy would."""

import math
import sys

from runtime import formation, messages, services
from runtime.app import App, add_app_arguments, add_port_argument
from runtime.commands.start import add_stop_arguments
from runtime.supervisor.manager import Manager
from runtime.supervisor.printer import Printer

RELEASE = formation.ONE_SHOT


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "release", help="run the Procfile's release command (e.g. migrations) and report",
        description="Run the Procfile's `release` command once, in the app root with the app's "
        "environment, and report whether it succeeded. Its exit status is runtime's: a platform "
        "deploys a release only when this succeeds.")
    add_port_argument(parser)
    add_app_arguments(parser, app_dir_positional=True)
    add_stop_arguments(parser)
    services.add_arguments(parser)
    parser.set_defaults(func=release)


def release(args):
    app = App.from_args(args)
    procfile = app.procfile()
    if RELEASE not in procfile.entries:
        say(f"{procfile.path} has no `{RELEASE}` process type: nothing to run")
        return 0
    env = app.environment()
    with services.local_services(app.app_folder, env, args.db, args.redis):
        base = formation.base_port(args.port, env)
        process, = formation.processes(procfile, [(RELEASE, 1)], env.values(), base)
        app.prepare_local_database(env)
        printer = Printer([process.name], prefix=False)
        status = Manager([process], app.root, printer, args.timeout, boot_timeout=math.inf).run()
    if status == 0:
        say(messages.release_succeeded(process.command, process.where))
    else:
        say(messages.release_failed(status, process.command, process.where))
    return status


def say(text):
    print(messages.line(text), file=sys.stderr, flush=True)
