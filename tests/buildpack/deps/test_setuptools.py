"""setuptools in the slug's environment for Python 3.12 and older, as on Heroku's classic
buildpack: an app pinned to an old gunicorn (which imports pkg_resources) keeps working."""

import hashlib
import json
import shutil
import signal
import subprocess

import yaml

from tests import apps
from tests.conftest import SOURCE_PROFILE_D, build_env, errors, free_port, run_bin, wait_for_http
from tests.pythons import require_python

LOG_LINE = ("       Installing setuptools 70.3.0, as Heroku's classic buildpack does for Python 3.12 and older "
            "(packages such as gunicorn before 22 import its pkg_resources)")
OLD_GUNICORN = "django\ngunicorn==20.1.0\nwhitenoise\n"


def setuptools_installed(build_dir):
    return sorted(p.name for p in (build_dir / ".heroku/python/lib").glob("python3.*/site-packages/setuptools-*.dist-info"))


def test_gunicorn_20_on_python_3_10_builds_with_setuptools_and_its_moved_slug_serves_200(builder, tmp_path):
    require_python("3.10")
    result = builder.compile(apps.django_app(tmp_path / "app", requirements=OLD_GUNICORN, python_version="3.10"))
    assert result.returncode == 0, result.log
    assert LOG_LINE in result.stdout.splitlines()
    assert setuptools_installed(result.build_dir) == ["setuptools-70.3.0.dist-info"]
    web = yaml.safe_load(run_bin("release", result.build_dir).stdout)["default_process_types"]["web"]

    moved = tmp_path / "elsewhere" / "app"
    moved.parent.mkdir()
    shutil.move(result.build_dir, moved)
    port = free_port()
    server = subprocess.Popen(["bash", "-c", SOURCE_PROFILE_D + "exec " + web],
                              env=build_env(HOME=str(moved), PORT=str(port)),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        assert wait_for_http(f"http://127.0.0.1:{port}/", process=server) == (200, "Hello from mysite")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def test_pip_replaces_the_setuptools_ensurepip_brings(builder, tmp_path):
    require_python("3.11")
    result = builder.compile(apps.django_app(tmp_path, python_version="3.11"), config={"PYTHON_INSTALLER": "pip"})
    assert result.returncode == 0, result.log
    assert LOG_LINE in result.stdout.splitlines()
    assert setuptools_installed(result.build_dir) == ["setuptools-70.3.0.dist-info"]


def test_python_3_13_gets_no_setuptools(builder, tmp_path):
    require_python("3.13")
    result = builder.compile(apps.django_app(tmp_path, python_version="3.13"))
    assert result.returncode == 0, result.log
    assert "setuptools" not in result.log
    assert setuptools_installed(result.build_dir) == []


def test_a_cached_environment_from_before_gets_it_and_keeps_it_when_requirements_change(builder, tmp_path):
    require_python("3.12")
    app = apps.django_app(tmp_path)
    assert builder.compile(app, cache="before").returncode == 0
    metadata = builder.cache_dir("before") / "python.json"
    made_before = json.loads(metadata.read_text())
    del made_before["setuptools"]  # as builds wrote it before setuptools was installed
    metadata.write_text(json.dumps(made_before))

    result = builder.compile(app, cache="before")
    assert result.returncode == 0, result.log
    assert ("-----> Discarding cache since:\n"
            "       - The cached environment has no setuptools 70.3.0, which Python 3.12 and older now get\n"
            ) in result.stdout
    assert setuptools_installed(result.build_dir) == ["setuptools-70.3.0.dist-info"]

    # uv's --exact removes what the requirements do not name: setuptools is named, so it stays
    # without being removed and installed again.
    (app / "requirements.txt").write_text(apps.REQUIREMENTS + "six\n")
    changed = builder.compile(app, cache="before")
    assert changed.returncode == 0, changed.log
    assert "Restoring cache" in changed.stdout
    assert " - setuptools==70.3.0" not in changed.stdout
    assert setuptools_installed(changed.build_dir) == ["setuptools-70.3.0.dist-info"]


def test_a_new_environment_installs_setuptools_once(builder, tmp_path):
    result = builder.compile(apps.django_app(tmp_path), cache="setuptools-once")
    assert result.returncode == 0, result.log
    assert LOG_LINE in result.stdout.splitlines()
    assert " - setuptools==70.3.0" not in result.stdout  # not removed by the requirements' install
    assert setuptools_installed(result.build_dir) == ["setuptools-70.3.0.dist-info"]


def test_require_hashes_mode_still_gets_setuptools(builder, tmp_path):
    """Every requirement must be hash-pinned there, so setuptools cannot be named unpinned:
    the install removes it, and it is installed again after."""
    wheel = apps.wheel("pinnedpkg", "1.0", {"pinnedpkg/__init__.py": ""})
    (tmp_path / "wheels").mkdir()
    (tmp_path / "wheels" / "pinnedpkg-1.0-py3-none-any.whl").write_bytes(wheel)
    app = apps.plain_app(tmp_path, {"requirements.txt": (
        "--require-hashes\n--find-links wheels\n"
        f"pinnedpkg==1.0 --hash=sha256:{hashlib.sha256(wheel).hexdigest()}\n")})
    result = builder.compile(app, cache="setuptools-hashes")
    assert result.returncode == 0, result.log
    assert setuptools_installed(result.build_dir) == ["setuptools-70.3.0.dist-info"]


def test_a_setuptools_the_requirements_pin_wins(builder, tmp_path):
    require_python("3.12")
    result = builder.compile(apps.django_app(tmp_path, requirements=apps.REQUIREMENTS + "setuptools==69.5.1\n"))
    assert result.returncode == 0, result.log
    # Installed first, as on Heroku's classic buildpack, then changed to the pinned one.
    assert LOG_LINE in result.stdout.splitlines()
    assert setuptools_installed(result.build_dir) == ["setuptools-69.5.1.dist-info"]


def test_an_index_without_setuptools_is_a_warning_and_the_build_goes_on(builder, tmp_path):
    require_python("3.12")
    app = apps.plain_app(tmp_path, {"requirements.txt": ""})
    unreachable = f"http://127.0.0.1:{free_port()}/simple/"
    result = builder.compile(app, config={"PYTHON_INSTALLER": "pip", "PIP_INDEX_URL": unreachable,
                                          "PIP_RETRIES": "0"})
    assert result.returncode == 0, result.log
    assert errors(result)[:2] == ["Warning: setuptools 70.3.0 could not be installed: the environment goes without it.",
                                  ""]
    assert setuptools_installed(result.build_dir) == []
