"""The Django steps of a build, once the app's packages are installed: a warning when the app
would have no web process, then collectstatic."""

import re

from buildpack import collectstatic, messages, slug
from buildpack.output import warning

_PROCFILE_WEB = re.compile(r"^\s*web\s*:", re.MULTILINE)


def run(ctx, project):
    if not slug.has_package(ctx.build_dir, "django"):
        return
    if project is not None and not slug.has_package(ctx.build_dir, "gunicorn") and not _procfile_has_web(ctx.build_dir):
        warning(messages.no_web_process_without_gunicorn(project.wsgi_module or "mysite.wsgi"))
    collectstatic.run(ctx, project)


def _procfile_has_web(build_dir):
    procfile = build_dir / "Procfile"
    return procfile.is_file() and bool(_PROCFILE_WEB.search(procfile.read_text(errors="replace")))
