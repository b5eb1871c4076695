"""The CPython versions the suite builds with: the ones a build finds on this machine, and
the set-up's install of those missing (`python -m tests.pythons`, run by scripts/test)."""

import functools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from buildpack.python import interpreters
from tests.conftest import build_env, require

# Every minor a test asks for: 3.9 and 3.10 as an old python3 running the buildpack itself.
VERSIONS = ("3.9", "3.10", "3.11", "3.12", "3.13")
HOW_TO_INSTALL = "install it with `pyenv install {0}` (or `uv python install {0}` where uv can download)"


@functools.cache
def found():
    """{minor: the newest Interpreter of it} that a build on this machine finds."""
    with tempfile.TemporaryDirectory() as cache_dir:  # the finder's probe file goes there
        available = interpreters.find(build_env(), cache_dir)
    newest = {}
    for interpreter in sorted(available, key=lambda i: (not i.system, i.version)):
        newest[".".join(map(str, interpreter.version[:2]))] = interpreter
    return newest


def require_python(version):
    """The newest Python `version` ("3.12") a build finds here; the test needs it (see `require`)."""
    assert version in VERSIONS, f"add {version} to VERSIONS, so that the set-up installs it"
    interpreter = found().get(version)
    require(interpreter is not None, f"Python {version} is not on this machine: {HOW_TO_INSTALL.format(version)}")
    return interpreter


def path_with_python3(version):
    """PATH with a self-contained Python `version` first: the python3 the buildpack itself runs on."""
    interpreter = require_python(version)
    require(not interpreter.system, f"Python {version} is only the distribution's here, whose /usr/bin/python3 "
                                    f"may be another version: {HOW_TO_INSTALL.format(version)}")
    return f"{interpreter.prefix}/bin:{os.environ['PATH']}"


def install_missing():
    """Install with uv, where builds look for uv's Pythons, the versions no build finds yet."""
    missing = [version for version in VERSIONS if version not in found()]
    if not missing:
        print(f"-----> Pythons for the tests: {', '.join(VERSIONS)} found")
        return
    print(f"-----> Installing Python {', '.join(missing)} for the tests with uv")
    uv = Path(sys.executable).with_name("uv")
    subprocess.run([str(uv), "python", "install", "--no-bin", *missing])
    found.cache_clear()
    for version in VERSIONS:
        if version not in found():
            print(f" !     Python {version} is still not where a build finds it: {HOW_TO_INSTALL.format(version)}. "
                  "The tests that build with it fail under CI=true.", file=sys.stderr)


if __name__ == "__main__":
    install_missing()
