"""collectstatic during the build: when it runs or is skipped, the environment it gets, how each
common failure is explained, and the warnings about static settings. Every test builds a real
generated Django app; the app's Python environment is cached between the builds of the module."""

import os
import re
import signal

import pytest

from tests import apps
from tests.conftest import REPO, errors, running

REQUIREMENTS = "django\ngunicorn\nwhitenoise\ndj-database-url\n"
SETTINGS = "mysite/settings.py"


def app(tmp_path, extra_settings="", replace=(), files=None, requirements=REQUIREMENTS):
    """The test app, with `extra_settings` appended and each (old, new) of `replace` applied."""
    root = apps.django_app(tmp_path / "app", requirements=requirements, extra_settings=extra_settings,
                           files=files)
    for path, old, new in replace:
        text = (root / path).read_text()
        assert old in text, (path, old)
        (root / path).write_text(text.replace(old, new))
    return root


def assert_fails_with_the_apps_traceback_only(result, title):
    assert result.returncode == 1, result.log
    box = errors(result)
    assert box[0] == f"Error: {title}", result.log
    # The app's traceback (when there is one) starts at manage.py, as `python manage.py` shows it
    # (the last one printed: earlier ones are the exceptions it was raised from); nothing of the
    # buildpack's own code appears.
    if "Traceback (most recent call last):" in result.stdout:
        first_frame = result.stdout.split("Traceback (most recent call last):\n")[-1].splitlines()[0]
        assert re.fullmatch(r' {9}File "/.*/manage\.py", line \d+, in <module>', first_frame), first_frame
    assert str(REPO / "buildpack") not in result.log
    assert "runpy" not in result.log and "inspector.py" not in result.log


def test_collectstatic_runs_in_the_build_with_manifest_and_compression(builder, tmp_path):
    result = builder.compile(app(tmp_path), cache="first-build")

    assert result.returncode == 0, result.log
    assert "-----> Running python manage.py collectstatic --noinput" in result.stdout
    assert re.search(r"\d+ static files copied to '.*/staticfiles', \d+ post-processed\.", result.stdout)
    static = result.build_dir / "staticfiles"
    assert (static / "staticfiles.json").is_file()
    assert list(static.glob("admin/css/base.*.css.gz"))


def test_changed_config_vars_collect_again(builder, tmp_path):
    root = app(tmp_path, extra_settings='STATIC_URL = os.environ.get("STATIC_PATH", "static/")\n')
    first = builder.compile(root, cache="config-change", config={"STATIC_PATH": "/s/"})
    same = builder.compile(root, cache="config-change", config={"STATIC_PATH": "/s/"})
    changed = builder.compile(root, cache="config-change", config={"STATIC_PATH": "/assets/"})

    assert first.returncode == same.returncode == changed.returncode == 0, changed.log
    assert "-----> Reusing the static files of the last build: nothing collectstatic reads has changed" in same.stdout
    assert ("-----> Running python manage.py collectstatic --noinput\n"
            "       Not reusing the static files of the last build: the config vars changed.") in changed.stdout


@pytest.mark.parametrize("value", ["1", "true", "false"])
def test_disable_collectstatic_skips_it_with_heroku_semantics(builder, tmp_path, value):
    result = builder.compile(app(tmp_path), config={"DISABLE_COLLECTSTATIC": value})

    assert result.returncode == 0, result.log
    assert "Running python manage.py collectstatic" not in result.stdout
    assert not (result.build_dir / "staticfiles").exists()
    box = errors(result)
    assert (f"Note: Skipping collectstatic since the DISABLE_COLLECTSTATIC config var is set to "
            f"'{value}'.") in box
    assert ("Any value but \"\" or \"0\" disables it (\"false\" and \"no\" too, as on Heroku). "
            "To collect") in box
    # Every page would fail: the app's settings still ask for manifest storage.
    assert "Warning: collectstatic is skipped, but the settings use manifest static files storage." in box


@pytest.mark.parametrize("value", ["0", ""])
def test_disable_collectstatic_zero_or_empty_collects(builder, tmp_path, value):
    result = builder.compile(app(tmp_path), config={"DISABLE_COLLECTSTATIC": value})

    assert result.returncode == 0, result.log
    assert "-----> Running python manage.py collectstatic --noinput" in result.stdout
    assert (result.build_dir / "staticfiles" / "staticfiles.json").is_file()
    assert "Skipping collectstatic" not in result.stderr


def test_app_without_staticfiles_skips_it_with_a_note(builder, tmp_path):
    root = app(tmp_path, replace=[(SETTINGS, '    "django.contrib.staticfiles",\n', "")])

    result = builder.compile(root)

    assert result.returncode == 0, result.log
    assert errors(result)[:3] == [
        "Note: Skipping collectstatic since django.contrib.staticfiles is not in INSTALLED_APPS.", "",
        "The app has no static files to collect. To serve CSS, JavaScript and the admin's files,"]
    assert not (result.build_dir / "staticfiles").exists()


def test_settings_that_need_a_secret_and_a_database_url_build_with_announced_stand_ins(builder, tmp_path):
    root = app(tmp_path, extra_settings=(
        'import dj_database_url\n'
        'SECRET_KEY = os.environ["SECRET_KEY"]\n'
        'DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}\n'))

    result = builder.compile(root)

    assert result.returncode == 0, result.log
    lines = result.stdout.splitlines()
    start = lines.index("       Supplied for this step only, since no config var sets them:")
    assert lines[start + 1] == "         SECRET_KEY and DJANGO_SECRET_KEY: a random key, only for the build"
    assert re.fullmatch(r"         DATABASE_URL: sqlite:////\S+/build\.sqlite3 \(there is no database "
                        r"during a build\)", lines[start + 2])
    assert (result.build_dir / "staticfiles" / "staticfiles.json").is_file()
    # Stand-ins exist only in that step: nothing of them is left in the slug.
    assert not list(result.build_dir.rglob("build.sqlite3"))


def test_settings_with_an_empty_secret_key_keep_their_static_files(builder, tmp_path):
    """Django refuses to read an empty SECRET_KEY; collectstatic never reads it."""
    root = app(tmp_path, extra_settings='SECRET_KEY = os.environ.get("APP_SECRET_KEY", "")\n')
    first = builder.compile(root, cache="empty-secret")
    second = builder.compile(root, cache="empty-secret")

    assert first.returncode == second.returncode == 0, first.log
    assert "Static files are not kept" not in first.stdout, first.stdout
    assert "-----> Reusing the static files of the last build: nothing collectstatic reads has changed" in second.stdout


def test_config_vars_reach_collectstatic_and_replace_the_stand_ins(builder, tmp_path):
    root = app(tmp_path, extra_settings='STATIC_URL = os.environ["CDN_PATH"]\n')

    result = builder.compile(root, config={"CDN_PATH": "/assets/", "SECRET_KEY": "s" * 50,
                                           "DATABASE_URL": "sqlite:///db.sqlite3"})

    assert result.returncode == 0, result.log
    assert "Supplied for this step only" not in result.stdout
    assert (result.build_dir / "staticfiles" / "staticfiles.json").is_file()


def test_static_root_unset_is_explained(builder, tmp_path):
    root = app(tmp_path, replace=[(SETTINGS, 'STATIC_ROOT = BASE_DIR / "staticfiles"\n', "")])

    result = builder.compile(root)

    assert_fails_with_the_apps_traceback_only(result, "collectstatic failed since STATIC_ROOT is not set.")
    assert "ImproperlyConfigured: You're using the staticfiles app without having set the STATIC_ROOT" in result.stdout
    assert errors(result)[2:5] == [
        "collectstatic copies the static files into STATIC_ROOT, which WhiteNoise serves. Add to",
        "your settings:",
        '  STATIC_ROOT = BASE_DIR / "staticfiles"']
    assert re.fullmatch(r"Settings module: mysite\.settings; run in the root of the app; Django \d+\.\d+[\w.]*\.",
                        errors(result)[5])
    assert errors(result)[6] == "To build without collecting static files, set DISABLE_COLLECTSTATIC=1."


def test_settings_module_that_does_not_import_is_explained(builder, tmp_path):
    result = builder.compile(app(tmp_path), config={"DJANGO_SETTINGS_MODULE": "mysite.production"})

    assert_fails_with_the_apps_traceback_only(
        result, "collectstatic failed since the settings module 'mysite.production' can't be imported.")
    assert "ModuleNotFoundError: No module named 'mysite.production'" in result.stdout
    assert "Set the" in errors(result)[2] and "DJANGO_SETTINGS_MODULE config var" in errors(result)[3]


def test_missing_environment_variable_is_named(builder, tmp_path):
    root = app(tmp_path, extra_settings='SENTRY_DSN = os.environ["SENTRY_DSN"]\n')

    result = builder.compile(root)

    assert_fails_with_the_apps_traceback_only(
        result, "collectstatic failed since the settings need the environment variable SENTRY_DSN.")
    assert "KeyError: 'SENTRY_DSN'" in result.stdout
    assert errors(result)[2:4] == [
        "SENTRY_DSN is not set during the build. Set it as a config var (config vars are visible to",
        'the build), or give it a default in the settings: os.environ.get("SENTRY_DSN", "...").',
    ]


def test_css_referencing_a_missing_file_names_both_files(builder, tmp_path):
    root = app(tmp_path, extra_settings='STATICFILES_DIRS = [BASE_DIR / "static"]\n',
               files={"static/css/site.css": "body { background: url(../img/logo.png); }\n"})

    result = builder.compile(root)

    assert_fails_with_the_apps_traceback_only(
        result, "collectstatic failed since the CSS file 'static/css/site.css' references "
                "'img/logo.png', which does not exist.")
    assert "The CSS file 'css/site.css' references a file which could not be found" in result.stdout


def test_manage_py_without_settings_gets_unknown_command_explained(builder, tmp_path):
    root = app(tmp_path, replace=[
        ("manage.py", 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")', "pass")])

    result = builder.compile(root)

    assert_fails_with_the_apps_traceback_only(
        result, "collectstatic failed since no settings module is configured: Django reports "
                "\"Unknown command\".")
    assert "Unknown command: 'collectstatic'" in result.stdout
    assert "Settings module: not set; run in the root of the app;" in result.stderr


def test_module_missing_from_requirements_is_named(builder, tmp_path):
    root = app(tmp_path, extra_settings="import environ\n")

    result = builder.compile(root)

    assert_fails_with_the_apps_traceback_only(
        result, "collectstatic failed since the module 'environ' can't be found.")


def test_debug_collectstatic_prints_the_environment_with_secrets_masked(builder, tmp_path):
    root = app(tmp_path, extra_settings='SENTRY_DSN = os.environ["SENTRY_DSN"]\n')

    result = builder.compile(root, config={
        "DEBUG_COLLECTSTATIC": "1", "API_TOKEN": "tok-123456", "DATABASE_URL": "postgres://app:hunter2@db:5432/app",
        "EXTRA_INDEX_URL": "https://user-tok-9f8e7d@pypi.example/simple/",
        "FURY_URL": "https://fury-tok-1a2b3c:@pypi.fury.io/me/", "PLAIN_SETTING": "visible"})

    assert result.returncode == 1
    lines = result.stdout.splitlines()
    start = lines.index("       Environment of collectstatic (DEBUG_COLLECTSTATIC is set; secret-looking "
                        "values masked):")
    dump = lines[start + 1:]
    assert "         API_TOKEN=****" in dump
    assert "         DATABASE_URL=postgres://****:****@db:5432/app" in dump
    assert "         EXTRA_INDEX_URL=https://****@pypi.example/simple/" in dump
    assert "         FURY_URL=https://****:@pypi.fury.io/me/" in dump
    assert "         DJANGO_SECRET_KEY=****" in dump and "         SECRET_KEY=****" in dump
    assert "         PLAIN_SETTING=visible" in dump
    assert "tok-123456" not in result.log and "hunter2" not in result.log
    assert "user-tok-9f8e7d" not in result.log and "fury-tok-1a2b3c" not in result.log


def test_static_settings_that_break_production_are_warned_with_the_fix(builder, tmp_path):
    root = app(tmp_path, replace=[
        (SETTINGS, '    "whitenoise.middleware.WhiteNoiseMiddleware",\n', ""),
        (SETTINGS, "MIDDLEWARE = [\n", 'MIDDLEWARE = [\n    "whitenoise.middleware.WhiteNoiseMiddleware",\n'),
        (SETTINGS, '    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},\n', ""),
    ], extra_settings='STATICFILES_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"\n')

    result = builder.compile(root)

    assert result.returncode == 0, result.log
    box = errors(result)
    assert "Warning: WhiteNoiseMiddleware is above SecurityMiddleware in MIDDLEWARE." in box
    assert "Warning: STORAGES has no \"default\" entry." in box
    django = next(line for line in box if line.startswith("Warning: STATICFILES_STORAGE is ignored by Django "))
    assert re.fullmatch(r"Warning: STATICFILES_STORAGE is ignored by Django (5\.[1-9]|[6-9]\.\d)[\w.]*\.", django)
    assert '      "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},' in box


def test_missing_whitenoise_and_gunicorn_are_warned_with_the_fix(builder, tmp_path):
    root = app(tmp_path, requirements="django\n", files={"Procfile": "worker: python worker.py\n"}, replace=[
        (SETTINGS, '    "whitenoise.middleware.WhiteNoiseMiddleware",\n', ""),
        (SETTINGS, "whitenoise.storage.CompressedManifestStaticFilesStorage",
         "django.contrib.staticfiles.storage.ManifestStaticFilesStorage")])

    result = builder.compile(root)

    assert result.returncode == 0, result.log
    box = errors(result)
    assert box[box.index("Warning: This Django app has no web process: gunicorn isn't installed and the "
                         "Procfile has no web."):][:5] == [
        "Warning: This Django app has no web process: gunicorn isn't installed and the Procfile has no web.",
        "",
        "Without one the app serves no HTTP requests. The default web process runs gunicorn, so add",
        "it to your requirements (gunicorn), or declare the web process in a Procfile, for example:",
        "  web: gunicorn mysite.wsgi --bind 0.0.0.0:$PORT"]
    assert "Warning: WhiteNoise is not in MIDDLEWARE: nothing will serve the collected static files." in box


def test_a_django_app_without_a_wsgi_module_is_warned_it_serves_no_http(builder, tmp_path):
    root = app(tmp_path, replace=[(SETTINGS, 'WSGI_APPLICATION = "mysite.wsgi.application"\n', "")])
    (root / "mysite" / "wsgi.py").unlink()

    result = builder.compile(root)

    assert result.returncode == 0, result.log
    box = errors(result)
    title = "Warning: This Django app has no web process: no WSGI module was found and the Procfile has no web."
    assert box[box.index(title):][:6] == [
        title,
        "",
        "Without one the app serves no HTTP requests. The default web process runs gunicorn with the",
        "module the WSGI_APPLICATION setting names (else <project>/wsgi.py), and there is neither.",
        "Set WSGI_APPLICATION, or declare the web process in a Procfile, for example:",
        "  web: gunicorn mysite.wsgi --bind 0.0.0.0:$PORT"]


@pytest.mark.parametrize("requirements", ["", "gunicorn\nwhitenoise\n"])
def test_a_django_project_whose_requirements_lack_django_fails_naming_them(builder, tmp_path, requirements):
    """Every process would crash on `import django`: a 0-byte requirements.txt included."""
    result = builder.compile(app(tmp_path, requirements=requirements))

    assert result.returncode == 1, result.log
    assert errors(result) == [
        "Error: Django isn't installed, but manage.py runs Django.",
        "",
        "Nothing in requirements.txt installs Django, so every process of the app (web, release,",
        "manage.py commands) would fail with \"No module named 'django'\". Add Django to",
        "requirements.txt (for example the requirement Django>=5.2,<6) and commit it.",
    ]
    assert "Running python manage.py collectstatic" not in result.stdout


def test_a_manage_py_of_another_tool_needs_no_django(builder, tmp_path):
    root = apps.plain_app(tmp_path, {"requirements.txt": "six\n", "manage.py": "from flask_script import Manager\n"})

    assert builder.compile(root).returncode == 0


def test_settings_that_exit_before_collectstatic_runs_fail_the_build(builder, tmp_path):
    """sys.exit(0) in the settings: manage.py exits with status 0 and collects nothing."""
    result = builder.compile(app(tmp_path, extra_settings="import sys\nsys.exit(0)\n"))

    assert result.returncode == 1, result.log
    box = errors(result)
    assert box[:6] == [
        "Error: manage.py exited before collectstatic ran, so no static files were collected.",
        "",
        "Something that runs before the command (the settings, an app's ready() method or manage.py",
        "itself) ended the process, for example with sys.exit(). Even with exit status 0 that is a",
        "failure: the app's pages need their static files. Make it return normally during the build",
        "(config vars are visible to it).",
    ]
    assert re.fullmatch(r"Settings module: mysite\.settings; run in the root of the app; Django \d+\.\d+[\w.]*\.",
                        box[6])
    assert not (result.build_dir / "staticfiles").exists()


def test_collectstatic_that_never_finishes_is_stopped_at_the_time_limit(builder, tmp_path):
    pid_file = tmp_path / "settings.pid"
    root = app(tmp_path, extra_settings=f"import time\nPath({str(pid_file)!r}).write_text(str(os.getpid()))\n"
                                        "time.sleep(600)\n")
    try:
        result = builder.compile(root, config={"BUILD_STEP_TIMEOUT": "2"}, timeout=180)

        assert result.returncode == 1, result.log
        assert errors(result)[0] == ("Error: python manage.py collectstatic --noinput did not finish within the "
                                     "time limit of 2 seconds.")
        assert "The build stopped it and every process it started." in errors(result)[2]
        assert not running(pid_file.read_text())
        assert "Traceback" not in result.log
    finally:  # never leave a hung process behind, whatever failed above
        if pid_file.is_file() and running(pid_file.read_text()):
            os.kill(int(pid_file.read_text()), signal.SIGKILL)
