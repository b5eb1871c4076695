"""What the image tests share: the example with things that must never reach an image, built
once per module, imaged (tagged with the module's TAG), loaded into podman, and a PostgreSQL.

The tests share one cache of made bases (XDG_CACHE_HOME for `runtime image`), so only the first
test session on a machine pays for mmdebstrap. podman runs with `--runtime runc` (crun fails on
these machines' cgroup set-up) and explicit ulimits (its defaults fail with a setrlimit error).
"""

import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, require
from tests.e2e.postgres import PostgreSQL
from tests.runtime.helpers import host_env, runtime

PODMAN = ["podman", "--runtime", "runc"]
ULIMITS = ["--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096"]
SECRET = "s3cr3t-from-dot-env-" + "q" * 20


@pytest.fixture(scope="session")
def image_cache():
    folder = Path(tempfile.gettempdir()) / "runtime-tests-image-cache"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def image_env(image_cache):
    return host_env(XDG_CACHE_HOME=str(image_cache))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The example with what must never reach an image: a secret in .env, env.py, a SQLite file,
    .git, and a file .slugignore names."""
    folder = tmp_path_factory.mktemp("image") / "guestbook"
    shutil.copytree(REPO / "examples" / "guestbook", folder, ignore=shutil.ignore_patterns(".runtime"))
    (folder / ".env").write_text(f"SECRET_KEY={SECRET}\n")
    (folder / "env.py").write_text(f"import os\nos.environ.setdefault('OTHER', '{SECRET}')\n")
    with sqlite3.connect(folder / "db.sqlite3") as database:
        database.execute("CREATE TABLE notes (text)")
    (folder / ".git").mkdir()
    (folder / ".git" / "config").write_text(f"[credential]\n\ttoken = {SECRET}\n")
    (folder / ".slugignore").write_text("/notes-for-the-team.txt\n")
    (folder / "notes-for-the-team.txt").write_text(f"not for the slug {SECRET}\n")
    return folder


@pytest.fixture(scope="module")
def slug(app, image_env):
    built = runtime("build", app, env=image_env, timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    return app / ".runtime" / "slug"


@pytest.fixture(scope="module")
def image(slug, image_env, tmp_path_factory, request):
    """(the image layout, its archive, the run's output), tagged with the module's TAG."""
    folder = tmp_path_factory.mktemp("out")
    made = runtime("image", slug, "--out", folder / "layout", "--tag", request.module.TAG, "--archive",
                   folder / "guestbook.tar", env=image_env, timeout=600)
    assert made.returncode == 0, made.stdout + made.stderr
    return folder / "layout", folder / "guestbook.tar", made.stdout


@pytest.fixture(scope="module")
def podman_image(image, request):
    """The image loaded into podman's storage (by its archive, as `podman load` reads it)."""
    require(shutil.which("podman"), "podman is not installed (scripts/test installs Debian's podman)")
    _, archive, _ = image
    name = f"localhost/{request.module.TAG}"
    loaded = subprocess.run([*PODMAN, "load", "-i", str(archive)], capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    assert f"Loaded image: {name}" in loaded.stdout, loaded.stdout
    yield name
    subprocess.run([*PODMAN, "rmi", "-f", name], capture_output=True)


@pytest.fixture(scope="module")
def postgres():
    server = PostgreSQL()
    yield server
    server.stop()


def processed_by(postgres, visit, why_not):
    """Who the worker said processed the visit, waiting up to a minute for it to; `why_not()` is
    what a failure shows."""
    deadline = time.monotonic() + 60
    while not (who := postgres.query(f"SELECT processed_by FROM visits_visit WHERE id = {visit}"))[0]:
        assert time.monotonic() < deadline, f"the worker never processed visit #{visit}:\n{why_not()}"
        time.sleep(0.2)
    return who[0]
