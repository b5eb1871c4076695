"""A CACHE_DIR restored at another path (a CI cache step restores it wherever the job's
workspace is) is reused as it is: nothing the cache keeps names the folder it was made in."""

import pytest

from tests import apps


def move(builder, old, new):
    (builder.root / old).rename(builder.root / new)


@pytest.mark.slow
def test_a_moved_cache_restores_the_environment_and_the_static_files(builder, tmp_path):
    app = apps.django_app(tmp_path / "app")
    first = builder.compile(app, cache="django-A")
    assert first.returncode == 0, first.log
    move(builder, "django-A", "django-B")
    again = builder.compile(app, cache="django-B")
    assert again.returncode == 0, again.log
    assert "-----> Restoring cache\n       Using cached install of Python 3.12." in again.stdout
    assert "-----> Dependencies unchanged since the last build: nothing to install (requirements.txt)" in again.stdout
    assert "-----> Reusing the static files of the last build: nothing collectstatic reads has changed" in again.stdout
    assert "Discarding cache" not in again.stdout and "Installing Python" not in again.stdout


@pytest.mark.slow
def test_pip_tools_kept_in_a_moved_cache_still_compiles_requirements_in(builder, tmp_path):
    """pip-compile's script names the folder its environment was made in; the build runs it
    with `python -m` so the moved environment still runs. The cache is a folder of its own
    here (not linked to the session's shared tools), so that its tools move with it."""
    (builder.root / "pip-A").mkdir()
    app = apps.plain_app(tmp_path / "app", {"requirements.in": "sqlparse\n"})
    config = {"PYTHON_INSTALLER": "pip"}
    first = builder.compile(app, cache="pip-A", config=config)
    assert first.returncode == 0, first.log
    assert "-----> Compiling requirements.in with pip-tools (pip-compile)" in first.stdout
    move(builder, "pip-A", "pip-B")
    (app / "requirements.in").write_text("sqlparse\nwhitenoise\n")  # a new lock: pip-compile runs again
    again = builder.compile(app, cache="pip-B", config=config)
    assert again.returncode == 0, again.log
    assert "-----> Restoring cache\n       Using cached install of Python 3.12." in again.stdout
    assert "-----> Compiling requirements.in with pip-tools (pip-compile)" in again.stdout
    lock = (again.build_dir / "requirements.txt").read_text()
    assert "sqlparse==" in lock and "whitenoise==" in lock
