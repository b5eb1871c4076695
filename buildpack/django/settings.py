"""What the build learns from the app's settings, by running its manage.py.

Settings can't be read reliably from their text (manage.py may edit sys.path, settings import
other modules and read the environment), so manage.py runs through `inspector.py`,
which reports what Django saw when the command exits: learning it costs no start-up of its own.
"""

import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from buildpack.django import discovery
from buildpack.log import messages, output

INSPECTOR = Path(__file__).with_name("inspector.py")
SECURITY_MIDDLEWARE = "django.middleware.security.SecurityMiddleware"
WHITENOISE_MIDDLEWARE = "whitenoise.middleware.WhiteNoiseMiddleware"


@dataclass
class ManagePyRun:
    status: int
    output: str  # stdout and stderr, merged
    report: dict  # what inspector.py reported; {} when it could not


def run_manage_py(python, manage_py, args, env, scratch_dir, show=True, deploy_checks=False, time_limit=None):
    """Run `python manage.py ARGS` in manage.py's folder; its output is shown as it comes
    when `show`. `deploy_checks` adds the findings of `check --deploy` to the report; the
    command is stopped after `time_limit` seconds (see output.run)."""
    manage_py = Path(manage_py)
    with tempfile.NamedTemporaryFile(dir=scratch_dir, suffix=".json") as report_file:
        command = [str(python), str(INSPECTOR), *(["--deploy-checks"] if deploy_checks else []),
                   report_file.name, manage_py.name, *args]
        status, text = output.run(command, env=env, cwd=manage_py.parent, show=show, time_limit=time_limit,
                                  name=f"python manage.py {' '.join(args)}")
        try:
            report = json.loads(Path(report_file.name).read_text() or "{}")
        except ValueError:
            report = {}
    return ManagePyRun(status, text, report)


def static_warnings(facts, collectstatic_skipped):
    """Warnings, each with its fix, about settings that break static files in production."""
    found = []
    if facts.get("staticfiles") and facts.get("static_local") and "middleware" in facts:
        middleware = facts["middleware"]
        if WHITENOISE_MIDDLEWARE not in middleware:
            found.append(messages.whitenoise_missing())
        elif (SECURITY_MIDDLEWARE in middleware
              and middleware.index(WHITENOISE_MIDDLEWARE) < middleware.index(SECURITY_MIDDLEWARE)):
            found.append(messages.whitenoise_above_security())
    legacy = facts.get("staticfiles_storage_setting")
    if legacy and _django_version(facts) >= (5, 1):
        found.append(messages.staticfiles_storage_ignored(facts["django"], legacy))
    if facts.get("storages_have_default") is False:
        found.append(messages.storages_without_default())
    if collectstatic_skipped and facts.get("manifest"):
        found.append(messages.manifest_storage_without_collectstatic())
    return found


def facts_from_text(build_dir, project):
    """The one fact that matters when settings don't import: is manifest storage configured?"""
    if not project.settings_module:
        return {}
    files = discovery.settings_files(Path(build_dir) / project.root, project.settings_module)
    text = "".join(path.read_text(errors="replace") for path in files)
    return {"manifest": "ManifestStaticFilesStorage" in text}


def _django_version(facts):
    match = re.match(r"(\d+)\.(\d+)", facts.get("django") or "")
    return (int(match[1]), int(match[2])) if match else (0, 0)
