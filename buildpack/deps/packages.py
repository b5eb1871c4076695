"""Install the app's dependencies into the slug's Python, skipping the work when nothing changed.

The chosen manifest becomes one requirements file (a pip-compile lock for requirements.in,
`uv export` for uv.lock, a conversion for Pipfile.lock, poetry.lock and pyproject
dependencies), which the installer syncs the environment to; a poetry.lock that cannot be
converted faithfully is synced by Poetry itself. A fingerprint of everything that feeds the install
is kept with the cached environment: when it matches, the installer is not run at all.
So are the --hash pins the cached install was verified against (see `_unverified`).
"""

import hashlib
import json
import shutil
from collections import namedtuple
from pathlib import Path

from buildpack import toml
from buildpack.deps import failures, groups, poetry, requirements
from buildpack.deps.installers import Pip, Poetry, Uv, setuptools_for
from buildpack.layers import locks, tools
from buildpack.log import messages, output
from buildpack.log.output import BuildError, detail, hide, note, step, warning
from buildpack.python import relocate

PIP_TOOLS_VERSION = "7.6.2"
TEST_REQUIREMENTS = "requirements-test.txt"

# What an install syncs the environment to: the requirements file (or poetry.lock for
# Poetry), the files whose content decides the result, who installs it, the --hash pins
# it verifies, and whether it must run even when those files are unchanged.
Plan = namedtuple("Plan", "lock inputs installer hashes always")


def choose_installer(ctx):
    """uv where it can be had, else pip; the PYTHON_INSTALLER config var forces one."""
    forced = ctx.config.get("PYTHON_INSTALLER", "").strip().lower()
    if forced not in ("", "uv", "pip"):
        raise BuildError(messages.unknown_installer(forced))
    if forced == "pip":
        return Pip(ctx.cache_dir)
    uv = tools.uv(ctx.cache_dir, ctx.config)
    if uv:
        return Uv(uv, ctx.cache_dir)
    if forced == "uv":
        raise BuildError(messages.uv_unavailable())
    note(messages.falling_back_to_pip())
    return Pip(ctx.cache_dir)


def install(ctx, installer, manifest, previous):
    """Sync the slug's Python to the app's manifest, from the cached install whose metadata
    is `previous` (None for none); returns (what to record with the environment, whether
    the installer ran)."""
    lock, inputs, installer, pinned, always = _prepare(ctx, manifest, installer)
    referenced = requirements.variables(inputs)
    hide(ctx.config[name] for name in referenced if name in ctx.config)
    record = {"requirements": _fingerprint(ctx, installer, manifest, inputs, referenced), "hashes": pinned}
    unverified = _unverified(record["hashes"], previous)
    if previous and record["requirements"] == previous.get("requirements") and not (always or unverified):
        step(f"Dependencies unchanged since the last build: nothing to install ({manifest.path})")
        return record, False

    # A path relative to the build folder (the installer runs there) keeps the log readable.
    lock = lock.relative_to(ctx.build_dir) if lock.is_relative_to(ctx.build_dir) else lock
    shown = manifest.path if lock.is_absolute() else lock
    if test_requirements(ctx.build_dir, manifest, ctx.install_test):
        shown = f"{shown} and {TEST_REQUIREMENTS}"
    step(f"Installing dependencies with {installer.name} from {shown}")
    # A path or URL has no name to reinstall it by.
    reinstall = unverified if all(map(requirements.is_name, unverified)) else True
    status, log = installer.sync(ctx.python, lock, ctx.config_env(), ctx.build_dir,
                                 previous_install=previous is not None, reinstall=reinstall,
                                 setuptools=setuptools_for(ctx.interpreter.version))
    if status:
        raise BuildError(failures.explain(log, installer.name, ctx.build_dir))
    relocate.scripts(ctx.python.parent, ctx.python.name)
    relocate.editable_installs(ctx.site_packages, ctx.build_dir)
    return record, True


def _unverified(pinned, previous):
    """The hash-pinned requirements the cached install may hold unchecked: installers check
    a --hash when they download a package, never on the copy they find installed. The
    environment's metadata records the hash lists of its install, each satisfied: the
    install that recorded them either installed the package (checking them) or trusted it
    on these same grounds. So a package whose lists are the recorded ones is trusted; any
    other (new lists, or a cache from before the record) is installed again, checked."""
    if previous is None:
        return []
    verified = previous.get("hashes", {})
    return sorted(key for key, lists in pinned.items() if verified.get(key) != lists)


def _prepare(ctx, manifest, installer):
    """The Plan of the install of this manifest."""
    path = ctx.build_dir / manifest.path
    if manifest.kind == "poetry.lock":
        return _prepare_poetry(ctx, path, installer)
    if manifest.kind in ("requirements", "requirements.in"):
        if manifest.kind == "requirements":
            _warn_if_stale(path)
            lock, inputs = path, requirements.files(path)
        else:
            lock, inputs = _compile_requirements_in(ctx, path, installer), requirements.files(path)
        tests = test_requirements(ctx.build_dir, manifest, ctx.install_test)
        if tests:
            # One install of both, as the classic buildpack's `pip install -r ... -r ...`: the
            # test packages are resolved with the app's, never against them.
            both = ctx.scratch_dir / "requirements-with-tests.txt"
            both.write_text(f"-r {lock}\n-r {tests}\n")
            lock, inputs = both, inputs + requirements.files(tests)
    else:
        lock, inputs = ctx.scratch_dir / "requirements.txt", [path]
        lock.write_text(_converted(ctx, manifest, path, installer))
        if manifest.kind == "uv.lock":
            inputs.append(path.parent / "pyproject.toml")
    return Plan(lock, inputs, installer, requirements.hashes(requirements.files(lock)),
                requirements.has_local_or_vcs(inputs) or manifest.kind == "project")


def test_requirements(build_dir, manifest, install_test):
    """requirements-test.txt at the app's root, which bin/test-compile installs with the app's
    requirements file (the classic buildpack's convention), or None."""
    if not install_test or manifest.kind not in ("requirements", "requirements.in"):
        return None
    if manifest.path == Path(TEST_REQUIREMENTS):  # REQUIREMENTS_FILE names it: installed already
        return None
    path = build_dir / TEST_REQUIREMENTS
    return path if path.is_file() else None


def _converted(ctx, manifest, path, installer):
    """The requirement lines of a manifest that is not a requirements file."""
    if manifest.kind == "Pipfile.lock":
        sections = ("default", "develop") if ctx.install_test else ("default",)
        return requirements.from_pipfile_lock(path, sections)
    pyproject = path.parent / "pyproject.toml"
    data = toml.load(pyproject) if pyproject.is_file() else {}
    table = groups.of_pyproject(data)
    if manifest.kind == "uv.lock":
        # Exported with its hashes, exactly as locked; --locked refuses a stale lock.
        if installer.name != "uv":
            raise BuildError(messages.uv_lock_needs_uv())
        uv_dev = data.get("tool", {}).get("uv", {}).get("dev-dependencies") is not None
        chosen = groups.chosen(ctx.config, set(table) | ({"dev"} if uv_dev else set()), "pyproject.toml",
                               ctx.install_test)
        scratch = ctx.scratch_dir / "uv-export.txt"
        args = ["export", "--locked", "--format", "requirements.txt", "--no-header", "--no-default-groups",
                "-o", str(scratch)] + [f"--group={name}" for name in chosen]
        status, _ = installer.run(args, ctx.config_env(), path.parent)
        if status:
            raise BuildError(messages.uv_export_failed(manifest.path))
        return scratch.read_text()
    chosen = groups.chosen(ctx.config, set(table), "pyproject.toml", ctx.install_test)
    in_groups = "".join(f"{line}\n" for name in chosen for line in groups.requirements(table, name))
    extras = [name for name in ("test", "dev") if name in data.get("project", {}).get("optional-dependencies", {})
              ] if ctx.install_test else []
    if manifest.kind == "project":  # the app itself, with its dependencies
        step(f"Installing the app itself, as {manifest.path} makes it a package (-e .)")
        return f"-e {ctx.build_dir}{'[' + ','.join(extras) + ']' if extras else ''}\n" + in_groups
    return requirements.from_pyproject(toml.project_table(path), extras) + in_groups


def _prepare_poetry(ctx, lock_path, installer):
    """poetry.lock, checked against pyproject.toml: exported to requirements for uv when that
    installs exactly what Poetry would, else synced by Poetry itself."""
    pyproject_path = lock_path.parent / "pyproject.toml"
    if not pyproject_path.is_file():
        raise BuildError(messages.poetry_lock_without_pyproject())
    lock, pyproject = toml.load(lock_path), toml.load(pyproject_path)
    poetry.check(lock_path.read_text(errors="replace"), lock, pyproject)
    wanted = list(dict.fromkeys([poetry.MAIN] + groups.chosen(ctx.config, set(poetry.groups(pyproject)),
                                                             "pyproject.toml", ctx.install_test)))
    inputs = [lock_path, pyproject_path]
    root = lock_path.parent if poetry.package_mode(pyproject) else None
    always = root is not None or poetry.has_local_or_vcs(lock, wanted)
    why_not = poetry.why_not_exportable(lock, wanted)
    if installer.name == "uv" and why_not is None:
        scratch = ctx.scratch_dir / "requirements.txt"
        scratch.write_text(poetry.export(lock, wanted, root))
        return Plan(scratch, inputs, installer, requirements.hashes([scratch]), always)
    if why_not:
        detail(f"Installing with Poetry itself: in poetry.lock, {why_not}")
    poetry_python = _poetry(ctx, installer)
    return Plan(lock_path, inputs, Poetry(poetry_python, tools.POETRY_VERSION, wanted, installer, ctx.cache_dir),
                poetry.hashes(lock, wanted), always)


def _poetry(ctx, installer):
    """The Python of Poetry's own environment, from the cache or installed into it now (with
    uv, or pip when pip is the installer)."""
    made = []

    def install(folder, version):
        made.append(folder)
        step(f"Installing Poetry {version}")
        env = installer.env(ctx.config_env())
        if installer.name == "uv":
            commands = [[installer.binary, "venv", "--quiet", "--python", str(ctx.interpreter.executable),
                         str(folder)],
                        [installer.binary, "pip", "install", "--quiet", "--python", str(folder / "bin" / "python"),
                         f"poetry=={version}"]]
        else:
            commands = [[str(ctx.interpreter.executable), "-m", "venv", str(folder)],
                        [str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet", f"poetry=={version}"]]
        return all(output.run(command, env=env, cwd=ctx.build_dir)[0] == 0 for command in commands)

    python = tools.poetry(ctx.cache_dir, ctx.python_version, install)
    if python is None:
        raise BuildError(messages.poetry_unavailable(tools.POETRY_VERSION))
    if not made:
        step(f"Using cached Poetry {tools.POETRY_VERSION}")
    return python


def _warn_if_stale(requirements_txt):
    """requirements.txt next to the requirements.in it is compiled from: warn when the .in
    lists a package the .txt does not pin (it changed after the last pip-compile)."""
    source = requirements_txt.with_suffix(".in")
    if not source.is_file():
        return
    missing = sorted(requirements.top_level_names(source) - requirements.pinned_names(requirements_txt))
    if missing:
        warning(messages.stale_lock(source.name, requirements_txt.name, missing))


def _compile_requirements_in(ctx, source, installer):
    """Lock requirements.in with pip-compile into requirements.txt (reused from the cache
    while requirements.in is unchanged); print it and ask the user to commit it."""
    lock = source.with_suffix(".txt")
    digest = locks.key([p.read_bytes() for p in requirements.files(source)], ctx.python_version,
                       PIP_TOOLS_VERSION)
    if locks.restore(ctx.cache_dir, digest, lock):
        step(f"Using the lock compiled from {source.name} by an earlier build")
    else:
        step(f"Compiling {source.name} with pip-tools (pip-compile)")
        # Relative paths, run from the build folder: they are written into the lock.
        args = ["--generate-hashes", "--no-emit-index-url", "--no-emit-find-links", "--strip-extras",
                "--quiet", "--no-header", "--output-file", str(lock.relative_to(ctx.build_dir)),
                str(source.relative_to(ctx.build_dir))]
        status, log = _pip_compile(ctx, installer, args)
        if status:
            raise BuildError(failures.explain(log, "pip-compile", ctx.build_dir))
        locks.save(ctx.cache_dir, digest, lock)
    detail(lock.read_text())
    note(messages.commit_the_lock(source.name, lock.name))
    return lock


def _pip_compile(ctx, installer, args):
    env = ctx.config_env()
    if installer.name == "uv":
        return installer.run(["tool", "run", "--quiet", "--python", str(ctx.interpreter.executable),
                              "--from", f"pip-tools=={PIP_TOOLS_VERSION}", "pip-compile"] + args,
                             env, ctx.build_dir)
    venv = ctx.cache_dir / "tools" / f"pip-tools-{PIP_TOOLS_VERSION}-py{ctx.python_version}"
    python = venv / "bin" / "python"
    # The Python of an environment whose own Python is gone (a cache restored on another
    # machine, or moved with the uv-installed Python it was made from) is a dangling link.
    if not (python.exists() and (venv / "bin" / "pip-compile").exists()):
        shutil.rmtree(venv, ignore_errors=True)
        for command in ([str(ctx.interpreter.executable), "-m", "venv", str(venv)],
                        [str(python), "-m", "pip", "install", "--quiet", f"pip-tools=={PIP_TOOLS_VERSION}"]):
            status, log = output.run(command, env=installer.env(env), cwd=ctx.build_dir)
            if status:
                return status, log
    # `python -m`, not bin/pip-compile, whose first line names the folder the environment was
    # made in: a cache restored at another path (a CI cache) still runs it.
    return output.run([str(python), "-m", "piptools", "compile"] + args, env=installer.env(env), cwd=ctx.build_dir)


def _fingerprint(ctx, installer, manifest, inputs, referenced):
    digest = hashlib.sha256()
    tool = [installer.version] if isinstance(installer, Poetry) else []  # a new Poetry syncs again
    digest.update(json.dumps([installer.name, *tool, ctx.python_version, manifest.kind, str(manifest.path),
                              ctx.install_test]).encode())
    for path in map(Path, inputs):
        # Relative to the build folder, which differs from build to build (-r may name a file
        # elsewhere on the machine, by its absolute path).
        name = path.relative_to(ctx.build_dir) if path.is_relative_to(ctx.build_dir) else path
        digest.update(str(name).encode() + b"\0" + path.read_bytes() + b"\0")
    # Values that change what an install fetches: referenced ${VAR}s and index settings.
    relevant = sorted(name for name in ctx.config
                      if name in referenced or name == groups.VARIABLE or name.startswith(("PIP_", "UV_")))
    for name in relevant:
        digest.update(f"{name}={ctx.config[name]}\0".encode())
    return digest.hexdigest()
