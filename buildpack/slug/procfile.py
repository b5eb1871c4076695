"""The Procfile, the slug's list of process types: parsed strictly, line-numbered, in order.

Grammar (the common ground of Heroku, foreman and honcho): blank lines and lines whose first
non-space character is `#` are skipped; every other line is `name: command` with a name of
letters, digits, `_` and `-`. Unlike honcho, which silently drops lines it cannot read, a
malformed line, a duplicate name or an empty Procfile is a Problem naming the line.
Commands are kept verbatim for the shell: no `$VAR` substitution here. Parsing returns data;
the build and `runtime` decide what to make of the problems.
"""

import re
from dataclasses import dataclass, field

from buildpack.config_vars import MAX_ARG_STRLEN
from buildpack.log.messages import excerpt

# The command is stripped afterwards: `.*?\s*$` here took time quadratic in a line's spaces.
ENTRY = re.compile(r"^\s*(?P<name>[^:\s]+)\s*:(?P<command>.*)$")
VALID_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
# Kubernetes object names and the CNB Procfile spec accept RFC 1123 labels only.
KUBERNETES_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
EXAMPLE = "web: gunicorn mysite.wsgi"


@dataclass
class Entry:
    name: str
    command: str
    line: int


@dataclass
class Problem:
    """One finding about a Procfile line; `line` is None for the file as a whole."""

    line: int | None
    message: str
    fix: str


@dataclass
class Procfile:
    path: str
    entries: dict = field(default_factory=dict)  # name -> Entry, in file order
    errors: list = field(default_factory=list)  # Problems that make the Procfile unusable
    warnings: list = field(default_factory=list)  # Problems worth fixing, not fatal

    def names(self):
        return list(self.entries)

    def position(self, name):
        """Index of the type in the Procfile: the stable basis of its port numbers."""
        return self.names().index(name)

    def where(self, problem):
        return f"{self.path}:{problem.line}" if problem.line else self.path


def kubernetes_name(name):
    """The name Kubernetes and the CNB Procfile spec would use instead of `name`."""
    return name.lower().replace("_", "-").strip("-")[:63].rstrip("-")


def parse(text, path="Procfile"):
    """Parse Procfile text into a Procfile holding its entries, errors and warnings."""
    procfile = Procfile(path)
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = ENTRY.match(line)
        if not match:
            procfile.errors.append(Problem(
                number, f"expected `name: command`, found `{excerpt(line.strip())}`",
                f"write the line as `{EXAMPLE}`, or start it with `#` to make it a comment"))
            continue
        name, command = match["name"], match["command"].strip()
        shown = excerpt(name)
        if not VALID_NAME.match(name):
            suggestion = kubernetes_name(re.sub("[^A-Za-z0-9_-]", "-", name)) or "web"
            procfile.errors.append(Problem(
                number, f"process type `{shown}` may only contain letters, digits, `_` and `-`",
                f"rename it, e.g. `{suggestion}`"))
        elif not command:
            procfile.errors.append(Problem(
                number, f"process type `{shown}` has no command",
                f"add the command after the colon, e.g. `{EXAMPLE}`"))
        elif name in procfile.entries:
            first = procfile.entries[name].line
            procfile.errors.append(Problem(
                number, f"duplicate process type `{shown}` (first defined on line {first})",
                "keep one of the two lines, or rename one of them"))
        else:
            procfile.entries[name] = Entry(name, command, number)
            size = len(command.encode())
            if size >= MAX_ARG_STRLEN:  # a type, so that `runtime run TYPE` says why it cannot run
                procfile.errors.append(Problem(
                    number, f"the command of `{shown}` is {size} bytes long: Linux takes no argument "
                    f"of {MAX_ARG_STRLEN} bytes ({MAX_ARG_STRLEN // 1024} KiB) or more",
                    f"move it into a script (for example bin/{shown}.sh) and run that"))
            if not KUBERNETES_NAME.match(name):
                normal = kubernetes_name(name)
                procfile.warnings.append(Problem(
                    number, f"process type `{shown}` is not a valid Kubernetes name "
                    "(lowercase letters, digits and `-`, at most 63 characters); "
                    f"Kubernetes and Cloud Native Buildpacks would call it `{normal}`",
                    f"rename it to `{normal}` to keep one name everywhere"))
    if not procfile.entries and not procfile.errors:
        procfile.errors.append(Problem(None, "no processes defined",
                                       f"add one `name: command` line, e.g. `{EXAMPLE}`"))
    return procfile
