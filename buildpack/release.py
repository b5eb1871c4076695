"""bin/release: the YAML that tells the host about the app's default process types.

A Django app with gunicorn installed gets a default `web` (hosts use it only where the
Procfile has no `web` of its own). Compile decides it, when the config vars it depends on
(DJANGO_MANAGE_PY ...) are known, and leaves it in the slug for bin/release to print.
The YAML is written (`render`) and read back (`process_types`, by `runtime build`) here only.
"""

import json
import shlex
from pathlib import Path

from buildpack import slug

RELEASE_FILE = Path(".heroku") / "release.yml"


def web_command(build_dir, project):
    """The default web command for this slug, or None."""
    if project is None or project.wsgi_module is None or not slug.has_package(build_dir, "gunicorn"):
        return None
    chdir = "" if str(project.root) == "." else f" --chdir {shlex.quote(str(project.root))}"
    return f"gunicorn {project.wsgi_module}{chdir} --bind 0.0.0.0:$PORT"


def write(build_dir, project):
    web = web_command(build_dir, project)
    (Path(build_dir) / RELEASE_FILE).write_text(render({"web": web} if web else {}))
    return web


def yaml(build_dir):
    path = Path(build_dir) / RELEASE_FILE
    return path.read_text() if path.is_file() else render({})


def render(process_types):
    """The release YAML for these default process types ({name: command})."""
    if not process_types:
        return "--- {}\n"
    # JSON strings are valid YAML scalars, whatever the command contains.
    return "---\ndefault_process_types:\n" + "".join(
        f"  {name}: {json.dumps(command)}\n" for name, command in process_types.items())


def process_types(text):
    """The default process types ({name: command}) of release YAML that `render` wrote."""
    types, inside = {}, False
    for line in text.splitlines():
        if line.startswith("default_process_types:"):
            inside = True
        elif inside and line.startswith("  ") and ":" in line:
            name, _, command = line.strip().partition(":")
            types[name] = json.loads(command.strip())
        else:
            inside = False
    return types
