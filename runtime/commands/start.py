"""`runtime start`: run the Procfile's processes together in the foreground."""

from runtime import formation, services
from runtime.app import App, add_app_arguments, add_port_argument, seconds
from runtime.supervisor.manager import Manager
from runtime.supervisor.printer import Printer


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "start", help="run the Procfile's processes in the foreground",
        description="Run the Procfile's processes together, each with its own PORT and DYNO, "
        "until one exits or runtime is stopped; then stop them all (SIGTERM, then SIGKILL after "
        "--timeout). `release` runs only when named.")
    parser.add_argument("types", nargs="*", metavar="TYPE",
                        help="process types to start (default: every type but release)")
    parser.add_argument("-c", "--concurrency", action="append", default=[], metavar="TYPE=N,...",
                        help="instances per type, e.g. web=2,worker=1 (all=N for every type)")
    add_port_argument(parser)
    add_app_arguments(parser)
    add_stop_arguments(parser)
    parser.add_argument("--boot-timeout", type=seconds, default=60.0, metavar="SECONDS",
                        help="warn when a web process has not bound $PORT after this long "
                        "(default: 60, Heroku's boot timeout)")
    parser.add_argument("--no-prefix", action="store_true",
                        help="print process output as is, without time and name; runtime's own "
                        "messages go to stderr")
    services.add_arguments(parser)
    parser.set_defaults(func=start)


def add_stop_arguments(parser):
    parser.add_argument("--timeout", type=seconds, default=30.0, metavar="SECONDS",
                        help="grace period between SIGTERM and SIGKILL when stopping (default: 30, "
                        "as on Heroku and Kubernetes)")


def start(args):
    app = App.from_args(args)
    procfile = app.procfile()
    selection = formation.select(procfile, args.types, formation.parse_counts(args.concurrency))
    env = app.environment()
    with services.local_services(app.app_folder, env, args.db, args.redis):
        base = formation.base_port(args.port, env)
        processes = formation.processes(procfile, selection, env.values(), base)
        app.prepare_local_database(env)
        printer = Printer([process.name for process in processes], prefix=not args.no_prefix)
        return Manager(processes, app.root, printer, args.timeout, args.boot_timeout).run()
