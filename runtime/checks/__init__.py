"""Checks behind `runtime check`, one module per concern.

A check is a function `check(app)` that takes a runtime.app.App and yields Findings; the list of
checks, in report order, is CHECKS in runtime/commands/check.py. A check reports problems as
findings and never raises for them.
"""

from dataclasses import dataclass

PASS, WARN, FAIL = "pass", "warn", "fail"


@dataclass
class Finding:
    status: str  # PASS, WARN or FAIL
    message: str  # what was found; starts with `file:line:` when it is about one line
    fix: str = ""  # how to fix it (for WARN and FAIL)
