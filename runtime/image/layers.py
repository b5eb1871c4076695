"""The slug as image layers, split by how often each part changes, and the layers as tars that
are the same bytes every time for the same files.

| layer    | holds                                       | changes when                 |
|----------|---------------------------------------------|------------------------------|
| python   | /app/.heroku/python: the Python, packages   | the Python or a package does |
| static   | /app/<STATIC_ROOT>: collectstatic's output  | a static file does           |
| app      | the rest of /app: the app's own code        | any commit                   |
| launcher | /runtime: the entrypoint and process types  | the Procfile or this program |

What a host reads from the app folder at run time, and nothing else, is left out of every layer:
`.env` files, `env.py` (and its bytecode), local SQLite databases, `.git`, `.runtime` (see `left_out`).
"""

import hashlib
import importlib.util
import os
import stat
import struct
import tarfile
import tempfile
import zlib
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from buildpack import slug
from runtime.app import APP_RECORD

APP_ROOT = "app"  # the slug is /app in the image
APP_USER = 1000  # the uid and gid that own /app and run the processes, as on Heroku and CNB
PYTHON_HOME = str(slug.PYTHON_HOME)
PYTHON, STATIC, APP, LAUNCHER = "python", "static", "app", "launcher"
SLUG_LAYERS = (PYTHON, STATIC, APP)  # least often changed first: a change rewrites only its own
GZIP_LEVEL = 1  # 2.3x as fast as the default 6, for blobs 12% larger: the image's size on disk is its tars'
SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Entry:
    """One tar entry: `name` is its path in the image (no leading /); `source` the file it is
    read from (None for a folder or link), or `data` its bytes."""
    name: str
    kind: str  # "dir", "file", "link" (symbolic) or "hardlink"
    mode: int
    owner: int = 0
    source: Path | None = None
    data: bytes | None = None
    target: str = ""  # a link's target; a hard link's is another entry's name
    mtime: int | None = None  # None: the tar's one time for every entry


@dataclass(frozen=True)
class Blob:
    """A gzip layer: `digest` of the blob, `diff_id` of the tar in it, `size` of the blob."""
    digest: str
    diff_id: str
    size: int


def left_out(relative, is_dir):
    """Whether a slug path (relative, POSIX) stays out of the image: what the app folder gives
    at run time (the config, local data), what never runs (the repository), and the record
    of the developer's folders the slug was built from and into."""
    parts = relative.split("/")
    name = parts[-1]
    env_py = parts == ["env.py"] or (len(parts) == 2 and parts[0] == "__pycache__"
                                     and name.startswith("env.") and name.endswith(".pyc"))
    return (name == ".git" or (name == ".env" and not is_dir) or parts[0] == ".runtime" or env_py
            or relative == APP_RECORD)


def layer_of(relative, static_root):
    """The slug layer a slug path (relative, POSIX; `static_root` too, or None) goes in."""
    if _inside(relative, PYTHON_HOME):
        return PYTHON
    if static_root is not None and _inside(relative, static_root):
        return STATIC
    return APP


def _inside(relative, folder):
    return relative == folder or relative.startswith(folder + "/")


def split(slug_dir):
    """{layer: [Entry, ...]} for the slug's files, each list sorted by name with every folder
    above its entries, so each layer stands alone. Files are not read, except the first bytes
    of each app file, to leave SQLite databases out. (Strings, not pathlib: 10,000 files.)"""
    slug_dir = os.fspath(slug_dir)
    root = slug.static_root(slug_dir)
    static_root = str(root) if root is not None else None
    layers = {name: {} for name in SLUG_LAYERS}
    seen = {name: {} for name in SLUG_LAYERS}  # (device, inode) -> first name: hard links
    for folder, subfolders, names in os.walk(slug_dir):
        subfolders.sort()
        base = os.path.relpath(folder, slug_dir)
        prefix = "" if base == "." else base + "/"
        for name in sorted(subfolders + names):
            relative = prefix + name
            path = os.path.join(folder, name)
            info = os.lstat(path)
            if left_out(relative, stat.S_ISDIR(info.st_mode)):
                if name in subfolders:
                    subfolders.remove(name)
                continue
            layer = layer_of(relative, static_root)
            entry = _entry(path, relative, info, seen[layer], layer)
            if entry is None:
                continue
            entries = layers[layer]
            _add_parents(entries, slug_dir, base)
            entries[entry.name] = entry
    return {name: [entries[key] for key in sorted(entries)] for name, entries in layers.items()}


def _entry(path, relative, info, seen, layer):
    if (layer == APP and stat.S_ISREG(info.st_mode) and info.st_size >= len(SQLITE_HEADER)
            and _is_sqlite(path)):
        return None
    return entry_of(path, f"{APP_ROOT}/{relative}", info, seen, APP_USER)


def entry_of(path, name, info, seen, owner, mtime=None):
    """The tar entry `name` for the file at `path` (`info` its lstat), or None for what a tar
    cannot hold. `seen` maps (device, inode) to the first name of a file with several links:
    the later names become hard links to it."""
    mode = stat.S_IMODE(info.st_mode) & 0o777
    if stat.S_ISDIR(info.st_mode):
        return Entry(name, "dir", mode, owner, mtime=mtime)
    if stat.S_ISLNK(info.st_mode):
        return Entry(name, "link", 0o777, owner, target=os.readlink(path), mtime=mtime)
    if not stat.S_ISREG(info.st_mode):
        return None  # a socket or pipe left by a process: nothing a tar can hold
    first = seen.setdefault((info.st_dev, info.st_ino), name) if info.st_nlink > 1 else name
    if first != name:
        return Entry(name, "hardlink", mode, owner, target=first, mtime=mtime)
    return Entry(name, "file", mode, owner, source=Path(path), mtime=mtime)


def _is_sqlite(path):
    with open(path, "rb") as file:
        return file.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def _add_parents(entries, slug_dir, relative_folder):
    """The folder `relative_folder` ("." for the slug) and those above it, where missing."""
    while True:
        name = str(APP_ROOT) if relative_folder == "." else f"{APP_ROOT}/{relative_folder}"
        if name in entries:
            return  # its parents are there too
        mode = stat.S_IMODE(os.lstat(os.path.join(slug_dir, relative_folder)).st_mode) & 0o777
        entries[name] = Entry(name, "dir", mode, APP_USER)
        if relative_folder == ".":
            return
        relative_folder = os.path.dirname(relative_folder) or "."


def mtime():
    """Every entry's time: SOURCE_DATE_EPOCH when set (the reproducible-builds convention), else 0."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    return int(value) if value.isdigit() else 0


def diff_id(entries, when):
    """The digest of the layer's tar, without compressing it: an unchanged layer is known by it."""
    sink = HashingWriter(None)
    write_tar(entries, sink, when)
    return sink.digest()


def write(entries, when, folder):
    """Write the layer as a gzip blob in `folder` (a temporary file there); returns (Blob, the
    temporary file), for the caller to move to the blob's name."""
    return compress(lambda tar: write_tar(entries, tar, when), folder)


def compress(produce, folder):
    """Gzip the tar that `produce(stream)` writes into a temporary file in `folder`; returns
    (Blob, the temporary file)."""
    handle, temporary = tempfile.mkstemp(prefix=".partial-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as file:
            compressed = HashingWriter(file)
            with _GzipMembers(compressed) as gz:
                tar = HashingWriter(gz)
                produce(tar)
    except BaseException:  # a full disk, an interrupt: no part of a blob stays
        os.unlink(temporary)
        raise
    return Blob(compressed.digest(), tar.digest(), compressed.size), temporary


class _GzipMembers:
    """gzip on every core: the stream is cut every MEMBER bytes and each piece compressed on its
    own, as a gzip member of the blob (a reader joins the members: RFC 1952). The cuts depend on
    the bytes only, and zlib's gzip header has no name and time 0: the same tar, the same blob."""

    MEMBER = 4 << 20

    def __init__(self, target):
        self._target, self._buffer = target, bytearray()
        self._workers = os.cpu_count() or 1
        self._pool = ThreadPoolExecutor(max_workers=self._workers)
        self._pending = deque()

    def write(self, data):
        self._buffer += data
        while len(self._buffer) >= self.MEMBER:
            self._submit(bytes(self._buffer[:self.MEMBER]))
            del self._buffer[:self.MEMBER]
        return len(data)

    def _submit(self, piece):
        self._pending.append(self._pool.submit(_gzip_member, piece))
        while len(self._pending) > 2 * self._workers:  # bounded memory: write the oldest
            self._target.write(self._pending.popleft().result())

    def __enter__(self):
        return self

    def __exit__(self, *failure):
        if not failure[0] and (self._buffer or not self._pending):
            self._submit(bytes(self._buffer))
        while self._pending:
            result = self._pending.popleft().result()
            if not failure[0]:
                self._target.write(result)
        self._pool.shutdown()


def _gzip_member(piece):
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return compressor.compress(piece) + compressor.flush()


def write_tar(entries, stream, when):
    """Write `entries` as a tar to `stream`, each with its own time or else `when`."""
    # The GNU format stores long names without pax headers, which would carry times.
    with tarfile.open(fileobj=stream, mode="w|", format=tarfile.GNU_FORMAT) as tar:
        for entry in entries:
            info = tarfile.TarInfo(entry.name)
            info.mode, info.mtime = entry.mode, when if entry.mtime is None else entry.mtime
            info.uid = info.gid = entry.owner
            info.uname = info.gname = ""
            if entry.kind == "dir":
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif entry.kind in ("link", "hardlink"):
                info.type = tarfile.SYMTYPE if entry.kind == "link" else tarfile.LNKTYPE
                info.linkname = entry.target
                tar.addfile(info)
            elif entry.data is not None:
                info.size = len(entry.data)
                tar.addfile(info, _BytesReader(entry.data))
            elif entry.name.endswith(".pyc") and entry.mtime is None:
                data = bytecode_at(entry.source.read_bytes(), entry.source, when)
                info.size = len(data)
                tar.addfile(info, _BytesReader(data))
            else:
                with open(entry.source, "rb") as file:
                    info.size = os.fstat(file.fileno()).st_size
                    tar.addfile(info, file)


def bytecode_at(data, path, when):
    """The bytecode file `path` (its bytes `data`) for an image whose files all have the time
    `when`. A timestamp .pyc (PEP 552 flags 0) records its source's time and size, which
    Python checks at every import: one that matched its source in the slug is given the time
    `when` too, else each container would compile the app, and Django, again at each start.
    Any other bytecode is left as it is (a stale one stays stale)."""
    try:
        source = os.stat(importlib.util.source_from_cache(path))
    except (ValueError, OSError):  # not in a __pycache__, or no source beside it
        return data
    if len(data) < 16 or data[4:8] != bytes(4):
        return data
    if struct.unpack("<II", data[8:16]) != (int(source.st_mtime) & 0xFFFFFFFF, source.st_size & 0xFFFFFFFF):
        return data
    return data[:8] + struct.pack("<I", when & 0xFFFFFFFF) + data[12:]


class _BytesReader:
    def __init__(self, data):
        self._data, self._at = data, 0

    def read(self, size=-1):
        end = len(self._data) if size < 0 else self._at + size
        chunk, self._at = self._data[self._at:end], min(end, len(self._data))
        return chunk


class HashingWriter:
    """A write-only stream that hashes what passes and counts it, on its way to `target`."""

    def __init__(self, target):
        self._target, self._hash, self.size = target, hashlib.sha256(), 0

    def write(self, data):
        self._hash.update(data)
        self.size += len(data)
        if self._target is not None:
            self._target.write(data)
        return len(data)

    def digest(self):
        return f"sha256:{self._hash.hexdigest()}"
