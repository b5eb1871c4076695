"""Whether the slug `runtime build` made last is still the one a build would make, so that a
rebuild of an unchanged app ends at once instead of writing the same thousands of files again.

A build reads the app's files, its config vars, the build environment, the buildpack's (and
runtime's) code, the machine's Pythons and the cache; its product is the slug, as the build
left it. The last build to a cache records one digest of each side in CACHE_DIR/RECORD_FILE
(digests only: config vars are secrets). The slug is current when both are the same again.
Files are judged by their size, time and mode, as rsync judges them. Bytecode and sockets in
the slug are left out: running the slug writes them.
"""

import hashlib
import json
import os
import stat
from pathlib import Path

import buildpack
import runtime
from buildpack.python import interpreters

RECORD_FILE = "runtime-build.json"  # in CACHE_DIR
PARTIAL_FILE = f".{RECORD_FILE}.partial"
CODE = [Path(buildpack.__file__).parent, Path(runtime.__file__).parent]


def inputs_digest(app_dir, app_entries, config, build_env, cache):
    """A digest of what a build of `app_dir` reads before it starts: `app_entries` (the app's
    paths the build copies, relative), `config` (the config vars), `build_env` (the
    environment the buildpack runs in), the code that builds and the Pythons it can choose."""
    digest = hashlib.sha256()
    for name in app_entries:
        digest.update(_stamp(app_dir, name))
    for items in (config, build_env):
        digest.update(json.dumps(sorted(items.items())).encode())
    for root in CODE:
        for name in _tree(root):
            digest.update(_stamp(root, name))
    digest.update(repr(sorted(interpreters.find(build_env, cache))).encode())
    return digest.hexdigest()


def cache_digest(cache):
    """A digest of the cache's entries, not their contents: each layer writes its metadata
    file at the top whenever it changes, and a removed layer is a removed entry."""
    digest = hashlib.sha256()
    if cache.is_dir():
        for name in sorted(set(os.listdir(cache)) - {RECORD_FILE, PARTIAL_FILE}):
            digest.update(_stamp(cache, name))
    return digest.hexdigest()


def slug_digest(slug):
    """A digest of the slug folder `slug` as it is, leaving out what running it writes."""
    digest = hashlib.sha256()
    for name in _tree(slug):
        digest.update(_stamp(slug, name))
    return digest.hexdigest()


def is_current(cache, slug, inputs):
    """Whether the last build to `cache` made the slug `slug` from `inputs` (inputs_digest)
    and this cache, and the slug is as that build left it."""
    try:
        last = json.loads((cache / RECORD_FILE).read_text())
    except (OSError, ValueError):
        return False
    return (isinstance(last, dict) and last.get("slug") == str(slug) and last.get("inputs") == inputs
            and last.get("cache") == cache_digest(cache) and slug.is_dir()
            and last.get("slug_digest") == slug_digest(slug))


def record(cache, slug, inputs):
    """Record that `slug` was just made from `inputs` and the cache as it is now; written
    whole or not at all."""
    partial = cache / PARTIAL_FILE
    partial.write_text(json.dumps({"slug": str(slug), "inputs": inputs, "cache": cache_digest(cache),
                                   "slug_digest": slug_digest(slug)}) + "\n")
    partial.replace(cache / RECORD_FILE)


def _tree(root):
    """The files (and links) under `root`, relative and sorted, without bytecode."""
    names = []
    for folder, folders, files in os.walk(root):
        links = [name for name in folders if os.path.islink(os.path.join(folder, name))]
        folders[:] = [name for name in folders if name != "__pycache__" and name not in links]
        relative = os.path.relpath(folder, root)
        names += [os.path.normpath(os.path.join(relative, name)) for name in files + links
                  if not name.endswith(".pyc")]
    return sorted(names)


def _stamp(root, name):
    """A folder by its name and mode (its time changes whenever a run adds a file), anything
    else by its size and time too; nothing for a socket."""
    try:
        status = os.lstat(os.path.join(root, name))
    except OSError:
        return f"{name}\0absent\n".encode()
    if stat.S_ISSOCK(status.st_mode):
        return b""
    if stat.S_ISDIR(status.st_mode):
        return f"{name}\0{status.st_mode}\n".encode()
    return f"{name}\0{status.st_mode}\0{status.st_size}\0{status.st_mtime_ns}\n".encode()
