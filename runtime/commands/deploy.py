"""`runtime deploy kubernetes DIR`: apply what `runtime export kubernetes` wrote with kubectl,
in the order a release needs.

1. the ConfigMap and the Secret;
2. the release Job, waited for until it completes or fails; a failure prints its log and stops
   the deploy, the Deployments left as they were (the running release keeps running);
3. everything else, then each Deployment's rollout, waited for.

kubectl does the work (its own output is shown as it comes); this only orders it.
"""

import os
import queue
import shutil
import subprocess
import threading

from runtime import messages
from runtime.errors import UserError
from runtime.exporters import kubernetes

KUBECTL = "kubectl"
# How long to wait for a release: the Job fails by itself after its deadline.
RELEASE_WAIT = f"--timeout={kubernetes.RELEASE_DEADLINE + 60}s"


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "deploy", help="apply exported Kubernetes objects with kubectl, release phase first",
        description="Apply the objects `runtime export kubernetes` wrote to DIR with kubectl (on "
        "PATH, with its current context): the ConfigMap and Secret, then the release Job, waited "
        "for (a failure prints its log and leaves the Deployments as they were), then the rest, "
        "waiting for each Deployment's rollout.")
    parser.add_argument("format", choices=("kubernetes",), metavar="FORMAT", help="kubernetes")
    parser.add_argument("directory", metavar="DIR", help="the folder `runtime export kubernetes` wrote")
    parser.set_defaults(func=deploy)


def exported(directory):
    """(resources, namespace) of the kustomization.yaml `runtime export kubernetes` wrote in
    `directory`, or None."""
    path = os.path.join(directory, kubernetes.KUSTOMIZATION)
    try:
        with open(path, encoding="utf-8") as file:
            return kubernetes.read_kustomization(file.read())
    except (OSError, UnicodeDecodeError):
        return None


def read_export(directory):
    found = exported(directory)
    if found is None:
        raise UserError(messages.not_an_export(directory))
    return found


def say(text):
    print(text, flush=True)  # before kubectl's own output


def kubectl(*args, capture=False):
    """Run kubectl; its output goes to ours unless `capture`."""
    output = subprocess.PIPE if capture else None
    return subprocess.run([KUBECTL, *args], stdout=output, text=True)


def checked(*args):
    result = kubectl(*args)
    if result.returncode != 0:
        shown = [os.path.basename(arg) for arg in args]  # the files by name: DIR is the user's
        raise UserError(messages.kubectl_failed(" ".join([KUBECTL, *shown]), result.returncode))


def files(directory, names):
    return [option for name in names for option in ("-f", os.path.join(directory, name))]


def wait_for_job(path):
    """Whether the Job completed: waits for Complete and Failed at once, the first to be met
    deciding; when neither can be (kubectl gave up), the release failed."""
    waits = {condition: subprocess.Popen(
        [KUBECTL, "wait", "-f", path, f"--for=condition={condition}", RELEASE_WAIT],
        stdout=subprocess.PIPE, text=True) for condition in ("Complete", "Failed")}
    results = queue.Queue()
    for condition, process in waits.items():
        threading.Thread(target=lambda c=condition, p=process: results.put((c, p.communicate()[0], p.returncode)),
                         daemon=True).start()
    try:
        for _ in waits:
            condition, output, status = results.get()
            if status == 0:
                print(output, end="", flush=True)
                return condition == "Complete"
        return False
    finally:
        for process in waits.values():
            if process.poll() is None:
                process.terminate()
            process.wait()


def release(directory, job, namespace):
    path = os.path.join(directory, job)
    name = kubernetes.kind_and_name(job)[1]
    failed = kubectl("get", "-f", path, "--ignore-not-found", "-o", "jsonpath={.status.failed}",
                     capture=True)
    if failed.returncode == 0 and failed.stdout.strip() not in ("", "0"):
        say(messages.release_job_rerun(name))
        checked("delete", "-f", path)
    say(messages.release_job_running(name))
    checked("apply", "-f", path)
    if wait_for_job(path):
        return
    say(messages.release_job_log(name))
    kubectl("logs", f"job/{name}", *(["--namespace", namespace] if namespace else []))
    raise UserError(messages.release_job_failed(name))


def deploy(args):
    if not shutil.which(KUBECTL):
        raise UserError(messages.no_kubectl())
    resources, namespace = read_export(args.directory)
    plan = kubernetes.deploy_plan(resources)
    if plan.config:
        say(messages.deploy_applying("the config", plan.config))
        checked("apply", *files(args.directory, plan.config))
    for job in plan.jobs:
        release(args.directory, job, namespace)
    if plan.rest:
        say(messages.deploy_applying("the processes", plan.rest))
        checked("apply", *files(args.directory, plan.rest))
    for deployment in plan.deployments:
        name = kubernetes.kind_and_name(deployment)[1]
        say(messages.rollout_waiting(name))
        result = kubectl("rollout", "status", "-f", os.path.join(args.directory, deployment))
        if result.returncode != 0:
            raise UserError(messages.rollout_failed(name))
    say(messages.deployed(args.directory))
    return 0
