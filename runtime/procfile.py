"""Reading the app's Procfile for `runtime`: a missing, unreadable or invalid one is a UserError.
The grammar and the problems it finds are buildpack.slug.procfile's."""

from buildpack.slug.procfile import EXAMPLE, parse
from runtime import messages
from runtime.errors import UserError, not_utf8


def read(path):
    """Read and parse the Procfile at `path`; raise UserError when it is missing or unreadable."""
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except FileNotFoundError:
        raise UserError(messages.no_procfile(path, EXAMPLE)) from None
    except UnicodeDecodeError as exc:
        raise not_utf8(path, exc) from None
    except OSError as exc:
        raise UserError(messages.unreadable_procfile(path, exc)) from None
    return parse(text, path)


def load(path):
    """Read a Procfile that must be usable: any error stops here, with every error listed."""
    procfile = read(path)
    if procfile.errors:
        lines = [f"{procfile.where(p)}: {p.message}: {p.fix}" for p in procfile.errors]
        raise UserError(messages.invalid_procfile(lines))
    return procfile
