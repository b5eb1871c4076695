"""Every bin/* script, called as each host calls it, on a real Django app.

The argument lists are the hosts' own: Heroku's buildpack API and testpack API (Heroku CI),
and herokuish (what Dokku runs; its include/buildpack.bash), which passes CACHE_DIR to
bin/release as well and runs bin/test from the folder the build was moved to.
"""

import shutil

import pytest

from buildpack import slug as buildpack_slug
from tests import apps
from tests.conftest import errors, run_bin
from tests.pythons import require_python

# (host, step, its arguments): the folders the host gives, in its order.
HOSTS = [
    ("Heroku", "detect", ["BUILD_DIR"]),
    ("Heroku", "compile", ["BUILD_DIR", "CACHE_DIR", "ENV_DIR"]),
    ("Heroku", "release", ["BUILD_DIR"]),
    ("Heroku CI", "test-compile", ["BUILD_DIR", "CACHE_DIR", "ENV_DIR"]),
    ("Heroku CI", "test", ["BUILD_DIR", "ENV_DIR"]),
    ("herokuish", "detect", ["BUILD_DIR"]),
    ("herokuish", "compile", ["BUILD_DIR", "CACHE_DIR", "ENV_DIR"]),
    ("herokuish", "release", ["BUILD_DIR", "CACHE_DIR"]),
    ("herokuish buildpack test", "test-compile", ["BUILD_DIR", "CACHE_DIR", "ENV_DIR"]),
    ("herokuish buildpack test", "test", ["APP_DIR", "ENV_DIR"]),
]

RELEASE_YAML = '---\ndefault_process_types:\n  web: "gunicorn mysite.wsgi --bind 0.0.0.0:$PORT"\n'


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """A Django app with gunicorn, and a test suite that bin/test-compile's extra (pytest) runs."""
    require_python("3.12")
    root = tmp_path_factory.mktemp("hosts") / "app"
    return apps.django_app(root, requirements=None, files={
        "pyproject.toml": '[project]\nname = "site"\nversion = "1"\n'
                          'dependencies = ["django", "gunicorn", "whitenoise"]\n'
                          '[project.optional-dependencies]\ntest = ["pytest"]\n',
        "tests/test_site.py": "def test_the_site_adds_up():\n    assert 1 + 1 == 2\n",
    })


@pytest.fixture(scope="module")
def slug(builder, app):
    """The app compiled, as bin/release finds it."""
    result = builder.compile(app)
    assert result.returncode == 0, result.log
    return result.build_dir


def folders(builder, app, slug, tmp_path, step, arguments):
    """The folders a host gives `step`, by name: the source, a new build, or a built slug."""
    given = {"CACHE_DIR": builder.cache_dir(), "ENV_DIR": builder.env_dir({})}
    if step == "detect":
        given["BUILD_DIR"] = builder.fresh_build_dir(app)
    elif step in ("compile", "test-compile"):
        given["BUILD_DIR"] = builder.fresh_build_dir(app)
        given["CACHE_DIR"] = builder.cache_dir(f"cache-{step}")
    elif step == "release":
        given["BUILD_DIR"] = slug
    else:  # test: after a test-compile, in place (Heroku CI) or moved to APP_DIR (herokuish)
        built = builder.compile(app, cache="cache-test-compile", step="test-compile")
        assert built.returncode == 0, built.log
        given["BUILD_DIR"] = built.build_dir
        if "APP_DIR" in arguments:
            given["APP_DIR"] = shutil.move(built.build_dir, tmp_path / "app")
    return given


@pytest.mark.parametrize("host,step,arguments", HOSTS,
                         ids=[f"{host}: bin/{step} {' '.join(arguments)}" for host, step, arguments in HOSTS])
def test_each_host_calls_each_step_with_its_own_arguments(builder, app, slug, tmp_path, host, step, arguments):
    given = folders(builder, app, slug, tmp_path, step, arguments)
    result = run_bin(step, *[given[name] for name in arguments])
    assert "usage:" not in result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
    if step == "detect":
        assert (result.stdout, result.stderr) == ("Django\n", "")
    elif step == "release":
        assert (result.stdout, result.stderr) == (RELEASE_YAML, "")
    elif step in ("compile", "test-compile"):
        assert "-----> Using Python 3.12 specified in .python-version\n" in result.stdout
        # the test extra, for bin/test only
        assert buildpack_slug.has_package(given["BUILD_DIR"], "pytest") == (step == "test-compile")
    else:
        assert "-----> Running -m pytest\n" in result.stdout
        assert "1 passed" in result.stdout


def test_the_ignored_arguments_are_named_only_when_debugging(slug, builder):
    quiet = run_bin("release", slug, builder.cache_dir())
    debug = run_bin("release", slug, builder.cache_dir(), env={"BUILDPACK_DEBUG": "1"})
    assert (quiet.stdout, quiet.stderr) == (RELEASE_YAML, "")
    assert debug.stdout == RELEASE_YAML
    assert errors(debug)[0] == f"Note: bin/release takes BUILD_DIR and ignores the rest: {builder.cache_dir()}."


@pytest.mark.parametrize("step,arguments", [("detect", []), ("release", []), ("compile", ["BUILD_DIR", "CACHE_DIR"]),
                                            ("test", ["BUILD_DIR"])])
def test_too_few_arguments_are_refused_with_the_usage(slug, builder, step, arguments):
    given = {"BUILD_DIR": slug, "CACHE_DIR": builder.cache_dir()}
    result = run_bin(step, *[given[name] for name in arguments])
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == ("usage:\n  bin/detect BUILD_DIR\n  bin/compile BUILD_DIR CACHE_DIR ENV_DIR\n"
                             "  bin/test-compile BUILD_DIR CACHE_DIR ENV_DIR\n  bin/release BUILD_DIR\n"
                             "  bin/test BUILD_DIR ENV_DIR\n")
