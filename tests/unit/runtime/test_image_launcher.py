"""runtime/image/launcher.py's decisions: what the image's arguments run, and how the
environment sourced by bash is read back."""

import os
import signal

import pytest

from runtime.image import launcher
from runtime.image.launcher import Choice, LauncherError

TYPES = {"web": "gunicorn app.wsgi --bind 0.0.0.0:$PORT", "worker": "celery -A app worker",
         "release": "python manage.py migrate"}
PROGRAMS = {"bash", "python", "sh", "/app/bin/tool"}


def choose(*args, types=TYPES):
    return launcher.choose(list(args), types, PROGRAMS.__contains__)


def refusal(*args, types=TYPES):
    with pytest.raises(LauncherError) as caught:
        choose(*args, types=types)
    return caught.value.status, str(caught.value)


# What the arguments run

def test_no_argument_runs_the_web_type_under_bash():
    assert choose() == Choice(["bash", "-c", TYPES["web"]], "web")


def test_one_word_naming_a_type_runs_that_type():
    assert choose("release") == Choice(["bash", "-c", "python manage.py migrate"], "release")


def test_a_type_wins_over_a_program_of_the_same_name():
    assert choose("python", types={"python": "python -m http.server"}) == \
        Choice(["bash", "-c", "python -m http.server"], "python")


@pytest.mark.parametrize("args", [["bash"], ["/app/bin/tool"], ["python", "manage.py", "shell"],
                                  ["sh", "-c", "exit 7"], ["not-a-program", "--flag"]])
def test_a_program_or_several_words_run_as_given(args):
    assert choose(*args) == Choice(args)


def test_a_type_with_arguments_runs_as_a_command_when_a_program_has_its_name():
    assert choose("python", "-V", types={"python": "python app.py"}) == Choice(["python", "-V"])


# What is refused, with status 2

def test_one_word_that_is_neither_a_type_nor_a_program_is_refused_with_the_types():
    assert refusal("wrk") == (2, '"wrk" is neither a process type nor a program on PATH; the '
                                 "image's process types are: web, worker, release. Give one of "
                                 "them, or a command to run (for example: bash)")


def test_no_argument_without_a_web_type_is_refused():
    assert refusal(types={"worker": "celery"}) == (
        2, 'the image has no "web" process type, which runs when no command is given; its process '
           "types are: worker. Give one of them, or a command to run")


def test_an_image_without_types_says_none():
    assert refusal("wrk", types={})[1].endswith("the image's process types are: none. Give one of "
                                                "them, or a command to run (for example: bash)")


def test_a_type_given_arguments_is_refused():
    assert refusal("web", "--workers", "3") == (
        2, '"web" is a process type, and a process type takes no arguments: give its name alone, '
           "or the whole command to run")


def test_a_refused_word_is_quoted_on_one_line_and_cut():
    status, text = refusal("x" * 300 + "\nsecond line")
    assert status == 2
    assert '"' + "x" * 200 + '..." is neither' in text and "\n" not in text


# processes.json

def test_processes_json_keeps_the_files_order(tmp_path):
    path = tmp_path / "processes.json"
    path.write_text('{"worker": "celery", "web": "gunicorn"}')
    assert list(launcher.read_processes(path).items()) == [("worker", "celery"), ("web", "gunicorn")]


@pytest.mark.parametrize("text,problem", [
    ('["web"]', "it holds a list"),
    ('{"web": ["gunicorn", "app.wsgi"]}', 'the command of "web" is not a string'),
    ("{web: gunicorn}", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
])
def test_a_processes_json_that_is_not_types_to_commands_is_refused(tmp_path, text, problem):
    path = tmp_path / "processes.json"
    path.write_text(text)
    with pytest.raises(LauncherError) as caught:
        launcher.read_processes(path)
    assert (caught.value.status, str(caught.value)) == (
        1, f"{path} is not a JSON object of process types to commands ({problem}); build the image again")


# The environment

def test_home_is_the_app_folder_and_port_defaults_to_5000():
    env = launcher.starting_environment({"HOME": "/root", "KEEP": "1"}, "/app")
    assert env == {"HOME": "/app", "PORT": "5000", "KEEP": "1"}


def test_the_containers_port_wins():
    assert launcher.starting_environment({"PORT": "8080"}, "/app")["PORT"] == "8080"


def test_the_report_gives_the_scripts_and_the_environment_with_newlines_and_equals_signs():
    report = b".profile.d/a.sh\0.profile\0\0A=x=y\0B=two\nlines\n\0EMPTY=\0"
    assert launcher.parse_profile_report(report) == (
        [".profile.d/a.sh", ".profile"], {"A": "x=y", "B": "two\nlines\n", "EMPTY": ""})


def test_a_report_without_scripts_still_gives_the_environment():
    assert launcher.parse_profile_report(b"\0A=1\0") == ([], {"A": "1"})


@pytest.mark.parametrize("report,scripts", [
    (b".profile.d/a.sh\0.profile.d/b.sh\0", [".profile.d/a.sh", ".profile.d/b.sh"]),
    (b"", []),
    (b"\0A=1\0B=cut sho", []),
])
def test_a_report_that_stops_early_gives_no_environment(report, scripts):
    assert launcher.parse_profile_report(report) == (scripts, None)


def test_a_value_that_is_not_utf8_survives_the_round_trip():
    _, env = launcher.parse_profile_report(b"\0A=\xff\0")
    assert os.fsencode(env["A"]) == b"\xff"


def test_what_bash_sets_itself_keeps_the_containers_values():
    before = {"PWD": "/somewhere", "KEEP": "1"}
    after = {"PWD": "/app", "SHLVL": "1", "_": "/usr/bin/env", "OLDPWD": "/", "KEEP": "1", "NEW": "2"}
    assert launcher.keep_bookkeeping(before, after) == {"PWD": "/somewhere", "KEEP": "1", "NEW": "2"}


# Exit statuses

def test_an_exit_code_passes_through_and_a_signal_becomes_128_plus_its_number():
    assert launcher.exit_status(7 << 8) == 7
    assert launcher.exit_status(signal.SIGKILL) == 137
    assert launcher.exit_status(signal.SIGTERM) == 143
