"""The build log's vocabulary: step headers, indented detail, warnings, errors and notes.

Classic buildpack conventions, which users and hosts already know: `-----> ` step headers on
stdout, details indented seven spaces, and warnings, errors and notes on stderr with every
line prefixed ` !     `. The text itself lives in `messages.py`.
"""

import os
import subprocess
import sys

STEP = "-----> "
INDENT = " " * 7
BANG = " !     "

_COLOURS = {"warning": "\033[1;33m", "error": "\033[1;31m", "note": "\033[1;34m"}
_RESET = "\033[0m"

# Values that must never reach the log (tokens in config vars); replaced by "****".
_secrets = []


class BuildError(Exception):
    """A failure the user can fix: printed as an error box, then the build exits 1."""

    def __init__(self, message):
        super().__init__(message.title)
        self.message = message


def hide(values):
    """Mask these values wherever they would appear in the log from now on."""
    # Each value once, longest first: a secret that contains another is masked whole.
    _secrets[:] = sorted({*_secrets, *(v for v in values if v and len(v) >= 4)}, key=len, reverse=True)


def redact(text):
    for secret in _secrets:
        text = text.replace(secret, "****")
    return text


def _write(stream, text):
    stream.write(redact(text) + "\n")
    stream.flush()


def step(text):
    _write(sys.stdout, STEP + text)


def detail(text):
    for line in text.splitlines() or [""]:
        _write(sys.stdout, INDENT + line if line else "")


def _use_colour(stream):
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or stream.isatty()


def _box(kind, message):
    """Print a message as a ` !     ` box on stderr, with a blank line before and after."""
    label = {"warning": "Warning: ", "error": "Error: ", "note": "Note: "}[kind]
    lines = [label + message.title] + ([""] + message.body.splitlines() if message.body else [])
    stream = sys.stderr
    start, end = (_COLOURS[kind], _RESET) if _use_colour(stream) else ("", "")
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


def run(cmd, env=None, cwd=None, show=True):
    """Run a command with its output (stdout and stderr merged) shown as indented detail.

    Returns (exit status, the output as text) so callers can explain a failure.
    """
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, errors="replace", bufsize=1,
    )
    captured = []
    with proc.stdout:
        for line in proc.stdout:
            line = line.rstrip("\n")
            captured.append(line)
            if show:
                detail(line)
    return proc.wait(), "\n".join(captured)
