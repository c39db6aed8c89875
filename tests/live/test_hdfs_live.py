"""HDFS on a real cluster: readiness, helm test, one active NameNode, failover with the data
intact (write, delete the active NameNode pod, the standby takes over, the file reads back, a new
write succeeds), and DataNode scale-up."""
import json
import time

import pytest
from pytest_helm_charts.k8s.stateful_set import wait_for_stateful_sets_to_run

from conftest import HDFS_LAPTOP as LAPTOP, HDFS_NAMESERVICE as NS_ID, HDFS_RELEASE as RELEASE
FAILOVER_BOUND_SECONDS = 180


@pytest.fixture
def hdfs(hdfs_release):
    """The laptop HDFS installed by conftest's hdfs_release fixture."""
    return hdfs_release


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


def test_failover_keeps_data(hdfs):
    active = hdfs.wait_until(lambda: active_pod(hdfs), 300, what="one active NameNode")
    client = f"{RELEASE}-namenode-0"
    hdfs.exec(client, "namenode", "bash", "-c", "echo before-failover > /tmp/f && hdfs dfs -mkdir -p /live && "
              "hdfs dfs -put -f /tmp/f /live/before")
    hdfs.kubectl("delete", "pod", active, "--wait=false")
    started = time.monotonic()
    new_active = hdfs.wait_until(lambda: (a := active_pod(hdfs)) and a != active and a,
                                 FAILOVER_BOUND_SECONDS, what="the standby to become active")
    elapsed = time.monotonic() - started
    print(f"failover: {active} -> {new_active} in {elapsed:.0f}s")
    reader = new_active
    assert hdfs.exec(reader, "namenode", "hdfs", "dfs", "-cat", "/live/before").stdout.strip() == "before-failover"
    hdfs.exec(reader, "namenode", "bash", "-c", "echo after > /tmp/g && hdfs dfs -put -f /tmp/g /live/after")
    # The deleted pod comes back as standby, from its own metadata (no reformat).
    hdfs.wait_until(lambda: sorted(service_states(hdfs).values()) == ["active", "standby"], 600,
                    what="the restarted NameNode to rejoin as standby")
    logs = hdfs.kubectl("logs", active, "-c", "bootstrap").stdout
    assert "existing metadata" in logs, logs


def test_datanode_scale_up_registers(hdfs, kube_cluster):
    hdfs.install(RELEASE, "hdfs", [LAPTOP], set_values=["datanode.replicaCount=2"])
    wait_for_stateful_sets_to_run(kube_cluster.kube_client, [f"{RELEASE}-datanode"], hdfs.namespace, 600)

    def live_datanodes():
        run = hdfs.exec(f"{RELEASE}-namenode-0", "namenode", "hdfs", "dfsadmin", "-report", "-live", check=False)
        for line in run.stdout.splitlines():
            if line.startswith("Live datanodes ("):
                return int(line.split("(")[1].split(")")[0])
        return 0

    hdfs.wait_until(lambda: live_datanodes() == 2, 300, what="2 live DataNodes")


def test_pvcs_survive_uninstall(hdfs):
    before = json.loads(hdfs.kubectl("get", "pvc", "-o", "json").stdout)["items"]
    assert before
    hdfs.helm("uninstall", RELEASE, "--wait")
    after = {p["metadata"]["name"] for p in json.loads(hdfs.kubectl("get", "pvc", "-o", "json").stdout)["items"]}
    assert {p["metadata"]["name"] for p in before} <= after
