"""The umbrella on a real cluster: install the laptop example (with its notebook Secret created
first, as the example says) and `helm test` it; upgrade twice with unchanged values (no pod replaced
or restarted, the generated secrets kept); upgrade with a changed value (the PVCs kept); uninstall
(the PVCs survive).

On bin/cluster's image twins, what the twins cannot run is left out and said: the notebooks (no
Zeppelin server, no RStudio Server) and the SparkPi `helm test` pod (no examples jar); the reasons
are in twins/zeppelin, twins/rstudio and twins/apache-spark image.yaml."""
import json

from pytest_helm_charts.k8s.stateful_set import wait_for_stateful_sets_to_run

from conftest import ROOT, runs_image_twins

RELEASE = "stack"
LAPTOP = ROOT / "examples" / "stack-kind-laptop.yaml"
STATEFULSETS = [f"{RELEASE}-hdfs-{c}" for c in ("namenode", "journalnode", "zookeeper", "datanode")] + \
    [f"{RELEASE}-spark-{c}" for c in ("master", "worker")] + [f"{RELEASE}-alluxio-{c}" for c in ("master", "worker")]
# The laptop's Spark worker asks for a whole CPU; the live tier runs two test modules at once on a 2-CPU
# node, so the worker asks for less here (scheduling only; its limit is unchanged).
LIVE = ["spark.worker.resources.requests.cpu=100m"]
# What the image twins cannot run (their image.yaml says why).
TWIN_GAPS = ["spark.zeppelin.enabled=false", "spark.rstudio.enabled=false", "spark.tests.enabled=false"]
# A changed value: a second Spark worker.
CHANGED = ["spark.worker.replicaCount=2"]


def pods(kube):
    """{pod name: (uid, restarts of all its containers)} of the release's running pods (helm test pods excluded)."""
    items = json.loads(kube.kubectl("get", "pods", "-l", f"app.kubernetes.io/instance={RELEASE}", "-o", "json").stdout)
    out = {}
    for pod in items["items"]:
        if "helm.sh/hook" in (pod["metadata"].get("annotations") or {}) or pod["status"].get("phase") != "Running":
            continue
        restarts = sum(c.get("restartCount", 0) for c in pod["status"].get("containerStatuses", []))
        out[pod["metadata"]["name"]] = (pod["metadata"]["uid"], restarts)
    return out


def secrets(kube):
    """{Secret name: data} of the release's Secrets (generated passwords and keys)."""
    items = json.loads(kube.kubectl("get", "secrets", "-l", f"app.kubernetes.io/instance={RELEASE}",
                                    "-o", "json").stdout)["items"]
    return {s["metadata"]["name"]: s.get("data", {}) for s in items}


def pvcs(kube):
    """{PVC name: uid} in the namespace."""
    items = json.loads(kube.kubectl("get", "pvc", "-o", "json").stdout)["items"]
    return {p["metadata"]["name"]: p["metadata"]["uid"] for p in items}


def test_install_upgrades_uninstall_keep_pods_secrets_and_volumes(kube, kube_cluster):
    kube.kubectl("create", "secret", "generic", "notebooks", "--from-literal=zeppelin=live-zeppelin-pw",
                 "--from-literal=rstudio=live-rstudio-pw")
    settings = LIVE + (TWIN_GAPS if runs_image_twins(kube.kubeconfig) else [])
    if len(settings) > len(LIVE):
        print(f"installed with {', '.join(settings)}")
    kube.install(RELEASE, "umbrella", [LAPTOP], settings)
    wait_for_stateful_sets_to_run(kube_cluster.kube_client, STATEFULSETS, kube.namespace, timeout_sec=1200)
    run = kube.helm("test", RELEASE, "--logs", check=False)
    assert run.returncode == 0, run.stdout + run.stderr

    running, generated = pods(kube), secrets(kube)
    assert generated, "the release generates its secrets (Spark RPC authentication at least)"
    for round_ in (1, 2):
        kube.install(RELEASE, "umbrella", [LAPTOP], settings)
        assert pods(kube) == running, f"upgrade {round_} with unchanged values replaced or restarted a pod"
        assert secrets(kube) == generated, f"upgrade {round_} changed a generated secret"

    volumes = pvcs(kube)
    kube.install(RELEASE, "umbrella", [LAPTOP], settings + CHANGED)
    wait_for_stateful_sets_to_run(kube_cluster.kube_client, [f"{RELEASE}-spark-worker"], kube.namespace, 600)
    sts = json.loads(kube.kubectl("get", "statefulset", f"{RELEASE}-spark-worker", "-o", "json").stdout)
    assert sts["status"]["readyReplicas"] == 2
    assert {k: pvcs(kube).get(k) for k in volumes} == volumes

    kube.helm("uninstall", RELEASE, "--wait")
    assert set(volumes) <= set(pvcs(kube))
