"""The umbrella on a real cluster: install the laptop example (with its notebook Secret created
first, as the example says), upgrade with a changed value, uninstall; the PVCs survive."""
import json

from pytest_helm_charts.k8s.stateful_set import wait_for_stateful_sets_to_run

from conftest import ROOT

RELEASE = "stack"
LAPTOP = ROOT / "examples" / "stack-kind-laptop.yaml"
STATEFULSETS = [f"{RELEASE}-hdfs-{c}" for c in ("namenode", "journalnode", "zookeeper", "datanode")] + \
    [f"{RELEASE}-spark-{c}" for c in ("master", "worker")] + [f"{RELEASE}-alluxio-{c}" for c in ("master", "worker")]


def test_install_upgrade_uninstall_keeps_volumes(kube, kube_cluster):
    kube.kubectl("create", "secret", "generic", "notebooks", "--from-literal=zeppelin=live-zeppelin-pw",
                 "--from-literal=rstudio=live-rstudio-pw")
    kube.install(RELEASE, "umbrella", [LAPTOP])
    wait_for_stateful_sets_to_run(kube_cluster.kube_client, STATEFULSETS, kube.namespace, timeout_sec=1200)
    run = kube.helm("test", RELEASE, "--logs", check=False)
    assert run.returncode == 0, run.stdout + run.stderr

    # Upgrade with a changed value: a second Spark worker; nothing is replaced that holds data.
    before = {p["metadata"]["name"]: p["metadata"]["uid"]
              for p in json.loads(kube.kubectl("get", "pvc", "-o", "json").stdout)["items"]}
    kube.install(RELEASE, "umbrella", [LAPTOP], set_values=["spark.worker.replicaCount=2"])
    wait_for_stateful_sets_to_run(kube_cluster.kube_client, [f"{RELEASE}-spark-worker"], kube.namespace, 600)
    sts = json.loads(kube.kubectl("get", "statefulset", f"{RELEASE}-spark-worker", "-o", "json").stdout)
    assert sts["status"]["readyReplicas"] == 2
    after = {p["metadata"]["name"]: p["metadata"]["uid"]
             for p in json.loads(kube.kubectl("get", "pvc", "-o", "json").stdout)["items"]}
    assert {k: after.get(k) for k in before} == before

    kube.helm("uninstall", RELEASE, "--wait")
    remaining = {p["metadata"]["name"] for p in json.loads(kube.kubectl("get", "pvc", "-o", "json").stdout)["items"]}
    assert set(before) <= remaining
