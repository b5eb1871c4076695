"""The image copied from its layout to a registry by skopeo (Debian's `skopeo` package).

Credentials never go on a command line, where `ps` shows them: skopeo reads REGISTRY_AUTH_FILE
(or its default auth file) itself, and RUNTIME_REGISTRY_USERNAME with RUNTIME_REGISTRY_PASSWORD
become an auth file only the user can read, removed afterwards. A registry served over plain
HTTP is marked `insecure = true` in registries.conf (or the file CONTAINERS_REGISTRIES_CONF
names), as podman and skopeo expect.
"""

import base64
import json
import os
import shutil
import subprocess
import tempfile

from runtime import messages
from runtime.errors import UserError

USERNAME, PASSWORD = "RUNTIME_REGISTRY_USERNAME", "RUNTIME_REGISTRY_PASSWORD"


def push(layout_dir, name, destination, environ=os.environ):
    skopeo = shutil.which("skopeo", path=environ.get("PATH"))
    if skopeo is None:
        raise UserError(messages.skopeo_missing())
    # Older skopeos (Debian 12's 1.9) read CONTAINERS_REGISTRIES_CONF only as an option.
    conf = ["--registries-conf", environ["CONTAINERS_REGISTRIES_CONF"]] if environ.get("CONTAINERS_REGISTRIES_CONF") else []
    command = [skopeo, *conf, "copy", "--quiet", f"oci:{layout_dir}:{name}", f"docker://{destination}"]
    with tempfile.TemporaryDirectory(prefix="runtime-push_") as private:
        if environ.get(USERNAME) or environ.get(PASSWORD):
            command[-2:-2] = ["--dest-authfile", _auth_file(private, destination, environ)]
        done = subprocess.run(command, capture_output=True, text=True, env=dict(environ))
    if done.returncode:
        raise UserError(messages.push_failed(destination, reason(done.stderr or done.stdout)))


def reason(said):
    """What went wrong, from skopeo's last message: the end of its chain of `doing X: doing Y:
    cause`, the part a user acts on ("unauthorized: authentication required")."""
    lines = said.strip().splitlines() or [""]
    message = lines[-1]
    if 'msg="' in message:
        message = message.split('msg="', 1)[1].rstrip('"').replace('\\"', '"')
    return ": ".join(message.split(": ")[-2:])


def registry_of(destination):
    """The registry part of a reference (docker.io when it names none, as Docker reads it)."""
    first, _, rest = destination.partition("/")
    return first if rest and ("." in first or ":" in first or first == "localhost") else "docker.io"


def _auth_file(folder, destination, environ):
    if not (environ.get(USERNAME) and environ.get(PASSWORD)):
        raise UserError(messages.registry_credentials_half(USERNAME, PASSWORD))
    token = base64.b64encode(f"{environ[USERNAME]}:{environ[PASSWORD]}".encode()).decode()
    path = os.path.join(folder, "auth.json")
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
        json.dump({"auths": {registry_of(destination): {"auth": token}}}, file)
    return path
