"""The image's launcher (runtime/image/launcher.py), run for real as the image runs it: with the
slug's Python, isolated, in the slug folder, processes.json beside it. The PID 1 tests run it
as the first process of a new PID namespace (`unshare --pid --fork --mount-proc`), as a
container runtime does."""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from buildpack.slug import procfile
from tests.conftest import REPO, free_port, require, wait_for_http
from tests.runtime.helpers import Running, clean_env, host_env, runtime

LAUNCHER = REPO / "runtime" / "image" / "launcher.py"
UNSHARE = ["unshare", "--pid", "--fork", "--mount-proc"]


def image_folder(root, processes):
    """What the image writer puts beside the slug: the launcher and processes.json."""
    folder = Path(root) / "runtime"
    folder.mkdir()
    shutil.copy(LAUNCHER, folder / "launcher.py")
    (folder / "processes.json").write_text(json.dumps(processes))
    return folder


class App:
    """A slug with the image's /runtime folder, the launcher run there as the image runs it."""

    def __init__(self, slug, python, runtime_folder):
        self.slug, self.python, self.runtime_folder = Path(slug), python, runtime_folder

    def command(self, *args, init=False):
        """The image's entrypoint and ARGS; `init`: as PID 1 of a new PID namespace."""
        launcher = [self.python, "-I", str(self.runtime_folder / "launcher.py"), *args]
        return [*UNSHARE, *launcher] if init else launcher

    def run(self, *args, init=False, **env):
        return subprocess.run(self.command(*args, init=init), cwd=self.slug, env=self.platform_env(env),
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)

    def start(self, *args, init=False, **env):
        return Running(self.command(*args, init=init), self.slug, self.platform_env(env),
                       stdin=subprocess.DEVNULL)

    @staticmethod
    def platform_env(env):
        """A small environment with the SECRET_KEY a platform gives every process."""
        return clean_env(**{"SECRET_KEY": "launcher-test-" + "k" * 40, **env})


@pytest.fixture(scope="module")
def guestbook(tmp_path_factory):
    """examples/guestbook built by `runtime build`, its Procfile's types in processes.json."""
    root = tmp_path_factory.mktemp("guestbook")
    slug = root / "slug"
    built = runtime("build", REPO / "examples" / "guestbook", "--out", slug, "--cache", root / "cache",
                    env=host_env(), timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    types = {name: entry.command for name, entry in procfile.parse((slug / "Procfile").read_text()).entries.items()}
    return App(slug, str(slug / ".heroku/python/bin/python3"), image_folder(root, types))


@pytest.fixture
def fake(tmp_path):
    """A small slug run with this machine's Python: .profile.d scripts and three process types."""
    slug = tmp_path / "app"
    (slug / ".profile.d").mkdir(parents=True)
    (slug / ".profile.d/10-first.sh").write_text('export FIRST=1\nexport ORDER="${ORDER}first "\n')
    (slug / ".profile.d/20-second.sh").write_text('export ORDER="${ORDER}second "\n')
    (slug / ".profile").write_text('export ORDER="${ORDER}profile"\n')
    types = {"web": "echo port=$PORT home=$HOME order=$ORDER", "worker": "exit 3", "release": "true"}
    return App(slug, sys.executable, image_folder(tmp_path, types))


@pytest.fixture(scope="module")
def pid_namespaces():
    try:
        works = subprocess.run([*UNSHARE, "true"], capture_output=True).returncode == 0
    except FileNotFoundError:
        works = False
    require(works, "unshare --pid --fork --mount-proc (util-linux, as root) cannot make a PID namespace here")


@contextlib.contextmanager
def as_pid_1(app, *args, **env):
    """The launcher started in the background as PID 1 of a new PID namespace: yields (the
    Running unshare, the launcher's host pid). A test that fails kills the namespace whole."""
    running = app.start(*args, init=True, **env)
    launcher = None
    try:
        launcher = launcher_pid(running.popen)
        yield running, launcher
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.kill(launcher or running.popen.pid, signal.SIGKILL)
        running.finish()
        raise


def launcher_pid(unshare):
    """The host pid of the launcher: unshare's only child, PID 1 of the new namespace."""
    children = Path(f"/proc/{unshare.pid}/task/{unshare.pid}/children")
    deadline = time.monotonic() + 30
    while not children.read_text().split() and time.monotonic() < deadline:
        time.sleep(0.01)
    (pid,) = map(int, children.read_text().split())
    assert namespace_pid(pid) == 1
    return pid


def namespace_pid(pid):
    """The pid of process `pid` inside its own PID namespace (the last of its NSpid line)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("NSpid:"):
            return int(line.split()[-1])
    raise AssertionError(f"/proc/{pid}/status has no NSpid line")


def wait_until(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


# --- the real slug ---------------------------------------------------------------------

def migrated(app):
    """The app after its release step, as a platform runs it before web starts."""
    release = app.run("release")
    assert release.returncode == 0, release.stderr
    return app


def test_web_serves_the_app_on_port_as_the_process_itself(guestbook):
    migrated(guestbook)
    port = free_port()
    web = guestbook.start(PORT=str(port), SECURE_SSL_REDIRECT="False")
    try:
        status, body = wait_for_http(f"http://127.0.0.1:{port}/", process=web.popen)
        # Not PID 1: the launcher became gunicorn (bash execs a simple command), no wrapper left.
        command_line = Path(f"/proc/{web.popen.pid}/cmdline").read_bytes().split(b"\0")
    finally:
        web.send(signal.SIGTERM)
        assert web.finish(60) == 0, web.stderr
    assert status == 200, body
    assert b"guestbook.wsgi" in command_line and command_line[1].endswith(b"/gunicorn")


def test_release_runs_the_migrations(guestbook):
    result = guestbook.run("release")

    assert result.returncode == 0, result.stderr
    assert "Operations to perform:\n  Apply all migrations:" in result.stdout


def test_a_command_runs_as_given_in_the_profile_d_environment(guestbook):
    result = guestbook.run("python", "-c", 'import os, sys; print(os.environ["WEB_CONCURRENCY"], '
                                           'os.environ["HOME"], os.environ["PORT"], sys.prefix)')

    assert result.returncode == 0, result.stderr
    workers, home, port, prefix = result.stdout.split()
    assert workers.isdigit() and int(workers) >= 1
    assert (home, port) == (str(guestbook.slug), "5000")
    assert prefix == str(guestbook.slug / ".heroku/python")


def test_as_pid_1_sigterm_reaches_gunicorn_and_its_status_is_the_launchers(guestbook, pid_namespaces):
    migrated(guestbook)
    port = free_port()
    with as_pid_1(guestbook, PORT=str(port), SECURE_SSL_REDIRECT="False") as (web, launcher):
        status, body = wait_for_http(f"http://127.0.0.1:{port}/", process=web.popen)
        os.kill(launcher, signal.SIGTERM)
        returncode = web.finish(60)
    assert status == 200, body
    # gunicorn's graceful shutdown, and its 0: not the SIGKILL of a namespace whose init died.
    assert "[INFO] Handling signal: term" in web.stderr
    assert "[INFO] Shutting down: Master" in web.stderr
    assert returncode == 0, web.stderr


# --- arguments, environment and errors (a small slug, this machine's Python) ----------------

def test_no_argument_runs_web_under_bash_with_the_profile_scripts_in_order(fake):
    result = fake.run()

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"port=5000 home={fake.slug} order=first second profile\n"


def test_a_type_gets_the_containers_port_and_runs_with_its_own_status(fake):
    assert fake.run("web", PORT="8123").stdout.startswith("port=8123 ")
    assert fake.run("worker").returncode == 3


def test_one_word_that_is_a_program_runs_as_given(fake):
    result = fake.run("pwd")

    assert (result.returncode, result.stdout) == (0, f"{fake.slug}\n")


def test_values_keep_newlines_and_equals_signs_and_the_containers_variables_stay(fake):
    (fake.slug / ".profile.d/30-tricky.sh").write_text("export TRICKY=$'a=b\\nc==d\\n'\nunset REMOVED\n")
    show = "import os, json; print(json.dumps([os.environ.get(n) for n in ('TRICKY', 'FROM_CONTAINER', 'REMOVED', 'FIRST')]))"

    result = fake.run("python3", "-c", show, FROM_CONTAINER="x=1", REMOVED="soon")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["a=b\nc==d\n", "x=1", None, "1"]


def test_an_unknown_word_is_refused_with_the_types(fake):
    result = fake.run("wrkr")  # a typo of worker, and no program (wrk itself is one where the benchmarks ran)

    assert result.returncode == 2
    assert result.stderr == ('launcher: "wrkr" is neither a process type nor a program on PATH; the '
                             "image's process types are: web, worker, release. Give one of them, "
                             "or a command to run (for example: bash)\n")
    assert result.stdout == ""


def test_a_missing_program_is_named_with_the_path(fake):
    result = fake.run("no-such-program", "--flag", PATH="/usr/bin:/bin")

    assert result.returncode == 127
    assert result.stderr == ('launcher: no program "no-such-program" on PATH (/usr/bin:/bin): '
                             "install it in the image, or give its full path\n")


def test_a_missing_processes_json_is_one_line(fake):
    (fake.runtime_folder / "processes.json").unlink()

    result = fake.run()

    assert result.returncode == 1
    assert result.stderr == (f"launcher: {fake.runtime_folder / 'processes.json'} is missing: the image "
                             'must hold its process types there, as a JSON object {"web": '
                             '"gunicorn ..."}; build the image again\n')


def test_a_profile_script_that_exits_is_named(fake):
    (fake.slug / ".profile.d/15-broken.sh").write_text("echo half-way\nexit 4\n")

    result = fake.run()

    assert result.returncode == 1
    assert result.stdout == "half-way\n"  # what the script printed reaches the container's output
    assert result.stderr == (f"launcher: {fake.slug / '.profile.d/15-broken.sh'} stopped the shell "
                             "sourcing it (exit status 4), so no process can start: a profile "
                             "script is sourced before every process, it must set variables only, "
                             "never call `exit` or fail\n")


def test_without_bash_the_profile_scripts_cannot_be_sourced(fake, tmp_path):
    empty = tmp_path / "no-programs"
    empty.mkdir()

    result = fake.run("web", PATH=str(empty))

    assert result.returncode == 127
    assert result.stderr == (f"launcher: {fake.slug / '.profile.d'} needs bash, and there is no bash "
                             f"on PATH ({empty}): install bash in the image\n")


@pytest.mark.parametrize("init", [False, True], ids=["exec", "pid-1"])
def test_the_process_gets_sigpipe_back_from_python(fake, init, request):
    if init:
        request.getfixturevalue("pid_namespaces")
    # `yes` ends quietly on SIGPIPE; with SIGPIPE ignored it would complain of a broken pipe.
    result = fake.run("sh", "-c", "yes | head -n 1", init=init)

    assert (result.returncode, result.stdout, result.stderr) == (0, "y\n", "")


def test_a_process_left_running_by_a_profile_script_does_not_hold_the_launcher(fake):
    (fake.slug / ".profile.d/40-daemon.sh").write_text("sleep 1000 > /dev/null 2>&1 &\necho $! > daemon.pid\n")
    try:
        result = fake.run("release")
    finally:
        os.kill(int((fake.slug / "daemon.pid").read_text()), signal.SIGKILL)

    assert (result.returncode, result.stderr) == (0, "")


# --- as PID 1 --------------------------------------------------------------------------

@pytest.mark.parametrize("command,status", [
    ("exit 7", 7),
    ("kill -KILL $$", 128 + signal.SIGKILL),
])
def test_as_pid_1_the_exit_status_is_the_childs(fake, pid_namespaces, command, status):
    result = fake.run("sh", "-c", command, init=True)

    assert (result.returncode, result.stderr) == (status, "")


# Prints each signal it gets; SIGTERM ends it with status 0. It writes with os.write, as a
# handler may run in the middle of a print, and sleeps rather than waiting in signal.pause(),
# which a signal landing just before it would not end.
SIGNAL_PRINTER = """\
import os, signal, sys, time
def got(number, frame):
    os.write(1, signal.Signals(number).name.encode() + b"\\n")
    if number == signal.SIGTERM:
        sys.exit(0)
for name in sys.argv[1:]:
    signal.signal(signal.Signals[name], got)
os.write(1, b"ready %d\\n" % os.getpid())
while True:
    time.sleep(1)
"""


def test_as_pid_1_every_signal_is_forwarded_to_the_child(fake, pid_namespaces):
    names = ["SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGTTIN", "SIGTTOU", "SIGWINCH", "SIGTERM"]
    with as_pid_1(fake, "python3", "-c", SIGNAL_PRINTER, *names) as (child, launcher):
        child.wait_for(r"^ready ")
        for count, name in enumerate(names, start=2):
            os.kill(launcher, signal.Signals[name])
            child.wait_for(".", count=count)  # one at a time: pending signals of a kind merge
        returncode = child.finish(30)

    assert child.lines == [child.lines[0], *names]
    assert child.lines[0] != "ready 1"  # the child, not the launcher, got them
    assert (returncode, child.stderr) == (0, "")


def test_as_pid_1_orphans_are_reaped_and_the_launcher_waits_for_its_child(fake, pid_namespaces):
    # The inner sh leaves `sleep` behind: an orphan, reparented to PID 1.
    script = "sh -c 'sleep 1000 & echo $! > orphan.pid' && exec sleep 1000"
    with as_pid_1(fake, "sh", "-c", script) as (main, launcher):
        orphan_file = fake.slug / "orphan.pid"
        assert wait_until(lambda: orphan_file.exists() and orphan_file.read_text().strip())
        orphan = host_pid(launcher, int(orphan_file.read_text()))
        os.kill(orphan, signal.SIGKILL)
        # Reaped: not even a zombie is left, and the launcher keeps waiting for its child.
        assert wait_until(lambda: not Path(f"/proc/{orphan}").exists()), Path(f"/proc/{orphan}/status").read_text()
        assert main.popen.poll() is None
        os.kill(launcher, signal.SIGTERM)
        returncode = main.finish(30)

    assert (returncode, main.stderr) == (128 + signal.SIGTERM, "")


def host_pid(parent, pid_inside):
    """The host pid of the child of `parent` that is `pid_inside` inside its namespace."""
    for child in map(int, Path(f"/proc/{parent}/task/{parent}/children").read_text().split()):
        if namespace_pid(child) == pid_inside:
            return child
    raise AssertionError(f"no child of {parent} is pid {pid_inside} in its namespace")


def test_as_pid_1_the_child_has_a_process_group_of_its_own(fake, pid_namespaces):
    result = fake.run("python3", "-c", "import os; print(os.getpid() == os.getpgrp(), os.getppid())", init=True)

    assert (result.returncode, result.stdout) == (0, "True 1\n")
