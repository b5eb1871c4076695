"""`runtime export kubernetes`: objects for a slug built by `runtime build`, valid against the
Kubernetes OpenAPI schemas in strict mode, rendered by `kubectl kustomize`, holding the app's
config exactly as given."""

import base64
import shutil
import subprocess

import kubernetes_validate
import pytest
import yaml

from tests import apps
from tests.conftest import require
from tests.runtime.helpers import host_env, runtime

pytestmark = pytest.mark.timeout(600)

SCHEMA_VERSION = "1.32.0"  # the oldest Kubernetes the objects are checked against
PROCFILE = ("web: gunicorn mysite.wsgi\nworker: python -c 'import time; time.sleep(1e6)'\n"
            "release: python manage.py check\n")
IMAGE = "registry.example/team/shop:v1.2"
TRICKY_ENV = """\
MULTI="line one
---
...
key: value {{ x }}"
QUOTES="it's \\"quoted\\""
COLON='a: b # not a comment'
DOCUMENT_START='---'
DOCUMENT_END='...'
ON=on
SECRET_KEY="s3cret: value
---
with lines"
DATABASE_URL=postgres://shop:pa55word@db:5432/shop
"""
TRICKY_VALUES = {
    "MULTI": "line one\n---\n...\nkey: value {{ x }}", "QUOTES": "it's \"quoted\"",
    "COLON": "a: b # not a comment", "DOCUMENT_START": "---", "DOCUMENT_END": "...", "ON": "on",
}
SECRETS = {"SECRET_KEY": "s3cret: value\n---\nwith lines",
           "DATABASE_URL": "postgres://shop:pa55word@db:5432/shop"}


@pytest.fixture(scope="module")
def slug(tmp_path_factory):
    """A Django app with web, worker and release, built into a slug by `runtime build`."""
    root = tmp_path_factory.mktemp("kubernetes")
    apps.django_app(root / "app", files={"Procfile": PROCFILE})
    result = runtime("build", root / "app", "--out", root / "slug", "--cache", root / "cache",
                     env=host_env(), timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "slug"


def export(slug, out, *args, env_file=None):
    extra = ["-e", env_file] if env_file else []
    return runtime("export", "kubernetes", out, "-d", slug, *extra, *args)


def documents(out):
    """{file name: the object} for every file the kustomization lists, each checked in strict
    mode against the Kubernetes OpenAPI schemas."""
    listing = yaml.safe_load((out / "kustomization.yaml").read_text())
    found = {name: yaml.safe_load((out / name).read_text()) for name in listing["resources"]}
    for name, document in found.items():
        try:
            kubernetes_validate.validate(document, SCHEMA_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{name}: {exc}")
    return found


def kustomize(out):
    """The objects `kubectl kustomize` renders from DIR, as kubectl's own YAML parser read them."""
    require(shutil.which("kubectl"), "kubectl is missing: install it to render the kustomization")
    rendered = subprocess.run(["kubectl", "kustomize", str(out)], capture_output=True, text=True,
                              timeout=60)
    assert rendered.returncode == 0, rendered.stderr
    return list(yaml.safe_load_all(rendered.stdout))


def by_kind(out):
    return {(doc["kind"], doc["metadata"]["name"]): doc for doc in documents(out).values()}


def test_every_file_is_valid_kubernetes_and_kustomize_renders_them(slug, tmp_path):
    out = tmp_path / "k8s"

    result = export(slug, out, "--image", IMAGE, "-c", "web=3", "--autoscale", "worker=1:4",
                    "--namespace", "shop-prod", "--size", "standard-2x", "--timeout", "20",
                    "--health-path", "/healthz", "--liveness")

    assert result.returncode == 0, result.stderr
    objects = documents(out)
    job = next(name for name in objects if name.startswith("job-"))
    names = ["configmap-shop-config.yaml", "secret-shop-secrets.yaml", job,
             "deployment-shop-web.yaml", "deployment-shop-worker.yaml", "service-shop-web.yaml",
             "poddisruptionbudget-shop-web.yaml", "horizontalpodautoscaler-shop-worker.yaml"]
    assert list(objects) == names
    assert result.stdout == "".join(f"wrote {out}/{name}\n" for name in [*names, "kustomization.yaml"])
    assert sorted(path.name for path in out.iterdir()) == sorted([*names, "kustomization.yaml"])
    assert {document["metadata"]["namespace"] for document in objects.values()} == {"shop-prod"}
    assert sorted((doc["kind"], doc["metadata"]["name"]) for doc in kustomize(out)) == sorted(
        (doc["kind"], doc["metadata"]["name"]) for doc in objects.values())


def test_the_strict_schemas_catch_a_port_written_as_a_string(slug, tmp_path):
    out = tmp_path / "k8s"
    assert export(slug, out, "--image", IMAGE).returncode == 0
    deployment = by_kind(out)["Deployment", "shop-web"]
    deployment["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "5000"

    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, SCHEMA_VERSION, strict=True)


def test_each_process_type_is_a_deployment_running_the_image_with_its_type(slug, tmp_path):
    out = tmp_path / "k8s"

    result = export(slug, out, "--image", IMAGE, "-c", "web=2,worker=1")

    assert result.returncode == 0, result.stderr
    objects = by_kind(out)
    web, worker = objects["Deployment", "shop-web"], objects["Deployment", "shop-worker"]
    assert web["metadata"]["labels"] == {"app.kubernetes.io/name": "shop",
                                         "app.kubernetes.io/component": "web",
                                         "app.kubernetes.io/managed-by": "runtime"}
    assert (web["spec"]["replicas"], worker["spec"]["replicas"]) == (2, 1)
    pod = web["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert (container["image"], container["args"]) == (IMAGE, ["web"])
    assert container["ports"] == [{"name": "http", "containerPort": 5000, "protocol": "TCP"}]
    assert container["env"][0] == {"name": "PORT", "value": "5000"}
    assert container["envFrom"] == [{"configMapRef": {"name": "shop-config"}},
                                    {"secretRef": {"name": "shop-secrets"}}]
    # Started and ready when the port takes connections; never restarted by a probe.
    assert container["startupProbe"]["tcpSocket"] == {"port": "http"}
    assert container["readinessProbe"]["tcpSocket"] == {"port": "http"}
    assert "livenessProbe" not in container
    # Safe defaults.
    assert pod["securityContext"] == {"runAsNonRoot": True, "runAsUser": 1000, "runAsGroup": 1000,
                                      "seccompProfile": {"type": "RuntimeDefault"}}
    assert container["securityContext"] == {"allowPrivilegeEscalation": False,
                                            "readOnlyRootFilesystem": True,
                                            "capabilities": {"drop": ["ALL"]}}
    assert container["volumeMounts"] == [{"name": "tmp", "mountPath": "/tmp"}]
    assert pod["volumes"] == [{"name": "tmp", "emptyDir": {}}]
    assert pod["terminationGracePeriodSeconds"] == 30
    assert container["resources"] == {"requests": {"cpu": "250m", "memory": "512Mi"},
                                      "limits": {"memory": "512Mi"}}
    worker_container = worker["spec"]["template"]["spec"]["containers"][0]
    assert worker_container["args"] == ["worker"]
    assert not {"ports", "startupProbe", "readinessProbe"} & set(worker_container)
    assert worker_container["env"] == [
        {"name": "DYNO", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        {"name": "XDG_RUNTIME_DIR", "value": "/tmp"}]  # gunicorn's control socket, writable

    service = objects["Service", "shop-web"]
    assert service["spec"] == {
        "selector": {"app.kubernetes.io/name": "shop", "app.kubernetes.io/component": "web"},
        "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]}
    assert objects["PodDisruptionBudget", "shop-web"]["spec"]["maxUnavailable"] == 1
    assert not any(kind == "HorizontalPodAutoscaler" for kind, _ in objects)


def test_the_release_phase_is_a_job_named_after_the_image(slug, tmp_path):
    jobs = {}
    for image in (IMAGE, "registry.example/team/shop:v1.3", IMAGE + "@sha256:" + "ab" * 32):
        out = tmp_path / image.replace("/", "_")
        assert export(slug, out, "--image", image).returncode == 0
        [job] = [doc for doc in documents(out).values() if doc["kind"] == "Job"]
        jobs[image] = job

    names = [job["metadata"]["name"] for job in jobs.values()]
    assert [name.rsplit("-", 1)[0] for name in names] == [
        "shop-release-v1-2", "shop-release-v1-3", "shop-release-abababababab"]
    job = jobs[IMAGE]
    assert (job["spec"]["backoffLimit"], job["spec"]["ttlSecondsAfterFinished"]) == (0, 86400)
    pod = job["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    assert pod["containers"][0]["args"] == ["release"]
    # One web replica: no disruption budget; no release Deployment.
    objects = by_kind(tmp_path / IMAGE.replace("/", "_"))
    assert ("Deployment", "shop-release") not in objects
    assert not any(kind == "PodDisruptionBudget" for kind, _ in objects)


def test_the_same_export_writes_the_same_files(slug, tmp_path):
    for out in (tmp_path / "one", tmp_path / "two"):
        assert export(slug, out, "--image", IMAGE).returncode == 0

    assert {path.name: path.read_text() for path in (tmp_path / "one").iterdir()} == {
        path.name: path.read_text() for path in (tmp_path / "two").iterdir()}


def test_flags_change_probes_sizes_grace_and_scaling(slug, tmp_path):
    out = tmp_path / "k8s"

    result = export(slug, out, "--image", IMAGE, "--size", "performance-m", "--timeout", "12.5",
                    "--health-path", "/up?full=1", "--liveness", "--autoscale", "web=2:10")

    assert result.returncode == 0, result.stderr
    objects = by_kind(out)
    web = objects["Deployment", "shop-web"]
    assert "replicas" not in web["spec"]  # the autoscaler's to set
    pod = web["spec"]["template"]["spec"]
    container = pod["containers"][0]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/up?full=1", "port": "http"}
    assert container["resources"] == {"requests": {"cpu": "2", "memory": "2560Mi"},
                                      "limits": {"memory": "2560Mi"}}
    assert pod["terminationGracePeriodSeconds"] == 13
    autoscaler = objects["HorizontalPodAutoscaler", "shop-web"]["spec"]
    assert autoscaler["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                            "name": "shop-web"}
    assert (autoscaler["minReplicas"], autoscaler["maxReplicas"]) == (2, 10)
    assert autoscaler["metrics"][0]["resource"]["target"] == {"type": "Utilization",
                                                             "averageUtilization": 70}
    assert ("PodDisruptionBudget", "shop-web") in objects


def test_config_values_read_back_exactly_and_secrets_stay_in_the_secret(slug, tmp_path):
    env_file = tmp_path / "production.env"
    env_file.write_text(TRICKY_ENV)
    out = tmp_path / "k8s"

    result = export(slug, out, "--image", IMAGE, env_file=env_file)

    assert result.returncode == 0, result.stderr
    objects = by_kind(out)
    assert objects["ConfigMap", "shop-config"]["data"] == TRICKY_VALUES
    secret = objects["Secret", "shop-secrets"]
    assert {name: base64.b64decode(value).decode() for name, value in secret["data"].items()} == SECRETS
    for path in out.iterdir():
        text = path.read_text()
        for value in (*SECRETS.values(), "pa55word", "s3cret"):
            assert value not in text, path.name
    web = objects["Deployment", "shop-web"]["spec"]["template"]["spec"]["containers"][0]
    assert [env["name"] for env in web["env"]] == ["PORT", "DYNO", "XDG_RUNTIME_DIR"]
    # kubectl's own YAML parser reads the same strings.
    rendered = {doc["kind"]: doc for doc in kustomize(out)}
    assert rendered["ConfigMap"]["data"] == TRICKY_VALUES
    assert {name: base64.b64decode(value).decode()
            for name, value in rendered["Secret"]["data"].items()} == SECRETS


def test_characters_yaml_would_read_as_line_breaks_come_back_through_kubectl(slug, tmp_path):
    # Control characters, the line and paragraph separators and a BOM are escaped; the rest is
    # written as it is. (NEL is refused: kustomize turns it into a space, test below.)
    value = "\x01\x1b[31m \u2028 \u2029 \ufeff caf\u00e9 \u65e5\u672c \U0001f600\tend"
    env_file = tmp_path / "odd.env"
    env_file.write_text(f"ODD='{value}'\n", encoding="utf-8")
    out = tmp_path / "k8s"

    result = export(slug, out, "--image", IMAGE, env_file=env_file)

    assert result.returncode == 0, result.stderr
    assert by_kind(out)["ConfigMap", "shop-config"]["data"] == {"ODD": value}
    assert {doc["kind"]: doc for doc in kustomize(out)}["ConfigMap"]["data"] == {"ODD": value}


def test_a_config_value_kustomize_cannot_render_is_refused_unless_it_is_secret(app, tmp_path):
    root = app({"Procfile": "web: gunicorn x\n", ".env": "API_KEY='a\x7fb'\nODD='a\x85b'\n"})
    out = tmp_path / "k8s"

    result = runtime("export", "kubernetes", out, "--image", "shop:1", cwd=root)

    assert (result.returncode, result.stderr) == (1, (
        "runtime: error: cannot export to kubernetes:\n  the value of ODD (from .env:2) cannot be "
        "written for kubernetes: it contains U+007F-U+009F, U+FFFE, U+FFFF or bytes that are not "
        "UTF-8, which `kubectl kustomize` cannot render; change the value or choose another "
        "format\n"))
    (root / ".env").write_text("API_KEY='a\x7fb'\n")
    assert runtime("export", "kubernetes", out, "--image", "shop:1", cwd=root).returncode == 0
    assert base64.b64decode(by_kind(out)["Secret", "shop-secrets"]["data"]["API_KEY"]) == b"a\x7fb"
    kustomize(out)


def test_the_config_is_the_app_dotenv_when_no_env_file_is_given(slug, tmp_path):
    app = tmp_path / "app"
    shutil.copytree(slug, app, symlinks=True)
    (app / ".env").write_text("GREETING=hello\nAPI_TOKEN=t0ken\nPORT=8000\n")
    out = tmp_path / "k8s"

    result = runtime("export", "kubernetes", out, "--image", IMAGE, cwd=app)

    assert result.returncode == 0, result.stderr
    objects = by_kind(out)
    assert objects["ConfigMap", "shop-config"]["data"] == {"GREETING": "hello", "PORT": "8000"}
    assert base64.b64decode(objects["Secret", "shop-secrets"]["data"]["API_TOKEN"]) == b"t0ken"
    web = objects["Deployment", "shop-web"]["spec"]["template"]["spec"]["containers"][0]
    assert web["ports"][0]["containerPort"] == 8000 and web["env"][0]["value"] == "8000"
    # The slug's own env.py, defaults and HOME are the image's business, not the config's.
    assert "HOME" not in objects["ConfigMap", "shop-config"]["data"]


def test_names_kubernetes_refuses_are_mapped_and_printed(app, tmp_path):
    root = app({"Procfile": "web: gunicorn x\nBig_Worker: python w.py\n"})
    out = tmp_path / "k8s"

    result = runtime("export", "kubernetes", out, "-a", "My Shop", "--image", "shop:1", cwd=root)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        "note: app name `My Shop` is named `my-shop` in Kubernetes",
        "note: process type `Big_Worker` is named `big-worker` in Kubernetes"]
    deployment = by_kind(out)["Deployment", "my-shop-big-worker"]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert (container["name"], container["args"]) == ("big-worker", ["Big_Worker"])


def test_names_that_would_collide_are_an_error(app, tmp_path):
    root = app({"Procfile": "web: gunicorn x\nmy_worker: a\nmy-worker: b\n"})

    result = runtime("export", "kubernetes", tmp_path / "k8s", "--image", "shop:1", cwd=root)

    assert result.returncode == 1
    assert result.stderr.endswith(
        "runtime: error: cannot export to kubernetes:\n  process types `my_worker` and `my-worker` "
        "would all be named `my-worker` in Kubernetes: rename all but one in the Procfile\n")
    assert not (tmp_path / "k8s").exists()


BAD_INPUT = [
    ([], "cannot export to kubernetes:\n  no image given: name the image the objects run with "
         "--image REF (for example --image registry.example/shop:v12, an image made from the slug)"),
    (["--image", "shop:1", "-c", "clock=1"],
     "unknown process type `clock`: Procfile defines web, worker, release"),
    (["--image", "shop:1", "--size", "huge"],
     "cannot export to kubernetes:\n  --size 'huge' is not a size: choose one of basic, "
     "standard-1x, standard-2x, performance-m, performance-l, performance-l-ram, performance-xl, "
     "performance-2xl"),
    (["--image", "shop:1", "--autoscale", "web=3:2"],
     "bad --autoscale `web=3:2`: write TYPE=MIN:MAX with whole numbers, 1 <= MIN <= MAX, "
     "e.g. --autoscale web=2:10"),
    (["--image", "shop:1", "--autoscale", "release=1:2"],
     "cannot export to kubernetes:\n  --autoscale names `release`, which is not a process type "
     "to scale: Procfile has web, worker"),
    (["--image", "shop:1", "-c", "web=2", "--autoscale", "web=1:3"],
     "cannot export to kubernetes:\n  `web` has both a -c count and an --autoscale range: the "
     "autoscaler sets its replicas, so drop one of the two"),
    (["--image", "shop:1", "--namespace", "Shop_Prod"],
     "cannot export to kubernetes:\n  --namespace 'Shop_Prod' is not a Kubernetes namespace name: "
     "use at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit"),
    (["--image", "shop 1"], "cannot export to kubernetes:\n  --image 'shop 1' is not an image "
     "reference: give one without spaces or control characters, e.g. registry.example/shop:v12"),
    (["--image", "shop:1", "--health-path", "healthz"],
     "cannot export to kubernetes:\n  --health-path 'healthz' is not a URL path: start it with "
     "`/`, without spaces, e.g. --health-path /healthz"),
    (["--image", "shop:1", "-u", "shop"],
     "-u cannot be used with `runtime export kubernetes`: leave it out"),
]


@pytest.mark.parametrize("args, error", BAD_INPUT)
def test_bad_input_is_a_clear_error(app, tmp_path, args, error):
    root = app({"Procfile": "web: gunicorn x\nworker: python w.py\nrelease: python m.py\n"})

    result = runtime("export", "kubernetes", tmp_path / "k8s", *args, cwd=root)

    assert (result.returncode, result.stdout, result.stderr) == (1, "", f"runtime: error: {error}\n")
    assert not (tmp_path / "k8s").exists()


def test_a_directory_that_is_a_file_is_a_clear_error(app, tmp_path):
    root = app({"Procfile": "web: gunicorn x\n"})
    (tmp_path / "k8s").write_text("not a folder")

    result = runtime("export", "kubernetes", tmp_path / "k8s", "--image", "shop:1", cwd=root)

    assert (result.returncode, result.stderr) == (
        1, f"runtime: error: {tmp_path}/k8s is a file, not a folder: give a new or existing folder "
        "to write the files to\n")


def test_kubernetes_options_are_refused_for_other_formats(app, tmp_path):
    root = app({"Procfile": "web: gunicorn x\n"})

    result = runtime("export", "systemd", tmp_path / "units", "--image", "shop:1", "--liveness",
                     cwd=root)

    assert (result.returncode, result.stderr) == (
        1, "runtime: error: --image, --liveness cannot be used with `runtime export systemd`: "
        "leave them out\n")


def test_exporting_again_removes_the_files_the_last_export_listed_and_this_one_does_not(app, tmp_path):
    root = app({"Procfile": "web: gunicorn x\nrelease: python m.py\n"})
    out = tmp_path / "k8s"
    assert runtime("export", "kubernetes", out, "--image", "shop:1", "-c", "web=2", cwd=root).returncode == 0
    [old_job] = out.glob("job-*.yaml")
    (out / "notes.txt").write_text("mine")

    result = runtime("export", "kubernetes", out, "--image", "shop:2", cwd=root)

    assert result.returncode == 0, result.stderr
    [new_job] = out.glob("job-*.yaml")
    assert new_job != old_job
    assert result.stdout.splitlines()[-2:] == [
        f"removed {old_job} (the last export's, no longer exported)",
        f"removed {out}/poddisruptionbudget-shop-web.yaml (the last export's, no longer exported)"]
    assert sorted(path.name for path in out.iterdir()) == sorted(
        [*documents(out), "kustomization.yaml", "notes.txt"])
