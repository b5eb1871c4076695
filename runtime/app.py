"""The app a command works on: its root, Procfile and env files, taken from the command line."""

import argparse
import functools
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from runtime import environment, messages, procfile
from runtime.environment import app_path
from runtime.errors import UserError
from runtime.formation import is_port_number


def built_from(root):
    """The app folder a slug at `<app>/.runtime/slug` was built from (`runtime build`'s default
    --out); any other folder is its own app."""
    root = Path(root)
    return root.parent.parent if root.parent.name == ".runtime" else root


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


@dataclass
class App:
    root: str
    procfile_path: str
    env_files: list  # [(path, required)]
    override: bool

    @classmethod
    def from_args(cls, args):
        positional = getattr(args, "app_dir_positional", None)
        if positional and args.app_dir and positional != args.app_dir:
            raise UserError(messages.two_app_dirs(positional, args.app_dir))
        root = positional or args.app_dir or "."
        if not os.path.isdir(root):
            raise UserError(messages.no_app_dir(root))
        procfile_path = args.procfile or app_path(root, "Procfile")
        named = [path for option in args.env_file for path in option.split(",") if path]
        env_files = ([(path, True) for path in named] or
                     [(app_path(root, ".env"), False)])
        return cls(root, procfile_path, env_files, getattr(args, "override", False))

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
        env = self._warned(environment.load(self.root, self.env_files, self.override))
        for name, setting in env.settings.items():
            problem = environment.too_large(name, setting.value, setting.source)
            if problem:
                raise UserError(problem)
        return env

    def own_environment(self):
        """The app's own configuration: defaults, env.py and .env files (and a slug's HOME),
        without the real environment of this shell or what .profile.d scripts would compute
        on this machine."""
        return self._warned(environment.load(self.root, self.env_files, environ={},
                                             source_scripts=False, local=False))

    @staticmethod
    def _warned(env):
        for text in env.warnings:
            warn(text)
        return env
