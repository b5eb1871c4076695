"""Django's collectstatic, once the app's packages are installed.

Skipped, saying why, when the DISABLE_COLLECTSTATIC config var is set (Heroku's semantics:
anything but "" or "0", so "false" too), when there is no manage.py, and when
django.contrib.staticfiles is not installed (the command is then unknown to Django). The run
also reports the settings the build warns about (inspector.py). It runs in manage.py's
folder with the config vars, plus build-only stand-ins for SECRET_KEY and DATABASE_URL when
they are not set, since settings often read them and there is no database during a build.
When nothing it reads changed since the last build, the last output is reused instead
(static_files.py).
"""

import secrets
from pathlib import Path

from buildpack import config_vars, slug
from buildpack.django import failures, settings
from buildpack.layers import static_files
from buildpack.log import messages
from buildpack.log.output import BuildError, detail, hide, note, step, warning

PROBE = ["help", "collectstatic"]  # the settings, without collecting (when it is disabled)
COMMAND = ["collectstatic", "--noinput"]


def run(ctx, project):
    if config_vars.enabled(ctx.config, "DISABLE_COLLECTSTATIC") or (
            ctx.install_test and "DISABLE_COLLECTSTATIC" not in ctx.config):
        facts = _facts_without_collectstatic(ctx, project) if project is not None else {}
        why = skipped_why(ctx.config, ctx.install_test, facts.get("manifest", False))
        if why:
            note(why)
            if project is not None:
                _warn(facts, collectstatic_skipped=True)
            return
        note(messages.collectstatic_for_tests())
    if project is None:
        note(messages.collectstatic_without_manage_py())
        return

    facts, not_reused = static_files.restore(ctx)
    if facts is not None:
        step("Reusing the static files of the last build: nothing collectstatic reads has changed")
        _warn(facts, collectstatic_skipped=False)
        slug.record_static_root(ctx.build_dir, facts["static_output"])
        return
    step("Running python manage.py collectstatic --noinput")
    if not_reused:
        detail(f"Not reusing the static files of the last build: {not_reused}.")
    env = stand_in_environment(ctx, announce=True)
    # One Django start-up: the inspector reports the settings as collectstatic saw them.
    collected = _manage_py(ctx, project, COMMAND, env, show=True)
    if collected.report.get("staticfiles") is False:  # "Unknown command: 'collectstatic'"
        note(messages.staticfiles_not_installed())
        _warn(collected.report, collectstatic_skipped=False)
        return
    if collected.status or not collected.report.get("command_started"):  # settings that exit(0) first
        _fail(ctx, project, collected, env)
    _warn(collected.report, collectstatic_skipped=False)
    output = collected.report.get("static_output")
    if output and Path(output).is_relative_to(ctx.build_dir):
        slug.record_static_root(ctx.build_dir, output)
    not_kept = static_files.save(ctx, collected.report)
    if not_kept:
        detail(f"Static files are not kept for the next build: {not_kept}")


def skipped_why(config, install_test, manifest):
    """The note saying why collectstatic is skipped, or None when it runs: DISABLE_COLLECTSTATIC
    set, or, for bin/test-compile, not set at all, unless the static files storage keeps a
    manifest (`manifest`), without which every {% static %} a test renders fails. The classic
    buildpack's test-compile always skips it: few tests read the collected files."""
    if "DISABLE_COLLECTSTATIC" not in config:
        return messages.collectstatic_skipped_for_tests() if install_test and not manifest else None
    if config_vars.enabled(config, "DISABLE_COLLECTSTATIC"):
        return messages.collectstatic_disabled(config["DISABLE_COLLECTSTATIC"])
    return None


def _facts_without_collectstatic(ctx, project):
    """The settings facts when collectstatic is off: from Django, else from the settings' text."""
    probe = _manage_py(ctx, project, PROBE, stand_in_environment(ctx), show=False)
    if probe.status == 0 or probe.report.get("staticfiles") is False:
        return probe.report
    last_line = (probe.output.strip().splitlines() or [f"exit status {probe.status}"])[-1]
    note(messages.settings_not_checked(last_line))
    return settings.facts_from_text(ctx.build_dir, project)


def _manage_py(ctx, project, args, env, show):
    return settings.run_manage_py(ctx.python, ctx.build_dir / project.manage_py, args, env,
                                         ctx.scratch_dir, show=show, time_limit=ctx.step_timeout)


def stand_in_environment(ctx, announce=False):
    """The config vars, plus stand-ins for what settings commonly need and a build lacks."""
    env = ctx.config_env()
    supplied = []
    if not (env.get("SECRET_KEY") or env.get("DJANGO_SECRET_KEY")):
        env["SECRET_KEY"] = env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
        hide([env["SECRET_KEY"]])
        supplied.append("SECRET_KEY and DJANGO_SECRET_KEY: a random key, only for the build")
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{ctx.scratch_dir / 'build.sqlite3'}"
        supplied.append(f"DATABASE_URL: {env['DATABASE_URL']} (there is no database during a build)")
    if announce and supplied:
        detail("Supplied for this step only, since no config var sets them:")
        for line in supplied:
            detail(f"  {line}")
    return env


def _warn(facts, collectstatic_skipped):
    for message in settings.static_warnings(facts, collectstatic_skipped):
        warning(message)


def _fail(ctx, project, run, env):
    if config_vars.enabled(ctx.config, "DEBUG_COLLECTSTATIC"):
        detail("")
        detail("Environment of collectstatic (DEBUG_COLLECTSTATIC is set; secret-looking values masked):")
        for name, value in sorted(env.items()):
            detail(f"  {name}={config_vars.mask(name, value)}")
    folder = f"{project.root}/" if str(project.root) != "." else "the root of the app"
    raise BuildError(failures.explain(run.status, run.output, run.report, ctx.build_dir,
                                                    folder))
