"""Reading requirements files: what they include, reference and pin, in pip's syntax."""

import json
import re
from pathlib import Path

from buildpack.log import messages
from buildpack.log.output import BuildError

_INCLUDE = re.compile(r"^\s*(?:-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)")
_VARIABLE = re.compile(r"\$\{([A-Z0-9_]+)\}")  # the only form pip and uv expand
_REQUIRE_HASHES = re.compile(r"^\s*--require-hashes\b", re.MULTILINE)
_LOCAL_OR_VCS = re.compile(r"^\s*(?:-e|--editable)\b|^\s*\.{0,2}/|(?:git|hg|svn|bzr)\+|\bfile:", re.MULTILINE)
_PINNED_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*==", re.MULTILINE)
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)", re.MULTILINE)
_HASH = re.compile(r"--hash[=\s]\s*(\S+)")
_ARCHIVES = (".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar")


def files(path):
    """The requirements file and every file it includes with -r/-c, recursively."""
    found = []
    pending = [Path(path)]
    while pending:
        current = pending.pop()
        if current in found or not current.is_file():
            continue
        found.append(current)
        for line in current.read_text(errors="replace").splitlines():
            match = _INCLUDE.match(line)
            if match and "://" not in match.group(1):
                pending.append(current.parent / match.group(1))
    return found


def variables(paths):
    """Names of the ${VAR}s the files reference (private index tokens and the like)."""
    return sorted({name for path in paths for name in _VARIABLE.findall(path.read_text(errors="replace"))})


def has_local_or_vcs(paths):
    """True when a requirement points at a folder or a repository: its content can change
    while the file stays the same, so the install cannot be skipped."""
    return any(_LOCAL_OR_VCS.search(path.read_text(errors="replace")) for path in paths)


def requires_hashes(paths):
    """True when a file turns on --require-hashes: then every requirement must be pinned with
    its hashes, one named on the command line too."""
    return any(_REQUIRE_HASHES.search(path.read_text(errors="replace")) for path in paths)


def hashes(paths):
    """{requirement: its --hash lists} for the hash-pinned requirements of the files, one
    list per line that pins it (a constraints file may pin it too). A requirement is its
    normalised name, or its path or URL when it has no name (see `is_name`)."""
    found = {}
    for path in paths:
        text = re.sub(r"\\\n", " ", path.read_text(errors="replace"))  # continued lines joined
        for line in text.splitlines():
            line = re.sub(r"(^|\s)#.*", "", line).strip()
            pinned = sorted(_HASH.findall(line))
            if pinned and not line.startswith("-"):
                found.setdefault(_requirement_key(line), []).append(pinned)
    return {key: sorted(lists) for key, lists in found.items()}


def _requirement_key(line):
    first = line.split()[0].split(";")[0]
    name = _NAME.match(first)
    if not name or re.search(r"[/:@]", first) or first.endswith(_ARCHIVES):
        return first  # a path or URL
    return normalise(name.group(1))


def is_name(requirement):
    """True for a requirement of `hashes` that is a package's name (not a path or URL)."""
    return re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", requirement) is not None


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def top_level_names(path):
    """Normalised names of the requirements listed in a .in file (not options or URLs)."""
    names = set()
    for line in Path(path).read_text(errors="replace").splitlines():
        line = line.split(" #")[0].strip()
        if not line or line.startswith(("#", "-")) or "://" in line.split("@")[0]:
            continue
        match = _NAME.match(line)
        if match:
            names.add(normalise(match.group(1)))
    return names


def pinned_names(path):
    """Normalised names pinned with == in a lock file such as pip-compile's output."""
    return {normalise(name) for name in _PINNED_NAME.findall(Path(path).read_text(errors="replace"))}


def from_pyproject(project, extra_groups=()):
    """Requirement lines for pyproject [project] dependencies (plus optional groups)."""
    lines = list(project.get("dependencies", []))
    optional = project.get("optional-dependencies", {})
    for group in extra_groups:
        lines += optional.get(group, [])
    return "\n".join(lines) + "\n"


def from_pipfile_lock(path, sections=("default",)):
    """Requirement lines, with hashes, for the packages of a Pipfile.lock."""
    try:
        lock = json.loads(Path(path).read_text())
    except ValueError as exc:
        raise BuildError(messages.invalid_pipfile_lock(f"it is not valid JSON: {exc}")) from None
    except RecursionError:
        raise BuildError(messages.invalid_pipfile_lock("its values are nested too deeply")) from None
    if not isinstance(lock, dict):
        raise BuildError(messages.invalid_pipfile_lock("it is not a JSON object"))
    lines = []
    for section in sections:
        packages = lock.get(section, {})
        if not isinstance(packages, dict) or not all(isinstance(spec, dict) for spec in packages.values()):
            raise BuildError(messages.invalid_pipfile_lock(f'its "{section}" section is not an object of packages'))
        for name, spec in sorted(packages.items()):
            extras = f"[{','.join(spec['extras'])}]" if spec.get("extras") else ""
            marker = f"; {spec['markers']}" if spec.get("markers") else ""
            if "git" in spec:
                ref = f"@{spec['ref']}" if spec.get("ref") else ""
                lines.append(f"{name}{extras} @ git+{spec['git']}{ref}{marker}")
            elif "path" in spec:
                prefix = "-e " if spec.get("editable") else ""
                lines.append(f"{prefix}{spec['path']}{marker}")
            else:
                hashes = "".join(f" --hash={h}" for h in spec.get("hashes", []))
                lines.append(f"{name}{extras}{spec.get('version', '')}{marker}{hashes}")
    return "\n".join(lines) + "\n"
