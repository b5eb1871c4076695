"""What every build promises: config vars handled safely, errors without tracebacks."""

import shutil
import subprocess

import pytest

from tests import apps
from tests.conftest import BIN, build_env, run_bin
from tests.pythons import path_with_python3, require_python


def test_denylisted_config_vars_are_ignored_with_a_warning(builder, tmp_path):
    apps.plain_app(tmp_path, {"requirements.txt": "gunicorn\n"})
    result = builder.compile(tmp_path, config={"PATH": "/nowhere", "LD_PRELOAD": "/nowhere/evil.so"})
    assert result.returncode == 0, result.log
    assert " !     Warning: The config var LD_PRELOAD is ignored during the build." in result.stderr
    assert " !     Warning: The config var PATH is ignored during the build." in result.stderr


def test_internal_error_is_one_line_and_debug_variable_shows_the_traceback(builder, tmp_path):
    app = apps.django_app(tmp_path / "app", requirements="gunicorn\n")
    corrupt = builder.cache_dir("cache-corrupt")  # a file where the build's scratch folder goes
    (corrupt / "scratch").write_text("")
    build_dir = builder.fresh_build_dir(app)
    command = [str(BIN / "compile"), str(build_dir), str(corrupt), str(builder.env_dir({}))]
    result = subprocess.run(command, env=build_env(), capture_output=True, text=True)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith(" !     Error: Internal error in the buildpack")
    debug = subprocess.run(command, env=build_env(BUILDPACK_DEBUG="1"), capture_output=True, text=True)
    assert "Traceback (most recent call last)" in debug.stderr
    as_config_var = [*command[:3], str(builder.env_dir({"BUILDPACK_DEBUG": "1"}))]
    debug = subprocess.run(as_config_var, env=build_env(), capture_output=True, text=True)
    assert "Traceback (most recent call last)" in debug.stderr


@pytest.mark.parametrize("step,name", [
    ("compile", "BUILD_DIR"), ("compile", "CACHE_DIR"), ("compile", "ENV_DIR"), ("detect", "BUILD_DIR"),
    ("release", "BUILD_DIR"), ("test", "ENV_DIR")])
def test_a_file_given_for_a_folder_is_a_clear_error(tmp_path, step, name):
    app = apps.django_app(tmp_path / "app", requirements="gunicorn\n")
    usage = {"compile": "BUILD_DIR CACHE_DIR ENV_DIR", "detect": "BUILD_DIR", "release": "BUILD_DIR",
             "test": "BUILD_DIR ENV_DIR"}[step]
    folders = {"BUILD_DIR": app, "CACHE_DIR": tmp_path / "cache", "ENV_DIR": tmp_path / "env"}
    folders[name] = "/etc/passwd"
    result = run_bin(step, *[folders[part] for part in usage.split()])
    assert result.returncode == 1
    assert result.stderr == (f"\n !     Error: The {name} given to bin/{step} is a file, not a folder: /etc/passwd.\n"
                             " !\n"
                             f" !     Usage: bin/{step} {usage}\n"
                             f" !     Give the path of a folder as {name}.\n\n")
    assert not (tmp_path / "cache").exists()


def test_a_cache_dir_that_cannot_be_created_is_a_clear_error(builder, tmp_path):
    app = apps.django_app(tmp_path / "app", requirements="gunicorn\n")
    # /sys refuses new folders even to root, which may write anywhere else.
    result = run_bin("compile", builder.fresh_build_dir(app), "/sys/runtime-test/cache", builder.env_dir({}))
    assert result.returncode == 1
    assert result.stderr.startswith("\n !     Error: The CACHE_DIR /sys/runtime-test/cache could not be created (")
    assert " !     Give a CACHE_DIR the build can write to: the host keeps it between builds.\n" in result.stderr
    assert "Internal error" not in result.stderr


@pytest.mark.parametrize("step", ["compile", "detect"])
def test_a_build_dir_that_does_not_exist_is_named(builder, tmp_path, step):
    missing = tmp_path / "no-such-build"
    args = [missing, builder.cache_dir(), builder.env_dir({})] if step == "compile" else [missing]
    result = subprocess.run([str(BIN / step), *map(str, args)], env=build_env(), capture_output=True, text=True)
    assert result.returncode == 1
    assert f" !     Error: BUILD_DIR {missing} does not exist.\n" in result.stderr
    assert "dependency files" not in result.stderr and "No Python project found" not in result.stderr


@pytest.mark.parametrize("config,error", [
    ({"PYTHON_INSTALLER": "poetry"}, "PYTHON_INSTALLER is set to 'poetry'."),
    ({"DJANGO_MANAGE_PY": "backend/manage.py"},
     "DJANGO_MANAGE_PY is set to 'backend/manage.py', but there is no such file."),
    ({"DJANGO_MANAGE_PY": "../manage.py"}, "DJANGO_MANAGE_PY is set to '../manage.py', which is outside the app."),
])
def test_config_vars_with_values_the_build_cannot_use_are_clear_errors(builder, tmp_path, config, error):
    apps.django_app(tmp_path, requirements="gunicorn\n")
    result = builder.compile(tmp_path, config=config)
    assert result.returncode == 1
    assert f" !     Error: {error}\n" in result.stderr
    assert "Traceback" not in result.log


@pytest.mark.parametrize("version", ["3.9", "3.10"])
def test_the_buildpack_runs_on_an_old_python3_of_the_build_machine(builder, tmp_path, version):
    """The first python3 on PATH at least as new as the floor runs the buildpack's own code
    (3.10 has no tomllib); an older one (3.9) is passed over for the next."""
    path = path_with_python3(version)
    apps.write(tmp_path, {"app.py": "", "pyproject.toml": apps.pyproject(["gunicorn"], requires_python="~=3.12.0")})
    assert subprocess.run([str(BIN / "detect"), str(tmp_path)], env=build_env(PATH=path),
                          capture_output=True, text=True).stdout == "Python\n"
    result = builder.compile(tmp_path, env={"PATH": path})
    assert result.returncode == 0, result.log
    assert "-----> Using Python 3.12." in result.stdout


def test_a_build_machine_without_a_new_enough_python3_is_a_clear_error(tmp_path):
    old = require_python("3.9")
    tools = tmp_path / "bin"  # all the wrapper needs, and a python3 older than the floor
    tools.mkdir()
    (tools / "python3").symlink_to(old.executable)
    (tools / "dirname").symlink_to(shutil.which("dirname"))
    result = subprocess.run([shutil.which("bash"), str(BIN / "detect"), str(tmp_path)],
                            env={"PATH": str(tools)}, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr == " !     Error: The buildpack needs python3 (3.10 or newer) on the build machine.\n"
