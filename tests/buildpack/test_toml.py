"""The TOML reader build hosts without tomllib (Python 3.10) use: it reads what the
standard library's reader reads, and refuses what it refuses, with the same messages."""

import json
import subprocess

import pytest
import tomllib

from buildpack.toml import _tomli
from tests import apps
from tests.conftest import REPO
from tests.pythons import path_with_python3, require_python

DOCUMENTS = {
    "pyproject": '''\
# comment
[build-system]
requires = ["setuptools>=64", 'wheel']  # trailing comment
build-backend = "setuptools.build_meta"

[project]
name = "site"
version = "1.0"
requires-python = ">=3.11,<3.14"
description = """A "multi-line"
description"""
license = {text = "MIT"}
authors = [{ name = "A. Dev", email = "dev@example.com" }]
dependencies = [
    "django>=5.2",
    "whitenoise[brotli]",  # comment inside an array
    'psycopg[binary]; python_version >= "3.10"',
]
[project.optional-dependencies]
test = ["pytest", "pytest-django"]

[tool.uv]
package = false
dev-dependencies = []
[[tool.uv.index]]
name = "private"
url = "https://example.com/simple"
[[tool.uv.index]]
name = "other"
url = 'C:\\literal\\path'
''',
    "values": '''\
integers = [1, +2, -3, 1_000, 0xff, 0o17, 0b101]
floats = [1.5, -0.25, 6e3, 1_000.5]
booleans = [true, false]
escapes = "tab\\tnewline\\nquote\\"unicode\\u00e9"
literal = 'C:\\no\\escapes'
multi-literal = \'\'\'
raw \\n text\'\'\'
folded = """one \\
         two"""
date = 2026-11-22
dotted.keys.here = "x"
"quoted key" = 1
nested = [[1, 2], ["a"], []]
''',
    "uv.lock": '''\
version = 1
requires-python = ">=3.12"

[[package]]
name = "whitenoise"
version = "6.11.0"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files/whitenoise.tar.gz", hash = "sha256:abc", size = 123 }
wheels = [
    { url = "https://files/whitenoise.whl", hash = "sha256:def", size = 45 },
]
''',
}


def plain(value):
    """Dates as their text, as they come back (as JSON) from another Python."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value.isoformat() if hasattr(value, "isoformat") else value


@pytest.mark.parametrize("name", DOCUMENTS)
def test_reads_what_tomllib_reads(name):
    assert _tomli.loads(DOCUMENTS[name]) == tomllib.loads(DOCUMENTS[name])


REFUSED = [
    'a = 1\na = 2\n',                # a key defined twice
    'a = 1\n[a.b]\nc = 2\n',         # a value used as a table
    '[project\nname = "x"\n',       # an unclosed table header
    'name = "unterminated\n',       # an unterminated string
    'key = \n',                       # no value
    'a = 1 b = 2\n',                  # two statements on one line
    'a = {b = 1,}\n',                # a trailing comma in an inline table
    '[a]\nb = 1\n[a]\nc = 2\n',      # a table defined twice
    'a = {b = 1}\n[a.c]\nd = 2\n',    # an inline table extended by a header
    'a = {b = 1}\na.c = 2\n',         # an inline table extended by a dotted key
    'a = "x\x01y"\n',               # a control character in a string
    'a = """x\x7fy"""\n',           # DEL in a multi-line string
    "a = 'x\x00'\n",                # NUL in a literal string
]


def outcome(text):
    """What a reader makes of `text`, in the same shape as FALLBACK prints it."""
    try:
        return ["read", plain(tomllib.loads(text))]
    except tomllib.TOMLDecodeError as exc:
        return ["refused", str(exc)]


@pytest.mark.parametrize("text", REFUSED)
def test_refuses_what_tomllib_refuses(text):
    with pytest.raises(tomllib.TOMLDecodeError) as refused:
        tomllib.loads(text)
    with pytest.raises(ValueError) as fallback_refused:
        _tomli.loads(text)
    assert str(fallback_refused.value) == str(refused.value)


# Runs as bin/_buildpack runs the build: isolated, with only the buildpack on sys.path.
FALLBACK = """\
import json, sys
sys.path.insert(0, sys.argv[1])
from buildpack import toml
result = []
for text in json.load(sys.stdin):
    try:
        result.append(["read", toml._parse(text)])
    except ValueError as exc:
        result.append(["refused", str(exc)])
assert "tomllib" not in sys.modules and "buildpack.toml._tomli" in sys.modules
json.dump(result, sys.stdout, default=lambda value: value.isoformat())
"""


def test_a_python_without_tomllib_reads_and_refuses_as_tomllib(tmp_path):
    python = require_python("3.10")  # a python3 without tomllib
    texts = [*DOCUMENTS.values(), *REFUSED]
    run = subprocess.run([str(python.executable), "-I", "-S", "-c", FALLBACK, str(REPO)], cwd=tmp_path,
                         input=json.dumps(texts), capture_output=True, text=True, env={})
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [outcome(text) for text in texts]


# tomllib gives up at a few hundred levels, the fallback reader (one call per level) at 1000.
@pytest.mark.parametrize("host_python,depth", [(None, 500), ("3.10", 5000)], ids=["tomllib", "fallback reader"])
def test_deeply_nested_arrays_are_a_clear_error(builder, tmp_path, host_python, depth):
    """Both readers recurse once per level: a deep enough file must not end the build as a bug."""
    env = {}
    if host_python:
        env["PATH"] = path_with_python3(host_python)  # a python3 without tomllib
    nested = "[" * depth + "]" * depth
    apps.plain_app(tmp_path, {"pyproject.toml": f'[project]\nname = "x"\nx = {nested}\n'})
    result = builder.compile(tmp_path, env=env)
    assert result.returncode == 1
    assert " !     Error: Unable to parse pyproject.toml.\n" in result.stderr
    assert (" !     pyproject.toml is not valid TOML: arrays or inline tables are nested too deeply "
            "(within each other).\n") in result.stderr
    assert "Internal error" not in result.log
