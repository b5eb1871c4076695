"""A Django test runner that writes JUnit XML too: what `runtime test --junit FILE` gives
`manage.py test`, which has no such output of its own.

Never imported by runtime: `runtime test` copies this file into a folder of its own, puts
that folder on the tests' PYTHONPATH and runs `manage.py test --testrunner
runtime_django_junit.JUnitRunner`, so the slug's Python imports it and the app's
dependencies stay as they are. It is the app's own TEST_RUNNER (DiscoverRunner unless the
settings name another), its results recorded as they come (the parallel runner's too,
which replays each test's events on the main process's result), the XML written to
RUNTIME_JUNIT_XML with the standard library once the suite has run. Standard library and
Django only.
"""

import os
import time
import unittest
import xml.etree.ElementTree as ET

from django.conf import settings
from django.test.runner import DiscoverRunner
from django.utils.module_loading import import_string

OUTPUT = "RUNTIME_JUNIT_XML"
SUITE_NAME = "manage.py test"


def _app_runner():
    name = getattr(settings, "TEST_RUNNER", "django.test.runner.DiscoverRunner")
    runner = import_string(name)
    if not (isinstance(runner, type) and issubclass(runner, DiscoverRunner)):
        raise SystemExit(f"runtime test --junit: TEST_RUNNER {name} is not a DiscoverRunner, whose "
                         "results it records; run the tests with pytest and pytest-django for JUnit XML")
    return runner


class JUnitRunner(_app_runner()):
    def get_resultclass(self):
        return _recording(super().get_resultclass() or unittest.TextTestResult)

    def run_suite(self, suite, **kwargs):
        started = time.time()
        result = super().run_suite(suite, **kwargs)
        write(os.environ[OUTPUT], result.junit_cases, time.time() - started)
        return result


def _recording(base):
    """`base` (a unittest result class), recording (classname, name, seconds, outcome, text)
    of each test: outcome None (passed), "failure", "error" or "skipped"."""

    class Recording(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.junit_cases = []
            self._started = {}

        def startTest(self, test):  # noqa: N802 (unittest's name)
            self._started[test.id()] = time.perf_counter()
            super().startTest(test)

        def _record(self, test, outcome, text=""):
            case, name = test, getattr(test, "_testMethodName", None) or test.id()
            if isinstance(test, unittest.case._SubTest):  # one case per failing subtest
                case = test.test_case
                name = f"{case._testMethodName} {test._subDescription()}"
            started = self._started.get(case.id())
            seconds = max(time.perf_counter() - started, 0.0) if started is not None else 0.0
            classname = f"{type(case).__module__}.{type(case).__qualname__}"
            self.junit_cases.append((classname, name, seconds, outcome, text))

        def addSuccess(self, test):  # noqa: N802 (unittest's name)
            super().addSuccess(test)
            self._record(test, None)

        def addFailure(self, test, err):  # noqa: N802 (unittest's name)
            super().addFailure(test, err)
            self._record(test, "failure", self._exc_info_to_string(err, test))

        def addError(self, test, err):  # noqa: N802 (unittest's name)
            super().addError(test, err)
            self._record(test, "error", self._exc_info_to_string(err, test))

        def addSkip(self, test, reason):  # noqa: N802 (unittest's name)
            super().addSkip(test, reason)
            self._record(test, "skipped", reason)

        def addExpectedFailure(self, test, err):  # noqa: N802 (unittest's name)
            super().addExpectedFailure(test, err)
            self._record(test, None)

        def addUnexpectedSuccess(self, test):  # noqa: N802 (unittest's name)
            super().addUnexpectedSuccess(test)
            self._record(test, "failure", "unexpected success")

        def addSubTest(self, test, subtest, err):  # noqa: N802 (unittest's name)
            super().addSubTest(test, subtest, err)
            if err is not None:
                failed = issubclass(err[0], test.failureException)
                self._record(subtest, "failure" if failed else "error", self._exc_info_to_string(err, test))

    return Recording


def write(path, cases, seconds):
    """JUnit XML (the schema pytest's --junitxml writes) of `cases`, to `path`."""
    counts = {"tests": len(cases)}
    for kind in ("failure", "error", "skipped"):
        counts[kind + ("s" if kind != "skipped" else "")] = sum(case[3] == kind for case in cases)
    attributes = {key: str(value) for key, value in counts.items()}
    suites = ET.Element("testsuites", attributes, time=f"{seconds:.3f}")
    suite = ET.SubElement(suites, "testsuite", attributes, name=SUITE_NAME, time=f"{seconds:.3f}")
    for classname, name, case_seconds, outcome, text in cases:
        case = ET.SubElement(suite, "testcase", classname=classname, name=name, time=f"{case_seconds:.3f}")
        if outcome:
            summary = text.strip().splitlines()[-1] if text.strip() else outcome  # "AssertionError: ..."
            ET.SubElement(case, outcome, message=summary).text = text if outcome != "skipped" else None
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)
