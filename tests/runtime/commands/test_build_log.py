"""`runtime build` relays the build log: on a terminal, the buildpack's boxes keep their colour
(tests/runtime/commands/test_first_runs.py shows the slug's paths in it)."""

import os
import subprocess
import termios

from tests import apps
from tests.runtime.helpers import RUNTIME, host_env


def stderr_on_a_terminal(command):
    """(exit status, stdout, stderr) of `command` run with stderr on a pseudo-terminal that
    passes bytes as they are written, and stdout on a pipe."""
    reader, writer = os.openpty()
    attributes = termios.tcgetattr(writer)
    attributes[1] &= ~termios.OPOST
    termios.tcsetattr(writer, termios.TCSANOW, attributes)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=writer, env=host_env())
    os.close(writer)
    stderr = b""
    try:
        while chunk := os.read(reader, 1 << 16):
            stderr += chunk
    except OSError:  # EIO: every writer has closed the terminal
        pass
    finally:
        os.close(reader)
    stdout = process.communicate(timeout=120)[0]
    return process.returncode, stdout.decode(), stderr.decode()


def test_the_buildpacks_error_box_is_coloured_on_a_terminal_and_not_in_a_pipe(tmp_path):
    root = apps.plain_app(tmp_path / "old", {".python-version": "2.7\n", "requirements.txt": "django\n"})
    command = [*RUNTIME, "build", str(root), "--out", str(tmp_path / "slug"), "--cache", str(tmp_path / "cache")]

    status, stdout, stderr = stderr_on_a_terminal(command)
    piped = subprocess.run(command, capture_output=True, text=True, env=host_env(), timeout=120)

    assert status == piped.returncode == 1
    box = " !     Error: The requested Python version has reached end-of-life."
    assert f"\n\033[1;31m{box}\033[0m\n" in stderr
    assert "\r" not in stderr
    assert f"\n{box}\n" in piped.stderr and "\033" not in piped.stderr
    assert stdout == piped.stdout
    assert stdout.endswith(f"-----> Build failed (exit status 1); {tmp_path / 'slug'} was left as it was.\n")
