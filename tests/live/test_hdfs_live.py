"""HDFS on a real cluster: readiness, helm test, one active NameNode, failover with the data
intact (write, delete the active NameNode pod, the standby takes over, the file reads back, a new
write succeeds), DataNode scale-up, PVCs kept after uninstall, a rolling restart of the JournalNodes
and NameNodes under write load, and the NetworkPolicy admitting clients only."""
import json
import re
import time

import pytest
from pytest_helm_charts.k8s.stateful_set import wait_for_stateful_sets_to_run

from conftest import (HDFS_CLIENT_LABELS, HDFS_CONFIGMAP, HDFS_LAPTOP as LAPTOP, HDFS_LIVE_SETTINGS,
                      HDFS_NAMESERVICE as NS_ID, HDFS_RELEASE as RELEASE, install_hdfs)
FAILOVER_BOUND_SECONDS = 180


@pytest.fixture(scope="module")
def hdfs(module_kube, kube_cluster):
    """One laptop HDFS for the whole module (conftest.install_hdfs): the tests below are one scenario,
    run in file order, each leaving HDFS healthy for the next; uninstalling it comes last."""
    return install_hdfs(module_kube, kube_cluster)


def service_states(kube):
    """{nn id: state} from `hdfs haadmin -getAllServiceState`, asked through whichever NameNode answers."""
    for pod in (f"{RELEASE}-namenode-0", f"{RELEASE}-namenode-1"):
        run = kube.exec(pod, "namenode", "hdfs", "haadmin", "-ns", NS_ID, "-getAllServiceState", check=False)
        if run.returncode == 0:
            states = {}
            # HAAdmin prints "%-50s %-10s" (address, state): split on whitespace, trailing padding included.
            for line in run.stdout.splitlines():
                fields = line.split()
                if len(fields) == 2:
                    states[fields[0].split(".")[0]] = fields[1]
            return states
    return {}


def active_pod(kube):
    active = [pod for pod, state in service_states(kube).items() if state == "active"]
    return active[0] if len(active) == 1 else None


def test_pods_ready_and_helm_test_passes(hdfs):
    run = hdfs.helm("test", RELEASE, "--logs", check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    states = service_states(hdfs)
    assert sorted(states.values()) == ["active", "standby"], states


def test_failover_keeps_data(hdfs, record_property):
    active = hdfs.wait_until(lambda: active_pod(hdfs), 300, what="one active NameNode")
    client = f"{RELEASE}-namenode-0"
    hdfs.exec(client, "namenode", "bash", "-c", "echo before-failover > /tmp/f && hdfs dfs -mkdir -p /live && "
              "hdfs dfs -put -f /tmp/f /live/before")
    hdfs.kubectl("delete", "pod", active, "--wait=false")
    started = time.monotonic()
    new_active = hdfs.wait_until(lambda: (a := active_pod(hdfs)) and a != active and a,
                                 FAILOVER_BOUND_SECONDS, what="the standby to become active")
    elapsed = time.monotonic() - started
    record_property("measured", f"failover after deleting the active NameNode pod: {active} -> {new_active} "
                                f"in {elapsed:.0f} s (polled every 5 s)")
    reader = new_active
    assert hdfs.exec(reader, "namenode", "hdfs", "dfs", "-cat", "/live/before").stdout.strip() == "before-failover"
    hdfs.exec(reader, "namenode", "bash", "-c", "echo after > /tmp/g && hdfs dfs -put -f /tmp/g /live/after")
    # The deleted pod comes back as standby, from its own metadata (no reformat).
    hdfs.wait_until(lambda: sorted(service_states(hdfs).values()) == ["active", "standby"], 600,
                    what="the restarted NameNode to rejoin as standby")
    logs = hdfs.kubectl("logs", active, "-c", "bootstrap").stdout
    assert "existing metadata" in logs, logs


def test_datanode_scale_up_registers(hdfs, kube_cluster):
    hdfs.install(RELEASE, "hdfs", [LAPTOP], set_values=[*HDFS_LIVE_SETTINGS, "datanode.replicaCount=2"])
    wait_for_stateful_sets_to_run(kube_cluster.kube_client, [f"{RELEASE}-datanode"], hdfs.namespace, 600)

    def live_datanodes():
        run = hdfs.exec(f"{RELEASE}-namenode-0", "namenode", "hdfs", "dfsadmin", "-report", "-live", check=False)
        for line in run.stdout.splitlines():
            if line.startswith("Live datanodes ("):
                return int(line.split("(")[1].split(")")[0])
        return 0

    hdfs.wait_until(lambda: live_datanodes() == 2, 300, what="2 live DataNodes")


def hadoop_pod_spec(kube, script, client=True):
    """A pod spec running ``script`` (bash) in the chart's Hadoop image as the image's user, with the
    chart's client configuration (HADOOP_CONF_DIR)."""
    image = kube.kubectl("get", "statefulset", f"{RELEASE}-namenode", "-o",
                         "jsonpath={.spec.template.spec.containers[0].image}").stdout
    return {
        "automountServiceAccountToken": False,
        "securityContext": {"runAsUser": 1000, "runAsGroup": 100, "runAsNonRoot": True},
        "containers": [{
            "name": "client", "image": image, "command": ["bash", "-c", script],
            "env": [{"name": "HADOOP_CONF_DIR", "value": "/etc/hadoop/conf"},
                    {"name": "HADOOP_HEAPSIZE_MAX", "value": "128m"}],
            "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"cpu": "1", "memory": "512Mi"}},
            "volumeMounts": [{"name": "conf", "mountPath": "/etc/hadoop/conf", "readOnly": True}]}],
        "volumes": [{"name": "conf", "configMap": {"name": HDFS_CONFIGMAP}}],
    }


def test_rolling_update_under_write_load_loses_no_write(hdfs, record_property):
    """`kubectl rollout restart` of the JournalNodes, then of the NameNodes, while a client writes one
    file after another: the StatefulSets roll one pod at a time (the charts' readiness and
    minReadySeconds gates), every write the client saw succeed reads back, and the client's retries
    across the failovers are printed (measured)."""
    hdfs.wait_until(lambda: active_pod(hdfs), 300, what="one active NameNode")
    writer = ('set -u; i=0; retries=0; hdfs dfs -mkdir -p /load\n'
              'while [ ! -e /tmp/stop ]; do i=$((i+1)); echo "file $i" > /tmp/f\n'
              '  until hdfs dfs -put -f /tmp/f /load/f$i 2>/dev/null; do retries=$((retries+1)); sleep 1; done\n'
              '  echo "WROTE $i"; done\n'
              'echo "DONE $i RETRIES $retries"; sleep 3600')
    manifest = {"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": "writer", "labels": HDFS_CLIENT_LABELS},
                "spec": {"restartPolicy": "Never", **hadoop_pod_spec(hdfs, writer)}}
    hdfs.kubectl("apply", "-f", "-", stdin=json.dumps(manifest))
    hdfs.kubectl("wait", "--for=condition=Ready", "pod/writer", "--timeout=300s")
    hdfs.wait_until(lambda: "WROTE 3" in hdfs.kubectl("logs", "writer").stdout, 300, what="the writer's first files")
    timings = {}
    for component in ("journalnode", "namenode"):
        started = time.monotonic()
        hdfs.kubectl("rollout", "restart", f"statefulset/{RELEASE}-{component}")
        hdfs.kubectl("rollout", "status", f"statefulset/{RELEASE}-{component}", "--timeout=1200s", timeout=1300)
        timings[component] = time.monotonic() - started
    hdfs.exec("writer", "client", "touch", "/tmp/stop")
    done = hdfs.wait_until(lambda: re.search(r"DONE (\d+) RETRIES (\d+)", hdfs.kubectl("logs", "writer").stdout),
                           300, what="the writer to stop")
    written, retries = int(done.group(1)), int(done.group(2))
    record_property("measured", f"rolling restart of 3 JournalNodes {timings['journalnode']:.0f} s, of 2 NameNodes "
                                f"{timings['namenode']:.0f} s; {written} files written meanwhile, {retries} put retries")
    assert written >= 3
    listing = hdfs.exec("writer", "client", "hdfs", "dfs", "-cat", "/load/*").stdout.split("\n")
    assert sorted(line for line in listing if line) == sorted(f"file {i}" for i in range(1, written + 1))
    assert sorted(service_states(hdfs).values()) == ["active", "standby"]


def test_network_policy_admits_clients_and_denies_others(hdfs):
    """The NameNode's RPC port from a pod with the client label, and from one without: the chart's
    NetworkPolicy, enforced by the cluster (kube-router on bin/cluster), admits the first only."""
    probe = (f'if timeout 10 bash -c "</dev/tcp/{RELEASE}-namenode-0.{RELEASE}-namenode-headless/8020"; '
             'then echo CONNECTED; else echo REFUSED; fi')
    client_phase, client_log = hdfs.run_pod("labelled", hadoop_pod_spec(hdfs, probe), timeout=300,
                                            labels=HDFS_CLIENT_LABELS)
    other_phase, other_log = hdfs.run_pod("unlabelled", hadoop_pod_spec(hdfs, probe), timeout=300)
    assert client_phase == other_phase == "Succeeded", (client_log, other_log)
    assert "CONNECTED" in client_log, client_log
    assert "REFUSED" in other_log, other_log


def test_pvcs_survive_uninstall(hdfs):
    # Last: it uninstalls the module's HDFS.
    before = json.loads(hdfs.kubectl("get", "pvc", "-o", "json").stdout)["items"]
    assert before
    hdfs.helm("uninstall", RELEASE, "--wait")
    after = {p["metadata"]["name"] for p in json.loads(hdfs.kubectl("get", "pvc", "-o", "json").stdout)["items"]}
    assert {p["metadata"]["name"] for p in before} <= after
