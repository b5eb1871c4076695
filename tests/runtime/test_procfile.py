"""Procfile parsing as users see it through `runtime start` and `runtime check`."""

import pytest

from tests.runtime.helpers import honcho, runtime

pytestmark = pytest.mark.timeout(30)


def test_comments_blank_lines_crlf_bom_and_order_are_accepted(app):
    root = app({"Procfile": "\ufeff# processes\r\n\r\nworker: echo w\r\n  # indented comment\r\n"
                            "web:echo w\r\nclock :  echo c   \r\n"})

    result = runtime("check", cwd=root)

    assert "PASS  Procfile: 3 process types (worker, web, clock)" in result.stdout.splitlines()


@pytest.mark.parametrize("procfile, line, message", [
    ("web: echo ok\n\ngunicorn app\n", 3,
     "expected `name: command`, found `gunicorn app`: write the line as "
     "`web: gunicorn mysite.wsgi`, or start it with `#` to make it a comment"),
    ("web: echo ok\nweb: echo again\n", 2,
     "duplicate process type `web` (first defined on line 1): keep one of the two lines, or "
     "rename one of them"),
    ("web:\n", 1, "process type `web` has no command: add the command after the colon, e.g. "
     "`web: gunicorn mysite.wsgi`"),
    ("web.v2: echo\n", 1, "process type `web.v2` may only contain letters, digits, `_` and `-`: "
     "rename it, e.g. `web-v2`"),
])
def test_malformed_procfile_is_a_line_numbered_error(app, procfile, line, message):
    root = app({"Procfile": procfile})

    result = runtime("start", cwd=root)

    assert result.returncode == 1
    assert result.stderr == f"runtime: error: the Procfile is invalid:\n  Procfile:{line}: {message}\n"
    assert result.stdout == ""


# A MiB of one letter, or of spaces (which took the parser time quadratic in their number).
@pytest.mark.parametrize("command, middle", [
    (["start"], "x" * (1 << 20)), (["run", "web"], "x" * (1 << 20)), (["start"], "a" + " " * (1 << 20) + "b")],
    ids=["start", "run", "spaces"])
def test_a_command_longer_than_linux_takes_for_one_argument_is_a_procfile_error(app, command, middle):
    root = app({"Procfile": f"web: echo {middle}\n"})

    result = runtime(*command, cwd=root)

    assert result.returncode == 1
    assert (f"Procfile:1: the command of `web` is {5 + len(middle)} bytes long: Linux takes no "
            "argument of 131072 bytes (128 KiB) or more: move it into a script (for example "
            "bin/web.sh) and run that") in result.stderr
    assert "environment" not in result.stdout + result.stderr
    assert len(result.stdout + result.stderr) < 2000


def test_a_long_bad_line_is_quoted_in_part(app):
    root = app({"Procfile": "x" * 100_000 + "\n"})

    result = runtime("start", cwd=root)

    assert result.returncode == 1
    assert f"Procfile:1: expected `name: command`, found `{'x' * 200}...`: write" in result.stderr
    assert len(result.stderr) < 2000


def test_empty_procfile_is_an_error(app):
    root = app({"Procfile": "# nothing yet\n\n"})

    result = runtime("start", cwd=root)

    assert result.returncode == 1
    assert result.stderr == ("runtime: error: the Procfile is invalid:\n  Procfile: no processes "
                             "defined: add one `name: command` line, e.g. "
                             "`web: gunicorn mysite.wsgi`\n")


def test_every_error_is_listed_at_once(app):
    root = app({"Procfile": "oops\nweb: a\nweb: b\n"})

    result = runtime("start", cwd=root)

    assert result.returncode == 1
    assert "Procfile:1: expected `name: command`" in result.stderr
    assert "Procfile:3: duplicate process type `web`" in result.stderr


def test_missing_procfile_is_an_error(app):
    root = app({})

    result = runtime("start", cwd=root)

    assert result.returncode == 1
    assert result.stderr == ("runtime: error: no Procfile at Procfile: create one with a line like "
                             "`web: gunicorn mysite.wsgi`, or point to it with -f PROCFILE\n")


def test_names_kubernetes_refuses_get_a_warning(app):
    root = app({"Procfile": "web: echo web\nmy_Worker: echo worker\n"})

    result = runtime("start", "web", cwd=root)

    assert result.returncode == 0
    assert result.stderr == (
        "runtime: warning: Procfile:2: process type `my_Worker` is not a valid Kubernetes name "
        "(lowercase letters, digits and `-`, at most 63 characters); Kubernetes and Cloud Native "
        "Buildpacks would call it `my-worker`\n")


@pytest.mark.honcho
def test_honcho_ignores_a_malformed_line_that_runtime_reports(app):
    root = app({"Procfile": "web: echo ok\nworker echo lost\n"})

    ours = runtime("check", cwd=root)
    theirs = honcho("check", cwd=root)

    assert theirs.returncode == 0  # honcho: "Valid procfile detected (web)"
    assert ours.returncode == 1
    assert "FAIL  Procfile:2: expected `name: command`, found `worker echo lost`" in ours.stdout


def test_a_procfile_that_is_not_utf8_is_an_error(app):
    root = app({})
    (root / "Procfile").write_bytes(b"web: echo caf\xe9\n")

    result = runtime("start", cwd=root)

    assert result.returncode == 1
    assert result.stderr == ("runtime: error: Procfile is not UTF-8 text (byte 0xe9 at offset 13): "
                             "save it as UTF-8\n")
