"""The environment processes get: .env, env.py, .profile.d, the real environment, precedence."""

import json

import pytest

from tests.runtime.helpers import ENV_PY_STARTS_PROCESSES, PYTHON, clean_env, honcho, pid_gone, process_lines, runtime

pytestmark = pytest.mark.timeout(30)

SHOW = """\
import json, os, sys
print(json.dumps({name: os.environ.get(name) for name in sys.argv[1:]}))
"""


def shown(result, name="show.1"):
    """The JSON a show.py process printed under `runtime start`."""
    texts = [text for process, text in process_lines(result.stdout) if process == name]
    assert texts, result.stdout + result.stderr
    return json.loads(texts[0])


DOTENV = """\
# a comment
export EXPORTED=exported value
EMPTY=
SINGLE='single $HOME #not a comment'
DOUBLE="tab\\tquote\\" hash # kept"
UNQUOTED=a#b  # comment
MULTI="first line
second line"
REF=${EXPORTED}/sub
DEFAULTED=${UNSET_ANYWHERE:-fallback}
"""
DOTENV_EXPECTED = {
    "EXPORTED": "exported value",
    "EMPTY": "",
    "SINGLE": "single $HOME #not a comment",
    "DOUBLE": 'tab\tquote" hash # kept',
    "UNQUOTED": "a#b",
    "MULTI": "first line\nsecond line",
    "REF": "exported value/sub",
    "DEFAULTED": "fallback",
}


def test_dotenv_values_reach_processes_exactly(app):
    root = app({"Procfile": f"show: {{python}} show.py {' '.join(DOTENV_EXPECTED)}\n",
                "show.py": SHOW, ".env": DOTENV})

    result = runtime("start", cwd=root)

    assert result.returncode == 0, result.stderr
    assert shown(result) == DOTENV_EXPECTED


INTERPOLATED = """\
A=one
B=${A}-two
A=redefined
C=${A}|${B}|${FROM_ENV}|${MISSING:-default}|${BARE}|${LATER}
BARE
LATER=later
SINGLE='${A} single'
DOUBLE="${A} double"
SET=${A:-unused}
REAL=${FROM_ENV:-unused}
PLAIN=$A
"""
INTERPOLATED_EXPECTED = {
    "A": "redefined", "B": "one-two", "C": "redefined|one-two|real|default||", "LATER": "later",
    "SINGLE": "redefined single", "DOUBLE": "redefined double", "SET": "redefined", "REAL": "real",
    "PLAIN": "$A",
}


def test_dotenv_references_resolve_as_python_dotenv_resolves_them(app):
    """Each ${NAME} takes the value set on an earlier line, else runtime's own environment, else
    its default."""
    root = app({"Procfile": f"show: {{python}} show.py {' '.join(INTERPOLATED_EXPECTED)}\n",
                "show.py": SHOW, ".env": INTERPOLATED})

    result = runtime("start", cwd=root, env=clean_env(FROM_ENV="real"))

    assert result.returncode == 0, result.stderr
    assert shown(result) == INTERPOLATED_EXPECTED


@pytest.mark.honcho
def test_honcho_loses_the_dotenv_lines_runtime_keeps(app):
    root = app({"Procfile": "show: {python} show.py EXPORTED EMPTY\n", "show.py": SHOW,
                ".env": "export EXPORTED=exported value\nEMPTY=\n"})

    theirs = honcho("start", cwd=root)
    ours = runtime("start", cwd=root)

    assert shown(theirs) == {"EXPORTED": None, "EMPTY": None}
    assert shown(ours) == {"EXPORTED": "exported value", "EMPTY": ""}


@pytest.mark.honcho
def test_honcho_crashes_on_a_multiline_value_runtime_reads(app):
    root = app({"Procfile": "show: {python} show.py MULTI\n", "show.py": SHOW,
                ".env": 'MULTI="one\ntwo"\n'})

    theirs = honcho("start", cwd=root)
    ours = runtime("start", cwd=root)

    assert "ValueError: No closing quotation" in theirs.stderr
    assert shown(ours) == {"MULTI": "one\ntwo"}


def test_a_byte_order_mark_does_not_hide_the_first_variable(app):
    root = app({"Procfile": "show: {python} show.py FIRST\n", "show.py": SHOW,
                ".env": "\ufeffFIRST=1\n"})

    assert shown(runtime("start", cwd=root)) == {"FIRST": "1"}


def test_malformed_dotenv_lines_are_line_numbered_errors(app):
    root = app({"Procfile": "web: echo never\n", ".env": 'OK=1\n\nNOT AN ASSIGNMENT\nQ="open\n'})

    result = runtime("start", cwd=root)

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "runtime: error: the env file .env is invalid:\n"
        "  .env:3: cannot parse `NOT AN ASSIGNMENT`\n"
        "  .env:4: cannot parse `Q=\"open`\n"
        "Write each variable as NAME=value; quote values that contain spaces or `#` "
        "(NAME=\"a value\"), and close every quote.\n")


def test_env_file_option_is_repeatable_and_later_files_win(app):
    root = app({"Procfile": "show: {python} show.py A B C\n", "show.py": SHOW,
                ".env": "A=default file\n", "one.env": "A=one\nB=one\n", "two.env": "B=two\nC=two\n"})

    result = runtime("start", "-e", "one.env", "-e", "two.env", cwd=root)

    assert shown(result) == {"A": "one", "B": "two", "C": "two"}


def test_a_missing_named_env_file_is_an_error(app):
    root = app({"Procfile": "web: echo never\n"})

    result = runtime("start", "-e", "nope.env", cwd=root)

    assert result.returncode == 1
    assert result.stderr == ("runtime: error: env file nope.env does not exist or is not a file: "
                             "create it, or drop the -e option that names it\n")


ENV_PY = """\
import os
os.environ.setdefault("DATABASE_URL", "sqlite:///from-env-py.db")
os.environ.setdefault("SECRET_KEY", "from env.py")
print("env.py loaded")  # must not disturb anything
"""


def test_env_py_variables_reach_processes(app):
    root = app({"Procfile": "show: {python} show.py DATABASE_URL SECRET_KEY\n", "show.py": SHOW,
                "env.py": ENV_PY})

    result = runtime("start", cwd=root)

    assert result.returncode == 0
    assert shown(result) == {"DATABASE_URL": "sqlite:///from-env-py.db", "SECRET_KEY": "from env.py"}
    assert "env.py loaded" in result.stderr
    assert not (root / "__pycache__").exists()


def test_an_env_py_that_raises_stops_start_up_with_its_error(app):
    root = app({"Procfile": "web: echo started\n",
                "env.py": "import os\nraise RuntimeError('DATABASE_URL is not configured')\n"})

    result = runtime("start", cwd=root)

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(
        "runtime: error: env.py failed (exit code 1) while runtime collected the variables it "
        "sets; fix it or remove it. Its output:\nTraceback (most recent call last):\n")
    assert result.stderr.endswith("RuntimeError: DATABASE_URL is not configured\n")


def test_env_py_replacing_a_real_value_gets_a_warning(app):
    root = app({"Procfile": "show: {python} show.py DEBUG\n", "show.py": SHOW,
                "env.py": "import os\nos.environ['DEBUG'] = 'from env.py'\n"})

    result = runtime("start", cwd=root, env=clean_env(DEBUG="real"))

    assert shown(result) == {"DEBUG": "real"}
    assert ("runtime: warning: env.py replaces DEBUG, which is already set: Django's `import env` "
            "would override the real value too; use os.environ.setdefault('DEBUG', ...)"
            ) in result.stderr


@pytest.mark.parametrize("command", [["start"], ["run", "{python}", "show.py", "FROM_ENV_PY"]])
def test_what_env_py_leaves_running_is_stopped_and_does_not_hold_up_start_up(app, reap, command):
    root = app({"Procfile": "show: {python} show.py FROM_ENV_PY\n", "show.py": SHOW,
                "env.py": ENV_PY_STARTS_PROCESSES})
    command = [word.replace("{python}", PYTHON) for word in command]

    result = runtime(*command, cwd=root, timeout=60)
    pids = [int(pid) for pid in (root / "env-py-pids").read_text().split()]
    reap.extend(pids)

    assert result.returncode == 0, result.stderr
    output = shown(result) if command == ["start"] else json.loads(result.stdout)
    assert output == {"FROM_ENV_PY": "yes"}
    assert ("runtime: warning: env.py left processes running when it finished; runtime stopped "
            "them: only set variables in it (os.environ.setdefault(...)), and start processes "
            "from the Procfile\n") in result.stderr
    assert [pid for pid in pids if not pid_gone(pid)] == []


PRECEDENCE_APP = {
    "Procfile": "show: {python} show.py PYTHONUNBUFFERED ONLY_ENV_PY DOTENV ALL PORT DYNO\n",
    "show.py": SHOW,
    "env.py": "import os\n"
              "for name in ('ONLY_ENV_PY', 'DOTENV', 'ALL'):\n"
              "    os.environ.setdefault(name, 'env.py')\n",
    ".env": "DOTENV=.env\nALL=.env\nDYNO=.env\n",
}


def test_precedence_defaults_env_py_dotenv_real_environment_then_runtime(app):
    root = app(PRECEDENCE_APP)

    result = runtime("start", cwd=root, env=clean_env(ALL="real", DYNO="real"))

    assert shown(result) == {"PYTHONUNBUFFERED": "1", "ONLY_ENV_PY": "env.py", "DOTENV": ".env",
                             "ALL": "real", "PORT": "5000", "DYNO": "show.1"}


def test_override_puts_dotenv_above_the_real_environment(app):
    root = app(PRECEDENCE_APP)

    result = runtime("start", "--override", cwd=root, env=clean_env(ALL="real"))

    assert shown(result)["ALL"] == ".env"


def test_config_shows_each_value_with_its_source_and_masks_secrets(app):
    root = app({**PRECEDENCE_APP,
                ".env": "DOTENV=.env\nALL=.env\nSECRET_KEY=abc123\n"
                        "DATABASE_URL=postgres://user:hunter2@db/app\n"})

    result = runtime("config", "show", cwd=root, env=clean_env(ALL="real"))

    assert result.returncode == 0
    lines = {line.split("=")[0]: line for line in result.stdout.splitlines()}
    assert lines["ALL"] == "ALL=real".ljust(48) + " # environment (overrides .env:2)"
    assert lines["DOTENV"] == "DOTENV=.env".ljust(48) + " # .env:1 (overrides env.py)"
    assert lines["ONLY_ENV_PY"] == "ONLY_ENV_PY=env.py".ljust(48) + " # env.py"
    assert lines["PYTHONUNBUFFERED"] == "PYTHONUNBUFFERED=1".ljust(48) + " # default"
    assert lines["PORT"] == "PORT=5000".ljust(48) + " # runtime (show.1)"
    assert lines["SECRET_KEY"] == "SECRET_KEY='****'".ljust(48) + " # .env:3"
    assert lines["DATABASE_URL"] == ("DATABASE_URL='postgres://****:****@db/app'".ljust(48)
                                     + " # .env:4")
    assert "hunter2" not in result.stdout and "abc123" not in result.stdout


SLUG = {
    "Procfile": "show: slugpython show.py PATH WEB_CONCURRENCY FROM_PROFILE\n"
                "release: slugpython -c 'print(\"release ran\")'\n",
    "show.py": SHOW,
    ".heroku/python/bin/slugpython": "#!/bin/sh\nexec {python} \"$@\"\n",
    ".profile.d/python.sh": 'export PATH="$HOME/.heroku/python/bin:$PATH"\n'
                           'export WEB_CONCURRENCY="${WEB_CONCURRENCY:-3}"\n'
                           'echo "sourcing python.sh"\n',
    ".profile.d/zz.sh": 'export FROM_PROFILE="home=$HOME"\n',
}


@pytest.fixture
def hand_made_slug(app):
    root = app(SLUG)
    (root / ".heroku/python/bin/slugpython").chmod(0o755)
    return root


def test_a_built_slug_has_its_profile_d_sourced(hand_made_slug):
    result = runtime("start", cwd=hand_made_slug, env=clean_env(WEB_CONCURRENCY="5"))

    assert result.returncode == 0, result.stdout + result.stderr
    values = shown(result)
    assert values["PATH"].startswith(f"{hand_made_slug}/.heroku/python/bin:")
    assert values["WEB_CONCURRENCY"] == "5"  # the script keeps a value the user set
    assert values["FROM_PROFILE"] == f"home={hand_made_slug}"
    assert "sourcing python.sh" in result.stderr


def test_run_and_release_source_profile_d_too(hand_made_slug):
    run = runtime("run", "slugpython", "-c", "print('run ran')", cwd=hand_made_slug)
    release = runtime("release", cwd=hand_made_slug)

    assert (run.returncode, run.stdout) == (0, "run ran\n")
    assert (release.returncode, release.stdout) == (0, "release ran\n")


def test_config_names_the_profile_d_script_of_each_value(hand_made_slug):
    result = runtime("config", cwd=hand_made_slug)

    line = next(line for line in result.stdout.splitlines() if line.startswith("WEB_CONCURRENCY="))
    assert line == "WEB_CONCURRENCY=3".ljust(48) + " # .profile.d/python.sh"


def test_a_profile_d_script_that_exits_is_an_error(app):
    root = app({"Procfile": "web: echo never\n", ".profile.d/bad.sh": "echo broken >&2\nexit 4\n"})

    result = runtime("start", cwd=root)

    assert result.returncode == 1
    assert result.stderr == ("broken\nruntime: error: .profile.d/bad.sh stopped the shell (exit code 4) "
                             "while it was being sourced: profile scripts must set variables only, "
                             "never call `exit` or fail\n")


@pytest.mark.parametrize("command", [["start"], ["run", "{python}", "show.py", "FROM_PROFILE"]])
def test_what_a_profile_d_script_leaves_running_is_stopped_and_does_not_hold_up_start_up(app, reap, command):
    agent = ("sleep 1000 & echo $! > profile-pids\n"
             "setsid sleep 1000 > /dev/null 2>&1 & echo $! >> profile-pids\n"
             "export FROM_PROFILE=yes\n")
    root = app({"Procfile": "show: {python} show.py FROM_PROFILE\n", "show.py": SHOW,
                ".profile.d/agent.sh": agent})
    command = [word.replace("{python}", PYTHON) for word in command]

    result = runtime(*command, cwd=root, timeout=25)
    pids = [int(pid) for pid in (root / "profile-pids").read_text().split()]
    reap.extend(pids)

    assert result.returncode == 0, result.stderr
    output = shown(result) if command == ["start"] else json.loads(result.stdout)
    assert output == {"FROM_PROFILE": "yes"}
    assert ("runtime: warning: .profile.d/*.sh left processes running when sourced; runtime "
            "stopped them: profile scripts should only set variables, and processes belong in "
            "the Procfile\n") in result.stderr
    assert [pid for pid in pids if not pid_gone(pid)] == []


def test_an_env_file_that_is_not_utf8_is_an_error(app):
    root = app({"Procfile": "web: echo never\n"})
    (root / ".env").write_bytes(b"A=caf\xe9\n")

    result = runtime("start", cwd=root)

    assert result.returncode == 1
    assert result.stderr == ("runtime: error: .env is not UTF-8 text (byte 0xe9 at offset 5): save "
                             "it as UTF-8\n")


def test_config_masks_every_credential_of_a_url(app):
    root = app({"Procfile": "web: echo never\n",
                ".env": "PIP_EXTRA_INDEX_URL=https://user-tok-9f8e7d@pypi.example/simple/\n"
                        "FURY=https://fury-tok-1a2b3c:@pypi.fury.io/me/\n"
                        "DATABASE_URL=postgres://db-user:db-pass@db/app\n"
                        "TWO='https://first-tok-1@a/ https://second-tok-2@b/'\n"})

    result = runtime("config", cwd=root, env=clean_env())

    assert result.returncode == 0, result.stderr
    lines = {line.split("=")[0]: line.split(" # ")[0].rstrip() for line in result.stdout.splitlines()}
    assert lines["PIP_EXTRA_INDEX_URL"] == "PIP_EXTRA_INDEX_URL='https://****@pypi.example/simple/'"
    assert lines["FURY"] == "FURY='https://****:@pypi.fury.io/me/'"
    assert lines["DATABASE_URL"] == "DATABASE_URL='postgres://****:****@db/app'"
    assert lines["TWO"] == "TWO='https://****@a/ https://****@b/'"
    for secret in ("user-tok-9f8e7d", "fury-tok-1a2b3c", "db-user", "db-pass", "first-tok", "second-tok"):
        assert secret not in result.stdout


@pytest.mark.parametrize("statement, shown", [("'A=B'=1", "'A=B'"), ("A\0B=1", "'A\ufffdB'")])
def test_a_dotenv_name_no_environment_can_hold_is_an_error_naming_its_line(app, statement, shown):
    root = app({"Procfile": "web: echo never\n", ".env": f"OK=1\n{statement}\n"})

    for command in ("start", "run", "config"):
        result = runtime(command, *(["true"] if command == "run" else []), cwd=root)

        assert result.returncode == 1
        assert result.stdout == ""
        assert result.stderr == (
            f"runtime: error: .env:2: the name {shown} cannot be given to an environment variable, "
            "since it contains `=` or a NUL byte: use letters, digits and `_`\n")


def test_a_long_bad_dotenv_line_is_quoted_in_part_and_secrets_are_masked(app):
    root = app({"Procfile": "web: echo never\n",
                ".env": f"API_TOKEN=\"tok-abc-123\nNOT {'x' * 300}\nURL='https://user-tok-987@host\n"})

    result = runtime("start", cwd=root)

    assert result.returncode == 1
    assert result.stderr == (
        "runtime: error: the env file .env is invalid:\n"
        "  .env:1: cannot parse `API_TOKEN=****`\n"
        f"  .env:2: cannot parse `NOT {'x' * 196}...`\n"
        "  .env:3: cannot parse `URL='https://****@host`\n"
        "Write each variable as NAME=value; quote values that contain spaces or `#` "
        "(NAME=\"a value\"), and close every quote.\n")


def test_a_bare_name_after_its_assignment_leaves_the_value(app):
    root = app({"Procfile": "show: {python} show.py A\n", "show.py": SHOW, ".env": "A=1\nA\n"})

    result = runtime("start", cwd=root)

    assert result.returncode == 0, result.stderr
    assert shown(result) == {"A": "1"}


def test_a_dotenv_folder_is_an_error_about_the_folder(app):
    root = app({"Procfile": "web: echo never\n", ".env/README": "not an env file\n"})

    result = runtime("start", cwd=root)

    assert result.returncode == 1
    assert result.stderr == (
        "runtime: error: .env is a folder, not a file of NAME=value lines: rename or remove it, "
        "or name an env file with -e FILE\n")


def test_a_folder_named_with_e_is_an_error_about_the_folder(app):
    root = app({"Procfile": "web: echo never\n", "envs/README": "not an env file\n"})

    result = runtime("start", "-e", "envs", cwd=root)

    assert result.returncode == 1
    assert result.stderr == ("runtime: error: env file envs is a folder, not a file of NAME=value "
                             "lines: give -e a file, or drop the -e option that names it\n")


def test_dotenv_line_numbers_count_multiline_values_comments_and_crlf(app):
    root = app({"Procfile": "web: echo never\n",
                ".env": 'A=1\r\nMULTI="x\ny"\n\n# comment\n  B=2\nNOT VALID\nC=1\nC=2\n'})

    start, check = runtime("start", cwd=root), runtime("check", cwd=root)

    assert "  .env:7: cannot parse `NOT VALID`\n" in start.stderr
    assert "WARN  .env:9: C is set again (first on line 8); the last value wins\n" in check.stdout


@pytest.mark.parametrize("command", [["start"], ["run", "true"], ["release"]])
def test_a_dotenv_value_too_large_for_any_process_is_an_error_naming_it(app, command):
    root = app({"Procfile": "web: echo never\nrelease: echo never\n", ".env": f"OK=1\nBIG={'x' * 200_000}\n"})

    result = runtime(*command, cwd=root)

    assert result.returncode == 1
    assert result.stderr == (
        "runtime: error: the value of BIG (from .env:2) is 200000 bytes long: Linux passes at most "
        "131071 bytes per variable (NAME=value) to a process, so no process could start with it; "
        "shorten it (keep big data in a file and put the file's path in the variable)\n")
