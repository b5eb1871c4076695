"""`runtime export`: the Procfile's processes as systemd units or a supervisord program group."""

import dataclasses
import math
import os

from buildpack.slug import profile_d
from runtime import exporters, formation, messages
from runtime.app import App, add_app_arguments, add_port_argument
from runtime.commands.start import add_stop_arguments
from runtime.errors import UserError


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "export", help="write systemd units or a supervisord config for the Procfile",
        description="Write configuration that runs the Procfile's processes (every type but "
        "release) under systemd or supervisord, with the same ports and the app's own "
        "configuration (defaults, env.py, .env files; not the environment of this shell). In a "
        "built slug, each process sources .profile.d/*.sh first, with HOME set to the app root.")
    parser.add_argument("format", choices=tuple(exporters.FORMATS), metavar="FORMAT",
                        help="systemd or supervisord")
    parser.add_argument("directory", metavar="DIR", help="where to write the files")
    parser.add_argument("-a", "--app", metavar="NAME",
                        help="app name used in unit and program names (default: the app "
                        "directory's name)")
    parser.add_argument("-u", "--user", metavar="USER",
                        help="user to run the processes as (default: the app name)")
    parser.add_argument("-l", "--log-dir", metavar="DIR",
                        help="supervisord log directory (default: /var/log/APP)")
    parser.add_argument("-c", "--concurrency", action="append", default=[], metavar="TYPE=N,...",
                        help="instances per type, e.g. web=2,worker=1 (all=N for every type)")
    add_port_argument(parser)
    add_app_arguments(parser, real_environment=False)
    add_stop_arguments(parser)
    parser.set_defaults(func=export)


def export(args):
    app = App.from_args(args)
    procfile = app.procfile()
    selection = formation.select(procfile, [], formation.parse_counts(args.concurrency))
    env = app.own_environment()
    app_root = os.path.abspath(app.root)
    slug = os.path.isdir(os.path.join(app_root, ".profile.d"))
    base = formation.base_port(args.port, env)
    processes = formation.processes(procfile, selection, env.values(), base)
    name = args.app or os.path.basename(app_root)
    context = {
        "app": name, "app_root": app_root, "user": args.user or name,
        "log": args.log_dir or f"/var/log/{name}", "shell": exporters.SHELL,
        "timeout": max(1, math.ceil(args.timeout)),
        "header": exporters.header(procfile.path),
    }
    problems = exporters.problems(args.format, processes, env, context)
    if problems:
        raise UserError(messages.cannot_export(args.format, problems))
    if slug:
        processes = [dataclasses.replace(p, command=profile_d.SOURCE + p.command)
                     for p in processes]
    for file in exporters.render(args.format, processes, context):
        path = os.path.join(args.directory, file.name)
        try:
            os.makedirs(args.directory, exist_ok=True)
            # Owner-only: the files hold the app's configuration, secrets included.
            with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w",
                      encoding="utf-8") as output:
                output.write(file.content)
            os.chmod(path, 0o600)  # also when the file was there before
        except OSError as exc:
            raise UserError(messages.cannot_write(path, exc)) from None
        print(messages.wrote(path))
    if formation.ONE_SHOT in procfile.entries:
        print(messages.one_shot_not_exported(formation.ONE_SHOT))
    return 0
