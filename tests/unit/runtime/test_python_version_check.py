"""The Python `runtime check` tells an app without .python-version to pin."""

import pytest

from buildpack.python import version
from runtime.checks import python_version


@pytest.mark.parametrize("request_, minor", [
    (version.Request((3, 12, 1), None, "runtime.txt"), "3.12"),
    (version.Request(None, ">=3.10,<3.13", "requires-python in pyproject.toml"), "3.12"),
    (version.Request(None, ">=3.10", "requires-python in pyproject.toml"), version.dotted(max(version.LATEST_PATCH))),
    (version.Request(None, None, None), version.dotted(version.DEFAULT_MINOR)),
])
def test_the_python_to_pin_is_the_one_the_build_would_take(tmp_path, request_, minor):
    assert python_version.suggested_minor(tmp_path, request_) == minor


def test_the_python_to_pin_in_a_slug_is_the_slug_s(tmp_path):
    (tmp_path / ".heroku/python/lib/python3.11/site-packages").mkdir(parents=True)
    assert python_version.suggested_minor(tmp_path, version.Request(None, None, None)) == "3.11"
