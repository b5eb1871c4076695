"""The repository's own promises: the README starts with the two commands, CI runs the second,
and one Python floor holds for the build's own code."""

import configparser
import re
import subprocess

from buildpack import PYTHON_FLOOR
from tests.conftest import REPO


def readme_commands():
    first_block = re.search(r"```sh\n(.*?)```", (REPO / "README.md").read_text(), re.DOTALL).group(1)
    return [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]


def test_readme_starts_with_the_main_job_and_the_test_command():
    assert readme_commands() == ["scripts/example", "scripts/test"]
    for command in readme_commands():
        assert (REPO / command).stat().st_mode & 0o111, f"{command} is not executable"


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci/run").read_text()
    assert 'exec "$(dirname "$0")/../scripts/test" "$@"' in ci
    syntax = subprocess.run(["bash", "-n", str(REPO / ".ci/run")], capture_output=True, text=True)
    assert syntax.returncode == 0, syntax.stderr


def test_the_python_floor_is_the_one_buildpack_states():
    floor = ".".join(map(str, PYTHON_FLOOR))
    setup = configparser.ConfigParser()
    setup.read(REPO / "setup.cfg")
    assert setup["options"]["python_requires"] == f">={floor}"
    assert f"`python3` >= {floor}" in (REPO / "docs/buildpack.md").read_text()
    wrapper = (REPO / "bin/_buildpack").read_text()
    assert "PYTHON_FLOOR" in wrapper and not re.search(r"version_info < \(3, \d", wrapper)
