"""`runtime export`: the Procfile's processes as systemd units, a supervisord program group or
Kubernetes objects."""

import dataclasses
import math
import os

from buildpack.slug import profile_d
from runtime import environment, exporters, formation, messages
from runtime.app import App, add_app_arguments, add_port_argument, built_from
from runtime.commands.deploy import exported
from runtime.commands.start import add_stop_arguments
from runtime.errors import UserError
from runtime.exporters import kubernetes

KUBERNETES = "kubernetes"


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "export", help="write systemd units, a supervisord config or Kubernetes objects for the Procfile",
        description="Write configuration that runs the Procfile's processes (every type but "
        "release) under systemd or supervisord, with the same ports and the app's own "
        "configuration (defaults, env.py, .env files; not the environment of this shell). In a "
        "built slug, each process sources .profile.d/*.sh first, with HOME set to the app root. "
        "kubernetes writes one YAML file per object and a kustomization.yaml for an image made "
        "from the slug (see docs/kubernetes.md).")
    parser.add_argument("format", choices=(*exporters.FORMATS, KUBERNETES), metavar="FORMAT",
                        help="systemd, supervisord or kubernetes")
    parser.add_argument("directory", metavar="DIR", help="where to write the files")
    parser.add_argument("-a", "--app", metavar="NAME",
                        help="app name used in unit, program and object names (default: the "
                        "app directory's name, APP's for a slug in APP/.runtime/slug; for "
                        "kubernetes, the image's name)")
    parser.add_argument("-u", "--user", metavar="USER",
                        help="user to run the processes as (default: the app name)")
    parser.add_argument("-l", "--log-dir", metavar="DIR",
                        help="supervisord log directory (default: /var/log/APP)")
    parser.add_argument("-c", "--concurrency", action="append", default=[], metavar="TYPE=N,...",
                        help="instances per type, e.g. web=2,worker=1 (all=N for every type)")
    add_port_argument(parser)
    add_app_arguments(parser, real_environment=False)
    add_stop_arguments(parser)
    group = parser.add_argument_group("kubernetes")
    group.add_argument("--image", metavar="REF",
                       help="the image the objects run (required), e.g. registry.example/shop:v12")
    group.add_argument("--namespace", metavar="NS", help="the namespace of every object "
                       "(default: the namespace of kubectl's context)")
    group.add_argument("--size", metavar="NAME", help="CPU and memory of each container: "
                       f"{', '.join(kubernetes.SIZES)} (default: {kubernetes.DEFAULT_SIZE})")
    group.add_argument("--health-path", metavar="PATH", help="probe web with HTTP GET PATH "
                       "(default: a TCP connection to its port)")
    group.add_argument("--liveness", action="store_true",
                       help="restart a web container whose probe keeps failing")
    group.add_argument("--autoscale", action="append", default=[], metavar="TYPE=MIN:MAX,...",
                       help="scale TYPE between MIN and MAX replicas on CPU use")
    parser.set_defaults(func=export)


KUBERNETES_OPTIONS = {"image": "--image", "namespace": "--namespace", "size": "--size",
                      "health_path": "--health-path", "liveness": "--liveness",
                      "autoscale": "--autoscale"}
NOT_KUBERNETES_OPTIONS = {"user": "-u", "log_dir": "-l"}


def export(args):
    unused = NOT_KUBERNETES_OPTIONS if args.format == KUBERNETES else KUBERNETES_OPTIONS
    given = [option for name, option in unused.items() if getattr(args, name)]
    if given:
        raise UserError(messages.options_not_for_format(given, args.format))
    app = App.from_args(args)
    if args.format == KUBERNETES:
        return export_kubernetes(args, app)
    procfile = app.procfile()
    selection = formation.select(procfile, [], formation.parse_counts(args.concurrency))
    env = app.own_environment()
    app_root = os.path.abspath(app.root)
    slug = os.path.isdir(os.path.join(app_root, ".profile.d"))
    base = formation.base_port(args.port, env)
    processes = formation.processes(procfile, selection, env.values(), base)
    name = app_name(args.app, app_root)
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
    write(args.directory, exporters.render(args.format, processes, context))
    if formation.ONE_SHOT in procfile.entries:
        print(messages.one_shot_not_exported(formation.ONE_SHOT))
    return 0


def app_name(given, app_root):
    """The name units and programs carry: -a NAME, else the app folder's. A slug where
    `runtime build` puts it, APP/.runtime/slug, is named after APP: every built app's slug
    folder is called `slug`."""
    return given or built_from(app_root).name


def write(directory, files):
    if os.path.exists(directory) and not os.path.isdir(directory):
        raise UserError(messages.export_dir_not_a_folder(directory))
    for file in files:
        path = os.path.join(directory, file.name)
        try:
            os.makedirs(directory, exist_ok=True)
            # Owner-only: the files hold the app's configuration, secrets included.
            with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w",
                      encoding="utf-8") as output:
                output.write(file.content)
            os.chmod(path, 0o600)  # also when the file was there before
        except OSError as exc:
            raise UserError(messages.cannot_write(path, exc)) from None
        print(messages.wrote(path))


def env_file_config(env_files):
    """The Environment of the env files alone, later files winning: the config a cluster gets.
    Not env.py (the image runs it), nor defaults or .profile.d (the image applies them)."""
    env = environment.Environment()
    for path, required in env_files:
        problem = environment.env_file_problem(path, required)
        if problem:
            raise UserError(messages.env_file_problem(*problem))
        if os.path.isfile(path):
            env_file = environment.load_env_file(path)
            for name, value in env_file.values.items():
                env.set(name, value, env_file.source(name))
    return env


def kubernetes_problems(args, procfile, env, autoscale, counts, naming):
    """Every reason the Kubernetes export would be wrong, as messages naming the value."""
    found = []
    if not args.image:
        found.append(messages.kubernetes_needs_image())
    elif not kubernetes.IMAGE_REF.match(args.image):
        found.append(messages.bad_image(args.image))
    given_app, app_name, type_names, shared = naming
    if given_app and not app_name:
        found.append(messages.no_kubernetes_app_name(given_app))
    if args.namespace is not None and not kubernetes.NAMESPACE.match(args.namespace):
        found.append(messages.bad_namespace(args.namespace))
    if args.size is not None and args.size not in kubernetes.SIZES:
        found.append(messages.bad_size(args.size, kubernetes.SIZES))
    if args.health_path is not None and not kubernetes.HEALTH_PATH.match(args.health_path):
        found.append(messages.bad_health_path(args.health_path))
    for name in autoscale:
        if name not in procfile.entries or name == formation.ONE_SHOT:
            found.append(messages.cannot_autoscale(name, procfile))
        elif name in counts:
            found.append(messages.autoscaled_count(name))
    for label, names in shared:
        found.append(messages.shared_kubernetes_name(label, names))
    for name, label in type_names.items():
        if not label:
            found.append(messages.no_kubernetes_name(name))
    plain, _ = kubernetes.split_config(env.values())
    for name, setting in env.settings.items():
        if not environment.ENV_NAME.match(name):
            found.append(messages.bad_variable_name(name, setting.source, KUBERNETES))
        reason = environment.too_large(name, setting.value, setting.source)
        if reason:
            found.append(reason)
        reason = kubernetes.value_problem(setting.value) if name in plain else None
        if reason:
            found.append(messages.unwritable_value(name, setting.source, KUBERNETES, reason))
    return found


def export_kubernetes(args, app):
    procfile = app.procfile()
    counts = formation.parse_counts(args.concurrency)
    autoscale, bad = kubernetes.parse_autoscale(args.autoscale)
    if bad is not None:
        raise UserError(messages.bad_autoscale(bad))
    selection = formation.select(procfile, [], counts)
    env = env_file_config(app.env_files)
    port = formation.base_port(args.port, env)
    given_app = args.app or (kubernetes.image_name(args.image) if args.image else "")
    app_name = kubernetes.app_label(given_app)
    type_names, shared = kubernetes.type_labels(procfile.names())
    problems = kubernetes_problems(args, procfile, env, autoscale, counts,
                                   (given_app, app_name, type_names, shared))
    if problems:
        raise UserError(messages.cannot_export(KUBERNETES, problems))
    settings = kubernetes.Settings(
        app=app_name, image=args.image, namespace=args.namespace, counts=dict(selection),
        autoscale=autoscale, type_names=type_names, release=formation.ONE_SHOT in procfile.entries,
        port=port, timeout=max(1, math.ceil(args.timeout)), size=args.size or kubernetes.DEFAULT_SIZE,
        health_path=args.health_path, liveness=args.liveness, config=env.values())
    if app_name != given_app:
        print(messages.kubernetes_name_of("app name", given_app, app_name))
    for name, label in type_names.items():
        if label != name:
            print(messages.kubernetes_name_of("process type", name, label))
    files = kubernetes.render(settings, exporters.header(procfile.path))
    before = exported(args.directory)
    write(args.directory, files)
    # What the last export listed and this one does not (the Job of the previous image, an
    # autoscaler no longer asked for) would otherwise stay in DIR, unlisted.
    written = {file.name for file in files}
    for name in before[0] if before else []:
        path = os.path.join(args.directory, name)
        if name not in written and name == os.path.basename(name) and os.path.isfile(path):
            try:
                os.remove(path)
            except OSError as exc:
                raise UserError(messages.cannot_write(path, exc)) from None
            print(messages.removed(path))
    return 0
