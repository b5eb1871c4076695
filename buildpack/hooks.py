"""The app's own build hooks, `bin/pre_compile` and `bin/post_compile` (a Heroku convention).

They run from the build folder with the config vars in their environment; a hook that
fails, or runs longer than the steps' time limit, fails the build.
"""

from buildpack.log import messages, output
from buildpack.log.output import BuildError


def run(ctx, name, env):
    """Run the hook `name` if the app has one; returns whether it did."""
    hook = ctx.build_dir / "bin" / name
    if not hook.is_file():
        return False
    output.step(f"Running bin/{name} hook")
    with open(hook, "rb") as file:
        has_shebang = file.read(2) == b"#!"
    hook.chmod(hook.stat().st_mode | 0o111)
    command = [str(hook)] if has_shebang else ["bash", str(hook)]
    try:
        status, _ = output.run(command, env=env, cwd=ctx.build_dir, time_limit=ctx.step_timeout,
                               name=f"bin/{name}")
    except OSError as exc:  # its #! names a program that is not there (or ends in a CR)
        raise BuildError(messages.hook_cannot_start(name, exc.strerror)) from None
    if status:
        raise BuildError(messages.hook_failed(name, status))
    return True
