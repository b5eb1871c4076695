"""The Procfile parses: every line, names Kubernetes accepts."""

import os

from buildpack.slug.procfile import EXAMPLE
from runtime import messages
from runtime.checks import FAIL, PASS, WARN, Finding
from runtime.errors import UserError


def check(app):
    path = app.procfile_path
    if not os.path.exists(path):
        yield Finding(WARN, *messages.procfile_not_found(path, EXAMPLE))
        return
    try:
        parsed = app.parsed_procfile
    except UserError as exc:
        yield Finding(FAIL, *messages.procfile_not_readable(str(exc)))
        return
    problems = [(problem, FAIL) for problem in parsed.errors]
    problems += [(problem, WARN) for problem in parsed.warnings]
    for problem, status in sorted(problems, key=lambda pair: pair[0].line or 0):
        yield Finding(status, *messages.procfile_problem(parsed, problem))
    if not parsed.errors:
        yield Finding(PASS, messages.procfile_process_types(path, parsed.names()))
