"""Installing a poetry.lock: our two paths against `pip install -r` of the same export, in one run.

    .venv/bin/python bench/poetry_bench.py

The app is the small Django app of build_bench (Django, gunicorn, whitenoise[brotli],
dj-database-url, psycopg[binary]), locked by Poetry. Each side installs its main group into
a fresh virtual environment of the same Python, with empty download caches (a cold install,
the packages fetched from the index):

- the fast path: the lock exported to requirements with hashes (buildpack/deps/poetry.py,
  what the build does for a lock of version 2.1 from PyPI), installed by `uv pip install`;
- the Poetry path: `poetry sync --only main --compile` pointed at the environment, as the
  build runs it for the locks it cannot export (Poetry itself installed beforehand, as the
  tools cache keeps it);
- the anchor of both: `pip install --no-cache-dir -r` of the same exported requirements.

Figures are the medians of ROUNDS rounds, the sides alternating within a round. `run()`
returns the rows as (name, ours seconds, anchor seconds, ratio, unit) for the one-command
benchmark runner.
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

from build_bench import SMALL, pyenv_python  # noqa: E402
from common import environment, settle, work_folder  # noqa: E402

from buildpack import toml  # noqa: E402
from buildpack.deps import poetry  # noqa: E402
from buildpack.layers import tools  # noqa: E402
from tests import apps  # noqa: E402  (the same generated Django apps the tests build)

ROUNDS = 3
PYPROJECT = """\
[project]
name = "mysite"
version = "1"
requires-python = ">=3.12"
dependencies = {dependencies}

[tool.poetry]
package-mode = false
"""


class Sides:
    def __init__(self, work):
        self.work = work
        self.env = environment()
        self.python = pyenv_python()
        self.uv = str(tools.uv(work / "cache", {}))
        self.count = 0
        poetry_venv = self.venv("poetry")
        subprocess.run([self.uv, "pip", "install", "--quiet", "--python", str(poetry_venv / "bin/python"),
                        f"poetry=={tools.POETRY_VERSION}"], env=self.env, check=True)
        self.poetry = str(poetry_venv / "bin/python")
        dependencies = "[" + ", ".join(f'"{name}"' for name in SMALL) + "]"
        self.app = apps.django_app(work / "app", requirements=None,
                                   files={"pyproject.toml": PYPROJECT.format(dependencies=dependencies)})
        subprocess.run([self.poetry, "-m", "poetry", "lock", "--no-interaction", "--quiet"], cwd=self.app,
                       env=self.env, check=True)
        lock = toml.load(self.app / "poetry.lock")
        assert poetry.why_not_exportable(lock, ["main"]) is None
        self.requirements = work / "requirements.txt"
        self.requirements.write_text(poetry.export(lock, ["main"]))

    def venv(self, name):
        folder = self.work / name
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([self.uv, "venv", "--quiet", "--seed", "--python", self.python, str(folder)],
                       env=self.env, check=True)
        return folder

    def fresh(self, name):
        """A fresh environment and an empty cache folder for one install."""
        self.count += 1
        cache = self.work / f"cache-{self.count}"
        return self.venv(name), cache

    def timed(self, command, **kwargs):
        settle()
        started = time.monotonic()
        subprocess.run(command, check=True, capture_output=True, **kwargs)
        return time.monotonic() - started

    def uv_fast_path(self):
        venv, cache = self.fresh("uv-env")
        return self.timed([self.uv, "pip", "install", "--compile-bytecode", "--python", str(venv / "bin/python"),
                           "-r", str(self.requirements)], env=dict(self.env, UV_CACHE_DIR=str(cache)))

    def poetry_path(self):
        venv, cache = self.fresh("poetry-env")
        env = dict(self.env, VIRTUAL_ENV=str(venv), POETRY_VIRTUALENVS_CREATE="false",
                   POETRY_CACHE_DIR=str(cache), POETRY_NO_INTERACTION="1")
        return self.timed([self.poetry, "-m", "poetry", "sync", "--only", "main", "--compile", "--no-ansi"],
                          env=env, cwd=self.app)

    def pip_anchor(self):
        venv, _ = self.fresh("pip-env")
        return self.timed([str(venv / "bin/python"), "-m", "pip", "install", "--no-cache-dir", "--quiet",
                           "-r", str(self.requirements)], env=self.env)


def run():
    sides = Sides(work_folder("poetry-bench-"))
    times = {"uv": [], "poetry": [], "pip": []}
    for _ in range(ROUNDS):
        times["uv"].append(sides.uv_fast_path())
        times["poetry"].append(sides.poetry_path())
        times["pip"].append(sides.pip_anchor())
    uv, poetry_sync, pip = (statistics.median(times[side]) for side in ("uv", "poetry", "pip"))
    return [
        ("cold install of poetry.lock: uv from the export (fast path)", uv, pip, uv / pip, "s"),
        ("cold install of poetry.lock: poetry sync --only main (Poetry path)", poetry_sync, pip, poetry_sync / pip, "s"),
    ]


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    for row in run():
        print(f"{row[0]}: ours {row[1]:.2f} s, pip -r {row[2]:.2f} s, ratio {row[3]:.2f}")
