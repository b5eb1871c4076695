"""The Django app's side of the deploy contract (docs/contract.md), checked by running its Django.

manage.py runs (through the buildpack's inspector.py, which reports what Django saw) with
the Python that has the app's packages: a built slug's `.heroku/python/bin/python` when APP_DIR
is a slug, else `python` on PATH (the app's activated virtualenv). It runs three times, each
with a minimal environment like a build's, and so without the app's .env:

- bare: no DATABASE_URL, SECRET_KEY or DEBUG, as during a build: the settings must import,
  and DEBUG must be off;
- platform: the variables a platform sets (a SECRET_KEY, a DATABASE_URL, hostnames, DEBUG and
  DJANGO_DEBUG set to "False"): the settings must use them; `check --deploy` runs here;
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
from buildpack.log import messages
from buildpack.log.output import BuildError
from runtime.checks import FAIL, PASS, WARN, Finding

HOST = "app.example.com"
SLUG_PYTHON = slug.PYTHON_HOME / "bin" / "python"
SECRET_FIX = "read it from the environment, with a default for builds: " \
             "SECRET_KEY = os.environ.get(\"SECRET_KEY\", \"insecure-build-key\")"
DEBUG_FIX = "parse it strictly, off by default: DEBUG = os.environ.get(\"DJANGO_DEBUG\") == \"True\""
HOSTS_FIX = "build it from the environment: ALLOWED_HOSTS = [os.environ.get(\"DOMAIN\", \"\")] + " \
            "[h.strip() for h in os.environ.get(\"DOMAIN_ALIASES\", \"\").split(\",\") if h.strip()]"
CHECKLIST = "https://docs.djangoproject.com/en/stable/howto/deployment/checklist/"


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
        yield Finding(FAIL, "no `python` on PATH to run the app's Django with, so the settings were "
                      "not checked", "activate the app's virtualenv, or check a built slug "
                      "(`runtime build`, then `runtime check .runtime/slug`)")
        return
    with tempfile.TemporaryDirectory(prefix="runtime-check-") as scratch:
        def run(env, deploy_checks=False):
            return settings.run_manage_py(
                python, Path(app.root, project.manage_py), ["help"], _environment(env), scratch,
                show=False, deploy_checks=deploy_checks)

        bare = run({})
        if bare.status or "debug" not in bare.report:
            yield _import_failure(bare, python, project)
            return
        yield Finding(PASS, f"{project.manage_py}: the settings import without DATABASE_URL and "
                      "SECRET_KEY, as during a build")
        secret = "runtime-check-" + secrets.token_hex(24)
        # An SQLite URL: its driver is always there, and nothing connects to it.
        database = os.path.join(scratch, "platform.sqlite3")
        platform = run({"SECRET_KEY": secret, "DJANGO_SECRET_KEY": secret,
                        "DATABASE_URL": f"sqlite:///{database}",
                        "DEBUG": "False", "DJANGO_DEBUG": "False", "ALLOWED_HOSTS": HOST,
                        "DJANGO_ALLOWED_HOSTS": HOST, "DOMAIN": HOST, "APP_HOSTNAMES": HOST},
                       deploy_checks=True)
        debugging = run({"DEBUG": "True", "DJANGO_DEBUG": "True"})
    if platform.status or debugging.status:
        failed = platform if platform.status else debugging
        yield Finding(FAIL, "the settings fail to import with the platform's variables set:\n"
                      + _last_line(failed.output), "run `python manage.py check` with them set and fix the error")
        return
    facts = platform.report
    yield _secret_key(facts)
    yield _debug(bare.report, facts, debugging.report)
    yield _allowed_hosts(facts)
    yield _database(facts, database)
    yield from _static_files(facts)
    yield from _deploy_checks(facts)
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
        return Finding(FAIL, f"{python} can't import Django, so the settings were not checked",
                       "check a built slug (`runtime build`, then `runtime check .runtime/slug`), or "
                       "activate the app's virtualenv with its requirements installed")
    return Finding(FAIL, f"{project.manage_py}: the settings don't import without DATABASE_URL and "
                   "SECRET_KEY, as during a build:\n" + _last_line(run.output),
                   "give every variable the settings read a default for builds, e.g. "
                   "os.environ.get(\"SECRET_KEY\", \"insecure-build-key\") and "
                   "dj_database_url.config(default=\"sqlite:///db.sqlite3\")")


def _secret_key(facts):
    source = facts.get("secret_key_from")
    if source in ("SECRET_KEY", "DJANGO_SECRET_KEY"):
        return Finding(PASS, f"SECRET_KEY is read from the environment ({source})")
    if source is None:
        return Finding(FAIL, "SECRET_KEY is empty even when SECRET_KEY is set in the environment",
                       SECRET_FIX)
    return Finding(FAIL, "SECRET_KEY is hard-coded in the settings: the key in the repository "
                   "signs production sessions", SECRET_FIX)


def _debug(bare, platform, debugging):
    if bare.get("debug"):
        return Finding(FAIL, "DEBUG is on when no DEBUG variable is set: production would show "
                       "tracebacks and settings to anyone", DEBUG_FIX)
    if platform.get("debug"):
        return Finding(FAIL, "DEBUG is on with DEBUG=False and DJANGO_DEBUG=False in the "
                       "environment: the string \"False\" turns it on", DEBUG_FIX)
    if not debugging.get("debug"):
        return Finding(WARN, "DEBUG can't be turned on from the environment (DEBUG=True or "
                       "DJANGO_DEBUG=True)", DEBUG_FIX)
    return Finding(PASS, "DEBUG is read from the environment, off unless set to True")


def _allowed_hosts(facts):
    hosts = facts.get("allowed_hosts", [])
    if "*" in hosts:
        return Finding(WARN, "ALLOWED_HOSTS accepts any host (\"*\"): safe only when the router "
                       "rejects other Host headers", HOSTS_FIX)
    if any(HOST == host or (host.startswith(".") and HOST.endswith(host)) for host in hosts):
        return Finding(PASS, "ALLOWED_HOSTS is read from the environment")
    return Finding(FAIL, f"ALLOWED_HOSTS is {hosts!r} whatever the environment says (DOMAIN, "
                   "ALLOWED_HOSTS ...): requests for the app's domain get 400 Bad Request",
                   HOSTS_FIX)


def _database(facts, platform_database):
    if facts.get("database", {}).get("name") == platform_database:
        return Finding(PASS, "DATABASES is read from DATABASE_URL")
    return Finding(WARN, "DATABASES ignores DATABASE_URL, so the platform's database is not used",
                   "DATABASES = {\"default\": dj_database_url.config(default=\"sqlite:///db.sqlite3\", "
                   "conn_max_age=600)} (pip install dj-database-url)")


def _static_files(facts):
    if not facts.get("staticfiles"):
        yield Finding(PASS, "no static files to serve (django.contrib.staticfiles isn't installed)")
        return
    if not facts.get("static_root"):
        yield Finding(FAIL, "STATIC_ROOT is not set, so collectstatic fails",
                      _one_line(messages.static_root_unset().body))
    problems = settings.static_warnings(facts, collectstatic_skipped=False)
    for message in problems:
        status = FAIL if message == messages.whitenoise_missing() else WARN
        yield Finding(status, message.title.rstrip("."), _one_line(message.body))
    if facts.get("static_root") and not problems:
        yield Finding(PASS, f"STATIC_ROOT is set and WhiteNoise serves it "
                      f"({facts.get('staticfiles_backend')})")


def _deploy_checks(facts):
    for found in facts.get("deploy_checks", []):
        status = FAIL if found["level"] >= 40 else WARN  # ERROR and CRITICAL fail the deploy
        yield Finding(status, f"check --deploy: ({found['id']}) {found['text']}",
                      found["hint"] or f"see Django's deployment checklist: {CHECKLIST}")


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
        yield Finding(FAIL, f"{name} is tracked by git, so its values (secrets, a local "
                      "DATABASE_URL) reach every build and deploy and override the platform's",
                      f"git rm --cached {name} && echo {name} >> .gitignore")
    if not tracked:
        yield Finding(PASS, ".env and env.py are not tracked by git")


def _last_line(text):
    lines = text.strip().splitlines()
    return lines[-1] if lines else "(no output)"


def _one_line(text):
    return " ".join(text.split())
