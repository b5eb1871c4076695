"""The base image: one made with mmdebstrap (once per module: about a minute), that skopeo and
podman read and run; the same base read back from an oci-archive and a docker-archive; small
layouts written here for the layers' whiteouts and for each bad source's message."""

import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sysconfig
import tarfile
from pathlib import Path

import pytest

from buildpack.slug import stack
from runtime import messages
from runtime.errors import UserError
from runtime.image import base, layout
from tests.conftest import require

PODMAN = ["podman", "--runtime", "runc"]
RUN = [*PODMAN, "run", "--rm", "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096"]


@pytest.fixture(scope="module")
def cache_root(tmp_path_factory):
    return tmp_path_factory.mktemp("image-cache")


@pytest.fixture(scope="module")
def made(cache_root):
    require(shutil.which("mmdebstrap"), "mmdebstrap is not installed: apt-get install mmdebstrap")
    require(stack.current().id == "debian", "a base is made for a Debian build machine only")
    return base.make(cache_root, stack.current())


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def test_a_made_base_is_one_gzip_layer_whose_digests_are_its_blobs_and_its_tars(made):
    read = base.read(made)
    [layer] = read.layers
    blob = layer.path.read_bytes()
    assert (layer.media_type, layer.digest, layer.size) == (layout.LAYER, sha256(blob), len(blob))
    assert layer.diff_id == sha256(gzip.decompress(blob))
    assert (read.architecture, read.os) == (base.machine_architecture(), "linux")
    assert (read.os_release["ID"], read.os_release["VERSION_ID"]) == (stack.current().id, stack.current().version_id)
    assert read.config == {"Env": [base.ENV_PATH]}


def test_a_made_base_has_the_libraries_and_no_python_nor_documentation(made):
    read = base.read(made)
    triplet = sysconfig.get_config_var("MULTIARCH")
    require(triplet, "this Python does not know the machine's multiarch triplet")
    assert read.has(f"/usr/lib/{triplet}/libpq.so.5") and read.has(f"/lib/{triplet}/libssl.so.3")
    assert read.has("/usr/share/zoneinfo/Europe/Paris") and read.has("/etc/ssl/certs/ca-certificates.crt")
    assert not read.has("/usr/bin/python3") and not read.has("/usr/share/perl")  # perl-base's /usr/share/perl5 only
    assert not read.has("/usr/share/man/man1") and not read.has("/usr/share/locale/fr")
    assert sorted(path for path in read.files if path.startswith("var/lib/apt/lists/")) == [
        "var/lib/apt/lists/lock", "var/lib/apt/lists/partial"]  # no package lists
    assert read.has("/usr/share/doc/tzdata/copyright") and not read.has("/usr/share/doc/tzdata/changelog.Debian.gz")
    assert base.check(read, stack.current(), None) is None
    assert base.check(read, stack.current(), "/usr/bin/python3.11") == messages.base_lacks_python("/usr/bin/python3.11")


def test_a_second_make_is_the_cached_base_and_runs_no_mmdebstrap(made, cache_root, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no mmdebstrap there
    assert base.make(cache_root, stack.current()) == made
    with pytest.raises(UserError) as refused:
        base.make(cache_root, stack.current(), extra_packages=["python3.11"])
    assert str(refused.value) == messages.no_mmdebstrap()


def test_extra_packages_make_another_base_that_runs_the_distributions_python(made, cache_root):
    require(shutil.which("podman"), "podman is not installed")
    python = os.path.realpath("/usr/bin/python3")  # the distribution's, whose package has its name
    require(Path(python).name.startswith("python3."), "no distribution Python here: install Debian's python3")
    with_python = base.make(cache_root, stack.current(), extra_packages=[Path(python).name])
    assert with_python != made
    assert base.check(base.read(with_python), stack.current(), python) is None
    try:
        ran = subprocess.run([*RUN, f"oci:{with_python}", python, "-c", "import ssl, sqlite3; print('ok')"],
                             capture_output=True, text=True)
        assert ran.stdout == "ok\n", ran.stderr
    finally:
        forget(with_python)


def forget(layout):
    """Remove the image podman stored when it ran `oci:LAYOUT` (it names it after the folder)."""
    subprocess.run([*PODMAN, "rmi", "-f", f"localhost{layout}:latest"], capture_output=True)


def test_a_failed_make_says_what_apt_said_and_leaves_no_base(made, cache_root):
    before = sorted((cache_root / "bases").iterdir())
    with pytest.raises(UserError) as failed:
        base.make(cache_root, stack.current(), extra_packages=["no-such-package-here"])
    assert str(failed.value) == (
        "mmdebstrap failed (exit status 25) making the base image; it said: E: Unable to locate package "
        "no-such-package-here; fix the cause (the apt mirror must be reachable), or give a base with --base")
    assert sorted((cache_root / "bases").iterdir()) == before


def test_skopeo_reads_the_made_layout_and_podman_runs_it_with_the_app_user(made):
    require(shutil.which("skopeo") and shutil.which("podman"), "skopeo and podman are not installed")
    inspected = json.loads(subprocess.run(["skopeo", "inspect", f"oci:{made}"], capture_output=True, text=True,
                                          check=True).stdout)
    assert inspected["Layers"] == [layer.digest for layer in base.read(made).layers]
    ran = subprocess.run([*RUN, f"oci:{made}", "cat", "/etc/os-release"], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert stack.parse_os_release(ran.stdout)["VERSION_ID"] == stack.current().version_id
    user = subprocess.run([*RUN, "--user", "1000:1000", f"oci:{made}", "sh", "-c", "id; echo $HOME"],
                          capture_output=True, text=True)
    forget(made)
    assert user.stdout == "uid=1000(app) gid=1000(app) groups=1000(app)\n/app\n", user.stderr


def test_an_oci_archive_and_a_docker_archive_read_as_the_layout_does(made, cache_root, tmp_path):
    require(shutil.which("skopeo"), "skopeo is not installed")
    expected = base.read(made)
    oci_archive = tmp_path / "oci.tar"
    subprocess.run(["tar", "-C", str(made), "-cf", str(oci_archive), "."], check=True)
    docker_archive = tmp_path / "docker.tar"
    subprocess.run(["skopeo", "copy", "--quiet", f"oci:{made}", f"docker-archive:{docker_archive}"], check=True)
    for archive in (oci_archive, docker_archive):
        read = base.read(archive, cache_root)
        assert [layer.diff_id for layer in read.layers] == [layer.diff_id for layer in expected.layers]
        assert (read.architecture, read.os_release, read.files) == (expected.architecture, expected.os_release,
                                                                    expected.files)
        [layer] = read.layers
        assert layer.media_type == layout.LAYER and layer.digest == sha256(layer.path.read_bytes())
        assert layer.path.is_relative_to(cache_root / "archives")
        assert base.read(archive, cache_root).layers == read.layers  # the second read: from the cache


# --- small layouts ------------------------------------------------------------------------

def layer_tar(entries):
    """A gzip layer of {name: text, or ("link", target)}."""
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as tar:
        for name, value in entries.items():
            info = tarfile.TarInfo(name)
            if isinstance(value, tuple):
                info.type, info.linkname = tarfile.SYMTYPE, value[1]
                tar.addfile(info)
            else:
                info.size = len(value.encode())
                tar.addfile(info, io.BytesIO(value.encode()))
    return data.getvalue()


def blob(folder, data, media_type, **extra):
    (folder / "blobs/sha256").mkdir(parents=True, exist_ok=True)
    (folder / "blobs/sha256" / sha256(data)[7:]).write_bytes(data)
    return {"mediaType": media_type, "digest": sha256(data), "size": len(data), **extra}


def write_layout(folder, layers, tags=(None,), architecture="amd64"):
    """An OCI layout of plain-tar layers, one manifest per tag."""
    descriptors = [blob(folder, layer_tar(entries), "application/vnd.oci.image.layer.v1.tar") for entries in layers]
    config = {"architecture": architecture, "os": "linux", "config": {"User": "1000"},
              "rootfs": {"type": "layers", "diff_ids": [d["digest"] for d in descriptors]}}
    manifest = {"schemaVersion": 2, "mediaType": layout.MANIFEST, "layers": descriptors,
                "config": blob(folder, json.dumps(config).encode(), layout.CONFIG)}
    described = blob(folder, json.dumps(manifest).encode(), layout.MANIFEST)
    index = [dict(described, annotations={layout.REF_NAME: tag}) if tag else described for tag in tags]
    (folder / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": index}))
    return folder


LOWER = {"etc/os-release": ("link", "../usr/lib/os-release"), "usr/lib/os-release": 'ID=debian\nVERSION_ID="12"\n',
         "usr/bin/python3.11": "", "usr/share/doc/a/README": "", "usr/share/doc/b": "", "bin": ("link", "usr/bin")}


def test_upper_layers_win_and_their_whiteouts_remove_lower_files(tmp_path):
    upper = {"etc/.wh.os-release": "", "etc/os-release": 'ID=ubuntu\nVERSION_ID="24.04"\n',
             "usr/bin/.wh.python3.11": "", "usr/share/doc/.wh..wh..opq": "", "usr/share/doc/c": ""}
    read = base.read(write_layout(tmp_path, [LOWER, upper]))
    assert (read.os_release, read.config) == ({"ID": "ubuntu", "VERSION_ID": "24.04"}, {"User": "1000"})
    assert not read.has("/usr/bin/python3.11") and not read.has("/bin/python3.11")
    assert [read.has(f"/usr/share/doc/{name}") for name in ("a", "b", "c")] == [False, False, True]


def test_os_release_follows_the_images_own_link(tmp_path):
    read = base.read(write_layout(tmp_path, [LOWER]))
    assert read.os_release == {"ID": "debian", "VERSION_ID": "12"} and read.has("/bin/python3.11")


def test_a_tag_chooses_among_several_images(tmp_path):
    write_layout(tmp_path, [LOWER], tags=("one", "two"))
    assert base.read(f"{tmp_path}:two").os_release["ID"] == "debian"
    with pytest.raises(UserError) as several:
        base.read(tmp_path)
    assert str(several.value) == messages.base_several_images(str(tmp_path), ["one", "two"])
    with pytest.raises(UserError) as unknown:
        base.read(f"{tmp_path}:three")
    assert str(unknown.value) == (
        f"--base {tmp_path}:three: no image tagged 'three' (its tags: one, two): give one of its tags")


def test_a_nested_index_gives_this_machines_architecture(tmp_path):
    write_layout(tmp_path / "other", [{"usr/other": ""}], architecture="s390x")
    write_layout(tmp_path, [LOWER], architecture=base.machine_architecture())
    platforms = []
    for folder, architecture in ((tmp_path / "other", "s390x"), (tmp_path, base.machine_architecture())):
        descriptor = json.loads((folder / "index.json").read_text())["manifests"][0]
        blob(tmp_path, (folder / "blobs/sha256" / descriptor["digest"][7:]).read_bytes(), layout.MANIFEST)
        for path in (folder / "blobs/sha256").iterdir():
            blob(tmp_path, path.read_bytes(), "")
        platforms.append(dict(descriptor, platform={"architecture": architecture, "os": "linux"}))
    nested = blob(tmp_path, json.dumps({"schemaVersion": 2, "manifests": platforms}).encode(), layout.INDEX)
    (tmp_path / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [nested]}))
    read = base.read(tmp_path)
    assert read.has("/usr/bin/python3.11") and not read.has("/usr/other")


def refused(source, cache_root=None):
    with pytest.raises(UserError) as error:
        base.read(source, cache_root)
    return str(error.value)


FORMS = messages.BASE_FORMS


def test_bad_sources_are_named_with_what_to_give(tmp_path):
    assert refused(tmp_path / "nothing") == f"--base {tmp_path}/nothing: no such file or folder: give {FORMS}"
    (tmp_path / "notes.txt").write_text("hello")
    assert refused(tmp_path / "notes.txt") == f"--base {tmp_path}/notes.txt is neither a folder nor a tar file: give {FORMS}"
    (tmp_path / "empty").mkdir()
    assert refused(tmp_path / "empty") == (
        f"--base {tmp_path}/empty is a folder without index.json, so not an OCI image layout: give {FORMS}")
    with tarfile.open(tmp_path / "other.tar", "w") as tar:
        tar.add(tmp_path / "notes.txt", "notes.txt")
    assert refused(tmp_path / "other.tar", tmp_path / "cache") == (
        f"--base {tmp_path}/other.tar is a tar with neither index.json (an oci-archive) nor manifest.json "
        f"(a docker-archive) at its top: give {FORMS}")
    assert not list((tmp_path / "cache/archives").iterdir())  # no half conversion left behind


def test_a_missing_blob_is_named(tmp_path):
    write_layout(tmp_path, [LOWER])
    layer = json.loads((tmp_path / "index.json").read_text())
    manifest = json.loads((tmp_path / "blobs/sha256" / layer["manifests"][0]["digest"][7:]).read_text())
    digest = manifest["layers"][0]["digest"]
    (tmp_path / "blobs/sha256" / digest[7:]).unlink()
    assert refused(tmp_path) == (f"--base {tmp_path}: blob {digest} is missing (blobs/sha256/{digest[7:]}): the "
                                 "layout is incomplete; copy the image again (skopeo copy)")


def test_an_index_pointing_at_something_else_is_not_an_image(tmp_path):
    config = blob(tmp_path, b"{}", layout.CONFIG)
    (tmp_path / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [config]}))
    assert refused(tmp_path) == (f"--base {tmp_path}: its index points to a "
                                 f"'{layout.CONFIG}', so it is not an image: give {FORMS}")
