"""The hdfs chart's HA defaults, run for real: every pod of the render in its own network namespace
as the image's user, with kubelet-owned volumes (tests/local/kubelet.py), the real Hadoop 3.4.1 and
ZooKeeper 3.9.3 daemons of the image twins (twins/), the chart's scripts and probes unchanged.

One release serves the scenarios below, in this order (each leaves it healthy for the next):
fresh install (exactly one format, the peer bootstraps, DataNodes register, helm test), 200 files
written with replication 3 and read back, Prometheus metrics, failovers (NameNode process killed,
NameNode pod deleted, NameNode pod frozen beyond its ZooKeeper session) with a client writing
throughout, a rolling restart of the JournalNodes and of the NameNodes as the StatefulSet controller
does it, a DataNode decommissioned by the README's procedure, a lost NameNode volume with an
interrupted bootstrapStandby, and a restart of every pod. Measured times are printed in the
"measured" section of the pytest summary.

Values that differ from the chart's defaults, and why: ha.editLogRollPeriodSeconds 10 (a restarted
JournalNode rejoins at the next roll: 120 s by default would make the rolling restart take minutes),
config.blockSize 1m (files of a few MiB span several blocks). Failover settings are the defaults.
"""
import hashlib
import os
import random
import re
import time

import pytest

import hdfs_pods
from polling import wait_for

ok, reason = hdfs_pods.available()
pytestmark = [pytest.mark.skipif(not ok, reason=reason), pytest.mark.xdist_group("hdfs-ha-real")]

VALUES = {"ha.editLogRollPeriodSeconds": "10", "config.blockSize": "1m"}


@pytest.fixture(scope="module")
def ha(tmp_path_factory):
    release = hdfs_pods.HdfsRelease(tmp_path_factory.mktemp("hdfs-ha"), set_values=VALUES)
    started = time.monotonic()
    try:
        release.install()
        release.wait_ready(timeout=300)
        release.install_seconds = time.monotonic() - started
        yield release
    finally:
        release.close()


@pytest.fixture
def on_failure(ha, request):
    """Print the cluster's logs when the test fails."""
    yield
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        print(ha.cluster.logs(3000))


def other(ha, pod):
    return next(p for p in ha.pods("namenode") if p.name != pod.name)


def wait_active(ha, not_pod=None, timeout=120):
    """Wait for an active NameNode (other than not_pod); return its pod."""
    def active():
        for pod in ha.pods("namenode"):
            if (not_pod is None or pod.name != not_pod.name) and ha.namenode_state(pod) == "active":
                return pod
        return None
    return wait_for(active, timeout=timeout, interval=0.1, what="an active NameNode",
                    on_timeout=lambda: str(ha.namenode_states()))


def test_fresh_install_formats_once_and_every_datanode_registers(ha, record_property):
    logs = {p.name: ha.log(p, "bootstrap") for p in ha.pods("namenode")}
    formatted = [name for name, log in logs.items() if "decision: FORMAT" in log]
    bootstrapped = [name for name, log in logs.items() if "bootstrapStandby finished" in log]
    assert len(formatted) == 1, logs
    assert len(bootstrapped) == 1 and bootstrapped != formatted, logs
    states = sorted(ha.namenode_states().values())
    assert states == ["active", "standby"]
    assert wait_for(lambda: ha.live_datanodes() == 3, timeout=60, what="3 live DataNodes")
    rc, log = ha.helm_test()
    assert rc == 0 and "PASSED" in log, log
    record_property("measured", f"HA install (3 ZooKeeper, 3 JournalNodes, 2 NameNodes, 3 DataNodes): "
                                f"every pod ready {ha.install_seconds:.0f} s after install")


def test_datanodes_run_as_the_image_user_on_a_subfolder_of_their_volume(ha):
    pod = ha.pods("datanode")[0]
    out = pod.exec("datanode", ["bash", "-c", "id -u; id -g; stat -c '%U:%G %a' /hadoop/dfs/data0 /hadoop/dfs/data0/data"]).stdout.split()
    assert out[:2] == ["1000", "100"]
    # The PVC root as the kubelet leaves it (root:<fsGroup> with the setgid bit)...
    assert out[2:4] == ["root:users", "2775"], out
    # ...and the data folder the DataNode's own, mode 700 (it inherits the setgid bit of the root).
    assert out[4] == "hadoop:users" and out[5][-3:] == "700", out


def test_200_files_written_with_replication_3_read_back_identical(ha, record_property):
    client = ha.client()
    tmp = client.volume_dirs["tmp"]
    src = tmp / "src"
    src.mkdir()
    rng = random.Random(12)
    sizes = [rng.choice([0, 1, 100, 4096, 65536, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 17]) for _ in range(200)]
    digests = {}
    for i, size in enumerate(sizes):
        data = rng.randbytes(size)
        (src / f"f{i:03d}").write_bytes(data)
        digests[f"f{i:03d}"] = hashlib.sha256(data).hexdigest()
    os.system(f"chown -R 1000:100 {src}")
    started = time.monotonic()
    ha.hdfs("dfs", "-D", "dfs.replication=3", "-put", "/tmp/src", "/data200")
    written = time.monotonic() - started
    started = time.monotonic()
    ha.hdfs("dfs", "-get", "/data200", "/tmp/back")
    read = time.monotonic() - started
    back = tmp / "back"
    got = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in back.iterdir()}
    assert got == digests
    # Every block readable (no missing or corrupt block) and every file at replication 3. Some blocks
    # may start with 2 replicas: with 3 DataNodes, the NameNode skips one it finds busier than twice
    # the average (dfs.namenode.redundancy.considerLoad) and copies the block there later.
    fsck = ha.hdfs("fsck", "/data200", "-files").stdout
    assert "Status: HEALTHY" in fsck, fsck[-2000:]
    assert re.search(r"Missing blocks:\s+0\b", fsck) and re.search(r"Corrupt blocks:\s+0\b", fsck), fsck[-2000:]
    assert len(re.findall(r"replicated: replication=3,", fsck)) == 200, fsck[-2000:]
    under = int(re.search(r"Under-replicated blocks:\s+(\d+)", fsck).group(1))
    blocks = int(re.search(r"Total blocks \(validated\):\s+(\d+)", fsck).group(1))
    total = sum(sizes) / (1 << 20)
    record_property("measured", f"200 files ({total:.0f} MiB, replication 3, 1 MiB blocks): "
                                f"put {written:.1f} s, get {read:.1f} s; {blocks - under} of {blocks} blocks had "
                                f"3 live replicas right after the put")


def test_prometheus_metrics_of_namenode_datanode_journalnode(ha):
    import urllib.request

    def scrape(pod, port):
        with urllib.request.urlopen(f"http://{pod.ip}:{port}/prom", timeout=10) as resp:
            return resp.read().decode()
    active = ha.active_namenode()
    nn = scrape(active, 9870)
    live = re.search(r"^fs_namesystem_num_live_data_nodes\{[^}]*\} (\S+)$", nn, re.M)
    assert live and float(live.group(1)) == 3, nn[:2000]
    capacity = re.search(r"^fs_namesystem_capacity_total\{[^}]*\} (\S+)$", nn, re.M)
    assert capacity and float(capacity.group(1)) > 0
    dn = scrape(ha.pods("datanode")[0], 9864)
    assert re.search(r"^datanode_bytes_written\{", dn, re.M), dn[:2000]
    jn = scrape(ha.pods("journalnode")[0], 8480)
    assert re.search(r"^journal_node_last_written_tx_id\{", jn, re.M), jn[:2000]
