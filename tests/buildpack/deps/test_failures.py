"""Each common install failure: the installer's output, then one hint for its cause."""

import hashlib
import os

import pytest

from buildpack.layers import tools
from tests import apps


def path_without(program, shadow):
    """PATH as it is, but with `program` missing: its folders are replaced by folders of
    symbolic links to everything else in them (a build machine without libpq-dev)."""
    folders = []
    for number, folder in enumerate(os.environ["PATH"].split(os.pathsep)):
        if not os.path.exists(os.path.join(folder, program)):
            folders.append(folder)
            continue
        copy = shadow / str(number)
        copy.mkdir(parents=True)
        for name in os.listdir(folder):
            if name != program:
                os.symlink(os.path.join(folder, name), copy / name)
        folders.append(str(copy))
    return os.pathsep.join(folders)


# (requirements.txt, config vars, the hint's first line, a line of its body)
FAILURES = [
    ("djangoo-rest-framewrok\n", {}, "Package installation failed since djangoo-rest-framewrok wasn't found on the package index.",
     "Check the spelling of djangoo-rest-framewrok"),
    ("django==99.0\n", {}, "Package installation failed since django==99.0 wasn't found on the package index.",
     "that the version you ask for exists"),
    ("django==4.2.1\ndjango==5.0\n", {}, "Package installation failed since the requirements conflict.",
     "Relax or change one of these pins"),
    ("gunicorn\ndjango!!5\nwhitenoise\n", {}, "Invalid requirement in requirements.txt on line 2.",
     "Line 2 of requirements.txt is 'django!!5', which is not a requirement."),
    ("psycopg2==2.9.10\n", {}, "Package installation failed since pg_config (PostgreSQL's build tool) wasn't found.",
     "replace psycopg2 with psycopg2-binary, or use psycopg[binary]"),
    ("--no-binary mmh3\nmmh3==5.1.0\n", {"CC": "/nonexistent/gcc"},
     "Package installation failed since a C compiler or Python's headers weren't found.", "apt-get install build-essential"),
    # PIP_CONFIG_FILE: the machine's own pip.conf may list a local mirror that would answer.
    ("gunicorn\n", {"PIP_INDEX_URL": "http://127.0.0.1:9/simple", "PIP_CONFIG_FILE": os.devnull,
                    "PIP_RETRIES": "1", "UV_HTTP_RETRIES": "0"},
     "Package installation failed since the package index couldn't be reached.", "PIP_INDEX_URL"),
]


@pytest.fixture(scope="module")
def uv_in_cache(builder):
    """uv itself is fetched from PIP_INDEX_URL: have it in the session's cache before a test
    makes that index unreachable, whichever test runs first."""
    assert tools.uv(builder.cache_dir("cache-uv"), {})


@pytest.mark.parametrize("requirements,config,title,body", FAILURES, ids=[f[2].split(" since ")[-1][:40] for f in FAILURES])
@pytest.mark.parametrize("installer", ["uv", "pip"])
def test_install_failure_gets_its_hint(builder, uv_in_cache, tmp_path, requirements, config, title, body, installer):
    env = {"PATH": path_without("pg_config", tmp_path / "shadow")} if "pg_config" in title else {}
    apps.plain_app(tmp_path / "app", {"requirements.txt": requirements})
    result = builder.compile(tmp_path / "app", cache=f"cache-{installer}", env=env,
                             config={"PYTHON_INSTALLER": installer, **config})
    assert result.returncode == 1, result.log
    assert f" !     Error: {title}\n" in result.stderr
    assert body in result.stderr
    assert "Traceback" not in result.stderr


PINNED_WHEEL = apps.wheel("pinnedpkg", "1.0", {"pinnedpkg/__init__.py": ""})
# As pip-compile --generate-hashes writes them, on a continuation line.
RIGHT_HASH = " \\\n    --hash=sha256:" + hashlib.sha256(PINNED_WHEEL).hexdigest()
WRONG_HASH = " \\\n    --hash=sha256:" + "0" * 64
# What each installer prints when a file does not match its hash.
HASH_ERRORS = {"uv": "Hash mismatch for `pinnedpkg==1.0`",
               "pip": "THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE."}


def pinned_app(root, hash_option):
    """An app whose one requirement is a wheel of its own folder (no index), maybe hash-pinned."""
    (root / "wheels").mkdir(parents=True, exist_ok=True)
    (root / "wheels" / "pinnedpkg-1.0-py3-none-any.whl").write_bytes(PINNED_WHEEL)
    return apps.plain_app(root, {"requirements.txt": f"--no-index\n--find-links wheels\npinnedpkg==1.0{hash_option}\n"})


@pytest.mark.parametrize("first_hash", ["", RIGHT_HASH], ids=["unhashed-then-wrong", "right-then-wrong"])
@pytest.mark.parametrize("installer", ["uv", "pip"])
def test_a_wrong_hash_fails_the_build_whatever_the_cache_holds(builder, uv_in_cache, tmp_path, installer, first_hash):
    """The cached install was verified against other hashes, or none: it is checked again."""
    cache, config = f"cache-hash-{installer}-{bool(first_hash)}", {"PYTHON_INSTALLER": installer}
    app = pinned_app(tmp_path / "app", first_hash)
    warm = builder.compile(app, cache=cache, config=config)
    assert warm.returncode == 0, warm.log
    if first_hash:  # unchanged hashes, verified by the last build: no new check is needed
        again = builder.compile(app, cache=cache, config=config)
        assert again.returncode == 0, again.log
        assert "-----> Dependencies unchanged since the last build: nothing to install (requirements.txt)" in again.stdout

    pinned_app(app, WRONG_HASH)
    result = builder.compile(app, cache=cache, config=config)
    assert result.returncode == 1, result.log
    assert HASH_ERRORS[installer] in result.log
    assert " !     Error: Package installation failed since pinnedpkg==1.0 doesn't match its --hash pin.\n" in result.stderr
    assert "regenerate the hashes" in result.stderr
    assert "Traceback" not in result.stderr
