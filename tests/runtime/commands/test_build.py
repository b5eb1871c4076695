"""`runtime build`: the buildpack run locally exactly as a host runs it."""

import os
import re
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from tests import apps
from tests.runtime.helpers import RUNTIME, host_env, runtime


def runtime_build(*args, env=None, cwd=None):
    return runtime("build", *args, cwd=cwd, env=host_env(**(env or {})), timeout=600)


def mode(path):
    return oct(stat.S_IMODE(path.stat().st_mode))


def private_folders(tmp):
    return list(tmp.glob("runtime-build_*"))


def start_runtime_build(*args, log, env=None):
    """A `runtime build` in the background, in its own process group (to SIGKILL it whole),
    its output in the file `log` (a pipe nobody reads would stop it once full)."""
    with open(log, "w") as output:
        return subprocess.Popen([*RUNTIME, "build", *map(str, args)], env=host_env(**(env or {})),
                                stdout=output, stderr=subprocess.STDOUT, start_new_session=True)


def wait_for(path, process, log):
    deadline = time.monotonic() + 300
    while not path.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert path.exists(), log.read_text()


@pytest.fixture(scope="module")
def git_app(tmp_path_factory):
    """A Django app in a git checkout, with local files that must not reach the slug."""
    root = tmp_path_factory.mktemp("checkout") / "app"
    apps.django_app(root, files={
        ".gitignore": ".env\n.venv/\nlocal-notes.txt\n",
        ".env": "SECRET_KEY=from-a-local-dotenv\n",
        "local-notes.txt": "not for the platform\n",
        ".venv/pyvenv.cfg": "home = /usr/bin\n",
        "bin/post_compile": "#!/bin/sh\necho \"$GREETING/$NOT_A_CONFIG_VAR\" > post_compile.out\n",
    })
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


def test_builds_like_a_host_and_reports_process_types_and_step_times(git_app, tmp_path):
    env_file = tmp_path / "config.env"
    env_file.write_text("GREETING=hello\nAPI_TOKEN=tok-123456789\n")
    out, cache = tmp_path / "slug", tmp_path / "cache"
    result = runtime_build(git_app, "--out", out, "--cache", cache, "--env-file", env_file,
                           "--env", "GREETING=hi from --env", env={"NOT_A_CONFIG_VAR": "leaked"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("-----> Django app detected\n")
    assert ("-----> Discovering process types\n"
            "       Default types for buildpack -> web\n") in result.stdout
    assert re.search(r"-----> Build steps: detect \d+\.\d s, compile \d+\.\d s, release \d+\.\d s\n", result.stdout)
    assert f"-----> Slug ready in {out}\n" in result.stdout
    # Config vars reach the build (--env beats --env-file); the caller's environment does not.
    assert (out / "post_compile.out").read_text() == "hi from --env/\n"
    assert "tok-123456789" not in result.stdout + result.stderr
    # The slug: what git would push, the slug's Python, a Procfile from the default web process.
    assert not (out / ".env").exists() and not (out / ".venv").exists() and not (out / "local-notes.txt").exists()
    assert (out / ".heroku/python/bin/gunicorn").exists()
    assert (out / "Procfile").read_text() == "web: gunicorn mysite.wsgi --bind 0.0.0.0:$PORT\n"
    assert "default_process_types" in (out / ".release").read_text()
    assert list(cache.iterdir())  # the cache is kept for the next build


def test_a_failed_build_leaves_the_previous_slug_as_it_was(git_app, tmp_path):
    out, cache = tmp_path / "slug", tmp_path / "cache"
    assert runtime_build(git_app, "--out", out, "--cache", cache).returncode == 0
    broken = tmp_path / "broken"
    apps.django_app(broken, requirements="djangoo-rest-framewrok\n")
    result = runtime_build(broken, "--out", out, "--cache", cache, env={"TMPDIR": str(tmp_path)})
    assert result.returncode == 1
    assert f"-----> Build failed (exit status 1); {out} was left as it was." in result.stdout
    assert (out / "Procfile").exists() and (out / ".heroku/python/bin/gunicorn").exists()
    assert not private_folders(tmp_path)


def test_a_folder_that_is_not_a_python_app_is_not_compatible(tmp_path):
    apps.write(tmp_path / "site", {"index.html": "<h1>hi</h1>"})
    result = runtime_build(tmp_path / "site", "--out", tmp_path / "slug", "--cache", tmp_path / "cache")
    assert result.returncode == 1
    assert result.stdout.startswith("-----> App not compatible with buildpack\n")
    assert "No Python project found: looked for requirements.txt" in result.stderr
    assert not (tmp_path / "slug").exists()


def test_out_that_is_not_an_earlier_slug_is_never_replaced(git_app, tmp_path):
    precious = tmp_path / "precious"
    apps.write(precious, {"thesis.txt": "years of work\n"})
    result = runtime_build(git_app, "--out", precious, "--cache", tmp_path / "cache")
    assert result.returncode == 1
    assert f"runtime: error: --out {precious} is a folder that is not a slug built by `runtime build`" in result.stderr
    assert (precious / "thesis.txt").read_text() == "years of work\n"


@pytest.mark.parametrize("case", ["out is a file", "cache is a file", "out in a folder no one may create",
                                  "out is the app", "out contains the app", "cache in out"])
def test_out_and_cache_that_cannot_be_used_are_refused_before_the_build(git_app, tmp_path, case):
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    an_earlier_slug = apps.django_app(tmp_path / "earlier-slug", files={".release": "---\n"})
    # /sys refuses new folders even to root, which may write anywhere else.
    out, cache = {
        "out is a file": (a_file, tmp_path / "cache"),
        "cache is a file": (tmp_path / "slug", a_file),
        "out in a folder no one may create": (Path("/sys/runtime-test/slug"), tmp_path / "cache"),
        "out is the app": (an_earlier_slug, tmp_path / "cache"),
        "out contains the app": (git_app.parent, tmp_path / "cache"),
        "cache in out": (tmp_path / "slug", tmp_path / "slug" / "cache"),
    }[case]
    error = {
        "out is a file": f"--out {out} is a file, not a folder: give a new or empty folder, or the folder "
                         "of an earlier slug",
        "cache is a file": f"--cache {cache} is a file, not a folder: give the folder of an earlier cache, "
                           "or a new one",
        "out in a folder no one may create": f"--out {out}: cannot write to {out.parent} (",
        "out is the app": f"--out {out} is the app or a folder around it, which the new slug would replace: "
                          "give a folder outside the app, or leave --out out to use APP_DIR/.runtime/slug",
        "out contains the app": f"--out {out} is the app or a folder around it, which the new slug would "
                                "replace: give a folder outside the app, or leave --out out to use "
                                "APP_DIR/.runtime/slug",
        "cache in out": f"--cache {cache} is inside --out {out}, which the new slug replaces: give a cache "
                        "folder outside the slug",
    }[case]
    app = an_earlier_slug if case == "out is the app" else git_app
    result = runtime_build(app, "--out", out, "--cache", cache)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith(f"runtime: error: {error}"), result.stderr
    assert result.stderr.count("\n") == 1
    assert (app / "manage.py").exists() and a_file.read_text() == "" and not cache.is_dir()


def test_rebuilds_with_the_default_out_never_copy_the_slug_or_cache_into_the_slug(tmp_path):
    app = apps.django_app(tmp_path / "app")  # no .gitignore for .runtime/
    subprocess.run(["git", "init", "-q"], cwd=app, check=True)
    for _ in range(2):
        result = runtime_build(app)
        assert result.returncode == 0, result.stdout + result.stderr
    slug = app / ".runtime" / "slug"
    assert not (slug / ".runtime").exists()
    assert (slug / ".heroku/python").is_dir()


def test_an_app_in_a_folder_of_a_larger_repository_keeps_its_gitignore(tmp_path):
    repository = tmp_path / "monorepo"
    app = apps.django_app(repository / "services" / "web", files={
        ".gitignore": ".env\n.venv/\ndb.sqlite3\n", ".env": "SECRET_KEY=local\n",
        ".venv/pyvenv.cfg": "home = /usr/bin\n", "db.sqlite3": "local data"})
    subprocess.run(["git", "init", "-q"], cwd=repository, check=True)
    result = runtime_build(app, "--out", tmp_path / "slug", "--cache", tmp_path / "cache")
    assert result.returncode == 0, result.stdout + result.stderr
    slug = tmp_path / "slug"
    assert (slug / "manage.py").exists()
    assert not (slug / ".env").exists() and not (slug / ".venv").exists() and not (slug / "db.sqlite3").exists()


@pytest.fixture(scope="module")
def waiting_app(tmp_path_factory):
    """A Django app whose build, once compile has started, waits until the file $GO exists."""
    root = tmp_path_factory.mktemp("waiting") / "app"
    return apps.django_app(root, files={
        "bin/pre_compile": '#!/bin/sh\ntouch "$STARTED"\nwhile [ ! -e "$GO" ]; do sleep 0.05; done\n'})


def test_a_killed_build_leaves_its_secrets_private_and_the_next_build_removes_them(waiting_app, tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    secret = "s3cr3t-of-the-killed-build"
    killed = start_runtime_build(
        waiting_app, "--out", tmp_path / "slug", "--cache", tmp_path / "cache", "--env", f"SECRET_KEY={secret}",
        "--env", f"STARTED={tmp_path / 'killed-started'}", "--env", f"GO={tmp_path / 'never'}",
        log=tmp_path / "killed.log", env={"TMPDIR": str(tmp)})
    wait_for(tmp_path / "killed-started", killed, tmp_path / "killed.log")
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    # What the killed build left: its secret readable by its user alone, in one private folder.
    holding_secret = [path for path in tmp.rglob("*") if path.is_file() and secret.encode() in path.read_bytes()]
    assert [(path.name, mode(path)) for path in holding_secret] == [("SECRET_KEY", "0o600")]
    [left] = private_folders(tmp)
    assert left in holding_secret[0].parents and mode(left) == "0o700"

    # A build that is running (held in its pre_compile hook) while the next build starts.
    running = start_runtime_build(
        waiting_app, "--out", tmp_path / "running-slug", "--cache", tmp_path / "running-cache",
        "--env", f"STARTED={tmp_path / 'running-started'}", "--env", f"GO={tmp_path / 'go'}",
        log=tmp_path / "running.log", env={"TMPDIR": str(tmp)})
    try:
        wait_for(tmp_path / "running-started", running, tmp_path / "running.log")
        [running_folder] = [path for path in private_folders(tmp) if path != left]
        (tmp_path / "go-now").touch()
        after = runtime_build(waiting_app, "--out", tmp_path / "slug", "--cache", tmp_path / "cache",
                              "--env", f"STARTED={tmp_path / 'after-started'}",
                              "--env", f"GO={tmp_path / 'go-now'}", env={"TMPDIR": str(tmp)})
        assert after.returncode == 0, after.stdout + after.stderr
        # The killed build's folder is gone; the running build's is not, and that build goes on.
        assert private_folders(tmp) == [running_folder]
    finally:
        (tmp_path / "go").touch()
        # The killed build's hook runs in a session of its own (for its time limit), which
        # the SIGKILL of the build's group does not reach: let it end.
        (tmp_path / "never").touch()
    assert running.wait(timeout=600) == 0, (tmp_path / "running.log").read_text()
    assert private_folders(tmp) == []


def test_concurrent_builds_to_one_out_leave_one_complete_slug(git_app, tmp_path):
    builds_dir = tmp_path / "builds"
    out, cache = builds_dir / "slug", builds_dir / "cache"
    logs = [tmp_path / f"build-{number}.log" for number in range(3)]
    builds = [start_runtime_build(git_app, "--out", out, "--cache", cache, log=log) for log in logs]
    assert [build.wait(timeout=600) for build in builds] == [0, 0, 0], [log.read_text() for log in logs]
    # One slug, not nested in another, complete, and nothing left beside it.
    assert [path.relative_to(out) for path in out.rglob(".release")] == [Path(".release")]
    assert (out / "manage.py").is_file() and (out / ".heroku/python/bin/gunicorn").exists()
    assert sorted(builds_dir.iterdir()) == [cache, out]


def test_a_default_web_goes_first_in_the_slugs_procfile_so_it_gets_the_base_port(tmp_path):
    app = apps.django_app(tmp_path / "app", files={"Procfile": "worker: python manage.py check\n"})
    out = tmp_path / "slug"
    result = runtime_build(app, "--out", out, "--cache", tmp_path / "cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert ("       Procfile declares types -> worker\n"
            "       Default types for buildpack -> web\n") in result.stdout
    assert (out / "Procfile").read_text() == (
        "# Added by the buildpack's default_process_types:\n"
        "web: gunicorn mysite.wsgi --bind 0.0.0.0:$PORT\n"
        "\n"
        "worker: python manage.py check\n")
    config = runtime("config", "web", "-d", str(out), "-p", "8000", env=host_env())
    assert config.returncode == 0, config.stderr
    assert re.search(r"^PORT=8000 +# runtime \(web\.1\)$", config.stdout, re.M), config.stdout
