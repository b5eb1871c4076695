"""Helpers for runtime tests: run `runtime` (and honcho) as real processes and read what they print.

Every test runs `runtime` through RUNTIME: `runtime()` to completion, `Running.runtime()` in
the background, or RUNTIME itself for a Popen of its own."""

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

PYTHON = sys.executable
# The project's own `runtime` command: the console script installed beside this Python.
RUNTIME = [str(Path(PYTHON).with_name("runtime"))]
HONCHO = [PYTHON, "-m", "honcho"]
PREFIX = re.compile(r"^\d\d:\d\d:\d\d (?P<name>\S+) +\| (?P<text>.*)$")

# One background child in env.py's process group, one in a session of its own.
ENV_PY_STARTS_PROCESSES = """\
import os, subprocess
children = [subprocess.Popen(["sleep", "1000"]),
            subprocess.Popen(["sleep", "1000"], start_new_session=True)]
with open("env-py-pids", "w") as file:
    file.write(" ".join(str(child.pid) for child in children))
os.environ.setdefault("FROM_ENV_PY", "yes")
"""


def clean_env(**extra):
    """A small, predictable environment: no PORT, colour or Python settings from the caller."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8"}
    env.update(extra)
    return env


def host_env(**extra):
    """This machine's whole environment and `extra`: what `runtime build` needs to find its
    Pythons, proxies and certificates as a developer's shell would."""
    return {**os.environ, **extra}


def runtime(*args, cwd=None, env=None, input=None, timeout=30):
    """Run `runtime ARGS` to completion in `env` (clean_env() unless given); returns the
    CompletedProcess (text)."""
    return subprocess.run([*RUNTIME, *map(str, args)], cwd=cwd, env=env or clean_env(), input=input,
                          capture_output=True, text=True, timeout=timeout)


def honcho(*args, cwd, env=None, timeout=30):
    return subprocess.run([*HONCHO, *args], cwd=cwd, env=env or clean_env(), capture_output=True,
                          text=True, timeout=timeout)


def process_lines(stdout):
    """[(name, text)] of prefixed output lines."""
    return [(m["name"], m["text"]) for m in map(PREFIX.match, stdout.splitlines()) if m]


def pid_gone(pid):
    """True when `pid` no longer runs (a zombie counts as gone: it cannot do anything)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return "\nState:\tZ" in status.read()
    except FileNotFoundError:
        return True


class Running:
    """A `runtime` (or honcho) started in the background; its output collected as it comes."""

    def __init__(self, command, cwd, env=None, **popen_args):
        self.popen = subprocess.Popen(command, cwd=cwd, env=env or clean_env(), text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen_args)
        self.lines = []
        self.errors = []
        self._changed = threading.Condition()
        self._readers = [threading.Thread(target=self._collect, args=(stream, store), daemon=True)
                         for stream, store in ((self.popen.stdout, self.lines),
                                               (self.popen.stderr, self.errors))]
        for reader in self._readers:
            reader.start()

    @classmethod
    def runtime(cls, *args, cwd, env=None):
        return cls([*RUNTIME, *args], cwd, env)

    def _collect(self, stream, store):
        for line in stream:
            with self._changed:
                store.append(line.rstrip("\n"))
                self._changed.notify_all()

    def wait_for(self, pattern, timeout=10, count=1):
        """Wait until `count` stdout lines match `pattern`; return the matches."""
        regex = re.compile(pattern)

        def matches():
            return [m for m in map(regex.search, self.lines) if m]

        with self._changed:
            ok = self._changed.wait_for(lambda: len(matches()) >= count, timeout)
            found = matches()
        assert ok, f"no {count} line(s) matching {pattern!r} within {timeout} s:\n{self.stdout}"
        return found

    def send(self, number):
        self.popen.send_signal(number)

    def finish(self, timeout=15):
        """Wait for the exit; returns the exit status."""
        try:
            status = self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            raise
        for reader in self._readers:
            reader.join(5)
        return status

    @property
    def stdout(self):
        return "\n".join(self.lines)

    @property
    def stderr(self):
        return "\n".join(self.errors)
