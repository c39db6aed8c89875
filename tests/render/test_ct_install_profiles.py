"""chart-testing installs every charts/<chart>/ci/*-values.yaml into a fresh namespace of a one-node
kind cluster (ct.yaml, the public CI's install job). Each of those profiles must be self-contained and
fit the node (chartsuite.checks.ct_install); the profiles that need more are in ci/render-only/,
rendered and linted but not installed, and each says on its first line what it needs. Both directions
are checked: an installable profile passes the check, a render-only one fails it."""
import pytest

from conftest import ROOT
from chartsuite.checks import ct_install
from chartsuite.model import profiles

CHARTS = ["hdfs", "spark", "alluxio", "umbrella"]
INSTALLABLE = [(c, p) for c in CHARTS for p in profiles.ci_values(ROOT / "charts" / c, installable_only=True)]
RENDER_ONLY = [(c, p) for c in CHARTS for p in profiles.ci_values(ROOT / "charts" / c) if p.parent.name == profiles.RENDER_ONLY]
PREFIX = "# Not installed by ct install: "


def test_every_chart_has_an_installable_profile():
    assert {c for c, _ in INSTALLABLE} == set(CHARTS)


@pytest.mark.parametrize("chart, values", INSTALLABLE, ids=lambda v: getattr(v, "name", v))
def test_an_installable_profile_is_self_contained_and_fits_one_ci_node(renders, chart, values):
    assert ct_install.install_problems(renders.get(chart, values.stem)) == []


@pytest.mark.parametrize("chart, values", RENDER_ONLY, ids=lambda v: getattr(v, "name", v))
def test_a_render_only_profile_says_why_and_would_not_install(renders, chart, values):
    first = values.read_text().splitlines()[0]
    assert first.startswith(PREFIX) and len(first) > len(PREFIX) + 10, first
    assert ct_install.install_problems(renders.get(chart, values.stem)), f"{values} installs: move it to ci/"


def pod(name, **spec):
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": name},
            "spec": {"replicas": spec.pop("replicas", 1), "selector": {"matchLabels": {"app": name}},
                     "volumeClaimTemplates": spec.pop("claims", []),
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "c", "image": "i", "env": spec.pop("env", []),
                                                           "resources": {"requests": {"cpu": spec.pop("cpu", "100m"),
                                                                                      "memory": "128Mi"},
                                                                         "limits": {"memory": "128Mi"}}}],
                                           **spec}}}}


@pytest.mark.parametrize("obj, problem", [
    (pod("big", cpu="3500m"), "CPU requests 3.5 exceed the capacity 3"),
    (pod("labels", nodeSelector={"disk": "ssd"}), "needs nodes labelled disk"),
    (pod("ha", replicas=3, affinity={"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": {"app": "ha"}}}]}}),
     "3 replicas with required anti-affinity need 3 nodes"),
    (pod("sc", claims=[{"metadata": {"name": "d"}, "spec": {"storageClassName": "fast-ssd"}}]), "StorageClass 'fast-ssd'"),
    (pod("secret", env=[{"name": "P", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "p"}}}]),
     "references Secret 'creds'"),
    (pod("zk", env=[{"name": "Q", "value": "zk-0.zk-headless.zookeeper.svc.cluster.local:2181"}]),
     "uses the Service zk-headless in namespace zookeeper"),
])
def test_each_rule_finds_its_problem(obj, problem):
    assert any(problem in p for p in ct_install.install_problems([obj])), ct_install.install_problems([obj])


def test_what_kind_provides_passes():
    ok = pod("ok", nodeSelector={"kubernetes.io/os": "linux"},
             env=[{"name": "API", "value": "https://kubernetes.default.svc:443"}],
             claims=[{"metadata": {"name": "d"}, "spec": {"storageClassName": "standard"}}])
    assert ct_install.install_problems([ok]) == []
