"""Explain a failed collectstatic: the app's traceback is above; this names the cause and the fix.

Each cause is recognised by what Django, Python or the settings libraries print for it
(checked on Django 4.2 to 6.1).
"""

import re
from pathlib import Path

from buildpack.log import messages

_STATIC_ROOT = "You're using the staticfiles app without having set the STATIC_ROOT setting"
_NO_SETTINGS = re.compile(r"No Django settings specified\.\s*\nUnknown command: '?collectstatic'?")
_MISSING_FILE = re.compile(r"The (\w+) file '([^']+)' references a file which could not be found:\s+(\S+)")
_ENVIRONMENT = (
    # os.environ["NAME"]: a KeyError raised by os.environ's __getitem__
    re.compile(r"""(?:<frozen os>|os\.py)", line \d+, in __getitem__\n(?:[ \t].*\n)*KeyError: '(\w+)'"""),
    re.compile(r"ImproperlyConfigured: Set the (\w+) environment variable"),  # django-environ
    re.compile(r"UndefinedValueError: (\w+) not found\. Declare it as envvar"),  # python-decouple
)
_MODULE_NOT_FOUND = re.compile(r"ModuleNotFoundError: No module named '([\w.]+)'")


def explain(status, log, report, build_dir, folder):
    """The Message for a collectstatic (or its probe) that failed with this exit status and
    output, or exited with 0 before the command started; `folder` is where it ran, in words."""
    message = messages.exited_before_collectstatic() if status == 0 else _cause(log, report, build_dir)
    context = messages.collectstatic_context(report.get("settings_module"), folder, report.get("django"))
    return message._replace(body=f"{message.body}\n{context}")


def _cause(log, report, build_dir):
    settings = report.get("settings_module")
    if "No space left on device" in log:  # it writes STATIC_ROOT, in the build folder
        return messages.no_space_left(f"{build_dir}, the build folder")
    if _STATIC_ROOT in log:
        return messages.static_root_unset()
    if _NO_SETTINGS.search(log):
        return messages.no_settings_module()
    match = _MISSING_FILE.search(log)
    if match:
        kind, referencing, missing = match.groups()
        return messages.missing_static_file(kind, _source_file(referencing, report, build_dir), missing)
    for pattern in _ENVIRONMENT:
        match = pattern.search(log)
        if match:
            return messages.missing_environment_variable(match[1])
    missing = _MODULE_NOT_FOUND.findall(log)
    if missing:  # the last one is the error that stopped the command
        module = missing[-1]
        if settings and (settings == module or settings.startswith(module + ".")):
            return messages.settings_not_importable(settings)
        return messages.module_not_found(module)
    return messages.collectstatic_failed()


def _source_file(name, report, build_dir):
    """Where the static file `name` comes from, relative to the app, else `name` itself."""
    for folder in report.get("static_sources", []):
        path = Path(folder, name)
        if path.is_file() and path.is_relative_to(build_dir):
            return str(path.relative_to(build_dir))
    return name
