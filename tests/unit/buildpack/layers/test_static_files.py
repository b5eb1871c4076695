"""Why collectstatic's cached output is not reused: the words after "Not reusing the static
files of the last build:"."""

import hashlib
from types import SimpleNamespace

from buildpack.layers import cache, static_files


def _cached(ctx, files):
    digests = {name: hashlib.sha256((ctx.build_dir / name).read_bytes()).hexdigest() for name in files}
    return {"python": "3.12.4", "config": cache.config_digest(ctx.config), "files": sorted(files),
            "folders": [], "stamps": {}, "digests": digests}


def _ctx(tmp_path, python="3.12.4", config=None):
    return SimpleNamespace(build_dir=tmp_path, python_version=python, config=config or {})


def test_nothing_changed_is_no_reason(tmp_path):
    (tmp_path / "settings.py").write_text("STATIC_ROOT = 'staticfiles'\n")
    ctx = _ctx(tmp_path)
    assert static_files.reasons(ctx, _cached(ctx, ["settings.py"])) == []


def test_a_new_python_or_new_config_vars_is_the_reason_before_any_file_is_read(tmp_path):
    (tmp_path / "settings.py").write_text("x = 1\n")
    cached = _cached(_ctx(tmp_path), ["settings.py"])
    (tmp_path / "settings.py").write_text("x = 2\n")
    assert static_files.reasons(_ctx(tmp_path, python="3.13.1"), cached) == [
        "the Python version (3.12.4 -> 3.13.1)"]
    assert static_files.reasons(_ctx(tmp_path, config={"DEBUG": "1"}), cached) == ["the config vars"]


def test_changed_and_removed_files_are_named_in_order(tmp_path):
    for name in ("b.py", "a.py", "c.py"):
        (tmp_path / name).write_text(name)
    ctx = _ctx(tmp_path)
    cached = _cached(ctx, ["a.py", "b.py", "c.py"])
    (tmp_path / "c.py").write_text("changed")
    (tmp_path / "a.py").unlink()
    assert static_files.reasons(ctx, cached) == ["a.py", "c.py"]
