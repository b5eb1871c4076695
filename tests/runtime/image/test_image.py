"""`runtime image`: the example's slug as an OCI image that skopeo reads and podman runs.

podman runs with the host's network, so the container reaches the test's PostgreSQL on
127.0.0.1 and the test reaches the container (see conftest.py for podman's other flags).
"""

import gzip
import hashlib
import io
import json
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

import pytest

from runtime.image import layers, layout
from tests.conftest import free_port, require, resize, wait_for_http
from tests.e2e.test_main_job import check_migrated_on_postgres, check_static_file_served_compressed
from tests.runtime.helpers import runtime
from tests.runtime.image.conftest import PODMAN, SECRET, ULIMITS, processed_by

RUN = [*PODMAN, "run", *ULIMITS, "--network", "host"]
TAG = "guestbook:test"
LAYERS = ("python", "static", "app", "launcher")


def blobs_of(layout):
    """(manifest, config) of the image TAG in the layout, read as a registry client would."""
    index = json.loads((layout / "index.json").read_text())
    [entry] = [m for m in index["manifests"] if m["annotations"]["org.opencontainers.image.ref.name"] == TAG]
    manifest = json.loads(blob(layout, entry["digest"]))
    return entry, manifest, json.loads(blob(layout, manifest["config"]["digest"]))


def blob(layout, digest):
    return (layout / "blobs" / "sha256" / digest.removeprefix("sha256:")).read_bytes()


def our_layers(layout):
    """{name: layer descriptor} of the four layers on top of the base."""
    _, manifest, _ = blobs_of(layout)
    return dict(zip(LAYERS, manifest["layers"][-4:], strict=True))


# --- the layout ------------------------------------------------------------------------

def test_skopeo_reads_the_image_and_its_config(image):
    layout, _, output = image
    require(shutil.which("skopeo"), "skopeo is not installed (scripts/test installs Debian's skopeo)")
    inspected = subprocess.run(["skopeo", "inspect", f"oci:{layout}:{TAG}"], capture_output=True, text=True)
    assert inspected.returncode == 0, inspected.stderr
    config = json.loads(subprocess.run(["skopeo", "inspect", "--config", f"oci:{layout}:{TAG}"],
                                       capture_output=True, text=True, check=True).stdout)
    assert config["config"]["User"] == "1000:1000"
    assert config["config"]["WorkingDir"] == "/app"
    assert config["config"]["ExposedPorts"] == {"5000/tcp": {}}
    assert "PORT=5000" in config["config"]["Env"] and "HOME=/app" in config["config"]["Env"]
    processes = json.loads(config["config"]["Labels"]["io.buildpacks.build.metadata"])["processes"]
    assert {p["type"]: p["command"] for p in processes} == {
        "web": ["gunicorn guestbook.wsgi --bind 0.0.0.0:$PORT"], "worker": ["python manage.py worker"],
        "release": ["python manage.py migrate --noinput"]}
    assert re.search(r"-----> Image guestbook:test ready in [\d.]+ s: sha256:[0-9a-f]{64}", output)


def test_the_archive_reads_as_an_oci_archive_and_as_a_docker_archive(image):
    """podman load takes it (the podman tests load it); docker load reads its manifest.json, as
    skopeo's docker-archive transport does (no Docker engine runs here)."""
    require(shutil.which("skopeo"), "skopeo is not installed (scripts/test installs Debian's skopeo)")
    layout, archive, _ = image
    _, manifest, config = blobs_of(layout)
    for transport in ("oci-archive", "docker-archive"):
        inspected = subprocess.run(["skopeo", "inspect", "--config", f"{transport}:{archive}"],
                                   capture_output=True, text=True)
        assert inspected.returncode == 0, inspected.stderr
        assert json.loads(inspected.stdout)["rootfs"]["diff_ids"] == config["rootfs"]["diff_ids"]
    with tarfile.open(archive) as tar:
        [docker] = json.load(tar.extractfile("manifest.json"))
    assert docker["RepoTags"] == [TAG]
    assert docker["Layers"] == [f"blobs/sha256/{layer['digest'][7:]}" for layer in manifest["layers"]]


def test_every_blob_is_named_by_its_digest_and_each_diff_id_is_its_uncompressed_tar(image):
    layout, _, _ = image
    _, manifest, config = blobs_of(layout)
    assert len(manifest["layers"]) == len(config["rootfs"]["diff_ids"]) == len(config["history"])
    for layer, diff_id in zip(manifest["layers"], config["rootfs"]["diff_ids"], strict=True):
        data = blob(layout, layer["digest"])
        assert "sha256:" + hashlib.sha256(data).hexdigest() == layer["digest"]
        assert len(data) == layer["size"]
        assert "sha256:" + hashlib.sha256(gzip.decompress(data)).hexdigest() == diff_id


def test_the_slug_is_split_into_python_static_app_and_launcher_layers(image):
    layout, _, output = image
    names = {}
    for name, layer in our_layers(layout).items():
        with tarfile.open(fileobj=_gunzipped(layout, layer)) as tar:
            members = tar.getmembers()
            names[name] = {m.name for m in members if not m.isdir()}
            assert [m.name for m in members] == sorted(m.name for m in members)
            assert len(members) == len({m.name for m in members})
            assert {(m.mtime, m.uname, m.gname) for m in members} == {(0, "", "")}
    assert all(n.startswith("app/.heroku/python/") for n in names["python"])
    assert "app/.heroku/python/bin/gunicorn" in names["python"]
    assert all(n.startswith("app/staticfiles/") for n in names["static"])
    assert "app/staticfiles/staticfiles.json" in names["static"]
    assert "app/manage.py" in names["app"] and "app/Procfile" in names["app"]
    assert not any(n.startswith(("app/.heroku/python/", "app/staticfiles/")) for n in names["app"])
    assert names["launcher"] == {"runtime/launcher.py", "runtime/processes.json"}
    for name in LAYERS:
        assert re.search(rf"^       {name}: [\d.]+ (bytes|KB|MB), written$", output, re.M), output


def test_nothing_secret_or_local_is_in_any_layer(image):
    layout, _, _ = image
    _, manifest, _ = blobs_of(layout)
    for layer in manifest["layers"][-4:]:
        data = gzip.decompress(blob(layout, layer["digest"]))
        assert SECRET.encode() not in data
        with tarfile.open(fileobj=_gunzipped(layout, layer)) as tar:
            names = tar.getnames()
        for left_out in ("app/.env", "app/env.py", "app/db.sqlite3", "app/.git", "app/notes-for-the-team.txt"):
            assert not any(n == left_out or n.startswith(left_out + "/") for n in names), left_out


def test_the_same_slug_gives_the_same_image_digest_and_reuses_every_layer(slug, image, image_env, tmp_path):
    layout, _, _ = image
    first, _, _ = blobs_of(layout)
    again = runtime("image", slug, "--out", layout, "--tag", TAG, env=image_env, timeout=600)
    assert again.returncode == 0, again.stderr
    for name in LAYERS:
        assert re.search(rf"^       {name}: .*, unchanged, reused$", again.stdout, re.M), again.stdout
    elsewhere = runtime("image", slug, "--out", tmp_path / "other", "--tag", TAG, env=image_env, timeout=600)
    assert elsewhere.returncode == 0, elsewhere.stderr
    assert blobs_of(layout)[0]["digest"] == blobs_of(tmp_path / "other")[0]["digest"] == first["digest"]


def test_a_template_change_rewrites_only_the_app_layer(slug, image, image_env, tmp_path):
    layout, _, _ = image
    copy = tmp_path / "layout"
    shutil.copytree(layout, copy)
    changed = tmp_path / "slug"
    shutil.copytree(slug, changed, symlinks=True)
    template = changed / "visits" / "templates" / "visits" / "index.html"
    template.write_text(template.read_text() + "<!-- changed -->\n")
    before = our_layers(copy)
    blobs_before = set((copy / "blobs" / "sha256").iterdir())
    rebuilt = runtime("image", changed, "--out", copy, "--tag", TAG, env=image_env, timeout=600)
    assert rebuilt.returncode == 0, rebuilt.stderr
    after = our_layers(copy)
    assert [name for name in LAYERS if before[name] != after[name]] == ["app"]
    new_blobs = set((copy / "blobs" / "sha256").iterdir()) - blobs_before
    new_digests = {"sha256:" + path.name for path in new_blobs}
    entry, manifest, _ = blobs_of(copy)
    assert new_digests == {after["app"]["digest"], manifest["config"]["digest"], entry["digest"]}


def _gunzipped(layout, layer):
    return io.BytesIO(gzip.decompress(blob(layout, layer["digest"])))


# --- bad input -------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "message"), [
    (["--tag", "Guestbook:v1"], "runtime: error: --tag 'Guestbook:v1' is not an image name: write NAME:TAG"),
    (["--tag", "guestbook:" + "v" * 300], "runtime: error: --tag 'guestbook:vvvv"),
    (["--push", "registry.example/x:-bad"], "runtime: error: --push 'registry.example/x:-bad' is not an image name"),
])
def test_bad_names_are_refused_before_anything_is_written(slug, tmp_path, image_env, args, message):
    done = runtime("image", slug, "--out", tmp_path / "out", *args, env=image_env)
    assert done.returncode == 1
    assert done.stderr.startswith(message), done.stderr
    assert not (tmp_path / "out").exists()


def test_an_out_folder_that_is_not_a_layout_is_refused(slug, tmp_path, image_env):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.txt").write_text("keep me\n")
    done = runtime("image", slug, "--out", tmp_path / "mine", env=image_env)
    assert done.returncode == 1
    assert done.stderr == (f"runtime: error: --out {tmp_path / 'mine'} holds files that are not an OCI "
                           "image layout (no oci-layout file), and the image's blobs would be mixed "
                           "with them: give a new or empty folder, or the folder of an earlier image\n")
    (tmp_path / "file").write_text("")
    done = runtime("image", slug, "--out", tmp_path / "file", env=image_env)
    assert done.stderr == (f"runtime: error: --out {tmp_path / 'file'} is a file: give a new or empty "
                           "folder, or the folder of an earlier image\n")


def test_an_out_folder_inside_the_slug_is_refused(slug, image_env):
    done = runtime("image", slug, "--out", slug / "image", env=image_env)
    assert done.returncode == 1
    assert done.stderr == (f"runtime: error: --out {slug / 'image'} and the slug {slug} overlap: the image "
                           "would hold itself, or replace the slug; give a folder outside the slug (the "
                           "default is `image` beside it)\n")
    assert not (slug / "image").exists()


def test_a_folder_that_is_not_a_slug_is_refused(tmp_path, image_env):
    done = runtime("image", tmp_path, "--out", tmp_path / "out", env=image_env)
    assert done.returncode == 1
    assert done.stderr.startswith(f"runtime: error: {tmp_path} is not a built slug"), done.stderr
    done = runtime("image", tmp_path / "nothing", env=image_env)
    assert done.stderr.startswith(f"runtime: error: {tmp_path / 'nothing'}: no such folder"), done.stderr


# --- running it with podman ------------------------------------------------------------

@pytest.fixture(scope="module")
def app_env(postgres):
    # Plain HTTP on 127.0.0.1: no router in front to terminate TLS.
    return ["-e", f"DATABASE_URL={postgres.url}", "-e", "SECRET_KEY=image-test-" + "k" * 40,
            "-e", "SECURE_SSL_REDIRECT=False"]


@pytest.fixture(scope="module")
def released(podman_image, app_env, postgres):
    done = subprocess.run([*RUN, "--rm", *app_env, podman_image, "release"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_release_migrates_postgresql_from_the_container(released, postgres):
    check_migrated_on_postgres(postgres)


class Container:
    def __init__(self, image, *args, env=()):
        self.name = f"runtime-test-{time.monotonic_ns()}"
        subprocess.run([*RUN, "-d", "--name", self.name, *env, image, *args], check=True,
                       capture_output=True, text=True)

    def logs(self):
        return subprocess.run([*PODMAN, "logs", self.name], capture_output=True, text=True).stdout

    def state(self, field):
        return subprocess.run([*PODMAN, "inspect", self.name, "--format", f"{{{{.State.{field}}}}}"],
                              capture_output=True, text=True, check=True).stdout.strip()

    def remove(self):
        subprocess.run([*PODMAN, "rm", "-f", self.name], capture_output=True)


@pytest.fixture
def web(podman_image, app_env, released):
    port = free_port()
    container = Container(podman_image, env=[*app_env, "-e", f"PORT={port}"])
    container.url = f"http://127.0.0.1:{port}"
    yield container
    container.remove()


def test_web_serves_the_app_and_its_hashed_compressed_stylesheet(web):
    status, body = wait_for_http(web.url + "/admin/login/", timeout=60)
    assert status == 200, body + web.logs()
    css = re.search(r'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', body)
    assert css, body
    check_static_file_served_compressed(web.url + css.group(1))
    status, body = wait_for_http(web.url + "/")
    assert status == 200 and "You are visit #" in body, body


def test_the_processes_run_as_a_non_root_user_and_podman_stop_ends_them_with_their_own_exit(web):
    wait_for_http(web.url + "/admin/login/", timeout=60)
    users = subprocess.run([*PODMAN, "top", web.name, "user", "args"], capture_output=True, text=True,
                           check=True).stdout
    gunicorn = [line for line in users.splitlines() if "gunicorn" in line]
    assert gunicorn and all(line.split()[0] == "app" for line in gunicorn), users  # the base's uid 1000
    stopped = subprocess.run([*PODMAN, "stop", "-t", "20", web.name], capture_output=True, text=True)
    assert stopped.returncode == 0, stopped.stderr
    assert web.state("ExitCode") == "0"  # gunicorn's own exit on SIGTERM, not 137 (SIGKILL)
    assert "Handling signal: term" in web.logs() + subprocess.run(
        [*PODMAN, "logs", web.name], capture_output=True, text=True).stderr


def test_a_one_off_command_runs_and_the_worker_processes_what_it_wrote(podman_image, app_env, released,
                                                                      postgres):
    worker = Container(podman_image, "worker", env=app_env)
    try:
        done = subprocess.run([*RUN, "--rm", *app_env, podman_image, "python", "manage.py", "shell", "-c",
                               "import os; from visits.models import Visit; "
                               "print(os.getuid(), os.getcwd(), Visit.objects.create().id)"],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        uid, folder, visit = done.stdout.splitlines()[-1].split()  # after Django's "N objects imported"
        assert (uid, folder) == ("1000", "/app")
        assert processed_by(postgres, visit, worker.logs) == "worker"  # no DYNO in a plain container
    finally:
        worker.remove()


def test_web_concurrency_follows_the_containers_memory_limit(podman_image):
    counts = {}
    for memory in ("300m", "600m"):
        done = subprocess.run([*RUN, "--rm", "--memory", memory, podman_image, "printenv", "WEB_CONCURRENCY"],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        counts[memory] = done.stdout.strip()
    assert counts == {"300m": "1", "600m": "2"}  # one worker per 256 MB


def test_django_imports_from_the_images_bytecode_without_compiling_it_again(podman_image):
    # -v names each module's bytecode as it is used, or says it is stale; -B keeps a module
    # compiled again from being written, so that each run finds the image as it was built.
    done = subprocess.run([*RUN, "--rm", podman_image, "python", "-v", "-B", "-c", "import django.db.models"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    stale = [line for line in done.stderr.splitlines() if "bytecode is stale" in line]
    used = re.findall(r"code object from '/app/\.heroku/python/lib/python3\.\d+/site-packages/django/", done.stderr)
    assert (len(stale), len(used) > 100) == (0, True), stale[:5]


# --- pushing to a registry -------------------------------------------------------------

def start_registry(folder, htpasswd=None):
    """Debian's docker-registry on 127.0.0.1 over plain HTTP (marked insecure in a registries.conf
    for skopeo and podman), asking for a login when `htpasswd` (a file) is given; (address,
    registries.conf, the server)."""
    require(shutil.which("docker-registry"), "docker-registry is not installed (scripts/test installs it)")
    port = free_port()
    auth = f"auth:\n  htpasswd:\n    realm: test\n    path: {htpasswd}\n" if htpasswd else ""
    config = folder / "registry.yml"
    config.write_text(f"version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: {folder / 'data'}\n"
                      f"http:\n  addr: 127.0.0.1:{port}\n{auth}")
    conf = folder / "registries.conf"
    conf.write_text(f'[[registry]]\nlocation = "127.0.0.1:{port}"\ninsecure = true\n')
    server = subprocess.Popen(["docker-registry", "serve", str(config)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    wait_for_http(f"http://127.0.0.1:{port}/v2/")
    return f"127.0.0.1:{port}", conf, server


@pytest.fixture
def registry(tmp_path):
    address, conf, server = start_registry(tmp_path)
    yield address, conf
    server.terminate()
    server.wait(timeout=10)


def test_a_pushed_image_is_pulled_and_run_by_podman(slug, image, image_env, registry, tmp_path):
    require(shutil.which("podman"), "podman is not installed (scripts/test installs Debian's podman)")
    address, conf = registry
    layout, _, _ = image
    env = {**image_env, "CONTAINERS_REGISTRIES_CONF": str(conf)}
    pushed = runtime("image", slug, "--out", layout, "--tag", TAG, "--push", f"{address}/guestbook:pushed",
                     env=env, timeout=600)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    assert f"-----> Pushing to {address}/guestbook:pushed with skopeo" in pushed.stdout
    pulled = subprocess.run([*PODMAN, "pull", "-q", f"{address}/guestbook:pushed"], env=env,
                            capture_output=True, text=True)
    assert pulled.returncode == 0, pulled.stderr
    try:
        done = subprocess.run([*RUN, "--rm", f"{address}/guestbook:pushed", "python", "-c",
                               "import django; print(django.get_version())"], capture_output=True, text=True)
        assert done.returncode == 0 and done.stdout.startswith("5."), done.stdout + done.stderr
    finally:
        subprocess.run([*PODMAN, "rmi", "-f", f"{address}/guestbook:pushed"], capture_output=True)


def test_credentials_from_the_environment_log_in_and_are_not_on_skopeos_command_line(slug, image, image_env,
                                                                                     tmp_path):
    require(shutil.which("htpasswd"), "htpasswd is not installed (scripts/test installs apache2-utils)")
    password = "pa55 w0rd-" + "p" * 12
    htpasswd = tmp_path / "htpasswd"
    htpasswd.write_text(subprocess.run(["htpasswd", "-Bbn", "alice", password], capture_output=True,
                                       text=True, check=True).stdout)
    address, conf, server = start_registry(tmp_path, htpasswd)
    layout, _, _ = image
    env = {**image_env, "CONTAINERS_REGISTRIES_CONF": str(conf)}
    # skopeo on PATH is a wrapper that records its command line before running the real one.
    wrappers = tmp_path / "bin"
    wrappers.mkdir()
    (wrappers / "skopeo").write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> {tmp_path / "argv"}\n'
                                     f'exec {shutil.which("skopeo")} "$@"\n')
    (wrappers / "skopeo").chmod(0o755)
    env["PATH"] = f"{wrappers}:{env['PATH']}"
    try:
        refused = runtime("image", slug, "--out", layout, "--tag", TAG, "--push", f"{address}/guestbook:v1",
                          env=env, timeout=600)
        assert refused.returncode == 1
        assert "failed: unauthorized: authentication required\n" in refused.stderr, refused.stderr
        pushed = runtime("image", slug, "--out", layout, "--tag", TAG, "--push", f"{address}/guestbook:v1",
                         env={**env, "RUNTIME_REGISTRY_USERNAME": "alice", "RUNTIME_REGISTRY_PASSWORD": password},
                         timeout=600)
        assert pushed.returncode == 0, pushed.stderr
        assert password not in pushed.stdout + pushed.stderr
        argv = (tmp_path / "argv").read_text()
        assert "--dest-authfile" in argv and password not in argv
        assert not list(Path(tempfile.gettempdir()).glob("runtime-push_*/auth.json"))  # removed after the push
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_push_to_a_registry_that_is_not_there_says_what_to_check(slug, image, image_env):
    layout, _, _ = image
    address = f"127.0.0.1:{free_port()}"
    done = runtime("image", slug, "--out", layout, "--tag", TAG, "--push", f"{address}/guestbook:v1",
                   env=image_env, timeout=600)
    assert done.returncode == 1
    assert done.stderr.startswith(f"runtime: error: the push to {address}/guestbook:v1 failed: "
                                  "connect: connection refused\n"), done.stderr
    assert "Check the registry's address and that it is running" in done.stderr


# --- the base --------------------------------------------------------------------------

def ubuntu_base(folder):
    """A one-layer layout whose os-release says Ubuntu 24.04 (a heroku:24-like base)."""
    with layout.opened(folder) as written:
        entries = [layers.Entry("etc", "dir", 0o755),
                   layers.Entry("etc/os-release", "file", 0o644, data=b'ID=ubuntu\nVERSION_ID="24.04"\n')]
        blob, temporary = layers.write(entries, 0, written.blobs)
        written.put(temporary, blob.digest)
        config = written.put_json({"architecture": "amd64", "os": "linux", "config": {},
                                   "rootfs": {"type": "layers", "diff_ids": [blob.diff_id]}}, layout.CONFIG)
        manifest = written.put_json({"schemaVersion": 2, "mediaType": layout.MANIFEST, "config": config,
                                     "layers": [layout.descriptor(layout.LAYER, blob.digest, blob.size)]},
                                    layout.MANIFEST)
        written.tag(manifest, "24")
    return folder


def test_a_base_of_another_system_is_refused_naming_both(slug, tmp_path, image_env):
    done = runtime("image", slug, "--out", tmp_path / "out", "--base", ubuntu_base(tmp_path / "ubuntu"),
                   env=image_env)
    assert done.returncode == 1
    assert done.stderr.startswith("runtime: error: the base is ubuntu 24.04, the slug was built on debian 12: "
                                  "its Python and packages are linked against debian 12's libraries"), done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "out").exists()


def test_a_base_that_is_not_there_is_refused(slug, tmp_path, image_env):
    done = runtime("image", slug, "--out", tmp_path / "out", "--base", tmp_path / "nothing", env=image_env)
    assert done.returncode == 1
    assert done.stderr.startswith(f"runtime: error: --base {tmp_path / 'nothing'}: no such file or folder"), done.stderr


def test_a_full_disk_is_one_error_and_the_next_run_goes_on_from_what_was_written(slug, image_env, tmp_path,
                                                                                small_volume):
    out = small_volume(tmp_path / "out", 40)
    full = runtime("image", slug, "--out", out, "--tag", TAG, env=image_env, timeout=600)
    assert full.returncode == 1
    assert full.stderr == (f"runtime: error: no space left on the disk of {out}: free some space and run it "
                           "again (the layers already written are reused), or give --out a folder on another "
                           "disk\n")
    assert not [path.name for path in (out / "blobs" / "sha256").iterdir() if path.name.startswith(".partial")]
    resize(out, 1024)
    done = runtime("image", slug, "--out", out, "--tag", TAG, env=image_env, timeout=600)
    assert done.returncode == 0, done.stderr
    skopeo = subprocess.run(["skopeo", "inspect", f"oci:{out}:{TAG}"], capture_output=True, text=True)
    assert skopeo.returncode == 0, skopeo.stderr
