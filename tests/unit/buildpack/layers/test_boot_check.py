"""When the last build's passing boot check stands for this build's: the same command, config
vars, Python and files, bytecode aside."""

from types import SimpleNamespace

from buildpack.layers import boot_check

COMMAND = "gunicorn mysite.wsgi --bind 0.0.0.0:$PORT --check-config"


def _ctx(tmp_path, python="3.12.4", config=None):
    return SimpleNamespace(build_dir=tmp_path, python_version=python, config=config or {})


def _slug(tmp_path):
    (tmp_path / "mysite").mkdir()
    (tmp_path / "mysite/wsgi.py").write_text("application = object()\n")
    (tmp_path / "Procfile").write_text("web: gunicorn mysite.wsgi\n")
    return _ctx(tmp_path)


def test_the_same_slug_checked_the_same_way_is_unchanged(tmp_path):
    ctx = _slug(tmp_path)
    before = boot_check.facts(ctx, COMMAND, None)
    assert boot_check.unchanged(before, boot_check.facts(ctx, COMMAND, before))


def test_no_record_is_never_unchanged(tmp_path):
    ctx = _slug(tmp_path)
    assert not boot_check.unchanged(None, boot_check.facts(ctx, COMMAND, None))


def test_bytecode_written_by_the_check_is_no_change(tmp_path):
    ctx = _slug(tmp_path)
    before = boot_check.facts(ctx, COMMAND, None)
    (tmp_path / "mysite/__pycache__").mkdir()
    (tmp_path / "mysite/__pycache__/wsgi.cpython-312.pyc").write_bytes(b"\0")
    (tmp_path / "stray.pyc").write_bytes(b"\0")
    assert boot_check.unchanged(before, boot_check.facts(ctx, COMMAND, before))


def test_a_changed_new_or_removed_file_is_a_change(tmp_path):
    ctx = _slug(tmp_path)
    before = boot_check.facts(ctx, COMMAND, None)
    (tmp_path / "mysite/wsgi.py").write_text("application = object()\nimport missing\n")
    assert not boot_check.unchanged(before, boot_check.facts(ctx, COMMAND, before))

    (tmp_path / "second").mkdir()
    ctx = _slug(tmp_path / "second")
    before = boot_check.facts(ctx, COMMAND, None)
    (ctx.build_dir / "extra.py").write_text("")
    assert not boot_check.unchanged(before, boot_check.facts(ctx, COMMAND, before))
    (ctx.build_dir / "extra.py").unlink()
    (ctx.build_dir / "Procfile").unlink()
    assert not boot_check.unchanged(before, boot_check.facts(ctx, COMMAND, before))


def test_another_command_config_or_python_is_a_change(tmp_path):
    ctx = _slug(tmp_path)
    before = boot_check.facts(ctx, COMMAND, None)
    assert not boot_check.unchanged(before, boot_check.facts(ctx, COMMAND + " --workers 2", before))
    assert not boot_check.unchanged(before, boot_check.facts(_ctx(tmp_path, config={"X": "1"}), COMMAND, before))
    assert not boot_check.unchanged(before, boot_check.facts(_ctx(tmp_path, python="3.13.1"), COMMAND, before))


def test_a_record_of_another_format_is_a_change(tmp_path):
    ctx = _slug(tmp_path)
    before = {**boot_check.facts(ctx, COMMAND, None), "format": boot_check.FORMAT - 1}
    assert not boot_check.unchanged(before, boot_check.facts(ctx, COMMAND, before))
