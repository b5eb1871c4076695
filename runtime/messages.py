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


def slug_up_to_date():
    return "Slug up to date: nothing the build reads has changed since it was built"


def how_to_rebuild():
    return ("(the app's files, the config vars, the cache, the Pythons and the buildpack); "
            "--rebuild builds it again")


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


# --- runtime image ---------------------------------------------------------------------

def _size(count):
    for unit in ("bytes", "KB", "MB"):
        if count < 1000 or unit == "MB":
            return f"{count} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000
    return ""


def no_slug(path):
    return (f"{excerpt(path)}: no such folder: give the slug `runtime build` made (by default "
            "APP_DIR/.runtime/slug)")


def not_a_slug(path):
    return (f"{excerpt(path)} is not a built slug (it has no .release or .heroku/release.yml): build "
            "the app first with `runtime build APP_DIR`, then give its slug (APP_DIR/.runtime/slug)")


def bad_image_reference(option, value):
    return (f"{option} {excerpt(value)!r} is not an image name: write NAME:TAG or "
            "REGISTRY/NAME:TAG, with a lowercase name of letters, digits and . _ - separated by /, "
            "and a tag of letters, digits and . _ - (for example guestbook:v1)")


def bad_archive_path(value):
    return (f"--archive {excerpt(value)!r}: give the path of a tar file to write, in a folder "
            "that exists")


def image_out_overlaps_slug(out, slug_dir):
    return (f"--out {out} and the slug {slug_dir} overlap: the image would hold itself, or replace "
            "the slug; give a folder outside the slug (the default is `image` beside it)")


def image_out_is_a_file(root):
    return f"--out {root} is a file: give a new or empty folder, or the folder of an earlier image"


def image_out_not_a_layout(root):
    return (f"--out {root} holds files that are not an OCI image layout (no oci-layout file), "
            "and the image's blobs would be mixed with them: give a new or empty folder, or the "
            "folder of an earlier image")


def image_layout_unreadable(root, name, exc):
    return (f"{root}/{name} cannot be read as an OCI image layout's {name} ({excerpt(exc)}): "
            "remove the folder, or give another --out")


def image_no_space(out):
    return (f"no space left on the disk of {out}: free some space and run it again (the layers "
            "already written are reused), or give --out a folder on another disk")


def making_base(built_on):
    system = f" for {built_on}" if built_on else ""
    return f"Making a base image from Debian's packages{system} (once: it is kept for the next images)"


def reading_base(source):
    return f"Using the base image {excerpt(source)}"


def writing_layers(out):
    return f"Writing the image's layers to {out}"


def layer_written(name, size, reused):
    return f"{name}: {_size(size)}, " + ("unchanged, reused" if reused else "written")


def image_ready(out, name, digest, seconds):
    local = name if "/" in name else f"localhost/{name}"
    return (f"Image {name} ready in {seconds:.1f} s: {digest}\n"
            f"       To run it: skopeo copy oci:{out}:{name} containers-storage:{local}\n"
            f"                  podman run --rm -p 5000:5000 {local}")


def archive_written(path):
    return f"Wrote {path} (podman load -i {path}, docker load -i {path})"


def pushing(destination):
    return f"Pushing to {destination} with skopeo"


def skopeo_missing():
    return "--push needs skopeo, which is not on PATH: install it (Debian: apt-get install skopeo)"


def push_failed(destination, said):
    return (f"the push to {excerpt(destination)} failed: {excerpt(said)}\n"
            "Check the registry's address and that it is running; for credentials set "
            "REGISTRY_AUTH_FILE, or RUNTIME_REGISTRY_USERNAME and RUNTIME_REGISTRY_PASSWORD; for a "
            "registry on plain HTTP mark it `insecure = true` in registries.conf")


def registry_credentials_half(username, password):
    return f"set both {username} and {password}, or neither (to use REGISTRY_AUTH_FILE)"


# --- image: the base -------------------------------------------------------------------

BASE_FORMS = ("an OCI image layout folder (FOLDER or FOLDER:TAG), an oci-archive tar or a docker-archive "
              "tar (`skopeo copy ... oci:FOLDER`, `podman save`)")


def base_not_found(source):
    return f"--base {source}: no such file or folder: give {BASE_FORMS}"


def base_not_a_folder_or_tar(source):
    return f"--base {source} is neither a folder nor a tar file: give {BASE_FORMS}"


def base_no_index(source):
    return (f"--base {source} is a folder without index.json, so not an OCI image layout: give {BASE_FORMS}")


def base_tar_not_an_image(source):
    return (f"--base {source} is a tar with neither index.json (an oci-archive) nor manifest.json "
            f"(a docker-archive) at its top: give {BASE_FORMS}")


def _tag_list(tags):
    return f"its tags: {', '.join(excerpt(tag) for tag in tags)}" if tags else "it has no tags"


def base_tag_not_found(source, tag, tags):
    return f"--base {source}: no image tagged {excerpt(tag)!r} ({_tag_list(tags)}): give one of its tags"


def base_several_images(source, tags):
    return f"--base {source} holds several images ({_tag_list(tags)}): choose one with --base {source}:TAG"


def base_no_image_for(source, architecture, found):
    return (f"--base {source} has no image for this machine's architecture ({architecture}; it has "
            f"{', '.join(found) or 'none'}): give a base made for {architecture}")


def base_blob_missing(source, digest):
    return (f"--base {source}: blob {digest} is missing (blobs/{digest.replace(':', '/', 1)}): the layout "
            "is incomplete; copy the image again (skopeo copy)")


def base_not_an_image(source, what):
    return f"--base {source}: {what}, so it is not an image: give {BASE_FORMS}"


def base_unreadable(source, what, reason):
    return f"--base {source}: cannot read {what} ({excerpt(reason)}): give {BASE_FORMS}"


def no_mmdebstrap():
    return ("making a base image needs mmdebstrap, which is not installed: install Debian's package "
            "mmdebstrap (apt-get install mmdebstrap), or give a base with --base")


def mmdebstrap_failed(status, log):
    return (f"mmdebstrap failed (exit status {status}) making the base image; it said: {excerpt(log)}; "
            "fix the cause (the apt mirror must be reachable), or give a base with --base")


def base_cannot_be_made(stack, machine):
    return (f"the slug was built on {stack}, and a base can be made here for this machine's release "
            f"only ({machine}, a Debian release): make the image on a {stack} machine, or give a "
            f"{stack} base with --base")


def no_stack_record():
    return ("the slug has no .heroku/stack, so the OS it was built on is not known (it was built "
            "before the buildpack recorded it): rebuild it with `runtime build`")


def base_other_os(base_os, stack):
    return (f"the base is {base_os}, the slug was built on {stack}: its Python and packages are linked "
            f"against {stack}'s libraries, which another release may lack or have in other versions; "
            f"give a {stack} base with --base, or leave --base out to make one")


def base_lacks_python(python):
    return (f"the slug's Python is the distribution's {python} (its .heroku/python is a virtual "
            f"environment over it), and the base has no {python}: give a base that has it (in Debian, "
            f"the package {python.rsplit('/', 1)[-1]}), leave --base out to make one with it, or "
            "rebuild the slug with a self-contained Python (installed with pyenv or uv)")


# --- runtime check ---------------------------------------------------------------------
# A finding with a fix is a pair (what was found, how to fix it); one that passes is its text.

def procfile_not_found(path, example):
    return (f"no Procfile at {path}",
            f"add one with a line like `{example}`; without it only a default web process (if "
            "any) runs")


def procfile_not_readable(error):
    return error, "make it a readable UTF-8 file"


def procfile_problem(procfile, problem):
    return f"{procfile.where(problem)}: {problem.message}", problem.fix


def procfile_process_types(path, names):
    return f"{path}: {len(names)} process type{'s' * (len(names) != 1)} ({', '.join(names)})"


def env_file_not_readable(error):
    return error, "save it as readable UTF-8 text"


def env_line_unparsable(path, line, text):
    return (f"{path}:{line}: cannot parse `{text}`",
            "write NAME=value; quote values with spaces or `#` (NAME=\"a value\") and close every "
            "quote")


def env_line_without_equals(path, line, name):
    return (f"{path}:{line}: `{name}` has no `=`, so it is ignored",
            f"write {name}= for an empty value, or delete the line")


def env_name_set_again(path, line, name, first):
    return (f"{path}:{line}: {name} is set again (first on line {first}); the last value wins",
            "keep one of the two lines")


def env_name_not_portable(path, line, name):
    return (f"{path}:{line}: {excerpt(name)} is not a valid variable name for a shell, systemd or "
            "supervisord", "use letters, digits and `_` only")


def env_file_variables(path, count):
    return f"{path}: {count} variable{'s' * (count != 1)}"


def env_py_does_not_run(error):
    return error, "make env.py run on its own: `python env.py` in the app root"


def env_py_leaves_processes(path):
    return (f"{path} left processes running when it finished (runtime stopped them)",
            "only set variables in it (os.environ.setdefault(...)); start processes from the "
            "Procfile")


def env_py_overrides_platform(path, name):
    return (f"{path} replaces {name}, which is already set, so the platform's value would be "
            "overridden too", f"use os.environ.setdefault({name!r}, ...)")


def env_py_variables(path, count):
    return f"{path}: runs and sets {count} variable{'s' * (count != 1)}"


_WEB_EXAMPLE = "web: gunicorn mysite.wsgi --bind 0.0.0.0:$PORT"


def no_web_process(path):
    return (f"{path}: no `web` process type, so the app serves no HTTP",
            f"add one, e.g. `{_WEB_EXAMPLE}`")


def web_runs_runserver(where):
    return (f"{where}: `web` runs Django's development server, which is not made for production "
            "(single process, serves static files slowly, no hardening)",
            f"use gunicorn: `{_WEB_EXAMPLE}`")


def web_binds_loopback(where):
    return (f"{where}: `web` binds $PORT on the loopback interface only, where the router can't "
            "connect", "bind all interfaces: 0.0.0.0:$PORT")


def web_binds_port(where):
    return f"{where}: `web` binds $PORT"


def web_gunicorn_binds_port(where):
    return f"{where}: `web` runs gunicorn without --bind, so it binds 0.0.0.0:$PORT itself"


def web_does_not_bind_port(where):
    return (f"{where}: `web` doesn't bind $PORT, so the router can't reach it",
            f"bind 0.0.0.0:$PORT, e.g. `{_WEB_EXAMPLE}`")


_SECRET_KEY_FIX = ("read it from the environment (builds get a stand-in), with a key for DEBUG only, "
                   "after DEBUG: SECRET_KEY = os.environ.get(\"SECRET_KEY\") or "
                   "(\"insecure-dev-key\" if DEBUG else None)")
_DEBUG_FIX = ("parse it strictly, off by default: "
              "DEBUG = os.environ.get(\"DJANGO_DEBUG\") == \"True\"")
_ALLOWED_HOSTS_FIX = ("build it from the environment: ALLOWED_HOSTS = [os.environ.get(\"DOMAIN\", \"\")] + "
                      "[h.strip() for h in os.environ.get(\"DOMAIN_ALIASES\", \"\").split(\",\") if h.strip()]")
_DEPLOYMENT_CHECKLIST = "https://docs.djangoproject.com/en/stable/howto/deployment/checklist/"
NO_OUTPUT = "(no output)"


def no_python_for_django():
    return ("no `python` on PATH to run the app's Django with, so the settings were not checked",
            "activate the app's virtualenv, or check a built slug (`runtime build`, then "
            "`runtime check .runtime/slug`)")


def python_without_django(python):
    return (f"{python} can't import Django, so the settings were not checked",
            "check a built slug (`runtime build`, then `runtime check .runtime/slug`), or activate "
            "the app's virtualenv with its requirements installed")


def settings_fail_for_build(manage_py, last_line):
    return (f"{manage_py}: the settings don't import without DATABASE_URL and SECRET_KEY, as "
            "during a build:\n" + last_line,
            "give every variable the settings read a default for builds, e.g. "
            "dj_database_url.config(default=\"sqlite:///db.sqlite3\"), and read SECRET_KEY with "
            "os.environ.get(\"SECRET_KEY\") (the build gives a stand-in; a key that is missing "
            "at run time is Django's error)")


def settings_import_for_build(manage_py):
    return (f"{manage_py}: the settings import without DATABASE_URL and SECRET_KEY, as during a "
            "build")


def settings_fail_with_platform_variables(last_line):
    return ("the settings fail to import with the platform's variables set:\n" + last_line,
            "run `python manage.py check` with them set and fix the error")


def secret_key_from_environment(source):
    return f"SECRET_KEY is read from the environment ({source})"


def secret_key_empty():
    return "SECRET_KEY is empty even when SECRET_KEY is set in the environment", _SECRET_KEY_FIX


def secret_key_hard_coded():
    return ("SECRET_KEY is hard-coded in the settings: the key in the repository signs production "
            "sessions", _SECRET_KEY_FIX)


def debug_on_by_default():
    return ("DEBUG is on when no DEBUG variable is set: production would show tracebacks and "
            "settings to anyone", _DEBUG_FIX)


def debug_on_with_false():
    return ("DEBUG is on with DEBUG=False and DJANGO_DEBUG=False in the environment: the string "
            "\"False\" turns it on", _DEBUG_FIX)


def debug_cannot_be_turned_on():
    return ("DEBUG can't be turned on from the environment (DEBUG=True or DJANGO_DEBUG=True)",
            _DEBUG_FIX)


def debug_from_environment():
    return "DEBUG is read from the environment, off unless set to True"


def allowed_hosts_any():
    return ("ALLOWED_HOSTS accepts any host (\"*\"): safe only when the router rejects other Host "
            "headers", _ALLOWED_HOSTS_FIX)


def allowed_hosts_from_environment():
    return "ALLOWED_HOSTS is read from the environment"


def allowed_hosts_fixed(hosts):
    return (f"ALLOWED_HOSTS is {hosts!r} whatever the environment says (DOMAIN, ALLOWED_HOSTS ...): "
            "requests for the app's domain get 400 Bad Request", _ALLOWED_HOSTS_FIX)


def databases_from_database_url():
    return "DATABASES is read from DATABASE_URL"


def databases_ignore_database_url():
    return ("DATABASES ignores DATABASE_URL, so the platform's database is not used",
            "DATABASES = {\"default\": dj_database_url.config(default=\"sqlite:///db.sqlite3\", "
            "conn_max_age=600)} (pip install dj-database-url)")


def no_static_files():
    return "no static files to serve (django.contrib.staticfiles isn't installed)"


def static_root_not_set(fix):
    return "STATIC_ROOT is not set, so collectstatic fails", fix


def static_files_served(backend):
    return f"STATIC_ROOT is set and WhiteNoise serves it ({backend})"


def deploy_check_found(check_id, text, hint):
    """Django's own finding; when it gives no hint, its deployment checklist is the fix."""
    return (f"check --deploy: ({check_id}) {text}",
            hint or f"see Django's deployment checklist: {_DEPLOYMENT_CHECKLIST}")


def env_file_tracked(name):
    return (f"{name} is tracked by git, so its values (secrets, a local DATABASE_URL) reach every "
            "build and deploy and override the platform's",
            f"git rm --cached {name} && echo {name} >> .gitignore")


def env_files_not_tracked():
    return ".env and env.py are not tracked by git"


def check_summary(failed, warnings, passed):
    return f"{failed} failed, {warnings} warning{'s' * (warnings != 1)}, {passed} passed"


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


# --- local services (PostgreSQL, Redis) -------------------------------------------------

def service_replaces(option, variable, source):
    return f"{option}: {variable} from {source} is replaced by the local server's"


def service_not_started(addon, variable, source, option):
    return (f"app.json lists {addon}, but {variable} is set ({source}): using it, no local "
            f"server (give {option} to run one instead)")


def services_stopped(signal_name):
    return f"stopped by {signal_name}"


def service_failed(program, output, log):
    said = f": {excerpt(output.strip())}" if output.strip() else ""
    return f"{program} failed{said} (its log is {log})"


def service_left_running(name, folder):
    return f"{name} ({folder}) keeps running: another runtime command of this app still uses it"


def postgres_running(version, port, database, folder, made, reused):
    how = ", a new cluster" if made else ", already running" if reused else ""
    return f"PostgreSQL {version} at 127.0.0.1:{port}, database {database}{how} (data in {folder})"


def postgres_missing(setting, value):
    if value:
        return (f"{setting} is {excerpt(value)}, which has no PostgreSQL server programs (initdb, "
                f"pg_ctl, psql): set it to the folder that has them, e.g. /usr/lib/postgresql/15/bin")
    return ("PostgreSQL's server programs (initdb, pg_ctl) are not installed: install Debian's "
            "`postgresql` package (`sudo apt-get install postgresql`), or set "
            f"{setting} to the folder that has them")


def postgres_version_missing(wanted, found):
    return (f"the cluster was made by PostgreSQL {wanted}, but only PostgreSQL "
            f"{', '.join(found)} is installed: install Debian's `postgresql-{wanted}` package, "
            "or move the cluster's folder away to start a new one (its data stays there)")


def postgres_no_user(user):
    return (f"PostgreSQL refuses to run as root, and there is no `{user}` user to run it as: "
            f"install Debian's `postgresql` package (it creates `{user}`), or run runtime as "
            "another user")


def postgres_no_setpriv():
    return ("PostgreSQL refuses to run as root, and `setpriv` (Debian's `util-linux`), which "
            "runs it as the `postgres` user, is not installed: install it, or run runtime as "
            "another user")


def redis_missing():
    return ("Redis is not installed (no `redis-server` on PATH): install Debian's `redis-server` "
            "package (`sudo apt-get install redis-server`)")


def redis_running(port, folder, reused):
    how = ", already running" if reused else ""
    return f"Redis at 127.0.0.1:{port}{how} (data in {folder})"


# --- runtime test ----------------------------------------------------------------------

def test_compile_failed(status):
    return f"Test build failed (exit status {status}): the tests did not run."


def running_test_setup(script):
    return f"Running app.json's test-setup script: {script}"


def test_setup_failed(status):
    return f"app.json's test-setup script failed (exit status {status}): the tests did not run."


def running_test_script(script):
    return f"Running app.json's test script: {script}"


def running_with_junit_runner(description, runner):
    return f"Running {description} --testrunner {runner} (for --junit)"


def tests_passed():
    return "Tests passed"


def tests_failed(status):
    return f"Tests failed (exit status {status})"


def no_junit_written(path):
    return (f"--junit: the tests wrote no JUnit XML to {path}; pytest writes it, and manage.py test when "
            "bin/test runs it (a test script running manage.py test can add --testrunner "
            "runtime_django_junit.JUnitRunner)")


def addon_not_provided(name):
    return f"app.json's test add-on {name} is not provided by runtime test: the tests run without it"



# --- runtime build --tar: the slug archive ----------------------------------------------


def tar_is_a_folder(tar):
    return f"--tar {tar} is a folder: give the name of the archive file to write, such as slug.tgz"


def tar_inside_out(tar, out):
    return f"--tar {tar} is inside --out {out}, which the new slug replaces: give a file outside the slug"


def slug_archive_written(tar, checksum_file):
    return f"Slug archive written to {tar} (./app, as Heroku's slugs), its sha256 in {checksum_file}"


def slug_archive_checksum(checksum):
    return f"Checksum for Heroku's slug create: {checksum}"


def tar_not_written(tar, exc):
    return (f"--tar {tar} could not be written ({exc.strerror}), and the slug was not put in --out "
            "either: free some space or give a folder you can write to")


# --- local error logging, and the runtime check findings that go with it ----------------

def local_logging_source():
    return ("runtime (shows Django's request errors on stderr in local runs; "
            "RUNTIME_LOCAL_LOGGING=0 turns it off)")


_RELEASE_LINE = "release: python manage.py migrate --noinput"


def no_release_with_migrations(path, migration):
    return (f"{path}: no `release` process type, while the app has migrations ({migration}): a "
            "deploy would start the new code on a database without its tables",
            f"add `{_RELEASE_LINE}` to the Procfile; it runs once per deploy, before the new "
            "processes start")


def release_with_migrations(where):
    return f"{where}: `release` runs before each deploy, for the app's migrations"


def python_version_pinned(version):
    return f".python-version asks for Python {version}"


def python_version_file_missing(source, minor):
    """`source`: where the build takes its Python from instead (runtime.txt, requires-python in
    pyproject.toml), or None for the build's default."""
    why = (f"the build reads {source} instead" if source else
           "the build picks its default Python, which changes as new Pythons come out")
    return (f"no .python-version: {why}",
            f"pin the Python the app runs on: echo {minor} > .python-version"
            + (" && git rm runtime.txt" if source == "runtime.txt" else ""))


def python_version_unreadable(title, body):
    return f"the build would fail: {title}", " ".join(body.split())


def secret_key_fallback():
    return ("SECRET_KEY has a fallback in the settings that is used when DEBUG is off: a platform "
            "that forgot to set SECRET_KEY would run on the key in the repository",
            "fall back only while debugging, after DEBUG is set: SECRET_KEY = "
            "os.environ.get(\"SECRET_KEY\") or (\"insecure-dev-key\" if DEBUG else None) (Django "
            "then refuses to run without a key; builds get a stand-in key)")


def secret_key_no_fallback():
    return "SECRET_KEY has no fallback when DEBUG is off"


LOGGING_FIX = ('LOGGING = {"version": 1, "disable_existing_loggers": False, '
               '"handlers": {"console": {"class": "logging.StreamHandler"}}, '
               '"root": {"handlers": ["console"], "level": "INFO"}, '
               '"loggers": {"django": {"level": "INFO"}}}')


def errors_not_logged():
    return ("with DEBUG off, Django's request errors (a 500's traceback, why a request got 400) "
            "reach no handler that writes to stdout or stderr, so the platform's logs would not "
            "show them",
            f"add to the settings: {LOGGING_FIX} (the `django` entry replaces Django's own "
            "handlers: its debug-only console handler would print each line twice with DEBUG on, "
            "and mail_admins)")


def errors_logged():
    return "with DEBUG off, Django's request errors are logged to stdout or stderr"


# --- the first hour: version, usage, busy port ---------------------------------------------

def version(number):
    if number is None:
        return (f"{PROGRAM}: version unknown (run from a checkout that is not installed: "
                "pip install it, or run scripts/setup)")
    return f"{PROGRAM} {number}"


def unrecognized_arguments(arguments):
    # argparse's own wording, for the arguments it would have reported with the top-level usage
    return f"unrecognized arguments: {excerpt(' '.join(arguments))}"


def port_in_use(name, port):
    return (f"{name} stopped before it was up, and another program listens on its PORT {port}: "
            "stop that program (another server, or another `runtime start`?), or give this app "
            "other ports with `-p PORT` or the PORT variable (web gets PORT, each next process "
            "type 100 more)")


# --- the local platform: defaults for runs on this machine, a slug's app folder -----------

def local_database(path):
    return f"DATABASE_URL: local SQLite at {path}; set DATABASE_URL to use another database"


def local_data_unwritable(folder, exc):
    return (f"cannot make {folder} for the local SQLite database ({exc.strerror or exc}): let it be "
            "a folder you can write to, or set DATABASE_URL to use another database")


def app_folder_gone(slug, recorded):
    return (f"{slug} was built from {recorded}, which is no longer there: its .env, env.py and "
            f".runtime/data are looked for in {slug} instead; rebuild the slug from where the app "
            f"is now (`runtime build APP_DIR --out {slug}`) to use that folder's")
