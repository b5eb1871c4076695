"""bin/test-compile then bin/test, driven as Heroku CI drives them: BUILD_DIR, CACHE_DIR and
ENV_DIR for test-compile, then (after the host's test-setup) bin/test BUILD_DIR ENV_DIR from
the slug's folder with .profile.d sourced; bin/test's exit status is the verdict. bin/test
runs app.json's test script when there is one, else pytest, else manage.py test."""

import json

import pytest

from tests import apps
from tests.conftest import BIN, errors, in_slug

SUITE = """\
import os

def test_adds_up():
    assert 1 + 1 == 2

def test_the_config_var():
    assert os.environ.get("FAIL") != "1"
"""

DJANGO_SUITE = """\
import os
from django.test import SimpleTestCase

class Site(SimpleTestCase):
    def test_the_config_var(self):
        self.assertNotEqual(os.environ.get("FAIL"), "1")
"""


@pytest.fixture(scope="module")
def pytest_slug(builder, tmp_path_factory):
    """A Django app whose requirements-test.txt brings pytest, through bin/test-compile."""
    app = apps.django_app(tmp_path_factory.mktemp("pytest-app") / "app", files={
        "requirements-test.txt": "pytest\n", "tests/test_site.py": SUITE})
    result = builder.compile(app, cache="cache-pytest", step="test-compile")
    assert result.returncode == 0, result.log
    return result


@pytest.fixture(scope="module")
def django_slug(builder, tmp_path_factory):
    """A Django app tested by manage.py test, with a storage that keeps no manifest."""
    app = apps.django_app(tmp_path_factory.mktemp("django-app") / "app", files={"mysite/tests.py": DJANGO_SUITE},
                          extra_settings='STORAGES["staticfiles"] = {"BACKEND": '
                                         '"django.contrib.staticfiles.storage.StaticFilesStorage"}\n')
    result = builder.compile(app, cache="cache-django", step="test-compile")
    assert result.returncode == 0, result.log
    return result


def bin_test(slug, builder, config=None):
    """bin/test BUILD_DIR ENV_DIR as Heroku CI runs it (HOME at the slug, .profile.d sourced)."""
    return in_slug(slug, f"{BIN}/test {slug} {builder.env_dir(config or {})}")


@pytest.mark.slow
def test_pytest_gives_the_verdict(pytest_slug, builder):
    passed = bin_test(pytest_slug.build_dir, builder)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "-----> Running -m pytest\n" in passed.stdout
    assert "2 passed" in passed.stdout
    failed = bin_test(pytest_slug.build_dir, builder, {"FAIL": "1"})
    assert failed.returncode == 1
    assert "1 failed, 1 passed" in failed.stdout


@pytest.mark.slow
def test_test_compile_collects_static_files_for_a_manifest_storage(pytest_slug):
    assert ("Note: Running collectstatic for the tests: the static files storage reads a manifest, which every "
            "{% static %} needs.") in errors(pytest_slug)
    assert (pytest_slug.build_dir / "staticfiles/staticfiles.json").is_file()


@pytest.mark.slow
def test_manage_py_test_gives_the_verdict_without_pytest(django_slug, builder):
    passed = bin_test(django_slug.build_dir, builder)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "-----> Running manage.py test\n" in passed.stdout
    assert "Ran 1 test" in passed.stderr
    failed = bin_test(django_slug.build_dir, builder, {"FAIL": "1"})
    assert failed.returncode == 1
    assert "FAILED (failures=1)" in failed.stderr


@pytest.mark.slow
def test_test_compile_skips_collectstatic_without_a_manifest(django_slug):
    assert "Note: Skipping collectstatic: bin/test-compile skips it, as Heroku's classic buildpack does." in errors(
        django_slug)
    assert not (django_slug.build_dir / "staticfiles").exists()


@pytest.mark.slow
def test_the_app_json_test_script_runs_in_place_of_the_runner(django_slug, builder):
    slug = django_slug.build_dir
    (slug / "app.json").write_text(json.dumps({"environments": {"test": {"scripts": {
        "test": "echo \"testing with $FAIL\"; exit 4"}}}}))
    try:
        result = bin_test(slug, builder, {"FAIL": "maybe"})
    finally:
        (slug / "app.json").unlink()
    assert result.returncode == 4
    assert result.stdout == ("-----> Running app.json's test script: echo \"testing with $FAIL\"; exit 4\n"
                             "testing with maybe\n")


@pytest.mark.slow
@pytest.mark.parametrize("text, error", [
    ('{"environments": {"test": {"scripts": {"test": ["pytest"]}}}}',
     "Error: app.json's environments.test.scripts.test must be a string, not [\"pytest\"]."),
    ('["pytest"]', "Error: app.json could not be read: it is not a JSON object."),
])
def test_an_invalid_app_json_is_an_error_naming_the_key(django_slug, builder, text, error):
    slug = django_slug.build_dir
    (slug / "app.json").write_text(text)
    try:
        result = bin_test(slug, builder)
    finally:
        (slug / "app.json").unlink()
    assert result.returncode == 1
    assert errors(result)[0] == error
    assert "Traceback" not in result.stderr
