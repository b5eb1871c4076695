"""A built slug records the stack it was built on, for an image's base to be checked against (a
slug on the distribution's Python: test_version.py's test of that machine)."""

import pytest

from buildpack.slug import stack
from tests import apps
from tests.conftest import errors


def test_a_built_slug_names_the_build_machines_os_in_heroku_stack(builder, tmp_path):
    result = builder.compile(apps.django_app(tmp_path / "app"))
    assert result.returncode == 0, result.log
    release = stack.parse_os_release(open("/etc/os-release").read())
    assert (result.build_dir / ".heroku/stack").read_text() == f"{release['ID']}-{release['VERSION_ID']}\n"
    assert stack.distribution_python(result.build_dir) is None


@pytest.mark.parametrize("value", ["heroku-24", "heroku-26"])
def test_a_heroku_stack_is_accepted_and_the_slug_records_the_os_it_was_built_on(builder, tmp_path, value):
    machine = stack.current()
    apps.plain_app(tmp_path, {"requirements.txt": "six\n"})
    result = builder.compile(tmp_path, cache=f"cache-{value}", env={"STACK": value})
    assert result.returncode == 0, result.log
    if machine == stack.HOST_STACKS[value]:  # the host's own image
        assert "STACK" not in result.stderr
    else:
        assert errors(result)[:2] == [f"Warning: STACK is {value}, which is {stack.HOST_STACKS[value]}, "
                                      f"but this build machine runs {machine}.", ""]
    assert (result.build_dir / ".heroku/stack").read_text() == f"{machine.name}\n"
    again = builder.compile(tmp_path, cache=f"cache-{value}", env={"STACK": value})
    assert "-----> Restoring cache\n" in again.stdout


def test_an_unknown_stack_is_a_warning_and_the_build_goes_on(builder, tmp_path):
    apps.plain_app(tmp_path, {"requirements.txt": "six\n"})
    result = builder.compile(tmp_path, cache="cache-unknown-stack", env={"STACK": "heroku-99"})
    assert result.returncode == 0, result.log
    assert " !     Warning: STACK is 'heroku-99', which is not a stack the buildpack knows.\n" in result.stderr
    assert (result.build_dir / ".heroku/stack").read_text() == f"{stack.current().name}\n"
