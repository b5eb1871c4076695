"""Fixtures for runtime tests; the helpers they use are in helpers.py."""

import os
import signal

import pytest

from tests import apps
from tests.runtime.helpers import PYTHON


@pytest.fixture
def app(tmp_path):
    """A function writing files into a fresh app directory and returning its path:
    app({"Procfile": "web: ...", ".env": "..."}); `{python}` in a file stands for this Python."""
    root = tmp_path / "app"
    root.mkdir()

    def write(files):
        return apps.write(root, {name: text.replace("{python}", PYTHON) for name, text in files.items()})

    return write


@pytest.fixture
def reap():
    """Collects pids a test leaves behind (honcho's orphans) and kills them afterwards."""
    pids = []
    yield pids
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
