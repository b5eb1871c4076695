"""Fixtures shared by the buildpack's tests (the ones of every test are in tests/conftest.py)."""

import pytest


@pytest.fixture(scope="module")
def host_folder(tmp_path_factory):
    """A folder of the build machine, outside every app."""
    return tmp_path_factory.mktemp("host")
