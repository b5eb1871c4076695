"""Python version selection: sources, precedence, fallbacks and every error the user can cause.

3.10 to 3.13 are on the test machines (tests/pythons.py); each is selected for real.
"""

import glob

import pytest

from buildpack.slug import stack
from tests import apps
from tests.conftest import errors, require, slug_python
from tests.pythons import require_python


@pytest.mark.parametrize("version", ["3.10", "3.11", "3.12", "3.13"])
def test_python_version_file_selects_the_slug_python(builder, tmp_path, version):
    require_python(version)
    apps.django_app(tmp_path, python_version=version)
    result = builder.compile(tmp_path, cache=f"cache-{version}")
    assert result.returncode == 0, result.log
    assert f"-----> Using Python {version} specified in .python-version\n" in result.stdout
    assert f"-----> Installing Python {version}." in result.stdout
    python = slug_python(result.build_dir, "--version")
    assert python.stdout.startswith(f"Python {version}.")
    django = slug_python(result.build_dir, "-c", "'import django, sys; print(sys.prefix)'")
    assert django.stdout.strip() == str(result.build_dir / ".heroku/python")


def test_crlf_bom_comments_and_blank_lines_are_tolerated(builder, tmp_path):
    apps.plain_app(tmp_path, {"requirements.txt": "gunicorn\n"})
    (tmp_path / ".python-version").write_bytes(b"\xef\xbb\xbf# pinned for prod\r\n\r\n  3.12  \r\n")
    result = builder.compile(tmp_path)
    assert result.returncode == 0, result.log
    assert "-----> Using Python 3.12 specified in .python-version\n" in result.stdout


def test_runtime_txt_works_with_a_deprecation_warning(builder, tmp_path):
    apps.write(tmp_path, {"app.py": "", "requirements.txt": "gunicorn\n", "runtime.txt": "python-3.12.1\n"})
    result = builder.compile(tmp_path)
    assert result.returncode == 0, result.log
    assert "-----> Using Python 3.12.1 specified in runtime.txt\n" in result.stdout
    assert " !     Warning: The runtime.txt file is deprecated." in result.stderr
    assert " !       $ echo 3.12 > .python-version && git rm runtime.txt" in result.stderr


def test_requires_python_picks_the_newest_matching_version(builder, tmp_path):
    require_python("3.12")
    apps.write(tmp_path, {"pyproject.toml": apps.pyproject(["gunicorn"], requires_python=">=3.11,<3.13"),
                          "app.py": ""})
    result = builder.compile(tmp_path)
    assert result.returncode == 0, result.log
    assert "-----> Using Python 3.12." in result.stdout
    assert "the newest available that matches >=3.11,<3.13 (requires-python in pyproject.toml)" in result.stdout


def test_no_version_uses_the_newest_available_and_warns(builder, tmp_path):
    apps.write(tmp_path, {"app.py": "", "requirements.txt": "gunicorn\n"})
    result = builder.compile(tmp_path)
    assert result.returncode == 0, result.log
    assert " !     Warning: No Python version was specified." in result.stderr
    assert "-----> No Python version was specified. Using Python 3." in result.stdout


def test_unavailable_patch_falls_back_to_the_newest_patch_of_its_minor(builder, tmp_path):
    apps.plain_app(tmp_path, {"requirements.txt": "gunicorn\n", ".python-version": "3.12.9\n"})
    result = builder.compile(tmp_path)
    assert result.returncode == 0, result.log
    assert " !     Warning: Python 3.12.9 isn't available on this build machine; using Python 3.12." in result.stderr
    assert slug_python(result.build_dir, "--version").stdout.startswith("Python 3.12.")


# Every version error: (file name, content, the error's first line, a line of its body).
VERSION_ERRORS = [
    (".python-version", "3.12.x\n", "Invalid Python version in .python-version.",
     "Line 1 of .python-version is '3.12.x', which is not a Python version."),
    (".python-version", "# prod\npython3.12\n", "Invalid Python version in .python-version.",
     "Line 2 of .python-version is 'python3.12', which is not a Python version."),
    (".python-version", "3.12\n3.13\n", "Multiple Python versions found in .python-version.",
     "line 2: 3.13"),
    (".python-version", "\n# nothing here\n", "No Python version found in .python-version.",
     "$ echo 3.13 > .python-version"),
    (".python-version.txt", "3.12\n", "The Python version file is named '.python-version.txt', which is not a name the build reads.",
     "$ git mv '.python-version.txt' .python-version"),
    ("runtime.text", "python-3.12.1\n", "The Python version file is named 'runtime.text', which is not a name the build reads.",
     "Rename it to .python-version"),
    (".python-version", "3.9\n", "The requested Python version has reached end-of-life.",
     "Supported Python versions: 3.10 to 3.14."),
    (".python-version", "3.8.18\n", "The requested Python version has reached end-of-life.",
     ".python-version asks for Python 3.8.18"),
    (".python-version", "2.7\n", "The requested Python version has reached end-of-life.",
     "Supported Python versions: 3.10 to 3.14."),
    (".python-version", "3.999\n", "The requested Python version 3.999 doesn't exist.",
     "Available on this build machine: 3."),
    (".python-version", "3.12.999\n", "The requested Python version 3.12.999 doesn't exist.",
     "Supported Python versions: 3.10 to 3.14."),
    ("runtime.txt", "3.12.1\n", "Invalid Python version in runtime.txt.",
     "Write a version such as python-3.13.1."),
    ("runtime.txt", "\n", "No Python version found in runtime.txt.", "$ echo python-3.13 > runtime.txt"),
]


@pytest.mark.parametrize("name,content,title,body", VERSION_ERRORS,
                         ids=[f"{name}:{content.strip()!r}" for name, content, _, _ in VERSION_ERRORS])
def test_version_errors_name_the_file_and_line_and_exit_non_zero(builder, tmp_path, name, content, title, body):
    apps.django_app(tmp_path, python_version=None)
    (tmp_path / name).write_text(content)
    result = builder.compile(tmp_path)
    assert result.returncode == 1
    assert f" !     Error: {title}\n" in result.stderr
    assert body in result.stderr
    assert "Traceback" not in result.log


def test_utf16_version_file_is_unreadable_not_a_crash(builder, tmp_path):
    apps.django_app(tmp_path, python_version=None)
    (tmp_path / ".python-version").write_bytes("3.12\n".encode("utf-16"))
    result = builder.compile(tmp_path)
    assert result.returncode == 1
    assert " !     Error: Unable to read .python-version: it is not UTF-8 text." in result.stderr


def test_a_binary_runtime_txt_is_shown_an_example_runtime_txt_accepts(builder, tmp_path):
    apps.django_app(tmp_path, python_version=None)
    (tmp_path / "runtime.txt").write_bytes(b"\xff\xfe\x00\x01")
    result = builder.compile(tmp_path)
    assert result.returncode == 1
    assert " !     Error: Unable to read runtime.txt: it is not UTF-8 text." in result.stderr
    assert " !       $ echo python-3.13 > runtime.txt\n" in result.stderr


@pytest.mark.parametrize("name", [".python-version", "runtime.txt"])
def test_a_version_file_that_is_a_folder_is_an_error_not_an_unpinned_build(builder, tmp_path, name):
    apps.django_app(tmp_path, python_version=None)
    (tmp_path / name).mkdir()
    (tmp_path / name / "3.12").write_text("")
    result = builder.compile(tmp_path)
    assert result.returncode == 1
    assert f" !     Error: {name} is a folder, not a file.\n" in result.stderr
    assert "No Python version was specified" not in result.log


# A 10 MB version file: what the log quotes of it stays a few lines long.
LONG_VERSION_FILES = [
    ("3" * 10_000_000 + "\n", f"Line 1 of .python-version is '{'3' * 200}...', which is not a Python version."),
    ("3.12\n" * 2_000_000, " !       line 5: 3.12\n !       ... and 1999995 more\n"),
    ("3." + "1" * 5000 + "\n", f"Line 1 of .python-version is '3.{'1' * 198}...', which is not a Python version."),
]


@pytest.mark.parametrize("content,shown", LONG_VERSION_FILES, ids=["one long line", "many lines", "long number"])
def test_a_huge_version_file_is_quoted_in_part(builder, tmp_path, content, shown):
    apps.django_app(tmp_path, python_version=None)
    (tmp_path / ".python-version").write_text(content)
    result = builder.compile(tmp_path)
    assert result.returncode == 1
    assert shown in result.stderr
    assert len(result.log) < 2000


def test_minor_without_any_interpreter_lists_what_can_be_used(builder, tmp_path):
    apps.django_app(tmp_path, python_version="3.14")
    result = builder.compile(tmp_path)
    if result.returncode == 0:  # Python 3.14 is on this machine, or uv could download it
        assert "-----> Using Python 3.14 specified in .python-version" in result.stdout
        return
    assert " !     Error: Python 3.14 isn't available on this build machine." in result.stderr
    assert " !     Available on this build machine: " in result.stderr


def test_a_machine_with_only_the_distribution_python_builds_a_working_slug(builder, tmp_path):
    """A fresh Debian machine: no pyenv, no uv Pythons, only /usr/bin/python3.X."""
    system = sorted(glob.glob("/usr/bin/python3.1[0-9]"))
    require(system, "no distribution Python 3.10+ in /usr/bin: install Debian's python3")
    version = system[-1].rsplit("python", 1)[1]
    home = tmp_path / "home"
    home.mkdir()
    apps.django_app(tmp_path / "app", python_version=version)
    result = builder.compile(tmp_path / "app", cache="cache-system",
                             env={"HOME": str(home), "PATH": "/usr/bin:/bin", "PYENV_ROOT": ""})
    assert result.returncode == 0, result.log
    assert f" !     Note: Using the system's Python {version}." in result.stderr
    assert stack.distribution_python(result.build_dir) == system[-1]  # what an image's base needs
    moved = tmp_path / "moved"
    result.build_dir.rename(moved)
    check = slug_python(moved, "-c", "'import django, sys; print(sys.prefix)'")
    assert check.stdout.strip() == f"{moved}/.heroku/python"


def test_requires_python_that_nothing_here_matches_lists_what_can_be_used(builder, tmp_path):
    apps.write(tmp_path, {"app.py": "", "pyproject.toml": apps.pyproject(["six"], requires_python=">=3.14")})
    result = builder.compile(tmp_path)
    if result.returncode == 0:  # Python 3.14 is here, or uv could download it
        assert "-----> Using Python 3.14." in result.stdout
        return
    assert "-----> Downloading Python 3.14 with uv" in result.stdout
    assert " !     Error: No available Python version matches requires-python in pyproject.toml." in result.stderr
    assert " !     Available on this build machine: 3." in result.stderr


def test_a_huge_number_in_requires_python_is_an_invalid_specifier(builder, tmp_path):
    specifier = ">=3." + "1" * 5000
    apps.write(tmp_path, {"app.py": "", "pyproject.toml": apps.pyproject(["six"], requires_python=specifier)})
    result = builder.compile(tmp_path)
    assert result.returncode == 1
    assert " !     Error: Invalid requires-python in pyproject.toml.\n" in result.stderr
    assert f" !     '{specifier[:200]}...' is not a version specifier." in result.stderr


def test_no_version_without_python_3_14_here_uses_the_newest_available(builder, tmp_path):
    """The default, 3.14, is neither on this machine nor downloadable here: the newest there is."""
    newest = require_python("3.13")
    apps.write(tmp_path, {"app.py": "", "requirements.txt": "six\n"})
    result = builder.compile(tmp_path, cache="cache-default")
    assert result.returncode == 0, result.log
    if "-----> No Python version was specified. Using Python 3.14." in result.stdout:  # here, or downloaded
        assert result.stdout.count(", the default\n") == 1
        assert " !     Using Python 3.14, the buildpack's default. A later buildpack may change the default,\n" \
            in result.stderr
        return
    assert "-----> Downloading Python 3.14 with uv\n       Not downloaded (" in result.stdout  # quietly
    shown = ".".join(map(str, newest.version))
    assert f"-----> No Python version was specified. Using Python {shown}\n" in result.stdout
    assert " !     Using the newest supported version available, Python 3.13. A new build may pick a\n" \
        in result.stderr


def test_a_free_threaded_version_is_refused_before_anything_is_installed(builder, tmp_path):
    apps.django_app(tmp_path, python_version="3.14t")
    result = builder.compile(tmp_path)
    assert result.returncode == 1
    assert errors(result) == [
        "Error: Free-threaded Python is not supported: line 1 of .python-version is '3.14t'.",
        "",
        "That is the free-threaded build of Python 3.14, which the build does not provide",
        "(its interpreters and packages are the standard builds, with the GIL).",
        "Use 3.14; free-threaded builds are not supported. Change line 1 of .python-version to:",
        "  3.14",
    ]
    assert "Installing" not in result.stdout and "Traceback" not in result.log
