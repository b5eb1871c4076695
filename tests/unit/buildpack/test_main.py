"""Which step and arguments `python -m buildpack` (bin/*) was given: hosts pass more
arguments than the API names, never fewer."""

import pytest

from buildpack.log import messages
from buildpack.main import parse


@pytest.mark.parametrize("argv, parsed", [
    (["detect", "/b"], ("detect", ["/b"], [])),
    (["compile", "/b", "/c", "/e"], ("compile", ["/b", "/c", "/e"], [])),
    (["test", "/app", "/e"], ("test", ["/app", "/e"], [])),
    # herokuish: bin/release BUILD_DIR CACHE_DIR
    (["release", "/tmp/build", "/tmp/cache"], ("release", ["/tmp/build"], ["/tmp/cache"])),
    (["detect", "/b", "/c", "/e", ""], ("detect", ["/b"], ["/c", "/e", ""])),
])
def test_extra_arguments_are_set_apart_from_the_steps_own(argv, parsed):
    assert parse(argv) == parsed


@pytest.mark.parametrize("argv", [
    [], ["detect"], ["compile", "/b", "/c"], ["test-compile", "/b"], ["test", "/b"], ["build", "/b"], ["/b"],
])
def test_too_few_arguments_or_no_step_is_the_usage(argv):
    assert parse(argv) is None


def test_the_debug_note_names_the_ignored_arguments_in_part():
    message = messages.extra_arguments_ignored("release", "BUILD_DIR", ["/tmp/cache"])
    assert message.title == "bin/release takes BUILD_DIR and ignores the rest: /tmp/cache."
    many = messages.extra_arguments_ignored("detect", "BUILD_DIR", [f"/x{n}" for n in range(7)] + ["a\nb"])
    assert many.title.endswith("/x0, /x1, /x2, /x3, /x4 and 3 more.")
