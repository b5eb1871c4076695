"""The Kubernetes exporter's decisions: YAML that reads back as written, names Kubernetes
accepts (the same every time), which values are secret, and the options' syntax."""

import pytest
import yaml

from runtime.exporters import kubernetes

TRICKY = [
    "", "plain", "a: b", "- item", "key: value\nother: x", "---", "...", "a\n---\nb\n...\nc",
    "{{ template }}", "{a: 1}", "[1, 2]", '"double" and \'single\'', "back\\slash", "#comment",
    " leading and trailing ", "\ttab", "\r\n", "yes", "no", "on", "off", "null", "~", "true",
    "1e3", "0x1f", "012", ".inf", "&anchor", "*alias", "!tag", "%directive", "@at", "`tick`",
    "|", ">", "\x01\x1f\x7f", "\x85next line", "\u2028line\u2029paragraph", "\ufeffbom",
    "\x80\x9f", "caf\u00e9 \u65e5\u672c \U0001f600", "\ud800lone", "\ufffe\uffff", "$HOME ${X}",
]


@pytest.mark.parametrize("text", TRICKY)
def test_every_string_reads_back_as_written(text):
    document = {"data": {text: text, "list": [text, {"k": text}]}, text: [text]}

    assert yaml.safe_load(kubernetes.to_yaml(document, comment="a comment\n---")) == document


def test_every_character_reads_back_as_written():
    characters = "".join(map(chr, range(1, 0x3000))) + "".join(map(chr, range(0xd000, 0x10000)))
    document = {"value": characters}

    assert yaml.safe_load(kubernetes.to_yaml(document)) == document


def test_yaml_is_block_style_with_quoted_strings_and_plain_words_as_keys():
    document = {"apiVersion": "v1", "on": "x", "app.kubernetes.io/name": "shop",
                "spec": {"replicas": 2, "flag": False, "empty": {}, "none": [],
                         "items": [{"name": "a", "port": 80}, "b"]}}

    assert kubernetes.to_yaml(document, "head") == (
        '# head\n'
        'apiVersion: "v1"\n'
        '"on": "x"\n'
        'app.kubernetes.io/name: "shop"\n'
        'spec:\n'
        '  replicas: 2\n'
        '  flag: false\n'
        '  empty: {}\n'
        '  none: []\n'
        '  items:\n'
        '  - name: "a"\n'
        '    port: 80\n'
        '  - "b"\n')


# names

@pytest.mark.parametrize("name, label", [
    ("web", "web"), ("my_Worker", "my-worker"), ("My.App", "my-app"), ("my app!", "my-app"),
    ("-edge-", "edge"), ("x" * 70, "x" * 63), ("2048", "app-2048"), ("_", ""), ("", ""),
])
def test_app_names_become_labels_that_start_with_a_letter(name, label):
    assert kubernetes.app_label(name) == label


def test_long_object_names_are_cut_with_a_hash_that_keeps_them_apart():
    first = kubernetes.object_name("a" * 60, "web")
    second = kubernetes.object_name("a" * 60, "worker")

    assert len(first) == len(second) == 63
    assert first.startswith("a" * 54 + "-") and first != second
    assert first == kubernetes.object_name("a" * 60, "web")  # the same every time
    assert kubernetes.object_name("shop", "", "web") == "shop-web"


def test_process_types_that_share_a_kubernetes_name_are_found():
    labels, shared = kubernetes.type_labels(["web", "my_worker", "my-worker", "Clock"])

    assert labels == {"web": "web", "my_worker": "my-worker", "my-worker": "my-worker",
                      "Clock": "clock"}
    assert shared == [("my-worker", ["my_worker", "my-worker"])]


@pytest.mark.parametrize("ref, name, version", [
    ("shop", "shop", "latest"),
    ("shop:v1.2", "shop", "v1-2"),
    ("registry.example:5000/team/shop:V1_2-RC", "shop", "v1-2-rc"),
    ("registry.example:5000/shop", "shop", "latest"),
    ("shop:1.0@sha256:" + "AB12" * 16, "shop", "ab12ab12ab12"),
    ("localhost/shop@sha256:" + "0" * 64, "shop", "000000000000"),
])
def test_image_names_and_versions(ref, name, version):
    assert (kubernetes.image_name(ref), kubernetes.image_version(ref)) == (name, version)


# options and config

@pytest.mark.parametrize("options, result", [
    ([], ({}, None)),
    (["web=2:10"], ({"web": (2, 10)}, None)),
    (["web=1:1, worker=2:3"], ({"web": (1, 1), "worker": (2, 3)}, None)),
    (["web=3:2"], (None, "web=3:2")),
    (["web=0:2"], (None, "web=0:2")),
    (["web=2"], (None, "web=2")),
    (["web=a:b"], (None, "web=a:b")),
])
def test_autoscale_ranges(options, result):
    assert kubernetes.parse_autoscale(options) == result


def test_values_runtime_config_masks_are_secret():
    values = {"SECRET_KEY": "s", "DATABASE_URL": "postgres://u:p@db/app", "API_TOKEN": "t",
              "DEBUG": "False", "SITE_URL": "https://example.org/", "EMPTY_PASSWORD": ""}

    assert kubernetes.split_config(values) == (
        {"DEBUG": "False", "SITE_URL": "https://example.org/", "EMPTY_PASSWORD": ""},
        {"SECRET_KEY": "s", "DATABASE_URL": "postgres://u:p@db/app", "API_TOKEN": "t"})


def test_the_kustomization_written_is_the_one_read():
    text = kubernetes.to_yaml(kubernetes.kustomization(["a.yaml", "b c.yaml"], "prod"), "head")

    assert kubernetes.read_kustomization(text) == (["a.yaml", "b c.yaml"], "prod")
    assert kubernetes.read_kustomization(text.replace('namespace: "prod"\n', "")) == (
        ["a.yaml", "b c.yaml"], None)


@pytest.mark.parametrize("text", ["", "resources:\n- a.yaml\n", "kind: \"Other\"\n",
                                  'kind: "Kustomization"\nimages: []\n'])
def test_other_kustomizations_are_not_read(text):
    assert kubernetes.read_kustomization(text) is None


def test_a_deploy_applies_config_then_the_release_then_the_rest():
    resources = ["configmap-shop-config.yaml", "secret-shop-secrets.yaml",
                 "job-shop-release-v1-0a1b2c3d.yaml", "deployment-shop-web.yaml",
                 "deployment-shop-worker.yaml", "service-shop-web.yaml",
                 "poddisruptionbudget-shop-web.yaml"]

    assert kubernetes.deploy_plan(resources) == (
        ["configmap-shop-config.yaml", "secret-shop-secrets.yaml"],
        ["job-shop-release-v1-0a1b2c3d.yaml"],
        ["deployment-shop-web.yaml", "deployment-shop-worker.yaml", "service-shop-web.yaml",
         "poddisruptionbudget-shop-web.yaml"],
        ["deployment-shop-web.yaml", "deployment-shop-worker.yaml"])
    assert kubernetes.kind_and_name("job-shop-release-v1-0a1b2c3d.yaml") == (
        "job", "shop-release-v1-0a1b2c3d")
