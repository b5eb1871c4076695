"""The base image a slug's layers go on top of: one given as a file (`--base`), or one made
from Debian's packages with mmdebstrap, and the check that it suits the slug.

- `read(source)` reads an OCI image layout folder (`FOLDER`, or `FOLDER:TAG` to choose by the
  `org.opencontainers.image.ref.name` annotation), an oci-archive (a tar of such a folder) or
  a docker-archive (`manifest.json` and layer tars, as `podman save` writes) into a `Base`.
  An archive is first turned into a layout folder under `CACHE_ROOT/archives/<key>/`, the key
  being a hash of the archive's resolved path, size and modification time (not its content,
  which would mean reading it all again), so a second read of the same archive starts there.
  A docker-archive's uncompressed layers are gzipped there, deterministically.
- `make(cache_root, stack, extra_packages)` makes a base with mmdebstrap for this machine's
  Debian release, once: later calls with the same packages return the cached layout.
- `check(base, stack, distribution_python)` says what makes a base unfit for a slug.

Every problem with a source is a UserError that names it, never a traceback.
"""

import contextlib
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from buildpack import files
from buildpack.slug import stack as slug_stack
from runtime import messages
from runtime.errors import UserError
from runtime.image import layout
from runtime.image.layers import HashingWriter, compress

INDEXES = (layout.INDEX, "application/vnd.docker.distribution.manifest.list.v2+json")
MANIFESTS = (layout.MANIFEST, "application/vnd.docker.distribution.manifest.v2+json")

# What a made base holds besides Debian's essential packages: the run-time libraries of a
# Django slug (its Python, psycopg, cryptography, cffi, sqlite3), certificates, time zones
# and MIME types.
PACKAGES = ("libc6", "libssl3", "libpq5", "libffi8", "zlib1g", "libsqlite3-0", "ca-certificates",
            "tzdata", "media-types", "usr-is-merged")
# Debian's essential set installs usrmerge (for init-system-helpers, which usr-is-merged
# satisfies as well), and with it Perl; mmdebstrap has merged /usr already, so they go.
PURGED_PACKAGES = ("usrmerge", "libfile-find-rule-perl", "libnumber-compare-perl", "libtext-glob-perl",
                   "perl", "libperl5.36", "perl-modules-5.36")
# Left out of every package a made base installs.
EXCLUDED_PATHS = ("/usr/share/doc/*", "/usr/share/man/*", "/usr/share/info/*", "/usr/share/locale/*")
KEPT_PATHS = ("/usr/share/doc/*/copyright",)  # the licences travel with the binaries
# The user a made base has for the app (uid and gid 1000, home /app), as the image runs it.
APP_USER = ("app:x:1000:1000:app:/app:/bin/sh", "app:x:1000:")
ENV_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# In the cache key of a made base: change it when `make` puts something else in a base.
MAKE_FORMAT = 3
# The OCI names of this machine's CPU (os.uname().machine), where they differ from it.
ARCHITECTURES = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "i686": "386", "i386": "386"}
# Debian's names of them, where they differ from the OCI's.
DEBIAN_ARCHITECTURES = {"386": "i386", "arm": "armhf"}
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Layer:
    media_type: str
    digest: str  # sha256:<hex> of the blob as stored (compressed)
    size: int  # the blob's size in bytes
    diff_id: str  # sha256:<hex> of the uncompressed tar
    path: Path  # the local file holding the blob


@dataclass
class Base:
    """A base image: its layers, bottom first, and what its config says. `files` maps every
    path in the image (relative, no leading /) to a symbolic link's target, or to None for
    anything else, after the layers' whiteouts. A base given with --base may lack the `app`
    user (uid 1000) that a made one has in /etc/passwd."""

    layers: list
    architecture: str
    os: str
    config: dict  # the image config's `config`: Env, User, WorkingDir ... (maybe empty)
    os_release: dict  # /etc/os-release (or /usr/lib/os-release) of the image, or {}
    files: dict = field(default_factory=dict, repr=False)
    history: list = field(default_factory=list)  # the image config's `history`, maybe empty

    def has(self, path):
        """Whether `path` (absolute, in the image) exists, following the image's own links."""
        return _resolve(self.files, path) is not None


def default_cache_root(environ=os.environ):
    """Where `runtime image` keeps bases and converted archives."""
    if environ.get("XDG_CACHE_HOME"):
        return Path(environ["XDG_CACHE_HOME"]) / "runtime"
    return Path(environ.get("HOME") or Path.home()) / ".cache" / "runtime"


def packages_for(distribution_python):
    """The Debian packages a made base needs for a slug's Python: the distribution's own Python
    when the slug's environment is over it (/usr/bin/python3.11 is the package python3.11)."""
    return (Path(distribution_python).name,) if distribution_python else ()


def machine_architecture():
    """This machine's CPU as the OCI names it (amd64, arm64), for a config and a platform."""
    machine = os.uname().machine
    return ARCHITECTURES.get(machine, machine)


# --- reading -------------------------------------------------------------------------------

def read(source, cache_root=None):
    """The Base in `source` (see the module's docstring); archives are converted under
    `cache_root` (default_cache_root() when None)."""
    path, tag = _split_tag(str(source))
    cache_root = Path(cache_root or default_cache_root())
    if path.is_dir():
        return _read_layout(path, tag, str(source), cache_root)
    if not path.exists():
        raise UserError(messages.base_not_found(source))
    if not path.is_file() or not tarfile.is_tarfile(path):
        raise UserError(messages.base_not_a_folder_or_tar(source))
    converted = _archive_as_layout(path, cache_root, str(source))
    return _read_layout(converted, tag, str(source), cache_root)


def _split_tag(source):
    """(path, tag or None) of `FOLDER:TAG`; a path that exists as given has no tag."""
    folder, colon, tag = source.rpartition(":")
    if Path(source).exists() or not colon or "/" in tag or not folder:
        return Path(source), None
    return Path(folder), tag


def _read_layout(folder, tag, source, cache_root):
    if not (folder / "index.json").is_file():
        raise UserError(messages.base_no_index(source))
    index = _json_file(folder / "index.json", "index.json", source)
    manifest = _choose_manifest(folder, index, tag, source)
    config_descriptor = manifest.get("config")
    if not isinstance(config_descriptor, dict) or not _descriptors(manifest.get("layers"), empty=True):
        raise UserError(messages.base_not_an_image(source, "its manifest names no config or no layers"))
    config = _json_blob(folder, config_descriptor, source)
    diff_ids = (config.get("rootfs") or {}).get("diff_ids")
    if not isinstance(diff_ids, list) or len(diff_ids) != len(manifest["layers"]):
        raise UserError(messages.base_not_an_image(
            source, "its config's rootfs.diff_ids do not match the manifest's layers"))
    layers = [Layer(d.get("mediaType", ""), d.get("digest", ""), d.get("size", 0), diff_id,
                    _blob_path(folder, d, source))
              for d, diff_id in zip(manifest["layers"], diff_ids, strict=True)]
    entries, os_release = _scanned(layers, source, cache_root)
    return Base(layers=layers, architecture=config.get("architecture", ""), os=config.get("os", ""),
                config=config.get("config") or {}, os_release=os_release,
                files=entries, history=config.get("history") or [])


def _scanned(layers, source, cache_root):
    """(files, os_release) of the image the layers make, kept under `cache_root/scans/` by the
    layers' diff_ids: reading the layers again costs every image of the same base a second."""
    key = hashlib.sha256(json.dumps([MAKE_FORMAT, *[layer.diff_id for layer in layers]]).encode())
    path = cache_root / "scans" / f"{key.hexdigest()[:32]}.json"
    with contextlib.suppress(OSError, ValueError):
        kept = json.loads(path.read_bytes())
        return kept["files"], kept["os_release"]
    entries, owners = _scan_layers(layers, source)
    os_release = _os_release(layers, entries, owners, source)
    with contextlib.suppress(OSError):  # a cache that cannot be written: the next read scans again
        path.parent.mkdir(parents=True, exist_ok=True)
        files.replace(path, json.dumps({"files": entries, "os_release": os_release}).encode())
    return entries, os_release


def _choose_manifest(folder, index, tag, source):
    """The image manifest `index` leads to: by `tag` when given, else the only image, going
    down nested indexes and choosing this machine's architecture among platforms."""
    descriptors = index.get("manifests")
    if not _descriptors(descriptors):
        raise UserError(messages.base_not_an_image(source, "its index.json lists no manifests"))
    tags = sorted({t for d in descriptors if (t := (d.get("annotations") or {}).get(layout.REF_NAME))})
    if tag is not None:
        descriptors = [d for d in descriptors if (d.get("annotations") or {}).get(layout.REF_NAME) == tag]
        if not descriptors:
            raise UserError(messages.base_tag_not_found(source, tag, tags))
    while True:
        descriptor = _choose_platform(descriptors, tags, source)
        media_type = descriptor.get("mediaType")
        if media_type and media_type not in MANIFESTS + INDEXES:  # a layer, say: not read to find out
            raise UserError(messages.base_not_an_image(source, f"its index points to a {media_type!r}"))
        blob = _json_blob(folder, descriptor, source)
        media_type = media_type or blob.get("mediaType")
        if media_type in MANIFESTS:
            return blob
        if media_type not in INDEXES:
            raise UserError(messages.base_not_an_image(source, f"its index points to a {media_type!r}"))
        descriptors, tags = blob.get("manifests"), []
        if not _descriptors(descriptors):
            raise UserError(messages.base_not_an_image(source, f"its index {descriptor.get('digest')} lists no manifests"))


def _descriptors(value, empty=False):
    """Whether `value` is a list of descriptors (JSON objects), and not empty unless allowed."""
    return isinstance(value, list) and (empty or bool(value)) and all(isinstance(d, dict) for d in value)


def _choose_platform(descriptors, tags, source):
    if len(descriptors) == 1:
        return descriptors[0]
    architecture = machine_architecture()
    platforms = [d.get("platform") for d in descriptors]
    if not any(platforms):  # several images, not one image for several machines
        raise UserError(messages.base_several_images(source, tags))
    fitting = [d for d, p in zip(descriptors, platforms, strict=True)
               if p and p.get("architecture") == architecture and p.get("os", "linux") == "linux"]
    if not fitting:
        found = sorted({p.get("architecture", "?") for p in platforms if p})
        raise UserError(messages.base_no_image_for(source, architecture, found))
    return fitting[0]


def _blob_path(folder, descriptor, source):
    digest = descriptor.get("digest", "")
    algorithm, _, hex_digest = digest.partition(":")
    path = folder / "blobs" / algorithm / hex_digest
    if not algorithm or not hex_digest or "/" in digest or not path.is_file():
        raise UserError(messages.base_blob_missing(source, digest))
    return path


def _json_blob(folder, descriptor, source):
    return _json_file(_blob_path(folder, descriptor, source), descriptor.get("digest"), source)


def _json_file(path, what, source):
    try:
        value = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise UserError(messages.base_unreadable(source, what, getattr(exc, "strerror", None) or exc)) from None
    if not isinstance(value, dict):
        raise UserError(messages.base_unreadable(source, what, "not a JSON object"))
    return value


def _layer_tar(layer, source):
    """The layer's tar (gzip or plain), read in order. Not in stream mode (`r|`), whose gzip
    reader stops at the end of the first gzip member: runtime image's own layers have several."""
    try:
        return tarfile.open(layer.path, "r:*")
    except (OSError, tarfile.TarError) as exc:
        raise UserError(messages.base_unreadable(source, f"layer {layer.digest}", exc)) from None


def _normal(name):
    return "/".join(part for part in name.split("/") if part not in ("", "."))


def _scan_layers(layers, source):
    """({path: link target or None}, {path: index of the layer that holds it}) of the image
    the layers make, each applied on the ones below it with its whiteouts."""
    entries, owners = {}, {}
    for number, layer in enumerate(layers):
        added, removed, opaque = {}, [], []
        try:
            with _layer_tar(layer, source) as tar:
                for member in tar:
                    path = _normal(member.name)
                    folder, _, name = path.rpartition("/")
                    if name == ".wh..wh..opq":
                        opaque.append(folder)
                    elif name.startswith(".wh."):
                        removed.append(f"{folder}/{name[4:]}".lstrip("/"))
                    elif path:
                        added[path] = member.linkname if member.issym() else None
        except (OSError, EOFError, tarfile.TarError, gzip.BadGzipFile) as exc:
            raise UserError(messages.base_unreadable(source, f"layer {layer.digest}", exc)) from None
        for gone in removed:
            _remove_tree(entries, owners, gone, keep_top=False)
        for folder in opaque:
            _remove_tree(entries, owners, folder, keep_top=True)
        for path, target in added.items():
            entries[path] = target
            owners[path] = number
            parent = path.rpartition("/")[0]
            while parent and parent not in entries:  # a folder a tar holds only implicitly
                entries[parent] = None
                owners[parent] = number
                parent = parent.rpartition("/")[0]
    return entries, owners


def _remove_tree(entries, owners, path, keep_top):
    prefix = f"{path}/" if path else ""
    for name in [n for n in entries if n.startswith(prefix) or (n == path and not keep_top)]:
        del entries[name]
        del owners[name]


def _resolve(entries, path, limit=40):
    """The image path `path` leads to, following the image's links (never the host's); None
    where a part of it does not exist."""
    pending = [p for p in str(path).split("/") if p not in ("", ".")]
    done = []
    while pending:
        part = pending.pop(0)
        if part == "..":
            if done:
                done.pop()
            continue
        candidate = "/".join(done + [part])
        if candidate not in entries:
            return None
        target = entries[candidate]
        if target is None:
            done.append(part)
            continue
        limit -= 1
        if limit < 0:  # a loop of links
            return None
        if target.startswith("/"):
            done = []
        pending[:0] = [p for p in target.split("/") if p not in ("", ".")]
    return "/".join(done)


def _os_release(layers, entries, owners, source):
    """The image's os-release as a dict, from the top layer that holds it; {} without one."""
    for candidate in slug_stack.OS_RELEASE_FILES:
        path = _resolve(entries, candidate)
        if path is None or path not in owners:
            continue
        with _layer_tar(layers[owners[path]], source) as tar:
            for member in tar:
                if _normal(member.name) == path and member.isfile():
                    text = tar.extractfile(member).read().decode(errors="replace")
                    return slug_stack.parse_os_release(text)
    return {}


# --- archives ------------------------------------------------------------------------------

def _archive_as_layout(archive, cache_root, source):
    """The layout folder under `cache_root/archives/` that the archive converts to; made on
    the first read of this archive (same path, size and modification time)."""
    status = archive.stat()
    key = hashlib.sha256(json.dumps([str(archive.resolve()), status.st_size, status.st_mtime_ns]).encode())
    folder = cache_root / "archives" / key.hexdigest()[:32]
    if (folder / "index.json").is_file():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        with tarfile.open(archive) as tar:
            names = {_normal(m.name): m for m in tar.getmembers()}
            with files.replacing(folder) as partial:
                if "index.json" in names:
                    _extract_layout(tar, names, partial, source)
                elif "manifest.json" in names:
                    _convert_docker_archive(tar, names, partial, source)
                else:
                    raise UserError(messages.base_tar_not_an_image(source))
    except (OSError, EOFError, tarfile.TarError, gzip.BadGzipFile) as exc:
        raise UserError(messages.base_unreadable(source, "the archive", getattr(exc, "strerror", None) or exc)) from None
    return folder


def _extract_layout(tar, names, dest, source):
    """The oci-archive's layout files into `dest`: its regular files, at their own paths."""
    for path, member in names.items():
        if not member.isfile():
            continue
        if path.startswith("../") or "/../" in path:
            raise UserError(messages.base_unreadable(source, "the archive", f"the path {member.name!r} leaves it"))
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with tar.extractfile(member) as blob, open(target, "wb") as out:
            shutil.copyfileobj(blob, out, _CHUNK)


def _convert_docker_archive(tar, names, dest, source):
    """The docker-archive as an OCI layout in `dest`: each image of manifest.json with its
    config as it is and its layers gzipped, tagged with its RepoTags."""
    try:
        manifests = json.load(tar.extractfile(names["manifest.json"]))
    except ValueError as exc:
        raise UserError(messages.base_unreadable(source, "manifest.json", exc)) from None
    if not isinstance(manifests, list) or not manifests or not all(isinstance(i, dict) for i in manifests):
        raise UserError(messages.base_not_an_image(source, "its manifest.json lists no images"))
    written = layout.create(dest)
    descriptors = []
    for image in manifests:
        config_name = _normal(image.get("Config", ""))
        if config_name not in names:
            raise UserError(messages.base_blob_missing(source, config_name or "Config"))
        config_bytes = tar.extractfile(names[config_name]).read()
        layers = []
        for layer_name in image.get("Layers") or []:
            member = names.get(_normal(layer_name))
            if member is None or not member.isfile():
                raise UserError(messages.base_blob_missing(source, layer_name))
            with tar.extractfile(member) as stream:
                layer, _ = _store_layer(stream, written)  # the config has the diff_id
            layers.append(layer)
        manifest = {"schemaVersion": 2, "mediaType": layout.MANIFEST,
                    "config": written.put_bytes(config_bytes, layout.CONFIG), "layers": layers}
        descriptor = written.put_json(manifest, layout.MANIFEST)
        for repo_tag in image.get("RepoTags") or [None]:
            tagged = dict(descriptor)
            if repo_tag:
                tagged["annotations"] = {layout.REF_NAME: repo_tag.rpartition(":")[2] if ":" in repo_tag
                                         else repo_tag}
            descriptors.append(tagged)
    written.write_index(descriptors)


def _store_layer(stream, written):
    """(descriptor, diff_id) of the layer tar `stream` stored in the layout `written`: gzipped
    as runtime image's own layers are, or as it is when it is gzipped already."""
    head = stream.read(2)
    if head != b"\x1f\x8b":
        def produce(tar):
            tar.write(head)
            shutil.copyfileobj(stream, tar, _CHUNK)

        blob, temporary = compress(produce, written.blobs)
        written.put(temporary, blob.digest)
        return layout.descriptor(layout.LAYER, blob.digest, blob.size), blob.diff_id
    handle, temporary = tempfile.mkstemp(prefix=layout.PARTIAL, dir=written.blobs)
    with os.fdopen(handle, "wb") as out:
        compressed = HashingWriter(out)
        compressed.write(head)
        shutil.copyfileobj(stream, compressed, _CHUNK)
    plain = HashingWriter(None)
    with gzip.open(temporary) as unpacked:
        shutil.copyfileobj(unpacked, plain, _CHUNK)
    written.put(temporary, compressed.digest())
    return layout.descriptor(layout.LAYER, compressed.digest(), compressed.size), plain.digest()


# --- making one ----------------------------------------------------------------------------

def make(cache_root, stack, extra_packages=()):
    """The folder of an OCI layout (one image, tagged `stack.name`) of a Debian base for a
    slug built on `stack`, made with mmdebstrap on the first call and cached under
    `cache_root/bases/<key>/`, the key a hash of the suite, the architecture, the package
    list and MAKE_FORMAT.

    It holds Debian's essential packages and PACKAGES (plus `extra_packages`, e.g. python3.11
    for a slug on the distribution's Python), without documentation, manual pages or
    translations, and the user `app` (uid and gid 1000, home /app). mmdebstrap itself leaves
    out apt's package lists and cache, and with SOURCE_DATE_EPOCH (0 unless set) gives every
    file that time and packs the tar in a fixed order: two makes give the same digests.

    The packages come from this machine's apt sources for its release; a cached base keeps
    the versions of its day (remove the folder for newer ones). It is made in a `.partial`
    folder renamed into place, so a make that was interrupted leaves nothing a later one
    would use."""
    if stack is None:
        raise UserError(messages.no_stack_record())
    machine = slug_stack.current()
    release = _machine_os_release()
    if stack != machine or machine.id != "debian" or not release.get("VERSION_CODENAME"):
        raise UserError(messages.base_cannot_be_made(stack, machine))
    suite = release["VERSION_CODENAME"]
    architecture = machine_architecture()
    packages = sorted(set(PACKAGES) | set(extra_packages))
    key = hashlib.sha256(json.dumps([MAKE_FORMAT, suite, architecture, packages]).encode()).hexdigest()[:32]
    folder = Path(cache_root) / "bases" / key
    if (folder / "index.json").is_file():
        return folder
    if shutil.which("mmdebstrap") is None:
        raise UserError(messages.no_mmdebstrap())
    folder.parent.mkdir(parents=True, exist_ok=True)
    with files.replacing(folder) as partial:
        partial.mkdir()
        rootfs = partial / "rootfs.tar"
        _mmdebstrap(suite, architecture, packages, rootfs)
        written = layout.create(partial)
        with open(rootfs, "rb") as stream:
            layer, diff_id = _store_layer(stream, written)
        rootfs.unlink()
        # A history entry per layer: buildah (podman build) refuses a FROM image without.
        config = {"architecture": architecture, "os": "linux", "config": {"Env": [ENV_PATH]},
                  "rootfs": {"type": "layers", "diff_ids": [diff_id]},
                  "history": [{"created_by": f"mmdebstrap {suite}: {' '.join(packages)}"}]}
        manifest = {"schemaVersion": 2, "mediaType": layout.MANIFEST, "layers": [layer],
                    "config": written.put_json(config, layout.CONFIG)}
        written.tag(written.put_json(manifest, layout.MANIFEST), stack.name)
    return folder


def _machine_os_release():
    for path in slug_stack.OS_RELEASE_FILES:
        try:
            return slug_stack.parse_os_release(Path(path).read_text(errors="replace"))
        except OSError:
            continue
    return {}


def mmdebstrap_command(suite, architecture, packages, target, sources, environ):
    """The mmdebstrap command line that makes the base's root file system as a tar at `target`
    (`architecture`: the OCI's name)."""
    debian_architecture = DEBIAN_ARCHITECTURES.get(architecture, architecture)
    command = ["mmdebstrap", "--variant=essential", f"--architectures={debian_architecture}", "--format=tar",
               f"--include={','.join(packages)}"]
    command += [f"--dpkgopt=path-exclude={path}" for path in EXCLUDED_PATHS]
    command += [f"--dpkgopt=path-include={path}" for path in KEPT_PATHS]
    if environ.get("SSL_CERT_FILE"):  # a machine's own certificate authority, for an https mirror
        command.append(f'--aptopt=Acquire::https::CaInfo "{environ["SSL_CERT_FILE"]}"')
    passwd, group = APP_USER
    command += [
        # The host's name and resolver are the container runtime's to give.
        f'--customize-hook=chroot "$1" dpkg --purge {" ".join(PURGED_PACKAGES)}',
        '--customize-hook=rm -f "$1/etc/hostname" "$1/etc/resolv.conf" "$1/etc/apt/apt.conf.d/99mmdebstrap"',
        f'--customize-hook=echo "{passwd}" >> "$1/etc/passwd"',
        f'--customize-hook=echo "{group}" >> "$1/etc/group"',
        suite, str(target), *map(str, sources),
    ]
    return command


def apt_sources(suite, folder=Path("/etc/apt")):
    """This machine's apt sources files for `suite` (the others name other releases or other
    vendors' repositories); none: mmdebstrap's default mirror, deb.debian.org."""
    candidates = [folder / "sources.list", *sorted((folder / "sources.list.d").glob("*.list")),
                  *sorted((folder / "sources.list.d").glob("*.sources"))]
    found = []
    for path in candidates:
        try:
            words = path.read_text(errors="replace").split()
        except OSError:
            continue
        if suite in words:
            found.append(path)
    return found


def _mmdebstrap(suite, architecture, packages, target):
    environ = dict(os.environ)
    # mmdebstrap then gives every file this time and packs the tar in a fixed order.
    environ.setdefault("SOURCE_DATE_EPOCH", "0")
    command = mmdebstrap_command(suite, architecture, packages, target, apt_sources(suite), environ)
    result = subprocess.run(command, env=environ, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        errors = [line for line in lines if line.startswith("E:")]
        # apt's first error is the cause; mmdebstrap's own come after it.
        said = errors[0] if errors else lines[-1] if lines else ""
        raise UserError(messages.mmdebstrap_failed(result.returncode, said))


# --- checking ------------------------------------------------------------------------------

def check(base, stack, distribution_python):
    """What makes `base` unfit for a slug built on `stack` (None: unknown) whose Python is the
    distribution's `distribution_python` (a path, or None): the text of the error, or None."""
    if stack is None:
        return messages.no_stack_record()
    base_id, base_version = base.os_release.get("ID"), base.os_release.get("VERSION_ID")
    if (base_id, base_version) != (stack.id, stack.version_id):
        described = f"{base_id} {base_version or ''}".strip() if base_id else "of an unknown OS (no os-release)"
        return messages.base_other_os(described, stack)
    if distribution_python and not base.has(distribution_python):
        return messages.base_lacks_python(distribution_python)
    return None
