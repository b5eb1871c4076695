"""`runtime` as the local platform: for `start`, `run` and `release` it sets what the platform's
side of the contract sets (DOMAIN, DOMAIN_ALIASES, a DATABASE_URL outside the slug) when nothing
else does, and a slug finds the app folder it was built from, whose .env, env.py and data it uses."""

import json
import os
import re
import shutil
import sqlite3
import subprocess
import urllib.request

import pytest

from tests import apps
from tests.conftest import wait_for_http
from tests.e2e.test_main_job import EXAMPLE, Started
from tests.runtime.commands.test_build import runtime_build
from tests.runtime.helpers import PYTHON, clean_env, host_env, runtime

NOTICE = "runtime: DATABASE_URL: local SQLite at {}; set DATABASE_URL to use another database\n"
THIS_VISIT = re.compile(r'<p id="this-visit">You are visit #(\d+) of (\d+)\.</p>')
LOCAL_FILES = {".env": "SECRET_KEY=from-the-app-folder-" + "k" * 40 + "\n",
               "env.py": "import os\nos.environ.setdefault('GREETING', 'hello from env.py')\n"}
# ALLOWED_HOSTS as docs/contract.md writes it: from DOMAIN and DOMAIN_ALIASES, nothing else.
CONTRACT_HOSTS = """
DOMAIN = os.environ.get("DOMAIN", "")
DOMAIN_ALIASES = [d.strip() for d in os.environ.get("DOMAIN_ALIASES", "").split(",") if d.strip()]
ALLOWED_HOSTS = [host for host in [DOMAIN, *DOMAIN_ALIASES] if host]
"""


def built(result):
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def config_lines(result):
    assert result.returncode == 0, result.stderr
    return {line.split("=")[0]: line for line in result.stdout.splitlines()}


def slug_files(slug):
    """The local files in the slug's app part (its Python's packages may have modules named env)."""
    found = (path.relative_to(slug) for path in slug.rglob("*"))
    return sorted(str(path) for path in found if path.parts[0] != ".heroku" and (
        path.name in (".env", "env.py", ".runtime") or path.name.endswith(".sqlite3")))


def page(started):
    return wait_for_http(started.url + "/", timeout=60, process=started.process)


def visit(started):
    status, body = page(started)
    assert status == 200, body
    return THIS_VISIT.search(body).groups()


@pytest.fixture(scope="module")
def guestbook(tmp_path_factory):
    """The example, copied out of git, with the local files a developer keeps beside it and a
    database left by a `manage.py runserver` in the folder: then built."""
    app = tmp_path_factory.mktemp("local") / "guestbook"
    shutil.copytree(EXAMPLE, app, ignore=shutil.ignore_patterns(".runtime", "staticfiles", "__pycache__"))
    apps.write(app, LOCAL_FILES)
    with sqlite3.connect(app / "db.sqlite3") as db:
        db.execute("CREATE TABLE left_by_runserver (x)")
    built(runtime_build(app))
    return app


def test_the_database_survives_a_rebuild_and_the_slug_holds_no_local_file(guestbook):
    slug = guestbook / ".runtime" / "slug"
    notice = NOTICE.format(f"{guestbook}/.runtime/data/db.sqlite3")
    for expected in (("1", "1"), ("2", "2")):
        released = runtime("release", slug, env=host_env(), timeout=300)
        assert released.returncode == 0, released.stdout + released.stderr
        assert released.stderr.startswith(notice) and released.stderr.count(notice) == 1
        started = Started(slug, {})
        try:
            assert visit(started) == expected
        finally:
            assert started.stop() == 143, started.output()  # stopped by SIGTERM, as asked
        assert started.output().count(notice) == 1  # once for the command, not per process
        if expected == ("1", "1"):
            built(runtime_build(guestbook))

    assert (guestbook / ".runtime/data/db.sqlite3").is_file()
    assert slug_files(slug) == []
    assert json.loads((slug / ".runtime-app.json").read_text()) == {"app_folder": str(guestbook), "slug": str(slug)}


def test_a_slug_reads_env_and_env_py_from_its_app_folder_and_shows_the_defaults(guestbook, tmp_path):
    slug = guestbook / ".runtime" / "slug"

    lines = config_lines(runtime("config", "-d", slug, cwd=tmp_path))

    database = f"sqlite:///{guestbook}/.runtime/data/db.sqlite3"
    assert lines["DOMAIN"] == "DOMAIN=localhost".ljust(48) + " # local platform default"
    assert lines["DOMAIN_ALIASES"] == "DOMAIN_ALIASES='127.0.0.1,[::1]'".ljust(48) + " # local platform default"
    assert lines["DATABASE_URL"] == f"DATABASE_URL={database} # local platform default"
    assert lines["SECRET_KEY"] == "SECRET_KEY='****'".ljust(48) + f" # {guestbook}/.env:1"
    assert lines["GREETING"] == "GREETING='hello from env.py'".ljust(48) + f" # {guestbook}/env.py"


def test_a_database_url_that_is_set_is_kept_and_not_announced(guestbook, tmp_path):
    slug = guestbook / ".runtime" / "slug"
    elsewhere = f"sqlite:///{tmp_path}/elsewhere.sqlite3"
    env = host_env(DATABASE_URL=elsewhere)

    shown = config_lines(runtime("config", "-d", slug, env=env))
    released = runtime("release", slug, env=env, timeout=300)

    assert shown["DATABASE_URL"] == f"DATABASE_URL={elsewhere}".ljust(48) + " # environment"
    assert released.returncode == 0, released.stdout + released.stderr
    assert "DATABASE_URL" not in released.stderr
    with sqlite3.connect(tmp_path / "elsewhere.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM django_migrations WHERE app = 'visits'").fetchone() == (1,)


@pytest.fixture(scope="module")
def contract_app(tmp_path_factory):
    """A Django app whose ALLOWED_HOSTS follows the contract, without any .env: built."""
    app = apps.django_app(tmp_path_factory.mktemp("contract") / "app", extra_settings=CONTRACT_HOSTS)
    built(runtime_build(app))
    return app


def test_an_app_that_follows_the_contract_answers_under_runtime_start(contract_app):
    started = Started(contract_app / ".runtime" / "slug", {})
    try:
        status, body = page(started)
        foreign = urllib.request.Request(started.url + "/", headers={"Host": "elsewhere.example"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(foreign, timeout=10)
    finally:
        started.stop()
    assert (status, body) == (200, "Hello from mysite")
    assert refused.value.code == 400  # ALLOWED_HOSTS is in force: localhost and its addresses only
    assert NOTICE.format(f"{contract_app}/.runtime/data/db.sqlite3") in started.output()


def test_a_tracked_env_env_py_and_database_stay_out_of_the_slug(tmp_path):
    app = apps.django_app(tmp_path / "app", files={**LOCAL_FILES, "db.sqlite3": "", "mysite/db.sqlite3": "",
                                                   ".gitignore": "/.runtime/\n"})
    subprocess.run(["git", "init", "-q"], cwd=app, check=True)
    subprocess.run(["git", "add", "-A"], cwd=app, check=True)
    tracked = subprocess.run(["git", "ls-files"], cwd=app, capture_output=True, text=True).stdout.split()
    assert {".env", "env.py", "db.sqlite3", "mysite/db.sqlite3"} <= set(tracked)

    built(runtime_build(app, "--out", tmp_path / "slug", "--cache", tmp_path / "cache"))

    assert slug_files(tmp_path / "slug") == []
    assert (tmp_path / "slug" / "manage.py").is_file()


# Slugs made by hand (a .profile.d and a record), for what needs no build.

def hand_made_slug(app, app_folder):
    """A slug as `runtime build` leaves it, built from `app_folder`."""
    slug = app({"Procfile": "web: echo web\nrelease: echo released\n", ".profile.d/python.sh": ":\n",
                "manage.py": ""})
    record = {"app_folder": str(app_folder), "slug": os.path.realpath(slug)}
    (slug / ".runtime-app.json").write_text(json.dumps(record))
    return slug


def test_a_slug_whose_app_folder_is_gone_says_so_once_and_uses_its_own(app, tmp_path):
    slug = hand_made_slug(app, tmp_path / "moved-away")
    (slug / ".env").write_text("FROM=the slug's .env\n")

    result = runtime("release", cwd=slug)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "released\n"
    assert result.stderr.startswith(
        f"runtime: warning: . was built from {tmp_path}/moved-away, which is no longer there: its "
        ".env, env.py and .runtime/data are looked for in . instead; rebuild the slug from where "
        "the app is now (`runtime build APP_DIR --out .`) to use that folder's\n"
        + NOTICE.format(".runtime/data/db.sqlite3"))
    assert result.stderr.count("no longer there") == 1
    assert (slug / ".runtime/data").is_dir()
    assert config_lines(runtime("config", cwd=slug))["FROM"].endswith(" # .env:1")


def test_run_gets_the_defaults_without_a_notice_and_export_gets_none(app, tmp_path):
    folder = tmp_path / "shop"
    folder.mkdir()
    slug = hand_made_slug(app, folder)

    run = runtime("run", "-d", slug, PYTHON, "-c",
                  "import os; print(os.environ['DOMAIN'], os.environ['DATABASE_URL'])", env=clean_env())
    exported = runtime("export", "systemd", tmp_path / "units", "-d", slug, env=clean_env())

    assert (run.returncode, run.stdout, run.stderr) == (
        0, f"localhost sqlite:///{folder}/.runtime/data/db.sqlite3\n", "")
    assert (folder / ".runtime/data").is_dir()
    assert exported.returncode == 0, exported.stderr
    units = "".join(path.read_text() for path in (tmp_path / "units").iterdir())
    assert "DATABASE_URL" not in units and "DOMAIN" not in units


def test_a_copied_slug_stands_alone_as_a_host_s_slug_does(app, tmp_path):
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / ".env").write_text("FROM=the app folder\n")
    copy = tmp_path / "on-a-server"
    shutil.copytree(hand_made_slug(app, folder), copy)
    (copy / ".env").write_text("FROM=the server\n")

    result = runtime("config", "-d", copy, cwd=tmp_path)

    lines = config_lines(result)
    assert lines["FROM"] == "FROM='the server'".ljust(48) + f" # {copy}/.env:1"
    assert lines["DATABASE_URL"].startswith(f"DATABASE_URL=sqlite:///{copy}/.runtime/data/db.sqlite3 ")
    assert result.stderr == ""


def test_a_local_data_folder_that_cannot_be_made_is_an_error_with_the_fix(app):
    root = app({"Procfile": "release: echo never\n", "manage.py": "", ".runtime": "a file, not a folder\n"})

    result = runtime("release", cwd=root)

    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("runtime: error: cannot make .runtime/data for the local SQLite database "
                             "(Not a directory): let it be a folder you can write to, or set DATABASE_URL "
                             "to use another database\n")
