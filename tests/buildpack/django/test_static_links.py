"""collectstatic never collects a file of the build machine through a symbolic link: a static
file or folder linked outside the app, or one a pre_compile hook links there, fails the build
before anything is collected, and the static files cache stays clean."""

import pytest

from tests import apps
from tests.buildpack.test_files import SECRET, TITLE, assert_secret_nowhere
from tests.conftest import errors

STATIC_DIRS = 'STATICFILES_DIRS = [BASE_DIR / "mysite" / "static"]\n'


@pytest.fixture(scope="module")
def host_files(host_folder):
    (host_folder / "passwd").write_text(f"root:x:0:0:{SECRET}:/root:/bin/sh\n")
    (host_folder / "etc").mkdir()
    (host_folder / "etc/shadow").write_text(f"root:{SECRET}:19000::::::\n")
    return host_folder


def static_app(tmp_path, files=None):
    app = apps.django_app(tmp_path / "app", extra_settings=STATIC_DIRS, files={
        "mysite/static/site.css": "body {}\n", **(files or {})})
    return app


@pytest.mark.parametrize("name,target", [("passwd.txt", "passwd"), ("etc", "etc")])
def test_a_static_file_or_folder_linked_outside_the_app_is_refused(builder, host_files, tmp_path, name, target):
    app = static_app(tmp_path)
    (app / "mysite/static" / name).symlink_to(host_files / target)
    cache = f"static-{name}"
    result = builder.compile(app, cache=cache)

    assert result.returncode == 1, result.log
    assert errors(result)[0] == TITLE.format(link=f"mysite/static/{name}", target=host_files / target), result.log
    assert "collectstatic" not in result.stdout
    assert_secret_nowhere(result.build_dir, builder.cache_dir(cache))


def test_a_static_link_made_by_the_pre_compile_hook_is_refused_before_collecting(builder, host_files, tmp_path):
    app = static_app(tmp_path, files={
        "bin/pre_compile": f"#!/bin/sh\nln -s {host_files}/passwd mysite/static/passwd.txt\n"})
    result = builder.compile(app, cache="pre-compile")

    assert result.returncode == 1, result.log
    assert errors(result)[0] == TITLE.format(link="mysite/static/passwd.txt", target=host_files / "passwd"), result.log
    assert "collectstatic" not in result.stdout
    assert_secret_nowhere(result.build_dir, builder.cache_dir("pre-compile"))


def test_a_link_added_after_a_clean_build_is_refused_and_the_cache_stays_clean(builder, host_files, tmp_path):
    app = static_app(tmp_path)
    first = builder.compile(app, cache="rebuild")
    assert first.returncode == 0, first.log
    (app / "mysite/static/passwd.txt").symlink_to(host_files / "passwd")
    second = builder.compile(app, cache="rebuild")

    assert second.returncode == 1, second.log
    assert errors(second)[0] == TITLE.format(link="mysite/static/passwd.txt", target=host_files / "passwd")
    assert_secret_nowhere(second.build_dir, builder.cache_dir("rebuild"))
