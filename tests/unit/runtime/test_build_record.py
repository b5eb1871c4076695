"""The record of the last build: what makes a slug current, and what running it may write."""

import os
import socket

import pytest

from runtime import build_record

ENV = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}


@pytest.fixture
def built(tmp_path):
    """(app, cache, slug, inputs), the slug just recorded as built from the app."""
    app, cache, slug = tmp_path / "app", tmp_path / "cache", tmp_path / "slug"
    for folder in (app, cache, slug / "web" / "__pycache__"):
        folder.mkdir(parents=True)
    (app / "manage.py").write_text("print('app')\n")
    (slug / "manage.py").write_text("print('app')\n")
    (cache / "python.json").write_text("{}\n")
    inputs = build_record.inputs_digest(app, ["manage.py"], {"KEY": "1"}, ENV, cache)
    build_record.record(cache, slug, inputs)
    return app, cache, slug, inputs


def test_the_slug_just_recorded_is_current(built):
    _app, cache, slug, inputs = built
    assert build_record.is_current(cache, slug, inputs)
    assert not build_record.is_current(cache, slug.parent / "other-slug", inputs)
    assert not build_record.is_current(cache, slug, "another digest")


def test_what_running_the_slug_writes_leaves_it_current(built):
    _app, cache, slug, inputs = built
    (slug / "web" / "__pycache__" / "views.cpython-312.pyc").write_bytes(b"bytecode")
    (slug / "stray.pyc").write_bytes(b"bytecode")
    (slug / ".gunicorn").mkdir()
    with socket.socket(socket.AF_UNIX) as control:
        control.bind(str(slug / ".gunicorn" / "gunicorn.ctl"))
    assert build_record.is_current(cache, slug, inputs)


@pytest.mark.parametrize("change", ["edited", "added", "removed"])
def test_a_changed_slug_file_is_not_current(built, change):
    _app, cache, slug, inputs = built
    if change == "edited":
        (slug / "manage.py").write_text("print('changed')\n")
    elif change == "added":
        (slug / "web" / "views.py").write_text("")
    else:
        (slug / "manage.py").unlink()
    assert not build_record.is_current(cache, slug, inputs)


def test_a_changed_cache_is_not_current(built):
    _app, cache, slug, inputs = built
    (cache / "python.json").unlink()
    assert not build_record.is_current(cache, slug, inputs)


def test_a_missing_or_unreadable_record_is_not_current(built):
    _app, cache, slug, inputs = built
    (cache / build_record.RECORD_FILE).write_text("{not json")
    assert not build_record.is_current(cache, slug, inputs)
    (cache / build_record.RECORD_FILE).unlink()
    assert not build_record.is_current(cache, slug, inputs)


def test_the_inputs_change_with_a_file_a_config_var_or_the_build_environment(built):
    app, cache, _slug, inputs = built

    def digest(names=("manage.py",), config=None, env=ENV):
        return build_record.inputs_digest(app, list(names), config or {"KEY": "1"}, env, cache)

    assert digest() == inputs
    assert digest(config={"KEY": "2"}) != inputs
    assert digest(env={**ENV, "PATH": "/bin"}) != inputs
    assert digest(names=["manage.py", "urls.py"]) != inputs  # a new file, even one not there
    status = os.stat(app / "manage.py")
    os.utime(app / "manage.py", ns=(status.st_atime_ns, status.st_mtime_ns + 1))
    assert digest() != inputs


def test_the_record_holds_digests_not_the_config_values(built):
    app, cache, slug, inputs = built
    inputs = build_record.inputs_digest(app, ["manage.py"], {"SECRET_KEY": "s3cr3t-value"}, ENV, cache)
    build_record.record(cache, slug, inputs)
    assert "s3cr3t-value" not in (cache / build_record.RECORD_FILE).read_text()
