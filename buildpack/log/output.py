"""The build log's vocabulary: step headers, indented detail, warnings, errors and notes.

Classic buildpack conventions, which users and hosts already know: `-----> ` step headers on
stdout, details indented seven spaces, and warnings, errors and notes on stderr with every
line prefixed ` !     `. The text itself lives in `messages.py`.
"""

import os
import re
import signal
import subprocess
import sys
import threading

from buildpack.log import messages

STEP = "-----> "
INDENT = " " * 7
BANG = " !     "

_COLOURS = {"warning": "\033[1;33m", "error": "\033[1;31m", "note": "\033[1;34m"}
_RESET = "\033[0m"

MASK = "****"  # what the log shows in place of a secret

# Values that must never reach the log (tokens in config vars), as {length: (the values, a
# pattern matching their first characters)}.
_secrets = {}


class BuildError(Exception):
    """A failure the user can fix: printed as an error box, then the build exits 1."""

    def __init__(self, message):
        super().__init__(message.title)
        self.message = message


def hide(values):
    """Mask these values wherever they would appear in the log from now on."""
    added = {}
    for value in values:
        if value and len(value) >= 4:
            added.setdefault(len(value), set()).add(value)
    for length, new in added.items():
        same = _secrets.get(length, (set(),))[0] | new
        _secrets[length] = same, re.compile(f"[{re.escape(''.join({v[0] for v in same}))}]")


def redact(text):
    """`text` with each stretch that hidden values cover shown as MASK. One pass over the text
    per distinct length of the hidden values (values of one kind share their length), looking
    only where one of them could start, however many values there are: a loop over the values
    made a config var holding many URL tokens cost seconds per log line."""
    hits = sorted((match.start(), match.start() + length)
                  for length, (values, starts) in _secrets.items() for match in starts.finditer(text)
                  if text[match.start():match.start() + length] in values)
    stretches = []
    for start, end in hits:
        if stretches and start <= stretches[-1][1]:  # overlapping or adjacent: one stretch
            stretches[-1][1] = max(stretches[-1][1], end)
        else:
            stretches.append([start, end])
    parts, shown_from = [], 0
    for start, end in stretches:
        parts += [text[shown_from:start], MASK]
        shown_from = end
    return "".join(parts) + text[shown_from:]


def _write(stream, text):
    stream.write(redact(text) + "\n")
    stream.flush()


def step(text):
    _write(sys.stdout, STEP + text)


def detail(text):
    for line in text.splitlines() or [""]:
        _write(sys.stdout, INDENT + line if line else "")


def use_colour(stream, environ=os.environ):
    """NO_COLOR (when not empty) wins, then FORCE_COLOR, then whether `stream` is a terminal:
    the rule of the build log and of `runtime`'s output alike."""
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def _box(kind, message):
    """Print a message as a ` !     ` box on stderr, with a blank line before and after."""
    label = {"warning": "Warning: ", "error": "Error: ", "note": "Note: "}[kind]
    lines = [label + message.title] + ([""] + message.body.splitlines() if message.body else [])
    stream = sys.stderr
    start, end = (_COLOURS[kind], _RESET) if use_colour(stream) else ("", "")
    sys.stdout.flush()
    _write(stream, "")
    for line in lines:
        _write(stream, start + (BANG + line).rstrip() + end)
    _write(stream, "")


def warning(message):
    _box("warning", message)


def error(message):
    _box("error", message)


def note(message):
    _box("note", message)


def run(cmd, env=None, cwd=None, show=True, time_limit=None, name=None):
    """Run a command with its output (stdout and stderr merged) shown as indented detail.

    Returns (exit status, the output as text) so callers can explain a failure. With a
    `time_limit` (seconds), the command runs in a process group of its own, which is stopped,
    grandchildren included, when the limit passes (a BuildError naming the step, `name`) or
    the build is interrupted.
    """
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, errors="replace", bufsize=1, start_new_session=time_limit is not None,
    )
    expired = threading.Event()

    def expire():
        expired.set()
        _stop_group(proc)

    timer = threading.Timer(time_limit, expire) if time_limit is not None else None
    captured = []
    try:
        if timer:
            timer.start()
        with proc.stdout:
            for line in proc.stdout:
                line = line.rstrip("\n")
                captured.append(line)
                if show:
                    detail(line)
        status = proc.wait()
    except BaseException:
        if timer:  # interrupted (Ctrl-C, SIGTERM): the step must not go on running without us
            _stop_group(proc)
            proc.wait()
        raise
    finally:
        if timer:
            timer.cancel()
    if expired.is_set():
        raise BuildError(messages.step_timed_out(name, time_limit))
    return status, "\n".join(captured)


def _stop_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:  # every process of the group has ended
        pass
