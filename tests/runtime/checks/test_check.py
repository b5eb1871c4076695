"""`runtime check`: Procfile and .env findings, line-numbered, each problem with its fix.

The Procfile and env file checks run first; the checks that follow them (the Django deploy
contract) have tests of their own, so these tests look at the first lines only.
"""

import pytest

from tests.runtime.helpers import ENV_PY_STARTS_PROCESSES, pid_gone, runtime

pytestmark = pytest.mark.timeout(30)


def test_a_clean_app_passes(app):
    root = app({"Procfile": "web: gunicorn mysite.wsgi\nrelease: python manage.py migrate\n",
                ".env": "DEBUG=1\n", "env.py": "import os\nos.environ.setdefault('X', '1')\n"})

    result = runtime("check", str(root), cwd=root.parent)

    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith(f"PASS  {root}/Procfile: 2 process types (web, release)\n"
                                    f"PASS  {root}/.env: 1 variable\n"
                                    f"PASS  {root}/env.py: runs and sets 1 variable\n")


def test_problems_are_reported_by_file_and_line_with_their_fix(app):
    root = app({"Procfile": "web: gunicorn mysite.wsgi\nmy_worker: celery\noops line\nweb: dup\n",
                ".env": "A=1\nBARE\nA=2\nbad line here\nmy-var=3\n"})

    result = runtime("check", cwd=root)

    assert result.returncode == 1
    assert result.stdout.startswith("""\
WARN  Procfile:2: process type `my_worker` is not a valid Kubernetes name (lowercase letters, \
digits and `-`, at most 63 characters); Kubernetes and Cloud Native Buildpacks would call it \
`my-worker`
      fix: rename it to `my-worker` to keep one name everywhere
FAIL  Procfile:3: expected `name: command`, found `oops line`
      fix: write the line as `web: gunicorn mysite.wsgi`, or start it with `#` to make it a comment
FAIL  Procfile:4: duplicate process type `web` (first defined on line 1)
      fix: keep one of the two lines, or rename one of them
WARN  .env:2: `BARE` has no `=`, so it is ignored
      fix: write BARE= for an empty value, or delete the line
WARN  .env:3: A is set again (first on line 1); the last value wins
      fix: keep one of the two lines
FAIL  .env:4: cannot parse `bad line here`
      fix: write NAME=value; quote values with spaces or `#` (NAME="a value") and close every quote
WARN  .env:5: my-var is not a valid variable name for a shell, systemd or supervisord
      fix: use letters, digits and `_` only
""")
    assert "Traceback" not in result.stderr


def test_a_missing_procfile_is_a_warning_and_a_failing_env_py_a_failure(app):
    root = app({"env.py": "import os\nos.environ['HOME'] = '/elsewhere'\nraise ValueError('boom')\n"})

    result = runtime("check", cwd=root)

    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[:2] == ["WARN  no Procfile at Procfile",
                         "      fix: add one with a line like `web: gunicorn mysite.wsgi`; without "
                         "it only a default web process (if any) runs"]
    assert lines[2] == ("FAIL  env.py failed (exit code 1) while runtime collected the variables "
                        "it sets; fix it or remove it. Its output:")
    assert "      ValueError: boom" in lines
    assert "      fix: make env.py run on its own: `python env.py` in the app root" in lines


def test_env_py_overriding_a_real_value_is_a_warning(app):
    root = app({"Procfile": "web: gunicorn mysite.wsgi\n",
                "env.py": "import os\nos.environ['HOME'] = '/elsewhere'\n"})

    result = runtime("check", cwd=root)

    assert result.returncode == 0
    assert ("WARN  env.py replaces HOME, which is already set, so the platform's value would be "
            "overridden too\n      fix: use os.environ.setdefault('HOME', ...)\n") in result.stdout


def test_env_py_leaving_processes_running_is_a_warning(app, reap):
    root = app({"Procfile": "web: gunicorn mysite.wsgi\n", "env.py": ENV_PY_STARTS_PROCESSES})

    result = runtime("check", cwd=root)
    pids = [int(pid) for pid in (root / "env-py-pids").read_text().split()]
    reap.extend(pids)

    assert result.returncode == 0, result.stdout
    assert ("WARN  env.py left processes running when it finished (runtime stopped them)\n"
            "      fix: only set variables in it (os.environ.setdefault(...)); start processes from "
            "the Procfile\n") in result.stdout
    assert [pid for pid in pids if not pid_gone(pid)] == []


def test_a_dotenv_folder_and_a_name_no_environment_holds_fail(app):
    folder = app({"Procfile": "web: gunicorn mysite.wsgi\n", ".env/README": "not an env file\n"})

    result = runtime("check", cwd=folder)

    assert result.returncode == 1
    assert ("FAIL  .env is a folder, not a file of NAME=value lines\n"
            "      fix: rename or remove it, or name an env file with -e FILE\n") in result.stdout

    (folder / ".env/README").unlink()
    (folder / ".env").rmdir()
    (folder / ".env").write_text("'A=B'=1\n")
    result = runtime("check", cwd=folder)

    assert result.returncode == 1
    assert ("FAIL  .env:1: A=B is not a valid variable name for a shell, systemd or supervisord\n"
            "      fix: use letters, digits and `_` only\n") in result.stdout
