"""`runtime test`: run an app's tests with the buildpack exactly as Heroku CI does, on this machine.

As Heroku CI: app.json's `environments.test` gives the config vars (`env`) and the add-ons;
`bin/test-compile BUILD_DIR CACHE_DIR ENV_DIR` builds the app with its test dependencies;
`scripts.test-setup` runs, then `scripts.test`, or the buildpack's `bin/test BUILD_DIR
ENV_DIR` when there is none. Each runs from the slug's folder (HOME) with the config vars
set and `.profile.d` sourced; the exit status of the tests is runtime's. The app is copied
into a throwaway build folder, private like `runtime build`'s, removed at the end: the
tests' slug is never kept. The cache is `runtime build`'s (test-compile syncs its Python
environment, adding the test packages, rather than starting over).

`--junit FILE` writes JUnit XML: pytest's own `--junitxml` (through PYTEST_ADDOPTS, so a
test script that runs pytest writes it too), and for `manage.py test` a test runner of
runtime's (runtime/django_junit.py).
"""

import shutil
import subprocess
import sys
from pathlib import Path

from buildpack import ci, config_vars
from buildpack.log import output
from buildpack.log.output import BuildError
from buildpack.slug import profile_d
from runtime import messages, services
from runtime.app import manifest
from runtime.commands import build
from runtime.environment import Environment

JUNIT_RUNNER = "runtime_django_junit"  # the module name of runtime/django_junit.py on the tests' PYTHONPATH
JUNIT_OUTPUT = "RUNTIME_JUNIT_XML"  # where it writes (its OUTPUT: it imports Django, runtime does not)


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "test", help="run the app's tests as Heroku CI does (test-compile, test-setup, test)",
        description="Build APP_DIR with bin/test-compile in a throwaway build folder, then run "
                    "app.json's test-setup and test scripts (or bin/test) as Heroku CI would, with "
                    "app.json's test env and add-ons. The exit status is the tests'.")
    parser.add_argument("app_dir", nargs="?", default=".", metavar="APP_DIR",
                        help="the app to test (default: the current folder)")
    build.add_cache_and_config_arguments(parser, "tests")
    services.add_arguments(parser)
    parser.add_argument("--junit", metavar="FILE", help="write the results as JUnit XML to FILE")
    parser.set_defaults(func=run)


def run(args):
    app_dir, cache = build.app_and_cache(args)
    build.check_cache(cache)
    tests = manifest(app_dir).test
    junit = Path(args.junit).resolve() if args.junit else None
    if junit:
        build.writable_folder("--junit", junit, junit.parent)
        junit.unlink(missing_ok=True)  # a file left from an earlier run is not this run's verdict
    build.writable_folder("--cache", cache, cache)
    config = {**tests.env, **build.config_vars(args.env_file, args.env)}
    with _addons(app_dir, tests.addons, config, args) as provided:
        return _run_tests(app_dir, cache, {**config, **provided}, tests, junit)


def _run_tests(app_dir, cache, config, tests, junit):
    with build.private_build(app_dir, config, build.app_entries(app_dir, leave_out=[cache])) as (build_dir, env_dir):
        status = build.detect(build_dir) or build.buildpack_step("test-compile", build_dir, cache, env_dir).returncode
        if status:
            print()
            output.step(messages.test_compile_failed(status))
            return status
        env = _tests_environment(build_dir, env_dir, junit)
        setup = tests.scripts.get("test-setup")
        if setup:
            output.step(messages.running_test_setup(setup))
            status = _in_slug(build_dir, ["bash", "-c", setup], env)
            if status:
                print()
                output.step(messages.test_setup_failed(status))
                return status
        argv, extra_env = _test_command(build_dir, env_dir, tests, junit)
        status = _in_slug(build_dir, argv, {**env, **extra_env})
        print()
        if junit and not junit.is_file():
            print(messages.line(messages.no_junit_written(junit), messages.WARNING), file=sys.stderr)
        output.step(messages.tests_passed() if status == 0 else messages.tests_failed(status))
        return status


# --- The add-ons: the one place `runtime test` provides what app.json's addons name --------

def _addons(app_dir, addons, config, args):
    """The servers of the add-ons the tests get, for the block, which yields their config vars:
    a local PostgreSQL for heroku-postgresql (or --db postgres) with an empty database each run,
    as Heroku CI gives, and Redis for heroku-redis (or --redis). Others are not provided, with
    a warning; a URL the test env or --env sets wins over an add-on's."""
    for name in sorted(set(addons) - {services.POSTGRES_ADDON, services.REDIS_ADDON}):
        print(messages.line(messages.addon_not_provided(name), messages.WARNING), file=sys.stderr)
    env = Environment()
    for name, value in config.items():
        env.set(name, value, "config var")
    return services.local_services(app_dir, env, args.db, args.redis, listed=set(addons),
                                   database_suffix="_ci", fresh=True)


def _tests_environment(build_dir, env_dir, junit):
    """What the test scripts see before .profile.d: the build's environment, CI=true as Heroku
    CI sets it, the config vars (ENV_DIR, read as the buildpack reads it), HOME at the slug."""
    config, _ = config_vars.read(env_dir)
    env = {**build.build_environment(), "CI": "true", **config, "HOME": str(build_dir)}
    if junit:
        # pytest's own report, wherever pytest runs (bin/test, or a test script).
        env["PYTEST_ADDOPTS"] = f"{env.get('PYTEST_ADDOPTS', '')} --junitxml={junit}".strip()
        env[JUNIT_OUTPUT] = str(junit)
    return env


def _test_command(build_dir, env_dir, tests, junit):
    """(argv, what it adds to the tests' environment): app.json's test script, else bin/test as
    Heroku CI runs it; for --junit with `manage.py test`, bin/test's command with runtime's JUnit
    test runner on PYTHONPATH (the buildpack's API has no way to pass it through bin/test)."""
    if "test" in tests.scripts:
        output.step(messages.running_test_script(tests.scripts["test"]))
        return ["bash", "-c", tests.scripts["test"]], {}
    # The buildpack's bin/test as `runtime build` runs the buildpack (-I: a PYTHONPATH config
    # var is the tests', not the buildpack's).
    bin_test = [sys.executable, "-I", "-m", "buildpack", "test", str(build_dir), str(env_dir)], {}
    if not junit:
        return bin_test
    config, _ = config_vars.read(env_dir)
    try:
        chosen = ci.command(build_dir, config)
    except BuildError:
        return bin_test  # bin/test says what is missing
    if chosen.runner != "django":  # pytest: PYTEST_ADDOPTS asks for its report
        return bin_test
    folder = build_dir.parent / "pythonpath"
    folder.mkdir()
    shutil.copy(Path(__file__).resolve().parents[1] / "django_junit.py", folder / f"{JUNIT_RUNNER}.py")
    pythonpath = f"{folder}:{config['PYTHONPATH']}" if config.get("PYTHONPATH") else str(folder)
    output.step(messages.running_with_junit_runner(chosen.description, f"{JUNIT_RUNNER}.JUnitRunner"))
    return [*chosen.argv, "--testrunner", f"{JUNIT_RUNNER}.JUnitRunner"], {"PYTHONPATH": pythonpath}


def _in_slug(build_dir, argv, env):
    """Run `argv` as Heroku CI runs a test script: from the slug's folder, .profile.d sourced."""
    sys.stdout.flush()
    return subprocess.call(["bash", "-c", 'cd "$HOME"; ' + profile_d.SOURCE + 'exec "$@"', "bash", *argv],
                           env=env, cwd=build_dir)
