"""The Procfile parses: every line, names Kubernetes accepts."""

import os

from buildpack.slug.procfile import EXAMPLE
from runtime.checks import FAIL, PASS, WARN, Finding
from runtime.errors import UserError


def check(app):
    path = app.procfile_path
    if not os.path.exists(path):
        yield Finding(WARN, f"no Procfile at {path}",
                      f"add one with a line like `{EXAMPLE}`; without it only a default "
                      "web process (if any) runs")
        return
    try:
        parsed = app.parsed_procfile
    except UserError as exc:
        yield Finding(FAIL, str(exc), "make it a readable UTF-8 file")
        return
    problems = [(problem, FAIL) for problem in parsed.errors]
    problems += [(problem, WARN) for problem in parsed.warnings]
    for problem, status in sorted(problems, key=lambda pair: pair[0].line or 0):
        yield Finding(status, f"{parsed.where(problem)}: {problem.message}", problem.fix)
    if not parsed.errors:
        names = parsed.names()
        yield Finding(PASS, f"{path}: {len(names)} process type{'s' * (len(names) != 1)} "
                      f"({', '.join(names)})")
