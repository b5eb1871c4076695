"""`runtime config`: the environment processes get, and where each value comes from."""

import shlex

from buildpack.config_vars import mask
from runtime import formation
from runtime.app import App, add_app_arguments, add_port_argument

COMMENT_COLUMN = 48


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "config", help="print the app's environment with the source of each value",
        description="Print the environment the app's processes get, one NAME=value per line "
        "with the source of the value (a file and line, env.py, environment, default, a "
        ".profile.d script, runtime) and the sources it overrides. Secret-looking values are "
        "masked. With TYPE, also the PORT and DYNO of its first instance.")
    parser.add_argument("type", nargs="?", metavar="TYPE",
                        help="a process type: add the PORT and DYNO it gets from `runtime start`")
    add_port_argument(parser)
    add_app_arguments(parser)
    parser.set_defaults(func=config)


def config(args):
    app = App.from_args(args)
    env = app.environment()
    if args.type:
        procfile = app.procfile()
        selection = formation.select(procfile, [args.type], {})
        base = formation.base_port(args.port, env)
        process, = formation.processes(procfile, selection, {}, base)
        for name, value in process.env.items():
            env.set(name, value, f"runtime ({process.name})")
    for name in sorted(env.settings):
        setting = env.settings[name]
        assignment = f"{name}={shlex.quote(mask(name, setting.value))}"
        source = setting.source
        if setting.overrides:
            source += f" (overrides {', '.join(setting.overrides)})"
        print(f"{assignment.ljust(COMMENT_COLUMN)} # {source}")
    return 0
