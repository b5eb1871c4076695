"""The one benchmark command: every benchmark in bench/, one table of the rows measured in this run.

    scripts/bench [NAME ...]        (or: .venv/bin/python bench/run.py [NAME ...])

Each bench/NAME_bench.py is a benchmark; its `run()` returns rows (measurement, ours, anchor,
ratio, unit), each measured side by side with its anchor. Names pick some of them for a quick
run. The table shows the machine and, for each row, the target the issues set and whether this
run met it. A run of every benchmark also writes the table into docs/performance.md, between
its markers; a partial run leaves the file alone, since the table there is one run's.
"""

import datetime
import importlib
import os
import platform
import re
import sys
import time
import traceback
from pathlib import Path

BENCH = Path(__file__).resolve().parent
DOC = BENCH.parent / "docs" / "performance.md"
BEGIN_MARKER = "<!-- latest table: begin (scripts/bench replaces everything up to the end marker) -->"
END_MARKER = "<!-- latest table: end -->"

ANCHORS = {"build": "classic pip path", "image": "podman build", "inputs": "the same without it",
           "poetry": "pip install -r of the export", "python_choice": "the same app pinned",
           "rerun": "the same with --rebuild", "runtime": "honcho 2.0",
           "static": "fresh collectstatic", "web": "plain gunicorn"}

# The targets set by the issues: (benchmark, pattern of the row's name, target, test of
# (ours, ratio) or None when the issue gives no figure to test).
TARGETS = [
    ("build", r": cold$", "ratio <= 0.5", lambda ours, ratio: ratio <= 0.5),
    ("build", r": no-change rebuild$", "ratio <= 0.15", lambda ours, ratio: ratio <= 0.15),
    ("build", r": install step of the no-change rebuild$", "ours < 0.2 s", lambda ours, ratio: ours < 0.2),
    ("build", r": one-requirement rebuild$", "ratio <= 0.3", lambda ours, ratio: ratio <= 0.3),
    ("image", r"^first image", "ratio <= 0.5", lambda ours, ratio: ratio <= 0.5),
    ("image", r"^image after a one-template change", "ratio <= 0.2", lambda ours, ratio: ratio <= 0.2),
    ("image", r"^bytes written", "the app layer only", None),
    ("image", r"^image size", "ratio <= 1.02", lambda ours, ratio: ratio <= 1.02),
    ("static", r"^static step of a warm rebuild", "ratio <= 0.15", lambda ours, ratio: ratio <= 0.15),
    ("static", r"^whole warm rebuild", "ratio <= 0.15", lambda ours, ratio: ratio <= 0.15),
    ("inputs", r": added to ", "ours < 1 s", lambda ours, ratio: ours < 1),
    ("python_choice", r"without \.python-version", "ratio <= 1.1", lambda ours, ratio: ratio <= 1.1),
    ("rerun", r"^scripts/example run again", "ours <= 2 s", lambda ours, ratio: ours <= 2),
    ("runtime", r"^output:", "ratio >= 10", lambda ours, ratio: ratio >= 10),
    ("runtime", r"^memory:", "bounded", None),
    ("runtime", r"^stop:", "ours <= 1 s", lambda ours, ratio: ours <= 1),
]


def benchmarks():
    return sorted(path.name.removesuffix("_bench.py") for path in BENCH.glob("*_bench.py"))


def target(benchmark, measurement):
    """(what the issue asks of a row, its test or None)."""
    for name, pattern, wording, test in TARGETS:
        if name == benchmark and re.search(pattern, measurement):
            return wording, test
    return "-", None


def number(value):
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if abs(value) >= 1 else f"{value:.3f}"


def machine():
    with open("/proc/meminfo") as meminfo:
        memory_kib = int(next(line for line in meminfo if line.startswith("MemTotal:")).split()[1])
    with open("/proc/cpuinfo") as cpuinfo:
        models = [line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")]
    return (f"{os.cpu_count()} cores ({models[0] if models else platform.machine()}), "
            f"{memory_kib / 2**20:.1f} GiB memory, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()} (runner)")


def table(rows, seconds):
    """The rows as one Markdown table (padded, so it reads in a terminal too) under a header."""
    lines = [("benchmark", "measurement", "ours", "anchor", "ratio", "unit", "target", "met")]
    for benchmark, measurement, ours, anchor, ratio, unit in rows:
        wording, test = target(benchmark, measurement)
        met = "-" if test is None else ("yes" if test(ours, ratio) else "no")
        lines.append((f"{benchmark} vs {ANCHORS.get(benchmark, 'its anchor')}", measurement, number(ours),
                      number(anchor), number(ratio) + "x", unit, wording, met))
    widths = [max(len(line[column]) for line in lines) for column in range(len(lines[0]))]
    rendered = ["| " + " | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) + " |"
                for line in lines]
    rendered.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    minutes, seconds = divmod(round(seconds), 60)
    header = (f"Measured {when} on {machine()}, all in one run of {minutes} min {seconds} s. "
              "Ratio = ours / anchor: below 1 is better for s and MB, above 1 for lines/s and requests/s.")
    return header + "\n\n" + "\n".join(rendered) + "\n"


def record(text):
    """Replace the table between the markers of docs/performance.md."""
    doc = DOC.read_text()
    begin, end = doc.index(BEGIN_MARKER) + len(BEGIN_MARKER), doc.index(END_MARKER)
    DOC.write_text(doc[:begin] + "\n" + text + doc[end:])


def main(names):
    available = benchmarks()
    chosen = list(dict.fromkeys(names)) or available
    unknown = [name for name in chosen if name not in available]
    if unknown:
        sys.exit(f"no benchmark named {', '.join(unknown)}; there are: {', '.join(available)}")
    started = time.monotonic()
    rows, failed = [], []
    for name in chosen:
        print(f"-----> Running bench/{name}_bench.py", file=sys.stderr, flush=True)
        began = time.monotonic()
        try:
            rows += [(name, *row) for row in importlib.import_module(f"{name}_bench").run()]
        except SystemExit as stop:  # a benchmark that cannot run says why and exits
            print(f"{name}: {stop}", file=sys.stderr)
            failed.append(name)
        except Exception:  # the others still run: a full run takes minutes
            traceback.print_exc()
            failed.append(name)
        print(f"       {name}: {time.monotonic() - began:.0f} s", file=sys.stderr, flush=True)
    text = table(rows, time.monotonic() - started)
    print("\n" + text)
    if failed:
        sys.exit(f"Failed: {', '.join(failed)}; {DOC.name} left as it was.")
    if set(chosen) == set(available):
        record(text)
        print(f"-----> Recorded in {DOC.relative_to(BENCH.parent)}")
    else:
        print(f"-----> {DOC.relative_to(BENCH.parent)} is updated by a run of every benchmark only")


if __name__ == "__main__":
    main(sys.argv[1:])
