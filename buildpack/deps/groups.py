"""Dependency groups (PEP 735's [dependency-groups], uv's and Poetry's groups): which ones a
build installs beside the main dependencies.

The PYTHON_DEPENDENCY_GROUPS config var names some (comma-separated); bin/test-compile adds
the test and dev groups, those that exist.
"""

from buildpack.deps.requirements import normalise
from buildpack.log import messages
from buildpack.log.output import BuildError

VARIABLE = "PYTHON_DEPENDENCY_GROUPS"
TEST_GROUPS = ("test", "dev")


def chosen(config, available, manifest, install_test):
    """The normalised groups to install, in order: the config var's (each one of `available`,
    else an error naming `manifest`), then for test-compile the test groups it has."""
    asked = [normalise(name.strip()) for name in config.get(VARIABLE, "").split(",") if name.strip()]
    unknown = [name for name in asked if name not in available]
    if unknown:
        raise BuildError(messages.unknown_dependency_groups(unknown, manifest, sorted(available)))
    tests = [name for name in TEST_GROUPS if name in available] if install_test else []
    return list(dict.fromkeys(asked + tests))


def of_pyproject(pyproject):
    """{normalised name: its entries} of pyproject.toml's [dependency-groups], checked."""
    table = pyproject.get("dependency-groups", {})
    if not isinstance(table, dict) or not all(isinstance(entries, list) for entries in table.values()):
        raise BuildError(messages.invalid_pyproject("[dependency-groups] is not a table of lists"))
    return {normalise(name): entries for name, entries in table.items()}


def requirements(table, name, including=()):
    """The requirement strings of group `name`, its {include-group = "..."} entries expanded."""
    if name in including:
        raise BuildError(messages.invalid_pyproject(f"dependency group {name} includes itself"))
    if name not in table:
        raise BuildError(messages.invalid_pyproject(f"a dependency group includes {name}, which is not defined"))
    found = []
    for entry in table[name]:
        if isinstance(entry, str):
            found.append(entry)
        elif isinstance(entry, dict) and isinstance(entry.get("include-group"), str):
            found += requirements(table, normalise(entry["include-group"]), (*including, name))
        else:
            raise BuildError(messages.invalid_pyproject(
                f"dependency group {name} has an entry that is neither a requirement string nor"
                " an {include-group = \"...\"} table"))
    return found
