"""Local error logging: the PYTHONPATH runtime gives local runs, and the rule by which the
sitecustomize on it decides that a record is already shown (which `runtime check` uses too)."""

import importlib.util
import io
import logging
import sys

import pytest

from runtime import local_logging

FOLDER = local_logging.FOLDER


@pytest.mark.parametrize("values, expected", [
    ({}, FOLDER),
    ({"PYTHONPATH": "/app/lib"}, f"{FOLDER}:/app/lib"),
    ({"PYTHONPATH": ""}, FOLDER),
    ({"RUNTIME_LOCAL_LOGGING": "1"}, FOLDER),
    ({"RUNTIME_LOCAL_LOGGING": ""}, FOLDER),
    ({"RUNTIME_LOCAL_LOGGING": "0", "PYTHONPATH": "/app/lib"}, None),
    ({"PYTHONPATH": f"/app/lib:{FOLDER}"}, None),  # a `runtime run` inside a local run
])
def test_the_folder_goes_in_front_of_the_app_s_pythonpath_unless_turned_off(values, expected):
    assert local_logging.python_path(values) == expected


@pytest.fixture(scope="module")
def rule():
    spec = importlib.util.spec_from_file_location("local_logging_rule", local_logging.SITECUSTOMIZE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # not named sitecustomize: defines, installs nothing
    return module


@pytest.fixture
def loggers(request):
    """A fresh `<test>.django` and `<test>.django.request`, their handlers removed afterwards."""
    parent = logging.getLogger(request.node.name + ".django")
    child = logging.getLogger(parent.name + ".request")
    yield parent, child
    for logger in (parent, child):
        logger.handlers.clear()
        logger.propagate = True


def record(logger, level=logging.ERROR):
    return logger.makeRecord(logger.name, level, "views.py", 1, "Internal Server Error: /", (), None)


def test_a_stderr_or_stdout_handler_up_the_chain_shows_it(rule, loggers):
    parent, child = loggers
    parent.addHandler(logging.StreamHandler(sys.__stderr__))
    assert rule.console_shows(record(child))


def test_a_file_a_filter_that_refuses_or_a_higher_level_does_not(rule, loggers, tmp_path):
    parent, child = loggers
    parent.addHandler(logging.FileHandler(tmp_path / "log"))
    refusing = logging.StreamHandler(sys.__stderr__)
    refusing.addFilter(lambda record: False)  # like Django's require_debug_true with DEBUG off
    parent.addHandler(refusing)
    parent.addHandler(logging.StreamHandler(sys.__stdout__))
    parent.handlers[-1].setLevel(logging.CRITICAL)
    parent.addHandler(logging.StreamHandler(io.StringIO()))
    assert not rule.console_shows(record(child))


def test_propagate_false_stops_the_search_and_the_excluded_handler_does_not_count(rule, loggers):
    parent, child = loggers
    parent.addHandler(logging.StreamHandler(sys.__stderr__))
    child.propagate = False
    assert not rule.console_shows(record(child))
    own = logging.StreamHandler(sys.__stderr__)
    child.addHandler(own)
    assert rule.console_shows(record(child))
    assert not rule.console_shows(record(child), exclude=own)
