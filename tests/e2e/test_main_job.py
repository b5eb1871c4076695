"""The main job end to end, with real parts: the example app built with bin/compile in one
folder and run from another, migrated on a real PostgreSQL by `runtime release`, served by
`runtime start` (web and worker), and checked in a real browser (Debian's Chromium).

Each check is a function, and the negative tests show each one failing on a broken deploy.
"""

import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO, free_port, wait_for_http
from tests.e2e.postgres import PostgreSQL
from tests.runtime.helpers import RUNTIME, host_env, runtime

EXAMPLE = REPO / "examples" / "guestbook"
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
HASHED_CSS = re.compile(r"/static/admin/css/base\.[0-9a-f]{12}\.css$")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def postgres():
    server = PostgreSQL()
    yield server
    server.stop()


def build_and_move(builder, tmp_path, name, config=None):
    """bin/compile the example in a build folder, then move the slug elsewhere, as hosts do."""
    result = builder.compile(EXAMPLE, config=config)
    assert result.returncode == 0, result.log
    slug = tmp_path / name / "app"
    slug.parent.mkdir(parents=True)
    shutil.move(result.build_dir, slug)
    return slug


class Started:
    """`runtime start` serving a slug; stop() sends SIGTERM, as a platform or Ctrl-C would."""

    def __init__(self, slug, env):
        self.slug, self.port = slug, free_port()
        self.log = open(slug.parent / "start.log", "w+")
        self.process = subprocess.Popen([*RUNTIME, "start", "-d", str(slug), "-p", str(self.port)],
                                        env=host_env(**env), stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"

    def output(self):
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)
        return self.process.returncode


def processes_in(folder):
    """Pids of the processes whose working directory is `folder` (the app's processes)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and os.readlink(entry / "cwd") == str(folder):
                found.append(int(entry.name))
        except OSError:
            pass
    return found


# --- the checks ------------------------------------------------------------------------

def check_migrated_on_postgres(postgres):
    tables = postgres.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    assert "visits_visit" in tables and "auth_user" in tables, f"tables on PostgreSQL: {tables}"
    applied = postgres.query("SELECT count(*) FROM django_migrations WHERE app = 'visits'")
    assert applied == ["1"]


def check_worker_sees_the_page_write(started, postgres):
    status, body = wait_for_http(started.url + "/", process=started.process)
    assert status == 200, body
    visit = re.search(r"You are visit #(\d+)", body).group(1)
    deadline = time.monotonic() + 30
    while postgres.query(f"SELECT processed_by FROM visits_visit WHERE id = {visit}") != ["worker.1"]:
        assert time.monotonic() < deadline, f"the worker never saw visit #{visit}:\n{started.output()}"
        time.sleep(0.2)


def check_admin_in_browser(started, screenshot, username="admin", password="e2e-Password-1"):
    """The admin login page is styled by a hashed stylesheet; logging in shows the dashboard."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page()
            response = page.goto(started.url + "/admin/login/")
            assert response.status == 200, f"/admin/login/ answered {response.status}"
            header = page.eval_on_selector("#header", "e => getComputedStyle(e).backgroundColor")
            assert header == "rgb(65, 118, 144)", f"admin stylesheet not applied: #header is {header}"
            stylesheets = page.eval_on_selector_all("link[rel=stylesheet]", "links => links.map(l => l.href)")
            base_css = [href for href in stylesheets if "/admin/css/base" in href]
            assert base_css and HASHED_CSS.search(base_css[0]), f"stylesheet not hashed: {stylesheets}"
            page.fill("#id_username", username)
            page.fill("#id_password", password)
            page.click("input[type=submit]")
            page.wait_for_selector("#site-name")
            assert "Site administration" in page.content()
            page.screenshot(path=str(screenshot), full_page=True)
            return base_css[0]
        finally:
            browser.close()


def check_static_file_served_compressed(url):
    """WhiteNoise serves the hashed file compressed, cached for a year or more."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "br, gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        encoding = response.headers.get("Content-Encoding")
        cache_control = response.headers.get("Cache-Control", "")
    assert encoding in ("br", "gzip"), f"{url} served without compression (Content-Encoding: {encoding})"
    max_age = int(re.search(r"max-age=(\d+)", cache_control).group(1))
    assert max_age >= 365 * 24 * 3600 and "immutable" in cache_control, cache_control


def check_nothing_left(started):
    started.stop()
    left = processes_in(started.slug)
    assert not left, f"processes left after runtime start stopped: {left}"


# --- the main job ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def deployed(builder, tmp_path_factory, postgres):
    """The example built, moved, migrated on PostgreSQL, with a superuser, being served."""
    slug = build_and_move(builder, tmp_path_factory.mktemp("deploy"), "main")
    env = {"DATABASE_URL": postgres.url, "SECRET_KEY": "e2e-secret-key-" + "x" * 40}
    released = runtime("release", slug, env=host_env(**env), timeout=300)
    assert released.returncode == 0, released.stdout + released.stderr
    superuser = runtime("run", "-d", slug, "python", "manage.py", "createsuperuser", "--noinput",
                        env=host_env(**env, DJANGO_SUPERUSER_USERNAME="admin",
                                     DJANGO_SUPERUSER_PASSWORD="e2e-Password-1",
                                     DJANGO_SUPERUSER_EMAIL="admin@example.com"), timeout=300)
    assert superuser.returncode == 0, superuser.stdout + superuser.stderr
    started = Started(slug, env)
    yield started
    started.stop()


def test_release_migrates_postgresql(deployed, postgres):
    check_migrated_on_postgres(postgres)


def test_web_page_writes_a_row_the_worker_sees(deployed, postgres):
    check_worker_sees_the_page_write(deployed, postgres)


def test_admin_is_styled_by_a_hashed_compressed_stylesheet_and_login_works(deployed):
    ARTIFACTS.mkdir(exist_ok=True)
    stylesheet = check_admin_in_browser(deployed, ARTIFACTS / "admin-dashboard.png")
    check_static_file_served_compressed(stylesheet)
    assert (ARTIFACTS / "admin-dashboard.png").stat().st_size > 10_000


def test_sigterm_to_runtime_start_leaves_no_process_behind(deployed):
    check_nothing_left(deployed)
    assert "web.1 exited" in deployed.output() and "worker.1 exited" in deployed.output()


# --- each check fails on a broken deploy -------------------------------------------------

def test_checks_fail_when_collectstatic_was_disabled(builder, tmp_path):
    slug = build_and_move(builder, tmp_path, "no-static", config={"DISABLE_COLLECTSTATIC": "1"})
    assert runtime("release", slug, env=host_env(), timeout=300).returncode == 0  # SQLite
    started = Started(slug, {})
    try:
        wait_for_http(started.url + "/admin/login/", process=started.process)
        with pytest.raises(AssertionError, match="admin/login/ answered 500"):
            check_admin_in_browser(started, tmp_path / "unused.png")
    finally:
        started.stop()


def test_static_check_fails_when_the_compressed_files_are_missing(builder, tmp_path):
    slug = build_and_move(builder, tmp_path, "uncompressed")
    for compressed in list(slug.glob("staticfiles/**/*.br")) + list(slug.glob("staticfiles/**/*.gz")):
        compressed.unlink()
    assert runtime("release", slug, env=host_env(), timeout=300).returncode == 0  # SQLite, so that the worker runs
    started = Started(slug, {})
    try:
        wait_for_http(started.url + "/static/visits/site.css", process=started.process)
        manifest = (slug / "staticfiles/staticfiles.json").read_text()
        hashed = re.search(r'"admin/css/base.css": "([^"]+)"', manifest).group(1)
        with pytest.raises(AssertionError, match="served without compression"):
            check_static_file_served_compressed(f"{started.url}/static/{hashed}")
    finally:
        started.stop()


def test_migration_check_fails_when_release_did_not_run():
    empty = PostgreSQL()
    try:
        with pytest.raises(AssertionError, match="tables on PostgreSQL"):
            check_migrated_on_postgres(empty)
    finally:
        empty.stop()


def test_leftover_check_fails_when_a_process_survives(tmp_path):
    class Stopped:
        slug = tmp_path

        def stop(self):
            return 0

    survivor = subprocess.Popen(["sleep", "60"], cwd=tmp_path)
    try:
        with pytest.raises(AssertionError, match="processes left"):
            check_nothing_left(Stopped())
    finally:
        survivor.kill()
        survivor.wait()
