"""The README's first command run again with nothing changed, to the example's first page.

    .venv/bin/python bench/rerun_bench.py

`scripts/example` sets up, builds the example, runs its release phase and serves it. Run a
second time it finds the slug up to date; its anchor is the same command with `--rebuild`,
which builds again as a host does (the cache makes that a no-change rebuild). Each side's
time is from the command's start to the first 200 for `/`, the median of ROUNDS runs, the two
sides taking turns (target, issue 15: about 2 s).

`run()` returns the rows as (name, ours seconds, anchor seconds, ratio, unit) for the
one-command benchmark runner.
"""

import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from common import settle  # noqa: E402

ROUNDS = 5
TIMEOUT = 300  # seconds a run may take to serve (the first run of a fresh clone builds)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def first_page(*args):
    """Seconds from starting `scripts/example ARGS` to its first 200 for `/`; then it is stopped
    as Ctrl-C stops it."""
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen([str(REPO / "scripts" / "example"), *args], cwd=REPO,
                               env={**os.environ, "PORT": str(port)}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        while time.perf_counter() - started < TIMEOUT:
            if process.poll() is not None:
                raise SystemExit(f"scripts/example {' '.join(args)} exited with {process.returncode}:\n"
                                 + process.stderr.read()[-2000:])
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.01)
        raise SystemExit(f"scripts/example served nothing within {TIMEOUT} s")
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)


def run():
    first_page()  # the first run, which may build
    ours, anchor = [], []
    for _ in range(ROUNDS):
        for side, args in ((ours, []), (anchor, ["--rebuild"])):
            settle()
            side.append(first_page(*args))
    ours_s, anchor_s = statistics.median(ours), statistics.median(anchor)
    return [("scripts/example run again, to the first page", ours_s, anchor_s, ours_s / anchor_s, "s")]


if __name__ == "__main__":
    for name, ours_s, anchor_s, ratio, unit in run():
        print(f"{name}: {ours_s:.2f} {unit} vs {anchor_s:.2f} {unit} with --rebuild ({ratio:.2f}x)")
