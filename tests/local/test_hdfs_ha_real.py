"""The hdfs chart's HA defaults, run for real: every pod of the render in its own network namespace
as the image's user, with kubelet-owned volumes (tests/local/kubelet.py), the real Hadoop 3.4.1 and
ZooKeeper 3.9.3 daemons of the image twins (twins/), the chart's scripts and probes unchanged.

One release serves the scenarios below; each leaves it healthy (one active and one standby
NameNode, every pod Ready) and needs nothing from another, so their order does not matter: fresh
install (exactly one format, the peer bootstraps, DataNodes register, helm test), 200 files written
with replication 3 and read back, Prometheus metrics, failovers (NameNode process killed, NameNode
pod deleted, NameNode pod frozen beyond its ZooKeeper session) with a client writing throughout, and
a restart of every pod. The operations (rolling restarts, decommissioning, a lost volume) run on a
second release in test_hdfs_operations_real.py. Measured times are printed in the "measured" section
of the pytest summary; the values that differ from the chart's defaults, and why, are
hdfs_pods.HA_TEST_VALUES.
"""
import hashlib
import os
import random
import re
import time
from pathlib import Path

import pytest

import dashboards
import hdfs_pods
from hdfs_pods import wait_active
from polling import wait_for

ROOT = Path(__file__).resolve().parents[2]

ok, reason = hdfs_pods.available()
pytestmark = [pytest.mark.skipif(not ok, reason=reason), pytest.mark.xdist_group("hdfs-ha-real")]


@pytest.fixture(scope="module")
def ha(tmp_path_factory):
    with hdfs_pods.running_ha_release(tmp_path_factory.mktemp("hdfs-ha")) as release:
        yield release


def test_fresh_install_formats_once_and_every_datanode_registers(ha, record_property):
    logs = ha.install_bootstrap_logs
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
    def live_datanodes():
        """(count or None, the active NameNode's metrics text)."""
        text = scrape(ha.active_namenode(), 9870)
        live = re.search(r"^fs_namesystem_num_live_data_nodes\{[^}]*\} (\S+)$", text, re.M)
        return (float(live.group(1)) if live else None), text
    # The metric is there at once; the count reaches 3 once every DataNode has reported to the NameNode
    # that is active now (after an earlier scenario's failover that takes a heartbeat or two).
    count, nn = live_datanodes()
    assert count is not None, nn[:2000]
    wait_for(lambda: live_datanodes()[0] == 3, timeout=60, interval=1,
             what="3 live DataNodes in the active NameNode's metrics", on_timeout=lambda: str(live_datanodes()[0]))
    capacity = re.search(r"^fs_namesystem_capacity_total\{[^}]*\} (\S+)$", nn, re.M)
    assert capacity and float(capacity.group(1)) > 0
    dn = scrape(ha.pods("datanode")[0], 9864)
    assert re.search(r"^datanode_bytes_written\{", dn, re.M), dn[:2000]
    jn = scrape(ha.pods("journalnode")[0], 8480)
    assert re.search(r"^journal_node_last_written_tx_id\{", jn, re.M), jn[:2000]
    # The bundled ZooKeeper's PrometheusMetricsProvider (zoo.cfg from the render, port metrics.zookeeperPort).
    with urllib.request.urlopen(f"http://{ha.pods('zookeeper')[0].ip}:7000/metrics", timeout=10) as resp:
        zk = resp.read().decode()
    assert re.search(r"^znode_count ", zk, re.M), zk[:2000]
    # Every metric and label the chart's Grafana dashboard queries is one these daemons expose.
    standby = scrape(next(p for p in ha.pods("namenode") if p.name != ha.active_namenode().name), 9870)
    dashboard = dashboards.load(ROOT / "charts" / "hdfs" / "files" / "dashboards" / "hdfs.json")
    assert dashboards.missing(dashboard, [nn, standby, dn, jn, zk]) == []


def test_failover_when_the_active_namenode_process_is_killed(ha, record_property):
    writer = ha.writer("process-killed").start()
    time.sleep(2)
    active = wait_active(ha)
    restarts = active.containers["namenode"].restarts
    killed = time.monotonic()
    active.kill_process("namenode")  # kill -9 of the NameNode JVM; its ZKFC keeps running
    new = wait_active(ha, not_pod=active, timeout=60)
    took = time.monotonic() - killed
    count = len(writer.acks())
    wait_for(lambda: len(writer.acks()) >= count + 10, timeout=60, what="writes on the new active NameNode")
    acks, fails = writer.stop()
    summary = writer.verify()
    # Kubernetes restarts the container; the NameNode comes back as the standby.
    wait_for(lambda: active.containers["namenode"].restarts > restarts and ha.namenode_state(active) == "standby",
             timeout=180, what="the killed NameNode back as standby")
    record_property("measured", f"NameNode process killed (ZKFC alive): {new.name} active after {took:.1f} s; "
                                f"client: {len(acks)} writes acknowledged, {len(fails)} failed, longest gap "
                                f"{writer.gaps():.1f} s, {summary}")


def test_failover_when_the_active_namenode_pod_is_deleted(ha, record_property):
    writer = ha.writer("pod-deleted").start()
    time.sleep(2)
    active = wait_active(ha)
    ordinal = int(active.name.rsplit("-", 1)[1])
    killed = time.monotonic()
    ha.sts("namenode").delete_pod(ordinal, grace=0)  # NameNode and ZKFC killed at once; recreated with a new IP
    new = wait_active(ha, not_pod=active, timeout=90)
    took = time.monotonic() - killed
    count = len(writer.acks())
    wait_for(lambda: len(writer.acks()) >= count + 10, timeout=60, what="writes on the new active NameNode")
    recreated = ha.sts("namenode").pod(ordinal)
    recreated.wait_ready(240)
    back = time.monotonic() - killed
    acks, fails = writer.stop()
    summary = writer.verify()
    assert ha.namenode_state(recreated) == "standby"
    assert "existing metadata" in ha.log(recreated, "bootstrap")
    record_property("measured", f"NameNode pod deleted (NameNode + ZKFC killed): {new.name} active after "
                                f"{took:.1f} s; new pod ready as standby after {back:.0f} s; client: {len(acks)} "
                                f"writes acknowledged, {len(fails)} failed, longest gap {writer.gaps():.1f} s, {summary}")


def test_frozen_active_namenode_is_fenced(ha, record_property):
    """SIGSTOP of every process of the active pod for longer than its ZooKeeper session: the standby
    takes over, and once thawed the old active cannot write (the JournalNodes refuse its epoch, or
    its ZKFC has already made it standby)."""
    writer = ha.writer("pod-frozen").start()
    time.sleep(2)
    active = wait_active(ha)
    frozen = time.monotonic()
    active.freeze()
    try:
        new = wait_active(ha, not_pod=active, timeout=90)
        took = time.monotonic() - frozen
        time.sleep(max(0.0, 20 - (time.monotonic() - frozen)))  # 2 x the 10 s ZooKeeper session
    finally:
        active.thaw()
    # Right after the thaw, write through the old active's own address (not the nameservice).
    host = f"{active.name}.{active.subdomain}.{ha.namespace}.svc.cluster.local"
    direct = ha.hdfs("dfs", "-D", "ipc.client.connect.max.retries=0", "-touchz", f"hdfs://{host}:8020/fenced-write",
                     check=False, timeout=120)
    assert direct.returncode != 0, "the old active NameNode accepted a write after the failover"
    assert re.search(r"StandbyException|epoch|not supported in state standby|ExitException|Connection refused|EOFException",
                     direct.stderr), direct.stderr[-2000:]
    states = wait_for(lambda: (lambda s: s if sorted(v or "" for v in s.values()) == ["active", "standby"] else None)(
        ha.namenode_states()),
                      timeout=180, what="exactly one active and one standby NameNode")
    assert states[new.name] == "active"
    count = len(writer.acks())
    wait_for(lambda: len(writer.acks()) >= count + 10, timeout=60, what="writes after the thaw")
    acks, fails = writer.stop()
    summary = writer.verify()
    reason = "epoch" if "epoch" in direct.stderr else "standby" if "standby" in direct.stderr else "aborted"
    record_property("measured", f"NameNode pod frozen 20 s: {new.name} active after {took:.1f} s; thawed old active "
                                f"refused the write ({reason}); client: {len(acks)} writes acknowledged, "
                                f"{len(fails)} failed, longest gap {writer.gaps():.1f} s, {summary}")


def test_restart_of_every_pod_keeps_the_data_and_formats_nothing(ha, record_property):
    client = ha.client()
    src = client.volume_dirs["tmp"] / "before-restart"
    src.mkdir()
    rng = random.Random(7)
    for i in range(20):
        (src / f"f{i:02d}").write_bytes(rng.randbytes(rng.choice([1, 4096, (1 << 20) + 5])))
    os.system(f"chown -R 1000:100 {src}")
    ha.hdfs("dfs", "-put", "/tmp/before-restart", "/restart")
    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in src.iterdir()}
    import threading
    components = ("zookeeper", "journalnode", "namenode", "datanode")
    pods = [(c, int(p.name.rsplit("-", 1)[1])) for c in components for p in ha.pods(c)]
    started = time.monotonic()
    threads = [threading.Thread(target=ha.cluster.delete_pod, args=(ha.sts(c).pod_name(i),)) for c, i in pods]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for c, i in pods:  # the StatefulSet controllers create them again, all at once
        ha.sts(c).create_pod(i)
    ha.wait_ready(timeout=300)
    took = time.monotonic() - started
    for pod in ha.pods("namenode"):
        log = ha.log(pod, "bootstrap")
        assert "existing metadata" in log and "decision: FORMAT" not in log.split("=====")[-1], log[-2000:]
    wait_for(lambda: ha.live_datanodes() == 3, timeout=120, what="3 live DataNodes")
    ha.hdfs("dfs", "-get", "/restart", "/tmp/after-restart")
    back = client.volume_dirs["tmp"] / "after-restart"
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in back.iterdir()} == digests
    record_property("measured", f"Restart of all 11 pods: every pod ready again after {took:.0f} s, no format, "
                                f"files identical")
