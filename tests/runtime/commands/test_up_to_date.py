"""`runtime build` of an app whose slug is up to date ends at once and leaves the slug as it is;
any change to what a build reads (the app's files, a config var, the cache, the slug itself)
builds again, as does --rebuild."""

import shutil

import pytest

from tests import apps
from tests.e2e.test_main_job import Started
from tests.runtime.commands.test_build import runtime_build
from tests.runtime.commands.test_local_platform import page

UP_TO_DATE = ("-----> Slug up to date: nothing the build reads has changed since it was built\n"
              "       (the app's files, the config vars, the cache, the Pythons and the buildpack); "
              "--rebuild builds it again\n"
              "-----> Slug ready in {}\n")


def build(app, *args):
    result = runtime_build(app, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def was_built(stdout):
    return "-----> Restoring cache" in stdout and "Slug up to date" not in stdout


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("up-to-date") / "app"
    apps.django_app(root, files={"Procfile": "web: gunicorn mysite.wsgi\n"})
    build(root)
    return root


def test_an_unchanged_app_is_not_built_again_even_after_its_slug_ran(app):
    slug = app / ".runtime" / "slug"
    started = Started(slug, {})  # running writes bytecode and gunicorn's control socket in the slug
    try:
        status, body = page(started)
        assert status == 200, body
    finally:
        started.stop()
    manage_py = (slug / "manage.py").stat()

    assert build(app) == UP_TO_DATE.format(slug)
    assert (slug / "manage.py").stat().st_ino == manage_py.st_ino  # the same slug, not a copy


def test_each_change_to_what_the_build_reads_builds_again_and_then_the_slug_is_current(app):
    slug = app / ".runtime" / "slug"
    cache = app / ".runtime" / "cache"

    def edit_app():
        with open(app / "mysite" / "urls.py", "a") as file:
            file.write("# changed\n")

    def edit_slug():
        (slug / "Procfile").write_text("web: gunicorn mysite.wsgi --workers 1\n")

    def clear_static_cache():
        shutil.rmtree(cache / "static")

    changes = [("an app file", edit_app, []), ("a config var", None, ["--env", "GREETING=hello"]),
               ("the slug", edit_slug, ["--env", "GREETING=hello"]),
               ("the cache", clear_static_cache, ["--env", "GREETING=hello"]),
               ("--rebuild", None, ["--env", "GREETING=hello", "--rebuild"])]
    for what, change, args in changes:
        if change:
            change()
        assert was_built(build(app, *args)), f"not built again after a change to {what}"
        assert build(app, *[arg for arg in args if arg != "--rebuild"]) == UP_TO_DATE.format(slug), what
    assert (slug / "Procfile").read_text() == "web: gunicorn mysite.wsgi\n"  # the slug edit is undone


def test_a_new_file_in_the_app_builds_again(app):
    (app / "notes.txt").write_text("a new file\n")
    assert was_built(build(app))
    assert (app / ".runtime" / "slug" / "notes.txt").read_text() == "a new file\n"
