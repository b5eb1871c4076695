"""The one exception every `runtime` command raises for a problem the user can fix."""

QUOTE_LIMIT = 200  # characters of a bad value a message quotes


class UserError(Exception):
    """Printed as `runtime: error: <message>` (no traceback); the command exits `status`."""

    def __init__(self, message, status=1):
        super().__init__(message)
        self.status = status


def not_utf8(path, exc):
    """The UserError for a file at `path` that failed to decode as UTF-8 with `exc`."""
    return UserError(f"{path} is not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset "
                     f"{exc.start}): save it as UTF-8")


def excerpt(text):
    """`text` as a message quotes it: its first QUOTE_LIMIT characters, `...` marking a cut."""
    return text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT] + "..."
