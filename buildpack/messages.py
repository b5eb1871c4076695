"""Every error, warning and note of the build, in one place.

These texts are a contract: tests assert them and users search for them. Each message is
a title (one sentence, ending with a period) and a body that says what to do.
"""

from collections import namedtuple

Message = namedtuple("Message", "title body")

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


def unreadable_version_file(name):
    return Message(
        f"Unable to read {name}: it is not UTF-8 text.",
        f"Save {name} as plain UTF-8 (some Windows editors write UTF-16), for example:\n"
        f"  $ echo 3.13 > {name}",
    )


def empty_version_file(name):
    return Message(
        f"No Python version found in {name}.",
        f"{name} is empty or only has comments. Put the version on its own line, for example:\n"
        f"  $ echo 3.13 > {name}",
    )


def several_versions(name, lines):
    listed = "\n".join(f"  line {number}: {text}" for number, text in lines)
    return Message(
        f"Multiple Python versions found in {name}.",
        f"{name} must contain one version, but has {len(lines)}:\n{listed}\n"
        "Keep only the version the app should use (a major version such as 3.13 is recommended).",
    )


def invalid_version(name, number, line, example):
    shown = "".join(c if c.isprintable() else "\ufffd" for c in line)
    return Message(
        f"Invalid Python version in {name}.",
        f"Line {number} of {name} is {shown!r}, which is not a Python version.\n"
        f"Write a version such as {example}.",
    )


def invalid_requires_python(specifier):
    return Message(
        "Invalid requires-python in pyproject.toml.",
        f"{specifier!r} is not a version specifier. Use PEP 440 clauses such as \">=3.12\" or\n"
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
        f"requires-python is {specifier!r}.\n{_versions(choices)}\n"
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
        f"{name} is not valid TOML: {reason}.\nFix the file (any TOML linter shows the exact problem).",
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
        f"DJANGO_MANAGE_PY is set to {chosen!r}, but there is no such file.",
        "Set it to the path of manage.py relative to the root of the app, or unset it to let the\n"
        "build find manage.py itself.",
    )


def settings_disagree(manage_py, from_manage, wsgi_py, from_wsgi):
    return Message(
        "manage.py and wsgi.py default to different settings modules.",
        f"{manage_py} uses {from_manage!r} but {wsgi_py} uses {from_wsgi!r}: the build and the\n"
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
        f"{name} is set to {chosen!r}, which is outside the app.",
        f"Set it to a path relative to the root of the app: only the app's own files are\n"
        "built (and kept in the slug).",
    )


def requirements_file_missing(chosen):
    return Message(
        f"REQUIREMENTS_FILE is set to {chosen!r}, but there is no such file.",
        "Set it to a path relative to the root of the app (for example\n"
        "requirements/production.txt), or unset it.",
    )


def pipfile_without_lock():
    return Message(
        "No 'Pipfile.lock' found.",
        "A Pipfile was found, but not the lock file the build installs from. Generate it and\n"
        "commit it:\n  $ pipenv lock\n  $ git add Pipfile.lock",
    )


def poetry_unsupported():
    return Message(
        "poetry.lock is not supported.",
        "Export the locked dependencies to requirements.txt and commit that instead:\n"
        "  $ poetry export --format requirements.txt --output requirements.txt\n"
        "(with the poetry-plugin-export plugin), or move the project to uv (uv.lock).",
    )


def invalid_pipfile_lock(reason):
    return Message(
        "Can't parse Pipfile.lock.",
        f"Pipfile.lock is not what pipenv writes: {reason}. Regenerate it:\n  $ pipenv lock",
    )


def unknown_installer(value):
    return Message(
        f"PYTHON_INSTALLER is set to {value!r}.",
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
        f"{source} lists {', '.join(missing)}, which {lock} does not pin: {source} changed after\n"
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
        f"Package installation failed since {name} wasn't found on the package index.",
        f"Check the spelling of {name} and that the version you ask for exists (and supports\n"
        "this Python version). Private packages need their index in PIP_EXTRA_INDEX_URL.",
    )


def install_failed_conflict(lines):
    shown = "\n".join(f"  {line}" for line in lines[:12])
    return Message(
        "Package installation failed since the requirements conflict.",
        f"{shown}\nRelax or change one of these pins so that they can all be satisfied.",
    )


def install_failed_invalid_line(name, number, text):
    where = f"Line {number} of {name}" if number else name
    return Message(
        f"Invalid requirement in {name}{f' on line {number}' if number else ''}.",
        f"{where} is {text!r}, which is not a requirement. Fix or remove the line; the format is\n"
        "described at https://pip.pypa.io/en/stable/reference/requirements-file-format/",
    )


def install_failed_network(installer):
    return Message(
        "Package installation failed since the package index couldn't be reached.",
        f"{installer} could not connect to the package index. Check the build's network access,\n"
        "proxy settings, and the index URLs in PIP_INDEX_URL / PIP_EXTRA_INDEX_URL if you set them.",
    )


# --- The build ------------------------------------------------------------------------

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


def hook_cannot_start(name, reason):
    return Message(
        f"Failed to run the bin/{name} script: {reason}.",
        f"Check its first line (#!/bin/sh, #!/usr/bin/env python3 ...): the program it names\n"
        "must exist on the build machine, and the file must have Unix line endings (no CRLF).",
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

def no_web_process_without_gunicorn(wsgi_module):
    return Message(
        "This Django app has no web process: gunicorn isn't installed and the Procfile has no web.",
        "The default web process runs gunicorn, so add it to your requirements (gunicorn), or\n"
        "declare the web process in a Procfile, for example:\n"
        f"  web: gunicorn {wsgi_module} --bind 0.0.0.0:$PORT",
    )


def collectstatic_disabled(value):
    return Message(
        f"Skipping collectstatic since the DISABLE_COLLECTSTATIC config var is set to {value!r}.",
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
        f"Importing them failed with {reason}. Settings that import without a database or\n"
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
        f"      \"staticfiles\": {{\"BACKEND\": \"{backend}\"}},\n"
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
    return (f"Settings module: {settings_module or 'not set'}; run in {folder}; Django "
            f"{django_version or 'version unknown'}.\n"
            "To build without collecting static files, set DISABLE_COLLECTSTATIC=1.")


def collectstatic_failed():
    return Message(
        "Unable to collect static files: python manage.py collectstatic --noinput failed.",
        "See the output above for the cause, and fix it in the app.",
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
        f"collectstatic failed since the settings module {module!r} can't be imported.",
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
        f"collectstatic failed since the module {module!r} can't be found.",
        "The settings (or something they load, such as INSTALLED_APPS) import it. If it comes from\n"
        "a package, add that package to your requirements; if it is part of the app, check its\n"
        "name and that it is committed.",
    )


def missing_environment_variable(name):
    return Message(
        f"collectstatic failed since the settings need the environment variable {name}.",
        f"{name} is not set during the build. Set it as a config var (config vars are visible to\n"
        f"the build), or give it a default in the settings: os.environ.get(\"{name}\", \"...\").",
    )


def missing_static_file(kind, referencing, missing):
    return Message(
        f"collectstatic failed since the {kind} file {referencing!r} references {missing!r}, which does not exist.",
        "Manifest storage rewrites every reference to a hashed name, so each must point to a\n"
        f"static file. Fix the path in {referencing} (relative paths start from its\n"
        "folder), add the missing file, or remove the reference.",
    )
