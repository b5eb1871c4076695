"""Config vars reach the install step and the hooks; secrets never reach the log."""

import base64
import http.server
import os
import subprocess
import threading

import pytest

from tests import apps
from tests.conftest import BIN, build_env, slug_python

TOKEN = "s3cr3t-t0ken-4f9a1c"


@pytest.fixture(scope="module")
def private_index():
    """A package index that answers only requests carrying the token (basic auth)."""
    wheel = apps.wheel("privatepkg", "1.0", {"privatepkg/__init__.py": "VALUE = 'from the private index'\n"})
    expected = "Basic " + base64.b64encode(f"build:{TOKEN}".encode()).decode()
    seen = []

    class Index(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):
            self.do_GET(head=True)

        def do_GET(self, head=False):
            seen.append(self.headers.get("Authorization"))
            if self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="private"')
                self.end_headers()
                return
            if self.path.rstrip("/") == "/simple/privatepkg":
                body = b'<a href="/files/privatepkg-1.0-py3-none-any.whl">privatepkg-1.0-py3-none-any.whl</a>'
                kind = "text/html"
            elif self.path == "/files/privatepkg-1.0-py3-none-any.whl":
                body, kind = wheel, "application/octet-stream"
            else:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Index)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_port}", seen
    server.shutdown()


@pytest.mark.parametrize("installer", ["uv", "pip"])
def test_token_in_requirements_is_expanded_from_a_config_var_and_never_logged(builder, tmp_path, private_index, installer):
    address, seen = private_index
    apps.plain_app(tmp_path, {"requirements.txt": f"""\
        --extra-index-url http://build:${{PRIVATE_INDEX_TOKEN}}@{address}/simple/
        privatepkg==1.0
        """})
    result = builder.compile(tmp_path, config={"PRIVATE_INDEX_TOKEN": TOKEN, "PYTHON_INSTALLER": installer},
                             cache=f"cache-{installer}")
    assert result.returncode == 0, result.log
    assert TOKEN not in result.log
    assert any(header and header.startswith("Basic ") for header in seen)
    value = slug_python(result.build_dir, "-c", "'import privatepkg; print(privatepkg.VALUE)'")
    assert value.stdout.strip() == "from the private index"


def test_hooks_run_with_config_vars_and_a_failing_hook_fails_the_build(builder, tmp_path):
    apps.plain_app(tmp_path, {"requirements.txt": "six\n",
                              "bin/pre_compile": "#!/bin/sh\necho \"pre sees $GREETING\" > pre_compile.out\n",
                              "bin/post_compile": "echo \"post sees $GREETING and $(python -c 'import six; print(six.__name__)')\"\n"})
    result = builder.compile(tmp_path, config={"GREETING": "hello"})
    assert result.returncode == 0, result.log
    assert "-----> Running bin/pre_compile hook" in result.stdout
    assert (result.build_dir / "pre_compile.out").read_text() == "pre sees hello\n"
    assert "-----> Running bin/post_compile hook\n       post sees hello and six\n" in result.stdout

    (tmp_path / "bin/post_compile").write_text("#!/bin/sh\necho about to fail\nexit 3\n")
    failed = builder.compile(tmp_path, config={"GREETING": "hello"})
    assert failed.returncode == 1
    assert "       about to fail" in failed.stdout
    assert " !     Error: Failed to run the bin/post_compile script.\n" in failed.stderr
    assert " !     bin/post_compile exited with status 3. See its output above." in failed.stderr


def test_pip_index_url_with_credentials_is_used_and_never_printed(builder, tmp_path, private_index):
    """The private index is the only index: uv itself cannot be fetched from it (it serves
    privatepkg only), so the build says so and installs with pip, token and all."""
    address, _ = private_index
    apps.plain_app(tmp_path / "app", {"requirements.txt": "privatepkg==1.0\n"})
    cache = tmp_path / "cache-without-uv"  # not the session's cache, where uv already is
    cache.mkdir()
    build_dir = builder.fresh_build_dir(tmp_path / "app")
    config = {"PIP_INDEX_URL": f"http://build:{TOKEN}@{address}/simple/", "PIP_CONFIG_FILE": os.devnull}
    result = subprocess.run([str(BIN / "compile"), str(build_dir), str(cache), str(builder.env_dir(config))],
                            env=build_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " !     Note: uv could not be downloaded from the package index; installing with pip instead." in result.stderr
    assert "-----> Installing dependencies with pip from requirements.txt" in result.stdout
    assert TOKEN not in result.stdout + result.stderr
    assert slug_python(build_dir, "-c", "'import privatepkg'").returncode == 0


def test_credentials_of_urls_in_config_vars_never_reach_the_log(builder, tmp_path):
    """A token is often a URL's user name (https://TOKEN@host/, Gemfury's https://TOKEN:@host/):
    every part of a URL's credentials is hidden, wherever the log would show it."""
    tokens = [f"many-tok-{number:05d}" for number in range(2000)]
    apps.plain_app(tmp_path, {"requirements.txt": "six\n",
                              "bin/post_compile": "echo \"$EXTRA_INDEX $FURY $DB_URL\"\n"
                                                  "echo \"$INDEX_URLS\"\n"})
    result = builder.compile(tmp_path, config={
        "EXTRA_INDEX": "https://user-tok-9f8e7d@127.0.0.1/simple/",
        "FURY": "https://fury-tok-1a2b3c:@127.0.0.1/me/",
        "DB_URL": "postgres://db-user-77:db-pass-88@127.0.0.1/app",
        "INDEX_URLS": " ".join(f"https://{token}@127.0.0.1/simple/" for token in tokens)})
    assert result.returncode == 0, result.log
    assert ("       https://****@127.0.0.1/simple/ https://****:@127.0.0.1/me/ "
            "postgres://****:****@127.0.0.1/app\n") in result.stdout
    assert "       " + " ".join(["https://****@127.0.0.1/simple/"] * 2000) + "\n" in result.stdout
    for secret in ("user-tok-9f8e7d", "fury-tok-1a2b3c", "db-user-77", "db-pass-88", *tokens):
        assert secret not in result.log


def test_a_hook_whose_interpreter_is_missing_fails_the_build_clearly(builder, tmp_path):
    apps.plain_app(tmp_path, {"requirements.txt": "six\n",
                              "bin/pre_compile": "#!/bin/sh\r\necho written on Windows\r\n"})
    result = builder.compile(tmp_path)
    assert result.returncode == 1
    assert " !     Error: Failed to run the bin/pre_compile script: No such file or directory." in result.stderr
    assert "must have Unix line endings (no CRLF)" in result.stderr
    assert "Traceback" not in result.log


def test_a_config_var_with_a_nul_byte_is_a_clear_error(builder, tmp_path):
    apps.plain_app(tmp_path, {"requirements.txt": "six\n"})
    result = builder.compile(tmp_path, config={"BROKEN": "a\0b"})
    assert result.returncode == 1
    assert " !     Error: The config var BROKEN contains a NUL byte." in result.stderr



def test_a_config_var_too_large_for_a_process_environment_fails_before_anything_runs(builder, tmp_path):
    apps.plain_app(tmp_path, {"requirements.txt": "six\n"})
    result = builder.compile(tmp_path, config={"BIG": "x" * 200_000})
    assert result.returncode == 1
    assert " !     Error: The config var BIG is too large: BIG=value is 200004 bytes.\n" in result.stderr
    assert (" !     Linux starts no process whose environment holds a NAME=value string of 131072 bytes\n"
            " !     (128 KiB) or more, so no step of the build could run with it.") in result.stderr
    assert result.stdout == ""


def test_config_var_files_that_cannot_be_used_as_they_are_are_warned_about(builder, tmp_path):
    """Names that are not variable names are left out, invalid UTF-8 is replaced: both said."""
    apps.plain_app(tmp_path, {"requirements.txt": "six\n",
                              "bin/pre_compile": "#!/bin/sh\necho \"LATIN1 is $LATIN1\"\n"})
    build_dir = builder.fresh_build_dir(tmp_path)
    env_dir = builder.env_dir({"my-var": "1", "1ABC": "2", "A B": "3"})
    (env_dir / "LATIN1").write_bytes(b"caf\xe9")
    result = subprocess.run([str(BIN / "compile"), str(build_dir), str(builder.cache_dir()), str(env_dir)],
                            env=build_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("1ABC", "A B", "my-var"):
        assert (f" !     Warning: The config var file {name!r} in ENV_DIR is ignored: it is not a "
                "variable name.\n") in result.stderr
    assert " !     Warning: The config var LATIN1 is not valid UTF-8 text.\n" in result.stderr
    assert "       LATIN1 is caf\ufffd\n" in result.stdout
