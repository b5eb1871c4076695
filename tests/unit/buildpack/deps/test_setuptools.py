"""Which environments get setuptools, and the cache key that records it."""

from buildpack.deps import installers, requirements
from buildpack.layers import environment


def test_python_3_12_and_older_get_the_classic_buildpacks_setuptools():
    assert installers.SETUPTOOLS_VERSION == "70.3.0"
    assert [installers.setuptools_for(v) for v in [(3, 10, 13), (3, 11, 0), (3, 12, 14), (3, 13, 0), (3, 14, 7)]] == [
        "70.3.0", "70.3.0", "70.3.0", None, None]


def test_the_key_names_setuptools_only_where_the_environment_gets_it():
    assert environment.key("heroku-24", "3.12.4", False, "uv", "70.3.0")["setuptools"] == "70.3.0"
    assert "setuptools" not in environment.key("heroku-24", "3.13.0", False, "uv", None)


def test_a_cache_made_without_setuptools_is_discarded_saying_so():
    wanted = environment.key("heroku-24", "3.12.4", False, "uv", "70.3.0")
    before = environment.key("heroku-24", "3.12.4", False, "uv")
    assert environment.reasons(before, wanted) == [
        "The cached environment has no setuptools 70.3.0, which Python 3.12 and older now get"]
    assert environment.reasons({**before, "setuptools": "69.5.1"}, wanted) == [
        "The setuptools version has changed from 69.5.1 to 70.3.0"]


def test_a_cache_of_a_newer_python_made_before_still_fits():
    wanted = environment.key("heroku-24", "3.13.0", False, "uv", None)
    assert environment.reasons(dict(wanted), wanted) == []


def test_require_hashes_mode_is_found_in_any_included_file(tmp_path):
    (tmp_path / "base.txt").write_text("# pinned\n  --require-hashes\nsix==1.16.0 --hash=sha256:aa\n")
    (tmp_path / "requirements.txt").write_text("-r base.txt\n")
    (tmp_path / "loose.txt").write_text("six --hash=sha256:aa\n# --require-hashes is not set\n")
    assert requirements.requires_hashes(requirements.files(tmp_path / "requirements.txt"))
    assert not requirements.requires_hashes(requirements.files(tmp_path / "loose.txt"))
