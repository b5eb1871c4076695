"""The slug: where things live in it, its Procfile (procfile) and the environment its processes
start with (profile_d).

The layout matches Heroku's Python buildpack, so hooks and scripts written for it
(`.heroku/python/bin/python ...`) keep working."""

from pathlib import Path

PYTHON_HOME = Path(".heroku") / "python"


def python_home(build_dir):
    return Path(build_dir) / PYTHON_HOME


def python(build_dir, version):
    """The slug's python executable, for a Python (major, minor, ...) version."""
    return python_home(build_dir) / "bin" / f"python{version[0]}.{version[1]}"


def site_packages(build_dir):
    """The slug's site-packages folder, or None before Python is installed."""
    return next(iter(sorted(python_home(build_dir).glob("lib/python3.*/site-packages"))), None)


def has_package(build_dir, name):
    packages = site_packages(build_dir)
    if packages is None:
        return False
    wanted = name.lower().replace("-", "_")
    return any(p.name.lower().startswith(wanted + "-") for p in packages.glob("*.dist-info"))
