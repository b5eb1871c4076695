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


def build_parser():
    parser = argparse.ArgumentParser(
        prog="runtime",
        description="Build a Django app with the buildpack and run its Procfile, locally or on one server.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for module in COMMAND_MODULES:
        module.add_parser(subparsers)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
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
