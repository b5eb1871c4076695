"""`runtime run`: one command, or one Procfile process type, with the app's environment.

runtime replaces itself with the command (exec), so the terminal, stdin and stdout, every signal
and the exit status belong to the command alone: nothing to forward, nothing to translate.
"""

import argparse
import os
import signal
import sys

from runtime import formation, messages
from runtime.app import App, add_app_arguments, add_port_argument
from runtime.errors import UserError
from runtime.supervisor.manager import SHELL

DYNO = "run.1"  # one-off dynos are named run.N on Heroku


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "run", help="run a command (or a Procfile process type) with the app's environment",
        description="Run CMD in the app root with the app's environment (DYNO=run.1). A single "
        "word that names a Procfile process type runs that type's command, with the PORT it gets "
        "from `runtime start`. The command's exit status is runtime's.")
    add_port_argument(parser)
    add_app_arguments(parser)
    parser.add_argument("command", nargs=argparse.REMAINDER, metavar="CMD ... | TYPE")
    parser.set_defaults(func=run)


def run(args):
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        raise UserError(messages.NOTHING_TO_RUN)
    app = App.from_args(args)
    procfile = _procfile_naming(app, command[0]) if len(command) == 1 else None
    env = app.environment()
    if procfile:
        base = formation.base_port(args.port, env)
        process, = formation.processes(procfile, [(command[0], 1)], env.values(), base, dyno=DYNO)
        argv, child_env = [SHELL, "-c", process.command], process.env
    else:
        argv, child_env = command, {**env.values(), "DYNO": DYNO}
        if args.port is not None:
            child_env["PORT"] = str(args.port)
    app.prepare_local_database(env, announce=False)  # the output is the command's alone
    exec_command(argv, child_env, app.root)


def _procfile_naming(app, name):
    """The Procfile when `name` is one of its process types, else None. Only then is it loaded
    strictly (its errors stop the command, its warnings show): an invalid Procfile must not
    stop `runtime run bash`, which is how one goes and fixes it."""
    if not os.path.isfile(app.procfile_path) or name not in app.parsed_procfile.entries:
        return None
    return app.procfile()


def exec_command(argv, env, cwd):
    os.chdir(cwd)
    sys.stdout.flush()
    sys.stderr.flush()
    # Python ignores these at start-up; a command should get the usual defaults (`yes | head`).
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
    try:
        os.execvpe(argv[0], argv, env)
    except FileNotFoundError:
        raise UserError(messages.command_not_found(argv[0]), status=127) from None
    except PermissionError:
        raise UserError(messages.not_executable(argv[0]), status=126) from None
    except OSError as exc:
        raise UserError(messages.cannot_run(argv[0], exc), status=126) from None
