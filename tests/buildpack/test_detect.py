"""bin/detect: Django, plain Python, or not a Python project at all."""

from tests import apps
from tests.conftest import run_bin


def test_django_app_is_detected_as_django(tmp_path):
    apps.django_app(tmp_path)
    result = run_bin("detect", tmp_path)
    assert (result.returncode, result.stdout) == (0, "Django\n")


def test_nested_django_app_is_detected_as_django(tmp_path):
    apps.django_app(tmp_path, subdir="backend", requirements=None, python_version=None)
    apps.write(tmp_path, {"requirements.txt": "flask\n"})  # only manage.py says Django
    assert run_bin("detect", tmp_path).stdout == "Django\n"


def test_django_in_requirements_without_manage_py_is_django(tmp_path):
    apps.write(tmp_path, {"requirements.txt": "Django>=5.2\ngunicorn\n"})
    assert run_bin("detect", tmp_path).stdout == "Django\n"


def test_django_environ_alone_is_not_django(tmp_path):
    apps.write(tmp_path, {"requirements.txt": "django-environ\nflask\n"})
    assert run_bin("detect", tmp_path).stdout == "Python\n"


def test_plain_python_app_is_detected_as_python(tmp_path):
    apps.write(tmp_path, {"requirements.txt": "flask\n", "app.py": "print('hi')\n"})
    result = run_bin("detect", tmp_path)
    assert (result.returncode, result.stdout) == (0, "Python\n")


def test_pyproject_only_is_python(tmp_path):
    apps.write(tmp_path, {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["flask"]\n'})
    assert run_bin("detect", tmp_path).stdout == "Python\n"


def test_a_requirements_txt_of_a_million_blank_lines_is_read_in_linear_time(tmp_path):
    """The Django pattern once backtracked over every blank line at every line start."""
    apps.write(tmp_path, {"requirements.txt": "\n" * 1_000_000 + "django" + " " * 1_000_000 + "x\nDjango\n"})
    assert run_bin("detect", tmp_path).stdout == "Django\n"


def test_folder_without_python_files_is_refused_with_what_was_looked_for(tmp_path):
    apps.write(tmp_path, {"index.html": "<h1>hi</h1>", "package.json": "{}"})
    result = run_bin("detect", tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("No Python project found: looked for requirements.txt, ")
    assert "manage.py" in result.stderr and "pyproject.toml" in result.stderr
