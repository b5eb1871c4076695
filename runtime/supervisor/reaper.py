"""Every process runtime started, wherever it went, so that none outlives runtime (Linux).

As a child subreaper, runtime adopts every orphan below it, however it detached (a double fork,
setsid), instead of init; so /proc's parent links lead from runtime to all of them. Elsewhere
(no prctl, no /proc) nothing is adopted or found, and process groups are all there is.
"""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import tempfile
import time

PR_SET_CHILD_SUBREAPER = 36
PR_GET_CHILD_SUBREAPER = 37
KILL_POLL = 0.01  # seconds between looks while SIGKILLed processes die


def _prctl(option, argument):
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(option, argument, 0, 0, 0)


@contextlib.contextmanager
def adopting_orphans():
    """Be a child subreaper inside the block; outside it, as before (a command runtime execs
    should not inherit the role)."""
    previous = ctypes.c_int(0)
    _prctl(PR_GET_CHILD_SUBREAPER, ctypes.byref(previous))
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    try:
        yield
    finally:
        _prctl(PR_SET_CHILD_SUBREAPER, previous.value)


def run_alone(argv, timeout, **options):
    """Run `argv` (with Popen's `options`) to its end, then stop whatever it left running, for
    when this process has no other children. Its output goes to files, not pipes, which a
    process it left running would hold open. Returns (exit code, stdout, stderr, whether it
    left processes running); raises subprocess.TimeoutExpired, all of it stopped, after
    `timeout` seconds."""
    with adopting_orphans(), tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                   start_new_session=True, **options)
        try:
            returncode = process.wait(timeout)
        finally:
            left_running = kill_descendants()
        out.seek(0)
        err.seek(0)
        return returncode, out.read(), err.read(), left_running


def parse_stat(text):
    """(pid, parent pid, process group, state) from the text of /proc/PID/stat."""
    pid, _, rest = text.partition(" (")
    state, parent, group = rest.rpartition(") ")[2].split()[:3]  # the name may hold ") "
    return int(pid), int(parent), int(group), state


def below(processes, root):
    """{pid: process group} of the living processes under `root`, from
    [(pid, parent pid, process group, state)]."""
    children = {}
    for pid, parent, group, state in processes:
        children.setdefault(parent, []).append((pid, group, state))
    found, todo = {}, [root]
    while todo:
        for pid, group, state in children.get(todo.pop(), ()):
            if state not in ("Z", "X"):  # a zombie or a dead process can do nothing
                found[pid] = group
            todo.append(pid)
    return found


def descendants():
    """{pid: process group} of every living process below this one."""
    processes = []
    with contextlib.suppress(FileNotFoundError):
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                with contextlib.suppress(OSError, ValueError):  # it exited meanwhile
                    with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as stat:
                        processes.append(parse_stat(stat.read()))
    return below(processes, os.getpid())


def kill_descendants():
    """SIGKILL every process below this one and reap the adopted ones, until none is left (one
    may fork while it is being killed). For when this process has no children of its own left
    to wait for. Returns whether there were any."""
    found = False
    while pids := descendants():
        found = True
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(KILL_POLL)
        reap_orphans()
    reap_orphans()
    return found


def reap_orphans():
    """Collect the exit statuses of exited children, adopted ones included: they would stay
    zombies otherwise."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
