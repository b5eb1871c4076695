"""The image tests share one cache of made bases (XDG_CACHE_HOME for `runtime image`), so only
the first test session on a machine pays for mmdebstrap."""

import tempfile
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def image_cache():
    folder = Path(tempfile.gettempdir()) / "runtime-tests-image-cache"
    folder.mkdir(exist_ok=True)
    return folder
