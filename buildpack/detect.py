"""bin/detect: is this a Python project, and is it a Django one?

Detection is deliberately broad (any Python-looking file), so that a half-configured
project gets a precise error from compile instead of a vague "not compatible".
"""

import re
from pathlib import Path

from buildpack.django import discovery
from buildpack.log.output import BuildError

PYTHON_FILES = (
    "requirements.txt", "requirements.in", "pyproject.toml", "setup.py", "setup.cfg",
    "Pipfile", "Pipfile.lock", "poetry.lock", "uv.lock", "manage.py", ".python-version",
    "runtime.txt", "app.py", "main.py", "wsgi.py", "__init__.py",
    # Common misspellings: detected so that compile can name the mistake.
    "requirement.txt", "requirements", "requirments.txt", "Requirements.txt",
)

# "Django" as a requirement line, a quoted pyproject/Pipfile entry; not django-environ & co.
# Spaces and tabs only, never a newline, and one run of them between "django" and what
# follows: the search stays linear in the file's size (`\s*` twice was quadratic).
_DJANGO_REQUIREMENT = re.compile(r"""^[ \t]*["']?django[ \t]*(?:\[[^\]\n]*\][ \t]*)?(?:[<>=!~;@#"',]|$)""",
                                 re.IGNORECASE | re.MULTILINE)


def framework(app_dir):
    """"Django", "Python", or None when nothing here looks like Python."""
    app_dir = Path(app_dir)
    try:
        if discovery.find_manage_py(app_dir, {}) is not None:
            return "Django"
    except BuildError:  # several manage.py: still a Django project; compile explains the rest
        return "Django"
    for name in ("requirements.txt", "requirements.in", "pyproject.toml", "Pipfile"):
        path = app_dir / name
        if path.is_file() and _DJANGO_REQUIREMENT.search(path.read_text(errors="replace")):
            return "Django"
    if any((app_dir / name).exists() for name in PYTHON_FILES):
        return "Python"
    return None
