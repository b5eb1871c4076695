"""Find a Django project's manage.py, settings module and WSGI and ASGI entry points, without
running it.

manage.py: the `DJANGO_MANAGE_PY` config var, else the root one, else the single shallowest
one within three levels. Settings module: the `DJANGO_SETTINGS_MODULE` config var, else the
default manage.py sets, else the one wsgi.py sets. WSGI module: the `WSGI_APPLICATION`
setting, else `<project>/wsgi.py`; ASGI module the same way, from `ASGI_APPLICATION` and
`<project>/asgi.py`.
"""

import os
import re
from collections import namedtuple
from pathlib import Path

from buildpack import config_vars
from buildpack.log import messages
from buildpack.log.output import BuildError

MAX_DEPTH = 3
SKIPPED_DIRS = {".git", ".hg", ".heroku", ".venv", "venv", "env", "node_modules", "site-packages",
                "staticfiles", "__pycache__", ".tox", ".runtime"}

_SETTINGS_DEFAULT = re.compile(
    r"""os\.environ(?:\.setdefault\(\s*|\[\s*)['"]DJANGO_SETTINGS_MODULE['"]\s*(?:,|\]\s*=)\s*['"]([\w.]+)['"]""")
_APPLICATION_SETTING = r"""^{name}\s*=\s*['"]([\w.]+)['"]"""
_WSGI_SETTING = re.compile(_APPLICATION_SETTING.format(name="WSGI_APPLICATION"), re.MULTILINE)
_ASGI_SETTING = re.compile(_APPLICATION_SETTING.format(name="ASGI_APPLICATION"), re.MULTILINE)

# root: the folder of manage.py, relative to the app ("." at the root). wsgi_module and
# asgi_module as servers take them (`pkg.wsgi`, or `pkg.wsgi:attr`), or None.
Project = namedtuple("Project", "root manage_py settings_module wsgi_module asgi_module")


def discover(app_dir, config):
    """(Project or None when there is no manage.py, warnings to show in the build log)."""
    app_dir = Path(app_dir)
    manage_py = find_manage_py(app_dir, config)
    if manage_py is None:
        return None, []
    root = manage_py.parent
    warnings = []
    from_manage = _settings_default(app_dir / manage_py)
    wsgi_files = sorted((app_dir / root).glob("*/wsgi.py"))
    from_wsgi = {path: _settings_default(path) for path in wsgi_files}
    settings = config.get("DJANGO_SETTINGS_MODULE") or from_manage
    if not settings:
        settings = next((value for value in from_wsgi.values() if value), None)
    if from_manage:
        for path, value in from_wsgi.items():
            if value and value != from_manage:
                warnings.append(messages.settings_disagree(
                    str(manage_py), from_manage, str(path.relative_to(app_dir)), value))
    wsgi = _entry_module(app_dir / root, settings, _WSGI_SETTING, "wsgi")
    asgi = _entry_module(app_dir / root, settings, _ASGI_SETTING, "asgi")
    return Project(root, manage_py, settings, wsgi, asgi), warnings


def find_manage_py(app_dir, config):
    """manage.py relative to the app, or None."""
    chosen = config_vars.path_in_app(app_dir, config, "DJANGO_MANAGE_PY")
    if chosen:
        if not os.path.isfile(chosen):  # False for a name too long to be a file, too
            raise BuildError(messages.manage_py_var_missing(config["DJANGO_MANAGE_PY"]))
        return chosen.relative_to(app_dir)
    level, folders = [app_dir], []
    for _ in range(MAX_DEPTH + 1):
        found = sorted(d / "manage.py" for d in level if (d / "manage.py").is_file())
        if len(found) == 1:
            return found[0].relative_to(app_dir)
        if found:
            raise BuildError(messages.several_manage_py([str(p.relative_to(app_dir)) for p in found]))
        children = [child for folder in level for child in sorted(_subdirs(folder))]
        folders += [child for child in children if child.name == "manage.py"]
        level = [child for child in children
                 if child.name not in SKIPPED_DIRS and not child.name.startswith(".")]
    if folders:  # a manage.py that cannot be run: say so rather than build without Django's steps
        raise BuildError(messages.folder_not_file(str(folders[0].relative_to(app_dir)),
                                                  "the Django project's manage.py"))
    return None


def _subdirs(folder):
    try:
        return [child for child in folder.iterdir() if child.is_dir()]
    except OSError:
        return []


def _settings_default(path):
    try:
        match = _SETTINGS_DEFAULT.search(path.read_text(errors="replace"))
    except OSError:
        return None
    return match.group(1) if match else None


def _entry_module(root, settings, setting, name):
    """The WSGI (name "wsgi") or ASGI ("asgi") module as gunicorn takes it (`pkg.wsgi`, or
    `pkg.wsgi:attr`): from the setting, else `<project>/<name>.py`; or None."""
    if settings:
        for path in settings_files(root, settings):
            assigned = setting.findall(path.read_text(errors="replace"))
            if assigned:  # the last assignment is the one that counts
                module, _, attribute = assigned[-1].rpartition(".")
                return module if attribute == "application" else f"{module}:{attribute}"
        project = settings.split(".")[0]
        if (root / project / f"{name}.py").is_file():
            return f"{project}.{name}"
    candidates = sorted(root.glob(f"*/{name}.py"))
    if len(candidates) == 1:
        return f"{candidates[0].parent.name}.{name}"
    return None


def settings_files(root, settings):
    """The settings module's file, then the other modules of its package (base.py ...)."""
    path = root.joinpath(*settings.split("."))
    module = path.with_suffix(".py")
    if module.is_file():
        return [module] + sorted(p for p in module.parent.glob("*.py") if p != module)
    if (path / "__init__.py").is_file():
        return sorted(path.glob("*.py"))
    return []
