"""`runtime image`: an OCI image of a built slug, written without a daemon (see runtime/image/).

The steps: check the slug and the options, take the base (given, or made from Debian's
packages), split the slug into layers and write those whose tar is new, then the config, the
manifest and the tag; then, when asked, the archive and the push.
"""

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from buildpack import files, release, slug
from buildpack.log import output
from buildpack.slug import stack
from runtime import messages, procfile
from runtime.app import built_from
from runtime.commands.build import SLUG_MARK
from runtime.errors import UserError
from runtime.image import archive, base, layers, layout, push

# A reference as Docker and podman spell it: [HOST[:PORT]/]PATH[:TAG]; no digest (we make it).
REFERENCE = re.compile(
    r"^(?:(?P<host>[A-Za-z0-9.-]+(?::[0-9]+)?)/)?"
    r"(?P<path>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)"
    r"(?::(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?")
LAUNCHER = Path(layers.__file__).with_name("launcher.py")
LAUNCHER_DIR = "runtime"  # /runtime in the image
ENTRYPOINT = [f"/{layers.APP_ROOT}/{slug.PYTHON_HOME}/bin/python3", "-I", f"/{LAUNCHER_DIR}/launcher.py"]
DEFAULT_PORT = 5000
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
BUILDPACK_ID = "django-buildpack"


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "image", help="write an OCI image of a built slug (no daemon needed)",
        description="Write an OCI image layout of the slug SLUG (from `runtime build`): the base "
        "image's layers, then the Python with its packages, the static files, the app's code, "
        "and the launcher, each a layer of its own, so a change to the code rewrites only the "
        "small code layer. The same slug gives the same image digest. Run it with "
        "`podman run oci:DIR:TAG` (or load the --archive), as `web` by default or any process "
        "type or command.")
    parser.add_argument("slug", nargs="?", default=".runtime/slug", metavar="SLUG",
                        help="the built slug (default: .runtime/slug)")
    parser.add_argument("--out", metavar="DIR",
                        help="the image layout folder, kept between runs so unchanged layers are "
                        "reused (default: image beside the slug)")
    parser.add_argument("--tag", metavar="NAME:TAG",
                        help="the image's name in the layout (default: the app folder's name:latest)")
    parser.add_argument("--base", metavar="BASE",
                        help="the base image: an OCI layout folder (FOLDER or FOLDER:TAG) or an "
                        "oci-archive/docker-archive tar (default: a base made from this machine's "
                        "Debian release with mmdebstrap, cached)")
    parser.add_argument("--archive", metavar="FILE",
                        help="also write the image as one tar that podman load and docker load read")
    parser.add_argument("--push", metavar="REGISTRY/NAME:TAG",
                        help="also copy the image to a registry with skopeo (credentials from "
                        "REGISTRY_AUTH_FILE or RUNTIME_REGISTRY_USERNAME/RUNTIME_REGISTRY_PASSWORD)")
    parser.set_defaults(func=run)


def run(args):
    started = time.monotonic()
    slug_dir = _slug(args.slug)
    out = Path(args.out).resolve() if args.out else slug_dir.parent / "image"
    if out == slug_dir or slug_dir in out.parents or out in slug_dir.parents:
        raise UserError(messages.image_out_overlaps_slug(out, slug_dir))
    tag = args.tag if args.tag is not None else default_tag(slug_dir)
    check_reference("--tag", tag)
    if args.push is not None:
        check_reference("--push", args.push)
    archive_path = _archive_path(args.archive)
    types = process_types(slug_dir)
    built_on, python = stack.read(slug_dir), stack.distribution_python(slug_dir)

    cache_root = base.default_cache_root()
    if args.base is None:
        output.step(messages.making_base(built_on))
        chosen = base.read(base.make(cache_root, built_on, base.packages_for(python)), cache_root)
    else:
        output.step(messages.reading_base(args.base))
        chosen = base.read(args.base, cache_root)
    refused = base.check(chosen, built_on, python)
    if refused:
        raise UserError(refused)

    with layout.opened(out) as folder:
        output.step(messages.writing_layers(out))
        try:
            ours = _write_layers(folder, _entries(slug_dir, types))
            for layer in chosen.layers:
                folder.put_file(layer.path, layer.digest)
        except OSError as exc:
            if files.no_space(exc):  # what is there is whole: the next run goes on from it
                raise UserError(messages.image_no_space(out)) from None
            raise
        config = image_config(chosen, [(name, b.diff_id) for name, b, _ in ours], types)
        manifest = {"schemaVersion": 2, "mediaType": layout.MANIFEST,
                    "config": folder.put_json(config, layout.CONFIG),
                    "layers": [layout.descriptor(layer.media_type, layer.digest, layer.size)
                               for layer in chosen.layers]
                    + [layout.descriptor(layout.LAYER, b.digest, b.size) for _, b, _ in ours]}
        descriptor = folder.put_json(manifest, layout.MANIFEST)
        folder.tag(descriptor, tag)
        folder.prune()
        output.step(messages.image_ready(out, tag, descriptor["digest"], time.monotonic() - started))
        if archive_path is not None:
            archive.write(folder, descriptor, tag, archive_path)
            output.step(messages.archive_written(archive_path))
        if args.push is not None:
            output.step(messages.pushing(args.push))
            push.push(out, tag, args.push)
    return 0


def _slug(path):
    slug_dir = Path(path).resolve()
    if not slug_dir.is_dir():
        raise UserError(messages.no_slug(path))
    if not (slug_dir / SLUG_MARK).is_file() and not (slug_dir / release.RELEASE_FILE).is_file():
        raise UserError(messages.not_a_slug(path))
    return slug_dir


def _archive_path(value):
    if value is None:
        return None
    path = Path(value).resolve()
    if path.is_dir() or not path.parent.is_dir():
        raise UserError(messages.bad_archive_path(value))
    return path


def default_tag(slug_dir):
    """`<app>:latest`, the app being the folder the slug was built from (`<app>/.runtime/slug`),
    else the slug folder, spelt as a reference must be."""
    folder = built_from(slug_dir)
    name = re.sub(r"[^a-z0-9]+", "-", folder.name.lower()).strip("-") or "app"
    return f"{name}:latest"


def check_reference(option, value):
    if not REFERENCE.fullmatch(value) or len(value) > 255:
        raise UserError(messages.bad_image_reference(option, value))


def process_types(slug_dir):
    """{type: command}: the slug's Procfile, then the buildpack's defaults for the types it lacks."""
    path = slug_dir / "Procfile"
    declared = procfile.load(path).entries if path.exists() else {}
    types = {name: entry.command for name, entry in declared.items()}
    defaults = release.process_types(release.yaml(slug_dir))
    return {**types, **{name: command for name, command in defaults.items() if name not in types}}


def _entries(slug_dir, types):
    """(layer name, entries) in image order: the slug's layers, then the launcher's."""
    split = layers.split(slug_dir)
    launcher = [
        layers.Entry(LAUNCHER_DIR, "dir", 0o755),
        layers.Entry(f"{LAUNCHER_DIR}/launcher.py", "file", 0o644, data=LAUNCHER.read_bytes()),
        layers.Entry(f"{LAUNCHER_DIR}/processes.json", "file", 0o644,
                     data=json.dumps(types, indent=2, sort_keys=True).encode() + b"\n"),
    ]
    return [(name, split[name]) for name in layers.SLUG_LAYERS] + [(layers.LAUNCHER, launcher)]


def _write_layers(folder, named_entries):
    """[(name, Blob, reused)] for each layer, writing only those no image in `folder` has. The
    layers are written side by side: compression releases the GIL."""
    known, when = folder.known_layers(), layers.mtime()

    def one(named):
        name, entries = named
        # Hashing the tar costs a tenth of compressing it; with no image here, nothing to find.
        diff_id = layers.diff_id(entries, when) if known else None
        if diff_id in known:
            found = known[diff_id]
            return name, layers.Blob(found["digest"], diff_id, found["size"]), True
        blob, temporary = layers.write(entries, when, folder.blobs)
        folder.put(temporary, blob.digest)
        return name, blob, False

    with ThreadPoolExecutor() as pool:
        written = list(pool.map(one, named_entries))
    for name, blob, reused in written:
        output.detail(messages.layer_written(name, blob.size, reused))
    return written


def image_config(chosen, ours, types):
    """The image config (image-spec's config.json) for the base `chosen` and our layers
    [(name, diff_id)]."""
    inherited = chosen.config or {}
    env = dict(item.partition("=")[::2] for item in inherited.get("Env") or [])
    env["PATH"] = f"/{layers.APP_ROOT}/{slug.PYTHON_HOME}/bin:{env.get('PATH') or DEFAULT_PATH}"
    # LANG: without it, Python adds LC_CTYPE=C.UTF-8 to the environment the app is given.
    env.update({"HOME": f"/{layers.APP_ROOT}", "PORT": str(DEFAULT_PORT), "LANG": env.get("LANG", "C.UTF-8")})
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(layers.mtime()))
    labels = {**(inherited.get("Labels") or {}), "io.buildpacks.build.metadata": json.dumps(
        {"processes": [{"type": name, "command": [command], "args": [], "direct": False,
                        "default": name == "web", "buildpackID": BUILDPACK_ID}
                       for name, command in types.items()]}, sort_keys=True)}
    return {
        "architecture": chosen.architecture, "os": chosen.os, "created": created,
        "config": {
            "User": f"{layers.APP_USER}:{layers.APP_USER}",
            "Env": [f"{key}={value}" for key, value in env.items()],
            "Entrypoint": ENTRYPOINT, "Cmd": ["web"],
            "WorkingDir": f"/{layers.APP_ROOT}",
            "ExposedPorts": {f"{DEFAULT_PORT}/tcp": {}},
            "StopSignal": "SIGTERM",
            "Labels": labels,
        },
        "rootfs": {"type": "layers", "diff_ids": [layer.diff_id for layer in chosen.layers] + [d for _, d in ours]},
        "history": _history(chosen, created, [name for name, _ in ours]),
    }


def _history(chosen, created, names):
    """One history entry per layer: podman build and buildah refuse an image (as a FROM) whose
    history does not match its layers."""
    inherited = chosen.history or []
    if sum(not entry.get("empty_layer") for entry in inherited) != len(chosen.layers):
        inherited = [{"created": created, "created_by": "base image layer"} for _ in chosen.layers]
    ours = [{"created": created, "created_by": f"runtime image: {name}"}
            for name in names]
    return inherited + ours
