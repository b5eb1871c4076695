"""Prove that the web process can boot: load its application once, at the end of the build,
without serving it.

The web command is the Procfile's `web`, else the default one the slug's release YAML
names. A gunicorn command runs as it is, plus `--check-config` (gunicorn then imports the
app and exits); any other command becomes an import of the WSGI/ASGI callable it names
(`module:attribute`), else of the Django project's WSGI module. Either runs like the web
process will (from the slug's folder, `.profile.d` sourced, `$PORT` set) with the
config vars and the stand-ins collectstatic gets. A failure fails the build, naming the
error and its fix, where a classic build would deploy a slug that crashes at start.
WEB_BOOT_CHECK=0 turns the check off.
"""

import re
import shlex
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from buildpack import release
from buildpack.django import collectstatic
from buildpack.layers import boot_check
from buildpack.log import messages, output
from buildpack.log.output import BuildError, detail, step
from buildpack.slug import procfile, profile_d


@dataclass(frozen=True)
class Check:
    command: str  # for bash, in the slug's folder
    app: str | None  # the module it loads (`pkg.wsgi`, `pkg.asgi:app`), None when unknown

    @property
    def argv(self):
        """bash running the command as a host runs a process: in the slug's folder (HOME),
        after sourcing .profile.d."""
        return ["bash", "-c", 'cd "$HOME"; ' + profile_d.SOURCE + self.command]


_SHELL_OPERATORS = set("();<>|&")
_ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=")
_MODULE = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
_CALLABLE = re.compile(r"^(?P<module>[A-Za-z_]\w*(\.[A-Za-z_]\w*)*):(?P<attribute>[A-Za-z_]\w*)$")
# gunicorn's options that take no value: every other option's next word is its value.
_GUNICORN_FLAGS = {"--preload", "--reload", "-D", "--daemon", "-R", "--enable-stdio-inheritance",
                   "--capture-output", "--check-config", "--print-config", "--spew", "--no-sendfile",
                   "--reuse-port", "--strip-header-spaces", "--suppress-ragged-eofs", "--proxy-protocol"}
# Imports the app's callable from the folder given, as a server would; the slug's Python.
_IMPORT = ("import importlib, sys; sys.path.insert(0, sys.argv[3]); "
           "getattr(importlib.import_module(sys.argv[1]), sys.argv[2])")
_FOLDER_OPTIONS = {"--chdir", "--app-dir"}  # gunicorn, uWSGI, uvicorn
_MISSING_MODULE = re.compile(r"No module named '([\w.]+)'")
_MISSING_COMMAND = re.compile(r"^bash: (?:line \d+: )?(\S+): command not found$", re.MULTILINE)


def boot_check_command(web_command, wsgi_module=None, project_root="."):
    """The Check that loads the application of `web_command` without serving it, or None when
    it names nothing to load. `wsgi_module` (as gunicorn takes it: `pkg.wsgi`, `pkg.wsgi:attr`)
    is the Django project's, in `project_root` (relative to the slug)."""
    words = _words(web_command)
    if not words:
        return None
    server, arguments = _server(words)
    if server in SERVERS and not any(map(_is_operator, words)):
        return SERVERS[server](web_command, arguments)
    named = next(filter(None, map(_CALLABLE.match, words)), None)
    if named:
        module, attribute, folder = named["module"], named["attribute"], _folder(words)
    elif wsgi_module:
        module, _, attribute = wsgi_module.partition(":")
        attribute, folder = attribute or "application", str(project_root)
    else:
        return None
    return Check(shlex.join(["python", "-c", _IMPORT, module, attribute, folder]), f"{module}:{attribute}")


def _gunicorn(web_command, arguments):
    """The command as it is, plus --check-config: gunicorn imports the app, then exits."""
    return Check(f"{web_command} --check-config", _gunicorn_app(arguments))


# The servers with a check mode of their own, by the program's name (`gunicorn`, or
# `python -m gunicorn`): (the web command, the server's arguments) -> Check.
SERVERS = {"gunicorn": _gunicorn}


def _words(command):
    """The command's words, shell operators apart (`&&`, `;` ...), or None if it does not parse."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split, lexer.commenters = True, ""
    try:
        return list(lexer)
    except ValueError:  # an unclosed quote
        return None


def _is_operator(word):
    return set(word) <= _SHELL_OPERATORS or word.startswith("#")


def _server(words):
    """(the name of the program the command runs, past `exec`, VAR=value and `python -m`; its
    arguments)."""
    rest = list(words)
    while rest and (rest[0] == "exec" or _ASSIGNMENT.match(rest[0])):
        rest.pop(0)
    if not rest:
        return None, []
    name = Path(rest[0]).name
    if name.startswith("python") and rest[1:2] == ["-m"] and len(rest) > 2:
        return rest[2], rest[3:]
    return name, rest[1:]


def _gunicorn_app(arguments):
    """gunicorn's positional argument, the app module, when the command has one."""
    positional, value_next = [], False
    for word in arguments:
        if value_next:
            value_next = False
        elif word.startswith("-"):
            value_next = "=" not in word and word not in _GUNICORN_FLAGS
        elif _MODULE.match(word) or _CALLABLE.match(word):
            positional.append(word)
    return positional[-1] if positional else None


def _folder(words):
    """Where the server imports the app from: its --chdir or --app-dir, else the slug's root."""
    for index, word in enumerate(words):
        name, equals, value = word.partition("=")
        if name in _FOLDER_OPTIONS:
            return value if equals else next(iter(words[index + 1:index + 2]), ".")
    return "."


def explain(output_text, app, web_command, manifest):
    """The Message for a check that failed with this output (its last line is the error)."""
    lines = [line.strip() for line in output_text.splitlines() if line.strip()]
    error = lines[-1] if lines else "no output"
    missing = _MISSING_MODULE.findall(output_text)
    loaded = (app or "").partition(":")[0]
    command = _MISSING_COMMAND.search(output_text)
    if command:
        fix = messages.boot_fix_command_not_found(command[1], manifest)
    elif missing and missing[-1] == "pkg_resources":
        fix = messages.boot_fix_pkg_resources(manifest)
    elif missing and loaded and (loaded == missing[-1] or loaded.startswith(missing[-1] + ".")):
        fix = messages.boot_fix_app_module(loaded)
    elif missing:
        fix = messages.boot_fix_missing_module(missing[-1], manifest)
    else:
        fix = messages.boot_fix_other()
    return messages.web_boot_failed(web_command, app, error, fix)


def check(ctx, project, manifest):
    step("Checking that the web process boots")
    if ctx.config.get("WEB_BOOT_CHECK", "").strip() == "0":
        detail("Skipped: the WEB_BOOT_CHECK config var is 0.")
        return
    web = _web_command(ctx.build_dir)
    if web is None:
        detail("Skipped: the app has no web process (no Procfile web, no default one).")
        return
    checked = boot_check_command(web, project and project.wsgi_module, project.root if project else ".")
    if checked is None:
        detail(f"Skipped: the web command names no application the build can load: {messages.excerpt(web)}")
        return
    last = boot_check.last_passed(ctx)
    with ThreadPoolExecutor(max_workers=1) as digests:
        # Digesting a new slug's files takes a third of a second; with no record to compare
        # them with, the check runs whatever they are, so they are taken while it runs.
        now = digests.submit(boot_check.facts, ctx, checked.command, last)
        if last is not None and boot_check.unchanged(last, now.result()):
            detail("It booted in the last build, and nothing it loads has changed since.")
            return
        env = collectstatic.stand_in_environment(ctx)
        env.update(HOME=str(ctx.build_dir), PORT=env.get("PORT") or "5000")
        detail(f"Loading {checked.app or 'the application'} as `web: {messages.excerpt(web)}` would")
        status, out = output.run(checked.argv, env=env, cwd=ctx.build_dir, show=False,
                                 time_limit=ctx.step_timeout, name="The web process's boot check")
        if status:
            boot_check.discard(ctx)
            detail(out)
            raise BuildError(explain(out, checked.app, web, _dependency_file(manifest)))
        boot_check.save(ctx, now.result())


def _dependency_file(manifest):
    """Where the app adds a dependency: a lock's source, else the manifest itself."""
    source = {"uv.lock": "pyproject.toml", "Pipfile.lock": "Pipfile"}.get(manifest.kind)
    return str(manifest.path.with_name(source) if source else manifest.path)


def _web_command(build_dir):
    """The Procfile's web command, else the default one the slug's release YAML names."""
    path = build_dir / "Procfile"
    if path.is_file():
        entry = procfile.parse(path.read_text(errors="replace")).entries.get("web")
        if entry:
            return entry.command
    return release.process_types(release.yaml(build_dir)).get("web")
