"""Every common manifest builds a working slug; ambiguity and unsupported files fail clearly."""

import json
import subprocess

import pytest
import tomllib

from tests import apps
from tests.apps import plain_app
from tests.conftest import REPO, slug_python


def imports(slug, *modules):
    result = slug_python(slug, "-c", f"'import {', '.join(modules)}; print(\"ok\")'")
    return result.stdout.strip() == "ok"


def test_requirements_txt_with_includes_constraints_markers_and_hashes(builder, tmp_path):
    plain_app(tmp_path, {
        "requirements.txt": """\
            -r requirements/base.txt
            -c requirements/constraints.txt
            whitenoise ; python_version >= "3.10"
            six ; python_version < "3.0"
            """,
        "requirements/base.txt": "gunicorn\n",
        "requirements/constraints.txt": "gunicorn<27.1\n",
    })
    result = builder.compile(tmp_path)
    assert result.returncode == 0, result.log
    assert "-----> Installing dependencies with uv from requirements.txt" in result.stdout
    assert imports(result.build_dir, "gunicorn", "whitenoise")
    assert not imports(result.build_dir, "six")


def test_requirements_in_alone_is_locked_with_hashes_printed_and_installed(builder, tmp_path):
    plain_app(tmp_path, {"requirements.in": "whitenoise\n"})
    result = builder.compile(tmp_path, cache="cache-in")
    assert result.returncode == 0, result.log
    assert "-----> Compiling requirements.in with pip-tools (pip-compile)" in result.stdout
    lock = (result.build_dir / "requirements.txt").read_text()
    assert "whitenoise==" in lock and "--hash=sha256:" in lock and "# via -r requirements.in" in lock
    assert "--index-url" not in lock and "--find-links" not in lock and str(result.build_dir) not in lock
    assert "       whitenoise==" in result.stdout  # the lock is printed
    assert " !     Note: requirements.txt was compiled from requirements.in during the build." in result.stderr
    assert imports(result.build_dir, "whitenoise")

    again = builder.compile(tmp_path, cache="cache-in")
    assert "-----> Using the lock compiled from requirements.in by an earlier build" in again.stdout
    assert "Dependencies unchanged since the last build: nothing to install" in again.stdout


def test_stale_requirements_txt_next_to_requirements_in_is_warned(builder, tmp_path):
    plain_app(tmp_path, {"requirements.in": "gunicorn\nwhitenoise\n",
                         "requirements.txt": "gunicorn==27.0.1\n    # via -r requirements.in\n"})
    result = builder.compile(tmp_path)
    assert result.returncode == 0, result.log
    assert " !     Warning: requirements.txt looks out of date with requirements.in." in result.stderr
    assert " !     requirements.in lists whitenoise, which requirements.txt does not pin" in result.stderr
    assert imports(result.build_dir, "gunicorn") and not imports(result.build_dir, "whitenoise")


def test_requirements_file_config_var_picks_another_file(builder, tmp_path):
    plain_app(tmp_path, {"requirements/production.txt": "-r base.txt\nwhitenoise\n",
                         "requirements/base.txt": "gunicorn\n",
                         "requirements/dev.txt": "-r base.txt\nsix\n"})
    result = builder.compile(tmp_path, config={"REQUIREMENTS_FILE": "requirements/production.txt"})
    assert result.returncode == 0, result.log
    assert "-----> Installing dependencies with uv from requirements/production.txt" in result.stdout
    assert imports(result.build_dir, "gunicorn", "whitenoise") and not imports(result.build_dir, "six")


@pytest.mark.parametrize("chosen", ["/etc/hostname", "../requirements.txt"])
def test_requirements_file_outside_the_app_is_a_clear_error(builder, tmp_path, chosen):
    plain_app(tmp_path / "app", {"requirements.txt": "gunicorn\n"})
    result = builder.compile(tmp_path / "app", config={"REQUIREMENTS_FILE": chosen})
    assert result.returncode == 1
    assert f" !     Error: REQUIREMENTS_FILE is set to {chosen!r}, which is outside the app." in result.stderr


def test_requirements_file_that_does_not_exist_is_a_clear_error(builder, tmp_path):
    plain_app(tmp_path, {"requirements.txt": "gunicorn\n"})
    result = builder.compile(tmp_path, config={"REQUIREMENTS_FILE": "requirements/prod.txt"})
    assert result.returncode == 1
    assert " !     Error: REQUIREMENTS_FILE is set to 'requirements/prod.txt', but there is no such file." in result.stderr


@pytest.mark.parametrize("installer", ["uv", "pip"])
def test_pyproject_dependencies(builder, tmp_path, installer):
    plain_app(tmp_path, {"pyproject.toml": apps.pyproject(["gunicorn", "whitenoise>=6"])})
    result = builder.compile(tmp_path, cache=f"cache-pyproject-{installer}",
                             config={"PYTHON_INSTALLER": installer})
    assert result.returncode == 0, result.log
    assert f"-----> Installing dependencies with {installer} from pyproject.toml" in result.stdout
    assert imports(result.build_dir, "gunicorn", "whitenoise")


def test_uv_lock_is_installed_exactly_as_locked(builder, tmp_path):
    plain_app(tmp_path, {"pyproject.toml": apps.pyproject(["whitenoise<6.12"], requires_python=">=3.12")})
    subprocess.run([str(REPO / ".venv/bin/uv"), "lock", "--quiet"], cwd=tmp_path, check=True)
    packages = tomllib.loads((tmp_path / "uv.lock").read_text())["package"]
    locked_version = next(p["version"] for p in packages if p["name"] == "whitenoise")
    result = builder.compile(tmp_path)
    assert result.returncode == 0, result.log
    assert "-----> Installing dependencies with uv from uv.lock" in result.stdout
    version = slug_python(result.build_dir, "-c", "'import importlib.metadata as m; print(m.version(\"whitenoise\"))'")
    assert version.stdout.strip() == locked_version


def test_uv_lock_out_of_date_with_pyproject_fails_clearly(builder, tmp_path):
    plain_app(tmp_path, {"pyproject.toml": '[project]\nname = "site"\nversion = "1.0"\ndependencies = ["six"]\n'})
    subprocess.run([str(REPO / ".venv/bin/uv"), "lock", "--quiet"], cwd=tmp_path, check=True)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "site"\nversion = "1.0"\ndependencies = ["gunicorn"]\n')
    result = builder.compile(tmp_path)
    assert result.returncode == 1
    assert " !     Error: Unable to read the locked dependencies from uv.lock." in result.stderr
    assert " !       $ uv lock" in result.stderr


def test_pipfile_lock_is_installed(builder, tmp_path):
    lock = {"_meta": {"requires": {"python_version": "3.12"}},
            "default": {"gunicorn": {"version": "==27.0.1"}, "whitenoise": {"version": "==6.12.0"}},
            "develop": {"six": {"version": "==1.17.0"}}}
    plain_app(tmp_path, {"Pipfile": "[packages]\ngunicorn = '*'\n", "Pipfile.lock": json.dumps(lock)})
    result = builder.compile(tmp_path)
    assert result.returncode == 0, result.log
    assert "-----> Installing dependencies with uv from Pipfile.lock" in result.stdout
    assert imports(result.build_dir, "gunicorn", "whitenoise") and not imports(result.build_dir, "six")


# (files, the error's first line, a line of its body)
MANIFEST_ERRORS = [
    ({"requirements.txt": "gunicorn\n", "uv.lock": "version = 1\n"},
     "Multiple Python dependency files were found.", "  - requirements.txt\n !       - uv.lock"),
    ({"requirements.txt": "gunicorn\n", "pyproject.toml": '[project]\nname = "x"\ndependencies = ["six"]\n'},
     "Multiple Python dependency files were found.", "REQUIREMENTS_FILE=requirements.txt"),
    ({"poetry.lock": "", "pyproject.toml": "[tool.poetry]\n"},
     "Can't read poetry.lock.", "it has no [metadata] table with a content-hash"),
    ({"poetry.lock": "[metadata]\n"}, "poetry.lock was found, but not the pyproject.toml it locks.",
     "Commit\n !     pyproject.toml next to poetry.lock"),
    ({"Pipfile": "[packages]\n"}, "No 'Pipfile.lock' found.", "$ pipenv lock"),
    ({"Pipfile.lock": "{not json"}, "Can't parse Pipfile.lock.", "Regenerate it"),
    ({"Pipfile.lock": '{"default": ' + "[" * 100_000 + "]" * 100_000 + "}"}, "Can't parse Pipfile.lock.",
     "its values are nested too deeply"),
    ({},
     "Couldn't find any supported Python dependency files.", "REQUIREMENTS_FILE"),
    ({"pyproject.toml": "[tool.black]\nline-length = 100\n"},
     "pyproject.toml declares no dependencies to install.", '!       dependencies = ["django>=5.2", "gunicorn"]\n'),
    ({"pyproject.toml": "[project\nname = 1\n"}, "Unable to parse pyproject.toml.", "not valid TOML"),
    ({"pyproject.toml": 'project = "site"\n'}, "Invalid pyproject.toml.", "In pyproject.toml, [project] is not a table."),
    ({"pyproject.toml": '[project]\nname = "x"\ndependencies = "django"\n'}, "Invalid pyproject.toml.",
     'dependencies is not a list of requirement strings such as ["django>=5.2"]'),
    ({"pyproject.toml": '[project]\nname = "x"\nrequires-python = 3.12\n'}, "Invalid pyproject.toml.",
     'requires-python is not a string such as ">=3.12"'),
    ({"Pipfile.lock": '{"default": ["gunicorn"]}'}, "Can't parse Pipfile.lock.",
     'its "default" section is not an object of packages'),
]


@pytest.mark.parametrize("files,title,body", MANIFEST_ERRORS, ids=[t for _, t, _ in MANIFEST_ERRORS])
def test_manifest_errors(builder, tmp_path, files, title, body):
    plain_app(tmp_path, files)
    result = builder.compile(tmp_path)
    assert result.returncode == 1
    assert f" !     Error: {title}\n" in result.stderr
    assert body in result.stderr
    assert "Traceback" not in result.log


def test_requirements_txt_compiled_from_pyproject_is_its_lock(builder, tmp_path):
    plain_app(tmp_path, {
        "pyproject.toml": '[project]\nname = "x"\nversion = "1"\ndependencies = ["gunicorn"]\n',
        "requirements.txt": "# This file is autogenerated by pip-compile with Python 3.12\n"
                            "#    pip-compile --output-file=requirements.txt pyproject.toml\n"
                            "gunicorn==27.0.1\n"})
    result = builder.compile(tmp_path)
    assert result.returncode == 0, result.log
    assert "-----> Installing dependencies with uv from requirements.txt" in result.stdout


def test_pyproject_toml_that_is_not_utf8_is_read_with_a_warning(builder, tmp_path):
    plain_app(tmp_path, {})
    (tmp_path / "pyproject.toml").write_bytes(apps.pyproject(["six"]).encode().replace(b'"site"', b'"caf\xe9"'))
    result = builder.compile(tmp_path, config={"PYTHON_INSTALLER": "pip"})  # uv refuses such a file
    assert result.returncode == 0, result.log
    assert " !     Warning: pyproject.toml is not valid UTF-8 text.\n" in result.stderr
    assert " !     Its first invalid byte is on line 2; the build reads each as U+FFFD (\ufffd)." in result.stderr


def test_a_long_config_var_value_is_quoted_in_part(builder, tmp_path):
    plain_app(tmp_path, {"requirements.txt": "six\n"})
    result = builder.compile(tmp_path, config={"REQUIREMENTS_FILE": "r" * 100_000})
    assert result.returncode == 1
    assert f" !     Error: REQUIREMENTS_FILE is set to '{'r' * 200}...', but there is no such file.\n" in result.stderr
    assert len(result.log) < 2000
