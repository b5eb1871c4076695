"""Fixtures shared by every test: run the buildpack's bin/ scripts as a host would.

A test whose machine lacks what it needs calls `require`: a skip here, a failure under CI=true.
Builds start from a minimal environment (HOME, LANG, PATH, STACK and the machine's TLS and
Python locations), like a host's build. Every build of the session shares one download
cache (package downloads, the uv binary), so only the first build of a package fetches it.
"""

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from buildpack.slug import profile_d
from runtime.commands.build import build_environment

REPO = Path(__file__).resolve().parent.parent
BIN = REPO / "bin"
# What a host runs before a slug's command: cd to the slug (HOME), then source .profile.d.
SOURCE_PROFILE_D = 'cd "$HOME"; ' + profile_d.SOURCE


def build_env(**extra):
    env = build_environment()
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def shared_downloads(tmp_path_factory):
    """One download cache for the whole session, linked into every build's CACHE_DIR."""
    folder = tmp_path_factory.mktemp("downloads")
    (folder / "downloads").mkdir()
    (folder / "tools").mkdir()
    return folder


class Builder:
    """Builds apps with bin/compile into fresh build folders, like a host."""

    def __init__(self, root, shared_downloads):
        self.root = Path(root)
        self.shared = shared_downloads
        self.count = 0

    def cache_dir(self, name="cache"):
        cache = self.root / name
        if not cache.exists():
            cache.mkdir(parents=True)
            for part in ("downloads", "tools"):
                os.symlink(self.shared / part, cache / part)
        return cache

    def env_dir(self, config):
        self.count += 1
        env_dir = self.root / f"env_{self.count}"
        env_dir.mkdir()
        for name, value in (config or {}).items():
            (env_dir / name).write_text(value)
        return env_dir

    def fresh_build_dir(self, app):
        """A copy of the app in a new build_<n> folder, as hosts build in /tmp/build_<id>."""
        self.count += 1
        build_dir = self.root / f"build_{self.count}"
        shutil.copytree(app, build_dir, symlinks=True)
        return build_dir

    def compile(self, app, cache="cache", config=None, env=None, step="compile", timeout=600):
        build_dir = self.fresh_build_dir(app)
        result = subprocess.run(
            [str(BIN / step), str(build_dir), str(self.cache_dir(cache)), str(self.env_dir(config))],
            env=build_env(**(env or {})), capture_output=True, text=True, timeout=timeout,
        )
        result.build_dir = build_dir
        result.log = result.stdout + result.stderr
        return result


@pytest.fixture(scope="module")
def builder(tmp_path_factory, shared_downloads):
    return Builder(tmp_path_factory.mktemp("builds"), shared_downloads)


def run_bin(step, *args, env=None):
    return subprocess.run([str(BIN / step), *map(str, args)], env=build_env(**(env or {})),
                          capture_output=True, text=True, timeout=120)


def slug_python(slug, *args):
    """Run the slug's Python as a host would: .profile.d sourced, HOME at the slug."""
    return in_slug(slug, "python " + " ".join(args))


def in_slug(slug, command, env=None, **kwargs):
    script = SOURCE_PROFILE_D + command
    return subprocess.run(["bash", "-c", script], env=build_env(HOME=str(slug), **(env or {})),
                          capture_output=True, text=True, timeout=60, **kwargs)


def errors(result):
    """The lines of the build's error, warning and note boxes, without their ` !     ` prefix."""
    return [line[7:] for line in result.stderr.splitlines() if line.startswith(" !")]


def running(pid):
    """Whether process `pid` is alive (a zombie has ended: it is not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def require(condition, reason):
    """Skip the test unless `condition`, saying `reason`; under CI=true fail it instead: CI's
    set-up (scripts/test) provides everything a test needs, so a skip there would hide a test
    that never ran."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the set-up must provide it)", pytrace=False)
    pytest.skip(reason)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url, timeout=30, process=None):
    """The first response (status, body) from url, retrying until the server is up."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()
        except OSError:
            if time.monotonic() > deadline or (process and process.poll() is not None):
                raise
            time.sleep(0.2)


@pytest.fixture
def small_volume():
    """mount(folder, megabytes): a tmpfs of that size at `folder`, unmounted after the test."""
    mounted = []

    def mount(folder, megabytes):
        folder.mkdir(parents=True, exist_ok=True)
        command = ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(folder)]
        result = subprocess.run(command, capture_output=True, text=True) if shutil.which("mount") else None
        require(result is not None and result.returncode == 0,
                f"a small disk to fill needs `mount -t tmpfs`: {result.stderr.strip() if result else 'no mount command'}")
        mounted.append(folder)
        return folder

    yield mount
    for folder in reversed(mounted):
        subprocess.run(["umount", str(folder)], check=True)


def resize(folder, megabytes):
    subprocess.run(["mount", "-o", f"remount,size={megabytes}m", str(folder)], check=True)
