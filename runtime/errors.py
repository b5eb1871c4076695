"""The one exception every `runtime` command raises for a problem the user can fix."""


class UserError(Exception):
    """Printed as `runtime: error: <message>` (no traceback); the command exits `status`."""

    def __init__(self, message, status=1):
        super().__init__(message)
        self.status = status
