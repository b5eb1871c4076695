"""The one exception every `runtime` command raises for a problem the user can fix."""

from runtime import messages


class UserError(Exception):
    """Printed as `runtime: error: <message>` (no traceback); the command exits `status`."""

    def __init__(self, message, status=1):
        super().__init__(message)
        self.status = status


def not_utf8(path, exc):
    """The UserError for a file at `path` that failed to decode as UTF-8 with `exc`."""
    return UserError(messages.not_utf8(path, exc))


def from_build_error(exc):
    """The UserError for the buildpack's BuildError `exc`: its title and fix on one line, as
    runtime's errors are."""
    return UserError(" ".join(f"{exc.message.title} {exc.message.body}".split()))
