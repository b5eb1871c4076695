"""The objects `runtime export kubernetes` writes, run for real by `podman kube play` with the
image `runtime image` made: no cluster can run here, podman can play Pods and Deployments.

What podman 4.3 cannot play is changed in the test's copies, and only there: it plays no Jobs,
so the release Job's pod template is played as a Pod; it reads no Kubernetes Secrets, so the
Secret becomes a ConfigMap (and the containers' secretRef a configMapRef); and its pods use the
host's network (`hostNetwork: true`), to reach the test's PostgreSQL on 127.0.0.1 and be reached
there; except web's, which keeps its own network and gets a `hostPort` on 127.0.0.1 for its
`containerPort` (4.3's kube play has no --publish). A YAML cannot carry `--ulimit` or `--runtime`, so a containers.conf (CONTAINERS_CONF)
sets them. The schema validation of the unchanged files is test_export_kubernetes.py's.
"""

import base64
import os
import shutil
import subprocess
import time

import pytest
import yaml

from tests.conftest import free_port, require, wait_for_http
from tests.e2e.test_main_job import check_migrated_on_postgres
from tests.runtime.helpers import runtime
from tests.runtime.image.conftest import PODMAN, processed_by

TAG = "guestbook:kube"
CONTAINERS_CONF = """\
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]

[engine]
runtime = "runc"
"""


@pytest.fixture(scope="module")
def podman_env(tmp_path_factory):
    require(shutil.which("catatonit") or os.path.exists("/usr/libexec/podman/catatonit"),
            "catatonit is not installed (scripts/test installs it: kube play's infra container needs it)")
    conf = tmp_path_factory.mktemp("podman") / "containers.conf"
    conf.write_text(CONTAINERS_CONF)
    return {**os.environ, "CONTAINERS_CONF": str(conf)}


@pytest.fixture(scope="module")
def exported(slug, podman_image, postgres, tmp_path_factory):
    """The objects for the loaded image, with the config from an env file, as a user exports them."""
    folder = tmp_path_factory.mktemp("k8s")
    port = free_port()
    env_file = folder / "production.env"
    env_file.write_text(f"DATABASE_URL={postgres.url}\nSECRET_KEY=kube-test-{'k' * 40}\n"
                        f"SECURE_SSL_REDIRECT=False\nPORT={port}\n")
    done = runtime("export", "kubernetes", folder / "out", "-d", slug, "--image", podman_image,
                   "-e", env_file, "-c", "web=1,worker=1")
    assert done.returncode == 0, done.stdout + done.stderr
    return folder / "out", port


def objects(folder):
    listing = yaml.safe_load((folder / "kustomization.yaml").read_text())
    return {(doc["kind"], doc["metadata"]["name"]): doc
            for doc in (yaml.safe_load((folder / name).read_text()) for name in listing["resources"])}


def playable(pod_spec, host_network=True):
    """The pod spec as podman 4.3 can play it here (see the module's docstring)."""
    pod_spec = {**pod_spec, "hostNetwork": host_network}
    for container in pod_spec["containers"]:
        container["envFrom"] = [{"configMapRef": source.get("configMapRef") or source["secretRef"]}
                                for source in container.get("envFrom", [])]
    return pod_spec


class Played:
    def __init__(self, folder, documents, env):
        self.file = folder / f"played-{time.monotonic_ns()}.yaml"
        self.file.write_text(yaml.safe_dump_all(documents))
        self.env = env

    def play(self, configmaps):
        done = subprocess.run([*PODMAN, "kube", "play", *[f"--configmap={path}" for path in configmaps],
                               str(self.file)], capture_output=True, text=True, env=self.env, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    def down(self):
        subprocess.run([*PODMAN, "kube", "down", str(self.file)], capture_output=True, env=self.env)


@pytest.fixture(scope="module")
def configmaps(exported):
    """The ConfigMap as it is, and the Secret turned into a ConfigMap of the same name."""
    folder, _ = exported
    found = objects(folder)
    [(_, secret_name)] = [key for key in found if key[0] == "Secret"]
    secret = found[("Secret", secret_name)]
    as_configmap = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": secret_name},
                    "data": {key: base64.b64decode(value).decode() for key, value in secret["data"].items()}}
    converted = folder.parent / "secret-as-configmap.yaml"
    converted.write_text(yaml.safe_dump(as_configmap))
    [config] = [folder / name for name in yaml.safe_load((folder / "kustomization.yaml").read_text())["resources"]
                if name.startswith("configmap-")]
    return [config, converted]


def logs(pod_container, env):
    return subprocess.run([*PODMAN, "logs", pod_container], capture_output=True, text=True, env=env).stderr


@pytest.fixture(scope="module")
def released(exported, configmaps, podman_env, postgres):
    """The release Job's pod template, played as a Pod, run to its end."""
    folder, _ = exported
    [job] = [doc for (kind, _), doc in objects(folder).items() if kind == "Job"]
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "release"},
           "spec": playable(job["spec"]["template"]["spec"])}
    played = Played(folder.parent, [pod], podman_env)
    played.play(configmaps)
    container = f"release-{pod['spec']['containers'][0]['name']}"
    deadline = time.monotonic() + 300
    while (state := subprocess.run([*PODMAN, "inspect", container, "--format", "{{.State.Status}}"],
                                   capture_output=True, text=True, env=podman_env).stdout.strip()) != "exited":
        assert time.monotonic() < deadline, f"the release pod is still {state}"
        time.sleep(0.5)
    status = subprocess.run([*PODMAN, "inspect", container, "--format", "{{.State.ExitCode}}"],
                            capture_output=True, text=True, env=podman_env).stdout.strip()
    output = logs(container, podman_env)
    played.down()
    return status, output


def test_the_release_jobs_pod_migrates_postgresql(released, postgres):
    status, output = released
    assert status == "0", output
    check_migrated_on_postgres(postgres)


def deployment(exported, component):
    folder, _ = exported
    [found] = [doc for (kind, _), doc in objects(folder).items()
               if kind == "Deployment" and doc["metadata"]["labels"]["app.kubernetes.io/component"] == component]
    return found


def test_the_web_deployment_answers_through_its_container_port(exported, configmaps, podman_env, released):
    folder, port = exported
    web = deployment(exported, "web")
    [container] = web["spec"]["template"]["spec"]["containers"]
    assert container["ports"] == [{"containerPort": port, "name": "http", "protocol": "TCP"}]
    host_port = free_port()
    container["ports"][0].update(hostPort=host_port, hostIP="127.0.0.1")
    web["spec"]["template"]["spec"] = playable(web["spec"]["template"]["spec"], host_network=False)
    played = Played(folder.parent, [web], podman_env)
    try:
        played.play(configmaps)
        status, body = wait_for_http(f"http://127.0.0.1:{host_port}/admin/login/", timeout=90)
        assert status == 200 and "Log in" in body, body
    finally:
        played.down()


def test_the_worker_deployments_pod_runs(exported, configmaps, podman_env, released, postgres):
    folder, _ = exported
    worker = deployment(exported, "worker")
    worker["spec"]["template"]["spec"] = playable(worker["spec"]["template"]["spec"])
    played = Played(folder.parent, [worker], podman_env)
    try:
        played.play(configmaps)
        visit = postgres.query("INSERT INTO visits_visit (created_at, user_agent, processed_by) "
                               "VALUES (now(), 'test', '') RETURNING id")[0]
        # DYNO is the pod's name, as the export sets it
        assert processed_by(postgres, visit, lambda: "").startswith(worker["metadata"]["name"])
    finally:
        played.down()
