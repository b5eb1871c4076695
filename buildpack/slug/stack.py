"""The stack a slug was built on: the build machine's OS. The slug's Python and packages are
linked against that OS's libraries, so whatever runs the slug elsewhere (an image's base)
checks that it is the same OS release.

The record is the file `.heroku/stack` in the slug: one line, `ID-VERSION_ID` from the build
machine's os-release (`debian-12`, `ubuntu-24.04`), then a newline. A slug built before the
buildpack wrote it has none. A host's `STACK` (heroku-24) is not what is recorded: it names
an OS (HOST_STACKS), and the build machine's is the one the slug is linked against; the two
differ only off the host, which `host_stack_warning` says.

Whether the slug's Python is the distribution's own is not recorded a second time: the slug's
`.heroku/python` is then a virtual environment, whose pyvenv.cfg names the interpreter.
"""

import shlex
from dataclasses import dataclass
from pathlib import Path

from buildpack import files
from buildpack.log import messages
from buildpack.slug import PYTHON_HOME

PATH = Path(".heroku") / "stack"
# Where os-release(5) says to look, in its order.
OS_RELEASE_FILES = ("/etc/os-release", "/usr/lib/os-release")


@dataclass(frozen=True)
class Stack:
    id: str  # os-release's ID: debian, ubuntu
    version_id: str  # os-release's VERSION_ID: 12, 24.04

    @property
    def name(self):
        return f"{self.id}-{self.version_id}"

    def __str__(self):
        return f"{self.id} {self.version_id}"

    @classmethod
    def from_name(cls, name):
        """The Stack of a name `ID-VERSION_ID`; an ID may hold a dash (opensuse-leap), a
        VERSION_ID holds none."""
        id, _, version_id = name.rpartition("-")
        return cls(id, version_id)


# The stacks hosts name in STACK, and the OS each one builds and runs on.
HOST_STACKS = {
    "heroku-22": Stack("ubuntu", "22.04"),
    "heroku-24": Stack("ubuntu", "24.04"),
    "heroku-26": Stack("ubuntu", "26.04"),
    "scalingo-22": Stack("ubuntu", "22.04"),
    "scalingo-24": Stack("ubuntu", "24.04"),
    "scalingo-26": Stack("ubuntu", "26.04"),
}


def host_stack_warning(value, machine):
    """The warning for a host's STACK `value` on a build machine running `machine` (a Stack),
    or None: the build goes on either way, on this machine's Pythons, and records its OS."""
    if value not in HOST_STACKS:
        return messages.unknown_stack(value, list(HOST_STACKS), str(machine))
    if HOST_STACKS[value] != machine:
        return messages.stack_not_this_machine(value, str(HOST_STACKS[value]), str(machine))
    return None


def parse_os_release(text):
    """The KEY=value lines of an os-release file as a dict; values unquoted as a shell would."""
    release = {}
    for line in text.splitlines():
        key, equals, value = line.strip().partition("=")
        if not equals or key.startswith("#"):
            continue
        try:
            words = shlex.split(value)
        except ValueError:  # an unbalanced quote: keep the text as it is
            words = [value]
        release[key] = " ".join(words)
    return release


def current(os_release_files=OS_RELEASE_FILES):
    """This machine's Stack, from the first os-release file there is (`linux` and no version
    where there is none)."""
    for path in os_release_files:
        try:
            release = parse_os_release(Path(path).read_text(errors="replace"))
        except OSError:
            continue
        return Stack(release.get("ID", "linux"), release.get("VERSION_ID", ""))
    return Stack("linux", "")


def write(build_dir):
    files.replace(Path(build_dir) / PATH, f"{current().name}\n".encode())


def read(slug_dir):
    """The Stack the slug at `slug_dir` was built on, or None for a slug built before it was
    recorded."""
    try:
        name = (Path(slug_dir) / PATH).read_text().strip()
    except (OSError, UnicodeDecodeError):
        return None
    return Stack.from_name(name) if name else None


def distribution_python(slug_dir):
    """The path of the distribution's interpreter the slug's Python runs (`/usr/bin/python3.11`)
    when the slug's `.heroku/python` is a virtual environment over it (the build found only
    the distribution's Python); None for a self-contained Python."""
    try:
        text = (Path(slug_dir) / PYTHON_HOME / "pyvenv.cfg").read_text()
    except (OSError, UnicodeDecodeError):
        return None
    config = {}
    for line in text.splitlines():
        key, equals, value = line.partition("=")
        if equals:
            config[key.strip()] = value.strip()
    minor = ".".join(config.get("version", "").split(".")[:2])
    if not config.get("home") or not minor:
        return None
    return f"{config['home'].rstrip('/')}/python{minor}"
