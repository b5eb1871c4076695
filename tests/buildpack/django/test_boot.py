"""The web boot check: the build loads the web process's application the way the web process
will, and fails (naming the error and the fix) where a deployed slug would crash at start."""

from tests import apps
from tests.conftest import errors
from tests.pythons import require_python

BROKEN_WSGI = {"mysite/wsgi.py": "import missing_module\n" + apps.WSGI_PY.format(project="mysite")}
WEB = "web: gunicorn mysite.wsgi --bind 0.0.0.0:$PORT"
FOOTER = [
    "The build loaded it as the web process will, with the config vars and the build-only",
    "stand-ins collectstatic gets (the output is above); deployed, the slug would crash at start:",
]
MISSING_MODULE_FIX = [
    "If missing_module comes from a package, add missing_module to requirements.txt (by the name",
    "it is published under, which may differ: PyYAML for yaml); if it is part of the app,",
    "check its name and that it is committed.",
]


def test_a_wsgi_module_importing_a_missing_module_fails_the_build_naming_it(builder, tmp_path):
    result = builder.compile(apps.django_app(tmp_path, files=BROKEN_WSGI))
    assert result.returncode == 1, result.log
    assert "       ModuleNotFoundError: No module named 'missing_module'" in result.stdout.splitlines()
    assert errors(result) == [
        "Error: The web process can't start: loading mysite.wsgi fails with "
        "ModuleNotFoundError: No module named 'missing_module'.",
        "",
        *MISSING_MODULE_FIX,
        *FOOTER,
        f"  {WEB}",
        "To build without this check, set the WEB_BOOT_CHECK config var to 0.",
    ]


def test_web_boot_check_0_builds_it_saying_the_check_was_skipped(builder, tmp_path):
    result = builder.compile(apps.django_app(tmp_path, files=BROKEN_WSGI), config={"WEB_BOOT_CHECK": "0"})
    assert result.returncode == 0, result.log
    assert ("-----> Checking that the web process boots\n"
            "       Skipped: the WEB_BOOT_CHECK config var is 0.\n") in result.stdout


def test_a_working_app_passes_the_check_with_gunicorn(builder, tmp_path):
    result = builder.compile(apps.django_app(tmp_path))
    assert result.returncode == 0, result.log
    assert ("-----> Checking that the web process boots\n"
            f"       Loading mysite.wsgi as `{WEB}` would\n") in result.stdout


def test_a_procfile_web_that_is_not_gunicorn_gets_an_import_of_its_callable(builder, tmp_path):
    procfile = {"Procfile": "web: waitress-serve --port=$PORT mysite.wsgi:application\n"}
    working = builder.compile(apps.django_app(tmp_path / "working", files=procfile))
    assert working.returncode == 0, working.log
    assert ("       Loading mysite.wsgi:application as "
            "`web: waitress-serve --port=$PORT mysite.wsgi:application` would\n") in working.stdout

    broken = builder.compile(apps.django_app(tmp_path / "broken", files={**BROKEN_WSGI, **procfile}))
    assert broken.returncode == 1, broken.log
    assert errors(broken)[:3] == [
        "Error: The web process can't start: loading mysite.wsgi:application fails with "
        "ModuleNotFoundError: No module named 'missing_module'.",
        "",
        MISSING_MODULE_FIX[0],
    ]
    assert "  web: waitress-serve --port=$PORT mysite.wsgi:application" in errors(broken)


def test_a_procfile_web_naming_no_application_skips_the_check_saying_so(builder, tmp_path):
    result = builder.compile(apps.plain_app(tmp_path, {"requirements.txt": "", "Procfile": "web: python app.py\n"}))
    assert result.returncode == 0, result.log
    assert ("-----> Checking that the web process boots\n"
            "       Skipped: the web command names no application the build can load: python app.py\n"
            ) in result.stdout


def test_an_app_without_a_web_process_skips_the_check_saying_so(builder, tmp_path):
    result = builder.compile(apps.plain_app(tmp_path, {"requirements.txt": ""}))
    assert result.returncode == 0, result.log
    assert ("       Skipped: the app has no web process (no Procfile web, no default one).\n") in result.stdout


def test_gunicorn_20_without_setuptools_fails_saying_to_upgrade_it(builder, tmp_path):
    require_python("3.13")
    app = apps.django_app(tmp_path, requirements="django\ngunicorn==20.1.0\nwhitenoise\n", python_version="3.13")
    result = builder.compile(app)
    assert result.returncode == 1, result.log
    assert errors(result)[:5] == [
        "Error: The web process can't start: loading mysite.wsgi fails with "
        "ModuleNotFoundError: No module named 'pkg_resources'.",
        "",
        "pkg_resources is part of setuptools, which this environment doesn't have (Python 3.13",
        "and newer get none), and gunicorn before 22 imports it. Upgrade gunicorn to 22 or later,",
        "or add setuptools to requirements.txt.",
    ]


REUSED = ("-----> Checking that the web process boots\n"
          "       It booted in the last build, and nothing it loads has changed since.\n")


def test_a_rebuild_of_the_same_app_trusts_the_last_check_and_any_change_runs_it_again(builder, tmp_path):
    app = apps.django_app(tmp_path / "app")
    first = builder.compile(app, cache="reuse")
    assert first.returncode == 0, first.log
    assert f"       Loading mysite.wsgi as `{WEB}` would\n" in first.stdout

    again = builder.compile(app, cache="reuse")
    assert again.returncode == 0, again.log
    assert REUSED in again.stdout
    assert "Loading mysite.wsgi" not in again.stdout

    other_config = builder.compile(app, cache="reuse", config={"FEATURE": "on"})
    assert other_config.returncode == 0, other_config.log
    assert f"       Loading mysite.wsgi as `{WEB}` would\n" in other_config.stdout

    (app / "mysite/wsgi.py").write_text(BROKEN_WSGI["mysite/wsgi.py"])
    broken = builder.compile(app, cache="reuse", config={"FEATURE": "on"})
    assert broken.returncode == 1, broken.log
    assert "ModuleNotFoundError: No module named 'missing_module'" in errors(broken)[0]
    after_failure = builder.compile(app, cache="reuse", config={"FEATURE": "on"})
    assert after_failure.returncode == 1, after_failure.log
