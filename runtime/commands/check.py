"""`runtime check`: findings about an app, each failure or warning with its fix."""

from runtime import messages
from runtime.app import App, add_app_arguments
from runtime.checks import FAIL, PASS, WARN, django_contract, python_version, release_phase, web_process
from runtime.checks import env_files as env_files_check
from runtime.checks import procfile as procfile_check

# In report order.
CHECKS = [procfile_check.check, env_files_check.check, web_process.check, release_phase.check,
          python_version.check, django_contract.check]
LABELS = {PASS: "PASS", WARN: "WARN", FAIL: "FAIL"}
INDENT = " " * 6


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "check", help="check the app against the deploy contract (Procfile, .env, env.py, settings)",
        description="Check an app against docs/contract.md (its Procfile, .env and env.py, its web "
        "process, a release phase for its migrations, its .python-version, and its Django "
        "settings: they import without a database or secret, read secret, debug, hosts and "
        "database from the environment with no secret fallback when DEBUG is off, serve static "
        "files with WhiteNoise, log errors to stdout or stderr, pass `manage.py check --deploy`) "
        "and print one PASS, WARN or FAIL line per finding, each "
        "problem with its fix. Exits 1 when anything fails.")
    add_app_arguments(parser, app_dir_positional=True, real_environment=False)
    parser.set_defaults(func=check)


def check(args):
    app = App.from_args(args)
    counts = dict.fromkeys(LABELS, 0)
    for run_check in CHECKS:
        for finding in run_check(app):
            counts[finding.status] += 1
            print(f"{LABELS[finding.status]}  {finding.message}".replace("\n", "\n" + INDENT))
            if finding.fix and finding.status != PASS:
                print(f"{INDENT}fix: {finding.fix}")
    print(messages.check_summary(counts[FAIL], counts[WARN], counts[PASS]))
    return 1 if counts[FAIL] else 0
