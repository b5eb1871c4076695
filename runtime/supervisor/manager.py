"""Run a set of processes together, the way a dyno manager would, and stop them all cleanly.

Where this differs from honcho's Manager, and why:
- one selector loop over every process's pipe instead of a multiprocessing helper per process
  polled every 0.1 s: faster output, and a process that cannot start is reported at once
  instead of hanging the loop;
- SIGHUP (a closed terminal) stops the processes too, instead of orphaning them;
- the SIGTERM -> SIGKILL grace period is a parameter (Heroku and Kubernetes give 30 s), not 5 s;
- a death by signal N is reported as 128+N, as shells do (honcho reports 256-N);
- the runner waits until every process group is empty and every process it adopted as a child
  subreaper (runtime.supervisor.reaper) has exited, stopping those too, so nothing a process started
  outlives it, even what left its process group (setsid);
- a process's exit is reported after the last output it wrote, not before.

The exit status is that of the first process that failed on its own (its code, or 128+N for a
death by signal N); else 128+N for the signal that stopped the runner (141, as for SIGPIPE, when
nobody reads its output any more); else 137 when a process had to be SIGKILLed; else 0. A
process that exits after it was asked to stop did what it was asked: that is no failure.
"""

import contextlib
import errno
import fcntl
import math
import os
import selectors
import signal
import socket
import struct
import subprocess
import termios
import time

from runtime import messages
from runtime.formation import ONE_SHOT
from runtime.supervisor import reaper

SHELL = "/bin/bash" if os.path.exists("/bin/bash") else "/bin/sh"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
READ_SIZE = 1 << 16
MAX_LINE = 1 << 16  # a longer line is printed in pieces, so memory stays bounded
KILL_WAIT = 5  # seconds to wait for SIGKILLed processes before giving up on them
# A trickle of output (a web process's access log: a line per request) is read in blocks: after
# a read this small, the next waits this long, so one read and one write carry many lines
# rather than a wakeup of both threads per line. A flood is read at once, as it comes.
TRICKLE_BYTES = 1 << 12
TRICKLE_WAIT = 0.01


def port_is_bound(port):
    for host in ("127.0.0.1", "::1"):
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return True
    return False


def signal_name(number):
    with contextlib.suppress(ValueError):
        return signal.Signals(number).name
    return f"signal {number}"


class Child:
    def __init__(self, process):
        self.process = process
        self.name = process.name
        self.popen = None
        self.partial = b""  # output after the last newline
        self.status = None  # exit status once it has exited, 128+N for a death by signal N
        self.boot_check_at = None  # when to check that `web` listens on its PORT

    @property
    def started(self):
        return self.popen is not None

    @property
    def running(self):
        return self.started and self.status is None

    def group_alive(self):
        if not self.started:
            return False
        try:
            os.killpg(self.popen.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True

    def signal_group(self, number):
        if self.started:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.popen.pid, number)


class Manager:
    def __init__(self, processes, cwd, printer, timeout=30.0, boot_timeout=60.0):
        self.children = [Child(process) for process in processes]
        self.cwd = cwd
        self.printer = printer
        self.timeout = timeout
        self.boot_timeout = boot_timeout
        self.selector = selectors.DefaultSelector()
        self.by_pid = {}
        self.received = []  # stop signals not handled yet
        self.kill_at = None  # set when stopping begins
        self.killed_at = None
        self.failure = None  # exit status of the first process that failed on its own
        self.interrupted_by = None  # the signal that stopped the runner
        self.escalated = False  # a process had to be SIGKILLed after the grace period
        self.signalled = set()  # (pid, signal) sent to processes outside our process groups

    def run(self):
        """Start every process, relay their output until all have stopped, return the status."""
        with reaper.adopting_orphans(), self._signals_caught():
            for child in self.children:
                if self.kill_at is None:
                    self._spawn(child)
            while True:
                self._handle_signals()
                self._reap()
                self._check_clocks()
                if self._finished():
                    break
                self._relay(self._wait_time())
            self._drain()
        self.selector.close()
        self.printer.close()
        return self.exit_status()

    def exit_status(self):
        if self.failure is not None:
            return self.failure
        if self.interrupted_by is not None:
            return 128 + self.interrupted_by
        return 137 if self.escalated else 0

    @contextlib.contextmanager
    def _signals_caught(self):
        """Signal handlers only note the signal; the wakeup socket makes select() return."""
        reader, writer = socket.socketpair()
        reader.setblocking(False)
        writer.setblocking(False)
        self.selector.register(reader, selectors.EVENT_READ, None)
        previous_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
        previous = {number: signal.signal(number, self._on_signal)
                    for number in (*STOP_SIGNALS, signal.SIGCHLD)}
        try:
            yield
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
            signal.set_wakeup_fd(previous_fd)
            self.selector.unregister(reader)
            reader.close()
            writer.close()

    def _on_signal(self, number, frame):
        if number != signal.SIGCHLD:  # SIGCHLD only needs to wake the loop
            self.received.append(number)

    def _spawn(self, child):
        process = child.process
        try:
            child.popen = subprocess.Popen(
                [SHELL, "-c", process.command], cwd=self.cwd, env=process.env,
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                start_new_session=True)
        except (OSError, ValueError) as exc:
            child.status = 127
            too_big = getattr(exc, "errno", None) == errno.E2BIG
            self._say(messages.could_not_start(child.name, process.command, process.where,
                                               getattr(exc, "strerror", None) or str(exc), too_big))
            self._failed(child.status)
            return
        self.by_pid[child.popen.pid] = child
        os.set_blocking(child.popen.stdout.fileno(), False)  # see _read_pending
        self.selector.register(child.popen.stdout, selectors.EVENT_READ, child)
        self._say(messages.started(child.name, child.popen.pid, process.port))
        if process.type == "web":
            child.boot_check_at = time.monotonic() + self.boot_timeout

    def _handle_signals(self):
        if self.printer.broken and self.kill_at is None:  # nobody reads the output any more
            self.interrupted_by = signal.SIGPIPE
            self._stop()
        while self.received:
            number = self.received.pop(0)
            self.interrupted_by = self.interrupted_by or number
            if number == signal.SIGINT and self.kill_at is not None:
                self._kill(messages.CTRL_C_WHILE_STOPPING)
            else:
                self._say(messages.signal_received(signal_name(number)))
                self._stop()

    def _reap(self):
        while True:
            try:
                pid, wait_status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            child = self.by_pid.get(pid)  # other pids are adopted orphans: reaping is enough
            if child:
                child.popen.returncode = os.waitstatus_to_exitcode(wait_status)
                self._exited(child)

    def _exited(self, child):
        self._read_pending(child)
        code = child.popen.returncode  # -N for a death by signal N
        child.status = status = 128 - code if code < 0 else code
        if code < 0:
            self._say(messages.killed_by(child.name, signal_name(-code), status))
        else:
            self._say(messages.exited(child.name, status))
        if self.kill_at is not None:
            return  # it stopped as it was asked to
        if status != 0:
            self._hint(child)
            self._failed(status)
        elif child.process.type == ONE_SHOT and any(c.running for c in self.children):
            self._say(messages.one_shot_finished(child.name))
        else:
            self._stop()

    def _hint(self, child):
        process = child.process
        if child.status == 127:
            self._say(messages.command_not_found_in(child.name, process.command, process.where))
        elif child.status == 126:
            self._say(messages.not_executable_in(child.name, process.command, process.where))
        elif (process.type == "web" and child.boot_check_at is not None
              and not child.group_alive() and port_is_bound(process.port)):
            # It failed before its boot check, and what listens on its port now is not one of
            # its processes: most likely it could not bind the port (another server, or another
            # `runtime start`, has it), which its own message may say among many lines.
            self._say(messages.port_in_use(child.name, process.port))

    def _failed(self, status):
        if self.failure is None:
            self.failure = status
        self._stop()

    def _stop(self):
        if self.kill_at is not None:
            return
        self.kill_at = time.monotonic() + self.timeout
        if any(child.group_alive() for child in self.children) or self._strays():
            self._say(messages.stopping(self.timeout))
        self._signal_all(signal.SIGTERM)

    def _kill(self, reason):
        if self.killed_at is not None:
            return
        self.killed_at = time.monotonic()
        self._say(messages.killing(reason))
        self._signal_all(signal.SIGKILL)

    def _signal_all(self, number):
        for child in self.children:
            child.signal_group(number)
        self._signal_strays(number)

    def _signal_strays(self, number):
        for pid in self._strays():
            if (pid, number) not in self.signalled:  # once: a second SIGTERM can mean "hurry"
                self.signalled.add((pid, number))
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, number)

    def _strays(self):
        """Living processes below runtime outside our processes' groups (they called setsid or
        setpgid), which signalling the groups does not reach."""
        groups = {child.popen.pid for child in self.children if child.started}
        return [pid for pid, group in reaper.descendants().items() if group not in groups]

    def _check_clocks(self):
        now = time.monotonic()
        if self.kill_at is not None and self.killed_at is None and now >= self.kill_at:
            late = [child.name for child in self.children if child.group_alive()]
            if self._strays():
                late.append(messages.THEIR_PROCESSES)
            self.escalated = True
            self._kill(messages.did_not_stop(late, self.timeout))
        for child in self.children:
            if child.boot_check_at is not None and now >= child.boot_check_at:
                child.boot_check_at = None
                port = child.process.port
                if child.running and self.kill_at is None and not port_is_bound(port):
                    self._say(messages.port_not_bound(child.name, port, self.boot_timeout))

    def _finished(self):
        if any(child.running for child in self.children):
            if self.killed_at is not None and time.monotonic() > self.killed_at + KILL_WAIT:
                stuck = [child.name for child in self.children if child.running]
                self._say(messages.still_running(stuck, KILL_WAIT))
                return True
            return False
        if self.kill_at is None:  # all exited on their own; stop what they left behind
            self._stop()
        if self.killed_at is not None:
            self._signal_strays(signal.SIGKILL)  # also those started since the first SIGKILL
            return True
        self._signal_strays(signal.SIGTERM)  # also those started since stopping began
        return not (any(child.group_alive() for child in self.children) or self._strays())

    def _wait_time(self):
        """How long select() may wait: until the next deadline, at most a second."""
        deadlines = [child.boot_check_at for child in self.children]
        deadlines.append(self.kill_at if self.killed_at is None else self.killed_at + KILL_WAIT)
        wait = min((d for d in deadlines if d is not None), default=math.inf) - time.monotonic()
        if not any(child.running for child in self.children):
            wait = min(wait, 0.02)  # all that is left: polling for the process groups to empty
        return max(0.0, min(wait, 1.0))

    def _relay(self, timeout):
        if not self.printer.has_room():  # the terminal is behind: let the processes wait
            self.printer.wait_for_room(min(timeout, 0.1))  # short: signals are handled between
            return
        read = 0
        for key, _ in self.selector.select(timeout):
            if key.data is None:
                with contextlib.suppress(BlockingIOError):
                    key.fileobj.recv(4096)
            else:
                read += self._read(key.data)
        if 0 < read < TRICKLE_BYTES and self.kill_at is None:
            time.sleep(TRICKLE_WAIT)

    def _read_pending(self, child):
        """Print what is in the pipe of a process that exited: all it wrote is there by now. Only
        that much is read, in case what it left running keeps writing; then a look for the end
        of the output, which prints an unfinished last line (the pipe is non-blocking)."""
        stream = child.popen.stdout
        if stream.closed:
            return
        pending = struct.unpack("i", fcntl.ioctl(stream, termios.FIONREAD, b"\0" * 4))[0]
        while pending > 0 and (read := self._read(child, min(pending, READ_SIZE))):
            pending -= read
        if not stream.closed:
            self._read(child)

    def _read(self, child, size=READ_SIZE):
        """Print the whole lines among up to `size` bytes of `child`'s output; return how many
        bytes were read (0 at the end of the output, or when nothing is there)."""
        stream = child.popen.stdout
        try:
            chunk = os.read(stream.fileno(), size)
        except BlockingIOError:
            return 0
        if not chunk:
            self.selector.unregister(stream)
            stream.close()
            if child.partial:
                self.printer.lines(child.name, child.partial + b"\n")
                child.partial = b""
            return 0
        data = child.partial + chunk
        end = data.rfind(b"\n") + 1
        if end:
            self.printer.lines(child.name, data[:end])
        child.partial = data[end:]
        if len(child.partial) > MAX_LINE:
            self.printer.lines(child.name, child.partial + b"\n")
            child.partial = b""
        return len(chunk)

    def _drain(self):
        """Print what is left in the pipes; stop after a second if something still writes."""
        give_up = time.monotonic() + 1
        while time.monotonic() < give_up:
            ready = [key.data for key, _ in self.selector.select(0) if key.data is not None]
            if not ready:
                break
            for child in ready:
                self._read(child)
        for child in self.children:
            if child.partial:
                self.printer.lines(child.name, child.partial + b"\n")
            if child.started and not child.popen.stdout.closed:
                self.selector.unregister(child.popen.stdout)
                child.popen.stdout.close()

    def _say(self, text):
        self.printer.message(text)
