"""The slug: where things live in it, its Procfile (procfile) and the environment its processes
start with (profile_d).

The layout matches Heroku's Python buildpack, so hooks and scripts written for it
(`.heroku/python/bin/python ...`) keep working."""

from pathlib import Path, PurePosixPath

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


STATIC_ROOT_RECORD = Path(".heroku") / "static-root"  # one line: STATIC_ROOT, relative to the slug


def record_static_root(build_dir, folder):
    """Note where collectstatic put the static files (an absolute path in the build folder), for
    tools that treat them apart (`runtime image` gives them their own layer)."""
    build_dir = Path(build_dir)
    (build_dir / STATIC_ROOT_RECORD).write_text(f"{Path(folder).relative_to(build_dir)}\n")


def static_root(slug_dir):
    """The slug's STATIC_ROOT, relative (a PurePosixPath), or None when collectstatic did not run."""
    try:
        text = (Path(slug_dir) / STATIC_ROOT_RECORD).read_text().strip()
    except (OSError, UnicodeDecodeError):
        return None
    return PurePosixPath(text) if text and not text.startswith("/") and ".." not in text.split("/") else None
