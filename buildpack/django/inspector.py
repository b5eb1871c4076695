"""Run the app's manage.py as `python manage.py ARGS...` would, and report what Django saw.

    python inspector.py [--deploy-checks] REPORT_FILE MANAGE_PY ARGS...

The command runs unchanged (same output, same exit status; a traceback starts at manage.py's
frame, as it would without us). When the process exits, REPORT_FILE gets a JSON object with
whether the command started at all (exit status 0 says nothing when the settings exit first),
the facts the build checks (Django version, static settings, middleware ...), every file the
process read and the folders the staticfiles finders collect from: the inputs of
collectstatic, which the build fingerprints to reuse its output. For collectstatic, Brotli
compresses each distinct content once, which leaves the files it writes as they would be.

This file runs in the app's Python (3.9 or newer) with the app's packages, so it imports
nothing from the buildpack and records no setting's value that could be a secret.
"""

import atexit
import hashlib
import json
import os
import runpy
import sys
import threading
import traceback
from concurrent.futures import Future


def main():
    deploy_checks = sys.argv[1] == "--deploy-checks"
    report_file, manage_py, *args = sys.argv[2:] if deploy_checks else sys.argv[1:]
    manage_py = os.path.abspath(manage_py)
    sys.argv = [manage_py, *args]
    if not getattr(sys.flags, "safe_path", False):
        sys.path[0] = os.path.dirname(manage_py)  # what `python manage.py` puts first
    read = set()
    sys.addaudithook(lambda event, details: _record_read(event, details, read))
    atexit.register(_write_report, report_file, read, deploy_checks, args[0] if args else None)
    if args[:1] == ["collectstatic"]:
        _brotli_compress_each_content_once()
    try:
        runpy.run_path(manage_py, run_name="__main__")
    except SystemExit:
        raise
    except BaseException as error:
        traceback_ = error.__traceback__
        while traceback_ and traceback_.tb_frame.f_code.co_filename != manage_py:
            traceback_ = traceback_.tb_next
        traceback.print_exception(type(error), error, traceback_ or error.__traceback__)
        sys.exit(1)


def _record_read(event, details, read):
    """Audit hook: remember every file opened for reading (imports, data files, static sources)."""
    if event != "open":
        return
    path, mode, flags = details
    if mode is None:  # os.open: read-only when neither write flag is set
        reading = not flags & (os.O_WRONLY | os.O_RDWR)
    else:
        reading = not any(letter in mode for letter in "wax+")
    if reading and isinstance(path, (str, bytes, os.PathLike)):
        read.add(os.path.abspath(os.fsdecode(path)))


def _brotli_compress_each_content_once():
    """WhiteNoise's compressed storages compress every file under its original name and again
    under its hashed name: mostly the same bytes twice. Brotli at its best quality is most of
    collectstatic's time, and gives the same output for the same input, so each content is
    compressed once and the result shared. The files written are byte for byte the same."""
    try:
        import brotli
    except ImportError:
        return
    compress, results, lock = brotli.compress, {}, threading.Lock()

    def compress_once(data, *args, **kwargs):
        key = (hashlib.sha256(data).digest(), args, tuple(sorted(kwargs.items())))
        with lock:  # WhiteNoise compresses in threads: the first caller computes, others wait
            result = results.get(key)
            first = result is None
            if first:
                result = results[key] = Future()
        if first:
            try:
                result.set_result(compress(data, *args, **kwargs))
            except BaseException as error:
                result.set_exception(error)
        return result.result()

    brotli.compress = compress_once


def _write_report(report_file, read, deploy_checks, command):
    report = {"settings_module": os.environ.get("DJANGO_SETTINGS_MODULE"),
              "command_started": _command_started(command)}
    try:
        _add_django_facts(report, deploy_checks)
    except Exception as error:  # settings that do not import: the command has said why
        report["error"] = f"{type(error).__name__}: {error}"
    modules = (getattr(module, "__file__", None) for module in list(sys.modules.values()))
    report["read"] = sorted(read | {os.path.abspath(path) for path in modules if isinstance(path, str)})
    with open(report_file, "w") as file:
        json.dump(report, file)


def _command_started(command):
    """Whether Django got as far as running the management command: it imports the command's
    module, `<app>.management.commands.<command>`, right before running it, once the settings
    and the apps have loaded."""
    suffix = f".management.commands.{command}"
    return any(name.endswith(suffix) for name in list(sys.modules))


def _add_django_facts(facts, deploy_checks):
    """Add to `facts` what it can: a failure half-way keeps the facts gathered before it."""
    import django
    from django.apps import apps
    from django.conf import settings

    facts["django"] = django.get_version()
    if not settings.configured or not apps.ready:
        return
    facts.update(_settings_facts(settings))
    facts["staticfiles"] = apps.is_installed("django.contrib.staticfiles")
    if deploy_checks:  # what `manage.py check --deploy` reports
        from django.core import checks
        facts["deploy_checks"] = [
            {"level": message.level, "id": message.id, "text": str(message.msg), "hint": message.hint}
            for message in checks.run_checks(include_deployment_checks=True)
            if not message.is_silenced()
        ]
    if facts["staticfiles"]:
        facts.update(_static_facts(settings))


def _settings_facts(settings):
    database = settings.DATABASES.get("default", {})
    return {
        "middleware": [str(name) for name in settings.MIDDLEWARE],
        "debug": bool(settings.DEBUG),
        "allowed_hosts": [str(host) for host in settings.ALLOWED_HOSTS],
        "secret_key_from": _secret_key_from(settings),
        "database": {"engine": database.get("ENGINE"), "name": str(database.get("NAME"))},
        "storages_have_default": "default" in getattr(settings, "STORAGES", {"default": None}),
        "staticfiles_storage_setting": (settings.STATICFILES_STORAGE
                                        if settings.is_overridden("STATICFILES_STORAGE") else None),
        "static_root": str(settings.STATIC_ROOT) if settings.STATIC_ROOT else None,
    }


def _secret_key_from(settings):
    """Where SECRET_KEY comes from, never its value: the environment variable that holds it,
    "settings", or None when it is empty (Django refuses to read an empty one; collectstatic
    never reads it, so that is no reason to lose the other facts)."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:
        return None
    return next((name for name in ("SECRET_KEY", "DJANGO_SECRET_KEY") if key == os.environ.get(name)),
                "settings") if key else None


def _static_facts(settings):
    """The staticfiles storage and where collectstatic finds the files it collects."""
    from django.apps import apps
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import ManifestFilesMixin
    from django.core.files.storage import FileSystemStorage
    from django.utils.module_loading import import_string

    storages = getattr(settings, "STORAGES", None)
    backend = storages.get("staticfiles", {}).get("BACKEND") if storages else settings.STATICFILES_STORAGE
    storage_class = import_string(backend)
    local = issubclass(storage_class, FileSystemStorage)
    sources, unknown_finders = [], []
    for finder in finders.get_finders():
        if isinstance(finder, finders.AppDirectoriesFinder):
            # Every app's static folder, also those that don't exist yet: adding one matters.
            sources += [os.path.join(app.path, finder.source_dir) for app in apps.get_app_configs()]
        elif isinstance(finder, finders.FileSystemFinder):
            sources += [root for _, root in finder.locations]
        elif isinstance(finder, finders.BaseStorageFinder):
            sources.append(finder.storage.location)
        else:
            unknown_finders.append(f"{type(finder).__module__}.{type(finder).__qualname__}")
    return {
        "staticfiles_backend": backend,
        "manifest": issubclass(storage_class, ManifestFilesMixin),
        "static_local": local,  # collected into a folder of this machine, for WhiteNoise to serve
        "static_output": os.path.abspath(settings.STATIC_ROOT) if local and settings.STATIC_ROOT else None,
        "static_sources": sorted({os.path.abspath(str(path)) for path in sources}),
        "unknown_finders": unknown_finders,
    }


if __name__ == "__main__":
    main()
