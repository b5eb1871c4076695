"""`python -m buildpack STEP ARGS...`: the entry point behind bin/detect, bin/compile ...

Exit statuses follow the buildpack API. A failure the user can fix is an error box; our own
bug is one line (BUILDPACK_DEBUG=1 shows its traceback).
"""

import os
import signal
import sys
from pathlib import Path

from buildpack import ci, config_vars, detect, files, release
from buildpack import compile as compile_step
from buildpack.log import messages, output

USAGE = {
    "detect": "BUILD_DIR",
    "compile": "BUILD_DIR CACHE_DIR ENV_DIR",
    "test-compile": "BUILD_DIR CACHE_DIR ENV_DIR",
    "release": "BUILD_DIR",
    "test": "BUILD_DIR ENV_DIR",
}


def parse(argv):
    """(step, its arguments, the extra arguments after them) of `python -m buildpack` argv;
    None when argv names no step or gives fewer arguments than the step takes.

    Hosts pass more than the API names: herokuish runs `bin/release BUILD_DIR CACHE_DIR`,
    and a bin/release that refused the second gave Dokku apps no default web process. The
    classic buildpacks ignore what they do not use; so does this one."""
    if not argv or argv[0] not in USAGE:
        return None
    step, args = argv[0], argv[1:]
    count = len(USAGE[step].split())
    if len(args) < count:
        return None
    return step, args[:count], args[count:]


def main(argv=None):
    parsed = parse(sys.argv[1:] if argv is None else argv)
    if parsed is None:
        steps = "\n".join(f"  bin/{name} {args}" for name, args in USAGE.items())
        sys.stderr.write(f"usage:\n{steps}\n")
        sys.exit(2)
    step, args, extra = parsed
    # A build stopped by its host unwinds, so that the step running in a process group of its
    # own (output.run) is stopped with it.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        sys.exit(_run(step, args, extra))
    except output.BuildError as exc:
        output.error(exc.message)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if files.no_space(exc) and step in ("compile", "test-compile"):
            output.error(_no_space_left(exc.filename2 or exc.filename, *args[:2]))
            sys.exit(1)
        # A bug of ours: say so in one line
        if _debugging(step, args):
            import traceback  # only here: it costs every build 10 ms of start-up
            traceback.print_exc()
        output.error(messages.internal_error(messages.excerpt(f"{type(exc).__name__}: {exc}")))
        sys.exit(1)


def _no_space_left(path, build_dir, cache_dir):
    """The message for a write to `path` that found its filesystem full (the cache's own
    writes are warnings where they happen: only one the build cannot do without ends here).
    A copy's error names its destination second."""
    if not path:  # a write to a file already open: its name is not known
        return messages.no_space_left("a disk the build writes to")
    for folder, role in ((build_dir, "the build folder"), (cache_dir, "the cache folder")):
        folder = Path(folder).resolve()
        if Path(path).is_relative_to(folder):
            return messages.no_space_left(f"{folder}, {role}")
    return messages.no_space_left(messages.excerpt(path))


def _debugging(step, args):
    """BUILDPACK_DEBUG, set on the build machine, else as the app's config var (in ENV_DIR)."""
    value = os.environ.get("BUILDPACK_DEBUG", "")
    names = USAGE[step].split()
    if not value and "ENV_DIR" in names:
        value = config_vars.read(args[names.index("ENV_DIR")])[0].get("BUILDPACK_DEBUG", "")
    return config_vars.enabled({"BUILDPACK_DEBUG": value}, "BUILDPACK_DEBUG")


def _run(step, args, extra):
    if not os.path.exists(args[0]):  # every step's first argument is BUILD_DIR
        raise output.BuildError(messages.build_dir_missing(args[0], f"bin/{step} {USAGE[step]}"))
    for name, path in zip(USAGE[step].split(), args, strict=True):
        if os.path.exists(path) and not os.path.isdir(path):
            raise output.BuildError(messages.not_a_folder(step, name, USAGE[step], path))
    # Said only when debugging: every herokuish build passes one, and a host's log is long.
    if extra and _debugging(step, args):
        output.note(messages.extra_arguments_ignored(step, USAGE[step], extra))
    if step == "detect":
        name = detect.framework(args[0])
        if name is None:
            sys.stderr.write(messages.not_detected(detect.PYTHON_FILES))
            return 1
        print(name)
        return 0
    if step in ("compile", "test-compile"):
        compile_step.compile(*args, install_test=(step == "test-compile"))
        return 0
    if step == "release":
        sys.stdout.write(release.yaml(args[0]))
        return 0
    return ci.run(*args)
