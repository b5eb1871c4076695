"""The one Procfile parser, shared by the build and `runtime`: entries in file order, and the
problems it finds, each with its line."""

from buildpack.slug import procfile


def test_entries_keep_their_order_their_lines_and_their_commands_verbatim():
    parsed = procfile.parse("\ufeff# comment\r\nweb: gunicorn app.wsgi --bind :$PORT\r\n\r\n  worker :  celery -A app  \n")
    assert [(e.name, e.command, e.line) for e in parsed.entries.values()] == [
        ("web", "gunicorn app.wsgi --bind :$PORT", 2), ("worker", "celery -A app", 4)]
    assert parsed.errors == [] and parsed.warnings == []


def test_problems_name_their_lines_and_leave_the_good_entries():
    parsed = procfile.parse("web: a\nnot a process\nweb: b\nweb.2: c\nempty:\nUpper: d\n")
    assert list(parsed.entries) == ["web", "Upper"]
    assert [p.line for p in parsed.errors] == [2, 3, 4, 5]
    assert [p.line for p in parsed.warnings] == [6]
    assert "first defined on line 1" in parsed.errors[1].message


def test_a_procfile_without_processes_is_one_problem_of_the_whole_file():
    parsed = procfile.parse("# nothing\n\n")
    assert [(p.line, p.message) for p in parsed.errors] == [(None, "no processes defined")]
