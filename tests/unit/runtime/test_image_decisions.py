"""The decisions of `runtime image`: what goes in which layer, what stays out, the names."""

import os
import py_compile
import subprocess
import sys
from pathlib import Path

import pytest

from runtime.commands.image import REFERENCE, default_tag
from runtime.image.layers import APP, PYTHON, STATIC, bytecode_at, layer_of, left_out
from runtime.image.push import reason, registry_of


@pytest.mark.parametrize(("path", "is_dir", "out"), [
    (".env", False, True), ("config/.env", False, True), (".env", True, False),
    (".env.example", False, False), ("env.py", False, True), ("app/env.py", False, False),
    ("__pycache__/env.cpython-311.pyc", False, True), ("app/__pycache__/env.cpython-311.pyc", False, False),
    (".git", True, True), ("vendor/lib/.git", False, True), (".gitignore", False, False),
    (".runtime", True, True), (".runtime/data/db.sqlite3", False, True), ("manage.py", False, False),
    (".runtime-app.json", False, True), ("app/.runtime-app.json", False, False),
])
def test_left_out(path, is_dir, out):
    assert left_out(path, is_dir) is out


@pytest.mark.parametrize(("path", "static_root", "layer"), [
    (".heroku/python", None, PYTHON), (".heroku/python/bin/python3", "staticfiles", PYTHON),
    (".heroku/release.yml", "staticfiles", APP), (".heroku/python-other", None, APP),
    ("staticfiles/admin/css/base.css", "staticfiles", STATIC), ("staticfiles", "staticfiles", STATIC),
    ("staticfiles/x.css", None, APP), ("staticfiles-old/x.css", "staticfiles", APP),
    ("site/static/x.css", "site/static", STATIC), ("manage.py", "staticfiles", APP),
])
def test_layer_of(path, static_root, layer):
    assert layer_of(path, static_root) == layer


@pytest.mark.parametrize(("slug", "tag"), [
    ("/srv/guestbook/.runtime/slug", "guestbook:latest"), ("/srv/My_App/.runtime/slug", "my-app:latest"),
    ("/tmp/slug", "slug:latest"), ("/srv/___/.runtime/slug", "app:latest"),
])
def test_default_tag(slug, tag):
    assert default_tag(Path(slug)) == tag
    assert REFERENCE.fullmatch(tag)


@pytest.mark.parametrize(("reference", "valid"), [
    ("guestbook", True), ("guestbook:v1", True), ("team/guestbook:1.2.3", True),
    ("127.0.0.1:5000/guestbook:v1", True), ("registry.example.com/a/b_c:latest", True),
    ("Guestbook:v1", False), ("guestbook:", False), ("guestbook:-x", False), ("/guestbook", False),
    ("guestbook@sha256:" + "0" * 64, False), ("a b", False), ("guestbook:v1\n", False),
])
def test_image_references(reference, valid):
    assert bool(REFERENCE.fullmatch(reference)) is valid


@pytest.mark.parametrize(("destination", "registry"), [
    ("127.0.0.1:5000/guestbook:v1", "127.0.0.1:5000"), ("localhost/guestbook", "localhost"),
    ("registry.example.com/team/app:v1", "registry.example.com"), ("team/app:v1", "docker.io"),
    ("app:v1", "docker.io"),
])
def test_registry_of(destination, registry):
    assert registry_of(destination) == registry


@pytest.mark.parametrize(("said", "shown"), [
    ('time="2026-12-02T14:53:39Z" level=fatal msg="trying to reuse blob sha256:cd57 at destination: '
     'checking whether a blob sha256:cd57 exists in 127.0.0.1:45112/g: unauthorized: authentication required"\n',
     "unauthorized: authentication required"),
    ('time="x" level=fatal msg="trying to reuse blob sha256:cd57 at destination: pinging container registry '
     '127.0.0.1:45999: Get \\"https://127.0.0.1:45999/v2/\\": dial tcp 127.0.0.1:45999: connect: connection refused"',
     "connect: connection refused"),
    ("Error: something plain\n", "Error: something plain"), ("", ""),
])
def test_the_reason_of_a_failed_push_is_the_end_of_skopeos_message(said, shown):
    assert reason(said) == shown


def compiled(folder, mode=py_compile.PycInvalidationMode.TIMESTAMP):
    """folder/greeting.py and its bytecode, compiled as the build compiles the slug."""
    source = folder / "greeting.py"
    source.write_text("WORDS = 'hello'\n")
    return source, Path(py_compile.compile(str(source), invalidation_mode=mode, doraise=True))


def imports_from_bytecode(folder):
    """Whether Python, importing folder/greeting.py, takes its bytecode (-v says which)."""
    done = subprocess.run([sys.executable, "-v", "-B", "-c", "import greeting"], cwd=folder,
                          capture_output=True, text=True, check=True)
    return f"code object from '{folder}/__pycache__/greeting." in done.stderr


def test_bytecode_gets_the_images_time_and_python_then_uses_it(tmp_path):
    source, pyc = compiled(tmp_path)
    in_image = bytecode_at(pyc.read_bytes(), pyc, 0)
    assert in_image != pyc.read_bytes() and len(in_image) == len(pyc.read_bytes())
    # As the image has them: every file at time 0.
    pyc.write_bytes(in_image)
    os.utime(source, (0, 0))
    assert imports_from_bytecode(tmp_path)


def test_bytecode_left_as_it_was_is_compiled_again_at_time_zero(tmp_path):
    source, _ = compiled(tmp_path)
    os.utime(source, (0, 0))
    assert not imports_from_bytecode(tmp_path)  # the problem bytecode_at solves


def test_stale_hash_based_and_sourceless_bytecode_is_left_as_it_is(tmp_path):
    source, pyc = compiled(tmp_path)
    source.write_text("WORDS = 'changed since'\n")
    assert bytecode_at(pyc.read_bytes(), pyc, 0) == pyc.read_bytes()
    (tmp_path / "checked").mkdir()
    _, checked = compiled(tmp_path / "checked", py_compile.PycInvalidationMode.CHECKED_HASH)
    assert bytecode_at(checked.read_bytes(), checked, 0) == checked.read_bytes()
    sourceless = tmp_path / "old.pyc"
    sourceless.write_bytes(pyc.read_bytes())
    assert bytecode_at(sourceless.read_bytes(), sourceless, 0) == sourceless.read_bytes()
