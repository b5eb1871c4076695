"""`runtime` command line: one sub-command per module, dispatched from here.

Each command module has `add_parser(subparsers)`, which registers its arguments and sets
`func` (called with the parsed arguments; its return value is the exit status).
"""

import argparse
import os
import sys
import traceback

from runtime import messages
from runtime.commands import build, check, config, deploy, export, image, release, run, start, test
from runtime.errors import UserError

COMMAND_MODULES = [build, release, start, run, config, export, image, deploy, check, test]
DISTRIBUTION = "django-buildpack"  # setup.cfg's name: the package `runtime` is installed with


class _Version(argparse.Action):
    """--version, reading the installed package's metadata only when asked."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="print runtime's version and exit")

    def __call__(self, parser, namespace, values, option_string=None):
        import importlib.metadata  # here: importing it costs every other command 20 ms or more

        try:
            version = importlib.metadata.version(DISTRIBUTION)
        except importlib.metadata.PackageNotFoundError:
            version = None
        print(messages.version(version))
        parser.exit()


def build_parser():
    parser = argparse.ArgumentParser(
        prog="runtime",
        description="Build a Django app with the buildpack and run its Procfile, locally or on one server.",
    )
    parser.add_argument("--version", action=_Version)
    subparsers = parser.add_subparsers(dest="subcommand", metavar="COMMAND")
    subparsers.required = True
    for module in COMMAND_MODULES:
        module.add_parser(subparsers)
    parser.set_defaults(command_parsers=subparsers.choices)
    return parser


def parse(parser, argv):
    """The parsed arguments. Arguments a sub-command does not know are reported with that
    sub-command's usage, which lists what it does know (argparse gives the top-level usage)."""
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        args.command_parsers[args.subcommand].error(messages.unrecognized_arguments(unknown))
    return args


def main(argv=None):
    args = parse(build_parser(), argv)
    try:
        status = args.func(args)
    except UserError as exc:
        print(messages.line(exc, messages.ERROR), file=sys.stderr)
        status = exc.status
    except KeyboardInterrupt:
        status = 130
    except BrokenPipeError:  # the reader went away (`runtime config | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush
        status = 141
    except Exception as exc:  # our own bug: one line, the traceback only on request
        if os.environ.get("RUNTIME_DEBUG"):
            traceback.print_exc()
        print(messages.line(messages.internal_error(exc), messages.INTERNAL_ERROR),
              file=sys.stderr)
        status = 70
    sys.exit(status or 0)
