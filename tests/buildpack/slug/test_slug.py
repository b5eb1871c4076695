"""The slug: relocatable, with .profile.d for the run-time environment, and bin/release."""

import shutil
import signal
import subprocess

import yaml

from tests import apps
from tests.conftest import SOURCE_PROFILE_D, build_env, free_port, in_slug, run_bin, wait_for_http


def test_slug_moved_to_another_folder_serves_http_200_from_its_web_process(builder, tmp_path):
    app = apps.django_app(tmp_path / "app")
    result = builder.compile(app)
    assert result.returncode == 0, result.log
    web = yaml.safe_load(run_bin("release", result.build_dir).stdout)["default_process_types"]["web"]

    moved = tmp_path / "somewhere" / "else" / "app"
    moved.parent.mkdir(parents=True)
    shutil.move(result.build_dir, moved)
    assert not result.build_dir.exists()
    assert str(result.build_dir) not in (moved / ".heroku/python/bin/gunicorn").read_text()

    port = free_port()
    script = SOURCE_PROFILE_D + "exec " + web
    server = subprocess.Popen(["bash", "-c", script], env=build_env(HOME=str(moved), PORT=str(port)),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        status, body = wait_for_http(f"http://127.0.0.1:{port}/", process=server)
        assert (status, body) == (200, "Hello from mysite")
        # It runs the slug's own interpreter and libpython, not the build machine's.
        maps = in_slug(moved, "python -c 'print(open(\"/proc/self/maps\").read())'").stdout
        assert f"{moved}/.heroku/python/lib/libpython3.12.so" in maps
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def test_slug_python_leaves_out_what_apps_never_run(builder, tmp_path):
    result = builder.compile(apps.django_app(tmp_path / "app"))
    assert result.returncode == 0, result.log
    stdlib = result.build_dir / ".heroku/python/lib/python3.12"
    assert (stdlib / "__pycache__").is_dir() and (stdlib / "json/__pycache__").is_dir()
    assert [name for name in ("test", "idlelib", "tkinter") if (stdlib / name).exists()] == []
    assert list(stdlib.rglob("*.opt-1.pyc")) + list(stdlib.rglob("*.opt-2.pyc")) == []
    assert list(stdlib.rglob("*.pyc")) != []


def test_release_yaml_names_the_wsgi_module_from_the_settings(builder, tmp_path):
    apps.django_app(tmp_path, project="config", extra_settings='WSGI_APPLICATION = "config.asgi_wsgi.app"\n',
                    files={"config/asgi_wsgi.py": "from config.wsgi import application as app\n"})
    result = builder.compile(tmp_path)
    assert result.returncode == 0, result.log
    release = run_bin("release", result.build_dir)
    assert release.returncode == 0
    assert yaml.safe_load(release.stdout) == {
        "default_process_types": {"web": "gunicorn config.asgi_wsgi:app --bind 0.0.0.0:$PORT"}}


def test_nested_manage_py_one_level_down_is_found(builder, tmp_path):
    apps.django_app(tmp_path, subdir="backend", project="shop")
    result = builder.compile(tmp_path)
    assert result.returncode == 0, result.log
    release = yaml.safe_load(run_bin("release", result.build_dir).stdout)
    assert release["default_process_types"]["web"] == "gunicorn shop.wsgi --chdir backend --bind 0.0.0.0:$PORT"


def test_release_without_gunicorn_offers_no_web_process(builder, tmp_path):
    apps.django_app(tmp_path, requirements="django\nwhitenoise\n")
    result = builder.compile(tmp_path)
    assert result.returncode == 0, result.log
    release = run_bin("release", result.build_dir)
    assert release.returncode == 0
    assert yaml.safe_load(release.stdout) == {}


def test_profile_d_scripts_are_sourced_not_run_and_keep_user_values(builder, tmp_path):
    apps.plain_app(tmp_path, {"requirements.txt": "gunicorn\n"})
    result = builder.compile(tmp_path)
    assert result.returncode == 0, result.log
    scripts = sorted(p.name for p in (result.build_dir / ".profile.d").iterdir())
    assert scripts == ["WEB_CONCURRENCY.sh", "gunicorn.sh", "python.sh"]
    for script in (result.build_dir / ".profile.d").iterdir():
        assert "exit" not in script.read_text().split()
    defaults = in_slug(result.build_dir, 'echo "$WEB_CONCURRENCY|$GUNICORN_CMD_ARGS|$FORWARDED_ALLOW_IPS|$PYTHONUNBUFFERED"')
    workers, access_log, allowed, unbuffered = defaults.stdout.strip().split("|")
    assert 1 <= int(workers) <= 33
    assert (access_log, allowed, unbuffered) == ("--access-logfile -", "*", "1")
    kept = in_slug(result.build_dir, 'echo "$WEB_CONCURRENCY|$GUNICORN_CMD_ARGS"',
                   env={"WEB_CONCURRENCY": "7", "GUNICORN_CMD_ARGS": "--timeout 5"})
    assert kept.stdout.strip() == "7|--timeout 5"


def test_editable_install_of_a_local_package_still_imports_after_the_move(builder, tmp_path):
    apps.plain_app(tmp_path / "app", {
        "requirements.txt": "-e ./libs/greeting\n-e ./libs/flat\n",
        # A src layout (a path in a .pth file) and a flat layout (setuptools' editable finder).
        "libs/greeting/pyproject.toml": '[project]\nname = "greeting"\nversion = "1"\n'
                                        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n',
        "libs/greeting/src/greeting/__init__.py": "HELLO = 'hello from src'\n",
        "libs/flat/pyproject.toml": '[project]\nname = "flat"\nversion = "1"\n'
                                    '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n',
        "libs/flat/flat/__init__.py": "HELLO = 'hello from flat'\n",
    })
    result = builder.compile(tmp_path / "app")
    assert result.returncode == 0, result.log
    moved = tmp_path / "moved"
    result.build_dir.rename(moved)
    check = in_slug(moved, "python -c 'import greeting, flat; print(greeting.HELLO, flat.HELLO, flat.__file__)'")
    assert check.stdout.strip() == f"hello from src hello from flat {moved}/libs/flat/flat/__init__.py", check.stderr
