"""What the build benchmarks share: the environment both sides run in, and a quiet disk."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from runtime.commands.build import build_environment


def environment():
    """The same network settings for both sides; the machine's pip.conf is left out, so that
    the classic pip sees only the package index, as a host's would."""
    env = build_environment()
    env["PIP_CONFIG_FILE"] = os.devnull
    return env


def settle():
    """Flush what the previous measurement wrote and deleted before the next one starts: a
    virtual disk still busy with it slows whichever side comes next by up to a factor of two."""
    os.sync()


def work_folder(prefix):
    """A temporary folder for one benchmark's files, deleted when the run ends rather than when
    the benchmark does. Deleting tens of thousands of files makes every folder created in the
    next minute slower on an ext4 without a journal (it passes over inodes freed that recently),
    which would bill one benchmark's clean-up to the next one's cache restores."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder
