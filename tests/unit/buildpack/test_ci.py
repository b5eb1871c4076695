"""What bin/test runs: app.json's test script, else pytest, else Django's test runner; and
whether bin/test-compile collects static files."""

from pathlib import Path

from buildpack.ci import choose
from buildpack.deps import packages
from buildpack.deps.manifests import Manifest
from buildpack.django.collectstatic import skipped_why
from buildpack.log import messages

PYTHON = Path("/app/.heroku/python/bin/python3.12")


def test_the_app_json_script_comes_first():
    assert choose("pytest -x", True, Path("manage.py"), PYTHON) == (
        ["bash", "-c", "pytest -x"], "app.json's test script: pytest -x", "script")


def test_pytest_when_installed_else_manage_py_test():
    assert choose(None, True, Path("manage.py"), PYTHON) == ([str(PYTHON), "-m", "pytest"], "-m pytest", "pytest")
    assert choose(None, False, Path("backend/manage.py"), PYTHON) == (
        [str(PYTHON), "backend/manage.py", "test"], "backend/manage.py test", "django")
    assert choose(None, False, None, PYTHON) is None


def test_test_compile_skips_collectstatic_unless_the_tests_need_it_or_asked_for_it():
    assert skipped_why({}, install_test=False, manifest=False) is None
    assert skipped_why({}, install_test=True, manifest=False) == messages.collectstatic_skipped_for_tests()
    assert skipped_why({}, install_test=True, manifest=True) is None
    assert skipped_why({"DISABLE_COLLECTSTATIC": "0"}, install_test=True, manifest=False) is None
    assert skipped_why({"DISABLE_COLLECTSTATIC": ""}, install_test=True, manifest=False) is None
    assert skipped_why({"DISABLE_COLLECTSTATIC": "1"}, install_test=True,
                       manifest=True) == messages.collectstatic_disabled("1")


def test_requirements_test_txt_goes_with_requirements_files_in_test_compile(tmp_path):
    requirements = Manifest("requirements", Path("requirements.txt"))
    assert packages.test_requirements(tmp_path, requirements, install_test=True) is None
    (tmp_path / "requirements-test.txt").write_text("pytest\n")
    assert packages.test_requirements(tmp_path, requirements, install_test=True) == tmp_path / "requirements-test.txt"
    assert packages.test_requirements(tmp_path, Manifest("requirements.in", Path("requirements.in")),
                                      install_test=True) == tmp_path / "requirements-test.txt"
    assert packages.test_requirements(tmp_path, requirements, install_test=False) is None
    assert packages.test_requirements(tmp_path, Manifest("requirements", Path("requirements-test.txt")),
                                      install_test=True) is None
    assert packages.test_requirements(tmp_path, Manifest("uv.lock", Path("uv.lock")), install_test=True) is None
