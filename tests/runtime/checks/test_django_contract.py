"""The release phase and `runtime check` on real Django apps: a well-configured app built into a
slug, and the app `django-admin startproject` makes."""

import re
import sqlite3
import subprocess

import pytest

from runtime import messages
from tests import apps
from tests.runtime.helpers import clean_env, runtime

# The seeds' conventions: everything a deploy varies comes from the environment, with safe
# defaults that let the settings import during a build.
WELL_CONFIGURED = """\
import dj_database_url

DEBUG = os.environ.get("DJANGO_DEBUG") == "True"
SECRET_KEY = os.environ.get("SECRET_KEY") or ("insecure-dev-key" if DEBUG else None)
ALLOWED_HOSTS = [host.strip() for host in [os.environ.get("DOMAIN", "")]
                 + os.environ.get("DOMAIN_ALIASES", "").split(",") if host.strip()]
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS]
DATABASES = {"default": dj_database_url.config(default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
MIDDLEWARE += ["django.middleware.clickjacking.XFrameOptionsMiddleware"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT") != "False"
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
""" + messages.LOGGING_FIX + "\n"
PROCFILE = "web: gunicorn mysite.wsgi\nrelease: python manage.py migrate --noinput\n"


def git_commit_all(folder):
    for command in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@example.com",
                                                     "commit", "-qm", "app"]):
        subprocess.run(["git", "-C", str(folder), *command], check=True)


@pytest.fixture(scope="module")
def configured_app(tmp_path_factory):
    root = apps.django_app(tmp_path_factory.mktemp("app") / "app", extra_settings=WELL_CONFIGURED,
                           requirements="django\ngunicorn\nwhitenoise\ndj-database-url\n",
                           files={"Procfile": PROCFILE, ".gitignore": ".env\ndb.sqlite3\nstaticfiles/\n",
                                  ".env": "DJANGO_DEBUG=True\n"})
    git_commit_all(root)
    return root


@pytest.fixture(scope="module")
def built_slug(builder, configured_app):
    result = builder.compile(configured_app)
    assert result.returncode == 0, result.log
    return result.build_dir


def with_python_of(slug):
    """The environment of a shell whose `python` has the app's packages (an activated virtualenv)."""
    env = clean_env()
    env["PATH"] = f"{slug}/.heroku/python/bin:{env['PATH']}"
    return env


def tables(database):
    with sqlite3.connect(database) as db:
        return {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_runtime_release_runs_the_migrations_of_the_slug(built_slug, tmp_path):
    result = runtime("release", str(built_slug), cwd=tmp_path, timeout=120)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "  Applying auth.0001_initial... OK" in result.stdout.splitlines()
    assert result.stderr.endswith("runtime: release succeeded: `python manage.py migrate --noinput` "
                                  f"({built_slug}/Procfile:2)\n")
    # No DATABASE_URL: the local platform's default, SQLite in the app folder's .runtime/data
    # (a slug without a record of its app folder is its own).
    assert {"django_migrations", "auth_user", "django_session"} <= tables(built_slug / ".runtime/data/db.sqlite3")


def test_runtime_release_propagates_a_failing_migration(built_slug, tmp_path):
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path}/no/such/folder/db.sqlite3")

    result = runtime("release", str(built_slug), cwd=tmp_path, env=env, timeout=120)

    assert result.returncode == 1
    assert "sqlite3.OperationalError: unable to open database file" in result.stdout + result.stderr
    assert result.stderr.splitlines()[-1] == (
        "runtime: release failed with exit code 1: `python manage.py migrate --noinput` "
        f"({built_slug}/Procfile:2); a platform would not deploy this release. Fix the problem above and "
        "run it again.")


def test_runtime_check_passes_a_well_configured_app(configured_app, built_slug):
    passes = [
        "PASS  manage.py: the settings import without DATABASE_URL and SECRET_KEY, as during a build",
        "PASS  SECRET_KEY is read from the environment (SECRET_KEY)",
        "PASS  SECRET_KEY has no fallback when DEBUG is off",
        "PASS  DEBUG is read from the environment, off unless set to True",
        "PASS  ALLOWED_HOSTS is read from the environment",
        "PASS  DATABASES is read from DATABASE_URL",
        "PASS  STATIC_ROOT is set and WhiteNoise serves it "
        "(whitenoise.storage.CompressedManifestStaticFilesStorage)",
        "PASS  with DEBUG off, Django's request errors are logged to stdout or stderr",
    ]
    # The app in its git checkout, with `python` from its virtualenv (here: the slug's) on PATH.
    result = runtime("check", str(configured_app), cwd=configured_app, env=with_python_of(built_slug), timeout=120)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        f"PASS  {configured_app}/Procfile: 2 process types (web, release)",
        f"PASS  {configured_app}/.env: 1 variable",
        f"PASS  {configured_app}/Procfile:1: `web` runs gunicorn without --bind, so it binds 0.0.0.0:$PORT itself",
        "PASS  .python-version asks for Python 3.12",
        *passes,
        "PASS  .env and env.py are not tracked by git",
        "0 failed, 0 warnings, 13 passed"]

    # The built slug, with its own Python, named by an absolute and by a relative path.
    for named, cwd in ((str(built_slug), built_slug), (built_slug.name, built_slug.parent)):
        result = runtime("check", named, cwd=cwd, env=clean_env(), timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        assert all(line in result.stdout.splitlines() for line in passes)


def findings(stdout):
    """{finding line: its fix} from `runtime check` output."""
    lines = stdout.splitlines()
    return {line: lines[n + 1].strip() if n + 1 < len(lines) and lines[n + 1].startswith("      fix:") else ""
            for n, line in enumerate(lines) if line[:6] in ("PASS  ", "WARN  ", "FAIL  ")}


def test_runtime_check_reports_each_problem_of_a_startproject_app_with_its_fix(built_slug, tmp_path):
    project = tmp_path / "startproject"
    project.mkdir()
    subprocess.run([f"{built_slug}/.heroku/python/bin/python", "-m", "django", "startproject", "mysite",
                    str(project)], check=True)
    (project / "env.py").write_text("import os\nos.environ.setdefault('SECRET_KEY', 'dev')\n")
    git_commit_all(project)

    result = runtime("check", str(project), cwd=project, env=with_python_of(built_slug), timeout=120)

    assert result.returncode == 1, result.stdout + result.stderr
    found = findings(result.stdout)
    expected = {
        "FAIL  SECRET_KEY is hard-coded in the settings: the key in the repository signs production sessions":
            'fix: read it from the environment (builds get a stand-in), with a key for DEBUG only, after DEBUG: '
            'SECRET_KEY = os.environ.get("SECRET_KEY") or ("insecure-dev-key" if DEBUG else None)',
        "FAIL  DEBUG is on when no DEBUG variable is set: production would show tracebacks and settings to anyone":
            'fix: parse it strictly, off by default: DEBUG = os.environ.get("DJANGO_DEBUG") == "True"',
        "FAIL  ALLOWED_HOSTS is [] whatever the environment says (DOMAIN, ALLOWED_HOSTS ...): requests for "
        "the app's domain get 400 Bad Request":
            'fix: build it from the environment: ALLOWED_HOSTS = [os.environ.get("DOMAIN", "")] + '
            '[h.strip() for h in os.environ.get("DOMAIN_ALIASES", "").split(",") if h.strip()]',
        "FAIL  STATIC_ROOT is not set, so collectstatic fails":
            "fix: collectstatic copies the static files into STATIC_ROOT, which WhiteNoise serves. Add to "
            'your settings: STATIC_ROOT = BASE_DIR / "staticfiles"',
        "FAIL  WhiteNoise is not in MIDDLEWARE: nothing will serve the collected static files":
            "fix: Add whitenoise to your requirements and its middleware right after SecurityMiddleware: "
            'MIDDLEWARE = [ "django.middleware.security.SecurityMiddleware", '
            '"whitenoise.middleware.WhiteNoiseMiddleware", ...',
        "FAIL  env.py is tracked by git, so its values (secrets, a local DATABASE_URL) reach every build "
        "and deploy and override the platform's":
            "fix: git rm --cached env.py && echo env.py >> .gitignore",
        "WARN  DATABASES ignores DATABASE_URL, so the platform's database is not used":
            'fix: DATABASES = {"default": dj_database_url.config(default="sqlite:///db.sqlite3", '
            'conn_max_age=600)} (pip install dj-database-url)',
        f"WARN  no Procfile at {project}/Procfile":
            "fix: add one with a line like `web: gunicorn mysite.wsgi`; without it only a default web "
            "process (if any) runs",
        "PASS  manage.py: the settings import without DATABASE_URL and SECRET_KEY, as during a build": "",
    }
    for line, fix in expected.items():
        assert found.get(line) == fix, (line, result.stdout)
    # manage.py check --deploy findings, each with Django's advice or the checklist.
    deploy = {line: fix for line, fix in found.items() if line.startswith(("WARN  check --deploy: ",
                                                                          "FAIL  check --deploy: "))}
    assert any("(security.W004)" in line for line in deploy)
    assert any("(security.W018) You should not have DEBUG set to True in deployment." in line for line in deploy)
    assert all(fix.startswith("fix: ") for fix in deploy.values())


def test_runtime_check_says_when_secret_key_stays_empty(built_slug, tmp_path):
    """Django refuses to read an empty SECRET_KEY: the check says so rather than fail to inspect."""
    project = tmp_path / "startproject"
    project.mkdir()
    subprocess.run([f"{built_slug}/.heroku/python/bin/python", "-m", "django", "startproject", "mysite",
                    str(project)], check=True)
    settings = project / "mysite/settings.py"
    settings.write_text(re.sub(r"(?m)^SECRET_KEY = .*$", 'import os\nSECRET_KEY = os.environ.get("APP_SECRET_KEY", "")',
                               settings.read_text()))

    result = runtime("check", str(project), cwd=project, env=with_python_of(built_slug), timeout=120)

    assert result.returncode == 1, result.stdout + result.stderr
    found = findings(result.stdout)
    assert found["FAIL  SECRET_KEY is empty even when SECRET_KEY is set in the environment"] == (
        'fix: read it from the environment (builds get a stand-in), with a key for DEBUG only, after DEBUG: '
        'SECRET_KEY = os.environ.get("SECRET_KEY") or ("insecure-dev-key" if DEBUG else None)'), result.stdout
    assert "PASS  manage.py: the settings import without DATABASE_URL and SECRET_KEY, as during a build" in found


@pytest.mark.parametrize("command, status, message", [
    ("gunicorn mysite.wsgi --bind 0.0.0.0:$PORT", "PASS", "`web` binds $PORT"),
    ("python manage.py runserver 0.0.0.0:$PORT", "FAIL", "`web` runs Django's development server"),
    ("gunicorn mysite.wsgi --bind 127.0.0.1:$PORT", "FAIL", "`web` binds $PORT on the loopback interface only"),
    ("gunicorn mysite.wsgi -b 0.0.0.0:8000", "FAIL", "`web` doesn't bind $PORT, so the router can't reach it"),
])
def test_runtime_check_looks_at_where_web_listens(tmp_path, command, status, message):
    (tmp_path / "Procfile").write_text(f"web: {command}\n")

    result = runtime("check", str(tmp_path), cwd=tmp_path)

    assert any(line.startswith(f"{status}  {tmp_path}/Procfile:1: {message}")
               for line in result.stdout.splitlines()), result.stdout
    assert result.returncode == (1 if status == "FAIL" else 0)


@pytest.mark.parametrize("secret_key, line, fix", [
    ('SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-fallback")',
     "FAIL  SECRET_KEY has a fallback in the settings that is used when DEBUG is off: a platform that "
     "forgot to set SECRET_KEY would run on the key in the repository",
     'fix: fall back only while debugging, after DEBUG is set: SECRET_KEY = os.environ.get("SECRET_KEY") '
     'or ("insecure-dev-key" if DEBUG else None) (Django then refuses to run without a key; builds get '
     "a stand-in key)"),
    ('SECRET_KEY = os.environ.get("SECRET_KEY") or ("insecure-dev-key" if DEBUG else None)',
     "PASS  SECRET_KEY has no fallback when DEBUG is off", ""),
], ids=["fallback", "fallback only while debugging"])
def test_runtime_check_fails_a_secret_key_fallback_used_with_debug_off(built_slug, tmp_path, secret_key, line, fix):
    root = apps.django_app(tmp_path / "app", extra_settings=secret_key + "\n")

    result = runtime("check", str(root), cwd=root, env=with_python_of(built_slug), timeout=120)

    assert findings(result.stdout).get(line) == fix, result.stdout + result.stderr
    assert "PASS  SECRET_KEY is read from the environment (SECRET_KEY)" in result.stdout.splitlines()
    assert result.returncode == (1 if line.startswith("FAIL") else 0), result.stdout


ROOT_FILE_ONLY = """\
LOGGING = {"version": 1, "disable_existing_loggers": True,
           "handlers": {"file": {"class": "logging.FileHandler", "filename": os.devnull}},
           "root": {"handlers": ["file"], "level": "INFO"}}
"""


@pytest.mark.parametrize("logging, status", [
    ("", "WARN"),
    (ROOT_FILE_ONLY, "WARN"),
    (messages.LOGGING_FIX + "\n", "PASS"),
    ('LOGGING = {"version": 1, "handlers": {"out": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}}, '
     '"loggers": {"django.request": {"handlers": ["out"], "propagate": False}}}\n', "PASS"),
], ids=["Django's default", "a file only", "the fix", "django.request to stdout"])
def test_runtime_check_warns_when_request_errors_reach_no_stdout_or_stderr(built_slug, tmp_path, logging, status):
    root = apps.django_app(tmp_path / "app", extra_settings=logging)

    result = runtime("check", str(root), cwd=root, env=with_python_of(built_slug), timeout=120)

    found = findings(result.stdout)
    if status == "WARN":
        warning, fix = messages.errors_not_logged()
        assert found.get(f"WARN  {warning}") == f"fix: {fix}", result.stdout + result.stderr
        assert fix.startswith(f"add to the settings: {messages.LOGGING_FIX} (the `django` entry")
    else:
        assert f"PASS  {messages.errors_logged()}" in found, result.stdout + result.stderr
