"""The Python version an app asks for, and the interpreter chosen for it, without a build."""

from pathlib import Path

import pytest

from buildpack.log import messages
from buildpack.log.output import BuildError
from buildpack.python.interpreters import Interpreter
from buildpack.python.version import (
    CLAUSE_RE,
    SUPPORTED_RANGE,
    VERSION_RE,
    Choice,
    Request,
    choose,
    requested_version,
    standard_specifier,
    without_free_threading,
)


def python(version, system=False):
    dotted = ".".join(map(str, version))
    return Interpreter(version, Path(f"/pythons/{dotted}/bin/python3"), Path(f"/pythons/{dotted}"), system)


# The machine of most tests: an unsupported minor, two patches of 3.12, no 3.14.
MACHINE = [python((3, 9, 20)), python((3, 10, 21)), python((3, 11, 16)), python((3, 12, 4)),
           python((3, 12, 14)), python((3, 13, 15))]
HERE = (SUPPORTED_RANGE, ["3.13.15", "3.12.14", "3.12.4", "3.11.16", "3.10.21"])


def raised(call):
    with pytest.raises(BuildError) as caught:
        call()
    return caught.value.message


# requested_version: which file says what.

@pytest.mark.parametrize("text,version", [
    ("3.12\n", (3, 12)),
    ("3.12.4", (3, 12, 4)),
    ("\ufeff# the app's Python\n\n  3.13  \n", (3, 13)),
])
def test_python_version_file_pins_a_version(tmp_path, text, version):
    (tmp_path / ".python-version").write_text(text)
    assert requested_version(tmp_path) == (Request(version, None, ".python-version"), [])


def test_python_version_file_wins_over_runtime_txt_with_a_warning(tmp_path):
    (tmp_path / ".python-version").write_text("3.12\n")
    (tmp_path / "runtime.txt").write_text("python-3.11.2\n")
    assert requested_version(tmp_path) == (Request((3, 12), None, ".python-version"),
                                           [messages.runtime_txt_ignored()])


def test_runtime_txt_pins_a_version_with_a_deprecation_warning(tmp_path):
    (tmp_path / "runtime.txt").write_text("python-3.12.4\n")
    assert requested_version(tmp_path) == (Request((3, 12, 4), None, "runtime.txt"),
                                           [messages.runtime_txt_deprecated("3.12")])


def test_requires_python_is_read_when_no_version_file_exists(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\nrequires-python = ">=3.11,<3.13"\n')
    assert requested_version(tmp_path) == (
        Request(None, ">=3.11,<3.13", "requires-python in pyproject.toml"), [])


def test_no_source_is_an_empty_request(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\n')
    assert requested_version(tmp_path) == (Request(None, None, None), [])


@pytest.mark.parametrize("name,text,example", [
    (".python-version", "python-3.12\n", "3.13 (recommended) or 3.13.1"),
    (".python-version", "3\n", "3.13 (recommended) or 3.13.1"),
    ("runtime.txt", "3.12.4\n", "python-3.13.1"),
])
def test_a_line_that_is_not_a_version_is_refused(tmp_path, name, text, example):
    (tmp_path / name).write_text(text)
    assert raised(lambda: requested_version(tmp_path)) == messages.invalid_version(name, 1, text.strip(), example)


def test_a_misspelled_version_file_is_refused(tmp_path):
    (tmp_path / ".python_version").write_text("3.12\n")
    assert raised(lambda: requested_version(tmp_path)) == messages.misspelled_version_file(".python_version")


def test_a_malformed_requires_python_is_refused_before_any_choice(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\nrequires-python = "^3.12"\n')
    assert raised(lambda: requested_version(tmp_path)) == messages.invalid_requires_python("^3.12")


# Free-threaded builds (3.14t): refused, naming the file, the line and the fix.

@pytest.mark.parametrize("text,standard", [
    ("3.14t", "3.14"), ("3.13.1t", "3.13.1"), ("3.14+freethreaded", "3.14"),
    ("3.14", None), ("3.14tt", None), ("3.t", None), ("t", None), ("3.14T", None),
])
def test_a_free_threaded_version_is_the_standard_version_with_a_suffix(text, standard):
    assert without_free_threading(text, VERSION_RE) == standard


@pytest.mark.parametrize("specifier,standard", [
    (">=3.14t", (">=3.14", "3.14")),
    (">=3.13t, <3.15", (">=3.13, <3.15", "3.13")),
    (">=3.12,<3.14t, !=3.13.1t", (">=3.12,<3.14, !=3.13.1", "3.14")),
    (">=3.12,<3.14", None),
    ("^3.14t", None),
])
def test_a_specifier_asks_for_free_threading_when_a_clause_does(specifier, standard):
    assert standard_specifier(specifier) == standard
    if standard:
        assert all(CLAUSE_RE.match(clause) for clause in standard[0].split(","))


@pytest.mark.parametrize("name,text,number,line,version,fixed", [
    (".python-version", "3.14t\n", 1, "3.14t", "3.14", "3.14"),
    (".python-version", "# free-threaded\n\n 3.13.1t \n", 3, "3.13.1t", "3.13.1", "3.13.1"),
    (".python-version", "3.14+freethreaded\n", 1, "3.14+freethreaded", "3.14", "3.14"),
    ("runtime.txt", "python-3.14t\n", 1, "python-3.14t", "3.14", "python-3.14"),
])
def test_a_free_threaded_pin_is_refused_naming_its_line(tmp_path, name, text, number, line, version, fixed):
    (tmp_path / name).write_text(text)
    assert raised(lambda: requested_version(tmp_path)) == messages.free_threaded(name, number, line, version, fixed)


def test_a_free_threaded_requires_python_is_refused_naming_its_line(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\n  requires-python = ">=3.14t"  \n')
    assert raised(lambda: requested_version(tmp_path)) == messages.free_threaded(
        "pyproject.toml", 3, 'requires-python = ">=3.14t"', "3.14", 'requires-python = ">=3.14"')


def test_a_free_threaded_requires_python_written_with_escapes_is_refused_without_a_line(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\nrequires-python = "\\u003e=3.14t"\n')
    assert raised(lambda: requested_version(tmp_path)) == messages.free_threaded(
        "pyproject.toml", None, ">=3.14t", "3.14", ">=3.14")


def test_the_free_threaded_error_says_what_to_write_instead():
    message = messages.free_threaded(".python-version", 1, "3.14t", "3.14", "3.14")
    assert message.title == "Free-threaded Python is not supported: line 1 of .python-version is '3.14t'."
    assert "Use 3.14; free-threaded builds are not supported. Change line 1 of .python-version to:\n  3.14" \
        in message.body


# choose, for a pinned version.

def pin(*version):
    return Request(version, None, ".python-version")


def test_a_minor_gets_its_newest_patch():
    assert choose(pin(3, 12), MACHINE) == Choice(
        python((3, 12, 14)), "Using Python 3.12 specified in .python-version", ())


def test_an_exact_patch_gets_that_patch():
    assert choose(pin(3, 12, 4), MACHINE) == Choice(
        python((3, 12, 4)), "Using Python 3.12.4 specified in .python-version", ())


def test_a_missing_patch_gets_the_newest_of_its_minor_with_a_warning():
    assert choose(pin(3, 12, 5), MACHINE) == Choice(
        python((3, 12, 14)), "Using Python 3.12.5 specified in .python-version",
        [messages.patch_unavailable("3.12.5", "3.12.14", ".python-version")])


def test_a_self_contained_python_comes_before_a_distributions_of_the_same_minor():
    machine = [python((3, 12, 14), system=True), python((3, 12, 3))]
    assert choose(pin(3, 12), machine).interpreter == python((3, 12, 3))


def test_a_minor_missing_here_is_downloaded_with_uv():
    assert choose(pin(3, 14), MACHINE) == Choice(None, None, (), download="3.14")


def test_a_minor_missing_after_the_download_is_an_error_listing_what_is_here():
    assert raised(lambda: choose(pin(3, 14), MACHINE, may_download=False)) == \
        messages.version_unavailable("3.14", ".python-version", HERE)


@pytest.mark.parametrize("version", [(3, 9), (3, 8, 18), (2, 7)])
def test_an_end_of_life_version_is_refused(version):
    shown = ".".join(map(str, version))
    assert raised(lambda: choose(pin(*version), MACHINE)) == \
        messages.end_of_life(shown, ".python-version", SUPPORTED_RANGE)


@pytest.mark.parametrize("version", [(3, 15), (3, 12, 99), (4, 0)])
def test_a_version_that_does_not_exist_is_refused(version):
    shown = ".".join(map(str, version))
    assert raised(lambda: choose(pin(*version), MACHINE)) == \
        messages.unknown_version(shown, ".python-version", HERE)


def test_a_patch_newer_than_known_is_used_when_the_machine_has_it():
    machine = [*MACHINE, python((3, 12, 99))]
    assert choose(pin(3, 12, 99), machine).interpreter == python((3, 12, 99))


# choose, for no request at all.

def test_no_request_gets_the_newest_supported_python_with_a_warning():
    """When the default, 3.14, is not on the machine and its download was tried."""
    assert choose(Request(None, None, None), MACHINE, may_download=False) == Choice(
        python((3, 13, 15)), "No Python version was specified. Using Python 3.13.15",
        [messages.no_version_specified("3.13")])


def test_no_request_gets_the_default_when_the_machine_has_it():
    machine = [*MACHINE, python((3, 14, 2), system=True), python((3, 14, 7))]
    assert choose(Request(None, None, None), machine) == Choice(
        python((3, 14, 7)), "No Python version was specified. Using Python 3.14.7, the default",
        [messages.no_version_default("3.14")])


def test_no_request_downloads_the_default_when_the_machine_lacks_it():
    assert choose(Request(None, None, None), MACHINE) == Choice(None, None, (), download="3.14")


def test_no_request_on_a_machine_without_a_supported_python_downloads_the_newest():
    assert choose(Request(None, None, None), [python((3, 9, 20))]) == Choice(None, None, (), download="3.14")


def test_no_request_and_nothing_after_the_download_is_an_error():
    assert raised(lambda: choose(Request(None, None, None), [python((3, 9, 20))], may_download=False)) == \
        messages.no_python_available((SUPPORTED_RANGE, []))


# choose, for requires-python: PEP 440 matching.

def requires(specifier):
    return Request(None, specifier, "requires-python in pyproject.toml")


@pytest.mark.parametrize("specifier,chosen", [
    (">=3.11,<3.13", (3, 12, 14)),
    (">3.10, <3.12", (3, 11, 16)),
    ("~=3.11", (3, 13, 15)),  # >=3.11, ==3.*
    ("~=3.12.3", (3, 12, 14)),  # >=3.12.3, ==3.12.*
    ("==3.12.*", (3, 12, 14)),
    ("==3.12.4", (3, 12, 4)),
    ("===3.12.4", (3, 12, 4)),
    ("<=3.12.4", (3, 12, 4)),
    ("<3.12.14", (3, 12, 4)),
    ("!=3.13.*", (3, 12, 14)),
    ("!=3.13.15", (3, 12, 14)),
    (">=3.10,!=3.13.*,!=3.12.14", (3, 12, 4)),
    (">=3", (3, 13, 15)),
])
def test_requires_python_gets_the_newest_python_that_matches(specifier, chosen):
    assert choose(requires(specifier), MACHINE) == Choice(
        python(chosen), f"Using Python {'.'.join(map(str, chosen))}, the newest available that matches "
                        f"{specifier} (requires-python in pyproject.toml)")


def test_the_unsupported_minors_of_the_machine_never_match():
    assert raised(lambda: choose(requires("<3.10"), MACHINE)) == messages.no_python_for_specifier("<3.10", HERE)


@pytest.mark.parametrize("specifier,machine,download", [
    (">=3.14", MACHINE, "3.14"),
    ("==3.14.*", MACHINE, "3.14"),
    (">=3.11,!=3.12.*,!=3.13.*,!=3.11.*", MACHINE, "3.14"),
    ("<3.13", [python((3, 13, 15))], "3.12"),
    ("~=3.10.0", [python((3, 12, 14))], "3.10"),
])
def test_requires_python_that_nothing_here_matches_downloads_the_newest_minor_that_does(
        specifier, machine, download):
    assert choose(requires(specifier), machine) == Choice(None, None, (), download=download)


def test_a_specifier_only_a_patch_beyond_the_known_ones_matches_is_an_error_without_a_download():
    # ==3.12 is 3.12.0 in PEP 440, not "any 3.12"; the newest 3.12 uv knows is 3.12.14.
    assert raised(lambda: choose(requires("==3.12"), MACHINE)) == messages.no_python_for_specifier("==3.12", HERE)


def test_requires_python_unmatched_after_the_download_is_an_error_listing_what_is_here():
    assert raised(lambda: choose(requires(">=3.14"), MACHINE, may_download=False)) == \
        messages.no_python_for_specifier(">=3.14", HERE)


@pytest.mark.parametrize("specifier", [
    "3.12", "^3.12", ">=3.12,", ">= three", ">=3.12 <3.13", "", ">=3." + "1" * 5000, "=>3.12",
])
def test_a_malformed_specifier_is_refused(specifier):
    assert raised(lambda: choose(requires(specifier), MACHINE)) == messages.invalid_requires_python(specifier)
