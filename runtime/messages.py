"""Every message `runtime` prints of its own, and the one place that decides how its lines start.

These texts are a contract: tests assert them and users search for them. Each function returns
the text; the caller prints it or raises it as a UserError. A line `runtime` writes to stderr
starts with `runtime: ` and, for an error or a warning, its kind (`line`); inside the output of
`runtime start` its lines carry the process name `runtime` instead (supervisor/printer.py).
"""

from buildpack.log.messages import excerpt

PROGRAM = "runtime"
ERROR = "error"
INTERNAL_ERROR = "internal error"
WARNING = "warning"


def line(text, kind=None):
    """A line on stderr from runtime itself: `runtime: TEXT`, or `runtime: KIND: TEXT`."""
    return f"{PROGRAM}: {kind}: {text}" if kind else f"{PROGRAM}: {text}"


# --- the command line and the app ------------------------------------------------------

def internal_error(exc):
    return f"{type(exc).__name__}: {exc} (set RUNTIME_DEBUG=1 to see the traceback)"


def not_a_port_number(text):
    return f"{text!r} is not a port number (1-65535)"


def not_seconds(text):
    return f"{text!r} is not a number of seconds"


def two_app_dirs(positional, option):
    return f"two app directories given ({positional} and -d {option}): give one"


def no_app_dir(root):
    return f"app directory {root} does not exist or is not a directory"


def not_utf8(path, exc):
    return (f"{path} is not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset "
            f"{exc.start}): save it as UTF-8")


# --- the environment -------------------------------------------------------------------

def unreadable_env_file(path, exc):
    return f"cannot read env file {path}: {exc.strerror}"


def too_large(name, size, source, limit):
    return (f"the value of {name} (from {source}) is {size - len(name) - 1} bytes long: Linux "
            f"passes at most {limit - 1} bytes per variable (NAME=value) to a "
            "process, so no process could start with it; shorten it (keep big data in a file and "
            "put the file's path in the variable)")


def missing_env_file(path):
    return (f"env file {path} does not exist or is not a file",
            "create it, or drop the -e option that names it")


def env_file_not_a_file(path, kind, required):
    """(what is wrong, how to fix it) for an env file that is `kind` ("a folder", ...)."""
    what = f"{path} is {kind}, not a file of NAME=value lines"
    if required:
        return f"env file {what}", "give -e a file, or drop the -e option that names it"
    return what, "rename or remove it, or name an env file with -e FILE"


def env_file_problem(what, fix):
    return f"{what}: {fix}"


def invalid_env_file(path, errors):
    found = "\n  ".join(f"{path}:{line}: cannot parse `{excerpt(text)}`" for line, text in errors)
    return (f"the env file {path} is invalid:\n  {found}\n"
            "Write each variable as NAME=value; quote values that contain spaces or "
            "`#` (NAME=\"a value\"), and close every quote.")


def unholdable_name(source, name):
    return (f"{source}: the name {excerpt(name)!r} cannot be given to "
            "an environment variable, since it contains `=` or a NUL byte: use "
            "letters, digits and `_`")


def nul_in_value(source, name):
    return (f"{source}: the value of {name} contains a NUL byte, "
            "which no process environment can hold: remove it")


def env_py_timeout(path, timeout):
    return (f"{path} did not finish within {timeout} s: it should only set "
            "variables (os.environ.setdefault(...)), not wait for anything")


def env_py_failed(path, returncode, errors):
    return (f"{path} failed (exit code {returncode}) while runtime collected "
            "the variables it sets; fix it or remove it. Its output:\n" + errors.rstrip())


def env_py_exited(path):
    return (f"{path} ended the interpreter (sys.exit()?) before runtime could collect "
            "the variables it sets: it should only set variables "
            "(os.environ.setdefault(...))")


def env_py_left_running(env_py):
    return (f"{env_py} left processes running when it finished; runtime stopped them: only "
            "set variables in it (os.environ.setdefault(...)), and start processes from the "
            "Procfile")


def env_py_replaces(env_py, name):
    return (f"{env_py} replaces {name}, which is already set: Django's `import env` would "
            f"override the real value too; use os.environ.setdefault({name!r}, ...)")


def no_bash(profile_d):
    return (f"{profile_d} needs bash to be sourced, and bash is "
            "not installed: install it (apt-get install bash)")


def profile_d_timeout(scripts, timeout):
    return (f"sourcing {scripts} did not finish within "
            f"{timeout} s: these scripts should only set variables")


def profile_d_stopped(script, returncode):
    return (f"{script} stopped the shell (exit code "
            f"{returncode}) while it was being sourced: profile scripts must "
            "set variables only, never call `exit` or fail")


def profile_d_left_running(scripts):
    return (f"{scripts} left processes running when sourced; "
            "runtime stopped them: profile scripts should only set variables, and processes "
            "belong in the Procfile")


# --- start and release: the runner's own lines -----------------------------------------

def could_not_start(name, command, where, reason, too_big):
    if too_big:
        reason += " (the environment is too big: look for a huge value in the env files)"
    return f"{name} could not start `{excerpt(command)}` ({where}): " + reason


def started(name, pid, port):
    return f"{name} started with pid {pid} (PORT={port})"


def signal_received(signal_name):
    return f"{signal_name} received"


def killed_by(name, signal_name, status):
    return f"{name} was killed by {signal_name} (exit code {status})"


def exited(name, status):
    return f"{name} exited with code {status}"


def one_shot_finished(name):
    return f"{name} finished; the other processes keep running"


def command_not_found_in(name, command, where):
    return (f"{name}: the shell could not find a command in `{command}` "
            f"({where}): install it, fix its name, or put it on PATH (a source "
            "checkout needs its virtualenv active; a built slug puts its own on PATH)")


def not_executable_in(name, command, where):
    return (f"{name}: a command in `{command}` ({where}) is not "
            "executable: `chmod +x` it, or run it through its interpreter")


def stopping(timeout):
    return f"stopping all processes with SIGTERM (SIGKILL after {timeout:g} s)"


CTRL_C_WHILE_STOPPING = "Ctrl-C while stopping"
THEIR_PROCESSES = "processes they started"


def killing(reason):
    return f"{reason}: sending SIGKILL to all processes"


def did_not_stop(late, timeout):
    return f"{', '.join(late)} did not stop within {timeout:g} s"


def port_not_bound(name, port, timeout):
    # `warning: ` here, not `runtime: warning: `: the line already carries the name `runtime`.
    return (f"{WARNING}: {name} has not bound PORT {port} within "
            f"{timeout:g} s; a platform would stop it (Heroku error R10). "
            "Listen on 0.0.0.0:$PORT, e.g. `gunicorn --bind 0.0.0.0:$PORT mysite.wsgi`")


def still_running(stuck, wait):
    return f"{', '.join(stuck)} still running {wait} s after SIGKILL; giving up on them"


def release_succeeded(command, where):
    return f"release succeeded: `{command}` ({where})"


def release_failed(status, command, where):
    return (f"release failed with exit code {status}: `{command}` ({where}); a "
            "platform would not deploy this release. Fix the problem above and run it again.")


# --- run --------------------------------------------------------------------------------

NOTHING_TO_RUN = ("nothing to run: give a command (`runtime run python manage.py shell`) or "
                  "a Procfile process type (`runtime run web`)")


def command_not_found(command):
    return (f"command not found: {excerpt(command)} (searched PATH of the app's environment, "
            "from the app root): install it, fix its name, or activate the app's "
            "virtualenv")


def not_executable(command):
    return (f"{excerpt(command)} is not executable: `chmod +x` it, or run it through its "
            "interpreter")


def cannot_run(command, exc):
    return f"cannot run {excerpt(command)}: {exc.strerror}"


# --- export -----------------------------------------------------------------------------

NO_JINJA2 = "runtime export needs the jinja2 package: pip install jinja2"


def cannot_export(format_name, problems):
    return f"cannot export to {format_name}:\n  " + "\n  ".join(problems)


def bad_app_name(app):
    return (f"app name {app!r} may only contain letters, digits, `_` and `-`: "
            "give one with -a NAME")


def bad_user_name(user):
    return f"user name {user!r} is not a valid user name: give one with -u"


def unwritable_path(path, format_name, reason):
    return f"the path {path!r} cannot be written for {format_name}: {reason}"


def bad_variable_name(name, source, format_name):
    return (f"{name} (from {source}) is not a valid environment variable name for "
            f"{format_name}: rename it to letters, digits and `_`")


def unwritable_value(name, source, format_name, reason):
    return (f"the value of {name} (from {source}) cannot be written for "
            f"{format_name}: {reason}; change the value or choose another format")


def cannot_write(path, exc):
    return f"cannot write {path}: {exc.strerror}: choose a directory you can write to"


def wrote(path):
    return f"wrote {path}"


def one_shot_not_exported(one_shot):
    return (f"note: `{one_shot}` is not exported: it is a one-shot; run "
            "`runtime release` on every deploy, before restarting the processes")


# --- the Procfile and the formation ----------------------------------------------------

def no_procfile(path, example):
    return f"no Procfile at {path}: create one with a line like `{example}`, or point to it with -f PROCFILE"


def unreadable_procfile(path, exc):
    return f"cannot read {path}: {exc.strerror}"


def invalid_procfile(lines):
    return "the Procfile is invalid:\n  " + "\n  ".join(lines)


def bad_process_count(item, option):
    return (f"bad process count `{excerpt(item)}` in -c {excerpt(option)}: write TYPE=N with N a "
            "whole number, e.g. -c web=2,worker=1")


def unknown_process_type(name, procfile):
    return f"unknown process type `{excerpt(name)}`: {procfile.path} defines {', '.join(procfile.names())}"


def count_for_unstarted_type(name, hint):
    return f"-c gives a count for `{excerpt(name)}`, but {hint}: name it as a type too, or drop its count"


def nothing_to_start(only):
    return f"nothing to start{only}"


def port_not_a_number(setting):
    return (f"PORT={excerpt(setting.value)!r} (from {setting.source}) is not a port number: set "
            "it to a number between 1 and 65535, or pass -p PORT")


def port_too_high(name, instance, port):
    return f"{name}.{instance} would get port {port}, above 65535: choose a lower base port with -p"


# --- runtime build ---------------------------------------------------------------------

def app_dir_not_a_folder(app_dir):
    return f"{app_dir} is not a folder: give the folder of the app to build"


def cache_is_a_file(cache):
    return f"--cache {cache} is a file, not a folder: give the folder of an earlier cache, or a new one"


def build_failed(status, out):
    return f"Build failed (exit status {status}); {out} was left as it was."


def slug_ready(out):
    return f"Slug ready in {out}"


def out_holds_the_app(out):
    return (f"--out {out} is the app or a folder around it, which the new slug would replace: "
            "give a folder outside the app, or leave --out out to use APP_DIR/.runtime/slug")


def cache_inside_out(cache, out):
    return f"--cache {cache} is inside --out {out}, which the new slug replaces: give a cache folder outside the slug"


def out_is_a_file(out):
    return f"--out {out} is a file, not a folder: give a new or empty folder, or the folder of an earlier slug"


def out_is_not_a_slug(out):
    return (f"--out {out} is a folder that is not a slug built by `runtime build` "
            "(it has no .release file), and the new slug would replace it: give a new "
            "or empty folder, or the folder of an earlier slug")


def unwritable_folder(option, path, folder, exc):
    return f"{option} {path}: cannot write to {folder} ({exc.strerror}): give a folder you can write to"


def not_a_config_var_name(source, name):
    return (f"{source}: {excerpt(name)!r} is not a config var name: use "
            "letters, digits and _, not starting with a digit")


def bad_env_option(pair):
    return f"--env {excerpt(pair)!r}: expected KEY=VALUE with a name of letters, digits and _"


# --- kubernetes -------------------------------------------------------------------------

def options_not_for_format(options, format_name):
    return f"{', '.join(options)} cannot be used with `runtime export {format_name}`: leave {'them' if len(options) > 1 else 'it'} out"


def export_dir_not_a_folder(directory):
    return f"{directory} is a file, not a folder: give a new or existing folder to write the files to"


def kubernetes_needs_image():
    return ("no image given: name the image the objects run with --image REF (for example "
            "--image registry.example/shop:v12, an image made from the slug)")


def bad_image(ref):
    return (f"--image {excerpt(ref)!r} is not an image reference: give one without spaces or "
            "control characters, e.g. registry.example/shop:v12")


def no_kubernetes_app_name(given):
    return (f"app name {excerpt(given)!r} has no letter or digit to make a Kubernetes name of: "
            "give one with -a NAME")


def bad_namespace(namespace):
    return (f"--namespace {excerpt(namespace)!r} is not a Kubernetes namespace name: use at most 63 "
            "lowercase letters, digits and `-`, starting and ending with a letter or digit")


def bad_size(size, sizes):
    return f"--size {excerpt(size)!r} is not a size: choose one of {', '.join(sizes)}"


def bad_health_path(path):
    return (f"--health-path {excerpt(path)!r} is not a URL path: start it with `/`, without spaces, "
            "e.g. --health-path /healthz")


def bad_autoscale(item):
    return (f"bad --autoscale `{excerpt(item)}`: write TYPE=MIN:MAX with whole numbers, "
            "1 <= MIN <= MAX, e.g. --autoscale web=2:10")


def cannot_autoscale(name, procfile):
    others = ", ".join(n for n in procfile.names() if n != "release")
    return f"--autoscale names `{excerpt(name)}`, which is not a process type to scale: {procfile.path} has {others}"


def autoscaled_count(name):
    return (f"`{excerpt(name)}` has both a -c count and an --autoscale range: the autoscaler sets its "
            "replicas, so drop one of the two")


def shared_kubernetes_name(label, names):
    listed = " and ".join(f"`{name}`" for name in names)
    return (f"process types {listed} would all be named `{label}` in Kubernetes: rename all but "
            "one in the Procfile")


def no_kubernetes_name(name):
    return f"process type `{excerpt(name)}` has no letter or digit to make a Kubernetes name of: rename it"


def kubernetes_name_of(what, name, label):
    return f"note: {what} `{excerpt(name)}` is named `{label}` in Kubernetes"


def no_kubectl():
    return ("runtime deploy needs kubectl on PATH: install kubectl and point it at the cluster "
            "(KUBECONFIG, or ~/.kube/config)")


def not_an_export(directory):
    return (f"{directory} holds no kustomization.yaml written by `runtime export kubernetes`: "
            f"run `runtime export kubernetes {directory} --image REF` first")


def kubectl_failed(command, status):
    return f"`{excerpt(command)}` failed (exit status {status}): see kubectl's message above"


def deploy_applying(what, names):
    return f"applying {what}: {', '.join(names)}"


def release_job_rerun(name):
    return f"job/{name} failed before: deleting it to run the release phase again"


def release_job_running(name):
    return f"running the release phase: job/{name}"


def release_job_log(name):
    return f"log of job/{name}:"


def release_job_failed(name):
    return (f"the release phase failed (job/{name}, its log is above): the Deployments were left "
            "as they were; fix the cause and deploy again")


def rollout_waiting(name):
    return f"waiting for the rollout of deployment/{name}"


def rollout_failed(name):
    return (f"the rollout of deployment/{name} did not finish (see kubectl's message above): "
            f"`kubectl describe deployment/{name}` shows why")


def deployed(directory):
    return f"deployed {directory}"


def removed(path):
    return f"removed {path} (the last export's, no longer exported)"
