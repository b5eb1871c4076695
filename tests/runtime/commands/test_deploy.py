"""`runtime deploy kubernetes`: kubectl driven in the order a release needs. No cluster can run
here, so kubectl is a stand-in script on PATH that records its calls and answers as kubectl
does; the files it is given are the real export of a real app."""

import json
import os
import sys

import pytest

from tests.runtime.helpers import clean_env, runtime

pytestmark = pytest.mark.timeout(60)

# Answers like kubectl 1.32. FAKE_RELEASE: complete or fail; FAKE_ROLLOUT: ok or fail;
# FAKE_FAILED_BEFORE: the Job exists and failed; FAKE_NO_CLUSTER: apply fails.
FAKE_KUBECTL = """\
#!{python}
import json, os, sys, time
args = sys.argv[1:]
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps(args) + "\\n")

def objects():
    names = [args[i + 1] for i, arg in enumerate(args) if arg == "-f"]
    return [os.path.basename(n)[:-len(".yaml")].split("-", 1) for n in names]

def hang():
    time.sleep(3600)  # stopped by the caller

if args[0] == "apply" and os.environ.get("FAKE_NO_CLUSTER"):
    print("error: unable to recognize: no matches for kind", file=sys.stderr)
    sys.exit(1)
elif args[0] == "apply":
    for kind, name in objects():
        print(f"{{kind}}/{{name}} created")
elif args[0] == "get":
    print("1" if os.environ.get("FAKE_FAILED_BEFORE") else "", end="")
elif args[0] == "delete":
    for kind, name in objects():
        print(f'{{kind}}.batch "{{name}}" deleted')
elif args[0] == "wait":
    [(kind, name)] = objects()
    wanted = "Complete" if os.environ["FAKE_RELEASE"] == "complete" else "Failed"
    if f"--for=condition={{wanted}}" not in args:
        hang()
    print(f"{{kind}}.batch/{{name}} condition met")
elif args[0] == "logs":
    print("Operations to perform:\\n  Apply all migrations\\ndjango.db.utils.OperationalError: no such table")
elif args[:2] == ["rollout", "status"]:
    [(kind, name)] = objects()
    if os.environ["FAKE_ROLLOUT"] == "ok":
        print(f'deployment "{{name}}" successfully rolled out')
    else:
        print(f'error: deployment "{{name}}" exceeded its progress deadline', file=sys.stderr)
        sys.exit(1)
else:
    print(f"error: unknown command {{args[0]!r}}", file=sys.stderr)
    sys.exit(1)
"""
PROCFILE = "web: gunicorn mysite.wsgi\nworker: celery -A mysite worker\nrelease: python manage.py migrate\n"
CONFIG = ["configmap-shop-config.yaml", "secret-shop-secrets.yaml"]
REST = ["deployment-shop-web.yaml", "deployment-shop-worker.yaml", "service-shop-web.yaml"]


@pytest.fixture
def exported(app, tmp_path):
    root = app({"Procfile": PROCFILE, ".env": "SECRET_KEY=s\nDEBUG=False\n"})
    out = tmp_path / "k8s"
    result = runtime("export", "kubernetes", out, "--image", "shop:v1", "--namespace", "prod", cwd=root)
    assert result.returncode == 0, result.stderr
    [job] = [path.name for path in out.glob("job-*.yaml")]
    return out, job


@pytest.fixture
def kubectl(tmp_path):
    """Run `runtime deploy` with the stand-in kubectl; returns (result, its calls)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "kubectl"
    script.write_text(FAKE_KUBECTL.format(python=sys.executable))
    script.chmod(0o755)
    log = tmp_path / "kubectl.log"

    def deploy(out, release="complete", rollout="ok", **extra):
        log.write_text("")
        env = clean_env(PATH=f"{bin_dir}:{os.environ['PATH']}", FAKE_LOG=str(log),
                        FAKE_RELEASE=release, FAKE_ROLLOUT=rollout, **extra)
        result = runtime("deploy", "kubernetes", out, env=env)
        calls = [json.loads(line) for line in log.read_text().splitlines()]
        # The wait for the condition that is not met may be stopped before kubectl starts.
        unmet = "Failed" if release == "complete" else "Complete"
        return result, [call for call in calls if f"--for=condition={unmet}" not in call]

    return deploy


def apply(out, *names):
    return ["apply", *(option for name in names for option in ("-f", str(out / name)))]


def test_applies_config_then_waits_for_the_release_then_rolls_out(exported, kubectl):
    out, job = exported
    name = job[len("job-"):-len(".yaml")]

    result, calls = kubectl(out)

    assert result.returncode == 0, result.stderr
    assert calls == [
        apply(out, *CONFIG),
        ["get", "-f", str(out / job), "--ignore-not-found", "-o", "jsonpath={.status.failed}"],
        apply(out, job),
        ["wait", "-f", str(out / job), "--for=condition=Complete", "--timeout=3660s"],
        apply(out, *REST),
        ["rollout", "status", "-f", str(out / "deployment-shop-web.yaml")],
        ["rollout", "status", "-f", str(out / "deployment-shop-worker.yaml")],
    ]
    assert result.stdout == (
        f"applying the config: {', '.join(CONFIG)}\n"
        "configmap/shop-config created\nsecret/shop-secrets created\n"
        f"running the release phase: job/{name}\n"
        f"job/{name} created\n"
        f"job.batch/{name} condition met\n"
        f"applying the processes: {', '.join(REST)}\n"
        "deployment/shop-web created\ndeployment/shop-worker created\nservice/shop-web created\n"
        "waiting for the rollout of deployment/shop-web\n"
        'deployment "shop-web" successfully rolled out\n'
        "waiting for the rollout of deployment/shop-worker\n"
        'deployment "shop-worker" successfully rolled out\n'
        f"deployed {out}\n")
    assert result.stderr == ""


def test_a_failed_release_prints_its_log_and_leaves_the_deployments_alone(exported, kubectl):
    out, job = exported
    name = job[len("job-"):-len(".yaml")]

    result, calls = kubectl(out, release="fail")

    assert result.returncode == 1
    assert calls == [
        apply(out, *CONFIG),
        ["get", "-f", str(out / job), "--ignore-not-found", "-o", "jsonpath={.status.failed}"],
        apply(out, job),
        ["wait", "-f", str(out / job), "--for=condition=Failed", "--timeout=3660s"],
        ["logs", f"job/{name}", "--namespace", "prod"],
    ]
    assert result.stdout.endswith(
        f"job.batch/{name} condition met\n"
        f"log of job/{name}:\n"
        "Operations to perform:\n  Apply all migrations\n"
        "django.db.utils.OperationalError: no such table\n")
    assert result.stderr == (
        f"runtime: error: the release phase failed (job/{name}, its log is above): the Deployments "
        "were left as they were; fix the cause and deploy again\n")


def test_a_release_that_failed_before_is_run_again(exported, kubectl):
    out, job = exported
    name = job[len("job-"):-len(".yaml")]

    result, calls = kubectl(out, FAKE_FAILED_BEFORE="1")

    assert result.returncode == 0, result.stderr
    assert calls[2:4] == [["delete", "-f", str(out / job)], apply(out, job)]
    assert f"job/{name} failed before: deleting it to run the release phase again\n" in result.stdout


def test_a_rollout_that_does_not_finish_fails_the_deploy(exported, kubectl):
    out, _ = exported

    result, calls = kubectl(out, rollout="fail")

    assert result.returncode == 1
    assert calls[-1] == ["rollout", "status", "-f", str(out / "deployment-shop-web.yaml")]
    assert result.stderr == (
        'error: deployment "shop-web" exceeded its progress deadline\n'
        "runtime: error: the rollout of deployment/shop-web did not finish (see kubectl's message "
        "above): `kubectl describe deployment/shop-web` shows why\n")


def test_a_failed_apply_stops_the_deploy(exported, kubectl):
    out, _ = exported

    result, calls = kubectl(out, FAKE_NO_CLUSTER="1")

    assert (result.returncode, calls) == (1, [apply(out, *CONFIG)])
    assert result.stderr == (
        "error: unable to recognize: no matches for kind\n"
        "runtime: error: `kubectl apply -f configmap-shop-config.yaml -f secret-shop-secrets.yaml` "
        "failed (exit status 1): see kubectl's message above\n")


def test_without_a_release_type_the_processes_follow_the_config(app, tmp_path, kubectl):
    root = app({"Procfile": "web: gunicorn mysite.wsgi\n"})
    out = tmp_path / "k8s"
    assert runtime("export", "kubernetes", out, "--image", "shop:v1", cwd=root).returncode == 0

    result, calls = kubectl(out)

    assert result.returncode == 0, result.stderr
    assert calls == [apply(out, *CONFIG), apply(out, "deployment-shop-web.yaml", "service-shop-web.yaml"),
                     ["rollout", "status", "-f", str(out / "deployment-shop-web.yaml")]]


def test_without_kubectl_on_path_it_says_so(exported, tmp_path):
    out, _ = exported

    result = runtime("deploy", "kubernetes", out, env=clean_env(PATH=str(tmp_path / "empty")))

    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("runtime: error: runtime deploy needs kubectl on PATH: install kubectl "
                             "and point it at the cluster (KUBECONFIG, or ~/.kube/config)\n")


def test_a_folder_without_an_export_is_refused(kubectl, tmp_path):
    result, calls = kubectl(tmp_path)

    assert (result.returncode, calls) == (1, [])
    assert result.stderr == (
        f"runtime: error: {tmp_path} holds no kustomization.yaml written by `runtime export "
        f"kubernetes`: run `runtime export kubernetes {tmp_path} --image REF` first\n")
