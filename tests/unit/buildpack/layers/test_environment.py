"""The cached environment's key and the reasons it is discarded: what the build log prints
under "Discarding cache since:"."""

from types import SimpleNamespace

from buildpack.layers import environment


def test_the_key_names_the_stack_the_python_and_the_installer():
    assert environment.key("heroku-24", "3.12.4", False, "uv") == {
        "format": environment.FORMAT, "stack": "heroku-24", "python": "3.12.4", "installer": "uv"}


def test_a_distribution_python_is_a_key_of_its_own():
    assert environment.key("heroku-24", "3.12.3", True, "pip")["python"] == "3.12.3 (the system's)"


def test_a_cache_made_for_the_same_key_fits():
    wanted = environment.key("heroku-24", "3.12.4", False, "uv")
    assert environment.reasons({**wanted, "requirements": "abc"}, wanted) == []


def test_each_change_is_one_reason_in_the_order_of_the_key():
    cached = environment.key("heroku-22", "3.11.9", False, "pip")
    wanted = environment.key("heroku-24", "3.12.4", False, "uv")
    assert environment.reasons(cached, wanted) == [
        "The stack has changed from heroku-22 to heroku-24",
        "The Python version has changed from 3.11.9 to 3.12.4",
        "The installer has changed from pip to uv",
    ]


def test_a_cache_from_before_the_format_or_without_a_key_is_discarded_naming_what_is_missing():
    wanted = environment.key("heroku-24", "3.12.4", False, "uv")
    assert environment.reasons({**wanted, "format": 0}, wanted) == [
        f"The cache format has changed from 0 to {environment.FORMAT}"]
    assert environment.reasons({}, wanted)[0] == f"The cache format has changed from None to {environment.FORMAT}"


def test_the_key_names_no_folder_so_a_cache_restored_at_another_path_fits():
    """A CI cache step restores CACHE_DIR wherever the job runs: the Python uv downloaded into
    the cache, and the build folder, are somewhere else the next time."""
    def build(cache_dir):
        interpreter = SimpleNamespace(system=False, version=(3, 12, 4),
                                      executable=f"{cache_dir}/python-installs/cpython-3.12.4-linux-x86_64-gnu/bin/python3.12")
        return SimpleNamespace(stack="heroku-24", python_version="3.12.4", interpreter=interpreter,
                               cache_dir=cache_dir, build_dir=f"/tmp/build_{len(cache_dir)}")

    installer = SimpleNamespace(name="uv")
    made = environment.build_key(build("/home/runner/work/app/cache"), installer)
    assert environment.reasons(made, environment.build_key(build("/builds/group/app/.cache"), installer)) == []
