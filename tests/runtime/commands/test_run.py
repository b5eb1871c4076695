"""`runtime run`: one command or one process type, with the app's environment, exec'd."""

import os
import signal
import subprocess

import pytest

from tests.runtime.helpers import HONCHO, PYTHON, RUNTIME, Running, clean_env, pid_gone, runtime

pytestmark = pytest.mark.timeout(30)

ECHO_INPUT = ("import os, sys; "
              "print(os.environ['DYNO'], os.environ['GREETING'], sys.stdin.read().upper()); "
              "sys.exit(7)")


def test_run_passes_stdin_stdout_environment_and_exit_status(app):
    root = app({".env": "GREETING=hello\n"})

    result = runtime("run", PYTHON, "-c", ECHO_INPUT, cwd=root, input="from stdin")

    assert (result.returncode, result.stdout, result.stderr) == (7, "run.1 hello FROM STDIN\n", "")


def test_run_type_runs_the_procfile_command_with_its_port_in_the_app_root(app, tmp_path):
    root = app({"Procfile": 'web: echo "$DYNO $PORT $(pwd)"\nworker: echo "$DYNO $PORT"\n'})

    result = runtime("run", "-d", str(root), "worker", cwd=tmp_path)

    assert (result.returncode, result.stdout) == (0, "run.1 5100\n")
    assert runtime("run", "web", cwd=root).stdout == f"run.1 5000 {root}\n"


def test_run_a_command_whatever_the_procfile_holds_but_a_type_only_from_a_valid_one(app):
    root = app({"Procfile": "Web_Main: echo main\nworker echo missing colon\n"})

    command = runtime("run", "env", cwd=root)
    process_type = runtime("run", "Web_Main", cwd=root)

    # `runtime run bash` is how one goes and fixes the Procfile: it doesn't read it.
    assert (command.returncode, command.stderr) == (0, ""), command.stderr
    assert "DYNO=run.1" in command.stdout.splitlines()
    assert process_type.returncode == 1
    assert process_type.stderr.startswith("runtime: error: the Procfile is invalid:\n"
                                          "  Procfile:2: expected `name: command`"), process_type.stderr


HANDLER = """\
import os, signal, sys, time
signal.signal(signal.SIGTERM, lambda *_: (print("got SIGTERM"), sys.exit(5)))
print("ready", os.getpid(), flush=True)
time.sleep(30)
"""


@pytest.mark.honcho
def test_run_passes_signals_to_the_command_where_honcho_orphans_it(app, reap):
    root = app({"handler.py": HANDLER})
    ours = Running.runtime("run", PYTHON, "handler.py", cwd=root)
    theirs = Running([*HONCHO, "run", PYTHON, "handler.py"], cwd=root)
    ours.wait_for("^ready")
    orphan = int(theirs.wait_for(r"^ready (\d+)$")[0][1])
    reap.append(orphan)

    ours.send(signal.SIGTERM)
    theirs.send(signal.SIGTERM)

    assert ours.finish() == 5
    assert ours.lines[1:] == ["got SIGTERM"]
    assert theirs.popen.wait(10) == -signal.SIGTERM
    assert not pid_gone(orphan)  # honcho died; its command runs on, without a parent
    os.kill(orphan, signal.SIGKILL)  # it holds honcho's output pipe open
    theirs.finish()


def test_a_death_by_signal_shows_as_128_plus_n_to_the_shell(app):
    root = app({})
    shell = f"{' '.join(RUNTIME)} run sh -c 'kill -KILL $$'; echo \"status $?\""

    result = subprocess.run(["sh", "-c", shell], cwd=root, env=clean_env(), capture_output=True,
                            text=True, timeout=10)

    assert result.stdout == "status 137\n"


def test_a_missing_command_exits_127_with_a_hint(app):
    result = runtime("run", "no-such-command", cwd=app({}))

    assert result.returncode == 127
    assert result.stderr == ("runtime: error: command not found: no-such-command (searched PATH of "
                             "the app's environment, from the app root): install it, fix its "
                             "name, or activate the app's virtualenv\n")


def test_run_without_a_command_is_an_error(app):
    result = runtime("run", cwd=app({}))

    assert result.returncode == 1
    assert result.stderr == ("runtime: error: nothing to run: give a command (`runtime run python "
                             "manage.py shell`) or a Procfile process type (`runtime run web`)\n")
