"""Which processes run, how many of each, and their PORT and DYNO, decided without starting any."""

import pytest

from runtime import formation, procfile
from runtime.environment import Setting
from runtime.errors import UserError

PROCFILE = procfile.parse("web: gunicorn app.wsgi\nworker: celery -A app worker\nrelease: ./manage.py migrate\n")


def error(call):
    with pytest.raises(UserError) as caught:
        call()
    return str(caught.value)


# -c TYPE=N

@pytest.mark.parametrize("options,counts", [
    ([], {}),
    (["web=2,worker=1"], {"web": 2, "worker": 1}),
    (["web=2", "worker=0"], {"web": 2, "worker": 0}),
    ([" web=2 , worker=3 "], {"web": 2, "worker": 3}),
    (["web=1,web=4"], {"web": 4}),
    (["all=3"], {"all": 3}),
])
def test_counts_are_read_from_every_c_option(options, counts):
    assert formation.parse_counts(options) == counts


@pytest.mark.parametrize("option,item", [("web", "web"), ("web=two", "web=two"), ("web=2,worker=-1", "worker=-1"),
                                         ("web=2,", ""), ("=2", "=2")])
def test_a_count_that_is_not_type_equals_number_is_refused(option, item):
    assert error(lambda: formation.parse_counts([option])) == (
        f"bad process count `{item}` in -c {option}: write TYPE=N with N a whole number, e.g. -c web=2,worker=1")


# Which types, how many of each.

@pytest.mark.parametrize("types,counts,selection", [
    ([], {}, [("web", 1), ("worker", 1)]),
    (["worker"], {}, [("worker", 1)]),
    (["worker", "web"], {}, [("web", 1), ("worker", 1)]),
    (["release"], {}, [("release", 1)]),
    ([], {"web": 3}, [("web", 3), ("worker", 1)]),
    ([], {"all": 2, "worker": 0}, [("web", 2), ("worker", 0)]),
    (["web"], {"all": 2}, [("web", 2)]),
])
def test_the_selection_is_in_procfile_order_and_release_only_when_named(types, counts, selection):
    assert formation.select(PROCFILE, types, counts) == selection


def test_an_unknown_type_is_refused_with_the_types_defined():
    assert error(lambda: formation.select(PROCFILE, ["clock"], {})) == (
        "unknown process type `clock`: Procfile defines web, worker, release")
    assert error(lambda: formation.select(PROCFILE, [], {"clock": 1})) == (
        "unknown process type `clock`: Procfile defines web, worker, release")


def test_a_count_for_a_type_not_started_is_refused():
    assert error(lambda: formation.select(PROCFILE, ["web"], {"worker": 2})) == (
        "-c gives a count for `worker`, but it is not among the types to start (web): name it as a type "
        "too, or drop its count")
    assert error(lambda: formation.select(PROCFILE, [], {"release": 1})) == (
        "-c gives a count for `release`, but `release` runs only when named: name it as a type too, "
        "or drop its count")


def test_nothing_to_start_is_refused():
    assert error(lambda: formation.select(PROCFILE, [], {"all": 0})) == "nothing to start"
    only_release = procfile.parse("release: ./manage.py migrate\n")
    assert error(lambda: formation.select(only_release, [], {})) == (
        "nothing to start (Procfile has only `release`: run it with `runtime release`)")


# Ports.

def environment(port=None):
    return {} if port is None else {"PORT": Setting(port, ".env")}


@pytest.mark.parametrize("option,env,base", [
    (None, environment(), 5000),
    (None, environment("8000"), 8000),
    (6000, environment("8000"), 6000),
])
def test_the_base_port_is_the_option_else_port_else_5000(option, env, base):
    assert formation.base_port(option, env) == base


@pytest.mark.parametrize("port", ["0", "65536", "http", "-1", "8000 ", "5e3"])
def test_a_port_variable_that_is_not_a_port_number_is_refused(port):
    assert error(lambda: formation.base_port(None, environment(port))) == (
        f"PORT={port!r} (from .env) is not a port number: set it to a number between 1 and 65535, "
        "or pass -p PORT")


@pytest.mark.parametrize("text,port", [("1", True), ("65535", True), ("0", False), ("65536", False),
                                       ("", False), ("+80", False), ("²", False)])
def test_a_port_number_is_1_to_65535_in_decimal_digits(text, port):
    assert formation.is_port_number(text) is port


def test_each_instance_gets_its_port_dyno_and_the_line_of_its_command():
    processes = formation.processes(PROCFILE, [("web", 2), ("worker", 1)], {"APP": "1"}, 5000)
    assert [(p.name, p.type, p.command, p.where, p.port, p.env) for p in processes] == [
        ("web.1", "web", "gunicorn app.wsgi", "Procfile:1", 5000, {"APP": "1", "PORT": "5000", "DYNO": "web.1"}),
        ("web.2", "web", "gunicorn app.wsgi", "Procfile:1", 5001, {"APP": "1", "PORT": "5001", "DYNO": "web.2"}),
        ("worker.1", "worker", "celery -A app worker", "Procfile:2", 5100,
         {"APP": "1", "PORT": "5100", "DYNO": "worker.1"}),
    ]


def test_a_type_keeps_its_port_when_started_alone():
    worker, = formation.processes(PROCFILE, [("worker", 1)], {}, 7000)
    assert (worker.port, worker.env["PORT"]) == (7100, "7100")


def test_a_fixed_dyno_names_the_one_off_process():
    one_off, = formation.processes(PROCFILE, [("release", 1)], {}, 5000, dyno="run.1")
    assert (one_off.name, one_off.port, one_off.env["DYNO"]) == ("release.1", 5200, "run.1")


def test_a_port_above_65535_is_refused():
    assert formation.port_of(PROCFILE, 65335, "release", 1) == 65535
    assert error(lambda: formation.port_of(PROCFILE, 65335, "worker", 201)) == (
        "worker.201 would get port 65635, above 65535: choose a lower base port with -p")
