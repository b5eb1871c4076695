"""Which Python version the app asks for, and which interpreter satisfies it.

Precedence (docs/buildpack.md): `.python-version`, then `runtime.txt` (legacy), then
`requires-python` in pyproject.toml, then the default (DEFAULT_MINOR) when it is on the
machine or can be downloaded, else the newest supported version available.
The choice is returned with its warnings; the build prints them and runs any download.
"""

import re
from collections import namedtuple
from pathlib import Path

from buildpack import toml
from buildpack.log import messages
from buildpack.log.output import BuildError

# The supported minors and the newest patch of each known to exist (bump on new releases).
LATEST_PATCH = {(3, 10): 21, (3, 11): 16, (3, 12): 14, (3, 13): 15, (3, 14): 7}
SUPPORTED_RANGE = "{}.{} to {}.{}".format(*min(LATEST_PATCH), *max(LATEST_PATCH))
# For an app that names no version: Heroku's default since late 2025.
DEFAULT_MINOR = (3, 14)
# What asks for a free-threaded build (`3.14t`, as pyenv and uv write it; uv's `3.14+freethreaded`),
# which the build does not provide.
FREE_THREADED_SUFFIXES = ("t", "+freethreaded")

# Names people give the version file by mistake. Checked first: a misspelled file would
# otherwise be ignored without a word and the build would use some other version.
MISSPELLED_FILES = (
    ".python-version.txt", ".python_version", ".pythonversion", ".python-versions",
    ".python-verson", ".pyhton-version", ".python-version ", "python-version",
    "python_version", "python-version.txt", ".Python-version", ".PYTHON-VERSION",
    "runtime.text", "runtime.txt.txt", "Runtime.txt", "runtime-txt", ".runtime.txt",
    "runtime.txt ", "runtimes.txt",
)

# At most four digits a part: int() of a longer run is slow (and refused past 4300 digits).
VERSION_RE = re.compile(r"^(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?$")
RUNTIME_TXT_RE = re.compile(r"^python-(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?$")
CLAUSE_RE = re.compile(r"^\s*(===|==|!=|~=|>=|<=|>|<)\s*(\d{1,4}(?:\.\d{1,4})*)(\.\*)?\s*$")

# What the app asked for. A pin has `version` (2 or 3 numbers); requires-python has
# `specifier`; no source at all has neither. `origin` names the file for the log.
Request = namedtuple("Request", "version specifier origin")

# What to build with: an Interpreter of the machine, the log line that says why (`origin`)
# and the warnings to show; or, when none fits but uv may fetch one, only the version to
# `download`, after which the build chooses again among what is there.
Choice = namedtuple("Choice", "interpreter origin warnings download", defaults=((), None))


def dotted(version):
    return ".".join(str(part) for part in version)


def requested_version(app_dir):
    """(the app's Request, warnings): from the first source in precedence order that exists."""
    app_dir = Path(app_dir)
    for name in MISSPELLED_FILES:
        if (app_dir / name).is_file():
            raise BuildError(messages.misspelled_version_file(name))

    python_version = app_dir / ".python-version"
    runtime_txt = app_dir / "runtime.txt"
    for path in (python_version, runtime_txt):
        if path.is_dir():
            raise BuildError(messages.folder_not_file(path.name, "the Python version to use"))
    if python_version.is_file():
        request = _read_pin(python_version, VERSION_RE, "3.13 (recommended) or 3.13.1", "3.13")
        return request, [messages.runtime_txt_ignored()] if runtime_txt.is_file() else []
    if runtime_txt.is_file():
        request = _read_pin(runtime_txt, RUNTIME_TXT_RE, "python-3.13.1", "python-3.13")
        return request, [messages.runtime_txt_deprecated(dotted(request.version[:2]))]
    pyproject = app_dir / "pyproject.toml"
    if pyproject.is_file():
        specifier = toml.project_table(pyproject).get("requires-python")
        if specifier:
            _refuse_free_threaded_specifier(pyproject, specifier)
            _parse_specifier(specifier)  # fail early on a malformed one
            return Request(None, specifier, "requires-python in pyproject.toml"), []
    return Request(None, None, None), []


def _read_pin(path, pattern, example, sample):
    """The Request of a version file; `example` describes valid lines, `sample` is one."""
    try:
        text = path.read_bytes().decode("utf-8-sig")  # a UTF-8 BOM is tolerated
    except UnicodeDecodeError:
        raise BuildError(messages.unreadable_version_file(path.name, sample)) from None
    if "\x00" in text:  # UTF-16 and friends decode "successfully" with NULs in between
        raise BuildError(messages.unreadable_version_file(path.name, sample))
    lines = [
        (number, line.strip())
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.strip().startswith("#")
    ]
    if not lines:
        raise BuildError(messages.empty_version_file(path.name, sample))
    if len(lines) > 1:
        raise BuildError(messages.several_versions(path.name, lines))
    number, line = lines[0]
    match = pattern.match(line)
    if not match:
        standard = without_free_threading(line, pattern)
        if standard is not None:
            version = dotted(part for part in pattern.match(standard).groups() if part is not None)
            raise BuildError(messages.free_threaded(path.name, number, line, version, standard))
        raise BuildError(messages.invalid_version(path.name, number, line, example))
    version = tuple(int(part) for part in match.groups() if part is not None)
    return Request(version, None, path.name)


def without_free_threading(text, pattern):
    """`text` without the suffix that asks for a free-threaded build (`3.14t` gives `3.14`) when
    the rest is what `pattern` accepts; None for any other text."""
    for suffix in FREE_THREADED_SUFFIXES:
        rest = text.removesuffix(suffix)
        if rest != text and pattern.match(rest):
            return rest
    return None


def standard_specifier(specifier):
    """(the requires-python `specifier` without free-threaded suffixes, the first version that
    had one) when a clause asks for a free-threaded build (`>=3.14t`); None otherwise."""
    clauses, first = [], None
    for clause in specifier.split(","):
        standard = without_free_threading(clause.strip(), CLAUSE_RE)
        if standard is not None:
            first = first or CLAUSE_RE.match(standard).group(2)
            clause = clause.replace(clause.strip(), standard)
        clauses.append(clause)
    return (",".join(clauses), first) if first else None


def _refuse_free_threaded_specifier(pyproject, specifier):
    standard = standard_specifier(specifier)
    if standard is None:
        return
    fixed, version = standard
    text = pyproject.read_bytes().decode("utf-8-sig", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        if specifier in line:  # the line that holds it, to name and show fixed
            raise BuildError(messages.free_threaded(pyproject.name, number, line.strip(), version,
                                                    line.strip().replace(specifier, fixed)))
    raise BuildError(messages.free_threaded(pyproject.name, None, specifier, version, fixed))


def _parse_specifier(specifier):
    """PEP 440 clauses of a requires-python value, as (operator, version tuple, wildcard)."""
    clauses = []
    for text in specifier.split(","):
        match = CLAUSE_RE.match(text)
        if not match:
            raise BuildError(messages.invalid_requires_python(specifier))
        operator, version, wildcard = match.groups()
        clauses.append((operator, tuple(int(p) for p in version.split(".")), bool(wildcard)))
    return clauses


def _satisfies(version, clauses):
    for operator, wanted, wildcard in clauses:
        if wildcard or operator in ("==", "===", "!="):
            same = version[: len(wanted)] == wanted if wildcard else _pad(version) == _pad(wanted)
            if same != (operator != "!="):
                return False
            continue
        if operator == "~=":
            prefix = wanted[:-1]
            if version < wanted or version[: len(prefix)] != prefix:
                return False
            continue
        mine, theirs = _pad(version), _pad(wanted)
        ok = {">=": mine >= theirs, "<=": mine <= theirs,
              ">": mine > theirs, "<": mine < theirs}[operator]
        if not ok:
            return False
    return True


def _pad(version):
    return tuple(version) + (0,) * (3 - len(version))


def choose(request, available, may_download=True):
    """The Choice for the Request, given the Interpreters found on the machine.

    When none fits, the Choice asks uv to download a version if `may_download`; else (the
    download was tried, or uv is not there) the BuildError says what can be used instead.
    """
    # Newest minor first; within a minor, self-contained interpreters before a distro's.
    local = sorted(available, key=lambda i: (i.version[:2], not i.system, i.version), reverse=True)
    supported = [i for i in local if i.version[:2] in LATEST_PATCH]

    def download(version, error):
        if may_download and version:
            return Choice(None, None, download=version)
        raise BuildError(error)

    if request.version is None and request.specifier is None:
        default = [i for i in supported if i.version[:2] == DEFAULT_MINOR]
        if default:
            chosen = default[0]
            return Choice(chosen, f"No Python version was specified. Using Python {dotted(chosen.version)}, "
                                  "the default", [messages.no_version_default(dotted(DEFAULT_MINOR))])
        if may_download or not supported:
            return download(dotted(DEFAULT_MINOR), messages.no_python_available(_choices(local)))
        chosen = supported[0]  # the default could not be had: the newest there is
        return Choice(chosen, f"No Python version was specified. Using Python {dotted(chosen.version)}",
                      [messages.no_version_specified(dotted(chosen.version[:2]))])

    if request.specifier is not None:
        clauses = _parse_specifier(request.specifier)
        matching = [i for i in supported if _satisfies(i.version, clauses)]
        if not matching:  # uv may download the newest supported minor that matches
            downloadable = [minor for minor in sorted(LATEST_PATCH, reverse=True)
                            if _satisfies((*minor, LATEST_PATCH[minor]), clauses)]
            return download(dotted(downloadable[0]) if downloadable else None,
                            messages.no_python_for_specifier(request.specifier, _choices(local)))
        chosen = matching[0]
        return Choice(chosen, f"Using Python {dotted(chosen.version)}, the newest available that "
                              f"matches {request.specifier} ({request.origin})")

    wanted = request.version
    shown = dotted(wanted)
    if wanted[:2] < min(LATEST_PATCH):
        raise BuildError(messages.end_of_life(shown, request.origin, SUPPORTED_RANGE))
    same_minor = [i for i in supported if i.version[:2] == wanted[:2]]
    if wanted[:2] not in LATEST_PATCH or (
        len(wanted) == 3 and wanted[2] > LATEST_PATCH[wanted[:2]]
        and not any(i.version == wanted for i in same_minor)
    ):
        raise BuildError(messages.unknown_version(shown, request.origin, _choices(local)))

    if not same_minor:
        return download(shown, messages.version_unavailable(shown, request.origin, _choices(local)))
    origin = f"Using Python {shown} specified in {request.origin}"
    if len(wanted) == 2:
        return Choice(same_minor[0], origin)
    exact = [i for i in same_minor if i.version == wanted]
    if exact:
        return Choice(exact[0], origin)
    chosen = same_minor[0]
    return Choice(chosen, origin, [messages.patch_unavailable(shown, dotted(chosen.version), request.origin)])


def _choices(local):
    """What the user can ask for: the supported range, and what this machine has."""
    here = [dotted(i.version) for i in local if i.version[:2] in LATEST_PATCH]
    return SUPPORTED_RANGE, here
