"""`runtime test`: bin/test-compile, app.json's test-setup and test (or bin/test), as Heroku CI
runs them, in a throwaway build; the exit status is the tests', and --junit writes their
results as JUnit XML."""

import json
import xml.etree.ElementTree as ET

import pytest

from tests import apps
from tests.conftest import Builder
from tests.runtime.helpers import host_env, runtime

SUITE = """\
import os
import pytest

def test_adds_up():
    assert 1 + 1 == 2

def test_test_setup_ran_first():
    assert open("setup.out").read() == "set up with hello\\n"

@pytest.mark.skip(reason="later")
def test_skipped():
    pass

def test_the_config_var():
    assert os.environ.get("FAIL") != "1"
"""

APP_JSON = {"environments": {"test": {
    "scripts": {"test-setup": 'test "$SETUP_FAILS" != 1 || { echo "the set-up broke"; exit 3; }; '
                              'echo "set up with $GREETING" > setup.out'},
    "env": {"GREETING": "hello", "FAIL": "0"}, "addons": [{"plan": "papertrail:choklad"}]}}}

DJANGO_SUITE = """\
import unittest
from django.test import SimpleTestCase

class Site(SimpleTestCase):
    def test_adds_up(self):
        self.assertEqual(1 + 1, 2)

    def test_fails(self):
        self.assertEqual(1 + 1, 3)

    def test_errors(self):
        raise RuntimeError("boom")

    @unittest.skip("later")
    def test_skipped(self):
        pass
"""


@pytest.fixture(scope="module")
def cache(tmp_path_factory, shared_downloads):
    """One cache for the module's runs (the session's downloads linked in)."""
    return Builder(tmp_path_factory.mktemp("runs"), shared_downloads).cache_dir()


@pytest.fixture(scope="module")
def pytest_app(tmp_path_factory):
    return apps.django_app(tmp_path_factory.mktemp("pytest-app") / "app", files={
        "requirements-test.txt": "pytest\n", "tests/test_site.py": SUITE, "app.json": json.dumps(APP_JSON)})


def runtime_test(app, cache, *args):
    return runtime("test", app, "--cache", cache, *args, env=host_env(), timeout=600)


def counts(junit):
    suite = ET.parse(junit).getroot().find("testsuite")
    return {name: int(suite.get(name)) for name in ("tests", "failures", "errors", "skipped")}


@pytest.mark.slow
def test_passing_tests_pass_and_write_junit(pytest_app, cache, tmp_path):
    junit = tmp_path / "reports/junit.xml"
    result = runtime_test(pytest_app, cache, "--junit", junit)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ("-----> Running app.json's test-setup script: " + APP_JSON["environments"]["test"]["scripts"]["test-setup"]
            + "\n-----> Running -m pytest\n") in result.stdout
    assert "3 passed, 1 skipped" in result.stdout
    assert result.stdout.endswith("\n-----> Tests passed\n")
    assert counts(junit) == {"tests": 4, "failures": 0, "errors": 0, "skipped": 1}
    assert result.stderr.startswith("runtime: warning: app.json's test add-on papertrail is not provided by "
                                    "runtime test: the tests run without it\n")
    assert not (pytest_app / "setup.out").exists()  # the tests ran in a throwaway copy


@pytest.mark.slow
def test_a_failing_test_fails_the_run(pytest_app, cache, tmp_path):
    junit = tmp_path / "junit.xml"
    result = runtime_test(pytest_app, cache, "--env", "FAIL=1", "--junit", junit)  # --env beats app.json's env
    assert result.returncode == 1
    assert "1 failed, 2 passed, 1 skipped" in result.stdout
    assert result.stdout.endswith("\n-----> Tests failed (exit status 1)\n")
    assert counts(junit) == {"tests": 4, "failures": 1, "errors": 0, "skipped": 1}


@pytest.mark.slow
def test_a_broken_test_setup_stops_before_the_tests(pytest_app, cache):
    result = runtime_test(pytest_app, cache, "--env", "SETUP_FAILS=1")
    assert result.returncode == 3
    assert "the set-up broke\n" in result.stdout
    assert "test session starts" not in result.stdout
    assert result.stdout.endswith(
        "\n-----> app.json's test-setup script failed (exit status 3): the tests did not run.\n")


@pytest.mark.slow
def test_manage_py_test_writes_junit_too(tmp_path_factory, cache, tmp_path):
    app = apps.django_app(tmp_path_factory.mktemp("django-app") / "app", files={"mysite/tests.py": DJANGO_SUITE})
    junit = tmp_path / "junit.xml"
    result = runtime_test(app, cache, "--junit", junit)
    assert result.returncode == 1
    assert ("-----> Running manage.py test --testrunner runtime_django_junit.JUnitRunner (for --junit)\n"
            in result.stdout)
    assert "FAILED (failures=1, errors=1, skipped=1)" in result.stderr
    assert counts(junit) == {"tests": 4, "failures": 1, "errors": 1, "skipped": 1}
    cases = {case.get("name"): [child.tag for child in case] for case in ET.parse(junit).iter("testcase")}
    assert cases == {"test_adds_up": [], "test_fails": ["failure"], "test_errors": ["error"],
                     "test_skipped": ["skipped"]}


@pytest.mark.parametrize("app_json, error", [
    ('{"environments": {"test": {"scripts": {"test": ["pytest"]}}}}',
     "app.json's environments.test.scripts.test must be a string, not [\"pytest\"]."),
    ('{"environments": {"test": {"env": {"DEBUG": false}}}}',
     "app.json's environments.test.env.DEBUG must be a string, not false."),
    ("{'environments': {}}", "app.json could not be read: it is not valid JSON: Expecting property name enclosed "
                             "in double quotes: line 1 column 2 (char 1)."),
])
def test_an_invalid_app_json_is_an_error_naming_the_key(app, tmp_path, app_json, error):
    root = app({"app.json": app_json, "manage.py": ""})
    result = runtime("test", root, "--cache", tmp_path / "cache")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"runtime: error: {root}/{error} Fix ")
    assert result.stderr.count("\n") == 1  # one line, the fix in it




@pytest.mark.slow
def test_the_heroku_postgresql_add_on_gives_the_tests_a_new_postgresql_database_each_run(
        tmp_path_factory, cache, tmp_path):
    app = apps.django_app(
        tmp_path_factory.mktemp("postgres-app") / "app",
        requirements=apps.POSTGRES_REQUIREMENTS, extra_settings=apps.DATABASE_FROM_URL,
        files={"requirements-test.txt": "pytest\n", "tests/test_database.py": apps.POSTGRES_TESTS,
               "app.json": json.dumps({"environments": {"test": {
                   "addons": ["heroku-postgresql:in-dyno"],
                   "scripts": {"test-setup": "python manage.py migrate --noinput"}}}})})
    junit = tmp_path / "junit.xml"
    for _ in range(2):  # the second run finds no table of the first
        result = runtime_test(app, cache, "--junit", junit)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "2 passed" in result.stdout
        assert counts(junit) == {"tests": 2, "failures": 0, "errors": 0, "skipped": 0}
    assert "runtime: PostgreSQL" in result.stderr, result.stderr
    assert not list(app.glob(".runtime/postgres/data/postmaster.pid"))  # stopped at the end


@pytest.mark.slow
def test_a_test_script_running_pytest_writes_junit_and_one_that_does_not_is_a_warning(
        tmp_path_factory, cache, tmp_path):
    script = 'if [ "$RUNNER" = pytest ]; then python -m pytest -q tests; else echo "no report"; fi'
    app = apps.django_app(tmp_path_factory.mktemp("script-app") / "app", files={
        "requirements-test.txt": "pytest\n", "tests/test_site.py": "def test_adds_up():\n    assert 1 + 1 == 2\n",
        "app.json": json.dumps({"environments": {"test": {"scripts": {"test": script}}}})})
    junit = tmp_path / "junit.xml"
    with_pytest = runtime_test(app, cache, "--env", "RUNNER=pytest", "--junit", junit)
    assert with_pytest.returncode == 0, with_pytest.stdout + with_pytest.stderr
    assert f"-----> Running app.json's test script: {script}\n" in with_pytest.stdout
    assert counts(junit) == {"tests": 1, "failures": 0, "errors": 0, "skipped": 0}

    without = runtime_test(app, cache, "--junit", junit)
    assert without.returncode == 0
    assert "no report\n" in without.stdout
    assert not junit.exists()  # the earlier run's report is not this one's
    assert without.stderr.endswith(
        f"runtime: warning: --junit: the tests wrote no JUnit XML to {junit}; pytest writes it, and manage.py test "
        "when bin/test runs it (a test script running manage.py test can add --testrunner "
        "runtime_django_junit.JUnitRunner)\n")
