"""Choosing the Python: a no-change rebuild of an app without .python-version (the common case:
the newest Python on the machine) against the same app pinned to the Python it gets.

    .venv/bin/python bench/python_choice_bench.py [small|large ...]

Both share one warm cache, so the only difference is how the version is chosen: reading a pin,
or finding every interpreter of the machine to take the newest. Target: no dearer than the pin
(ratio at most 1.1, the noise of single rebuilds on a shared machine). Medians of ROUNDS
rebuilds each, taken in turn. `run()` returns the rows as (name, ours seconds, anchor seconds,
ratio, unit) for the one-command benchmark runner.
"""

import re
import statistics
import sys

from build_bench import LARGE, SMALL, Ours, make_app
from common import work_folder

ROUNDS = 5


def measure(name, packages):
    work = work_folder("python-choice-bench-")
    unpinned = make_app(work / "app-unpinned", packages, python_version=None)
    ours = Ours(work, "ours")
    ours.build(unpinned)
    chosen = re.search(r"Using Python (\d+\.\d+)", "".join(line for _, line in ours.steps)).group(1)
    pinned = make_app(work / "app-pinned", packages, python_version=chosen)
    ours.build(pinned)
    unpinned_times, pinned_times = [], []
    for _ in range(ROUNDS):
        unpinned_times.append(ours.build(unpinned)[0])
        pinned_times.append(ours.build(pinned)[0])
    mine, anchor = statistics.median(unpinned_times), statistics.median(pinned_times)
    return [(f"no-change rebuild of the {name} without .python-version (Python {chosen})",
             mine, anchor, mine / anchor, "s")]


def run(which=("small", "large")):
    packages = {"small": SMALL, "large": LARGE}
    rows = []
    for name in which:
        rows += measure(f"{name} app", packages[name])
    return rows


def main():
    for label, mine, anchor, ratio, unit in run(sys.argv[1:] or ("small", "large")):
        print(f"{label:<72} {mine:7.3f}{unit} {anchor:7.3f}{unit} {ratio:6.2f}x")


if __name__ == "__main__":
    main()
