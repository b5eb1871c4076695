"""Read TOML files (pyproject.toml) on every Python the build runs on.

Uses the standard library's tomllib where it exists (3.11+); build hosts with an older
python3 get tomli (`_tomli/`, vendored unchanged), the reader tomllib was made from, so
both accept and refuse the same files with the same messages.
"""

import functools

from buildpack.log import messages
from buildpack.log.output import BuildError, warning


def load(path):
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        warning(messages.toml_not_utf8(path.name, data.count(b"\n", 0, exc.start) + 1))
        text = data.decode("utf-8-sig", errors="replace")
    try:
        return _parse(text)
    except ValueError as exc:  # TOMLDecodeError is a ValueError
        raise BuildError(messages.invalid_toml(path.name, str(exc))) from None
    except RecursionError:  # both readers go one call deeper per nested array or table
        raise BuildError(messages.invalid_toml(
            path.name, "arrays or inline tables are nested too deeply (within each other)")) from None


def _parse(text):
    # imported here: most builds read no TOML, and it costs 10 ms to import
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        from buildpack.toml import _tomli as tomllib
    return tomllib.loads(text)


@functools.cache  # three steps of a build ask; read the file once
def project_table(pyproject):
    """The [project] table of a pyproject.toml, checked to have the shapes the build reads
    (not to be changed by the caller: each call gets the same table)."""
    project = load(pyproject).get("project", {})
    if not isinstance(project, dict):
        raise BuildError(messages.invalid_pyproject("[project] is not a table"))
    if not isinstance(project.get("requires-python", ""), str):
        raise BuildError(messages.invalid_pyproject('requires-python is not a string such as ">=3.12"'))
    groups = {"dependencies": project.get("dependencies", []),
              **{f"optional-dependencies.{name}": value
                 for name, value in _table(project.get("optional-dependencies", {})).items()}}
    for name, value in groups.items():
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise BuildError(messages.invalid_pyproject(
                f'{name} is not a list of requirement strings such as ["django>=5.2"]'))
    return project


def _table(value):
    if not isinstance(value, dict):
        raise BuildError(messages.invalid_pyproject("optional-dependencies is not a table"))
    return value
