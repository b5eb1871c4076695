"""`runtime image`: an OCI image written from a built slug, with the standard library, no daemon.

- layers.py: deterministic layer tars, and the slug split into layers by how often each part
  changes (the Python with its packages, the static files, the app's code, the launcher).
- layout.py: the OCI image layout folder (blobs, manifest, config, index.json), reusing blobs
  already there; archive.py: the docker-archive / oci-archive tar that `podman load` reads.
- base.py: the base image: one given as an OCI layout or archive, or one made from Debian's
  packages with mmdebstrap (cached); its OS checked against the stack the slug was built on.
- launcher.py: the image's entrypoint, copied into the image as a file; standard library only,
  it runs with the slug's Python. It applies `.profile.d`, runs a process type or a command,
  and as PID 1 forwards signals and reaps.
- push.py: the layout copied to a registry with skopeo.
"""
