"""Kubernetes: one YAML file per object, and a kustomization.yaml listing them.

Every object is built as plain data and written by `to_yaml`: block YAML whose strings are all
JSON-quoted (JSON's escapes are YAML's), so no value can end a string, start a document
(`---`, `...`) or add a key, whatever newlines, quotes or `: ` it holds. Names follow
Kubernetes' rules (RFC 1123 labels, at most 63 characters) through pure functions, the same
way every time; config values that `runtime config` would mask go to a Secret, the rest to a
ConfigMap.
"""

import base64
import hashlib
import json
import re
from typing import NamedTuple

from buildpack import config_vars
from buildpack.slug.procfile import kubernetes_name
from runtime.exporters.base import File

MAX_NAME = 63  # an RFC 1123 label: Service names, label values, Job names
NAMESPACE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
HEALTH_PATH = re.compile(r"^/[^\s\x00-\x1f\x7f]*$")
IMAGE_REF = re.compile(r"^[^\s\x00-\x1f\x7f-][^\s\x00-\x1f\x7f]*$")
AUTOSCALE = re.compile(r"^(?P<name>[^=\s]+)=(?P<min>\d+):(?P<max>\d+)$")
WEB = "web"
RELEASE = "release"
PORT_NAME = "http"
SERVICE_PORT = 80
USER_ID = 1000  # the image runs as this user
MANAGED_BY = "runtime"

# Memory as the platform's dyno of that name; CPU a request close to its share of a machine.
# Memory is requested and limited alike (the limit is what WEB_CONCURRENCY is computed from);
# CPU is only requested, since a CPU limit throttles a process that a request alone would not.
SIZES = {
    "basic": ("100m", "512Mi"),
    "standard-1x": ("250m", "512Mi"),
    "standard-2x": ("500m", "1Gi"),
    "performance-m": ("2", "2560Mi"),
    "performance-l": ("8", "14Gi"),
    "performance-l-ram": ("4", "30Gi"),
    "performance-xl": ("8", "62Gi"),
    "performance-2xl": ("16", "126Gi"),
}
DEFAULT_SIZE = "standard-1x"
CPU_TARGET = 70  # percent of the CPU request an autoscaler keeps the average at
BOOT_TIMEOUT = 60  # seconds a web process may take to answer, as on Heroku
RELEASE_DEADLINE = 3600  # seconds a release may run, as on Heroku
RELEASE_TTL = 86400  # seconds a finished release Job (and its log) is kept
RUNTIME_DIR = "XDG_RUNTIME_DIR"  # where gunicorn puts its control socket
CONFIG_ANNOTATION = "runtime/config-sha256"  # changes with the config, so pods restart with it

# What to_yaml may write as a plain key: a word that YAML 1.1 does not read as a boolean or null.
PLAIN_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_./-]*$")
YAML_WORDS = {"y", "yes", "n", "no", "true", "false", "on", "off", "null"}
# What JSON leaves as it is but YAML must not find raw in a double-quoted string: characters
# outside YAML's printable set, and those YAML 1.1 reads as line breaks (NEL, LS, PS) or a BOM.
NOT_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")
# Of those, what `kubectl kustomize` cannot render (it writes them back unescaped, then refuses
# to read them, or turns NEL into a space): a ConfigMap value cannot hold them, a Secret's
# base64 can.
KUSTOMIZE_REFUSES = re.compile("[\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


# --- YAML -----------------------------------------------------------------------------------

def quote(text):
    """`text` as a double-quoted YAML scalar that reads back as exactly `text`."""
    return NOT_PRINTABLE.sub(lambda m: f"\\u{ord(m[0]):04x}", json.dumps(text, ensure_ascii=False))


def key(text):
    plain = PLAIN_KEY.match(text) and text.lower() not in YAML_WORDS
    return text if plain else quote(text)


def scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return quote(value)
    if value == {}:
        return "{}"
    if value == []:
        return "[]"
    raise TypeError(f"no YAML for {value!r}")


def _lines(value, indent):
    """Block YAML lines for a mapping or a list (of scalars or mappings), `indent` spaces in."""
    pad = " " * indent
    if isinstance(value, dict):
        for name, item in value.items():
            if isinstance(item, dict) and item:
                yield f"{pad}{key(name)}:"
                yield from _lines(item, indent + 2)
            elif isinstance(item, list) and item:
                yield f"{pad}{key(name)}:"
                yield from _lines(item, indent)  # list items at the key's indentation
            else:
                yield f"{pad}{key(name)}: {scalar(item)}"
        return
    for item in value:
        if isinstance(item, dict) and item:
            first, *rest = _lines(item, indent + 2)
            yield f"{pad}- {first[indent + 2:]}"
            yield from rest
        else:
            yield f"{pad}- {scalar(item)}"


def to_yaml(document, comment=None):
    """One YAML document for `document` (a dict), after a `# comment` line when given."""
    head = [f"# {comment}"] if comment else []
    return "\n".join([*head, *_lines(document, 0)]) + "\n"


# --- names ----------------------------------------------------------------------------------

def dns_label(text):
    """`text` as Kubernetes would take it for a name: lowercase, `_` and other characters as
    `-`, at most 63 characters, no `-` at either end (the Procfile's rule, kubernetes_name)."""
    return kubernetes_name(re.sub(r"[^A-Za-z0-9_-]", "-", text))


def app_label(name):
    """The app's name in object names and labels; a Service name must start with a letter."""
    label = dns_label(name)
    return label if label[:1].isalpha() or not label else dns_label(f"app-{label}")


def object_name(*parts):
    """The non-empty `parts` joined by `-`; one longer than 63 characters is cut and ends with
    8 hex digits of its sha256, so that two long names stay two names."""
    name = "-".join(part for part in parts if part)
    if len(name) <= MAX_NAME:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[:MAX_NAME - 9].rstrip('-')}-{digest}"


def type_labels(types):
    """({type: its name in Kubernetes}, [(name, [types])] of names two or more types share)."""
    labels = {name: kubernetes_name(name) for name in types}
    shared = {}
    for name, label in labels.items():
        shared.setdefault(label, []).append(name)
    return labels, [(label, names) for label, names in shared.items() if len(names) > 1]


def image_name(ref):
    """The image's own name, the last part of its repository: ghcr.io/acme/shop:1.2 -> shop."""
    repository = ref.partition("@")[0].rsplit("/", 1)[-1]
    return repository.partition(":")[0]


def image_version(ref):
    """What tells this image apart in a name: 12 hex digits of its digest, else its tag
    (as a label: v1.2_rc -> v1-2-rc), else `latest`, which a reference without either means."""
    name, _, digest = ref.partition("@")
    if digest:
        return dns_label(digest.partition(":")[2][:12])
    last = name.rsplit("/", 1)[-1]
    tag = last.partition(":")[2] if ":" in last else "latest"
    return re.sub(r"-+", "-", dns_label(tag.replace(".", "-")))


# --- options --------------------------------------------------------------------------------

def parse_autoscale(options):
    """`--autoscale web=2:10` (repeatable, comma-separated) -> {"web": (2, 10)}, or the bad item."""
    result = {}
    for option in options:
        for item in option.split(","):
            match = AUTOSCALE.match(item.strip())
            if not match or not 1 <= int(match["min"]) <= int(match["max"]):
                return None, item
            result[match["name"]] = (int(match["min"]), int(match["max"]))
    return result, None


# --- config ---------------------------------------------------------------------------------

def split_config(values):
    """({name: value} for the ConfigMap, {name: value} for the Secret): a value goes to the
    Secret when `runtime config` would mask it (a secret-looking name, URL credentials)."""
    plain, secret = {}, {}
    for name, value in values.items():
        (secret if config_vars.mask(name, value) != value else plain)[name] = value
    return plain, secret


def value_problem(value):
    """Why a ConfigMap cannot hold `value`, or None."""
    if KUSTOMIZE_REFUSES.search(value):
        return ("it contains U+007F-U+009F, U+FFFE, U+FFFF or bytes that are not UTF-8, which "
                "`kubectl kustomize` cannot render")
    return None


def config_digest(values):
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


# --- objects --------------------------------------------------------------------------------

class Settings(NamedTuple):
    app: str  # the app's label
    image: str
    namespace: str | None
    counts: dict  # {type: replicas} in Procfile order, every type but release
    autoscale: dict  # {type: (min, max)}
    type_names: dict  # {type: its Kubernetes name}
    release: bool  # whether the Procfile has a release type
    port: int
    timeout: int  # seconds between SIGTERM and SIGKILL
    size: str
    health_path: str | None
    liveness: bool
    config: dict  # {name: value}


def labels(settings, component=None):
    found = {"app.kubernetes.io/name": settings.app}
    if component:
        found["app.kubernetes.io/component"] = component
    found["app.kubernetes.io/managed-by"] = MANAGED_BY
    return found


def metadata(settings, name, component=None):
    found = {"name": name}
    if settings.namespace:
        found["namespace"] = settings.namespace
    found["labels"] = labels(settings, component)
    return found


def selector(settings, component):
    return {"app.kubernetes.io/name": settings.app, "app.kubernetes.io/component": component}


def probe(settings, period, failures):
    check = ({"httpGet": {"path": settings.health_path, "port": PORT_NAME}} if settings.health_path
             else {"tcpSocket": {"port": PORT_NAME}})
    return {**check, "periodSeconds": period, "timeoutSeconds": min(period, 5),
            "failureThreshold": failures}


def container(settings, type_):
    cpu, memory = SIZES[settings.size]
    env = [{"name": "DYNO", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]
    if RUNTIME_DIR not in settings.config:
        # The root filesystem is read-only: gunicorn's control socket would go to
        # $HOME/.gunicorn (the app's folder) and fail with a warning; /tmp is writable.
        env.append({"name": RUNTIME_DIR, "value": "/tmp"})
    found = {"name": settings.type_names.get(type_, RELEASE), "image": settings.image, "args": [type_]}
    if type_ == WEB:
        env.insert(0, {"name": "PORT", "value": str(settings.port)})
        found["ports"] = [{"name": PORT_NAME, "containerPort": settings.port, "protocol": "TCP"}]
    found["env"] = env
    found["envFrom"] = [{"configMapRef": {"name": object_name(settings.app, "config")}},
                        {"secretRef": {"name": object_name(settings.app, "secrets")}}]
    found["resources"] = {"requests": {"cpu": cpu, "memory": memory}, "limits": {"memory": memory}}
    if type_ == WEB:
        found["startupProbe"] = probe(settings, 2, BOOT_TIMEOUT // 2)
        found["readinessProbe"] = probe(settings, 10, 3)
        if settings.liveness:
            found["livenessProbe"] = probe(settings, 20, 3)
    found["securityContext"] = {
        "allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]}}
    found["volumeMounts"] = [{"name": "tmp", "mountPath": "/tmp"}]
    return found


def pod_spec(settings, type_, restart_policy=None):
    spec = {}
    if restart_policy:
        spec["restartPolicy"] = restart_policy
    spec.update({
        "terminationGracePeriodSeconds": settings.timeout,
        "automountServiceAccountToken": False,
        "enableServiceLinks": False,  # no `<SERVICE>_PORT` variables mixed into the app's config
        "securityContext": {"runAsNonRoot": True, "runAsUser": USER_ID, "runAsGroup": USER_ID,
                            "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [container(settings, type_)],
        "volumes": [{"name": "tmp", "emptyDir": {}}],
    })
    return spec


def deployment(settings, type_):
    component = settings.type_names[type_]
    spec = {} if type_ in settings.autoscale else {"replicas": settings.counts[type_]}
    spec["selector"] = {"matchLabels": selector(settings, component)}
    spec["template"] = {
        "metadata": {"labels": labels(settings, component),
                     "annotations": {CONFIG_ANNOTATION: config_digest(settings.config)}},
        "spec": pod_spec(settings, type_)}
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": metadata(settings, object_name(settings.app, component), component),
            "spec": spec}


def service(settings):
    component = settings.type_names[WEB]
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": metadata(settings, object_name(settings.app, component), component),
            "spec": {"selector": selector(settings, component),
                     "ports": [{"name": PORT_NAME, "port": SERVICE_PORT, "targetPort": PORT_NAME,
                                "protocol": "TCP"}]}}


def disruption_budget(settings):
    component = settings.type_names[WEB]
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": metadata(settings, object_name(settings.app, component), component),
            "spec": {"maxUnavailable": 1,
                     "selector": {"matchLabels": selector(settings, component)}}}


def autoscaler(settings, type_):
    component = settings.type_names[type_]
    name = object_name(settings.app, component)
    low, high = settings.autoscale[type_]
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": metadata(settings, name, component),
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
                     "minReplicas": low, "maxReplicas": high,
                     "metrics": [{"type": "Resource", "resource": {
                         "name": "cpu",
                         "target": {"type": "Utilization", "averageUtilization": CPU_TARGET}}}]}}


def release_job(settings):
    """The release phase as a Job that runs once: its name carries the image's tag or digest
    and a hash of its spec (a Job's spec cannot change once it exists)."""
    spec = {"backoffLimit": 0, "activeDeadlineSeconds": RELEASE_DEADLINE,
            "ttlSecondsAfterFinished": RELEASE_TTL,
            "template": {"metadata": {"labels": labels(settings, RELEASE)},
                         "spec": pod_spec(settings, RELEASE, restart_policy="Never")}}
    digest = config_digest(spec)[:8]
    name = object_name(settings.app, RELEASE, image_version(settings.image), digest)
    return {"apiVersion": "batch/v1", "kind": "Job",
            "metadata": metadata(settings, name, RELEASE), "spec": spec}


def config_map(settings, values):
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": metadata(settings, object_name(settings.app, "config")), "data": values}


def secret(settings, values):
    encoded = {name: base64.b64encode(value.encode()).decode() for name, value in values.items()}
    return {"apiVersion": "v1", "kind": "Secret",
            "metadata": metadata(settings, object_name(settings.app, "secrets")),
            "type": "Opaque", "data": encoded}


def objects(settings):
    """Every object, in the order a deploy applies them: config, release, the rest."""
    plain, secrets = split_config(settings.config)
    found = [config_map(settings, plain), secret(settings, secrets)]
    if settings.release:
        found.append(release_job(settings))
    for type_ in settings.counts:
        found.append(deployment(settings, type_))
    if WEB in settings.counts:
        found.append(service(settings))
        if settings.autoscale.get(WEB, (0, settings.counts[WEB]))[1] > 1:
            found.append(disruption_budget(settings))
    for type_ in settings.counts:
        if type_ in settings.autoscale:
            found.append(autoscaler(settings, type_))
    return found


def file_name(document):
    """KIND-NAME.yaml: what `runtime deploy` reads the kind from."""
    return f"{document['kind'].lower()}-{document['metadata']['name']}.yaml"


def kind_and_name(file_name):
    """(kind, name) from a file_name: deployment-shop-web.yaml -> ("deployment", "shop-web")."""
    kind, _, rest = file_name.partition("-")
    return kind, rest.removesuffix(".yaml")


class DeployPlan(NamedTuple):
    config: list  # files applied first: the ConfigMap and the Secret
    jobs: list  # then the release Job, waited for
    rest: list  # then everything else
    deployments: list  # whose rollouts are waited for


def deploy_plan(resources):
    """The kustomization's files in the order `runtime deploy` applies them."""
    plan = DeployPlan([], [], [], [])
    for name in resources:
        kind = kind_and_name(name)[0]
        if kind in ("configmap", "secret"):
            plan.config.append(name)
        elif kind == "job":
            plan.jobs.append(name)
        else:
            plan.rest.append(name)
            if kind == "deployment":
                plan.deployments.append(name)
    return plan


KUSTOMIZATION = "kustomization.yaml"


def kustomization(resources, namespace):
    document = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization"}
    if namespace:
        document["namespace"] = namespace
    document["resources"] = resources
    return document


def render(settings, comment):
    """[File]: one per object, then kustomization.yaml listing them."""
    files = [File(file_name(document), to_yaml(document, comment)) for document in objects(settings)]
    listing = kustomization([file.name for file in files], settings.namespace)
    return [*files, File(KUSTOMIZATION, to_yaml(listing, comment))]


def read_kustomization(text):
    """(resources, namespace) of a kustomization.yaml that `render` wrote, or None when the
    text is not in that form."""
    fields, resources, in_resources = {}, [], False
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        try:
            if in_resources and line.startswith("- "):
                resources.append(json.loads(line[2:]))
                continue
            in_resources = False
            name, _, value = line.partition(": ")
            if line == "resources:":
                in_resources = True
            elif name in ("apiVersion", "kind", "namespace"):
                fields[name] = json.loads(value)
            else:
                return None
        except ValueError:
            return None
    if fields.get("kind") != "Kustomization" or not all(isinstance(r, str) for r in resources):
        return None
    return resources, fields.get("namespace")
