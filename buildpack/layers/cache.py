"""CACHE_DIR storage for folders that are expensive to make: one unit per folder.

Each unit is a folder plus a metadata file written last and deleted first, so the metadata
exists only while the folder is complete: a build killed at any moment leaves a unit that
the next build either uses or discards, never a half-written one it trusts.

Restoring and saving are hard-link copies (made beside the unit and renamed into place when
saving). A restore leaves the unit as it was, so a build that fails or is killed after it
keeps the cache. Installers and Python replace files rather than rewrite them, so the build
never changes a cached file through its link; a hook that edits an installed file in place
would. A save that fails (a full disk) removes the unit and its partial copy: the next build
starts over, in the room that frees.
"""

import contextlib
import errno
import hashlib
import json
import os
import shutil
from pathlib import Path

from buildpack import files
from buildpack.log import messages
from buildpack.log.output import warning

_found_full = []  # the build's warning is shown once, however many writes find the disk full


@contextlib.contextmanager
def unless_full(cache_dir):
    """Around a write to the cache: a full disk makes it a warning, not a failed build (the
    slug is complete without the cache)."""
    try:
        yield
    except OSError as error:
        if not files.no_space(error):
            raise
        warn_full(cache_dir)


def warn_full(cache_dir):
    if not _found_full:
        _found_full.append(cache_dir)
        warning(messages.cache_not_saved(cache_dir))


class Unit:
    def __init__(self, cache_dir, name):
        self.folder = Path(cache_dir) / name
        self.metadata_file = Path(cache_dir) / f"{name}.json"
        self._clean_leftovers()

    def _clean_leftovers(self):
        """Remove the scraps of a save or discard that was killed half-way (a build holds
        the cache's lock, so they are no other build's work in progress)."""
        for scrap in self.folder.parent.glob(f"{self.folder.name}.*.partial"):
            if scrap.is_dir():
                shutil.rmtree(scrap, ignore_errors=True)
            else:
                scrap.unlink(missing_ok=True)  # a metadata file's
        if self.folder.exists() and not self.metadata_file.exists():
            shutil.rmtree(self.folder, ignore_errors=True)

    def metadata(self):
        """The metadata of a complete unit, or None."""
        try:
            data = json.loads(self.metadata_file.read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and self.folder.is_dir() else None

    def discard(self):
        self.metadata_file.unlink(missing_ok=True)
        shutil.rmtree(self.folder, ignore_errors=True)

    def link_to(self, dest):
        """Put a hard-link copy of the unit's folder at `dest`; the unit stays as it is."""
        Path(dest).parent.mkdir(parents=True, exist_ok=True)
        link_copy(self.folder, dest)

    def save(self, source, metadata):
        """Store a copy of `source` (hard links where possible) with its metadata."""
        self.metadata_file.unlink(missing_ok=True)
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        try:
            with files.replacing(self.folder) as partial:
                _check_room(source, partial.parent)
                link_copy(source, partial)
            files.replace(self.metadata_file, json.dumps(metadata, indent=2, sort_keys=True).encode())
        except BaseException:
            self.discard()
            raise


def _check_room(source, folder):
    """Raise a full disk's error before a copy into `folder` that cannot fit, rather than
    fill the disk while the build's other files there (its scratch folder, which collectstatic
    writes to beside the save) need room. Hard links take none."""
    if os.stat(source).st_dev == os.stat(folder).st_dev:
        return
    needed = sum(os.lstat(os.path.join(root, name)).st_blocks * 512
                 for root, _, names in os.walk(source) for name in names)
    disk = os.statvfs(folder)
    if needed > disk.f_bavail * disk.f_frsize:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(folder))


def link_copy(source, dest):
    """Copy a tree to `dest`, which must not exist, as hard links (a plain copy where links
    cannot cross filesystems). A copy that fails (a full disk) stops at its first error."""
    os.mkdir(dest)
    try:
        _copy_tree(source, dest, _link)
    except OSError as error:
        shutil.rmtree(dest, ignore_errors=True)
        if files.no_space(error):
            raise
        os.mkdir(dest)
        _copy_tree(source, dest, _copy)


def _link(source, dest):
    os.link(source, dest, follow_symlinks=False)


def _copy(source, dest):
    shutil.copy2(source, dest, follow_symlinks=False)


def _copy_tree(source, dest, place):
    """Only the folders are new, each file is placed by `place`. Unlike `cp -al`, folders get
    the umask's mode and the current time, which nothing reads, for a third of the system
    calls: folders are most of a restore's cost (Django alone has 2,400 of them, for its
    translations)."""
    pending = [(source, dest)]
    while pending:
        source, dest = pending.pop()
        with os.scandir(source) as entries:
            for entry in entries:
                target = os.path.join(dest, entry.name)
                if entry.is_dir(follow_symlinks=False):
                    os.mkdir(target)
                    pending.append((entry.path, target))
                else:  # a file, or a symbolic link placed as itself
                    place(entry.path, target)


def file_digests(root, names, known):
    """{"stamps", "digests"} of the files `names` (relative to `root`): each one's sha256, with
    its size and modification time. A file whose size and time are as `known` (an earlier
    result, or None) recorded keeps the recorded digest unread: as rsync judges files. On a
    rebuild that is every installed package's file (the cache restores them with their
    times), and reading them all was most of the cost."""
    known_stamps, known_digests = (known["stamps"], known["digests"]) if known else ({}, {})
    stamps, digests = {}, {}
    for name in names:
        path = os.path.join(root, name)
        try:
            status = os.stat(path)
            stamps[name] = f"{status.st_size} bytes, modified {status.st_mtime_ns}"
            digests[name] = (known_digests[name] if known_stamps.get(name) == stamps[name]
                             else hashlib.sha256(Path(path).read_bytes()).hexdigest())
        except OSError:
            digests[name] = "absent"
    return {"stamps": stamps, "digests": digests}


def config_digest(config):
    """A digest of the config vars, for a layer whose output depends on them."""
    return hashlib.sha256(json.dumps(sorted(config.items())).encode()).hexdigest()
