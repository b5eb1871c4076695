"""Build times: our bin/compile against the classic pip path, side by side in one run.

    .venv/bin/python bench/build_bench.py [small|large ...]

The classic path is what the best-known Python buildpack does: a fresh environment,
`pip install --no-cache-dir -r requirements.txt`, then `collectstatic --noinput`. Its warm
rebuild keeps the environment and runs both again (on a fresh checkout, so STATIC_ROOT
starts empty); any change to requirements.txt throws its cache away, so its rebuild after
adding one requirement is a cold build.

Measured for a small app (Django, gunicorn, whitenoise[brotli], dj-database-url,
psycopg[binary]) and a larger one (about 45 packages). Ours starts with an empty cache
folder (no downloads either) for the cold build, whose figures are the medians of three
rounds. `run()` returns the rows as
(name, ours seconds, anchor seconds, ratio, unit) for the one-command benchmark runner.
"""

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from common import environment, settle, work_folder  # noqa: E402

from tests import apps  # noqa: E402  (the same generated Django apps the tests build)

PYTHON_VERSION = "3.12"
SMALL = ["Django", "gunicorn", "whitenoise[brotli]", "dj-database-url", "psycopg[binary]"]
LARGE = SMALL + [
    "djangorestframework", "django-filter", "django-cors-headers", "django-extensions",
    "django-storages", "django-environ", "celery", "redis", "Pillow", "boto3", "sentry-sdk",
    "requests", "Markdown", "PyYAML", "python-dateutil", "pytz",
]
ADDED = "django-debug-toolbar"
# Cold builds wait on the network and a shared disk: the median of three rounds is kept (odd:
# see measure()).
COLD_ROUNDS = 3


def make_app(root, packages, python_version=PYTHON_VERSION):
    app = apps.django_app(root, requirements="\n".join(packages) + "\n", python_version=python_version)
    if "djangorestframework" in packages:  # its static files (and the admin's) are collected too
        settings = app / "mysite/settings.py"
        settings.write_text(settings.read_text() + "INSTALLED_APPS += ['rest_framework']\n")
    return app


def pyenv_python():
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    found = sorted(root.glob(f"versions/{PYTHON_VERSION}.*/bin/python{PYTHON_VERSION}"))
    if not found:
        sys.exit(f"build_bench needs Python {PYTHON_VERSION} under pyenv")
    return str(found[-1])


class Classic:
    """The classic buildpack's steps, in a folder of their own."""

    def __init__(self, work):
        self.work = work
        self.venv = work / "classic-venv"

    def checkout(self, app):
        target = self.work / f"classic-app-{time.monotonic_ns()}"
        shutil.copytree(app, target)
        return target

    def build(self, app, fresh, split=False):
        """Seconds for the classic build; with `split`, (the whole, its pip install step)."""
        if fresh:
            shutil.rmtree(self.venv, ignore_errors=True)
        checkout = self.checkout(app)
        settle()
        started = time.perf_counter()
        if fresh:
            subprocess.run([pyenv_python(), "-m", "venv", str(self.venv)], check=True)
            # The classic buildpack installs a current pip; not part of its timed steps here.
            started_pip = time.perf_counter()
            subprocess.run([str(self.venv / "bin/pip"), "install", "-q", "--upgrade", "pip"], check=True,
                           env=environment())
            started += time.perf_counter() - started_pip
        subprocess.run([str(self.venv / "bin/pip"), "install", "--no-cache-dir", "-r", "requirements.txt"],
                       cwd=checkout, check=True, stdout=subprocess.DEVNULL, env=environment())
        installed = time.perf_counter()
        subprocess.run([str(self.venv / "bin/python"), "manage.py", "collectstatic", "--noinput"],
                       cwd=checkout, check=True, stdout=subprocess.DEVNULL, env=environment())
        ended = time.perf_counter()
        return (ended - started, installed - started) if split else ended - started


class Ours:
    def __init__(self, work, name):
        """Builds that share one cache folder, empty at first."""
        self.work = work
        self.cache = work / f"{name}-cache"
        self.env_dir = work / f"{name}-env"
        self.env_dir.mkdir()

    def build(self, app):
        """(seconds for the whole build, seconds of its install step), from the log's step
        headers as they arrive. The step headers stay in `steps`."""
        build_dir = self.work / f"build_{time.monotonic_ns()}"
        shutil.copytree(app, build_dir)
        settle()
        started = time.perf_counter()
        process = subprocess.Popen([str(REPO / "bin/compile"), str(build_dir), str(self.cache), str(self.env_dir)],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=environment())
        self.steps = steps = [(time.perf_counter(), line) for line in process.stdout if line.startswith("-----> ")]
        if process.wait():
            raise RuntimeError(f"bin/compile failed for {app}")
        ended = time.perf_counter()
        install = next(n for n, (_, line) in enumerate(steps) if "nothing to install" in line or "Installing dependencies" in line)
        install_end = steps[install + 1][0] if install + 1 < len(steps) else ended
        return ended - started, install_end - steps[install][0]


def measure(name, packages):
    work = work_folder("build-bench-")
    app = make_app(work / "app", packages)
    bigger = make_app(work / "app-plus-one", packages + [ADDED])
    classic, ours_cold, classic_cold = Classic(work), [], []
    for round_ in range(COLD_ROUNDS):
        ours = Ours(work, f"ours-{round_}")
        if round_ % 2:  # each side goes first in turn: neither always meets a cold CDN
            classic_cold.append(classic.build(app, fresh=True))
            ours_cold.append(ours.build(app)[0])
        else:  # the last round ends with the classic build, whose environment its rebuild keeps
            ours_cold.append(ours.build(app)[0])
            classic_cold.append(classic.build(app, fresh=True))
    cold = statistics.median(ours_cold), statistics.median(classic_cold)
    (ours_warm, ours_install), (classic_warm, classic_install) = (
        ours.build(app), classic.build(app, fresh=False, split=True))
    plus_one = ours.build(bigger)[0], classic.build(bigger, fresh=True)
    rows = [(f"build {name}: cold", *cold),
            (f"build {name}: no-change rebuild", ours_warm, classic_warm),
            (f"build {name}: install step of the no-change rebuild", ours_install, classic_install),
            (f"build {name}: one-requirement rebuild", *plus_one)]
    return [(label, mine, anchor, mine / anchor, "s") for label, mine, anchor in rows]


def run(which=("small", "large")):
    packages = {"small": SMALL, "large": LARGE}
    rows = []
    for name in which:
        rows += measure(f"{name} app ({len(packages[name])} requirements)", packages[name])
    return rows


def main():
    rows = run(sys.argv[1:] or ("small", "large"))
    print(f"{'measurement':<72} {'ours':>8} {'classic':>8} {'ratio':>7}")
    for label, mine, anchor, ratio, unit in rows:
        print(f"{label:<72} {mine:7.2f}{unit} {anchor:7.2f}{unit} {ratio:6.2f}x")


if __name__ == "__main__":
    main()
