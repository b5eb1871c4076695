"""The cached Python environment: the slug's `.heroku/python` (the interpreter and the app's
packages), kept in CACHE_DIR/python with what it was made for (its key) and what the install
step recorded (the dependencies' fingerprint, the --hash pins it verified). A key that differs
from the build's discards it, with the reasons; the record lets the install step skip the
installer. The key of a Python that gets setuptools names its version, so a cache made
without it (or with another one) is discarded and the new environment gets it."""

import contextlib
import threading

from buildpack import slug
from buildpack.deps.installers import setuptools_for
from buildpack.layers import cache
from buildpack.log import messages
from buildpack.log.output import detail, step

NAME = "python"
FORMAT = 1  # bump to discard every cached environment (when the slug layout changes)


def key(stack, python_version, system_python, installer, setuptools=None):
    """What a cached environment is made for: any change means starting over. `setuptools`:
    the version the environment gets (None: it gets none)."""
    python = python_version + (" (the system's)" if system_python else "")
    made_for = {"format": FORMAT, "stack": stack, "python": python, "installer": installer}
    return {**made_for, "setuptools": setuptools} if setuptools else made_for


def reasons(cached, wanted):
    """Why the cached environment (its metadata) does not fit the build's key, in words."""
    return [_reason(name, cached.get(name), value) for name, value in wanted.items() if cached.get(name) != value]


def _reason(name, old, new):
    if name == "setuptools":
        return messages.setuptools_cache_reason(old, new)
    return messages.cache_reason(name, old, new)


def build_key(ctx, installer):
    return key(ctx.stack, ctx.python_version, ctx.interpreter.system, installer.name,
               setuptools_for(ctx.interpreter.version))


def restore(ctx, installer):
    """Link the cached environment into the slug if it still fits; returns its metadata, or
    None (after discarding one that no longer fits)."""
    unit = cache.Unit(ctx.cache_dir, NAME)
    cached = unit.metadata()
    if cached is None:
        return None
    why = reasons(cached, build_key(ctx, installer))
    if not why:
        step("Restoring cache")
        unit.link_to(slug.python_home(ctx.build_dir))
        detail(f"Using cached install of Python {ctx.python_version}")
        return cached
    step("Discarding cache since:")
    for reason in why:
        detail(f"- {reason}")
    unit.discard()
    return None


@contextlib.contextmanager
def saved_meanwhile(ctx, installer, record, changed):
    """Save the slug's environment with its key and `record`, when the install changed it,
    while the block's steps run: collectstatic spends its first half second on one core,
    which the copy's folder creation fills. The save ends before the build goes on, the
    block failing included, so that a failure in the app's code keeps the cache. A full
    cache is only a warning: the slug is complete without it."""
    if not changed:
        yield
        return
    step("Saving cache")
    unit = cache.Unit(ctx.cache_dir, NAME)
    metadata = {**build_key(ctx, installer), **record}
    failures = []

    def save():
        try:
            unit.save(slug.python_home(ctx.build_dir), metadata)
        except Exception as exc:  # raised in the build's own thread, after the block
            failures.append(exc)

    saver = threading.Thread(target=save)
    saver.start()
    try:
        yield
    finally:
        saver.join()
    if failures:
        with cache.unless_full(ctx.cache_dir):
            raise failures[0]
