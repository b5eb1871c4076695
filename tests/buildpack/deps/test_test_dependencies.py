"""Each source of test dependencies installs its packages in bin/test-compile and not in
bin/compile, the test build syncing the compile build's cached environment: requirements-test.txt
(the classic buildpack's convention), [dependency-groups] dev, [project.optional-dependencies]
test, Pipfile.lock's develop packages. (uv.lock's groups: test_dependency_groups.py; Poetry's
test group: test_poetry.py.)"""

import json

import pytest

from tests.apps import plain_app
from tests.conftest import slug_python

# six is the app's, iniconfig its tests'.
SOURCES = {
    "requirements-test.txt": {"requirements.txt": "six\n", "requirements-test.txt": "iniconfig\n"},
    "[dependency-groups] dev": {"pyproject.toml": '[project]\nname = "site"\nversion = "1"\n'
                                                  'dependencies = ["six"]\n[dependency-groups]\ndev = ["iniconfig"]\n'},
    "[project.optional-dependencies] test": {
        "pyproject.toml": '[project]\nname = "site"\nversion = "1"\ndependencies = ["six"]\n'
                          '[project.optional-dependencies]\ntest = ["iniconfig"]\n'},
    "Pipfile dev-packages": {
        "Pipfile": "[packages]\nsix = '*'\n[dev-packages]\niniconfig = '*'\n",
        "Pipfile.lock": json.dumps({"_meta": {"requires": {"python_version": "3.12"}},
                                    "default": {"six": {"version": "==1.17.0"}},
                                    "develop": {"iniconfig": {"version": "==2.1.0"}}})},
}


def has(slug, module):
    return slug_python(slug, "-c", f"'import {module}'").returncode == 0


@pytest.fixture(scope="module", params=list(SOURCES))
def builds(request, builder, tmp_path_factory):
    """The source, and the app's compile and then test-compile with the same cache."""
    app = plain_app(tmp_path_factory.mktemp("app"), SOURCES[request.param])
    cache = f"cache-{request.param_index}"
    return request.param, builder.compile(app, cache=cache), builder.compile(app, cache=cache, step="test-compile")


@pytest.mark.slow
def test_the_test_packages_are_installed_by_test_compile_only(builds):
    source, compiled, tested = builds
    assert compiled.returncode == 0, compiled.log
    assert has(compiled.build_dir, "six") and not has(compiled.build_dir, "iniconfig")
    assert tested.returncode == 0, tested.log
    assert "-----> Restoring cache\n" in tested.stdout  # the compile build's environment, synced
    assert has(tested.build_dir, "six") and has(tested.build_dir, "iniconfig")
    if source == "requirements-test.txt":
        assert "-----> Installing dependencies with uv from requirements.txt and requirements-test.txt\n" in tested.stdout
