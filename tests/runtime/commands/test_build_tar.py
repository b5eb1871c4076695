"""`runtime build --tar FILE`: the slug as Heroku's slug archive (a gzipped tar of ./app), with
a checksum file `sha256sum -c` checks."""

import hashlib
import os
import shutil
import signal
import subprocess
import tarfile

import pytest

from tests import apps
from tests.conftest import free_port, require, wait_for_http
from tests.runtime.helpers import Running, host_env, runtime


def runtime_build(*args, cwd=None):
    return runtime("build", *args, cwd=cwd, env=host_env(), timeout=600)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A Django app (with a link inside it) built once with --tar slug.tgz, run from the app's
    folder as a CI job runs it."""
    root = tmp_path_factory.mktemp("tar")
    app = apps.django_app(root / "app", files={"docs/readme.txt": "read me\n"})
    os.symlink("docs/readme.txt", app / "README")
    result = runtime_build(".", "--out", root / "slug", "--cache", root / "cache", "--tar", "slug.tgz", cwd=app)
    assert result.returncode == 0, result.stdout + result.stderr
    result.app, result.root = app, root
    return result


def test_the_archive_and_its_checksum_are_written_and_named_in_the_log(built):
    tar, checksum = built.app / "slug.tgz", built.app / "slug.tgz.sha256"
    digest = hashlib.sha256(tar.read_bytes()).hexdigest()
    assert checksum.read_text() == f"{digest}  slug.tgz\n"
    assert (f"-----> Slug archive written to {tar} (./app, as Heroku's slugs), its sha256 in {checksum}\n"
            f"       Checksum for Heroku's slug create: SHA256:{digest}\n") in built.stdout
    require(shutil.which("sha256sum"), "checking the checksum file needs sha256sum")
    checked = subprocess.run(["sha256sum", "-c", checksum.name], cwd=built.app, capture_output=True, text=True)
    assert (checked.returncode, checked.stdout) == (0, "slug.tgz: OK\n")


def test_every_path_in_the_archive_starts_with_dot_app(built):
    require(shutil.which("tar"), "listing the archive needs tar")
    listed = subprocess.run(["tar", "-tzf", built.app / "slug.tgz"], capture_output=True, text=True, check=True)
    names = listed.stdout.splitlines()
    assert names[0] == "./app/"
    assert all(name.startswith("./app/") for name in names), [n for n in names if not n.startswith("./app/")]
    assert {"./app/Procfile", "./app/manage.py", "./app/.heroku/python/bin/gunicorn"} <= set(names)
    # The archive is the slug: not the earlier archive, the slug folder or the cache beside the app.
    assert not [name for name in names if "slug.tgz" in name or name.startswith("./app/.runtime")]


def test_links_are_stored_as_links_and_owners_as_numbers(built):
    with tarfile.open(built.app / "slug.tgz") as archive:
        link = archive.getmember("./app/README")
        members = archive.getmembers()
    assert (link.issym(), link.linkname) == (True, "docs/readme.txt")
    assert {(member.uid, member.gid, member.uname, member.gname) for member in members} == {(0, 0, "", "")}


def test_the_extracted_archive_runs_its_web_process(built, tmp_path):
    require(shutil.which("tar"), "extracting the archive needs tar")
    subprocess.run(["tar", "-xzf", built.app / "slug.tgz", "-C", tmp_path], check=True)
    port = free_port()
    web = Running.runtime("start", "-p", str(port), "web", cwd=tmp_path / "app")
    try:
        status, body = wait_for_http(f"http://127.0.0.1:{port}/", timeout=60, process=web.popen)
    finally:
        web.send(signal.SIGTERM)
        web.finish()
    assert (status, body) == (200, "Hello from mysite"), web.stdout + web.stderr


@pytest.mark.parametrize("case", ["a folder", "inside out"])
def test_a_tar_that_cannot_be_written_is_refused_before_the_build(built, tmp_path, case):
    (tmp_path / "a-folder").mkdir()
    tar = {"a folder": tmp_path / "a-folder", "inside out": tmp_path / "slug" / "slug.tgz"}[case]
    result = runtime_build(built.app, "--out", tmp_path / "slug", "--cache", tmp_path / "cache", "--tar", tar)
    error = {"a folder": f"--tar {tar} is a folder: give the name of the archive file to write, such as slug.tgz",
             "inside out": f"--tar {tar} is inside --out {tmp_path / 'slug'}, which the new slug replaces: "
                           "give a file outside the slug"}[case]
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith(f"runtime: error: {error}"), result.stderr
    assert not (tmp_path / "cache").exists()


def test_a_disk_too_small_for_the_archive_is_an_error_and_leaves_out_as_it_was(built, small_volume, tmp_path):
    volume = small_volume(tmp_path / "small", 4)
    out = tmp_path / "slug"
    result = runtime_build(built.app, "--out", out, "--cache", built.root / "cache", "--tar", volume / "slug.tgz")
    assert result.returncode == 1
    assert result.stderr == (f"runtime: error: --tar {volume / 'slug.tgz'} could not be written (No space left on "
                             "device), and the slug was not put in --out either: free some space or give a "
                             "folder you can write to\n")
    assert os.listdir(volume) == [] and not out.exists()


def test_a_failed_build_writes_no_archive(tmp_path):
    broken = apps.django_app(tmp_path / "broken", requirements="djangoo-rest-framewrok\n")
    result = runtime_build(broken, "--out", tmp_path / "slug", "--cache", tmp_path / "cache",
                           "--tar", tmp_path / "slug.tgz")
    assert result.returncode == 1
    assert not (tmp_path / "slug.tgz").exists() and not (tmp_path / "slug.tgz.sha256").exists()
    assert "Slug archive" not in result.stdout


def test_a_cache_moved_to_another_folder_is_reused(built):
    """As a CI cache step restores CACHE_DIR wherever the job's workspace is."""
    moved = built.root / "restored-elsewhere" / "cache"
    moved.parent.mkdir()
    (built.root / "cache").rename(moved)
    try:
        result = runtime_build(built.app, "--out", built.root / "slug", "--cache", moved,
                               "--tar", built.root / "again.tgz")
    finally:  # the module's other tests build with it where it was
        moved.rename(built.root / "cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "-----> Restoring cache\n       Using cached install of Python 3.12." in result.stdout
    assert "-----> Dependencies unchanged since the last build: nothing to install (requirements.txt)" in result.stdout
    assert "-----> Reusing the static files of the last build: nothing collectstatic reads has changed" in result.stdout
    assert "Discarding cache" not in result.stdout and "Installing Python" not in result.stdout
    assert (built.root / "again.tgz.sha256").read_text().endswith("  again.tgz\n")
