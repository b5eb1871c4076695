"""`runtime build`: build an app with the buildpack exactly as a host does, on this machine.

Like Heroku or Dokku: the app is copied into a fresh build folder, config vars become an
ENV_DIR, and detect, compile and release run with a minimal environment and a persistent
cache folder. The copy and the config vars are in a folder only the user can read. The
finished slug replaces `--out` only when the build succeeded, and only an earlier slug is ever
replaced. `runtime test` (test.py) builds in the same way, with bin/test-compile.
"""

import contextlib
import errno
import fcntl
import os
import re
import selectors
import shutil
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from buildpack import files, release
from buildpack.log import output
from runtime import build_record, environment, messages, procfile, slug_tar
from runtime.app import record_app_folder
from runtime.errors import UserError
from runtime.image import layers

# The build sees only these from the calling environment (Heroku's emulation keeps HOME,
# LANG, PATH and STACK), plus what the machine needs to reach the package index and find
# its Pythons.
PASSED_THROUGH = re.compile(
    r"^(HOME|LANG|PATH|STACK|TMPDIR|SSL_CERT_FILE|SSL_CERT_DIR|PIP_CERT|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE"
    r"|[A-Za-z_]+_PROXY|[a-z_]+_proxy|PYENV_ROOT|UV_PYTHON_INSTALL_DIR|XDG_DATA_HOME|BUILDPACK_DEBUG)$")

SLUG_MARK = ".release"  # what bin/release printed, as herokuish keeps it: marks a built slug
PRIVATE_PREFIX = "runtime-build_"  # a build's private folder in the temporary folder
SQLITE_FILE = re.compile(r"\.sqlite3(-journal|-wal|-shm)?$")  # a local database and its side files


def build_environment(environ=os.environ):
    """The part of `environ` a build sees (the tests and benchmarks build the same way)."""
    return {name: value for name, value in environ.items() if PASSED_THROUGH.match(name)}


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "build", help="build the app into a slug with the buildpack, as a host does",
        description="Build APP_DIR with the buildpack (detect, compile, release) in a fresh build "
                    "folder, as Heroku or Dokku would, and put the slug in --out.")
    parser.add_argument("app_dir", nargs="?", default=".", metavar="APP_DIR",
                        help="the app to build (default: the current folder)")
    parser.add_argument("--out", metavar="DIR", help="where the slug goes, replacing an earlier slug "
                        "there (default: APP_DIR/.runtime/slug)")
    parser.add_argument("--tar", metavar="FILE",
                        help="also write the slug as Heroku's slug archive (a gzipped tar of ./app) "
                        "to FILE, with its sha256 in FILE.sha256 (this always builds)")
    parser.add_argument("--rebuild", action="store_true",
                        help="build even when the slug is up to date (nothing the build reads has "
                        "changed since it was made)")
    add_cache_and_config_arguments(parser, "build")
    parser.set_defaults(func=run)


def add_cache_and_config_arguments(parser, what):
    """--cache, --env and --env-file, for `runtime build` and `runtime test` (`what` runs)."""
    parser.add_argument("--cache", metavar="DIR",
                        help="the cache kept between builds (default: APP_DIR/.runtime/cache)")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help=f"a config var for the {what} (repeatable)")
    parser.add_argument("--env-file", action="append", default=[], metavar="FILE",
                        help="config vars from a .env-style file (repeatable; --env wins)")


def app_and_cache(args):
    """The app folder and the cache folder `args` name (the cache's defaults to
    APP_DIR/.runtime/cache), each checked."""
    app_dir = Path(args.app_dir).resolve()
    if not app_dir.is_dir():
        raise UserError(messages.app_dir_not_a_folder(args.app_dir))
    cache = Path(args.cache).resolve() if args.cache else app_dir / ".runtime" / "cache"
    return app_dir, cache


def run(args):
    app_dir, cache = app_and_cache(args)
    out = Path(args.out).resolve() if args.out else app_dir / ".runtime" / "slug"
    tar = Path(args.tar).resolve() if args.tar else None
    _refuse_overlaps(app_dir, out, cache)
    _refuse_to_replace(out)
    if tar is not None:
        _refuse_tar(tar, out)
    check_cache(cache)
    config = config_vars(args.env_file, args.env)
    writable_folder("--out", out, out.parent)
    writable_folder("--cache", cache, cache)
    if tar is not None:
        writable_folder("--tar", tar, tar.parent)

    archives = [tar, slug_tar.checksum_file(tar)] if tar is not None else []
    entries = app_entries(app_dir, leave_out=[out, cache, *archives])
    inputs = build_record.inputs_digest(app_dir, entries, config, build_environment(), cache)
    if tar is None and not args.rebuild and build_record.is_current(cache, out, inputs):
        output.step(messages.slug_up_to_date())
        output.detail(messages.how_to_rebuild())
        output.step(messages.slug_ready(out))
        return 0
    with private_build(app_dir, config, entries) as (build_dir, env_dir):
        status = _build(build_dir, cache, env_dir, out)
        if status:
            print()
            output.step(messages.build_failed(status, out))
            return status
        if tar is not None:  # from the private build folder, which no other build replaces
            _write_tar(build_dir, tar)
        record_app_folder(build_dir, app_dir, out)
        _replace_slug(out, build_dir)
        build_record.record(cache, out, inputs)
        output.step(messages.slug_ready(out))
        return 0


def _write_tar(build_dir, tar):
    try:
        digest = slug_tar.write(build_dir, tar)
    except OSError as exc:  # a full disk: the slug in --out is left as it was too
        raise UserError(messages.tar_not_written(tar, exc)) from None
    output.step(messages.slug_archive_written(tar, slug_tar.checksum_file(tar)))
    output.detail(messages.slug_archive_checksum(slug_tar.heroku_checksum(digest)))


def _refuse_overlaps(app_dir, out, cache):
    """The slug replaces --out: it must not hold the app or the cache."""
    if out == app_dir or out in app_dir.parents:
        raise UserError(messages.out_holds_the_app(out))
    if out == cache or out in cache.parents:
        raise UserError(messages.cache_inside_out(cache, out))


def _refuse_to_replace(out):
    """--out is replaced by the new slug: only an earlier slug (or nothing) may be there."""
    if out.exists() and not out.is_dir():
        raise UserError(messages.out_is_a_file(out))
    if out.exists() and any(out.iterdir()) and not (out / SLUG_MARK).is_file():
        raise UserError(messages.out_is_not_a_slug(out))


def _refuse_tar(tar, out):
    """--tar is replaced by the new archive: a file or nothing, outside the slug it is made of."""
    if tar.is_dir():
        raise UserError(messages.tar_is_a_folder(tar))
    if tar == out or out in tar.parents:
        raise UserError(messages.tar_inside_out(tar, out))


def check_cache(cache):
    if cache.exists() and not cache.is_dir():
        raise UserError(messages.cache_is_a_file(cache))


@contextlib.contextmanager
def private_build(app_dir, config, entries):
    """(BUILD_DIR, ENV_DIR) in a private folder (see `_private_folder`): the app copied as a
    host gets it (its `entries`: see app_entries), the config vars one file each."""
    with _private_folder() as private:
        # Outside the app, like a host's /tmp/build_<id>: the app's own repository, slug and
        # cache are not around it.
        build_dir, env_dir = private / "build", private / "env"
        build_dir.mkdir()
        env_dir.mkdir()
        _copy_app(app_dir, build_dir, entries)
        for name, value in config.items():
            with open(os.open(env_dir / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
                file.write(value)
        yield build_dir, env_dir


def buildpack_step(name, *args, capture=False, shown_as=None):
    """Run the buildpack's step `name` (bin/NAME ARGS) as a host does: in the environment of
    `build_environment`. `shown_as`: relay its output with the build folder (the first of
    ARGS) named as that path (see `_relay`)."""
    command, env = [sys.executable, "-m", "buildpack", name, *map(str, args)], build_environment()
    if shown_as is not None and not capture:
        return _relay(command, env, args[0], shown_as)
    return subprocess.run(command, env=env, capture_output=capture, text=True)


def writable_folder(option, path, folder):
    """Make `folder` (for `option` `path`) and check that the build can write there, before
    the build rather than after it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
    except OSError as exc:
        raise UserError(messages.unwritable_folder(option, path, folder, exc)) from None


@contextlib.contextmanager
def _private_folder():
    """A new folder only this user can read (0700), for the copy of the app and the config vars
    (secrets), removed at the end. The build holds a lock on it while it lives, by which the
    next build knows the folder of a killed build, and removes it."""
    _remove_folders_of_ended_builds()
    while True:
        folder = Path(tempfile.mkdtemp(prefix=PRIVATE_PREFIX))
        lock = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(lock, fcntl.LOCK_EX)
        if folder.exists():  # else another build's clean-up took it before the lock was ours
            break
        os.close(lock)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(lock)


def _remove_folders_of_ended_builds():
    for folder in Path(tempfile.gettempdir()).glob(PRIVATE_PREFIX + "*"):
        try:
            lock = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:  # removed meanwhile, or another user's
            continue
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            shutil.rmtree(folder, ignore_errors=True)
        except BlockingIOError:  # the folder of a build that is running
            pass
        finally:
            os.close(lock)


def _replace_slug(out, build_dir):
    """Put the new slug at `out`, one build at a time (concurrent builds to one --out wait
    here, and the last one's slug stays). It is first moved beside `out` (a copy when the
    temporary folder is on another file system), then swapped in by renames: `out` is never
    a slug moved into another, or half copied."""
    new, old = out.with_name(f".{out.name}.new"), out.with_name(f".{out.name}.old")
    lock = os.open(out.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        files.lock(lock, f"Waiting for another build to finish putting its slug in {out.parent}")
        _refuse_to_replace(out)  # it may have changed during the build
        for leftover in (new, old):  # from a build killed here
            shutil.rmtree(leftover, ignore_errors=True)
        shutil.move(build_dir, new)
        if out.exists():
            out.rename(old)
        new.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        os.close(lock)


def config_vars(env_files, pairs):
    config = {}
    for path in env_files:
        env_file = environment.load_env_file(path)
        for name, value in env_file.values.items():
            if not environment.ENV_NAME.match(name):
                raise UserError(messages.not_a_config_var_name(env_file.source(name), name))
            config[name] = value
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not environment.ENV_NAME.match(name):
            raise UserError(messages.bad_env_option(pair))
        config[name] = value
    return config


def local_only(relative, is_dir):
    """Whether an app path (relative, POSIX) is this machine's own and stays out of the slug,
    tracked by git or not: what a run reads from the app folder (`.env`, `env.py`), `.runtime`,
    `.git` (as the image leaves them out), and local SQLite databases."""
    return layers.left_out(relative, is_dir) or (not is_dir and bool(SQLITE_FILE.search(relative)))


def app_entries(app_dir, leave_out):
    """What a `git push` would send, as paths relative to `app_dir`: in a git checkout (the app
    may be a folder of a larger repository) the files git tracks or would track, so that
    ignored files such as .venv stay behind; elsewhere every file and folder. Never the slug,
    the cache (`leave_out`), or what is `local_only` (.runtime among them)."""
    def kept(path):
        return (not any(path == folder or folder in path.parents for folder in leave_out)
                and not local_only(path.relative_to(app_dir).as_posix(),
                                   path.is_dir() and not path.is_symlink()))

    inside_git = subprocess.run(["git", "-C", str(app_dir), "rev-parse", "--is-inside-work-tree"],
                                capture_output=True, text=True).stdout.strip() == "true"
    if inside_git:
        listed = subprocess.run(
            ["git", "-C", str(app_dir), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True, check=True)
        return [name for name in filter(None, os.fsdecode(listed.stdout).split("\0"))
                if kept(app_dir / name) and not _beyond_a_link(app_dir, name)
                and ((app_dir / name).is_file() or (app_dir / name).is_symlink())]
    entries = []
    for folder, folders, names in os.walk(app_dir):
        folders[:] = [name for name in folders if kept(Path(folder, name))]
        entries += [os.path.relpath(os.path.join(folder, name), app_dir)
                    for name in folders + names if kept(Path(folder, name))]
    return entries


def _copy_app(app_dir, build_dir, entries):
    """Copy the app's `entries` (app_entries), links as links, folders with their modes."""
    folders = []
    for name in entries:
        source, target = app_dir / name, build_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir() and not source.is_symlink():
            target.mkdir(exist_ok=True)
            folders.append((source, target))
        else:
            shutil.copy2(source, target, follow_symlinks=False)
    for source, target in reversed(folders):  # after their files, which change their times
        shutil.copystat(source, target)


def _beyond_a_link(app_dir, name):
    """git still lists the files of a committed folder once it is replaced by a symbolic link:
    they are not the app's, and copying them would read (and write) through the link. The link
    itself is copied as a link, which the build refuses when it leads outside the app."""
    return any((app_dir / folder).is_symlink() for folder in list(Path(name).parents)[:-1])


def detect(build_dir, step=buildpack_step):
    """bin/detect, as a host says its verdict; its exit status."""
    detected = step("detect", build_dir, capture=True)
    if detected.returncode:
        output.step("App not compatible with buildpack")
        sys.stderr.write(detected.stderr)
        return detected.returncode
    output.step(f"{detected.stdout.strip()} app detected")
    return 0


def _build(build_dir, cache, env_dir, out):
    timings = []

    def step(name, *args, capture=False):
        started = time.monotonic()
        result = buildpack_step(name, *args, capture=capture, shown_as=out)
        timings.append((name, time.monotonic() - started))
        return result

    status = detect(build_dir, step)
    if status:
        return status
    compiled = step("compile", build_dir, cache, env_dir)
    if compiled.returncode:
        return compiled.returncode
    released = step("release", build_dir, capture=True)
    if released.returncode:
        sys.stderr.write(released.stderr)
        return released.returncode
    (build_dir / SLUG_MARK).write_text(released.stdout)
    _discover_process_types(build_dir, release.process_types(released.stdout))
    output.step("Build steps: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings))
    return 0


def _relay(command, env, build_dir, out):
    """Run `command`, printing its stdout and stderr as they come, each on its own stream, with
    the private build folder named as `out`, where the slug will be: the build folder is gone
    once the build ends, and its path ("static files copied to '/tmp/.../staticfiles'") would
    point nowhere. On a terminal its stderr is a terminal too (a pseudo-terminal read here), so
    the buildpack colours its boxes as before, and nothing in its environment changes."""
    rewrites = relayed_paths(build_dir, out)
    with contextlib.ExitStack() as stack:
        reader, writer = _terminal() if sys.stderr.isatty() else os.pipe()
        stack.callback(os.close, reader)
        try:
            process = stack.enter_context(subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                                           stderr=writer))
        finally:
            os.close(writer)  # the child's now: the end of its output is the end of ours
        selector = stack.enter_context(selectors.DefaultSelector())
        pending = {}  # fd -> [the stream its lines go to, its unfinished last line]
        for fd, stream in ((process.stdout.fileno(), sys.stdout), (reader, sys.stderr)):
            stream.flush()
            selector.register(fd, selectors.EVENT_READ)
            pending[fd] = [stream, b""]
        while selector.get_map():
            for key, _ in selector.select():
                target = pending[key.fd]
                try:
                    chunk = os.read(key.fd, 1 << 16)
                except OSError as exc:  # EIO: a pseudo-terminal whose other end is closed
                    if exc.errno != errno.EIO:
                        raise
                    chunk = b""
                if not chunk:
                    selector.unregister(key.fd)
                    data, target[1] = target[1], b""
                else:
                    data = target[1] + chunk
                    end = data.rfind(b"\n") + 1
                    data, target[1] = data[:end], data[end:]
                if data:
                    target[0].buffer.write(rewrite_paths(data, rewrites))
                    target[0].flush()
        return subprocess.CompletedProcess(command, process.wait())


def _terminal():
    """A pseudo-terminal's (reading end, writing end), passing bytes as they are (no carriage
    return added before each newline)."""
    reader, writer = os.openpty()
    attributes = termios.tcgetattr(writer)
    attributes[1] &= ~termios.OPOST
    termios.tcsetattr(writer, termios.TCSANOW, attributes)
    return reader, writer


def relayed_paths(build_dir, out):
    """[(bytes to find, bytes to show)]: the build folder, as given and as resolved (the
    buildpack may print either), shown as `out`."""
    shown = os.fsencode(out)
    paths = dict.fromkeys([os.fsencode(build_dir), os.fsencode(os.path.realpath(build_dir))])
    return [(path, shown) for path in paths]


def rewrite_paths(data, rewrites):
    for path, shown in rewrites:
        data = data.replace(path, shown)
    return data


def _discover_process_types(build_dir, defaults):
    """Print the process types as hosts do; add the buildpack's defaults for the types the
    Procfile lacks, at its top (or write a Procfile from them), so the slug runs as a host
    would run it."""
    output.step("Discovering process types")
    path = build_dir / "Procfile"
    declared = procfile.load(path).names() if path.exists() else []
    added = {name: command for name, command in defaults.items() if name not in declared}
    if declared:
        output.detail(f"Procfile declares types -> {', '.join(declared)}")
    if added:
        output.detail(f"Default types for buildpack -> {', '.join(added)}")
        # First, so that `web` gets the base port (`runtime start -p 8000` serves on 8000).
        entries = "".join(f"{name}: {command}\n" for name, command in added.items())
        declared_text = path.read_text() if declared else ""
        comment = "# Added by the buildpack's default_process_types:\n" if declared else ""
        path.write_text(comment + entries + ("\n" + declared_text if declared else ""))
    if not declared and not added:
        output.detail("No process types: add a Procfile with a web process")
