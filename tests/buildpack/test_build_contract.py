"""What every build promises: config vars handled safely, errors without tracebacks."""

from tests import apps


def test_denylisted_config_vars_are_ignored_with_a_warning(builder, tmp_path):
    apps.django_app(tmp_path, requirements="gunicorn\n")
    result = builder.compile(tmp_path, config={"PATH": "/nowhere", "LD_PRELOAD": "/nowhere/evil.so"})
    assert result.returncode == 0, result.log
    assert " !     Warning: The config var LD_PRELOAD is ignored during the build." in result.stderr
    assert " !     Warning: The config var PATH is ignored during the build." in result.stderr


def test_internal_error_is_one_line_and_debug_variable_shows_the_traceback(builder, tmp_path):
    apps.django_app(tmp_path, requirements="gunicorn\n")
    not_a_folder = tmp_path / "cache-file"
    not_a_folder.write_text("")
    build_dir = builder.fresh_build_dir(tmp_path / "mysite")
    import subprocess
    from tests.conftest import BIN, build_env
    command = [str(BIN / "compile"), str(build_dir), str(not_a_folder), str(builder.env_dir({}))]
    result = subprocess.run(command, env=build_env(), capture_output=True, text=True)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith(" !     Error: Internal error in the buildpack")
    debug = subprocess.run(command, env=build_env(BUILDPACK_DEBUG="1"), capture_output=True, text=True)
    assert "Traceback (most recent call last)" in debug.stderr
