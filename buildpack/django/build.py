"""The Django steps of a build, once the app's packages are installed: Django must be among
them, a warning when the app would have no web process, then collectstatic."""

from buildpack import release, slug
from buildpack.django import collectstatic
from buildpack.log import messages
from buildpack.log.output import BuildError, warning
from buildpack.slug import procfile

EXAMPLE_WSGI_MODULE = "mysite.wsgi"


def run(ctx, project, manifest):
    if not slug.has_package(ctx.build_dir, "django"):
        if project is not None and _runs_django(ctx.build_dir / project.manage_py):
            # Every process would fail on `import django`: a build that succeeded would hide it.
            raise BuildError(messages.django_not_installed(str(project.manage_py), str(manifest.path)))
        return
    no_default_web = project is not None and release.default_web(ctx.build_dir, project) is None
    if no_default_web and not _procfile_has_web(ctx.build_dir):
        warning(_no_web_process(ctx.build_dir, project))
    collectstatic.run(ctx, project)


def _runs_django(manage_py):
    """Django's manage.py, not another tool's (Flask-Script had one)."""
    return "django" in manage_py.read_text(errors="replace").lower()


def _no_web_process(build_dir, project):
    """The warning for a Django app that gets no default web process, saying why."""
    servers = release.installed_servers(release.installed_packages(build_dir))
    if not servers:
        return messages.no_web_process_without_gunicorn(project.wsgi_module or EXAMPLE_WSGI_MODULE)
    if project.wsgi_module is None and project.asgi_module is None:
        return messages.no_web_process_without_wsgi_module(EXAMPLE_WSGI_MODULE)
    asgi = project.asgi_module and release.attribute_target(project.asgi_module)
    return messages.no_web_process_for_modules(servers, project.wsgi_module, asgi)


def _procfile_has_web(build_dir):
    path = build_dir / "Procfile"
    return path.is_file() and "web" in procfile.parse(path.read_text(errors="replace")).entries
