"""`runtime image` against `podman build` of the equivalent Containerfile, on the example's slug.

    .venv/bin/python bench/image_bench.py

Both sides start from the same base (the one `runtime image` makes from Debian's packages,
made before the clock starts, and loaded into podman's storage for `FROM`), and make the
same image: the slug at /app owned by uid 1000, the launcher at /runtime, the same user,
working folder and entrypoint. Rows, each the median of REPEAT runs:

- first image: ours = `runtime image` into a new folder; anchor = `podman build --no-cache`.
  Target: <= 0.5x.
- after a one-template change: ours = `runtime image` into the same folder; anchor = `podman
  build` with its layer cache. Target: <= 0.2x.
- bytes written after that change: ours = the new blobs' bytes (the app layer, the config and
  the manifest); anchor = the slug as a tar, which podman's COPY layer rewrites whole.
- image size: ours = the image's layers, uncompressed, as podman stores them; anchor = the
  base's layers plus the slug as one tar. Target: <= 1.02x (no file stored twice).

`run()` returns the rows as (name, ours, anchor, ratio, unit) for the one-command runner.
"""

import gzip
import json
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from common import environment, settle, work_folder  # noqa: E402

from buildpack.slug import stack  # noqa: E402
from runtime.commands import image  # noqa: E402
from runtime.image import base  # noqa: E402

REPEAT = 3
RUNTIME = str(Path(sys.executable).with_name("runtime"))
PODMAN = ["podman", "--runtime", "runc"]
BASE_NAME = "localhost/runtime-bench-base:latest"
TEMPLATE = Path("visits") / "templates" / "visits" / "index.html"


def containerfile(launcher):
    return f"""FROM {BASE_NAME}
COPY --chown=1000:1000 slug /app
COPY {launcher.name} /runtime/launcher.py
USER 1000:1000
WORKDIR /app
ENV HOME=/app PORT=5000
EXPOSE 5000
ENTRYPOINT {json.dumps(image.ENTRYPOINT)}
CMD ["web"]
"""


def timed(command, **kwargs):
    settle()
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - started


def blob_bytes(layout):
    return {path.name: path.stat().st_size for path in (layout / "blobs" / "sha256").iterdir()}


def uncompressed_size(layout):
    """The bytes of the image's layers as tars, the way podman's storage holds them."""
    index = json.loads((layout / "index.json").read_text())
    manifest = json.loads((layout / "blobs" / "sha256" / index["manifests"][0]["digest"][7:]).read_text())
    total = 0
    for layer in manifest["layers"]:
        with gzip.open(layout / "blobs" / "sha256" / layer["digest"][7:]) as tar:
            while chunk := tar.read(1 << 20):
                total += len(chunk)
    return total


def tar_size(folder):
    """The size of `folder` as one tar (what a COPY of it adds)."""
    class Counter:
        size = 0

        def write(self, data):
            self.size += len(data)
            return len(data)

    counter = Counter()
    with tarfile.open(fileobj=counter, mode="w|", format=tarfile.GNU_FORMAT) as tar:
        tar.add(folder, arcname="app")
    return counter.size


def run():
    if not shutil.which("podman"):
        sys.exit("podman is not installed: scripts/bench installs it")
    work = work_folder("image-bench-")
    env = {**environment(), "XDG_CACHE_HOME": str(work / "cache")}
    app = work / "guestbook"
    shutil.copytree(REPO / "examples" / "guestbook", app, ignore=shutil.ignore_patterns(".runtime"))
    slug = app / ".runtime" / "slug"
    subprocess.run([RUNTIME, "build", str(app)], check=True, env=env, stdout=subprocess.DEVNULL)
    base_dir = base.make(base.default_cache_root(env), stack.read(slug),
                         base.packages_for(stack.distribution_python(slug)))
    subprocess.run(["skopeo", "copy", "--quiet", f"oci:{base_dir}", f"containers-storage:{BASE_NAME}"],
                   check=True)
    context = work / "context"
    context.mkdir()
    shutil.copytree(slug, context / "slug", symlinks=True)
    shutil.copy(image.LAUNCHER, context / "launcher.py")
    (context / "Containerfile").write_text(containerfile(image.LAUNCHER))
    build = [*PODMAN, "build", "-q", "-t", "localhost/runtime-bench:latest", str(context)]

    ours_first = [timed([RUNTIME, "image", str(slug), "--out", str(work / f"first-{n}")], env=env)
                  for n in range(REPEAT)]
    podman_first = [timed([*build, "--no-cache"]) for _ in range(REPEAT)]
    layout = work / "first-0"
    ours_change, podman_change, written = [], [], []
    for n in range(REPEAT):
        for target in (slug / TEMPLATE, context / "slug" / TEMPLATE):
            target.write_text(target.read_text() + f"<!-- change {n} -->\n")
        before = blob_bytes(layout)
        ours_change.append(timed([RUNTIME, "image", str(slug), "--out", str(layout)], env=env))
        written.append(sum(size for name, size in blob_bytes(layout).items() if name not in before))
        podman_change.append(timed(build))
    ours_size = uncompressed_size(layout)
    anchor_size = uncompressed_size(base_dir) + tar_size(slug)
    subprocess.run([*PODMAN, "rmi", "-f", "localhost/runtime-bench:latest", BASE_NAME], capture_output=True)

    rows = [("first image of the example", statistics.median(ours_first), statistics.median(podman_first), "s"),
            ("image after a one-template change", statistics.median(ours_change),
             statistics.median(podman_change), "s"),
            ("bytes written after a one-template change", statistics.median(written) / 1e6,
             tar_size(context / "slug") / 1e6, "MB"),
            ("image size (ours: layers; anchor: base + slug)", ours_size / 1e6, anchor_size / 1e6, "MB")]
    return [(name, ours, anchor, ours / anchor, unit) for name, ours, anchor, unit in rows]


def main():
    print(f"{'measurement':<52} {'ours':>9} {'anchor':>9} {'ratio':>7}")
    for name, ours, anchor, ratio, unit in run():
        print(f"{name:<52} {ours:8.3f}{unit} {anchor:8.3f}{unit} {ratio:6.3f}x")


if __name__ == "__main__":
    main()
