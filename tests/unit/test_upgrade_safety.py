"""tools/chartsuite/checks/upgrade.py: immutable-field changes between two renders (Kubernetes API: apps/v1
StatefulSetSpec selector/serviceName/volumeClaimTemplates/podManagementPolicy, Deployment and
DaemonSet selector, Service clusterIP, PersistentVolumeClaim spec, Job template)."""
import copy
import subprocess
import sys

import pytest

from chartsuite.model.paths import REPO_ROOT as ROOT
from chartsuite.checks import upgrade
from chartsuite.checks.upgrade import immutable_changes, is_note
from chartsuite.errors import UsageError

SELECTOR = {"matchLabels": {"app.kubernetes.io/name": "hdfs", "app.kubernetes.io/component": "datanode"}}


def claim(name="data", size="50Gi", modes=("ReadWriteOnce",), storage_class=None):
    spec = {"accessModes": list(modes), "resources": {"requests": {"storage": size}}}
    if storage_class is not None:
        spec["storageClassName"] = storage_class
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name}, "spec": spec}


def statefulset(name="hdfs-datanode", service="hdfs-datanode", claims=(claim(),), selector=SELECTOR,
                labels=None):
    return {"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": name, "namespace": "ns", "labels": dict(labels or {"a": "1"})},
            "spec": {"serviceName": service, "selector": copy.deepcopy(selector), "replicas": 3,
                     "template": {"metadata": {"labels": dict(selector["matchLabels"])},
                                  "spec": {"containers": [{"name": "c", "image": "img:1"}]}},
                     "volumeClaimTemplates": [copy.deepcopy(c) for c in claims]}}


def service(name="hdfs-namenode", cluster_ip=None, type_=None):
    spec = {"ports": [{"port": 8020}], "selector": dict(SELECTOR["matchLabels"])}
    if cluster_ip is not None:
        spec["clusterIP"] = cluster_ip
    if type_ is not None:
        spec["type"] = type_
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "ns"}, "spec": spec}


def deployment(kind="Deployment", selector=SELECTOR):
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "web", "namespace": "ns"},
            "spec": {"selector": copy.deepcopy(selector),
                     "template": {"metadata": {"labels": dict(selector["matchLabels"])}, "spec": {}}}}


def failures(messages):
    return [m for m in messages if not is_note(m)]


def test_unchanged_passes():
    objs = [statefulset(), service(cluster_ip="None"), deployment(), claim()]
    assert immutable_changes(objs, copy.deepcopy(objs)) == []


def test_label_and_template_changes_pass():
    new = statefulset(labels={"a": "2", "helm.sh/chart": "hdfs-0.2.0"})
    new["spec"]["template"]["spec"]["containers"][0]["image"] = "img:2"
    new["spec"]["replicas"] = 5
    assert immutable_changes([statefulset(), deployment()], [new, deployment()]) == []


@pytest.mark.parametrize("kind", ["StatefulSet", "Deployment", "DaemonSet"])
def test_selector_change_caught(kind):
    other = {"matchLabels": {**SELECTOR["matchLabels"], "extra": "x"}}
    if kind == "StatefulSet":
        old, new = statefulset(), statefulset(selector=other)
    else:
        old, new = deployment(kind), deployment(kind, selector=other)
    msgs = immutable_changes([old], [new])
    assert len(msgs) == 1 and msgs[0].startswith(f"{kind}/") and "spec.selector" in msgs[0]
    assert "extra: x" in msgs[0] and "->" in msgs[0]


def test_service_name_caught():
    msgs = immutable_changes([statefulset()], [statefulset(service="hdfs-datanode-headless")])
    assert msgs == ["StatefulSet/hdfs-datanode: spec.serviceName changed: hdfs-datanode -> hdfs-datanode-headless"]


def test_pod_management_policy_caught():
    new = statefulset()
    new["spec"]["podManagementPolicy"] = "Parallel"
    msgs = immutable_changes([statefulset()], [new])
    assert len(msgs) == 1 and "spec.podManagementPolicy changed: (unset) -> Parallel" in msgs[0]


def test_claim_template_size_change_caught():
    msgs = immutable_changes([statefulset()], [statefulset(claims=[claim(size="100Gi")])])
    assert msgs == ["StatefulSet/hdfs-datanode: spec.volumeClaimTemplates[data].spec.resources.requests.storage "
                    "changed: 50Gi -> 100Gi"]


def test_claim_template_same_quantity_other_spelling_passes():
    assert immutable_changes([statefulset(claims=[claim(size="1Gi")])],
                             [statefulset(claims=[claim(size="1024Mi")])]) == []


@pytest.mark.parametrize("new_claims, field", [
    ([claim(), claim("data1")], "volumeClaimTemplates names"),
    ([claim(modes=("ReadWriteMany",))], "accessModes"),
    ([claim(storage_class="fast")], "storageClassName"),
])
def test_claim_template_other_changes_caught(new_claims, field):
    msgs = immutable_changes([statefulset()], [statefulset(claims=new_claims)])
    assert len(msgs) == 1 and field in msgs[0]


def test_claim_template_label_change_caught():
    new = statefulset()
    new["spec"]["volumeClaimTemplates"][0]["metadata"]["labels"] = {"x": "y"}
    msgs = immutable_changes([statefulset()], [new])
    assert len(msgs) == 1 and "volumeClaimTemplates[data] changed (metadata)" in msgs[0]


@pytest.mark.parametrize("old, new", [
    (service(cluster_ip="None"), service()),
    (service(), service(cluster_ip="None")),
    (service(cluster_ip="10.0.0.5"), service(cluster_ip="None")),
])
def test_headless_switch_caught(old, new):
    msgs = immutable_changes([old], [new])
    assert len(msgs) == 1 and "Service/hdfs-namenode: spec.clusterIP changed" in msgs[0]
    assert "headless" in msgs[0] and "ClusterIP" in msgs[0]


def test_external_name_switch_caught():
    msgs = immutable_changes([service()], [service(type_="ExternalName")])
    assert msgs == ["Service/hdfs-namenode: spec.type changed: ClusterIP -> ExternalName"]


def test_service_type_clusterip_to_nodeport_passes():
    assert immutable_changes([service()], [service(type_="NodePort")]) == []


def test_pvc_grow_passes_shrink_and_class_caught():
    assert immutable_changes([claim(size="10Gi")], [claim(size="20Gi")]) == []
    msgs = immutable_changes([claim(size="20Gi")], [claim(size="10Gi", storage_class="slow")])
    assert len(msgs) == 2
    assert any("storage shrunk: 20Gi -> 10Gi" in m for m in msgs)
    assert any("storageClassName changed: (unset) -> slow" in m for m in msgs)


def _job(image, hook=False):
    meta = {"name": "init", "namespace": "ns"}
    if hook:
        meta["annotations"] = {"helm.sh/hook": "post-install,post-upgrade"}
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta,
            "spec": {"template": {"spec": {"containers": [{"name": "c", "image": image}]}}}}


def test_job_template_change_caught_unless_hook():
    assert len(immutable_changes([_job("a")], [_job("b")])) == 1
    assert immutable_changes([_job("a", hook=True)], [_job("b", hook=True)]) == []


def test_removed_statefulset_is_a_note_only():
    msgs = immutable_changes([statefulset(), service()], [service()])
    assert len(msgs) == 1 and is_note(msgs[0])
    assert "StatefulSet/hdfs-datanode removed" in msgs[0] and "data" in msgs[0]
    assert failures(msgs) == []


def test_removed_statefulset_without_claims_and_added_objects_pass():
    sts = statefulset(claims=())
    assert immutable_changes([sts], []) == []
    assert immutable_changes([], [statefulset(), service()]) == []


def test_pairs_by_namespace():
    other = statefulset(service="x")
    other["metadata"]["namespace"] = "other"
    msgs = immutable_changes([statefulset()], [statefulset(), other])
    assert msgs == []


@pytest.mark.parametrize("args", [["--chart", "no-such-chart"], ["--base", "no-such-rev"], ["--bogus"]])
def test_cli_usage_errors_exit_2(args):
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "check_upgrade.py"), *args],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr


def _commit_version(repo, version, message):
    chart = repo / "charts" / "demo"
    chart.mkdir(parents=True, exist_ok=True)
    (chart / "Chart.yaml").write_text(f"apiVersion: v2\nname: demo\nversion: {version}\n")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", message], cwd=repo, check=True)
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()


def test_a_released_version_resolves_to_its_tag_or_its_last_commit(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    first = _commit_version(tmp_path, "0.1.0", "0.1.0")
    (tmp_path / "charts" / "demo" / "values.yaml").write_text("a: 1\n")
    last_of_010 = _commit_version(tmp_path, "0.1.0", "a change inside 0.1.0")
    _commit_version(tmp_path, "0.2.0", "0.2.0")
    _commit_version(tmp_path, "0.3.0", "0.3.0")
    rev = upgrade.released_revision("demo", "0.1.0", tmp_path)
    assert upgrade.git("rev-parse", rev, cwd=tmp_path).strip() == last_of_010 != first
    subprocess.run(["git", "tag", "demo-0.1.0", first], cwd=tmp_path, check=True)
    assert upgrade.released_revision("demo", "v0.1.0", tmp_path) == "demo-0.1.0"
    with pytest.raises(UsageError, match="current version and has no tag"):
        upgrade.released_revision("demo", "0.3.0", tmp_path)
    with pytest.raises(UsageError, match="no commit where charts/demo/Chart.yaml has version 9.9.9"):
        upgrade.released_revision("demo", "9.9.9", tmp_path)
