"""Large inputs: what a big config var adds to a warm rebuild, and a long .env to `runtime run`.

    .venv/bin/python bench/inputs_bench.py

Masking secrets and parsing .env files must cost time linear in their input; before they were
linear, a 60 KB config var took a warm rebuild from 0.9 s to 14.7 s and a 40,000-line .env took
101 s. Each row's "ours" is the processor time the large input adds (the median of REPEAT runs
with it minus the median without; this process's and its children's, user and system), its
anchor the processor time without it; target: under 1 s added. Processor time rather than
elapsed time, since the 2 cores of the development machine are shared: elapsed times there
move with everyone's load, up to several times over.

- a 100 KB config var (of word characters, which the old URL pattern backtracked over), added
  to the warm rebuild of a Django app. A process environment holds at most 128 KiB per variable
  (Linux's MAX_ARG_STRLEN), so no build can pass a larger one to its steps;
- a 10 MB config var, added to the warm rebuild by the build's own handling of it, timed in this
  process: finding the secrets in the config vars, hiding them, and redacting the log of the
  warm rebuild. Three kinds: word characters, a secret-looking name, and a list of 400,000
  index URLs with a token each (400,000 secrets). Also with DEBUG_COLLECTSTATIC's dump, which
  only a failing collectstatic prints (every config var masked, then redacted): no target;
- a .env of 40,000 lines, added to `runtime run true`.

`run()` returns the rows as (name, ours seconds, anchor seconds, ratio, unit) for the
one-command benchmark runner.
"""

import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from common import environment, settle, work_folder  # noqa: E402

from buildpack import config_vars  # noqa: E402
from buildpack.log import output  # noqa: E402
from tests import apps  # noqa: E402  (the same generated Django apps the tests build)

REPEAT = 3
MB = 10 * 2**20
BIG_VALUES = {  # name: value, each 10 MB
    "word characters": ("BIG_SETTING", "x" * MB),
    "a secret-looking name": ("BIG_TOKEN", "x" * MB),
    "400,000 index URLs with a token each": (
        "EXTRA_INDEX_URLS", " ".join(f"https://tok{i:07d}@pypi.example/simple/" for i in range(MB // 36))),
}
ENV_LINES = 40_000


def processor_seconds():
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def median_seconds(function):
    """The median processor time of REPEAT calls of `function`."""
    runs = []
    for _ in range(REPEAT):
        settle()
        started = processor_seconds()
        function()
        runs.append(processor_seconds() - started)
    return statistics.median(runs)


class Builds:
    """Warm rebuilds of one Django app, with and without a config var."""

    def __init__(self, work):
        self.work = work
        self.app = apps.django_app(work / "app")
        self.cache = work / "cache"
        self.count = 0

    def env_dir(self, config):
        self.count += 1
        env_dir = self.work / f"env_{self.count}"
        env_dir.mkdir()
        for name, value in config.items():
            (env_dir / name).write_text(value)
        return env_dir

    def compile(self, env_dir):
        """bin/compile of a fresh checkout; returns its log."""
        self.count += 1
        build_dir = self.work / f"build_{self.count}"
        shutil.copytree(self.app, build_dir)
        result = subprocess.run([str(REPO / "bin/compile"), str(build_dir), str(self.cache), str(env_dir)],
                                capture_output=True, text=True, env=environment())
        if result.returncode:
            raise RuntimeError(f"bin/compile failed:\n{result.stdout}{result.stderr}")
        return result.stdout + result.stderr


def masking(config, log_lines, dump=False):
    """What a build does with its config vars' secrets: find and hide them, then redact its log
    (with `dump`, plus DEBUG_COLLECTSTATIC's dump of the config vars)."""
    output._secrets.clear()
    output.hide(config_vars.secret_values(config))
    dumped = [f"  {name}={config_vars.mask(name, value)}" for name, value in config.items()] if dump else []
    for line in [*log_lines, *dumped]:
        output.redact(line)


def config_var_rows(work):
    builds = Builds(work)
    plain = builds.env_dir({"SECRET_KEY": "a-real-looking-secret-key"})
    log = builds.compile(plain).splitlines()  # the cold build fills the cache
    warm = median_seconds(lambda: builds.compile(plain))
    name, value = BIG_VALUES["word characters"]
    big = builds.env_dir({"SECRET_KEY": "a-real-looking-secret-key", name: value[:100_000]})
    rows = [("config var of 100 KB: added to a warm rebuild",
             median_seconds(lambda: builds.compile(big)) - warm, warm)]
    config = {"SECRET_KEY": "a-real-looking-secret-key"}
    without = median_seconds(lambda: masking(config, log))
    for kind, (name, value) in BIG_VALUES.items():
        with_it = {**config, name: value}
        rows.append((f"config var of 10 MB, {kind}: added to a warm rebuild by masking it",
                     median_seconds(lambda config=with_it: masking(config, log)) - without, warm))
        rows.append((f"config var of 10 MB, {kind}: masking it and DEBUG_COLLECTSTATIC's dump",
                     median_seconds(lambda config=with_it: masking(config, log, dump=True)) - without, warm))
    output._secrets.clear()
    return rows


def env_file_row(work):
    root = apps.write(work / "runtime-app", {
        "Procfile": "web: true\n",
        "big.env": "".join(f"VARIABLE_{i}=value number {i}\n" for i in range(ENV_LINES))})
    empty = root / "empty.env"
    empty.write_text("")

    def run(env_file):
        subprocess.run([sys.executable, "-m", "runtime", "run", "-e", str(env_file), "true"], cwd=root,
                       env=environment(), check=True, capture_output=True)

    without = median_seconds(lambda: run(empty))
    return [(f".env of {ENV_LINES:,} lines: added to `runtime run true`",
             median_seconds(lambda: run(root / "big.env")) - without, without)]


def run():
    work = work_folder("inputs-bench-")
    rows = config_var_rows(work) + env_file_row(work)
    return [(label, added, anchor, added / anchor, "CPU s added") for label, added, anchor in rows]


def main():
    print(f"{'measurement':<90} {'added':>8} {'without':>8}  target")
    for label, added, anchor, _, _ in run():
        print(f"{label:<90} {added:7.3f}s {anchor:7.3f}s  under 1 s added")


if __name__ == "__main__":
    main()
