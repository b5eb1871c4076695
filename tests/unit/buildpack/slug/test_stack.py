"""The stack record: the build machine's OS as `.heroku/stack`, and the distribution Python a
slug's virtual environment runs."""

import subprocess
from pathlib import Path

import pytest

from buildpack.log import messages
from buildpack.slug import stack
from buildpack.slug.stack import Stack
from tests.conftest import require


def test_os_release_values_are_unquoted_and_comments_skipped():
    text = '# comment\nID=debian\nVERSION_ID="12"\nPRETTY_NAME=\'Debian GNU/Linux 12\'\nbroken\nNAME="unbalanced\n'
    assert stack.parse_os_release(text) == {
        "ID": "debian", "VERSION_ID": "12", "PRETTY_NAME": "Debian GNU/Linux 12", "NAME": '"unbalanced'}


def test_the_current_stack_comes_from_the_first_os_release_there_is(tmp_path):
    (tmp_path / "os-release").write_text('ID=ubuntu\nVERSION_ID="24.04"\n')
    found = stack.current([tmp_path / "missing", tmp_path / "os-release"])
    assert (found, found.name, str(found)) == (Stack("ubuntu", "24.04"), "ubuntu-24.04", "ubuntu 24.04")
    assert stack.current([tmp_path / "missing"]) == Stack("linux", "")


def test_write_records_this_machines_stack_as_one_line_that_read_gives_back(tmp_path):
    (tmp_path / ".heroku").mkdir()
    stack.write(tmp_path)
    assert (tmp_path / ".heroku/stack").read_text() == stack.current().name + "\n"
    assert stack.read(tmp_path) == stack.current()


@pytest.mark.parametrize("name, expected", [("debian-12", Stack("debian", "12")),
                                            ("opensuse-leap-15.6", Stack("opensuse-leap", "15.6"))])
def test_a_name_is_split_at_its_last_dash(tmp_path, name, expected):
    (tmp_path / ".heroku").mkdir()
    (tmp_path / ".heroku/stack").write_text(name + "\n")
    assert stack.read(tmp_path) == expected


def test_a_slug_built_before_the_record_has_no_stack(tmp_path):
    assert stack.read(tmp_path) is None


def test_a_virtual_environment_over_the_distributions_python_names_it(tmp_path):
    home = tmp_path / ".heroku/python"
    home.mkdir(parents=True)
    (home / "pyvenv.cfg").write_text("home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n")
    assert stack.distribution_python(tmp_path) == "/usr/bin/python3.11"


def test_a_real_virtual_environment_names_the_interpreter_it_was_made_from(tmp_path):
    python = "/usr/bin/python3"
    require(Path(python).exists(), "no distribution Python here: install Debian's python3")
    minor = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                           capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run([python, "-m", "venv", "--without-pip", str(tmp_path / ".heroku/python")], check=True)
    assert stack.distribution_python(tmp_path) == f"/usr/bin/python{minor}"


def test_a_self_contained_python_is_not_the_distributions(tmp_path):
    (tmp_path / ".heroku/python/bin").mkdir(parents=True)
    assert stack.distribution_python(tmp_path) is None


# A host's STACK: known and this machine's OS, known and another OS, or unknown.

@pytest.mark.parametrize("value, machine", [
    ("heroku-22", Stack("ubuntu", "22.04")), ("heroku-24", Stack("ubuntu", "24.04")),
    ("heroku-26", Stack("ubuntu", "26.04")), ("scalingo-24", Stack("ubuntu", "24.04")),
])
def test_a_host_stack_on_its_own_os_is_accepted_without_a_word(value, machine):
    assert stack.host_stack_warning(value, machine) is None


def test_a_host_stack_on_another_os_is_a_warning_naming_both():
    assert stack.host_stack_warning("heroku-26", Stack("debian", "12")) == messages.stack_not_this_machine(
        "heroku-26", "ubuntu 26.04", "debian 12")


@pytest.mark.parametrize("value", ["heroku-20", "cedar-14", "heroku-99", "my stack"])
def test_a_stack_the_buildpack_does_not_know_is_a_warning_not_an_error(value):
    message = stack.host_stack_warning(value, Stack("ubuntu", "24.04"))
    assert message == messages.unknown_stack(value, list(stack.HOST_STACKS), "ubuntu 24.04")
    assert message.title == f"STACK is {value!r}, which is not a stack the buildpack knows."
    assert "Known stacks: heroku-22, heroku-24, heroku-26, scalingo-22, scalingo-24, scalingo-26." in message.body
