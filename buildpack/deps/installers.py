"""The installers: uv (fast, the default where it can be had), pip (the fallback), and
Poetry itself for the poetry.lock that cannot be handed to them (see deps/poetry.py).

Both sync the slug's environment to a requirements file: they install what is missing or
changed and remove what is no longer required, so a changed requirement never means
starting over, and the result is the same as a build from scratch. Neither checks the
--hash of a package it finds installed, so a sync is told which to install again
(`reinstall`: package names, or True for all of them).

Python 3.12 and older also get setuptools (SETUPTOOLS_VERSION), as on Heroku's classic
buildpack: until 3.12 ensurepip brought it, and packages still import its `pkg_resources`
(gunicorn before 22 does at start). A version the requirements ask for wins.
"""

import json
import subprocess
import tempfile
from pathlib import Path

from buildpack.deps import requirements as requirement_files
from buildpack.deps.requirements import normalise
from buildpack.log import messages, output

# Never removed by a sync: the installer's own tooling.
INSTALLER_PACKAGES = {"pip", "setuptools", "wheel"}

SETUPTOOLS_VERSION = "70.3.0"  # Heroku's classic buildpack's
SETUPTOOLS_UNTIL = (3, 12)  # the newest Python that gets it


def setuptools_for(python_version):
    """The setuptools version an environment of this Python (major, minor, ...) gets, or None."""
    return SETUPTOOLS_VERSION if tuple(python_version[:2]) <= SETUPTOOLS_UNTIL else None


def _installed_setuptools(python):
    """The version of setuptools in the environment of `python`, or None."""
    found = sorted(Path(python).parent.parent.glob("lib/python3.*/site-packages/setuptools-*.dist-info"))
    return found[0].name.removeprefix("setuptools-").removesuffix(".dist-info") if found else None


def _install_setuptools(command, version, env, cwd):
    """Install setuptools with the installer's `command`. Failing (a private index that lacks
    it) is a warning: the environment goes without it, as a newer Python's does, and the web
    boot check tells whether the app needs it."""
    status, out = output.run(command, env=env, cwd=cwd, show=False)
    if status:
        output.detail(out)
        output.warning(messages.setuptools_not_installed(version))


PIP_TO_UV = {"PIP_INDEX_URL": "UV_DEFAULT_INDEX", "PIP_EXTRA_INDEX_URL": "UV_INDEX",
             "PIP_TRUSTED_HOST": "UV_INSECURE_HOST"}


class Uv:
    name = "uv"

    def __init__(self, binary, cache_dir):
        self.binary = str(binary)
        self.cache = str(Path(cache_dir) / "downloads" / "uv")

    def env(self, base):
        env = dict(base, UV_CACHE_DIR=self.cache, UV_PYTHON_DOWNLOADS="never",
                   UV_NO_PROGRESS="1", UV_COLOR="never")
        # Apps configure private indexes for pip (Heroku documents PIP_EXTRA_INDEX_URL).
        for pip_name, uv_name in PIP_TO_UV.items():
            if pip_name in env and uv_name not in env:
                env[uv_name] = env[pip_name]
        return env

    def sync(self, python, requirements, env, cwd, previous_install, reinstall=(), setuptools=None):
        """`setuptools`: the version the environment gets before the requirements, which keep it
        where they accept it (gunicorn 20 asks for any setuptools, and the newest has no
        pkg_resources) or change it. --exact removes what the requirements do not name, so
        setuptools is named too, unpinned: the version installed stays where they accept it.
        Any other version installed (from an earlier pin) is left to --exact and replaced
        after, and so is any in --require-hashes mode, where every requirement needs a pin:
        either way the environment is the one a new build would make."""
        again = ["--reinstall"] if reinstall is True else [f"--reinstall-package={name}" for name in reinstall]
        install_setuptools = self.setuptools_command(python, setuptools)
        if setuptools and _installed_setuptools(python) is None:
            output.detail(messages.installing_setuptools(setuptools))
            _install_setuptools(install_setuptools, setuptools, self.env(env), cwd)
        installed = _installed_setuptools(python) if setuptools else None
        keep = (["setuptools"] if installed and installed == setuptools and not requirement_files.requires_hashes(
            requirement_files.files(Path(cwd, requirements))) else [])
        status, out = output.run([self.binary, "pip", "install", "--exact", "--compile-bytecode",
                                  "--python", str(python), "-r", str(requirements), *keep] + again,
                                 env=self.env(env), cwd=cwd)
        if status == 0 and installed and _installed_setuptools(python) is None:
            _install_setuptools(install_setuptools, setuptools, self.env(env), cwd)
        return status, out

    def setuptools_command(self, python, version):
        return [self.binary, "pip", "install", "--compile-bytecode", "--python", str(python),
                f"setuptools=={version}"]

    def uninstall(self, python, names, env, cwd):
        return output.run([self.binary, "pip", "uninstall", "--python", str(python)] + list(names),
                          env=self.env(env), cwd=cwd, show=False)

    def run(self, args, env, cwd):
        """Run another uv command (export, tool run ...) with the build's settings."""
        return output.run([self.binary] + args, env=self.env(env), cwd=cwd)


class Pip:
    name = "pip"

    def __init__(self, cache_dir):
        self.cache = str(Path(cache_dir) / "downloads" / "pip")

    def setuptools_command(self, python, version):
        return [str(python), "-m", "pip", "install", f"setuptools=={version}"]

    def env(self, base):
        return dict(base, PIP_CACHE_DIR=self.cache, PIP_NO_INPUT="1", PIP_ROOT_USER_ACTION="ignore",
                    PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_PROGRESS_BAR="off")

    def sync(self, python, requirements, env, cwd, previous_install, reinstall=(), setuptools=None):
        """`setuptools`: the version a new environment gets before the requirements (which may
        ask for another), as on Heroku's classic buildpack; pip never removes it."""
        env = self.env(env)
        # Quietly: ensurepip drops PIP_* settings and warns about running as root; pip warns
        # about each package to reinstall that is not installed.
        quiet = []
        new = not (Path(python).parent.parent / "bin" / "pip").exists()
        if new:
            quiet.append([str(python), "-m", "ensurepip", "--default-pip"])
        everything = reinstall is True or "pip" in reinstall  # pip cannot uninstall itself first
        if reinstall and not everything:
            quiet.append(_pip_uninstall(python, reinstall))
        for command in quiet:
            status, out = output.run(command, env=env, cwd=cwd, show=False)
            if status:
                output.detail(out)
                return status, out
        if new and setuptools:  # in place of the older one ensurepip brings before Python 3.12
            output.detail(messages.installing_setuptools(setuptools))
            _install_setuptools(self.setuptools_command(python, setuptools), setuptools, env, cwd)
        status, out = output.run(
            [str(python), "-m", "pip", "install", "--exists-action=w",
             f"--src={Path(python).parent.parent / 'src'}", "-r", str(requirements)]
            + (["--force-reinstall"] if everything else []), env=env, cwd=cwd)
        if status or not previous_install:
            return status, out
        return self._remove_extraneous(python, requirements, env, cwd)

    def uninstall(self, python, names, env, cwd):
        return output.run(_pip_uninstall(python, names), env=self.env(env), cwd=cwd, show=False)

    def _remove_extraneous(self, python, requirements, env, cwd):
        """pip never uninstalls: resolve the requirements afresh, remove what is left over."""
        with tempfile.TemporaryDirectory() as scratch:
            report = Path(scratch) / "report.json"
            status, out = output.run(
                [str(python), "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
                 "--report", str(report), "-r", str(requirements)], env=env, cwd=cwd, show=False)
            if status:
                output.detail(out)
                return status, out
            wanted = {normalise(item["metadata"]["name"])
                      for item in json.loads(report.read_text())["install"]}
        listed = subprocess.run([str(python), "-m", "pip", "list", "--format=json"], env=env,
                                capture_output=True, text=True, check=True).stdout
        extraneous = sorted(
            item["name"] for item in json.loads(listed)
            if normalise(item["name"]) not in wanted | INSTALLER_PACKAGES
        )
        if not extraneous:
            return 0, ""
        return output.run([str(python), "-m", "pip", "uninstall", "-y"] + extraneous, env=env, cwd=cwd)


def _pip_uninstall(python, names):
    return [str(python), "-m", "pip", "uninstall", "--yes", *names]


class Poetry:
    """`poetry sync` of the app's project into the slug's Python, as the classic buildpack
    installs a poetry.lock. Poetry runs from its own environment (`poetry_python`) and is
    pointed at the slug's with VIRTUAL_ENV; `base` (uv or pip) removes the packages to
    install again, which Poetry cannot be told to."""

    name = "Poetry"

    def __init__(self, poetry_python, version, groups, base, cache_dir):
        self.poetry_python = str(poetry_python)
        self.version = version
        self.groups = groups
        self.base = base
        self.cache = str(Path(cache_dir) / "downloads" / "poetry")

    def sync(self, python, lock, env, cwd, previous_install, reinstall=(), setuptools=None):
        """`setuptools`: the version the environment gets (Python 3.12 and older), installed by
        the base installer after Poetry's sync when the lock did not bring one."""
        if reinstall:
            status, out = self.base.uninstall(python, reinstall, env, cwd)
            if status:
                output.detail(out)
                return status, out
        poetry_env = dict(env, VIRTUAL_ENV=str(Path(python).parent.parent), POETRY_VIRTUALENVS_CREATE="false",
                          POETRY_CACHE_DIR=self.cache, POETRY_NO_INTERACTION="1")
        status, out = output.run([self.poetry_python, "-m", "poetry", "sync", "--only", ",".join(self.groups),
                                  "--compile", "--no-ansi", "--no-interaction"], env=poetry_env,
                                 cwd=Path(cwd, lock).parent)
        if status == 0 and setuptools and _installed_setuptools(python) is None:
            output.detail(messages.installing_setuptools(setuptools))
            _install_setuptools(self.base.setuptools_command(python, setuptools), setuptools,
                                self.base.env(env), cwd)
        return status, out
