"""Static reuse: the warm rebuild of an admin-only Django app (whitenoise[brotli]) against a classic
warm rebuild, which runs a fresh `collectstatic --noinput` with compression every time.

    .venv/bin/python bench/static_bench.py

Rows, each the median of REPEAT runs:

- static step: ours = what the static step of our warm rebuild does when nothing changed
  (check what the last collectstatic read against its record, hard-link its output back), timed
  in-process on a fresh build folder; anchor = `python manage.py collectstatic --noinput` into an
  empty STATIC_ROOT with the slug's Python (the classic step). Target: <= 0.15x.
- whole warm rebuild: ours = bin/compile with a warm cache (Python environment and static output
  reused); anchor = the classic warm rebuild of the same app (build_bench.py's): it keeps its
  environment, runs `pip install -r requirements.txt` again, then a fresh `collectstatic --noinput`
  with compression.

`run()` returns the rows as (name, ours seconds, anchor seconds, ratio, unit) for the
one-command benchmark runner.
"""

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from build_bench import Classic  # noqa: E402
from common import environment, settle, work_folder  # noqa: E402

from buildpack import slug  # noqa: E402
from buildpack.compile import Context  # noqa: E402
from buildpack.layers import static_files  # noqa: E402
from buildpack.python import interpreters  # noqa: E402
from tests import apps  # noqa: E402  (the same generated Django apps the tests build)

REPEAT = 3
REQUIREMENTS = "django\ngunicorn\nwhitenoise[brotli]\n"


class Builds:
    def __init__(self, work):
        self.work = work
        self.app = apps.django_app(work / "app", requirements=REQUIREMENTS)
        self.cache = work / "cache"
        self.env_dir = work / "env"
        self.env_dir.mkdir()
        self.count = 0

    def checkout(self):
        self.count += 1
        build_dir = self.work / f"build_{self.count}"
        shutil.copytree(self.app, build_dir)
        return build_dir

    def compile(self):
        """Seconds for one bin/compile of a fresh checkout; returns (seconds, build folder)."""
        build_dir = self.checkout()
        settle()
        started = time.perf_counter()
        subprocess.run([str(REPO / "bin/compile"), str(build_dir), str(self.cache), str(self.env_dir)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=environment())
        return time.perf_counter() - started, build_dir


def reuse_step(builds, slug_dir):
    """Seconds for the static step's reuse path on a fresh build folder holding the slug's Python."""
    build_dir = builds.checkout()
    shutil.copytree(slug_dir / slug.PYTHON_HOME, slug.python_home(build_dir), symlinks=True)
    python = next(slug.python_home(build_dir).glob("bin/python3.*"))
    version = subprocess.run([str(python), "-c", "import platform; print(platform.python_version())"],
                             capture_output=True, text=True, check=True).stdout.strip()
    ctx = Context(build_dir=build_dir.resolve(), cache_dir=builds.cache.resolve(), config={},
                  install_test=False, stack="", scratch_dir=builds.work,
                  interpreter=interpreters.Interpreter(tuple(map(int, version.split("."))), python, None),
                  python=python, site_packages=slug.site_packages(build_dir.resolve()))
    started = time.perf_counter()
    facts, changes = static_files.restore(ctx)
    seconds = time.perf_counter() - started
    if facts is None:
        sys.exit(f"static_bench: the static output was not reused: {changes}")
    return seconds


def classic_collectstatic(slug_dir):
    shutil.rmtree(slug_dir / "staticfiles", ignore_errors=True)
    python = next(slug.python_home(slug_dir).glob("bin/python3.*"))
    settle()
    started = time.perf_counter()
    subprocess.run([str(python), "manage.py", "collectstatic", "--noinput"], cwd=slug_dir, check=True,
                   stdout=subprocess.DEVNULL, env=environment())
    return time.perf_counter() - started


def run():
    builds = Builds(work_folder("static-bench-"))
    _, slug_dir = builds.compile()  # cold: fills the cache
    step = [reuse_step(builds, slug_dir) for _ in range(REPEAT)]
    warm = [builds.compile()[0] for _ in range(REPEAT)]
    classic_step = [classic_collectstatic(slug_dir) for _ in range(REPEAT)]
    classic = Classic(builds.work)
    classic.build(builds.app, fresh=True)  # its environment, which the warm rebuilds keep
    classic_warm = [classic.build(builds.app, fresh=False) for _ in range(REPEAT)]
    rows = [("static step of a warm rebuild, admin-only app", step, classic_step),
            ("whole warm rebuild, admin-only app", warm, classic_warm)]
    return [(name, statistics.median(ours), statistics.median(anchor),
             statistics.median(ours) / statistics.median(anchor), "s") for name, ours, anchor in rows]


def main():
    print(f"{'measurement':<48} {'ours':>8} {'classic':>8} {'ratio':>7}")
    for name, ours, anchor, ratio, unit in run():
        print(f"{name:<48} {ours:7.3f}{unit} {anchor:7.3f}{unit} {ratio:6.3f}x")


if __name__ == "__main__":
    main()
