"""The slug's run-time defaults in .profile.d: gunicorn workers from the memory and CPUs the
process's cgroup allows, the router's forwarded headers, the access log, unbuffered output and
a UTF-8 locale; a value the user set always wins."""

import os
import subprocess
from pathlib import Path

import pytest

from buildpack.slug import profile_d
from tests.conftest import require

CGROUP = Path("/sys/fs/cgroup")
GIB = 1024 ** 3
SHOW = 'echo "$WEB_CONCURRENCY|$FORWARDED_ALLOW_IPS|$GUNICORN_CMD_ARGS|$PYTHONUNBUFFERED|$LANG"'


@pytest.fixture
def slug_with_profile_d(tmp_path):
    profile_d.write(tmp_path)
    return tmp_path


def sourced(slug, command=SHOW, env=None, prelude=""):
    """Run `command` in bash after sourcing the scripts, as a dyno does at process start."""
    script = f'{prelude}for f in "$HOME"/.profile.d/*.sh; do . "$f"; done; {command}'
    base = {"PATH": os.environ["PATH"], "HOME": str(slug)}
    result = subprocess.run(["bash", "-c", script], env={**base, **(env or {})}, capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0 and not result.stderr, result.stderr
    return result.stdout.strip()


def test_defaults_when_nothing_is_set(slug_with_profile_d):
    workers, forwarded, gunicorn_args, unbuffered, lang = sourced(slug_with_profile_d).split("|")
    assert 1 <= int(workers) <= 2 * os.cpu_count() + 1
    assert (forwarded, gunicorn_args, unbuffered, lang) == ("*", "--access-logfile -", "1", "C.UTF-8")


def test_the_users_values_win(slug_with_profile_d):
    mine = {"WEB_CONCURRENCY": "7", "FORWARDED_ALLOW_IPS": "10.0.0.1", "GUNICORN_CMD_ARGS": "--timeout 5",
            "PYTHONUNBUFFERED": "", "LANG": "fr_FR.UTF-8"}
    assert sourced(slug_with_profile_d, env=mine) == "7|10.0.0.1|--timeout 5|1|fr_FR.UTF-8"  # empty means unset


def test_scripts_leave_no_helpers_behind_and_survive_strict_shells(slug_with_profile_d):
    assert sourced(slug_with_profile_d, "declare -F | grep -c _lower || true", prelude="set -eu; ") == "0"
    assert sourced(slug_with_profile_d, 'echo "${_memory-gone}${_cores-gone}${_dir-gone}"') == "gonegonegone"


def cgroup_limits(tmp_name, memory=None, cpus=None):
    """Child cgroups with these limits; returns their folders (removed by the caller)."""
    require(os.geteuid() == 0, "creating cgroups needs root")
    created = []
    try:
        if (CGROUP / "cgroup.controllers").exists():  # cgroup v2: one tree
            parent = CGROUP / own_cgroup("")
            (parent / "cgroup.subtree_control").write_text("+memory +cpu")
            group = parent / tmp_name
            group.mkdir()
            created.append(group)
            if memory:
                (group / "memory.max").write_text(str(memory))
            if cpus:
                (group / "cpu.max").write_text(f"{int(cpus * 100000)} 100000")
        else:  # cgroup v1: one tree per controller
            for controller, limit in (("memory", memory), ("cpu", cpus)):
                if not limit:
                    continue
                group = CGROUP / controller / own_cgroup(controller) / tmp_name
                group.mkdir()
                created.append(group)
                if controller == "memory":
                    (group / "memory.limit_in_bytes").write_text(str(memory))
                else:
                    (group / "cpu.cfs_period_us").write_text("100000")
                    (group / "cpu.cfs_quota_us").write_text(str(int(cpus * 100000)))
    except OSError as error:
        remove(created)
        require(False, f"this machine doesn't let tests create limited cgroups: {error}")
    return created


def own_cgroup(controller):
    """This process's cgroup path (relative) in the hierarchy of `controller` ("" for v2)."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            return path.lstrip("/")
    require(False, f"no {controller or 'v2'} cgroup for this process")


def remove(groups):
    for group in reversed(groups):
        group.rmdir()


@pytest.mark.parametrize("memory, cpus, expected", [
    (512 * 1024 ** 2, None, 2),  # 256 MB per worker
    (1 * GIB, None, 4),
    (100 * 1024 ** 2, None, 1),  # at least one
    (4 * GIB, 1, 3),  # at most 2 x cores + 1: the CPU quota counts, not the machine's cores
    (4 * GIB, 1.5, 5),  # a part of a core counts as one
])
def test_web_concurrency_follows_the_cgroup_limits(slug_with_profile_d, memory, cpus, expected):
    if cpus and os.cpu_count() < 2:
        pytest.skip("needs 2 cores to see a CPU quota below them")
    groups = cgroup_limits(f"buildpack-test-{os.getpid()}", memory, cpus)
    try:
        joins = "".join(f"echo $$ > {group}/cgroup.procs; " for group in groups)
        assert sourced(slug_with_profile_d, 'echo "$WEB_CONCURRENCY"', prelude=joins) == str(expected)
    finally:
        remove(groups)
