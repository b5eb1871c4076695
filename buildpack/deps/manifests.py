"""Which file lists the app's dependencies.

One source of dependencies per app: `REQUIREMENTS_FILE` names it, else exactly one of
requirements.txt (with or without the requirements.in it was compiled from),
requirements.in, uv.lock, Pipfile.lock, poetry.lock, or pyproject.toml with [project]
dependencies. Failing those, an app that is a package itself (setup.py, or a pyproject.toml
with a build system) is installed as such.
"""

import os
import re
from collections import namedtuple
from pathlib import Path

from buildpack import config_vars, toml
from buildpack.log import messages
from buildpack.log.output import BuildError

# kind: "requirements" | "requirements.in" | "pyproject" | "uv.lock" | "Pipfile.lock" | "poetry.lock"
# | "project" (the app itself; path is the file that makes it a package)
Manifest = namedtuple("Manifest", "kind path")

_COMPILED_FROM = re.compile(r"^#\s+(?:pip-compile|uv pip compile)\b.*?\bpyproject\.toml\b", re.MULTILINE)


def kind_of(path):
    name = path.name
    if name == "pyproject.toml":
        return "pyproject"
    if name in ("uv.lock", "Pipfile.lock", "poetry.lock"):
        return name
    if name.endswith(".in"):
        return "requirements.in"
    return "requirements"


def choose(app_dir, config):
    app_dir = Path(app_dir)
    path = config_vars.path_in_app(app_dir, config, "REQUIREMENTS_FILE")
    if path:
        if not os.path.isfile(path):  # False for a name too long to be a file, too
            raise BuildError(messages.requirements_file_missing(config["REQUIREMENTS_FILE"]))
        return Manifest(kind_of(path), path.relative_to(app_dir))

    candidates = []
    if (app_dir / "requirements.txt").is_file():
        candidates.append("requirements.txt")
    elif (app_dir / "requirements.in").is_file():
        candidates.append("requirements.in")
    for name in ("uv.lock", "Pipfile.lock", "poetry.lock"):
        if (app_dir / name).is_file():
            candidates.append(name)
    if _has_project_dependencies(app_dir) and not ({"uv.lock", "poetry.lock"} & set(candidates)):
        if not _compiled_from_pyproject(app_dir / "requirements.txt"):
            candidates.append("pyproject.toml")

    if len(candidates) > 1:
        raise BuildError(messages.several_manifests(candidates))
    if not candidates:
        if (app_dir / "Pipfile").is_file():
            raise BuildError(messages.pipfile_without_lock())
        return _the_app_itself(app_dir)
    return Manifest(kind_of(app_dir / candidates[0]), Path(candidates[0]))


def _the_app_itself(app_dir):
    """With no dependency file: the app, when it is a package (its build system installs it
    with its dependencies), else the error that says what to add."""
    pyproject = app_dir / "pyproject.toml"
    data = toml.load(pyproject) if pyproject.is_file() else None
    if data is not None and {"dependencies", "group", "dev-dependencies"} & set(_poetry_table(data)):
        raise BuildError(messages.poetry_project_without_lock())
    if (app_dir / "setup.py").is_file():
        return Manifest("project", Path("setup.py"))
    if data is None:
        raise BuildError(messages.no_manifest())
    if "build-system" in data or "dependencies" in toml.project_table(pyproject).get("dynamic", []):
        return Manifest("project", Path("pyproject.toml"))
    raise BuildError(messages.pyproject_without_dependencies())


def _poetry_table(pyproject):
    tool = pyproject.get("tool", {})
    poetry = tool.get("poetry", {}) if isinstance(tool, dict) else {}
    return poetry if isinstance(poetry, dict) else {}


def _has_project_dependencies(app_dir):
    pyproject = app_dir / "pyproject.toml"
    return pyproject.is_file() and "dependencies" in toml.project_table(pyproject)


def _compiled_from_pyproject(requirements_txt):
    """A requirements.txt that pip-compile or uv made from pyproject.toml is its lock."""
    try:
        return bool(_COMPILED_FROM.search(requirements_txt.read_text(errors="replace")))
    except OSError:
        return False
