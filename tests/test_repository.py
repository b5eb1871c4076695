"""The repository's own promises: the README starts with the two commands, CI runs the second."""

import re
import subprocess

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
