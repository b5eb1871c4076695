"""PYTHON_DEPENDENCY_GROUPS chooses the dependency groups to install beside the main
dependencies (uv.lock, pyproject.toml's [dependency-groups]); bin/test-compile adds test and
dev; an app that is its own package (setup.py) is installed itself."""

import subprocess

from tests.apps import plain_app
from tests.conftest import REPO, errors, slug_python

PYPROJECT = """\
[project]
name = "site"
version = "1"
requires-python = ">=3.12"
dependencies = ["six"]

[dependency-groups]
Monitoring = ["iniconfig"]
test = ["pluggy", {include-group = "lint"}]
lint = ["packaging"]
"""


def has(slug, module):
    return slug_python(slug, "-c", f"'import {module}'").returncode == 0


def uv_app(root):
    plain_app(root, {"pyproject.toml": PYPROJECT})
    subprocess.run([str(REPO / ".venv/bin/uv"), "lock", "--quiet"], cwd=root, check=True)
    return root


def test_uv_lock_installs_the_groups_the_config_var_names(builder, tmp_path):
    app = uv_app(tmp_path)
    plain = builder.compile(app)
    assert plain.returncode == 0, plain.log
    assert has(plain.build_dir, "six") and not has(plain.build_dir, "iniconfig") and not has(plain.build_dir, "pluggy")

    chosen = builder.compile(app, config={"PYTHON_DEPENDENCY_GROUPS": "monitoring"})
    assert chosen.returncode == 0, chosen.log
    assert has(chosen.build_dir, "iniconfig") and not has(chosen.build_dir, "pluggy")

    tested = builder.compile(app, config={"PYTHON_DEPENDENCY_GROUPS": "monitoring"}, step="test-compile")
    assert tested.returncode == 0, tested.log
    assert all(has(tested.build_dir, module) for module in ("six", "iniconfig", "pluggy", "packaging"))


def test_an_unknown_group_fails_listing_the_groups_there_are(builder, tmp_path):
    result = builder.compile(uv_app(tmp_path), config={"PYTHON_DEPENDENCY_GROUPS": "monitoring,metrics"})
    assert result.returncode == 1
    assert errors(result) == [
        "Error: PYTHON_DEPENDENCY_GROUPS names metrics, which pyproject.toml does not define.",
        "",
        "The dependency groups of pyproject.toml: lint, monitoring, test.",
        "Set PYTHON_DEPENDENCY_GROUPS to a comma-separated list of some of them (for example",
        "PYTHON_DEPENDENCY_GROUPS=prod,monitoring), or unset it to install the main dependencies only.",
    ]


def test_pyproject_dependency_groups_without_a_lock(builder, tmp_path):
    plain_app(tmp_path, {"pyproject.toml": PYPROJECT})
    result = builder.compile(tmp_path, config={"PYTHON_DEPENDENCY_GROUPS": "test"})
    assert result.returncode == 0, result.log
    assert all(has(result.build_dir, module) for module in ("six", "pluggy", "packaging"))
    assert not has(result.build_dir, "iniconfig")


def test_an_app_with_only_setup_py_is_installed_itself(builder, tmp_path):
    plain_app(tmp_path, {"setup.py": 'from setuptools import setup\n'
                                     'setup(name="site", version="1", py_modules=["app"], install_requires=["six"])\n'})
    result = builder.compile(tmp_path)
    assert result.returncode == 0, result.log
    assert "-----> Installing the app itself, as setup.py makes it a package (-e .)" in result.stdout
    version = slug_python(result.build_dir, "-c", "'import six, importlib.metadata as m; print(m.version(\"site\"))'")
    assert version.stdout.strip() == "1", version.stderr
