"""Checks every chart must pass for every profile (defaults, ci/*-values.yaml, its examples), under
Helm 3 and Helm 4: the same objects from both Helm versions, `helm lint --strict`, strict
Kubernetes 1.29 and 1.35 schemas, references satisfied in the render (or handed in by the values
file as existing objects), resources and probes on every container, the standard labels, selectors
on name/instance/component only, and named ports. Chart-specific behaviour lives in
test_<chart>_render.py."""
import pytest

from chartsuite.checks.manifests import load_user_provided, user_provided_from_values
from conftest import HELM_MAJORS, NAMESPACE, ROOT, application_charts, chart_profiles
from secret_leaks import exposed_strings, secret_values
from chartsuite.checks import manifests
import helm_commands

CASES = [(chart, profile) for chart in application_charts() for profile, _ in chart_profiles(chart)]
IDS = [f"{c}-{p}" for c, p in CASES]
REQUIRED_LABELS = {"app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
                   "app.kubernetes.io/managed-by", "app.kubernetes.io/part-of", "helm.sh/chart"}
SELECTOR_KEYS = {"app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component"}
WORKLOADS = ("StatefulSet", "DaemonSet", "Deployment")
# Cluster-scoped objects carry no namespace; their names must include it so releases don't collide.
CLUSTER_SCOPED = ("ClusterRole", "ClusterRoleBinding")


def values_file(chart, profile):
    return dict(chart_profiles(chart))[profile]


def test_every_chart_has_profiles():
    assert {"hdfs", "spark", "alluxio", "umbrella"} <= set(application_charts())
    for chart in application_charts():
        assert len(chart_profiles(chart)) >= 3, chart


def without_secret_values(objects):
    """Objects with Secret values replaced by their keys: generated secrets are random per render."""
    out = []
    for obj in objects:
        if obj["kind"] == "Secret":
            obj = {**obj, **{k: sorted(obj[k]) for k in ("data", "stringData") if k in obj}}
        out.append(obj)
    return out


@pytest.mark.parametrize("chart, profile", CASES, ids=IDS)
def test_helm3_and_helm4_render_the_same_objects(renders, chart, profile):
    a, b = (without_secret_values(renders.get(chart, profile, m)) for m in HELM_MAJORS)
    assert a == b


@pytest.mark.parametrize("major", HELM_MAJORS)
@pytest.mark.parametrize("chart, profile", CASES, ids=IDS)
def test_helm_lint_strict(chart, profile, major):
    values = values_file(chart, profile)
    ok, output = helm_commands.lint(ROOT / "charts" / chart, [values] if values else [], major=major)
    assert ok, output


@pytest.mark.parametrize("chart, profile", CASES, ids=IDS)
def test_strict_kubernetes_schema_1_29_and_1_35(renders, chart, profile):
    assert manifests.validate_objects(renders.get(chart, profile)) == []


@pytest.mark.parametrize("chart, profile", CASES, ids=IDS)
def test_references_resources_and_probes(renders, chart, profile):
    objects = renders.get(chart, profile)
    values = values_file(chart, profile)
    provided = load_user_provided(ROOT / "charts" / chart) | (user_provided_from_values([values]) if values else set())
    assert manifests.check_references(objects, provided) == []
    assert manifests.check_containers(objects) == []


@pytest.mark.parametrize("chart, profile", CASES, ids=IDS)
def test_labels_and_selectors(renders, chart, profile):
    for obj in renders.get(chart, profile):
        where = (obj["kind"], obj["metadata"]["name"])
        assert REQUIRED_LABELS <= set(obj["metadata"].get("labels", {})), where
        if obj["kind"] not in CLUSTER_SCOPED:
            assert obj["metadata"]["namespace"] == NAMESPACE, where
        else:
            assert "namespace" not in obj["metadata"] and NAMESPACE in obj["metadata"]["name"], where
        if obj["kind"] in WORKLOADS + ("PodDisruptionBudget",):
            assert set(obj["spec"]["selector"]["matchLabels"]) == SELECTOR_KEYS, where
        if obj["kind"] == "Service":
            assert set(obj["spec"]["selector"]) == SELECTOR_KEYS, where


@pytest.mark.parametrize("chart, profile", CASES, ids=IDS)
def test_every_port_is_named_and_services_target_names(renders, chart, profile):
    for obj in renders.get(chart, profile):
        if obj["kind"] in WORKLOADS:
            for c in obj["spec"]["template"]["spec"]["containers"]:
                for p in c.get("ports", []):
                    assert p.get("name") and len(p["name"]) <= 15, (obj["metadata"]["name"], c["name"], p)
        if obj["kind"] == "Service":
            for p in obj["spec"]["ports"]:
                assert p.get("name") and isinstance(p["targetPort"], str), (obj["metadata"]["name"], p)


@pytest.mark.parametrize("chart, profile", CASES, ids=IDS)
def test_no_secret_value_outside_secrets(renders, chart, profile):
    objects = renders.get(chart, profile)
    secrets = secret_values(objects)
    leaks = [(where, s[:4] + "...") for where, text in exposed_strings(objects) for s in secrets if s in text]
    assert leaks == []


def test_the_secret_leak_check_can_fail():
    """A password copied into a ConfigMap or an env literal is caught."""
    import base64

    secret = {"kind": "Secret", "metadata": {"name": "s"}, "data": {"p": base64.b64encode(b"hunter22").decode()}}
    cm = {"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"shiro.ini": "admin = hunter22"}}
    pod = {"kind": "Pod", "metadata": {"name": "p"},
           "spec": {"containers": [{"name": "x", "env": [{"name": "PASSWORD", "value": "hunter22"}]}]}}
    found = [where for where, text in exposed_strings([secret, cm, pod]) if "hunter22" in text]
    assert found == ["ConfigMap/c data shiro.ini", "Pod/p x env PASSWORD"]
    assert secret_values([secret]) == {"hunter22"}
