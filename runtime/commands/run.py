"""`runtime run`: one command, or one Procfile process type, with the app's environment.

runtime replaces itself with the command (exec), so the terminal, stdin and stdout, every signal
and the exit status belong to the command alone: nothing to forward, nothing to translate.
With a local server (`--db postgres`, `--redis`) runtime must outlive the command to stop the
server, so it waits for the command instead, as a shell does.
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys

from runtime import formation, messages, services
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
    services.add_arguments(parser)
    parser.add_argument("command", nargs=argparse.REMAINDER, metavar="CMD ... | TYPE")
    parser.set_defaults(func=run)


def run(args):
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        raise UserError(messages.NOTHING_TO_RUN)
    app = App.from_args(args)
    procfile = _procfile_naming(app, command[0]) if len(command) == 1 else None
    env = app.environment()
    with services.local_services(app.app_folder, env, args.db, args.redis) as extra:
        if procfile:
            base = formation.base_port(args.port, env)
            process, = formation.processes(procfile, [(command[0], 1)], env.values(), base, dyno=DYNO)
            argv, child_env = [SHELL, "-c", process.command], process.env
        else:
            argv, child_env = command, {**env.values(), "DYNO": DYNO}
            if args.port is not None:
                child_env["PORT"] = str(args.port)
        app.prepare_local_database(env, announce=False)  # the output is the command's alone
        if extra:
            return wait_for_command(argv, child_env, app.root)
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
    with _reported(argv[0]):
        os.execvpe(argv[0], argv, env)


def wait_for_command(argv, env, cwd):
    """Run the command and wait for it, as a shell does: it stays in runtime's process group,
    so it keeps the terminal and gets Ctrl-C and Ctrl-\\ from it, which runtime ignores; SIGTERM
    and SIGHUP sent to runtime are passed on. Returns its exit status (128+N for a death by
    signal N)."""
    sys.stdout.flush()
    sys.stderr.flush()
    with _reported(argv[0]):
        child = subprocess.Popen(argv, env=env, cwd=cwd)  # the usual SIGPIPE and SIGXFSZ, too
    for number in (signal.SIGINT, signal.SIGQUIT):
        signal.signal(number, signal.SIG_IGN)
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, lambda number, frame: child.send_signal(number))
    code = child.wait()
    return 128 - code if code < 0 else code


@contextlib.contextmanager
def _reported(program):
    try:
        yield
    except FileNotFoundError:
        raise UserError(messages.command_not_found(program), status=127) from None
    except PermissionError:
        raise UserError(messages.not_executable(program), status=126) from None
    except OSError as exc:
        raise UserError(messages.cannot_run(program, exc), status=126) from None
