"""Static reuse: restore the files the last collectstatic wrote when nothing it read changed.

Compression makes collectstatic the slowest step of a warm build (seconds for the admin
alone with Brotli, minutes for big apps), and its output depends only on what it reads. So
the collectstatic run records its inputs (see inspector.py): every file it read in the
build folder (manage.py, the settings and the app code they load, the installed packages it
imported, data files the settings read) and the folders the staticfiles finders collect
from. The cache keeps STATIC_ROOT with a digest of each of those files and of every file in
those folders, plus the Python version and the config vars. The next build recomputes the
digests of the same paths, without starting Django, and hard-links the output back when
they all match. Any change, a new static file included, runs collectstatic again. As rsync
judges files, one whose size and modification time are as recorded keeps its recorded
digest unread: the cache restores installed packages with their times.

Hard links make saving and restoring cheap; the price is that a later step editing a collected
file in place (rather than replacing it) would edit the cached copy too.
"""

import os
from pathlib import Path

from buildpack.layers import cache

NAME = "static"
FORMAT = 2  # bump when the metadata changes meaning


def restore(ctx):
    """(the facts the cached output was made with, None) after restoring it, or (None, why it
    can't be reused; None when there is nothing to reuse)."""
    unit = cache.Unit(ctx.cache_dir, NAME)
    cached = _metadata(unit)
    if cached is None:
        return None, None
    if (ctx.build_dir / cached["output"]).exists():
        return None, f"{cached['output']} is in the app already"
    why = reasons(ctx, cached)
    if why:
        more = f" and {len(why) - 3} more" if len(why) > 3 else ""
        return None, f"{', '.join(why[:3])}{more} changed"
    unit.link_to(ctx.build_dir / cached["output"])
    return {**cached["facts"], "static_output": str(ctx.build_dir / cached["output"])}, None


def reasons(ctx, cached):
    """What changed since the cached output was made, in words, most telling first (and
    cheapest: the files are looked at only when the Python version and config vars match);
    [] when it can be linked back."""
    if cached["python"] != ctx.python_version:
        return [f"the Python version ({cached['python']} -> {ctx.python_version})"]
    if cached["config"] != cache.config_digest(ctx.config):
        return ["the config vars"]
    before = cached["digests"]
    now = _inputs(ctx, cached["files"], cached["folders"], cached)["digests"]
    return sorted(name for name in before.keys() | now.keys() if before.get(name) != now.get(name))


def save(ctx, report):
    """Keep the output of a collectstatic run for the next build; returns why it can't be
    kept, or None (after a warning when the cache is full)."""
    build_dir = ctx.build_dir
    if not report:  # the inspector could not write it (a full disk)
        return "the report of collectstatic's settings could not be read"
    if report.get("error"):
        return f"the settings could not be inspected ({report['error']})"
    output = report.get("static_output")
    if not output:
        return f"the static files storage ({report.get('staticfiles_backend')}) isn't a folder of this build"
    if report.get("unknown_finders"):
        return f"the finder {report['unknown_finders'][0]} doesn't say where it finds files"
    output, folders = Path(output), [Path(folder) for folder in report["static_sources"]]
    outside = [str(path) for path in [output, *folders] if not path.is_relative_to(build_dir)]
    if outside:
        return f"{outside[0]} is outside the app"
    if not output.is_dir():
        return f"collectstatic did not create {output}"
    files = _recorded_files(ctx, report["read"], output, folders)
    relative = [str(folder.relative_to(build_dir)) for folder in folders]
    unit = cache.Unit(ctx.cache_dir, NAME)
    metadata = {"format": FORMAT, "output": str(output.relative_to(build_dir)), "files": files,
                "folders": relative, "python": ctx.python_version, "config": cache.config_digest(ctx.config),
                **_inputs(ctx, files, relative, _metadata(unit)),
                "facts": {name: value for name, value in report.items() if name != "read"}}
    with cache.unless_full(ctx.cache_dir):
        unit.save(output, metadata)
    return None


def _metadata(unit):
    """The cached output's record, when there is one this version of the build can read."""
    cached = unit.metadata()
    return cached if cached is not None and cached.get("format") == FORMAT else None


def _recorded_files(ctx, read, output, folders):
    """The files read that can change between builds, relative to the build folder. Left out:
    files in the output and in the finders' folders (digested whole), bytecode (its source is
    recorded), the standard library (the Python version stands for it), machine files. The
    paths are absolute and normalised, so prefixes compare them (pathlib took 0.1 s here)."""
    build_dir = f"{ctx.build_dir}{os.sep}"
    digested_whole = tuple(f"{folder}{os.sep}" for folder in [output, *folders])
    stdlib, site_packages = f"{ctx.site_packages.parent}{os.sep}", f"{ctx.site_packages}{os.sep}"
    kept = []
    for name in read:
        if (not name.startswith(build_dir) or name.endswith(".pyc") or name.startswith(digested_whole)
                or (name.startswith(stdlib) and not name.startswith(site_packages))
                or not os.path.isfile(name)):
            continue
        kept.append(name[len(build_dir):])
    return sorted(kept)


def _inputs(ctx, files, folders, known):
    """Each input file's digest, with its size and modification time; `known` is the last
    record (or None): on a rebuild every installed package's file keeps its digest unread."""
    return cache.file_digests(ctx.build_dir, _input_files(ctx.build_dir, files, folders), known)


def _input_files(build_dir, files, folders):
    """The recorded files and every file now in the recorded folders, relative to build_dir."""
    yield from files
    for folder in folders:
        for root, _, names in os.walk(build_dir / folder, followlinks=True):
            for name in names:
                yield str(Path(root, name).relative_to(build_dir))
