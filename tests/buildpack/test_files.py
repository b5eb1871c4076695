"""Symbolic links: one that leads outside the app is refused before the build reads anything,
whichever file it stands for, and so is one a hook leaves in the slug; links that stay inside
the app keep working, in bin/compile and in `runtime build`."""

import os
import re
import subprocess

import pytest

from tests import apps
from tests.conftest import errors
from tests.runtime.commands.test_build import runtime_build

SECRET = "host-only-secret-4f1c9"  # in the build machine's files, never in a slug or a cache
TITLE = "Error: The symbolic link {link} leads outside the app, to {target}."


def assert_secret_nowhere(*folders):
    """No regular file under the folders (links not followed) holds the host's secret."""
    for folder in folders:
        for root, _, names in os.walk(folder):
            for name in names:
                path = os.path.join(root, name)
                if not os.path.islink(path):
                    with open(path, "rb") as file:
                        assert SECRET.encode() not in file.read(), path


def commented(text):
    """`text` with a comment line that holds the secret."""
    return f"{text}\n# {SECRET}\n"


def link_outside(host, app, name, text):
    """Put `text` on the host, and app/name as an (absolute) link to it."""
    target = host / name.replace("/", "_")
    target.write_text(text)
    path = app / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    path.symlink_to(target)
    return target


# Every file the build reads from the app, each with content that would build.
READ_FILES = {
    "requirements.txt": commented(apps.REQUIREMENTS),
    "requirements/base.txt": commented(apps.REQUIREMENTS),  # included with -r
    "requirements/constraints.txt": commented("django>=4"),  # included with -c
    ".python-version": commented("3.12"),
    "runtime.txt": commented("python-3.12"),
    "Procfile": commented("web: gunicorn mysite.wsgi"),
    "app.json": f'{{"name": "{SECRET}"}}\n',
    "bin/pre_compile": commented("#!/bin/sh\ntrue"),
    "bin/post_compile": commented("#!/bin/sh\ntrue"),
    "manage.py": commented(apps.MANAGE_PY.format(project="mysite")),
    "mysite/settings.py": commented(apps.SETTINGS_PY.format(project="mysite")),
    "mysite/wsgi.py": commented(apps.WSGI_PY.format(project="mysite")),
}


@pytest.mark.parametrize("name", READ_FILES)
def test_a_file_the_build_reads_linked_outside_the_app_is_refused(builder, host_folder, tmp_path, name):
    app = apps.django_app(tmp_path / "app", files={
        "requirements.txt": "-r requirements/base.txt\n-c requirements/constraints.txt\n",
        "requirements/base.txt": apps.REQUIREMENTS, "requirements/constraints.txt": "django>=4\n"})
    if name == "runtime.txt":
        (app / ".python-version").unlink()
    target = link_outside(host_folder, app, name, READ_FILES[name])
    cache = f"read-{name.replace('/', '_')}"
    result = builder.compile(app, cache=cache)

    assert result.returncode == 1, result.log
    assert errors(result)[0] == TITLE.format(link=name, target=target), result.log
    assert "Installing dependencies" not in result.stdout and "Running bin/" not in result.stdout
    assert_secret_nowhere(result.build_dir, builder.cache_dir(cache))


MANIFESTS = {
    "pyproject.toml": commented(apps.pyproject(["django", "gunicorn", "whitenoise"])),
    "Pipfile.lock": f'{{"_meta": {{"note": "{SECRET}"}}, "default": {{}}}}\n',
    "requirements.in": commented("django"),
}


@pytest.mark.parametrize("name", MANIFESTS)
def test_a_manifest_linked_outside_the_app_is_refused(builder, host_folder, tmp_path, name):
    app = apps.django_app(tmp_path / "app", requirements=None)
    target = link_outside(host_folder, app, name, MANIFESTS[name])
    result = builder.compile(app, cache="manifests")

    assert result.returncode == 1, result.log
    assert errors(result)[0] == TITLE.format(link=name, target=target), result.log
    assert "Installing dependencies" not in result.stdout
    assert_secret_nowhere(result.build_dir, builder.cache_dir("manifests"))


def test_the_error_says_how_to_fix_it_and_names_every_outside_link(builder, host_folder, tmp_path):
    app = apps.django_app(tmp_path / "app")
    (app / "data").symlink_to(host_folder)  # a folder
    (app / "notes.txt").symlink_to("../../outside.txt")  # relative, dangling
    result = builder.compile(app, cache="fix")

    assert result.returncode == 1, result.log
    assert errors(result) == [
        f"Error: The symbolic link data leads outside the app, to {host_folder}.",
        "",
        "The build never follows a link out of the app: what it leads to is the build machine's,",
        "not the app's. Read or collected as the app's own (static files are served to anyone),",
        "it would end up in the slug, and it is not there where the slug runs. Replace the link",
        "by what it leads to, or make it a relative link to a file inside the app:",
        f"  $ rm data && cp -R {host_folder} data",
        "Other links that lead outside the app:",
        f"  notes.txt -> {os.path.realpath(result.build_dir / 'notes.txt')}",
    ], result.log


def test_links_that_stay_inside_the_app_keep_working(builder, tmp_path):
    app = apps.django_app(tmp_path / "app", python_version=None, requirements=None, files={
        "config/python-version": "3.12\n",
        "config/requirements.txt": apps.REQUIREMENTS,
        "config/Procfile": "web: gunicorn mysite.wsgi --log-file -\n",
        "assets/css/site.css": "body { color: teal }\n",
    }, extra_settings='STATICFILES_DIRS = [BASE_DIR / "mysite" / "static"]\n')
    (app / ".python-version").symlink_to("config/python-version")
    (app / "requirements.txt").symlink_to("config/requirements.txt")
    (app / "Procfile").symlink_to("config/Procfile")
    (app / "mysite/static").mkdir()
    (app / "mysite/static/css").symlink_to("../../assets/css")  # a folder
    result = builder.compile(app, cache="inside")

    assert result.returncode == 0, result.log
    assert "Using Python 3.12 specified in .python-version" in result.stdout
    assert re.search(r"-----> Installing dependencies with \w+ from requirements\.txt\n", result.stdout)
    assert (result.build_dir / "staticfiles/css/site.css").read_text() == "body { color: teal }\n"


def test_a_link_outside_the_app_left_by_a_hook_fails_the_build(builder, host_folder, tmp_path):
    (host_folder / "hook-made.txt").write_text(f"{SECRET}\n")
    app = apps.django_app(tmp_path / "app", files={
        "bin/post_compile": f"#!/bin/sh\nln -s {host_folder}/hook-made.txt exported.txt\n"})
    result = builder.compile(app, cache="hook")

    assert result.returncode == 1, result.log
    assert errors(result)[0] == TITLE.format(link="exported.txt", target=host_folder / "hook-made.txt"), result.log


def git_app(root, files=None):
    app = apps.django_app(root, files=files)
    subprocess.run(["git", "init", "-q"], cwd=app, check=True)
    return app


def test_runtime_build_refuses_a_link_outside_the_app(host_folder, tmp_path):
    app = git_app(tmp_path / "app")
    target = link_outside(host_folder, app, "requirements.txt", commented(apps.REQUIREMENTS))
    out, cache = tmp_path / "slug", tmp_path / "cache"
    result = runtime_build(app, "--out", out, "--cache", cache)

    assert result.returncode == 1, result.stdout + result.stderr
    assert errors(result)[0] == TITLE.format(link="requirements.txt", target=target)
    assert not out.exists()
    assert_secret_nowhere(cache)


def test_runtime_build_copies_no_file_from_beyond_a_folder_replaced_by_a_link(host_folder, tmp_path):
    """git still lists a committed folder's files once the folder is a link elsewhere: copying
    them would read (and write) the host's files through the link."""
    (host_folder / "assets").mkdir()
    (host_folder / "assets/site.css").write_text(f"/* {SECRET} */\n")
    app = git_app(tmp_path / "app", files={"assets/site.css": "body {}\n"})
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(git + ["add", "-A"], cwd=app, check=True)
    subprocess.run(git + ["commit", "-qm", "app"], cwd=app, check=True)
    (app / "assets/site.css").unlink()
    (app / "assets").rmdir()
    (app / "assets").symlink_to(host_folder / "assets")
    out, cache = tmp_path / "slug", tmp_path / "cache"
    result = runtime_build(app, "--out", out, "--cache", cache)

    assert result.returncode == 1, result.stdout + result.stderr
    assert errors(result)[0] == TITLE.format(link="assets", target=host_folder / "assets")
    assert (host_folder / "assets/site.css").read_text() == f"/* {SECRET} */\n"
    assert not out.exists()
    assert_secret_nowhere(cache)


def test_runtime_build_keeps_links_inside_the_app(tmp_path):
    app = git_app(tmp_path / "app", files={"requirements/prod.txt": apps.REQUIREMENTS})
    (app / "requirements.txt").unlink()
    (app / "requirements.txt").symlink_to("requirements/prod.txt")
    out = tmp_path / "slug"
    result = runtime_build(app, "--out", out, "--cache", tmp_path / "cache")

    assert result.returncode == 0, result.stdout + result.stderr
    assert os.readlink(out / "requirements.txt") == "requirements/prod.txt"
    assert (out / ".heroku/python/bin/gunicorn").exists()
