"""One image of a layout as a single tar file that `podman load`, `docker load` and skopeo read.

The tar is an OCI layout holding that one image (an `oci-archive`) with Docker's
`manifest.json` beside it, which is what `docker save` writes since Docker 25: podman and skopeo
read it as either `oci-archive:` or `docker-archive:`, and older Dockers read the manifest.json.
"""

import io
import tarfile

from buildpack import files
from runtime.image import layers
from runtime.image.layout import INDEX, LAYOUT_FILE, REF_NAME, canonical_json


def write(layout, manifest, name, path):
    """Write the image `manifest` (its descriptor) of `layout`, tagged `name`, to the tar `path`."""
    image = layout.json(manifest["digest"])
    blobs = [manifest["digest"], image["config"]["digest"], *[layer["digest"] for layer in image["layers"]]]
    index = {"schemaVersion": 2, "mediaType": INDEX,
             "manifests": [{**manifest, "annotations": {REF_NAME: name}}]}
    docker = [{"Config": _name(image["config"]["digest"]), "RepoTags": [name],
               "Layers": [_name(layer["digest"]) for layer in image["layers"]]}]
    with files.replacing(path) as partial, tarfile.open(partial, "w", format=tarfile.GNU_FORMAT) as tar:
        _add_bytes(tar, LAYOUT_FILE, (layout.root / LAYOUT_FILE).read_bytes())
        _add_bytes(tar, "index.json", canonical_json(index))
        _add_bytes(tar, "manifest.json", canonical_json(docker))
        for folder in ("blobs", "blobs/sha256"):
            info = _info(folder)
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            tar.addfile(info)
        for digest in sorted(set(blobs)):
            with open(layout.blob(digest), "rb") as blob:
                info = _info(_name(digest))
                info.size = layout.blob(digest).stat().st_size
                tar.addfile(info, blob)


def _name(digest):
    return f"blobs/sha256/{digest.removeprefix('sha256:')}"


def _info(name):
    info = tarfile.TarInfo(name)
    info.mtime, info.mode = layers.mtime(), 0o644
    return info


def _add_bytes(tar, name, data):
    info = _info(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))
