"""`runtime build --tar FILE`: the slug as Heroku's slug archive, with its checksum.

Heroku's Platform API takes a slug as a gzipped tar of a runnable app in `./app` (POST
/apps/{app}/slugs, then a PUT of the file to the blob URL it answers, with the checksum
`SHA256:<hex>` of the file). Every entry is under `./app/`; links are stored as links (the
build refuses those leaving the app). The tar is written with the image layers' writer:
entries sorted with each folder before its contents, numeric owners (0) and no user names,
GNU headers (no pax records carrying times), gzip with no name or time in its header. So the
same slug gives the same bytes. Unlike the image's layers, each entry keeps its file's
modification time: the slug's bytecode records its source's time, and a tar of zero times
would make every .pyc stale, compiled again at each start.

Beside FILE, `FILE.sha256` holds `<hex>  <name>`, the line `sha256sum -c` checks.
"""

import os
from pathlib import Path

from buildpack import files
from runtime.image import layers

ROOT = "./app"  # where Heroku unpacks the slug from
OWNER = 0
CHECKSUM_SUFFIX = ".sha256"


def checksum_file(tar):
    return tar.with_name(tar.name + CHECKSUM_SUFFIX)


def checksum_line(hex_digest, tar_name):
    """The checksum file's line, as `sha256sum` writes it (text mode: two spaces)."""
    return f"{hex_digest}  {tar_name}\n"


def heroku_checksum(hex_digest):
    """The `checksum` the Platform API's slug create takes."""
    return f"SHA256:{hex_digest}"


def entries(slug_dir):
    """The slug's folders, files and links as tar entries under ./app, in walk order (each
    folder before its contents, names sorted); later names of a file with several links are
    hard links to its first. (Strings, not pathlib: 10,000 files.)"""
    slug_dir = os.fspath(slug_dir)
    seen = {}
    yield layers.entry_of(slug_dir, ROOT, os.lstat(slug_dir), seen, OWNER, mtime=_seconds(os.lstat(slug_dir)))
    for folder, subfolders, names in os.walk(slug_dir):
        subfolders.sort()
        base = os.path.relpath(folder, slug_dir)
        prefix = ROOT if base == "." else f"{ROOT}/{base}"
        for name in sorted(subfolders + names):
            path = os.path.join(folder, name)
            info = os.lstat(path)
            entry = layers.entry_of(path, f"{prefix}/{name}", info, seen, OWNER, mtime=_seconds(info))
            if entry is not None:
                yield entry


def _seconds(info):
    return int(info.st_mtime)


def write(slug_dir, tar):
    """Write the slug `slug_dir` to the gzipped tar `tar` and its checksum file, each in a
    temporary file beside it renamed into place; returns the hex sha256 of the tar."""
    tar = Path(tar)
    blob, temporary = layers.compress(lambda stream: layers.write_tar(entries(slug_dir), stream, 0), tar.parent)
    hex_digest = blob.digest.removeprefix("sha256:")
    try:
        os.chmod(temporary, 0o644)
        os.replace(temporary, tar)
    except BaseException:
        os.unlink(temporary)
        raise
    files.replace(checksum_file(tar), checksum_line(hex_digest, tar.name).encode(), mode=0o644)
    return hex_digest
