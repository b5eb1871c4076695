"""The app a command works on: its root, Procfile and env files, taken from the command line."""

import argparse
import functools
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path, PurePath

from buildpack import app_json
from buildpack.django import discovery
from buildpack.log.output import BuildError
from runtime import environment, messages, procfile
from runtime.environment import app_path
from runtime.errors import UserError, from_build_error
from runtime.formation import is_port_number

# In a slug `runtime build` made: where it was put, and the app folder it was built from, whose
# .env, env.py and .runtime/data the slug's runs use (a slug never holds them).
APP_RECORD = ".runtime-app.json"


SLUG_FOLDER = (".runtime", "slug")  # runtime build's default --out, inside the app folder


def built_from(root):
    """The app folder a slug at `<app>/.runtime/slug` (runtime build's default --out) was built
    from, by its path alone; any other folder is its own app."""
    path = PurePath(root)
    return path.parent.parent if path.parts[-2:] == SLUG_FOLDER and len(path.parts) > 3 else path


def manifest(app_root):
    """The app's app.json (an empty one without it), its errors naming `<app_root>/app.json`."""
    try:
        return app_json.read(app_root, app_path(app_root, app_json.NAME))
    except BuildError as exc:
        raise from_build_error(exc) from None


def port_number(text):
    if not is_port_number(text):
        raise argparse.ArgumentTypeError(messages.not_a_port_number(text))
    return int(text)


def seconds(text):
    try:
        value = float(text)
    except ValueError:
        value = -1
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(messages.not_seconds(text))
    return value


def add_app_arguments(parser, app_dir_positional=False, real_environment=True):
    """-d, -f, -e and (when the real environment is used) --override."""
    if app_dir_positional:
        parser.add_argument("app_dir_positional", nargs="?", metavar="APP_DIR",
                            help="the app root (same as -d)")
    parser.add_argument("-d", "--app-dir", metavar="APP_DIR",
                        help="the app root: processes run there, and its Procfile, .env and env.py "
                        "are used (default: the current directory)")
    parser.add_argument("-f", "--procfile", metavar="PROCFILE",
                        help="the Procfile to use (default: APP_DIR/Procfile)")
    parser.add_argument("-e", "--env-file", action="append", default=[], metavar="FILE",
                        help="read variables from FILE instead of APP_DIR/.env; repeat it (or give "
                        "a comma-separated list) for several files, later files winning")
    if real_environment:
        parser.add_argument("--override", action="store_true",
                            help="let .env values win over the real environment (by default the "
                            "real environment wins)")


def add_port_argument(parser):
    parser.add_argument("-p", "--port", type=port_number, metavar="PORT",
                        help="base port (default: $PORT, else 5000); each type gets base + 100 x "
                        "its position in the Procfile, each extra instance one more")


def warn(text):
    print(messages.line(text, messages.WARNING), file=sys.stderr)


def record_app_folder(slug_dir, app_folder, out):
    """Write in the slug being made in `slug_dir` the app folder it is built from and `out`, the
    folder it goes to (absolute paths)."""
    with open(os.path.join(slug_dir, APP_RECORD), "w", encoding="utf-8") as file:
        json.dump({"app_folder": os.path.abspath(app_folder), "slug": os.path.abspath(out)}, file)
        file.write("\n")


def read_app_record(root):
    """(app folder, slug folder) as the slug at `root` recorded them, or None (not a slug
    `runtime build` made)."""
    try:
        with open(os.path.join(root, APP_RECORD), encoding="utf-8") as file:
            record = json.load(file)
        folders = record["app_folder"], record["slug"]
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return folders if all(isinstance(folder, str) and folder for folder in folders) else None


def shown_path(path, cwd):
    """`path` as messages and sources show it: relative when it is inside `cwd`."""
    relative = os.path.relpath(path, cwd)
    return path if relative == os.pardir or relative.startswith(os.pardir + os.sep) else relative


def choose_app_folder(root, record, here, recorded_exists, cwd):
    """(the app folder of the app or slug at `root`, a warning or None). `record` is what the
    slug recorded (read_app_record), `here` the real path of `root`. A slug still where it was
    built uses the app folder it was built from; a plain app folder, a slug without a record,
    or one moved or copied since (to a server, as a host's slug is) is its own. A recorded
    folder that is gone leaves the slug as its own app folder, with a warning."""
    if record is None or record[1] != here:
        return root, None
    if not recorded_exists:
        return root, messages.app_folder_gone(root, record[0])
    return shown_path(record[0], cwd), None


@dataclass
class App:
    root: str
    procfile_path: str
    env_files: list  # [(path, required)]
    override: bool
    app_folder: str  # where .env, env.py and .runtime/data are: root, unless a slug's

    @classmethod
    def from_args(cls, args):
        positional = getattr(args, "app_dir_positional", None)
        if positional and args.app_dir and positional != args.app_dir:
            raise UserError(messages.two_app_dirs(positional, args.app_dir))
        root = positional or args.app_dir or "."
        if not os.path.isdir(root):
            raise UserError(messages.no_app_dir(root))
        record = read_app_record(root)
        app_folder, problem = choose_app_folder(root, record, os.path.realpath(root),
                                                record is not None and os.path.isdir(record[0]), os.getcwd())
        if problem:
            warn(problem)
        procfile_path = args.procfile or app_path(root, "Procfile")
        named = [path for option in args.env_file for path in option.split(",") if path]
        env_files = ([(path, True) for path in named] or
                     [(app_path(app_folder, ".env"), False)])
        return cls(root, procfile_path, env_files, getattr(args, "override", False), app_folder)

    @functools.cached_property
    def parsed_procfile(self):
        """procfile.read of the Procfile, read once when it reads (a failing read raises its
        UserError again next time)."""
        return procfile.read(self.procfile_path)

    def procfile(self):
        """The parsed Procfile; errors stop the command, warnings are printed."""
        parsed = procfile.load(self.procfile_path)
        for problem in parsed.warnings:
            warn(f"{parsed.where(problem)}: {problem.message}")
        return parsed

    def environment(self):
        """The app's Environment (all layers but the per-process PORT and DYNO), which every
        process can be given."""
        env = self._warned(environment.load(self.root, self.env_files, self.override,
                                             app_folder=self.app_folder))
        for name, setting in env.settings.items():
            problem = environment.too_large(name, setting.value, setting.source)
            if problem:
                raise UserError(problem)
        return env

    def prepare_local_database(self, env, announce=True):
        """Before processes start with `env`: when their database is the local platform's
        default, make its folder, and (with `announce`, for a Django app: one that has a
        database to speak of) say so, once per command."""
        database = env.get("DATABASE_URL")
        if database is None or database.source != environment.LOCAL_PLATFORM:
            return
        folder = app_path(self.app_folder, environment.LOCAL_DATA)
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            raise UserError(messages.local_data_unwritable(folder, exc)) from None
        if announce and self.is_django():
            shown = app_path(folder, environment.LOCAL_DATABASE)
            print(messages.line(messages.local_database(shown)), file=sys.stderr, flush=True)

    def is_django(self):
        """Whether the app has a Django project, as the buildpack finds it (a manage.py)."""
        try:
            return discovery.find_manage_py(Path(self.root), {}) is not None
        except BuildError:  # several, or one that is a folder: Django's all the same
            return True

    def own_environment(self):
        """The app's own configuration: defaults, env.py and .env files (and a slug's HOME),
        without the real environment of this shell or what .profile.d scripts would compute
        on this machine."""
        return self._warned(environment.load(self.root, self.env_files, environ={},
                                             source_scripts=False, local=False,
                                             app_folder=self.app_folder))

    @staticmethod
    def _warned(env):
        for text in env.warnings:
            warn(text)
        return env
