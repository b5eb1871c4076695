"""What the export formats share: the file record, the template environment and its filters."""

import re
from typing import NamedTuple

from runtime import messages
from runtime.errors import UserError

CONTROL = re.compile(r"[\x00-\x1f\x7f]")
WORD = re.compile(r"\W")


class File(NamedTuple):
    name: str  # relative to the directory the export writes to
    content: str


def dashrepl(value):
    """`value` with every non-word character a `-`: web.1 -> web-1, for unit and program names."""
    return WORD.sub("-", value)


def percentescape(value):
    """`value` with `%` doubled, for the formats that expand `%` in what they read."""
    return value.replace("%", "%%")


def path_problem(path):
    """Why `path` cannot be written in any format, or None."""
    if CONTROL.search(path) or path != path.strip():
        return "it contains a control character or leading or trailing spaces"
    return None


def templates(**filters):
    """The templates in templates/, with the shared filters and `filters`; StrictUndefined, so a
    name missing from the context is an error rather than an empty string in a unit file."""
    try:
        import jinja2  # here, not at the top: only `runtime export` pays for the import
    except ImportError:
        raise UserError(messages.NO_JINJA2) from None
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("runtime.exporters", "templates"),
        keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    environment.filters.update(dashrepl=dashrepl, percentescape=percentescape, **filters)
    return environment
