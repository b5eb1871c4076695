"""The image's entrypoint: start a process of the slug the way a Heroku dyno or herokuish's `/start`
does, and as the container's PID 1 do init's job for it.

It is copied into the image as a file and runs with the slug's own Python, isolated
(`python3 -I /runtime/launcher.py [ARGS]`), so it uses the standard library only and imports
nothing from the project. The contract with the image writer:

- `processes.json` lies beside this file: a JSON object {process type: command}, each command
  a shell command line as in a Procfile;
- the working directory is the app folder (the slug): it becomes HOME, and `.profile.d/*.sh`,
  then `.profile`, are sourced there by bash before every process, on top of the container's
  environment, with PORT defaulting to 5000;
- ARGS: none runs `web`; one word that names a process type runs it (`bash -c COMMAND`), a
  type winning over a program of the same name; anything else (a program, or several words)
  is a command run as given, found on the PATH `.profile.d` made;
- exit status: the process's own, 128+N when signal N killed it; 2 when the arguments name
  neither a process type nor a program; 126 or 127 when the program cannot run or is not
  found; 1 when the image or `.profile.d` is broken. Errors are one line on stderr starting
  `launcher: `.

As PID 1 it forks the process, forwards the signals a container runtime or a user sends, reaps
every orphan, and exits with the process's status. Otherwise (the runtime has its own init) it
execs the process, which then gets the signals itself.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PROCESSES_FILE = "processes.json"
DEFAULT_TYPE = "web"
DEFAULT_PORT = "5000"
PROFILE_SCRIPTS = (".profile.d", ".profile")
# What `docker stop`, `kill`, a terminal or gunicorn's controls send.
FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1,
             signal.SIGUSR2, signal.SIGTTIN, signal.SIGTTOU, signal.SIGWINCH)
# Python ignores these for itself; a program it starts must get the default back.
IGNORED_BY_PYTHON = (signal.SIGPIPE, signal.SIGXFSZ)
# Set by bash itself, not by the scripts: they keep the values the container gave.
SHELL_BOOKKEEPING = ("_", "SHLVL", "PWD", "OLDPWD")
QUOTED_LENGTH = 200

BROKEN, USAGE, CANNOT_RUN, NOT_FOUND = 1, 2, 126, 127

# Sources the scripts in order, naming each on the report pipe (FD) before it, then writes an
# empty name and the resulting environment (`env -0`: NUL-terminated entries). A script runs
# with FD closed, so nothing it leaves running holds the pipe open.
SOURCE_PROFILE = """\
for script in .profile.d/*.sh .profile; do
  [ -f "$script" ] || continue
  printf '%s\\0' "$script" >&{fd}
  . "./$script" {fd}>&-
done
printf '\\0' >&{fd}
exec env -0 >&{fd}
"""


class LauncherError(Exception):
    def __init__(self, text, status=BROKEN):
        super().__init__(text)
        self.status = status


@dataclass(frozen=True)
class Choice:
    argv: list
    process_type: str = None  # the type whose command argv runs; None for a command run as given


# --- messages ------------------------------------------------------------------------

def excerpt(value):
    """A value as a message quotes it: its first line, at most QUOTED_LENGTH characters,
    unprintable ones as U+FFFD (buildpack.log.messages.excerpt, which this file cannot import)."""
    line, _, rest = str(value).partition("\n")
    shown = "".join(c if c.isprintable() else "\ufffd" for c in line[:QUOTED_LENGTH])
    return shown + ("..." if len(line) > QUOTED_LENGTH or rest else "")


def type_list(types):
    return ", ".join(excerpt(name) for name in types) if types else "none"


def unknown_word(word, types):
    return (f'"{excerpt(word)}" is neither a process type nor a program on PATH; the image\'s '
            f"process types are: {type_list(types)}. Give one of them, or a command to run "
            "(for example: bash)")


def no_default_type(types):
    return (f'the image has no "{DEFAULT_TYPE}" process type, which runs when no command is given; '
            f"its process types are: {type_list(types)}. Give one of them, or a command to run")


def type_with_arguments(name):
    return (f'"{excerpt(name)}" is a process type, and a process type takes no arguments: give its '
            "name alone, or the whole command to run")


def no_processes_file(path):
    return (f"{path} is missing: the image must hold its process types there, as a JSON object "
            '{"web": "gunicorn ..."}; build the image again')


def bad_processes_file(path, problem):
    return (f"{path} is not a JSON object of process types to commands ({excerpt(problem)}); "
            "build the image again")


def no_bash(needed_for, path):
    return (f"{needed_for} needs bash, and there is no bash on PATH ({excerpt(path)}): install bash "
            "in the image")


def program_not_found(program, path):
    return (f'no program "{excerpt(program)}" on PATH ({excerpt(path)}): install it in the image, '
            "or give its full path")


def cannot_run(program, error):
    return f'cannot run "{excerpt(program)}": {error.strerror}'


def profile_stopped(script, status):
    return (f"{script} stopped the shell sourcing it (exit status {status}), so no process can "
            "start: a profile script is sourced before every process, it must set variables "
            "only, never call `exit` or fail")


def profile_shell_failed(status):
    return f"the bash sourcing .profile.d failed (exit status {status}) before any script ran"


def no_env_report(status):
    return (f"the bash sourcing .profile.d could not report the environment: `env -0` failed "
            f"(exit status {status}); the image needs coreutils")


# --- decisions -----------------------------------------------------------------------

def read_processes(path):
    """{type: command} from processes.json, in the file's order."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LauncherError(no_processes_file(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LauncherError(bad_processes_file(path, str(exc))) from None
    try:
        types = json.loads(text)
    except ValueError as exc:
        raise LauncherError(bad_processes_file(path, str(exc))) from None
    if not isinstance(types, dict):
        raise LauncherError(bad_processes_file(path, f"it holds a {type(types).__name__}"))
    for name, command in types.items():
        if not isinstance(command, str):
            raise LauncherError(bad_processes_file(path, f'the command of "{name}" is not a string'))
    return types


def choose(args, types, is_program):
    """What the image's arguments ask to run: a process type (none: web) or a command as given.
    One word is a process type first, then a program; `is_program(word)` says whether a word
    names a program on PATH."""
    if len(args) > 1:
        if args[0] in types and not is_program(args[0]):
            raise LauncherError(type_with_arguments(args[0]), USAGE)
        return Choice(list(args))
    name = args[0] if args else DEFAULT_TYPE
    if name in types:
        return Choice(["bash", "-c", types[name]], name)
    if not args:
        raise LauncherError(no_default_type(types), USAGE)
    if is_program(name):
        return Choice([name])
    raise LauncherError(unknown_word(name, types), USAGE)


def starting_environment(environ, app_dir):
    """The container's environment with HOME at the app folder and PORT's default."""
    return {**environ, "HOME": str(app_dir), "PORT": environ.get("PORT") or DEFAULT_PORT}


def parse_profile_report(report):
    """(the scripts named, in order; the environment after them, or None when the shell
    stopped before the end) from what SOURCE_PROFILE wrote."""
    *records, unterminated = report.split(b"\0")
    end = records.index(b"") if b"" in records else len(records)
    scripts = [os.fsdecode(name) for name in records[:end]]
    if end == len(records) or unterminated:
        return scripts, None
    entries = (os.fsdecode(entry).partition("=") for entry in records[end + 1:])
    return scripts, {name: value for name, _, value in entries}


def keep_bookkeeping(before, after):
    """`after` with the variables bash sets itself as they were `before` it ran."""
    result = {name: value for name, value in after.items() if name not in SHELL_BOOKKEEPING}
    result.update((name, before[name]) for name in SHELL_BOOKKEEPING if name in before)
    return result


def exit_status(wait_status):
    """The shell's convention: the exit code, or 128+N for a process killed by signal N."""
    code = os.waitstatus_to_exitcode(wait_status)
    return code if code >= 0 else 128 - code


# --- effects -------------------------------------------------------------------------

def find(program, env):
    return shutil.which(program, path=env.get("PATH", os.defpath))


def profile_environment(app_dir, environ):
    """`environ` after bash sourced the app's profile scripts, as at a dyno's start."""
    if not any((app_dir / name).exists() for name in PROFILE_SCRIPTS):
        return environ
    bash = find("bash", environ)
    if bash is None:
        raise LauncherError(no_bash(app_dir / ".profile.d", environ.get("PATH", os.defpath)),
                            NOT_FOUND)
    read_end, write_end = os.pipe()
    with open(read_end, "rb") as report_pipe:
        try:
            shell = subprocess.Popen([bash, "-c", SOURCE_PROFILE.format(fd=write_end)], cwd=app_dir,
                                     env=environ, pass_fds=(write_end,))
        except OSError as exc:
            raise LauncherError(cannot_run(bash, exc), CANNOT_RUN) from None
        finally:
            os.close(write_end)
        report = report_pipe.read()
    status = shell.wait()
    scripts, result = parse_profile_report(report)
    if result is None and scripts:
        raise LauncherError(profile_stopped(app_dir / scripts[-1], status))
    if result is None:
        raise LauncherError(profile_shell_failed(status))
    if status != 0:
        raise LauncherError(no_env_report(status))
    return keep_bookkeeping(environ, result)


def resolve(choice, env):
    program = find(choice.argv[0], env)
    if program is None:
        path = env.get("PATH", os.defpath)
        if choice.process_type:
            raise LauncherError(no_bash(f'the process type "{choice.process_type}"', path), NOT_FOUND)
        raise LauncherError(program_not_found(choice.argv[0], path), NOT_FOUND)
    return program


def execute(program, argv, env):
    """Become the program (exec resets the signals caught here; the ones Python ignores for
    itself are given back their default)."""
    for number in IGNORED_BY_PYTHON:
        signal.signal(number, signal.SIG_DFL)
    try:
        os.execve(program, argv, env)
    except OSError as exc:
        raise LauncherError(cannot_run(argv[0], exc), CANNOT_RUN) from None


def supervise(program, argv, env):
    """init's job: run the program as a child in a process group of its own (given the
    terminal, if ours), forward signals to it, reap every process reparented here, and return
    the child's exit status once it is gone."""
    child = None

    def forward(number, _frame):
        try:
            os.kill(child, number)
        except ProcessLookupError:  # it ended; its status is collected next
            pass

    # Blocked until the child's pid is known: a signal arriving meanwhile is forwarded after.
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, FORWARDED)
    handlers = {number: signal.signal(number, forward) for number in FORWARDED}
    in_foreground = os.isatty(0) and os.tcgetpgrp(0) == os.getpgrp()
    child = os.fork()
    if child == 0:
        status = CANNOT_RUN
        try:
            os.setpgid(0, 0)
            if in_foreground:  # SIGTTOU is still blocked, so a background group may do this
                os.tcsetpgrp(0, os.getpid())
            # Before unblocking: a signal forwarded before the exec must act on the child.
            for number, handler in handlers.items():
                signal.signal(number, signal.SIG_IGN if handler == signal.SIG_IGN else signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            execute(program, argv, env)
        except LauncherError as error:
            report(error)
            status = error.status
        finally:
            os._exit(status)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, FORWARDED)
    while True:
        pid, wait_status = os.waitpid(-1, 0)
        if pid == child:
            return exit_status(wait_status)


def report(error):
    print(f"launcher: {error}", file=sys.stderr, flush=True)


def launch(args, environ, app_dir, processes_file, is_init):
    types = read_processes(processes_file)
    env = profile_environment(app_dir, starting_environment(environ, app_dir))
    choice = choose(args, types, lambda word: find(word, env) is not None)
    program = resolve(choice, env)
    if is_init:
        return supervise(program, choice.argv, env)
    execute(program, choice.argv, env)


def main():
    try:
        return launch(sys.argv[1:], dict(os.environ), Path.cwd(),
                      Path(__file__).resolve().parent / PROCESSES_FILE, os.getpid() == 1)
    except LauncherError as error:
        report(error)
        return error.status
    except KeyboardInterrupt:
        return 128 + signal.SIGINT


if __name__ == "__main__":
    sys.exit(main())
