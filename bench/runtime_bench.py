"""`runtime start` against honcho 2.0 `start`, side by side in one run.

    .venv/bin/python bench/runtime_bench.py

prints one row per measurement with the ratio ours / honcho. A benchmark runner can import this
file and call `run()`, which returns the rows as (name, ours, anchor, ratio, unit).

- output: one process printing 500,000 short lines, then four printing 125,000 each at once;
  every line must arrive exactly once, whole and in order per process (target: >= 10x honcho);
- memory: peak RSS of the runner (with its helper processes, without the flooding process)
  while a process floods output and the reader takes 64 KiB every 50 ms;
- stop: time from Ctrl-C (SIGINT) until ten processes that exit on SIGTERM are gone (target < 1 s).
"""

import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.runtime.helpers import HONCHO, RUNTIME, clean_env, pid_gone

LINES = 500_000
FLOOD_SECONDS = 3
RUNNERS = {"runtime": RUNTIME + ["start"], "honcho": HONCHO + ["start"]}
PREFIXED = re.compile(rb"^\d\d:\d\d:\d\d (\S+) +\| (.*)$")


@contextlib.contextmanager
def app_dir(procfile):
    with tempfile.TemporaryDirectory(prefix="runtime-bench-") as root:
        with open(os.path.join(root, "Procfile"), "w") as file:
            file.write(procfile)
        yield root


def timed_output(command, root):
    """Run to the end, reading everything; return (seconds, output bytes)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=root, env=clean_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    chunks = []
    while chunk := process.stdout.read1(1 << 20):
        chunks.append(chunk)
    process.wait()
    return time.perf_counter() - started, b"".join(chunks)


def check_lines(output, expected):
    """Every expected line, per process, exactly once, whole and in order."""
    received = {}
    for line in output.splitlines():
        match = PREFIXED.match(line)
        if match and match[1] in expected:
            received.setdefault(match[1], []).append(match[2])
    for name, lines in expected.items():
        if received.get(name) != lines:
            got = received.get(name, [])
            raise AssertionError(f"{name.decode()}: {len(got)} lines received, {len(lines)} "
                                 "expected, or not whole and in order")


def throughput(processes):
    """Lines per second for `processes` processes printing LINES lines between them."""
    each = LINES // processes
    names = [f"p{number}" for number in range(1, processes + 1)]
    # Each process waits for the others before exiting: the first exit stops them all.
    procfile = "".join(
        f"{name}: seq -f '{name}-%.0f' 1 {each}; touch done-{name}; "
        f"while [ $(ls done-* | wc -l) -lt {processes} ]; do sleep 0.01; done\n" for name in names)
    expected = {f"{name}.1".encode(): [f"{name}-{i}".encode() for i in range(1, each + 1)]
                for name in names}
    rates = {}
    for runner, command in RUNNERS.items():
        with app_dir(procfile) as root:
            seconds, output = timed_output(command, root)
        check_lines(output, expected)
        rates[runner] = LINES / seconds
    return rates


def tree(root_pid):
    """Pids of `root_pid` and all its descendants, with their command names."""
    parents = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)
        except OSError:
            continue
        name = fields[0].split("(", 1)[1]
        parents[int(pid)] = (int(fields[1].split()[1]), name)
    found, frontier = {root_pid: parents.get(root_pid, (0, ""))[1]}, [root_pid]
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, name) in parents.items():
            if ppid == parent and pid not in found:
                found[pid] = name
                frontier.append(pid)
    return found


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def flood_memory():
    """Peak RSS (MB) of each runner while `yes` floods a reader that takes 64 KiB every 50 ms."""
    peaks = {}
    for runner, command in RUNNERS.items():
        with app_dir("flood: yes 'a short line of output'\n") as root:
            process = subprocess.Popen(command, cwd=root, env=clean_env(),
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            peak, deadline = 0.0, time.monotonic() + FLOOD_SECONDS
            while time.monotonic() < deadline:
                process.stdout.read1(1 << 16)
                pids = tree(process.pid)
                peak = max(peak, sum(rss_mb(pid) for pid, name in pids.items() if name != "yes"))
                time.sleep(0.05)
            # Stop reading: honcho would print its backlog for minutes after Ctrl-C, or hang.
            process.stdout.close()
            process.send_signal(signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(10)
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            process.wait()
        peaks[runner] = peak
    return peaks


def stop_time():
    """Seconds from SIGINT until the runner and its ten `sleep` processes are all gone."""
    procfile = "".join(f"p{number}: exec sleep 1000\n" for number in range(10))
    times = {}
    for runner, command in RUNNERS.items():
        with app_dir(procfile) as root:
            process = subprocess.Popen(command, cwd=root, env=clean_env(),
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            sleepers = []
            deadline = time.monotonic() + 30
            while len(sleepers) < 10 and time.monotonic() < deadline:
                time.sleep(0.05)
                sleepers = [pid for pid, name in tree(process.pid).items() if name == "sleep"]
            started = time.perf_counter()
            process.send_signal(signal.SIGINT)
            process.wait()
            while any(not pid_gone(pid) for pid in sleepers):
                time.sleep(0.001)
            times[runner] = time.perf_counter() - started
    return times


def run():
    """[(name, ours, anchor, ratio, unit)]: ratio = ours / honcho."""
    rows = []
    for processes, name in ((1, "output: 1 process x 500,000 lines"),
                            (4, "output: 4 processes x 125,000 lines")):
        rates = throughput(processes)
        rows.append((name, rates["runtime"], rates["honcho"], rates["runtime"] / rates["honcho"],
                     "lines/s"))
    peaks = flood_memory()
    rows.append((f"memory: peak RSS, {FLOOD_SECONDS} s flood into a slow reader", peaks["runtime"],
                 peaks["honcho"], peaks["runtime"] / peaks["honcho"], "MB"))
    times = stop_time()
    rows.append(("stop: 10 processes gone after Ctrl-C", times["runtime"], times["honcho"],
                 times["runtime"] / times["honcho"], "s"))
    return rows


def main():
    print(f"{'measurement':<48} {'runtime':>12} {'honcho 2.0':>12} {'ratio':>8}  unit")
    for name, ours, anchor, ratio, unit in run():
        print(f"{name:<48} {ours:>12,.2f} {anchor:>12,.2f} {ratio:>7.2f}x  {unit}")
    print("ratio = runtime / honcho: higher is better for lines/s, lower for MB and s")


if __name__ == "__main__":
    main()
