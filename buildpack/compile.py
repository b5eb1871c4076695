"""bin/compile: turn the app in BUILD_DIR into a slug that runs wherever it is moved.

The build is one linear sequence of steps, in the order they run.
"""

import contextlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from buildpack import config_vars, files, hooks, release, slug
from buildpack.deps import manifests, packages
from buildpack.django import boot, build, discovery
from buildpack.layers import environment, tools
from buildpack.log import messages, output
from buildpack.log.output import BuildError, note, step, warning
from buildpack.python import install, interpreters, version
from buildpack.slug import profile_d, slugignore, stack


@dataclass
class Context:
    build_dir: Path
    cache_dir: Path
    config: dict
    install_test: bool
    stack: str
    scratch_dir: Path
    interpreter: interpreters.Interpreter = None
    python: Path = None
    site_packages: Path = None
    base_env: dict = field(default_factory=dict)
    step_timeout: int = config_vars.STEP_TIMEOUT_DEFAULT  # seconds, for the app's own code

    @property
    def python_version(self):
        return version.dotted(self.interpreter.version)

    def config_env(self):
        """The environment for a step that runs the app's code or installs its packages (index
        URLs, tokens): the build machine's, plus the config vars, the slug's Python first."""
        env = dict(self.base_env)
        env.update(self.config)
        if self.python:
            env["PATH"] = f"{self.python.parent}{os.pathsep}{self.base_env.get('PATH', '')}"
        return env


def compile(build_dir, cache_dir, env_dir, install_test=False):
    config, warnings = config_vars.read(env_dir)
    output.hide(config_vars.secret_values(config))
    for message in warnings:
        warning(message)
    cache_dir = Path(cache_dir).resolve()
    ctx = Context(
        build_dir=Path(build_dir).resolve(), cache_dir=cache_dir, config=config,
        install_test=install_test, stack=_machine_stack(os.environ.get("STACK", "")),
        scratch_dir=cache_dir / "scratch", base_env=_clean_environment(),
        step_timeout=config_vars.step_timeout(config),
    )
    try:
        ctx.cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(messages.cache_dir_not_created(cache_dir, exc.strerror)) from None
    with _cache_lock(ctx.cache_dir):
        # Files the build needs for a while (a compiled lock, a build-time database); what a
        # killed build left there goes now.
        shutil.rmtree(ctx.scratch_dir, ignore_errors=True)
        ctx.scratch_dir.mkdir()
        try:
            _steps(ctx)
        finally:
            shutil.rmtree(ctx.scratch_dir, ignore_errors=True)


@contextlib.contextmanager
def _cache_lock(cache_dir):
    """One build at a time per cache (two CI jobs, or `runtime build` twice): a build cleans up
    what a killed build left in the cache, which must not be another build's work in progress."""
    with open(cache_dir / ".lock", "w") as lock:
        files.lock(lock, "Waiting for the other build that uses this cache to finish")
        yield


def _steps(ctx):
    _refuse_committed_environments(ctx.build_dir)
    # Before the build reads or runs a file of the app, and again for the links a hook made.
    files.refuse_links_outside(ctx.build_dir)
    if hooks.run(ctx, "pre_compile", ctx.config_env()):
        files.refuse_links_outside(ctx.build_dir)

    project, warnings = discovery.discover(ctx.build_dir, ctx.config)
    for message in warnings:
        warning(message)

    ctx.interpreter = _select_python(ctx)
    manifest = manifests.choose(ctx.build_dir, ctx.config)
    installer = packages.choose_installer(ctx)
    previous = environment.restore(ctx, installer)
    if previous is None:
        _install_python(ctx)
    ctx.python = slug.python(ctx.build_dir, ctx.interpreter.version)
    ctx.site_packages = slug.site_packages(ctx.build_dir)

    record, installed = packages.install(ctx, installer, manifest, previous)
    with environment.saved_meanwhile(ctx, installer, record, installed):
        release.write(ctx.build_dir, project)
        build.run(ctx, project, manifest)

    profile_d.write(ctx.build_dir)
    stack.write(ctx.build_dir)
    if os.environ.get("BUILDPACK_DIR"):
        try:
            profile_d.write_export(os.environ["BUILDPACK_DIR"], ctx.build_dir)
        except OSError as exc:  # a read-only buildpack folder: only a later buildpack misses it
            warning(messages.export_not_written(os.environ["BUILDPACK_DIR"], exc.strerror))
    hooks.run(ctx, "post_compile", ctx.config_env())
    slugignore.remove_ignored(ctx.build_dir)
    # The slug as it will run; the Python environment's links are the build's own (a
    # distribution's Python is linked to, not copied).
    files.refuse_links_outside(ctx.build_dir, skipped=[slug.PYTHON_HOME])
    boot.check(ctx, project, manifest)  # the slug as it will run, its web process's app loaded


def _refuse_committed_environments(build_dir):
    if slug.python_home(build_dir).exists():
        raise BuildError(messages.committed_python_home())
    for name in (".venv", "venv"):
        if (build_dir / name / "pyvenv.cfg").is_file():
            raise BuildError(messages.committed_venv(name))


def _select_python(ctx):
    request, warnings = version.requested_version(ctx.build_dir)
    for message in warnings:
        warning(message)
    available = interpreters.find(ctx.base_env, ctx.cache_dir)
    choice = version.choose(request, available)
    if choice.download:
        if _install_with_uv(ctx, choice.download, asked=request.origin is not None):
            available = interpreters.find(ctx.base_env, ctx.cache_dir)
        choice = version.choose(request, available, may_download=False)
    for message in choice.warnings:
        warning(message)
    step(choice.origin)
    return choice.interpreter


def _install_with_uv(ctx, wanted_version, asked):
    """Whether uv installed Python `wanted_version` (not when uv or the network is not there).
    The default, which the app did not ask for, is tried once and quietly: a build machine that
    cannot download loses a second rather than uv's ten seconds of retries and their log."""
    uv = tools.uv(ctx.cache_dir, ctx.config)
    if uv is None:
        return False
    step(f"Downloading Python {wanted_version} with uv")
    folder = interpreters.uv_install_dir(ctx.cache_dir)
    env = ctx.base_env if asked else {**ctx.base_env, "UV_HTTP_RETRIES": "0"}
    status, said = output.run([str(uv), "python", "install", wanted_version, "--install-dir", str(folder),
                               "--no-bin"], env=env, show=asked)
    if status and not asked:
        output.detail(messages.default_python_not_downloaded(said))
    return status == 0


def _install_python(ctx):
    step(f"Installing Python {ctx.python_version}")
    if ctx.interpreter.system:
        note(messages.system_python(ctx.python_version, ctx.interpreter.executable))
    install.into_slug(ctx.interpreter, slug.python_home(ctx.build_dir))


def _clean_environment():
    """The build machine's environment minus what would point Python somewhere else."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONHOME", "PYTHONPATH", "VIRTUAL_ENV")}
    env.setdefault("LANG", "C.UTF-8")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _machine_stack(host_stack):
    """The stack the cache is kept for: the host's STACK (heroku-24 ...), with a warning when it
    is not one the buildpack knows or not this machine's OS; elsewhere the OS release and CPU."""
    machine = stack.current()
    if not host_stack:
        return f"{machine.name}-{os.uname().machine}"
    message = stack.host_stack_warning(host_stack, machine)
    if message:
        warning(message)
    return host_stack
