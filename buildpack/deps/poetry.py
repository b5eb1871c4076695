"""poetry.lock: whether it is up to date with pyproject.toml, which groups it has, and what
`poetry sync --only <groups>` installs from it, as requirement lines when that can be said
without Poetry.

Each rule here is Poetry's own (poetry/packages/locker.py and puzzle/transaction.py of
Poetry 2.5): the content-hash, and, for a lock of version 2.1 or later, the groups and
markers it records for every package.
"""

import hashlib
import json
import re

from buildpack.deps.requirements import normalise
from buildpack.log import messages
from buildpack.log.output import BuildError

MAIN = "main"

_LEGACY_KEYS = ("dependencies", "source", "extras", "dev-dependencies")
_RELEVANT_KEYS = (*_LEGACY_KEYS, "group")
_RELEVANT_PROJECT_KEYS = ("requires-python", "dependencies", "optional-dependencies")
_GENERATED_BY = re.compile(r"Poetry ([0-9]+)\.([0-9]+)")


def check(lock_text, lock, pyproject):
    """Refuse a lock that is not Poetry's or is out of date with pyproject.toml (`lock` is the
    parsed lock_text, `pyproject` the parsed pyproject.toml)."""
    metadata = lock.get("metadata")
    if not isinstance(metadata, dict) or not isinstance(metadata.get("content-hash"), str):
        raise BuildError(messages.invalid_poetry_lock("it has no [metadata] table with a content-hash"))
    if not isinstance(lock.get("package", []), list) or not all(
            isinstance(package, dict) and isinstance(package.get("name"), str) for package in lock.get("package", [])):
        raise BuildError(messages.invalid_poetry_lock("its [[package]] entries are not tables with a name"))
    if not is_fresh(lock_text, metadata["content-hash"], pyproject):
        raise BuildError(messages.stale_poetry_lock())


def is_fresh(lock_text, recorded, pyproject):
    """Poetry's Locker.is_fresh: locks written before Poetry 2.3 hashed no [dependency-groups]."""
    if content_hash(pyproject) == recorded:
        return True
    generated_by = _GENERATED_BY.search(lock_text.partition("\n")[0])
    if generated_by and tuple(map(int, generated_by.groups())) < (2, 3):
        return content_hash(pyproject, with_dependency_groups=False) == recorded
    return False


def content_hash(pyproject, with_dependency_groups=True):
    """Poetry's Locker._get_content_hash of a parsed pyproject.toml."""
    project = pyproject.get("project", {})
    groups = pyproject.get("dependency-groups", {}) if with_dependency_groups else {}
    poetry = pyproject.get("tool", {}).get("poetry", {})
    relevant_project = {key: project[key] for key in _RELEVANT_PROJECT_KEYS if project.get(key) is not None}
    relevant_poetry = {}
    for key in _RELEVANT_KEYS:
        value = poetry.get(key)
        # The legacy keys are hashed even when absent, unless [project] or groups have content.
        if value is None and (key not in _LEGACY_KEYS or relevant_project or groups):
            continue
        relevant_poetry[key] = value
    relevant = {}
    if relevant_project:
        relevant["project"] = relevant_project
    if groups:
        relevant["dependency-groups"] = groups
    if relevant:
        relevant["tool"] = {"poetry": relevant_poetry}
    else:
        relevant = relevant_poetry  # as Poetry 1 hashed it, at the top level
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()


def groups(pyproject):
    """The normalised names of the project's dependency groups, main included, as Poetry sees
    them: [tool.poetry.group.*], the legacy dev-dependencies (group dev), [dependency-groups]."""
    poetry = pyproject.get("tool", {}).get("poetry", {})
    names = {MAIN} | set(poetry.get("group", {})) | set(pyproject.get("dependency-groups", {}))
    if "dev-dependencies" in poetry:
        names.add("dev")
    return sorted({normalise(name) for name in names})


def package_mode(pyproject):
    """Whether Poetry installs the project itself too (package-mode = false says no)."""
    return pyproject.get("tool", {}).get("poetry", {}).get("package-mode", True) is not False


def why_not_exportable(lock, wanted):
    """Why the lock's packages for these groups cannot be written as requirement lines that
    install exactly what Poetry would, or None when they can."""
    version = str(lock["metadata"].get("lock-version", "1.0")).split(".")
    if tuple(int(part) if part.isdigit() else 0 for part in version[:2]) < (2, 1):
        return "its lock-version is older than 2.1 (it records no groups and markers per package)"
    for package in _selected(lock, wanted):
        if "source" in package:
            return f"{package['name']} comes from a {package['source'].get('type', 'other')} source"
    return None


def export(lock, wanted, root=None):
    """Requirement lines, with hashes, for what `poetry sync --only <wanted>` installs (and
    the project at `root` itself, editable, as Poetry does in package mode), from a lock that
    `why_not_exportable` passes."""
    lines = [f"-e {root}"] if root else []
    for package, marker in ((p, _marker(p, wanted)) for p in _selected(lock, wanted)):
        hashes = "".join(f" \\\n    --hash={item['hash']}" for item in package.get("files", []) if item.get("hash"))
        lines.append(f"{package['name']}=={package['version']}{f' ; {marker}' if marker else ''}{hashes}")
    return "\n".join(lines) + "\n"


def has_local_or_vcs(lock, wanted):
    """Whether a selected package comes from a folder, a file, a URL or a repository, whose
    content can change while the lock stays the same."""
    return any(package.get("source", {}).get("type") in ("directory", "file", "url", "git")
               for package in _selected(lock, wanted))


def hashes(lock, wanted):
    """{normalised name: [its sorted hashes]} of the selected packages, in the shape of
    requirements.hashes, so that the cached install is trusted on the same grounds."""
    found = {}
    for package in _selected(lock, wanted):
        pinned = sorted(item["hash"] for item in package.get("files", []) if item.get("hash"))
        if pinned:
            found[normalise(package["name"])] = [pinned]
    return found


def _selected(lock, wanted):
    """The lock's packages in one of the wanted groups (a lock before 2.1 names none)."""
    return [package for package in lock.get("package", [])
            if {normalise(group) for group in package.get("groups", [])} & set(wanted)]


def _marker(package, wanted):
    """The union of the package's markers for the wanted groups, None for "always". Poetry
    evaluates them with no extra requested, as installers evaluate `extra` in a requirement line."""
    markers = package.get("markers", "*")
    if isinstance(markers, str):
        markers = {group: markers for group in package.get("groups", [])}
    chosen = [markers.get(group, "*") for group in package.get("groups", []) if normalise(group) in wanted]
    if not chosen or "*" in chosen:
        return None
    unique = list(dict.fromkeys(chosen))
    return unique[0] if len(unique) == 1 else " or ".join(f"({marker})" for marker in unique)
