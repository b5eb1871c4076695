"""The app pins its Python in `.python-version`, the first place the build looks."""

from buildpack import slug
from buildpack.log.output import BuildError
from buildpack.python import version
from runtime import messages
from runtime.checks import FAIL, PASS, WARN, Finding


def check(app):
    try:
        request, _ = version.requested_version(app.root)
    except BuildError as error:
        yield Finding(FAIL, *messages.python_version_unreadable(error.message.title, error.message.body))
        return
    if request.origin == ".python-version":
        yield Finding(PASS, messages.python_version_pinned(version.dotted(request.version)))
        return
    yield Finding(WARN, *messages.python_version_file_missing(request.origin, suggested_minor(app.root, request)))


def suggested_minor(root, request):
    """The Python to pin, as "3.X": the one a built slug runs on, else the one the build would
    take: runtime.txt's, the newest that requires-python allows, or the default."""
    packages = slug.site_packages(root)
    if packages is not None:
        return packages.parent.name.removeprefix("python")
    if request.version:
        return version.dotted(request.version[:2])
    if request.specifier:
        clauses = version._parse_specifier(request.specifier)
        allowed = [minor for minor in sorted(version.LATEST_PATCH, reverse=True)
                   if version._satisfies((*minor, version.LATEST_PATCH[minor]), clauses)]
        if allowed:
            return version.dotted(allowed[0])
    return version.dotted(version.DEFAULT_MINOR)
