"""`runtime start`: ports, selection, output, stopping, exit statuses, compared with honcho."""

import os
import pty
import re
import signal
import subprocess
import time

import pytest

from tests.conftest import free_port
from tests.runtime.helpers import HONCHO, RUNTIME, Running, clean_env, honcho, pid_gone, process_lines, runtime

pytestmark = pytest.mark.timeout(30)

SLEEP = "exec sleep 30"
SHOW_PORT = 'echo "${DYNO:-$HONCHO_PROCESS_NAME} $PORT"'  # honcho sets no DYNO
PORTS = (f'web: {SHOW_PORT}; {SLEEP}\n'
         f'worker: {SHOW_PORT}; {SLEEP}\n'
         f'release: {SHOW_PORT}\n'
         f'clock: {SHOW_PORT}; {SLEEP}\n')


def dyno_ports(root, *args, count, env=None):
    """Start, wait for `count` processes to print "$DYNO $PORT", stop; return status and lines."""
    running = Running.runtime("start", *args, cwd=root, env=env)
    running.wait_for(r"\| \w+\.\d+ \d+$", count=count)
    running.send(signal.SIGINT)
    status = running.finish()
    lines = sorted(text for _, text in process_lines(running.stdout) if re.match(r"\w+\.\d+ \d+$", text))
    return status, lines


@pytest.mark.parametrize("args, env, expected", [
    ([], {}, ["clock.1 5300", "web.1 5000", "worker.1 5100"]),
    (["web"], {}, ["web.1 5000"]),
    (["worker"], {}, ["worker.1 5100"]),
    (["-c", "web=2"], {}, ["clock.1 5300", "web.1 5000", "web.2 5001", "worker.1 5100"]),
    (["-c", "all=2", "clock"], {}, ["clock.1 5300", "clock.2 5301"]),
    (["-p", "6000", "worker"], {}, ["worker.1 6100"]),
    (["clock"], {"PORT": "7000"}, ["clock.1 7300"]),
])
def test_ports_follow_the_procfile_position_rule(app, args, env, expected):
    root = app({"Procfile": PORTS})

    status, lines = dyno_ports(root, *args, count=len(expected), env=clean_env(**env))

    assert status == 130
    assert lines == expected


@pytest.mark.honcho
def test_honcho_numbers_ports_by_the_types_started_runtime_by_procfile_position(app):
    root = app({"Procfile": PORTS.replace(f"; {SLEEP}", "")})  # run to the end: no signals

    theirs = honcho("start", "worker", cwd=root)
    ours = runtime("start", "worker", cwd=root)

    assert ("worker.1", "worker.1 5000") in process_lines(theirs.stdout)
    assert ("worker.1", "worker.1 5100") in process_lines(ours.stdout)


def test_release_runs_only_when_named_and_its_success_keeps_the_others_running(app):
    root = app({"Procfile": PORTS})

    _, lines = dyno_ports(root, count=3)
    assert "release.1 5200" not in lines

    running = Running.runtime("start", "release", "web", cwd=root)
    running.wait_for(r"runtime +\| release\.1 finished; the other processes keep running")
    running.wait_for(r"web\.1 +\| web\.1 5000")
    assert "stopping" not in running.stdout
    running.send(signal.SIGINT)
    assert running.finish() == 130
    assert "web.1 was killed by SIGTERM (exit code 143)" in running.stdout


@pytest.mark.parametrize("args, message", [
    (["wbe"], "unknown process type `wbe`: Procfile defines web, worker, release, clock"),
    (["-c", "web=two"], "bad process count `web=two` in -c web=two: write TYPE=N with N a whole "
                        "number, e.g. -c web=2,worker=1"),
    (["-c", "web"], "bad process count `web` in -c web: write TYPE=N with N a whole number, e.g. "
                    "-c web=2,worker=1"),
    (["-c", "web=-1"], "bad process count `web=-1` in -c web=-1: write TYPE=N with N a whole "
                       "number, e.g. -c web=2,worker=1"),
    (["web", "-c", "worker=2"], "-c gives a count for `worker`, but it is not among the types to "
                                "start (web): name it as a type too, or drop its count"),
    (["-c", "release=1"], "-c gives a count for `release`, but `release` runs only when named: "
                          "name it as a type too, or drop its count"),
    (["-c", "all=0"], "nothing to start"),
])
def test_unknown_types_and_bad_counts_are_clear_errors(app, args, message):
    root = app({"Procfile": PORTS})

    result = runtime("start", *args, cwd=root)

    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"runtime: error: {message}\n"


def test_a_bad_port_option_is_refused_by_the_command_line(app):
    root = app({"Procfile": PORTS})

    result = runtime("start", "-p", "70000", cwd=root)

    assert result.returncode == 2
    assert result.stderr.endswith("runtime start: error: argument -p/--port: '70000' is not a port "
                                  "number (1-65535)\n")


def test_a_bad_port_in_the_environment_names_its_source(app):
    root = app({"Procfile": PORTS, ".env": "PORT=80a\n"})

    result = runtime("start", cwd=root)

    assert result.returncode == 1
    assert result.stderr == ("runtime: error: PORT='80a' (from .env:1) is not a port number: set it "
                             "to a number between 1 and 65535, or pass -p PORT\n")


def test_processes_run_in_the_app_root_with_its_env_file(app, tmp_path):
    root = app({"Procfile": 'here: pwd; echo "$GREETING"\n', ".env": "GREETING=from the app\n"})
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "Procfile").write_text('here: pwd; echo "$GREETING"\n')

    from_outside = runtime("start", "-d", str(root), cwd=tmp_path)
    other_procfile = runtime("start", "-d", str(root), "-f", "elsewhere/Procfile", cwd=tmp_path)

    for result in from_outside, other_procfile:
        assert result.returncode == 0, result.stderr
        assert [text for name, text in process_lines(result.stdout) if name == "here.1"] == [
            str(root), "from the app"]


@pytest.mark.honcho
def test_honcho_runs_processes_in_the_current_directory(app, tmp_path):
    root = app({"Procfile": 'here: pwd; echo "$GREETING"\n', ".env": "GREETING=from the app\n"})

    theirs = honcho("-d", str(root), "start", cwd=tmp_path)
    assert ("here.1", str(tmp_path)) in process_lines(theirs.stdout)  # not the app root


PIECES = """\
import os, sys, time
tag = sys.argv[1]
for number in range(300):
    for piece in (tag, "x" * 50, f" {number}\\n"):
        sys.stdout.write(piece)
        sys.stdout.flush()
    if number % 50 == 0:
        time.sleep(0.01)
sys.stdout.write("no newline at the end")
open(f"done-{tag}", "w").close()
while not (os.path.exists("done-a") and os.path.exists("done-b")):  # exit together
    time.sleep(0.01)
"""


def test_output_is_prefixed_with_time_and_padded_name_and_lines_never_interleave(app):
    root = app({"Procfile": "a: {python} pieces.py a\nlonger-name: {python} pieces.py b\n",
                "pieces.py": PIECES})

    result = runtime("start", cwd=root)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(re.match(r"\d\d:\d\d:\d\d (a\.1          |longer-name\.1|runtime      ) \| ", line)
               for line in lines), result.stdout
    for name, tag in ("a.1", "a"), ("longer-name.1", "b"):
        texts = [text for process, text in process_lines(result.stdout) if process == name]
        assert texts[:300] == [f"{tag}{'x' * 50} {number}" for number in range(300)]
        assert texts[300] == "no newline at the end"


def test_colour_follows_force_color_no_color_and_the_terminal(app):
    root = app({"Procfile": "web: echo hello\n"})

    plain = runtime("start", cwd=root).stdout
    forced = runtime("start", cwd=root, env=clean_env(FORCE_COLOR="1")).stdout
    refused = runtime("start", cwd=root, env=clean_env(FORCE_COLOR="1", NO_COLOR="1")).stdout
    terminal = output_on_a_terminal([*RUNTIME, "start"], root)

    coloured = re.compile(r"^\x1b\[36m\d\d:\d\d:\d\d web\.1   \| \x1b\[0mhello\r?$", re.M)
    assert "\x1b[" not in plain and "\x1b[" not in refused
    assert coloured.search(forced)
    assert coloured.search(terminal)


def output_on_a_terminal(command, cwd):
    controller, terminal = pty.openpty()
    process = subprocess.Popen(command, cwd=cwd, env=clean_env(), stdout=terminal,
                               stderr=subprocess.DEVNULL)
    os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # EIO: every writer has closed the terminal
            break
        if not chunk:
            break
        output += chunk
    process.wait(10)
    os.close(controller)
    return output.decode()


def test_no_prefix_prints_output_as_is_and_messages_on_stderr(app):
    root = app({"Procfile": "web: echo hello; printf 'a\\n\\nb\\n'\n"})

    result = runtime("start", "--no-prefix", cwd=root)

    assert result.returncode == 0
    assert result.stdout == "hello\na\n\nb\n"
    assert re.match(r"runtime: web\.1 started with pid \d+ \(PORT=5000\)\n"
                    r"runtime: web\.1 exited with code 0\n$", result.stderr)


def test_a_process_s_last_lines_come_before_its_exit_notice(app):
    root = app({"Procfile": "web: printf 'one\\ntwo\\nthree'\n"})

    for _ in range(20):
        result = runtime("start", cwd=root)

        assert result.returncode == 0, result.stderr
        lines = [(name, text) for name, text in process_lines(result.stdout)
                 if name == "web.1" or "exited" in text]
        assert lines == [("web.1", "one"), ("web.1", "two"), ("web.1", "three"),
                         ("runtime", "web.1 exited with code 0")], result.stdout


def test_the_first_failure_stops_the_rest_and_gives_the_exit_status(app):
    root = app({"Procfile": f"web: {SLEEP}\nworker: sleep 0.2; exit 3\n"})

    result = runtime("start", cwd=root)

    assert result.returncode == 3
    messages = [text for name, text in process_lines(result.stdout) if name == "runtime"]
    assert messages[2:] == ["worker.1 exited with code 3",
                            "stopping all processes with SIGTERM (SIGKILL after 30 s)",
                            "web.1 was killed by SIGTERM (exit code 143)"]


@pytest.mark.honcho
def test_a_process_killed_by_sigkill_gives_137_where_honcho_gives_247(app, reap):
    root = app({"Procfile": f"web: {SLEEP}\nvictim: echo \"pid $$\"; {SLEEP}\n"})
    statuses = {}
    for name, command in ("runtime", RUNTIME), ("honcho", HONCHO):
        running = Running([*command, "start"], cwd=root)
        pid = int(running.wait_for(r"\| pid (\d+)$")[0][1])
        reap.append(pid)
        os.kill(pid, signal.SIGKILL)
        statuses[name] = running.finish()
        if name == "runtime":
            assert "victim.1 was killed by SIGKILL (exit code 137)" in running.stdout

    assert statuses == {"runtime": 137, "honcho": 247}


def test_a_missing_command_exits_127_at_once_with_a_hint(app):
    root = app({"Procfile": f"web: {SLEEP}\nworker: no-such-command --flag\n"})

    result = runtime("start", cwd=root, timeout=10)

    assert result.returncode == 127
    messages = [text for name, text in process_lines(result.stdout) if name == "runtime"]
    assert "worker.1 exited with code 127" in messages
    assert ("worker.1: the shell could not find a command in `no-such-command --flag` "
            "(Procfile:2): install it, fix its name, or put it on PATH (a source checkout needs its "
            "virtualenv active; a built slug puts its own on PATH)") in messages
    assert any(text.endswith("no-such-command: command not found")
               for name, text in process_lines(result.stdout) if name == "worker.1")


def test_a_command_that_is_not_executable_exits_126_with_a_hint(app):
    root = app({"Procfile": "worker: ./job.sh\n", "job.sh": "echo never\n"})

    result = runtime("start", cwd=root, timeout=10)

    assert result.returncode == 126
    assert ("worker.1: a command in `./job.sh` (Procfile:1) is not executable: `chmod +x` it, or "
            "run it through its interpreter") in result.stdout


@pytest.mark.honcho
def test_a_process_that_cannot_be_spawned_is_reported_where_honcho_hangs(app):
    # Values within Linux's 128 KiB limit per environment string, but over the whole
    # environment's (a quarter of the stack limit, 2 MiB by default), make exec fail.
    huge = "".join(f"HUGE{number}={'x' * 120_000}\n" for number in range(80))
    root = app({"Procfile": "web: echo started\n", ".env": huge})

    result = runtime("start", cwd=root, timeout=10)
    with pytest.raises(subprocess.TimeoutExpired):
        honcho("start", cwd=root, timeout=2)  # it would finish at once if it could start `echo`

    assert result.returncode == 127
    assert ("web.1 could not start `echo started` (Procfile:1): Argument list too long (the "
            "environment is too big: look for a huge value in the env files)") in result.stdout


GRANDCHILD = "web: sh -c 'sleep 300 & echo \"grandchild $!\"; wait'\nworker: exec sleep 30\n"


@pytest.mark.parametrize("number, status", [
    (signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGQUIT, 131)])
def test_a_signal_stops_every_process_group_including_grandchildren(app, number, status):
    root = app({"Procfile": GRANDCHILD})
    running = Running.runtime("start", cwd=root)
    grandchild = int(running.wait_for(r"\| grandchild (\d+)$")[0][1])

    running.send(number)

    assert running.finish() == status
    assert pid_gone(grandchild)  # already gone when runtime exits: it waited for the group
    assert f"{signal.Signals(number).name} received" in running.stdout


def test_what_an_exited_process_left_running_is_stopped_too(app):
    root = app({"Procfile": "web: sh -c 'sleep 300 & echo \"grandchild $!\"'\n"})

    result = runtime("start", cwd=root)

    grandchild = int(re.search(r"grandchild (\d+)", result.stdout)[1])
    assert result.returncode == 0
    assert pid_gone(grandchild)


@pytest.mark.honcho
def test_sighup_leaves_no_orphan_where_honcho_leaves_them_running(app, reap):
    root = app({"Procfile": "web: sh -c 'sleep 300 & echo \"pids $$ $!\"; wait'\n"})
    orphans = {}
    for name, command in ("runtime", RUNTIME), ("honcho", HONCHO):
        running = Running([*command, "start"], cwd=root)
        pids = [int(pid) for pid in running.wait_for(r"\| pids (\d+) (\d+)$")[0].groups()]
        reap.extend(pids)
        running.send(signal.SIGHUP)
        running.popen.wait(10)
        orphans[name] = [pid for pid in pids if not pid_gone(pid)]
        for pid in orphans[name]:  # they hold the output pipe open
            os.kill(pid, signal.SIGKILL)
        running.finish()

    assert orphans["runtime"] == []
    assert len(orphans["honcho"]) == 2


# A grandchild that leaves the process group and the session of its process: double fork, setsid.
ESCAPE = """\
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        print("escaped", os.getpid(), flush=True)
        time.sleep(1000)
    os._exit(0)
os.wait()
"""


@pytest.mark.parametrize("command", ["{python} escape.py", 'setsid sleep 1000 & echo "escaped $!"'])
@pytest.mark.parametrize("stop", [None, signal.SIGINT, signal.SIGTERM])
def test_a_grandchild_in_a_session_of_its_own_does_not_outlive_runtime(app, reap, command, stop):
    """`stop` None: the process exits on its own, which stops the rest; else runtime gets it."""
    root = app({"Procfile": f"web: {command}; {'exec sleep 30' if stop else 'exit 0'}\n",
                "escape.py": ESCAPE})
    running = Running.runtime("start", cwd=root)
    escaped = int(running.wait_for(r"\| escaped (\d+)$")[0][1])
    reap.append(escaped)

    if stop:
        running.send(stop)

    assert running.finish() == (128 + stop if stop else 0)
    assert pid_gone(escaped), running.stdout


def test_when_nobody_reads_the_output_any_more_everything_stops(app):
    root = app({"Procfile": "web: yes\nworker: echo \"pid $$\"; exec sleep 30\n"})
    process = subprocess.Popen([*RUNTIME, "start"], cwd=root, env=clean_env(),
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    worker = next(int(match[1]) for line in process.stdout
                  if (match := re.search(rb"\| pid (\d+)$", line)))

    process.stdout.close()  # like `runtime start | head`

    assert process.wait(10) == 141
    assert pid_gone(worker)


GRACEFUL = ("web: trap 'echo stopping; sleep 1; echo stopped cleanly; exit 0' TERM; echo ready; "
            "while :; do sleep 0.1; done\n")


def test_the_grace_period_lets_a_process_finish_its_shutdown(app):
    root = app({"Procfile": GRACEFUL})
    running = Running.runtime("start", "--timeout", "5", cwd=root)
    running.wait_for(r"\| ready$")

    running.send(signal.SIGINT)

    assert running.finish() == 130
    assert "stopped cleanly" in running.stdout
    assert "web.1 exited with code 0" in running.stdout
    assert "SIGKILL to" not in running.stdout


def test_a_process_still_running_after_the_grace_period_is_killed(app):
    root = app({"Procfile": GRACEFUL})
    running = Running.runtime("start", "--timeout", "0.3", cwd=root)
    running.wait_for(r"\| ready$")

    running.send(signal.SIGINT)

    assert running.finish() == 130
    assert "stopped cleanly" not in running.stdout
    messages = [text for name, text in process_lines(running.stdout) if name == "runtime"]
    assert messages[1:] == ["SIGINT received",
                            "stopping all processes with SIGTERM (SIGKILL after 0.3 s)",
                            "web.1 did not stop within 0.3 s: sending SIGKILL to all processes",
                            "web.1 was killed by SIGKILL (exit code 137)"]


def test_a_second_ctrl_c_kills_at_once(app):
    root = app({"Procfile": "web: trap '' TERM; echo ready; while :; do sleep 0.1; done\n"})
    running = Running.runtime("start", cwd=root)
    running.wait_for(r"\| ready$")

    running.send(signal.SIGINT)
    running.wait_for(r"stopping all processes with SIGTERM \(SIGKILL after 30 s\)")
    running.send(signal.SIGINT)

    assert running.finish(timeout=5) == 130
    assert "Ctrl-C while stopping: sending SIGKILL to all processes" in running.stdout
    assert "web.1 was killed by SIGKILL (exit code 137)" in running.stdout


def test_a_web_process_that_does_not_bind_its_port_gets_a_warning(app):
    root = app({"Procfile": f"web: {SLEEP}\n"})
    running = Running.runtime("start", "--boot-timeout", "0.2", "-p", str(free_port()), cwd=root)

    warning = running.wait_for(r"warning: web\.1 has not bound PORT (\d+) within 0\.2 s; a platform "
                               r"would stop it \(Heroku error R10\)\. Listen on 0\.0\.0\.0:\$PORT, "
                               r"e\.g\. `gunicorn --bind 0\.0\.0\.0:\$PORT mysite\.wsgi`$")
    running.send(signal.SIGINT)
    assert running.finish() == 130
    assert warning


def test_a_web_process_that_binds_its_port_gets_no_warning(app):
    root = app({"Procfile": "web: {python} -m http.server --bind 127.0.0.1 $PORT\n"})
    started = time.monotonic()
    running = Running.runtime("start", "--boot-timeout", "2", "-p", str(free_port()), cwd=root)
    running.wait_for(r"web\.1 +\| Serving HTTP on 127\.0\.0\.1")

    time.sleep(max(0.0, started + 2.5 - time.monotonic()))  # past the boot check
    running.send(signal.SIGINT)

    assert running.finish() == 130
    assert "has not bound PORT" not in running.stdout
