"""The command line itself: `runtime --version`, and each sub-command's usage on a bad argument."""

import configparser

import pytest

from tests.conftest import REPO
from tests.runtime.helpers import runtime


def test_version_is_the_installed_package_version():
    metadata = configparser.ConfigParser()
    metadata.read(REPO / "setup.cfg")

    result = runtime("--version")

    assert result.returncode == 0
    assert result.stdout == f"runtime {metadata['metadata']['version']}\n"


@pytest.mark.parametrize("args", [
    ["start", "--bogus"],
    ["start", "web", "--bogus=3"],
    ["build", "--bogus"],
    ["release", "--bogus"],
    ["run", "--bogus"],
    ["config", "--bogus"],
    ["check", "--bogus"],
    ["export", "systemd", "out", "--bogus"],
])
def test_an_unknown_option_prints_the_usage_of_its_sub_command(args):
    result = runtime(*args)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"usage: runtime {args[0]} [-h]")
    assert result.stderr.splitlines()[-1] == (
        f"runtime {args[0]}: error: unrecognized arguments: {args[-1]}")


def test_an_unknown_command_prints_the_top_level_usage():
    result = runtime("strat")

    assert result.returncode == 2
    assert result.stderr.startswith("usage: runtime [-h] [--version] COMMAND ...")
    assert "invalid choice: 'strat'" in result.stderr
