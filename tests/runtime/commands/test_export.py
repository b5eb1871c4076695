"""`runtime export`: systemd units and supervisord programs that their own parsers accept."""

import getpass
import os
import shlex
import shutil
import subprocess

import pytest

from tests.runtime.helpers import PYTHON, clean_env, honcho, runtime

pytestmark = pytest.mark.timeout(60)

TRICKY_COMMAND = """echo "$PORT is 100% ready" 'single' \\\\back ; exec sleep 30 # done"""
TRICKY_ENV = """\
QUOTES="it's \\"quoted\\""
PERCENT=100%
DOLLAR='$HOME costs $5'
BACKSLASH='a\\\\b'
MULTI="line one
line two"
EVIL="x
[Service]
ExecStartPre=/bin/touch /tmp/pwned"
"""


def systemd_analyze(*args):
    if not shutil.which("systemd-analyze"):
        pytest.fail("systemd-analyze is missing: install Debian's `systemd` package")
    return subprocess.run(["systemd-analyze", *args], capture_output=True, text=True, timeout=60)


def test_systemd_units_pass_systemd_analyze_verify(app, tmp_path):
    root = app({"Procfile": f"web: {TRICKY_COMMAND}\nworker: exec sleep 30\nrelease: echo once\n",
                ".env": TRICKY_ENV})
    out = tmp_path / "units"

    result = runtime("export", "systemd", str(out), "-c", "worker=2", "-u", "appuser",
                     "--timeout", "20", cwd=root)

    assert result.returncode == 0, result.stderr
    names = ["app.target", "app-web.target", "app-web-1.service", "app-worker.target",
             "app-worker-1.service", "app-worker-2.service"]
    assert result.stdout == "".join(f"wrote {out}/{name}\n" for name in names) + (
        "note: `release` is not exported: it is a one-shot; run `runtime release` on every deploy, "
        "before restarting the processes\n")
    assert sorted(os.listdir(out)) == sorted(names)
    verify = systemd_analyze("verify", *(str(out / name) for name in names))
    assert (verify.returncode, verify.stdout, verify.stderr) == (0, "", "")


def test_systemd_units_escape_every_value_and_stop_the_whole_group(app, tmp_path):
    root = app({"Procfile": f"web: {TRICKY_COMMAND}\n", ".env": TRICKY_ENV})
    out = tmp_path / "units"

    assert runtime("export", "systemd", str(out), "-u", "appuser", cwd=root).returncode == 0

    unit = (out / "app-web-1.service").read_text()
    lines = unit.splitlines()
    assert [line for line in lines if line.startswith("[")] == ["[Unit]", "[Service]", "[Install]"]
    assert not any(line.startswith("ExecStartPre") for line in lines)
    assert 'Environment="QUOTES=it\'s \\"quoted\\""' in lines
    assert 'Environment="PERCENT=100%%"' in lines
    assert 'Environment="DOLLAR=$HOME costs $5"' in lines  # systemd does not expand $ here
    assert 'Environment="BACKSLASH=a\\\\b"' in lines
    assert 'Environment="MULTI=line one\\nline two"' in lines
    assert 'Environment="EVIL=x\\n[Service]\\nExecStartPre=/bin/touch /tmp/pwned"' in lines
    assert 'Environment="PORT=5000"' in lines and 'Environment="DYNO=web.1"' in lines
    assert ('ExecStart=/bin/bash -c "echo \\"$$PORT is 100%% ready\\" \'single\' \\\\\\\\back ; '
            'exec sleep 30 # done"') in lines
    assert f"WorkingDirectory={root}" in lines
    assert {"KillMode=control-group", "KillSignal=SIGTERM", "TimeoutStopSec=30",
            "User=appuser"} <= set(lines)
    verify = systemd_analyze("verify", *(str(path) for path in out.iterdir()))
    assert (verify.returncode, verify.stderr) == (0, "")


def supervisor_programs(conf_dir, tmp_path):
    """{program name: supervisor's ProcessConfig} as supervisord's own parser reads them."""
    from supervisor.options import ServerOptions
    main = tmp_path / "supervisord.conf"
    main.write_text(f"[supervisord]\nlogfile={tmp_path}/supervisord.log\n"
                    f"[include]\nfiles={conf_dir}/*.conf\n")
    options = ServerOptions()
    options.configfile = str(main)
    options.process_config(do_usage=False)
    return {group.name: {process.name: process for process in group.process_configs}
            for group in options.process_group_configs}


SUPERVISORD_COMMAND = 'echo "a ; b" # c 100%; exec sleep 30'
SUPERVISORD_ENV = "PERCENT=100%\nCOMMA=a,b\nHASH=a#b;c\nSPACES=\"x y\"\nQUOTE=it's\n"


def test_supervisord_reads_the_exported_programs_exactly(app, tmp_path):
    root = app({"Procfile": f"web: {SUPERVISORD_COMMAND}\nworker: exec sleep 30\n",
                ".env": SUPERVISORD_ENV})
    out, logs = tmp_path / "conf.d", tmp_path / "logs"
    logs.mkdir()
    user = getpass.getuser()

    result = runtime("export", "supervisord", str(out), "-u", user, "-l", str(logs), "-c",
                     "worker=2", "--timeout", "12", cwd=root)

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {out}/app.conf\n"
    programs = supervisor_programs(out, tmp_path)["app"]
    assert sorted(programs) == ["app-web-1", "app-worker-1", "app-worker-2"]
    web = programs["app-web-1"]
    assert shlex.split(web.command) == ["/bin/bash", "-c", SUPERVISORD_COMMAND]
    assert web.environment == {"PYTHONUNBUFFERED": "1", "PERCENT": "100%", "COMMA": "a,b",
                               "HASH": "a#b;c", "SPACES": "x y", "QUOTE": "it's", "PORT": "5000",
                               "DYNO": "web.1"}
    assert programs["app-worker-2"].environment["PORT"] == "5101"
    assert (web.directory, web.stopsignal, web.stopwaitsecs) == (str(root), 15, 12)
    assert web.stopasgroup and web.killasgroup
    assert web.stdout_logfile == f"{logs}/web-1.log"


@pytest.mark.honcho
def test_honcho_supervisord_export_cuts_the_same_command_short(app, tmp_path):
    root = app({"Procfile": f"web: {SUPERVISORD_COMMAND}\n"})
    out, logs = tmp_path / "conf.d", tmp_path / "logs"
    logs.mkdir()

    honcho("export", "-a", "app", "-u", getpass.getuser(), "-l", str(logs), "supervisord",
           str(out), cwd=root)
    theirs = supervisor_programs(out, tmp_path)["app"]["web-1"]

    assert theirs.command == "/bin/sh -c 'echo \"a"  # the rest became a comment
    with pytest.raises(ValueError, match="No closing quotation"):
        shlex.split(theirs.command)  # what supervisord does before it starts the program
    assert theirs.stopsignal == 3  # SIGQUIT: gunicorn's quick shutdown


@pytest.mark.parametrize("dotenv, reason", [
    ('Q=say "hi"\n', "it contains a double quote"),
    ("Q=\"a\nb\"\n", "it contains a newline or another control character"),
    ("Q='it ; ends'\n", "it contains a space followed by `;` or `#`"),
    ("Q=\"'quoted'\"\n", "it starts or ends with a single quote"),
    ("Q=%(here)s\n", "it contains `%(here)s`, which supervisord replaces even after `%%`"),
])
def test_supervisord_export_refuses_values_it_cannot_hold(app, tmp_path, dotenv, reason):
    root = app({"Procfile": "web: exec sleep 30\n", ".env": dotenv})

    result = runtime("export", "supervisord", str(tmp_path / "out"), cwd=root)

    assert result.returncode == 1
    assert result.stderr == (f"runtime: error: cannot export to supervisord:\n  the value of Q (from "
                             f".env:1) cannot be written for supervisord: {reason}; change the "
                             "value or choose another format\n")
    assert not (tmp_path / "out").exists()


# supervisord replaces `%(here)s` with the directory of the file before it reads `%%` as `%`.
HERE_COMMAND = "printf '%s %d%%\\n' %(here)s 100; echo %%(here)s"


def test_supervisord_reads_percent_signs_in_commands_and_log_paths_exactly(app, tmp_path):
    root = app({"Procfile": f"web: {HERE_COMMAND}\n"})
    out, logs = tmp_path / "conf.d", tmp_path / "logs 100%"
    logs.mkdir()

    result = runtime("export", "supervisord", str(out), "-u", getpass.getuser(), "-l", str(logs),
                     cwd=root)

    assert result.returncode == 0, result.stderr
    web = supervisor_programs(out, tmp_path)["app"]["app-web-1"]
    assert shlex.split(web.command) == ["/bin/bash", "-c", HERE_COMMAND]
    assert (web.stdout_logfile, web.stderr_logfile) == (f"{logs}/web-1.log",
                                                        f"{logs}/web-1.error.log")


# Linux passes at most MAX_ARG_STRLEN (131072) bytes, NUL included, per string to a new process.
LONGEST = 131071


@pytest.mark.parametrize("format_name", ["systemd", "supervisord"])
def test_export_refuses_a_value_no_process_could_start_with(app, tmp_path, format_name):
    root = app({"Procfile": "web: exec sleep 30\n", ".env": f"BIG={'x' * 2_000_000}\n"})

    result = runtime("export", format_name, str(tmp_path / "out"), cwd=root)

    assert result.returncode == 1
    assert result.stderr == (
        f"runtime: error: cannot export to {format_name}:\n  the value of BIG (from .env:1) is "
        "2000000 bytes long: Linux passes at most 131071 bytes per variable (NAME=value) to a "
        "process, so no process could start with it; shorten it (keep big data in a file and put "
        "the file's path in the variable)\n")
    assert not (tmp_path / "out").exists()


def test_the_longest_value_a_process_can_take_is_exported_and_loads(app, tmp_path):
    value = "%$" * ((LONGEST - len("BIG=")) // 2) + "x"
    root = app({"Procfile": "web: exec sleep 30\n", ".env": f"BIG='{value}'\n"})
    out = tmp_path / "units"

    result = runtime("export", "systemd", str(out), "-u", "appuser", cwd=root)

    assert result.returncode == 0, result.stderr
    unit = (out / "app-web-1.service").read_text().splitlines()
    assert f'Environment="BIG={value.replace("%", "%%")}"' in unit
    verify = systemd_analyze("verify", *(str(path) for path in out.iterdir()))
    assert (verify.returncode, verify.stderr) == (0, "")


def test_export_refuses_names_that_would_break_out(app, tmp_path):
    root = app({"Procfile": "web: exec sleep 30\n", ".env": "my-var=1\n"})

    result = runtime("export", "systemd", str(tmp_path / "out"), "-a", "my app", "-u", "x\ny",
                     cwd=root)

    assert result.returncode == 1
    assert result.stderr == (
        "runtime: error: cannot export to systemd:\n"
        "  app name 'my app' may only contain letters, digits, `_` and `-`: give one with -a NAME\n"
        "  user name 'x\\ny' is not a valid user name: give one with -u\n"
        "  my-var (from .env:1) is not a valid environment variable name for systemd: rename it to "
        "letters, digits and `_`\n")


def test_export_uses_the_app_configuration_not_this_shell(app, tmp_path):
    root = app({"Procfile": "web: exec sleep 30\n", ".env": "PORT=7000\n",
                "env.py": "import os\nos.environ.setdefault('FROM_ENV_PY', 'yes')\n"})
    out = tmp_path / "units"

    runtime("export", "systemd", str(out), cwd=root, env=clean_env(SHELL_ONLY="secret"))

    unit = (out / "app-web-1.service").read_text()
    assert 'Environment="PORT=7000"' in unit and 'Environment="FROM_ENV_PY=yes"' in unit
    assert "SHELL_ONLY" not in unit and "Environment=\"PATH=" not in unit
    # The configuration (secrets included) is readable by its owner only.
    assert {oct(path.stat().st_mode & 0o777) for path in out.iterdir()} == {"0o600"}


def test_exported_slug_processes_source_profile_d_first(app, tmp_path):
    root = app({"Procfile": "web: exec gunicorn app.wsgi\n",
                ".profile.d/python.sh": 'export PATH="$HOME/.heroku/python/bin:$PATH"\n'})
    out = tmp_path / "units"

    runtime("export", "systemd", str(out), cwd=root)

    unit = (out / "app-web-1.service").read_text().splitlines()
    assert f'Environment="HOME={root}"' in unit
    assert ('ExecStart=/bin/bash -c "for script in .profile.d/*.sh; do [ -f \\"$$script\\" ] && . '
            '\\"$$script\\"; done; exec gunicorn app.wsgi"') in unit


def test_export_without_jinja2_says_what_to_install(app, tmp_path):
    root = app({"Procfile": "web: exec sleep 30\n"})
    without_jinja2 = ("import sys; sys.modules['jinja2'] = None; sys.argv[0] = 'runtime'; "
                      "from runtime.cli import main; main()")

    result = subprocess.run([PYTHON, "-c", without_jinja2, "export", "systemd", str(tmp_path / "o")],
                            cwd=root, env=clean_env(), capture_output=True, text=True, timeout=30)

    assert result.returncode == 1
    assert result.stderr == "runtime: error: runtime export needs the jinja2 package: pip install jinja2\n"
