"""The requirements.in lock cache: one entry per (requirements files, Python, pip-tools)."""

from buildpack.layers import locks


def test_the_key_changes_with_the_requirements_the_python_and_pip_tools():
    base = locks.key([b"django\n"], "3.12.4", "7.6.2")
    assert base == locks.key([b"django\n"], "3.12.4", "7.6.2")
    assert len({base, locks.key([b"django<6\n"], "3.12.4", "7.6.2"),
                locks.key([b"django\n"], "3.13.1", "7.6.2"), locks.key([b"django\n"], "3.12.4", "7.7.0")}) == 4


def test_a_saved_lock_is_restored_and_an_unknown_key_restores_nothing(tmp_path):
    lock = tmp_path / "app" / "requirements.txt"
    lock.parent.mkdir()
    lock.write_text("django==5.2.1\n")
    locks.save(tmp_path / "cache", "k1", lock)
    lock.unlink()
    assert locks.restore(tmp_path / "cache", "k2", lock) is False
    assert not lock.exists()
    assert locks.restore(tmp_path / "cache", "k1", lock) is True
    assert lock.read_text() == "django==5.2.1\n"
