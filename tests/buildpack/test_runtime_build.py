"""`runtime build`: the buildpack run locally exactly as a host runs it."""

import os
import re
import subprocess

import pytest

from tests import apps
from tests.conftest import RUNTIME


def runtime_build(*args, env=None, cwd=None):
    return subprocess.run([RUNTIME, "build", *map(str, args)], capture_output=True, text=True, timeout=600,
                          cwd=cwd, env={**os.environ, **(env or {})})


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
    assert not [path for path in tmp_path.iterdir() if path.name.startswith("build_")]


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
