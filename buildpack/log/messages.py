"""Every error, warning and note of the build, in one place.

These texts are a contract: tests assert them and users search for them. Each message is
a title (one sentence, ending with a period) and a body that says what to do.
"""

import json
import shlex
from collections import namedtuple

Message = namedtuple("Message", "title body")

QUOTED_LENGTH = 200  # of a bad value, at most this much of its first line is quoted
LISTED_LINES = 5  # of bad lines, at most this many are listed


def excerpt(value):
    """A value the user controls, as a message quotes it: its first line, at most QUOTED_LENGTH
    characters of it ("..." marks a cut), unprintable characters as U+FFFD. A 10 MB file makes
    no 10 MB log, and nothing it holds can garble a terminal."""
    line, _, rest = str(value).partition("\n")
    line = line.removesuffix("\r")
    shown = "".join(c if c.isprintable() else "\ufffd" for c in line[:QUOTED_LENGTH])
    return shown + ("..." if len(line) > QUOTED_LENGTH or rest else "")


def _versions(choices):
    supported, here = choices
    available = ", ".join(here) if here else "none"
    return (f"Supported Python versions: {supported}.\n"
            f"Available on this build machine: {available}.")


# --- Python version -------------------------------------------------------------------

def misspelled_version_file(name):
    return Message(
        f"The Python version file is named {name!r}, which is not a name the build reads.",
        f"Rename it to .python-version (containing a version such as 3.13), for example:\n"
        f"  $ git mv {name!r} .python-version",
    )


def unreadable_version_file(name, sample):
    return Message(
        f"Unable to read {name}: it is not UTF-8 text.",
        f"Save {name} as plain UTF-8 (some Windows editors write UTF-16), for example:\n"
        f"  $ echo {sample} > {name}",
    )


def empty_version_file(name, sample):
    return Message(
        f"No Python version found in {name}.",
        f"{name} is empty or only has comments. Put the version on its own line, for example:\n"
        f"  $ echo {sample} > {name}",
    )


def several_versions(name, lines):
    listed = "\n".join(f"  line {number}: {excerpt(text)}" for number, text in lines[:LISTED_LINES])
    if len(lines) > LISTED_LINES:
        listed += f"\n  ... and {len(lines) - LISTED_LINES} more"
    return Message(
        f"Multiple Python versions found in {name}.",
        f"{name} must contain one version, but has {len(lines)}:\n{listed}\n"
        "Keep only the version the app should use (a major version such as 3.13 is recommended).",
    )


def invalid_version(name, number, line, example):
    return Message(
        f"Invalid Python version in {name}.",
        f"Line {number} of {name} is {excerpt(line)!r}, which is not a Python version.\n"
        f"Write a version such as {example}.",
    )


def invalid_requires_python(specifier):
    return Message(
        "Invalid requires-python in pyproject.toml.",
        f"{excerpt(specifier)!r} is not a version specifier. Use PEP 440 clauses such as \">=3.12\" or\n"
        "\"~=3.13\", or pin a version in a .python-version file (for example: 3.13).",
    )


def runtime_txt_deprecated(minor):
    return Message(
        "The runtime.txt file is deprecated.",
        "Specify the Python version in a .python-version file instead, for example:\n"
        f"  $ echo {minor} > .python-version && git rm runtime.txt",
    )


def runtime_txt_ignored():
    return Message(
        "runtime.txt is ignored because .python-version exists.",
        ".python-version takes precedence. Delete runtime.txt to avoid confusion:\n"
        "  $ git rm runtime.txt",
    )


def no_version_specified(minor):
    return Message(
        "No Python version was specified.",
        f"Using the newest supported version available, Python {minor}. A new build may pick a\n"
        "different version when one becomes available, so pin the version your app uses:\n"
        f"  $ echo {minor} > .python-version",
    )


def end_of_life(shown, origin, supported):
    return Message(
        "The requested Python version has reached end-of-life.",
        f"{origin} asks for Python {shown}, which no longer receives security updates and is not\n"
        f"supported. Supported Python versions: {supported}. Upgrade your app and update {origin}.",
    )


def unknown_version(shown, origin, choices):
    return Message(
        f"The requested Python version {shown} doesn't exist.",
        f"{origin} asks for Python {shown}, which is not a released or supported version.\n"
        f"{_versions(choices)}\nUse one of these in {origin}.",
    )


def version_unavailable(shown, origin, choices):
    return Message(
        f"Python {shown} isn't available on this build machine.",
        f"{origin} asks for Python {shown}: it is not installed here (pyenv, uv or /usr/local)\n"
        f"and could not be downloaded with uv.\n{_versions(choices)}",
    )


def patch_unavailable(shown, chosen, origin):
    return Message(
        f"Python {shown} isn't available on this build machine; using Python {chosen}.",
        f"{origin} asks for an exact patch version. Pin only the major version (for example\n"
        f"{'.'.join(shown.split('.')[:2])}) to always get the newest patch available.",
    )


def system_python(version, executable):
    return Message(
        f"Using the system's Python {version} ({executable}).",
        "The slug gets a virtual environment on top of it, so it runs where the same Python is\n"
        "installed at the same place (the same machine or image). For a self-contained slug that\n"
        "runs anywhere, install Python with pyenv or uv on the build machine.",
    )


def no_python_for_specifier(specifier, choices):
    return Message(
        "No available Python version matches requires-python in pyproject.toml.",
        f"requires-python is {excerpt(specifier)!r}.\n{_versions(choices)}\n"
        "Widen requires-python, or pin a version in a .python-version file.",
    )


def no_python_available(choices):
    return Message(
        "No supported Python version is available on this build machine.",
        f"{_versions(choices)}\nInstall one (for example with pyenv or uv), or allow uv to download one.",
    )


def invalid_toml(name, reason):
    return Message(
        f"Unable to parse {name}.",
        f"{name} is not valid TOML: {excerpt(reason)}.\nFix the file (any TOML linter shows the exact problem).",
    )


def toml_not_utf8(name, line):
    return Message(
        f"{name} is not valid UTF-8 text.",
        f"Its first invalid byte is on line {line}; the build reads each as U+FFFD (\ufffd). Save\n"
        f"{name} as UTF-8 so that the build reads what you wrote.",
    )


def invalid_pyproject(problem):
    return Message(
        "Invalid pyproject.toml.",
        f"In pyproject.toml, {problem}. Fix the [project] table (its format is described at\n"
        "https://packaging.python.org/en/latest/specifications/pyproject-toml/).",
    )


# --- Django discovery -----------------------------------------------------------------

def several_manage_py(paths):
    listed = "\n".join(f"  - {path}" for path in paths)
    return Message(
        "Multiple manage.py files found at the same depth.",
        f"The build cannot tell which Django project to use:\n{listed}\n"
        "Set the DJANGO_MANAGE_PY config var to the one to use, for example:\n"
        f"  DJANGO_MANAGE_PY={paths[0]}",
    )


def manage_py_var_missing(chosen):
    return Message(
        f"DJANGO_MANAGE_PY is set to {excerpt(chosen)!r}, but there is no such file.",
        "Set it to the path of manage.py relative to the root of the app, or unset it to let the\n"
        "build find manage.py itself.",
    )


def settings_disagree(manage_py, from_manage, wsgi_py, from_wsgi):
    return Message(
        "manage.py and wsgi.py default to different settings modules.",
        f"{manage_py} uses {excerpt(from_manage)!r} but {wsgi_py} uses {excerpt(from_wsgi)!r}: the build and the\n"
        "release phase would run with one and the web process with the other.\n"
        "Set the DJANGO_SETTINGS_MODULE config var to the settings to use everywhere.",
    )


# --- Dependencies ---------------------------------------------------------------------

def no_manifest():
    return Message(
        "Couldn't find any supported Python dependency files.",
        "Add one of these to the root of the app:\n"
        "  - requirements.txt (pip syntax), or requirements.in (compiled with pip-tools)\n"
        "  - pyproject.toml with [project] dependencies, or uv.lock\n"
        "  - Pipfile.lock\n"
        "Or set the REQUIREMENTS_FILE config var to the file to install from.",
    )


def several_manifests(candidates):
    listed = "\n".join(f"  - {name}" for name in candidates)
    return Message(
        "Multiple Python dependency files were found.",
        f"The build cannot tell which of these to install from:\n{listed}\n"
        "Delete the ones you do not use, or set the REQUIREMENTS_FILE config var to the one to\n"
        f"use, for example: REQUIREMENTS_FILE={candidates[0]}",
    )


def path_outside_the_app(name, chosen):
    return Message(
        f"{name} is set to {excerpt(chosen)!r}, which is outside the app.",
        "Set it to a path relative to the root of the app: only the app's own files are\n"
        "built (and kept in the slug).",
    )


def requirements_file_missing(chosen):
    return Message(
        f"REQUIREMENTS_FILE is set to {excerpt(chosen)!r}, but there is no such file.",
        "Set it to a path relative to the root of the app (for example\n"
        "requirements/production.txt), or unset it.",
    )


def pipfile_without_lock():
    return Message(
        "No 'Pipfile.lock' found.",
        "A Pipfile was found, but not the lock file the build installs from. Generate it and\n"
        "commit it:\n  $ pipenv lock\n  $ git add Pipfile.lock",
    )


def invalid_pipfile_lock(reason):
    return Message(
        "Can't parse Pipfile.lock.",
        f"Pipfile.lock is not what pipenv writes: {reason}. Regenerate it:\n  $ pipenv lock",
    )


def unknown_installer(value):
    return Message(
        f"PYTHON_INSTALLER is set to {excerpt(value)!r}.",
        "Set it to uv or pip, or unset it to use uv where it can be had and pip otherwise.",
    )


def uv_unavailable():
    return Message(
        "PYTHON_INSTALLER is uv, but uv could not be downloaded.",
        "uv is fetched from the package index (PyPI, or PIP_INDEX_URL). Check that the build can\n"
        "reach it, or unset PYTHON_INSTALLER to fall back to pip.",
    )


def falling_back_to_pip():
    return Message(
        "uv could not be downloaded from the package index; installing with pip instead.",
        "Builds are faster with uv. Check that the build can reach the package index (or, after\n"
        "a warning that the cache is full, give the cache more room).",
    )


def uv_lock_needs_uv():
    return Message(
        "uv.lock can only be installed with uv.",
        "Unset PYTHON_INSTALLER (or set it to uv).",
    )


def uv_export_failed(path):
    return Message(
        f"Unable to read the locked dependencies from {path}.",
        "See uv's output above. If the lock file is out of date with pyproject.toml, run\n"
        "  $ uv lock\nand commit uv.lock.",
    )


def stale_lock(source, lock, missing):
    return Message(
        f"{lock} looks out of date with {source}.",
        f"{source} lists {excerpt(', '.join(missing))}, which {lock} does not pin: {source} changed after\n"
        f"{lock} was compiled. The build installs {lock}. Recompile and commit it:\n"
        f"  $ pip-compile --generate-hashes {source}",
    )


def commit_the_lock(source, lock):
    return Message(
        f"{lock} was compiled from {source} during the build.",
        f"Commit it so every build installs exactly these versions:\n"
        f"  $ pip-compile --generate-hashes {source} && git add {lock}",
    )


def install_failed(installer):
    return Message(
        f"Unable to install dependencies using {installer}.",
        "See the log output above for more information.",
    )


def install_failed_pg_config():
    return Message(
        "Package installation failed since pg_config (PostgreSQL's build tool) wasn't found.",
        "psycopg2 is being compiled from source, which needs libpq's headers. Either use the\n"
        "binary wheels (replace psycopg2 with psycopg2-binary, or use psycopg[binary]), or\n"
        "install the headers on the build machine (Debian/Ubuntu: apt-get install libpq-dev).",
    )


def install_failed_compiler():
    return Message(
        "Package installation failed since a C compiler or Python's headers weren't found.",
        "A dependency is being compiled from source. Use a version of it that has a binary wheel\n"
        "for this Python version, or install a compiler on the build machine (Debian/Ubuntu:\n"
        "apt-get install build-essential).",
    )


def install_failed_not_found(name):
    return Message(
        f"Package installation failed since {excerpt(name)} wasn't found on the package index.",
        f"Check the spelling of {excerpt(name)} and that the version you ask for exists (and supports\n"
        "this Python version). Private packages need their index in PIP_EXTRA_INDEX_URL.",
    )


def install_failed_conflict(lines):
    shown = "\n".join(f"  {excerpt(line)}" for line in lines[:12])
    return Message(
        "Package installation failed since the requirements conflict.",
        f"{shown}\nRelax or change one of these pins so that they can all be satisfied.",
    )


def install_failed_invalid_line(name, number, text):
    where = f"Line {number} of {name}" if number else name
    return Message(
        f"Invalid requirement in {name}{f' on line {number}' if number else ''}.",
        f"{where} is {excerpt(text)!r}, which is not a requirement. Fix or remove the line; the format is\n"
        "described at https://pip.pypa.io/en/stable/reference/requirements-file-format/",
    )


def install_failed_hash(requirement):
    return Message(
        f"Package installation failed since {requirement} doesn't match its --hash pin.",
        f"The file found for {requirement} has a different hash from the ones the requirements\n"
        "list. If you changed its version or index, regenerate the hashes (pip-compile\n"
        "--generate-hashes, uv export or pipenv lock); otherwise find out why the file changed\n"
        "before you trust it.",
    )


def install_failed_network(installer):
    return Message(
        "Package installation failed since the package index couldn't be reached.",
        f"{installer} could not connect to the package index. Check the build's network access,\n"
        "proxy settings, and the index URLs in PIP_INDEX_URL / PIP_EXTRA_INDEX_URL if you set them.",
    )


# --- The build ------------------------------------------------------------------------

def not_a_folder(step, name, usage, path):
    return Message(
        f"The {name} given to bin/{step} is a file, not a folder: {path}.",
        f"Usage: bin/{step} {usage}\nGive the path of a folder as {name}.",
    )


def cache_dir_not_created(path, reason):
    return Message(
        f"The CACHE_DIR {path} could not be created ({reason}).",
        "Give a CACHE_DIR the build can write to: the host keeps it between builds.",
    )


def build_dir_missing(path, usage):
    return Message(
        f"BUILD_DIR {path} does not exist.",
        f"{usage} works on the app in BUILD_DIR:\ngive the folder that holds the app's files.",
    )


def folder_not_file(name, what):
    return Message(
        f"{name} is a folder, not a file.",
        f"The build reads {name} as {what}, and cannot read a folder.\n"
        "Replace the folder with the file, or rename the folder.",
    )


def config_var_ignored(name):
    return Message(
        f"The config var {name} is ignored during the build.",
        f"{name} is set by the build machine and cannot be overridden by the app.",
    )


def committed_python_home():
    return Message(
        "Existing '.heroku/python/' directory found.",
        "The app contains .heroku/python, the folder the build installs Python into. Remove it\n"
        "from the repository:\n  $ git rm -r --cached .heroku/python && echo .heroku >> .gitignore",
    )


def committed_venv(name):
    return Message(
        f"Existing '{name}/' directory found.",
        f"A virtual environment is committed to the app. It would not work on the host; remove\n"
        f"it from the repository:\n  $ git rm -r --cached {name} && echo {name}/ >> .gitignore",
    )


def links_outside_the_app(links):
    """`links`: (the link relative to the app, the real path it leads to), sorted."""
    link, target = (_at_most_200(name) for name in links[0])
    others = "".join(f"\n  {_at_most_200(name)} -> {_at_most_200(path)}" for name, path in links[1:6])
    if len(links) > 6:
        others += f"\n  ... and {len(links) - 6} more"
    return Message(
        f"The symbolic link {link} leads outside the app, to {target}.",
        "The build never follows a link out of the app: what it leads to is the build machine's,\n"
        "not the app's. Read or collected as the app's own (static files are served to anyone),\n"
        "it would end up in the slug, and it is not there where the slug runs. Replace the link\n"
        "by what it leads to, or make it a relative link to a file inside the app:\n"
        f"  $ rm {shlex.quote(link)} && cp -R {shlex.quote(target)} {shlex.quote(link)}"
        + (f"\nOther links that lead outside the app:{others}" if others else ""),
    )


def _at_most_200(text):
    return text if len(text) <= 200 else text[:200] + "..."


def cache_reason(key, old, new):
    what = {"format": "The cache format", "stack": "The stack", "python": "The Python version",
            "installer": "The installer"}[key]
    return f"{what} has changed from {old} to {new}"


def cache_not_saved(cache_dir):
    return Message(
        f"The cache could not be saved: no space left on {cache_dir}; the next build starts over.",
        "The build goes on without it. What the cache could not keep (Python and the packages,\n"
        "uv, the static files), the next build makes again until the cache has more room: free\n"
        "space on its filesystem, or give it a larger one.",
    )


def no_space_left(where):
    return Message(
        f"No space left on {where}.",
        "The build stopped when that filesystem filled up. Free space on it, or give it a larger\n"
        "one, and build again.",
    )


def hook_failed(name, status):
    return Message(
        f"Failed to run the bin/{name} script.",
        f"bin/{name} exited with status {status}. See its output above.",
    )


def step_timed_out(name, seconds):
    return Message(
        f"{name} did not finish within the time limit of {seconds} second{'' if seconds == 1 else 's'}.",
        "The build stopped it and every process it started. A step that waits for input or for a\n"
        "network service, or that starts a server in the foreground, never finishes. Fix the step;\n"
        "if it needs more time, raise the limit with the BUILD_STEP_TIMEOUT config var (seconds).",
    )


def invalid_step_timeout(value, maximum, default):
    return Message(
        f"BUILD_STEP_TIMEOUT is set to {value[:200]!r}, which is not a time limit in seconds.",
        f"Set it to a whole number of seconds from 1 to {maximum} (a day), for example 3600, or unset it\n"
        f"for the default of {default} seconds.",
    )


def hook_cannot_start(name, reason):
    return Message(
        f"Failed to run the bin/{name} script: {reason}.",
        "Check its first line (#!/bin/sh, #!/usr/bin/env python3 ...): the program it names\n"
        "must exist on the build machine, and the file must have Unix line endings (no CRLF).",
    )


def config_var_name_invalid(name):
    return Message(
        f"The config var file {excerpt(name)!r} in ENV_DIR is ignored: it is not a variable name.",
        "Config var names are letters, digits and _, not starting with a digit (MY_VAR, not\n"
        "my-var). Set the config var again under such a name.",
    )


def config_var_not_utf8(name):
    return Message(
        f"The config var {name} is not valid UTF-8 text.",
        "The build passes it on with each invalid byte replaced by U+FFFD (\ufffd). Set it again\n"
        "as UTF-8 text.",
    )


def config_var_too_large(name, size, limit):
    return Message(
        f"The config var {name} is too large: {name}=value is {size} bytes.",
        f"Linux starts no process whose environment holds a NAME=value string of {limit} bytes\n"
        f"({limit // 1024} KiB) or more, so no step of the build could run with it. Keep large data in\n"
        f"a file of the app and set {name} to its path, or shorten the value.",
    )


def config_var_with_nul(name):
    return Message(
        f"The config var {name} contains a NUL byte.",
        "No process environment can hold one. Set the config var again without it.",
    )


def no_test_runner():
    return Message(
        "No test runner found.",
        "Add pytest to the app's test requirements (requirements-test.txt), or give the app a\n"
        "Django manage.py, whose `test` command bin/test runs.",
    )


def export_not_written(folder, reason):
    return Message(
        f"The environment for later buildpacks could not be written to {folder}/export: {reason}.",
        "Buildpacks that run after this one in the same build will not find Python on PATH.",
    )


def internal_error(detail):
    return Message(f"Internal error in the buildpack (a bug, please report it; BUILDPACK_DEBUG=1 "
                   f"shows the traceback): {detail}", "")


def not_detected(looked_for):
    return ("No Python project found: looked for "
            + ", ".join(looked_for) + " at the root of the app.\n")


# --- Django ---------------------------------------------------------------------------

def django_not_installed(manage_py, manifest):
    return Message(
        f"Django isn't installed, but {manage_py} runs Django.",
        f"Nothing in {manifest} installs Django, so every process of the app (web, release,\n"
        "manage.py commands) would fail with \"No module named 'django'\". Add Django to\n"
        f"{manifest} (for example the requirement Django>=5.2,<6) and commit it.",
    )


def no_web_process_without_gunicorn(wsgi_module):
    return Message(
        "This Django app has no web process: gunicorn isn't installed and the Procfile has no web.",
        "Without one the app serves no HTTP requests. The default web process runs gunicorn, so add\n"
        "it to your requirements (gunicorn), or declare the web process in a Procfile, for example:\n"
        f"  web: gunicorn {excerpt(wsgi_module)} --bind 0.0.0.0:$PORT",
    )


def no_web_process_without_wsgi_module(wsgi_module):
    return Message(
        "This Django app has no web process: no WSGI module was found and the Procfile has no web.",
        "Without one the app serves no HTTP requests. The default web process runs gunicorn with the\n"
        "module the WSGI_APPLICATION setting names (else <project>/wsgi.py), and there is neither.\n"
        "Set WSGI_APPLICATION, or declare the web process in a Procfile, for example:\n"
        f"  web: gunicorn {excerpt(wsgi_module)} --bind 0.0.0.0:$PORT",
    )


def collectstatic_disabled(value):
    return Message(
        f"Skipping collectstatic since the DISABLE_COLLECTSTATIC config var is set to {excerpt(value)!r}.",
        "Any value but \"\" or \"0\" disables it (\"false\" and \"no\" too, as on Heroku). To collect\n"
        "static files, unset it or set it to 0.",
    )


def collectstatic_without_manage_py():
    return Message(
        "Skipping collectstatic since no manage.py was found.",
        "Django is installed, but the build found no manage.py within three folder levels. If the\n"
        "app has one, set the DJANGO_MANAGE_PY config var to its path (for example backend/manage.py).",
    )


def staticfiles_not_installed():
    return Message(
        "Skipping collectstatic since django.contrib.staticfiles is not in INSTALLED_APPS.",
        "The app has no static files to collect. To serve CSS, JavaScript and the admin's files,\n"
        "add \"django.contrib.staticfiles\" to INSTALLED_APPS.",
    )


def settings_not_checked(reason):
    return Message(
        "The settings could not be imported during the build, so only their text was checked.",
        f"Importing them failed with {excerpt(reason)}. Settings that import without a database or\n"
        "secret let the build check them, and let you turn collectstatic back on.",
    )


def whitenoise_missing():
    return Message(
        "WhiteNoise is not in MIDDLEWARE: nothing will serve the collected static files.",
        "Add whitenoise to your requirements and its middleware right after SecurityMiddleware:\n"
        "  MIDDLEWARE = [\n"
        "      \"django.middleware.security.SecurityMiddleware\",\n"
        "      \"whitenoise.middleware.WhiteNoiseMiddleware\",\n"
        "      ...",
    )


def whitenoise_above_security():
    return Message(
        "WhiteNoiseMiddleware is above SecurityMiddleware in MIDDLEWARE.",
        "Static files would be served without the security headers (HSTS, nosniff). Move\n"
        "\"whitenoise.middleware.WhiteNoiseMiddleware\" to right after\n"
        "\"django.middleware.security.SecurityMiddleware\".",
    )


def staticfiles_storage_ignored(django_version, backend):
    return Message(
        f"STATICFILES_STORAGE is ignored by Django {django_version}.",
        "Django 5.1 removed it: static files are collected without hashes or compression. Replace\n"
        "it with:\n"
        "  STORAGES = {\n"
        "      \"default\": {\"BACKEND\": \"django.core.files.storage.FileSystemStorage\"},\n"
        f"      \"staticfiles\": {{\"BACKEND\": \"{excerpt(backend)}\"}},\n"
        "  }",
    )


def storages_without_default():
    return Message(
        "STORAGES has no \"default\" entry.",
        "File uploads and anything else using default_storage fail at runtime with\n"
        "InvalidStorageError. Add one, for example:\n"
        "  \"default\": {\"BACKEND\": \"django.core.files.storage.FileSystemStorage\"},",
    )


def manifest_storage_without_collectstatic():
    return Message(
        "collectstatic is skipped, but the settings use manifest static files storage.",
        "Every page that uses {% static %} will fail with a 500 error (\"Missing staticfiles\n"
        "manifest entry\"). Unset DISABLE_COLLECTSTATIC, or use a storage without a manifest.",
    )


def collectstatic_context(settings_module, folder, django_version):
    return (f"Settings module: {excerpt(settings_module or 'not set')}; run in {folder}; Django "
            f"{django_version or 'version unknown'}.\n"
            "To build without collecting static files, set DISABLE_COLLECTSTATIC=1.")


def collectstatic_failed():
    return Message(
        "Unable to collect static files: python manage.py collectstatic --noinput failed.",
        "See the output above for the cause, and fix it in the app.",
    )


def exited_before_collectstatic():
    return Message(
        "manage.py exited before collectstatic ran, so no static files were collected.",
        "Something that runs before the command (the settings, an app's ready() method or manage.py\n"
        "itself) ended the process, for example with sys.exit(). Even with exit status 0 that is a\n"
        "failure: the app's pages need their static files. Make it return normally during the build\n"
        "(config vars are visible to it).",
    )


def static_root_unset():
    return Message(
        "collectstatic failed since STATIC_ROOT is not set.",
        "collectstatic copies the static files into STATIC_ROOT, which WhiteNoise serves. Add to\n"
        "your settings:\n"
        "  STATIC_ROOT = BASE_DIR / \"staticfiles\"",
    )


def settings_not_importable(module):
    return Message(
        f"collectstatic failed since the settings module {excerpt(module)!r} can't be imported.",
        "Django looks for it on sys.path, which starts with manage.py's folder. Set the\n"
        "DJANGO_SETTINGS_MODULE config var to the dotted name of your settings module as seen\n"
        "from that folder (for example mysite.settings), or fix the default in manage.py.",
    )


def no_settings_module():
    return Message(
        "collectstatic failed since no settings module is configured: Django reports \"Unknown command\".",
        "manage.py does not set DJANGO_SETTINGS_MODULE, so Django knows only its own commands. Set\n"
        "the DJANGO_SETTINGS_MODULE config var (for example mysite.settings).",
    )


def module_not_found(module):
    return Message(
        f"collectstatic failed since the module {excerpt(module)!r} can't be found.",
        "The settings (or something they load, such as INSTALLED_APPS) import it. If it comes from\n"
        "a package, add that package to your requirements; if it is part of the app, check its\n"
        "name and that it is committed.",
    )


def missing_environment_variable(name):
    name = excerpt(name)
    return Message(
        f"collectstatic failed since the settings need the environment variable {name}.",
        f"{name} is not set during the build. Set it as a config var (config vars are visible to\n"
        f"the build), or give it a default in the settings: os.environ.get(\"{name}\", \"...\").",
    )


def missing_static_file(kind, referencing, missing):
    return Message(
        f"collectstatic failed since the {kind} file {excerpt(referencing)!r} references {excerpt(missing)!r}, which does not exist.",
        "Manifest storage rewrites every reference to a hashed name, so each must point to a\n"
        f"static file. Fix the path in {referencing} (relative paths start from its\n"
        "folder), add the missing file, or remove the reference.",
    )


# --- .slugignore ----------------------------------------------------------------------

def slugignore_removing(count):
    """The step line of the .slugignore step."""
    if count == 0:
        return "No path matched by .slugignore"
    return f"Removing {count} path{'' if count == 1 else 's'} matched by .slugignore"


def slugignore_removed(paths):
    """The paths the step removes, relative to the app (a folder ending in /), a few of them."""
    listed = "\n".join(excerpt(path) for path in paths[:LISTED_LINES])
    if len(paths) > LISTED_LINES:
        listed += f"\n... and {len(paths) - LISTED_LINES} more"
    return listed


def slugignore_negation(number, line):
    return Message(
        f"Line {number} of .slugignore, {excerpt(line)!r}, is ignored: .slugignore has no negation (!).",
        "A path that another line matches is removed even if a ! line names it (Heroku ignores such\n"
        "lines too). Remove the line, and make the lines that match what you want to keep narrower.\n"
        "For a name that starts with !, write \\! instead.",
    )


def slugignore_outside(number, line):
    return Message(
        f"Line {number} of .slugignore, {excerpt(line)!r}, is ignored: no path outside the app is ever removed.",
        "The patterns of .slugignore are paths inside the app, relative to its root folder (a leading\n"
        "/ anchors a pattern at that folder, not at the machine's root), so .. leads nowhere. Remove\n"
        "the line.",
    )


def slugignore_kept(number, line, kept, inside):
    what = f"what is in {kept}/" if inside else kept
    return Message(
        f"Line {number} of .slugignore, {excerpt(line)!r}, matches {what}, which the slug needs: "
        "the build keeps it.",
        "The build never removes .heroku/ (the app's Python and packages), .profile.d/ (the\n"
        "environment its processes start with) or the Procfile. The line still applies to the\n"
        "app's other files; make it narrower, or remove it, to silence this warning.",
    )


def slugignore_not_utf8(number, line):
    return Message(
        f"Unable to read .slugignore: line {number} is not UTF-8 text.",
        f"Line {number} is {excerpt(line)!r} (\ufffd marks the bytes that are not UTF-8). Save .slugignore\n"
        "as UTF-8 text (some Windows editors write UTF-16), or remove the line.",
    )


def slugignore_too_large(size, limit, last_line):
    return Message(
        f"The .slugignore file is too large: {size} bytes, more than the limit of {limit // 1024 // 1024} MB.",
        f"The limit falls on line {last_line}. .slugignore lists patterns (*.psd, /docs/), not every\n"
        "file to leave out: replace the lines that name single files with patterns that match them\n"
        "all, so that the file is smaller than the limit.",
    )


# --- Hosts, stacks and the default Python -----------------------------------------------

def extra_arguments_ignored(step, usage, extra):
    shown = ", ".join(excerpt(argument) for argument in extra[:LISTED_LINES])
    if len(extra) > LISTED_LINES:
        shown += f" and {len(extra) - LISTED_LINES} more"
    return Message(
        f"bin/{step} takes {usage} and ignores the rest: {shown}.",
        "Hosts pass more arguments than the buildpack API names (herokuish runs\n"
        "bin/release BUILD_DIR CACHE_DIR); like Heroku's own buildpacks, this one ignores them.",
    )


def unknown_stack(value, known, machine):
    return Message(
        f"STACK is {excerpt(value)!r}, which is not a stack the buildpack knows.",
        f"Known stacks: {', '.join(known)}. The build goes on with this machine's Pythons,\n"
        f"and .heroku/stack records this machine's OS, {machine}. Check that STACK names the\n"
        "host's stack (for example heroku-24), or unset it to build for this machine.",
    )


def stack_not_this_machine(value, expected, machine):
    return Message(
        f"STACK is {value}, which is {expected}, but this build machine runs {machine}.",
        f"The slug's Python and packages are linked against {machine}'s libraries, which\n"
        f"{expected} may lack or have in other versions, and .heroku/stack records {machine}.\n"
        f"Build on a {value} machine or image, or unset STACK to build for this machine.",
    )


def no_version_default(minor):
    return Message(
        "No Python version was specified.",
        f"Using Python {minor}, the buildpack's default. A later buildpack may change the default,\n"
        "so pin the version your app uses:\n"
        f"  $ echo {minor} > .python-version",
    )


def free_threaded(name, number, line, version, fixed):
    """`line` of file `name` (its number; None for a requires-python value whose line is not
    known) asks for the free-threaded build of `version` (3.14t); `fixed` is the line without."""
    where = f"line {number} of {name}" if number else f"requires-python in {name}"
    return Message(
        f"Free-threaded Python is not supported: {where} is {excerpt(line)!r}.",
        f"That is the free-threaded build of Python {version}, which the build does not provide\n"
        "(its interpreters and packages are the standard builds, with the GIL).\n"
        f"Use {version}; free-threaded builds are not supported. Change {where} to:\n"
        f"  {excerpt(fixed)}",
    )


def default_python_not_downloaded(said):
    """uv could not download the default Python; `said` is its output."""
    lines = said.strip().splitlines()
    return f"Not downloaded ({excerpt(lines[-1].strip()) if lines else 'uv said nothing'})."


# --- Poetry, dependency groups, the app as its own package ----------------------------

def invalid_poetry_lock(reason):
    return Message(
        "Can't read poetry.lock.",
        f"poetry.lock is not what Poetry writes: {excerpt(reason)}. Regenerate it and commit it:\n"
        "  $ poetry lock\n  $ git add poetry.lock",
    )


def poetry_lock_without_pyproject():
    return Message(
        "poetry.lock was found, but not the pyproject.toml it locks.",
        "Poetry installs the project that pyproject.toml declares, from poetry.lock. Commit\n"
        "pyproject.toml next to poetry.lock (at the root of the app).",
    )


def stale_poetry_lock():
    return Message(
        "poetry.lock is out of date with pyproject.toml.",
        "pyproject.toml changed after poetry.lock was last generated (the content-hash that\n"
        "poetry.lock records no longer matches pyproject.toml). Update the lock and commit it:\n"
        "  $ poetry lock\n  $ git add poetry.lock",
    )


def poetry_unavailable(version):
    return Message(
        f"Poetry {version} could not be installed from the package index.",
        "See the output above. Poetry is fetched from the package index (PyPI, or PIP_INDEX_URL)\n"
        "like any package: check that the build can reach it.",
    )


def unknown_dependency_groups(unknown, manifest, available):
    there = ", ".join(available) if available else "none"
    return Message(
        f"PYTHON_DEPENDENCY_GROUPS names {excerpt(', '.join(unknown))}, which {manifest} does not define.",
        f"The dependency groups of {manifest}: {excerpt(there)}.\n"
        "Set PYTHON_DEPENDENCY_GROUPS to a comma-separated list of some of them (for example\n"
        "PYTHON_DEPENDENCY_GROUPS=prod,monitoring), or unset it to install the main dependencies only.",
    )


def pyproject_without_dependencies():
    return Message(
        "pyproject.toml declares no dependencies to install.",
        "The build found pyproject.toml, but no [project] dependencies in it, no build system to\n"
        "install the app with, and no other dependency file. Add the dependencies to it, for example:\n"
        "  [project]\n  name = \"mysite\"\n  version = \"1\"\n  dependencies = [\"django>=5.2\", \"gunicorn\"]\n"
        "or add a requirements.txt (pip syntax).",
    )


def poetry_project_without_lock():
    return Message(
        "pyproject.toml declares Poetry dependencies, but there is no poetry.lock.",
        "The build installs a Poetry project exactly as locked. Generate the lock and commit it:\n"
        "  $ poetry lock\n  $ git add poetry.lock",
    )


# --- The default web process ----------------------------------------------------------

def default_web_process(server, reason):
    """The step line naming the server of the default web process and why."""
    return f"Default web process: {server} ({reason})"


def web_server_reason(interface, module, worker=None, only=False):
    """Why a server serves the app: installed (with gunicorn's uvicorn worker from `worker`),
    and the app's module it serves, of `interface` (WSGI, ASGI), the server's only one if `only`."""
    installed = f"installed, with {worker}'s worker" if worker else "installed"
    why = f"it serves {interface} only" if only else f"the app is {interface}"
    return f"{installed}; {why}: {excerpt(module)}"


def no_web_process_for_modules(servers, wsgi_module, asgi_target):
    """For a Django app whose installed servers serve neither of its modules; asgi_target as
    uvicorn takes it (`pkg.asgi:application`)."""
    found = " and ".join(f"{kind} module {excerpt(module)}" for kind, module in
                         (("WSGI", wsgi_module), ("ASGI", asgi_target)) if module)
    example = (f"gunicorn {excerpt(wsgi_module)} --bind 0.0.0.0:$PORT" if wsgi_module
               else f"uvicorn {excerpt(asgi_target)} --host 0.0.0.0 --port $PORT")
    return Message(
        f"This Django app has no web process: {', '.join(servers)} can't serve its {found}, "
        "and the Procfile has no web.",
        "Without one the app serves no HTTP requests. gunicorn and uWSGI serve WSGI; uvicorn and\n"
        "daphne ASGI; hypercorn and granian either; gunicorn serves ASGI with uvicorn-worker. Add\n"
        "the server for your module to your requirements, or declare the web process in a\n"
        "Procfile, for example:\n"
        f"  web: {example}",
    )


# --- setuptools and the web boot check ------------------------------------------------

def installing_setuptools(version):
    return (f"Installing setuptools {version}, as Heroku's classic buildpack does for Python 3.12 and older "
            "(packages such as gunicorn before 22 import its pkg_resources)")


def setuptools_cache_reason(old, new):
    if old is None:
        return f"The cached environment has no setuptools {new}, which Python 3.12 and older now get"
    return f"The setuptools version has changed from {old} to {new}"


def setuptools_not_installed(version):
    return Message(
        f"setuptools {version} could not be installed: the environment goes without it.",
        "Packages that import pkg_resources (gunicorn before 22) fail without it: the web boot\n"
        "check below tells whether the app needs it. If the package index the build uses lacks\n"
        "setuptools, add it there, or upgrade those packages.",
    )


def web_boot_failed(web_command, app, error, fix):
    error = excerpt(error)
    return Message(
        f"The web process can't start: loading {excerpt(app or 'its application')} fails with "
        f"{error}{'' if error.endswith('.') else '.'}",
        f"{fix}\n"
        "The build loaded it as the web process will, with the config vars and the build-only\n"
        "stand-ins collectstatic gets (the output is above); deployed, the slug would crash at start:\n"
        f"  web: {excerpt(web_command)}\n"
        "To build without this check, set the WEB_BOOT_CHECK config var to 0.",
    )


def boot_fix_pkg_resources(manifest):
    return ("pkg_resources is part of setuptools, which this environment doesn't have (Python 3.13\n"
            "and newer get none), and gunicorn before 22 imports it. Upgrade gunicorn to 22 or later,\n"
            f"or add setuptools to {manifest}.")


def boot_fix_missing_module(module, manifest):
    module = excerpt(module)
    return (f"If {module} comes from a package, add {module.split('.')[0]} to {manifest} (by the name\n"
            "it is published under, which may differ: PyYAML for yaml); if it is part of the app,\n"
            "check its name and that it is committed.")


def boot_fix_app_module(module):
    return (f"The web command loads {excerpt(module)}, which can't be imported from the folder the web\n"
            "process starts in (the slug's root). Check the module's name, and for a project in a\n"
            "subfolder, let the server start there (gunicorn --chdir <folder>).")


def boot_fix_command_not_found(program, manifest):
    return (f"{excerpt(program)} is not installed in the slug. Add the package that provides it to\n"
            f"{manifest}, or fix the web command.")


def boot_fix_other():
    return ("Fix the error the traceback above ends with: the web process runs the same code when it\n"
            "starts.")


# --- app.json, its add-ons and test environment, and bin/test ---------------------------

def app_json_invalid(path, reason):
    return Message(
        f"{path} could not be read: {reason}.",
        f"Fix {path} (https://devcenter.heroku.com/articles/app-json-schema), or remove it.",
    )


def app_json_wrong_type(path, key, expected, value):
    example = ('  {"environments": {"test": {"scripts": {"test-setup": "python manage.py migrate",\n'
               '   "test": "pytest"}, "env": {"NAME": "value"}, "addons": ["heroku-postgresql"]}}}'
               if key.startswith("environments") else
               '  {"addons": ["heroku-postgresql:essential-0", {"plan": "heroku-redis:mini"}]}')
    return Message(
        f"{path}'s {key} must be {expected}, not {excerpt(json.dumps(value))}.",
        f"Fix it in {path}, for example:\n{example}",
    )


def collectstatic_skipped_for_tests():
    return Message(
        "Skipping collectstatic: bin/test-compile skips it, as Heroku's classic buildpack does.",
        "The static files storage keeps no manifest that the tests would need. To collect the\n"
        "static files for the tests anyway, set DISABLE_COLLECTSTATIC=0 in app.json's\n"
        "environments.test.env.",
    )


def collectstatic_for_tests():
    return Message(
        "Running collectstatic for the tests: the static files storage reads a manifest, which "
        "every {% static %} needs.",
        "To skip it, set DISABLE_COLLECTSTATIC=1 in app.json's environments.test.env.",
    )
