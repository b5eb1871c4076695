"""The OCI image layout folder (image-spec 1.1): `oci-layout`, content-addressed blobs under
`blobs/sha256/`, and `index.json` naming each image by its tag.

Every blob is written under a temporary name and renamed to its digest, and index.json is
replaced last, so an interrupted run leaves the previous image whole. The images already in the
folder tell which layers need no writing: a layer whose tar has the same digest (diff_id) as
one of theirs reuses its blob.
"""

import contextlib
import hashlib
import json
import os
import shutil
from pathlib import Path

from buildpack import files
from runtime import messages
from runtime.errors import UserError

LAYOUT_FILE = "oci-layout"
LAYOUT_VERSION = {"imageLayoutVersion": "1.0.0"}
INDEX = "application/vnd.oci.image.index.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
REF_NAME = "org.opencontainers.image.ref.name"
PARTIAL = ".partial-"  # the prefix of a blob being written


def descriptor(media_type, digest, size, annotations=None):
    found = {"mediaType": media_type, "digest": digest, "size": size}
    return {**found, "annotations": annotations} if annotations else found


def canonical_json(value):
    """The bytes of a JSON blob: one spelling for one value, so equal images have equal digests."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class Layout:
    """An image layout folder, opened (and locked) by `opened`."""

    def __init__(self, root):
        self.root = Path(root)
        self.blobs = self.root / "blobs" / "sha256"

    def blob(self, digest):
        return self.blobs / digest.removeprefix("sha256:")

    def has(self, digest):
        return self.blob(digest).is_file()

    def put(self, temporary, digest):
        """Give a finished temporary file (in `blobs`) its digest's name."""
        os.chmod(temporary, 0o644)
        os.replace(temporary, self.blob(digest))

    def put_file(self, path, digest):
        """A blob that is a file elsewhere (a base's layer): linked when it can be, else copied."""
        if self.has(digest):
            return
        temporary = self.blobs / f"{PARTIAL}{digest.removeprefix('sha256:')}"
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        try:
            os.link(path, temporary)
        except OSError:
            shutil.copyfile(path, temporary)
        self.put(temporary, digest)

    def put_bytes(self, data, media_type):
        digest = f"sha256:{hashlib.sha256(data).hexdigest()}"
        if not self.has(digest):
            files.replace(self.blob(digest), data, mode=0o644)
        return descriptor(media_type, digest, len(data))

    def put_json(self, value, media_type):
        return self.put_bytes(canonical_json(value), media_type)

    def json(self, digest):
        return json.loads(self.blob(digest).read_bytes())

    def index(self):
        path = self.root / "index.json"
        if not path.exists():
            return {"schemaVersion": 2, "mediaType": INDEX, "manifests": []}
        try:
            index = json.loads(path.read_bytes())
            if not isinstance(index.get("manifests"), list):
                raise ValueError("no list of manifests")
        except (ValueError, AttributeError) as exc:
            raise UserError(messages.image_layout_unreadable(self.root, "index.json", exc)) from None
        return index

    def known_layers(self):
        """{diff_id: layer descriptor} for every layer of the images here whose blob is here."""
        known = {}
        for entry in self.index()["manifests"]:
            try:
                manifest = self.json(entry["digest"])
                config = self.json(manifest["config"]["digest"])
                pairs = zip(config["rootfs"]["diff_ids"], manifest["layers"], strict=True)
            except (OSError, ValueError, KeyError, TypeError):
                continue  # an image this folder no longer holds whole: nothing to reuse from it
            known.update({diff_id: layer for diff_id, layer in pairs if self.has(layer["digest"])})
        return known

    def tag(self, manifest, name):
        """Make `name` point at `manifest`, keeping the folder's other tags."""
        others = [entry for entry in self.index()["manifests"]
                  if entry.get("annotations", {}).get(REF_NAME) != name]
        self.write_index([*others, {**manifest, "annotations": {REF_NAME: name}}])

    def write_index(self, manifests):
        index = {"schemaVersion": 2, "mediaType": INDEX, "manifests": manifests}
        files.replace(self.root / "index.json", canonical_json(index), mode=0o644)

    def prune(self):
        """Remove the blobs no image here uses, and what an interrupted run left."""
        used = set()
        for entry in self.index()["manifests"]:
            used.add(entry["digest"])
            manifest = self.json(entry["digest"])
            used.update(d["digest"] for d in [manifest["config"], *manifest["layers"]])
        for path in self.blobs.iterdir():
            if f"sha256:{path.name}" not in used:
                path.unlink()


@contextlib.contextmanager
def opened(root):
    """The layout at `root`, made when the folder is new or empty, locked while in use. A folder
    that holds something else is refused: it would be filled with blobs."""
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise UserError(messages.image_out_is_a_file(root))
    if root.is_dir() and any(root.iterdir()) and not (root / LAYOUT_FILE).is_file():
        raise UserError(messages.image_out_not_a_layout(root))
    try:
        layout = create(root)
        lock = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise UserError(messages.unwritable_folder("--out", root, root, exc)) from None
    try:
        files.lock(lock, f"Waiting for the other `runtime image` writing {root} to finish")
        yield layout
    finally:
        os.close(lock)


def create(root):
    """The layout at `root`, its folders and oci-layout made where missing (no checks, no lock:
    for a folder of one's own, such as a base being made)."""
    layout = Layout(root)
    layout.blobs.mkdir(parents=True, exist_ok=True)
    if not (layout.root / LAYOUT_FILE).is_file():
        files.replace(layout.root / LAYOUT_FILE, canonical_json(LAYOUT_VERSION), mode=0o644)
    return layout
