"""The Django app's side of the deploy contract (docs/contract.md), checked by running its Django.

manage.py runs (through the buildpack's inspector.py, which reports what Django saw) with
the Python that has the app's packages: a built slug's `.heroku/python/bin/python` when APP_DIR
is a slug, else `python` on PATH (the app's activated virtualenv). It runs three times, each
with a minimal environment like a build's, and so without the app's .env:

- bare: no DATABASE_URL, SECRET_KEY or DEBUG, as during a build: the settings must import,
  and DEBUG must be off;
- platform: the variables a platform sets (a SECRET_KEY, a DATABASE_URL, hostnames, DEBUG and
  DJANGO_DEBUG set to "False"): the settings must use them; `check --deploy` runs here, and
  `manage.py shell -c` asks the configured logging whether a request error would reach stdout
  or stderr, by the rule local runs use to show it (runtime.local_logging);
- debugging: DEBUG=True and DJANGO_DEBUG=True: a way to turn debugging on is expected.
"""

import os
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

from buildpack import slug
from buildpack.django import discovery, settings
from buildpack.log import messages as build_messages
from buildpack.log.output import BuildError
from runtime import local_logging, messages
from runtime.checks import FAIL, PASS, WARN, Finding

HOST = "app.example.com"
SLUG_PYTHON = slug.PYTHON_HOME / "bin" / "python"
LOGGING_MARK = "runtime-check-errors-shown:"
# Run by `manage.py shell -c` (so after django.setup() configured logging), in the app's Python.
# It never fails: the run's exit status says whether the settings work with the platform's variables.
ERRORS_SHOWN = f"""
import importlib.util, logging, traceback
try:
    spec = importlib.util.spec_from_file_location("runtime_local_logging", {local_logging.SITECUSTOMIZE!r})
    rule = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rule)
    logger = logging.getLogger("django.request")
    record = logger.makeRecord(logger.name, logging.ERROR, "", 0, "Internal Server Error", (), None)
    shown = not logger.disabled and logger.isEnabledFor(logging.ERROR) and rule.console_shows(record)
    print({LOGGING_MARK!r}, "yes" if shown else "no")
except Exception:
    traceback.print_exc()
"""


def check(app):
    try:
        project, _ = discovery.discover(app.root, {})
    except BuildError as error:
        yield Finding(FAIL, error.message.title, _one_line(error.message.body))
        return
    if project is None:
        return  # not a Django app
    python = _python(app.root)
    if python is None:
        yield Finding(FAIL, *messages.no_python_for_django())
        return
    with tempfile.TemporaryDirectory(prefix="runtime-check-") as scratch:
        def run(env, deploy_checks=False, args=("help",)):
            return settings.run_manage_py(
                python, Path(app.root, project.manage_py), list(args), _environment(env), scratch,
                show=False, deploy_checks=deploy_checks)

        bare = run({})
        if bare.status or "debug" not in bare.report:
            yield _import_failure(bare, python, project)
            return
        yield Finding(PASS, messages.settings_import_for_build(project.manage_py))
        secret = "runtime-check-" + secrets.token_hex(24)
        # An SQLite URL: its driver is always there, and nothing connects to it.
        database = os.path.join(scratch, "platform.sqlite3")
        platform_env = {"SECRET_KEY": secret, "DJANGO_SECRET_KEY": secret,
                        "DATABASE_URL": f"sqlite:///{database}",
                        "DEBUG": "False", "DJANGO_DEBUG": "False", "ALLOWED_HOSTS": HOST,
                        "DJANGO_ALLOWED_HOSTS": HOST, "DOMAIN": HOST, "APP_HOSTNAMES": HOST}
        platform = run(platform_env, deploy_checks=True, args=("shell", "-c", ERRORS_SHOWN))
        debugging = run({"DEBUG": "True", "DJANGO_DEBUG": "True"})
    if platform.status or debugging.status:
        failed = platform if platform.status else debugging
        yield Finding(FAIL, *messages.settings_fail_with_platform_variables(_last_line(failed.output)))
        return
    facts = platform.report
    yield _secret_key(facts)
    yield from _secret_key_fallback(bare.report, facts)
    yield _debug(bare.report, facts, debugging.report)
    yield _allowed_hosts(facts)
    yield _database(facts, database)
    yield from _static_files(facts)
    yield from _deploy_checks(facts)
    yield from _errors_logged(platform)
    yield from _committed_env_files(app.root, project)


def _python(root):
    """The Python with the app's packages: the slug's own, else `python` on PATH (or None)."""
    slug_python = Path(root, SLUG_PYTHON).absolute()
    if slug_python.exists():
        return str(slug_python)
    return shutil.which("python") or shutil.which("python3")


def _environment(extra):
    """A minimal environment, like a build's, plus `extra`."""
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "DJANGO_SETTINGS_MODULE")
           if name in os.environ}
    return {**env, **extra}


def _import_failure(run, python, project):
    if "django" not in run.report:
        return Finding(FAIL, *messages.python_without_django(python))
    return Finding(FAIL, *messages.settings_fail_for_build(project.manage_py, _last_line(run.output)))


def _secret_key(facts):
    source = facts.get("secret_key_from")
    if source in ("SECRET_KEY", "DJANGO_SECRET_KEY"):
        return Finding(PASS, messages.secret_key_from_environment(source))
    if source is None:
        return Finding(FAIL, *messages.secret_key_empty())
    return Finding(FAIL, *messages.secret_key_hard_coded())


def _secret_key_fallback(bare, platform):
    """Without SECRET_KEY in the environment and DEBUG off (the bare run), a key read from the
    environment (as on the platform) should be empty, not the settings' fallback."""
    if platform.get("secret_key_from") not in ("SECRET_KEY", "DJANGO_SECRET_KEY") or bare.get("debug"):
        return  # hard-coded or debugging by default: other findings say so
    if bare.get("secret_key_from") == "settings":
        yield Finding(FAIL, *messages.secret_key_fallback())
    else:
        yield Finding(PASS, messages.secret_key_no_fallback())


def _debug(bare, platform, debugging):
    if bare.get("debug"):
        return Finding(FAIL, *messages.debug_on_by_default())
    if platform.get("debug"):
        return Finding(FAIL, *messages.debug_on_with_false())
    if not debugging.get("debug"):
        return Finding(WARN, *messages.debug_cannot_be_turned_on())
    return Finding(PASS, messages.debug_from_environment())


def _allowed_hosts(facts):
    hosts = facts.get("allowed_hosts", [])
    if "*" in hosts:
        return Finding(WARN, *messages.allowed_hosts_any())
    if any(HOST == host or (host.startswith(".") and HOST.endswith(host)) for host in hosts):
        return Finding(PASS, messages.allowed_hosts_from_environment())
    return Finding(FAIL, *messages.allowed_hosts_fixed(hosts))


def _database(facts, platform_database):
    if facts.get("database", {}).get("name") == platform_database:
        return Finding(PASS, messages.databases_from_database_url())
    return Finding(WARN, *messages.databases_ignore_database_url())


def _static_files(facts):
    if not facts.get("staticfiles"):
        yield Finding(PASS, messages.no_static_files())
        return
    if not facts.get("static_root"):
        yield Finding(FAIL, *messages.static_root_not_set(
            _one_line(build_messages.static_root_unset().body)))
    problems = settings.static_warnings(facts, collectstatic_skipped=False)
    for message in problems:
        status = FAIL if message == build_messages.whitenoise_missing() else WARN
        yield Finding(status, message.title.rstrip("."), _one_line(message.body))
    if facts.get("static_root") and not problems:
        yield Finding(PASS, messages.static_files_served(facts.get("staticfiles_backend")))


def _deploy_checks(facts):
    for found in facts.get("deploy_checks", []):
        status = FAIL if found["level"] >= 40 else WARN  # ERROR and CRITICAL fail the deploy
        yield Finding(status, *messages.deploy_check_found(found["id"], found["text"], found["hint"]))


def _errors_logged(run):
    answer = next((line.split()[-1] for line in run.output.splitlines() if line.startswith(LOGGING_MARK)), None)
    if answer is None:  # the question failed (its output has the reason): nothing to say about logging
        return
    if answer == "yes":
        yield Finding(PASS, messages.errors_logged())
    else:
        yield Finding(WARN, *messages.errors_not_logged())


def _committed_env_files(root, project):
    if not Path(root, ".git").exists():  # not the root of a git checkout (a slug, a copy)
        return
    candidates = sorted({".env", "env.py", str(Path(project.root, "env.py"))})
    listed = subprocess.run(["git", "-C", str(root), "ls-files", "--", *candidates],
                            capture_output=True, text=True)
    if listed.returncode:
        return
    tracked = listed.stdout.split()
    for name in tracked:
        yield Finding(FAIL, *messages.env_file_tracked(name))
    if not tracked:
        yield Finding(PASS, messages.env_files_not_tracked())


def _last_line(text):
    lines = text.strip().splitlines()
    return lines[-1] if lines else messages.NO_OUTPUT


def _one_line(text):
    return " ".join(text.split())
