"""No step of the app's own code runs forever: a hook (or collectstatic, see
tests/buildpack/django/test_collectstatic.py) still running after BUILD_STEP_TIMEOUT seconds is stopped,
with every process it started, and the build fails saying so. A build its host stops (SIGTERM)
stops the running hook too."""

import os
import signal
import subprocess
import time

import pytest

from tests import apps
from tests.conftest import BIN, build_env, errors, running

# The hook hangs, and so does a child it starts in the background; it writes both process ids first.
HANGING_HOOK = """\
#!/bin/sh
sleep 600 &
echo $! > {pids}
echo $$ >> {pids}
echo waiting for a server that never answers
exec sleep 600
"""


@pytest.mark.parametrize("hook", ["pre_compile", "post_compile"])
def test_a_hook_that_never_finishes_is_stopped_with_its_children(builder, tmp_path, hook):
    pids = tmp_path / "hook.pids"
    app = apps.plain_app(tmp_path / "app", {"requirements.txt": "six\n",
                                            f"bin/{hook}": HANGING_HOOK.format(pids=pids)})
    try:
        result = builder.compile(app, config={"BUILD_STEP_TIMEOUT": "2"}, timeout=120)

        assert result.returncode == 1, result.log
        assert f"-----> Running bin/{hook} hook\n       waiting for a server that never answers\n" in result.stdout
        assert errors(result) == [
            f"Error: bin/{hook} did not finish within the time limit of 2 seconds.",
            "",
            "The build stopped it and every process it started. A step that waits for input or for a",
            "network service, or that starts a server in the foreground, never finishes. Fix the step;",
            "if it needs more time, raise the limit with the BUILD_STEP_TIMEOUT config var (seconds).",
        ]
        assert "Traceback" not in result.log
        started = pids.read_text().split()
        assert len(started) == 2 and [pid for pid in started if running(pid)] == []
    finally:  # never leave a hung process behind, whatever failed above
        for pid in pids.read_text().split() if pids.is_file() else []:
            if running(pid):
                os.kill(int(pid), signal.SIGKILL)


def test_a_build_stopped_by_its_host_stops_the_running_hook(builder, tmp_path):
    pids = tmp_path / "hook.pids"
    app = apps.plain_app(tmp_path / "app", {"requirements.txt": "six\n",
                                            "bin/pre_compile": HANGING_HOOK.format(pids=pids)})
    command = [str(BIN / "compile"), str(builder.fresh_build_dir(app)), str(builder.cache_dir()),
               str(builder.env_dir({}))]
    build = subprocess.Popen(command, env=build_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # The hook has started its child, and the build shows the hook's output.
        shown = next((line for line in build.stdout if line.startswith("       waiting for a server")), None)
        assert shown and build.poll() is None, build.communicate()
        build.terminate()  # SIGTERM, as a host cancelling the build sends it
        stdout, stderr = build.communicate(timeout=60)

        assert build.returncode == 128 + signal.SIGTERM, stdout + stderr
        assert "Traceback" not in stderr
        started = pids.read_text().split()
        for _ in range(300):  # killed as the build ended: gone once the kernel has run them
            if not [pid for pid in started if running(pid)]:
                break
            time.sleep(0.1)
        assert [pid for pid in started if running(pid)] == []
    finally:
        build.kill()
        for pid in pids.read_text().split() if pids.is_file() else []:
            if running(pid):
                os.kill(int(pid), signal.SIGKILL)


@pytest.mark.parametrize("value", ["soon", "0", "-5", "1.5", "86401", "１０"])  # noqa: RUF001 (full-width digits on purpose)
def test_a_step_time_limit_that_is_not_seconds_is_a_clear_error(builder, tmp_path, value):
    apps.plain_app(tmp_path, {"requirements.txt": "six\n"})
    result = builder.compile(tmp_path, config={"BUILD_STEP_TIMEOUT": value})
    assert result.returncode == 1, result.log
    assert errors(result) == [
        f"Error: BUILD_STEP_TIMEOUT is set to {value!r}, which is not a time limit in seconds.",
        "",
        "Set it to a whole number of seconds from 1 to 86400 (a day), for example 3600, or unset it",
        "for the default of 1800 seconds.",
    ]
    assert "Traceback" not in result.log


def test_a_long_bad_step_time_limit_is_quoted_in_part(builder, tmp_path):
    apps.plain_app(tmp_path, {"requirements.txt": "six\n"})
    result = builder.compile(tmp_path, config={"BUILD_STEP_TIMEOUT": "9" * 500})
    assert result.returncode == 1, result.log
    assert errors(result)[0] == (f"Error: BUILD_STEP_TIMEOUT is set to '{'9' * 200}', which is not a time "
                                 "limit in seconds.")

