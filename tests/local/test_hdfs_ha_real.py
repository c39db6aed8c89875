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
dfs.namenode.safemode.extension 5 s (Hadoop's 30 s extension after the block reports would add a
minute to the NameNode rolling update), readiness probes every 2 s and minReadySeconds 5 for
JournalNodes and NameNodes (10 s each by default: the rolling updates take longer, not differently),
dfs.namenode.decommission.interval 5 s (Hadoop checks decommissioning DataNodes every 30 s),
config.blockSize 1m (files of a few MiB span several blocks). Failover settings are the defaults.
"""
import hashlib
import signal
import os
import random
import re
import time

import pytest

import hdfs_pods
from polling import wait_for

ok, reason = hdfs_pods.available()
pytestmark = [pytest.mark.skipif(not ok, reason=reason), pytest.mark.xdist_group("hdfs-ha-real")]

VALUES = {"ha.editLogRollPeriodSeconds": "10", "config.blockSize": "1m",
          "hdfsSite.dfs\\.namenode\\.safemode\\.extension": "5000",
          "journalnode.readinessProbe.periodSeconds": "2", "journalnode.minReadySeconds": "5",
          "namenode.readinessProbe.periodSeconds": "2", "namenode.minReadySeconds": "5",
          "hdfsSite.dfs\\.namenode\\.decommission\\.interval": "5"}


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


def _roll(ha, component, annotation):
    """Re-render with a pod annotation changed (as a configuration change would) and roll the
    component's StatefulSet as its controller does. Returns [(ordinal, seconds)]."""
    objects = ha.render(set_values={f"{component}.podAnnotations.rolled": annotation})
    new = next(o for o in objects if o["kind"] == "StatefulSet" and o["metadata"]["name"] == ha.name(component))
    return ha.sts(component).rolling_update(new, timeout=300)


def test_rolling_restart_of_the_journalnodes_keeps_the_active_namenode(ha, record_property):
    """Each JournalNode restarted only after the previous one is back in the write pipeline (its
    readiness) for minReadySeconds: the active NameNode always keeps 2 of 3 JournalNodes in sync."""
    writer = ha.writer("jn-rolling").start()
    active = wait_active(ha)
    restarts = {p.name: p.containers["namenode"].restarts for p in ha.pods("namenode")}
    started = time.monotonic()
    steps = _roll(ha, "journalnode", "roll-1")
    took = time.monotonic() - started
    count = len(writer.acks())
    wait_for(lambda: len(writer.acks()) >= count + 10, timeout=60, what="writes after the rolling restart")
    acks, fails = writer.stop()
    summary = writer.verify()
    assert ha.namenode_state(active) == "active", ha.namenode_states()
    assert {p.name: p.containers["namenode"].restarts for p in ha.pods("namenode")} == restarts, \
        "a NameNode restarted during the JournalNode rolling restart"
    per = ", ".join(f"journalnode-{i} {s:.0f} s" for i, s in steps)
    record_property("measured", f"JournalNode rolling restart: {took:.0f} s ({per}); active NameNode stayed up; "
                                f"client: {len(acks)} writes acknowledged, {len(fails)} failed, longest gap "
                                f"{writer.gaps():.1f} s, {summary}")


def test_rolling_update_of_the_namenodes_always_leaves_one_that_can_take_over(ha, record_property):
    """The controller restarts the next NameNode only once the restarted one is ready: standby and out
    of safe mode (it has the block reports), so the failover away from the next one serves at once."""
    writer = ha.writer("nn-rolling").start()
    safemode_when_ready = {}

    def on_step(ordinal, pod):
        info = ha.jmx(pod, "Hadoop:service=NameNode,name=NameNodeInfo")
        safemode_when_ready[pod.name] = (ha.namenode_state(pod), info.get("Safemode") if info else None)
    started = time.monotonic()
    steps = ha.sts("namenode").rolling_update(
        next(o for o in ha.render(set_values={"namenode.podAnnotations.rolled": "roll-1"})
             if o["kind"] == "StatefulSet" and o["metadata"]["name"] == ha.name("namenode")),
        on_step=on_step, timeout=300)
    took = time.monotonic() - started
    wait_active(ha)
    count = len(writer.acks())
    wait_for(lambda: len(writer.acks()) >= count + 10, timeout=90, what="writes after the rolling update")
    acks, fails = writer.stop()
    summary = writer.verify()
    for name, (state, safemode) in safemode_when_ready.items():
        assert state in ("active", "standby") and safemode == "", (name, state, safemode)
    per = ", ".join(f"namenode-{i} {s:.0f} s" for i, s in steps)
    record_property("measured", f"NameNode rolling update: {took:.0f} s ({per}); client: {len(acks)} writes "
                                f"acknowledged, {len(fails)} failed, longest gap {writer.gaps():.1f} s, {summary}")


def _admin_state(ha, datanode_pod):
    """The admin state ("In Service", "Decommission In Progress", "Decommissioned") the active
    NameNode reports for a DataNode pod, or None."""
    info = ha.jmx(ha.active_namenode(), "Hadoop:service=NameNode,name=NameNodeInfo") if ha.active_namenode() else None
    if not info:
        return None
    import json
    for name, node in json.loads(info["LiveNodes"]).items():
        if node.get("xferaddr", "").startswith(datanode_pod.ip + ":"):
            return node.get("adminState")
    return None


def test_decommissioning_a_datanode_by_the_documented_procedure(ha, record_property):
    """README "Decommissioning a DataNode": list the pod in datanode.decommission.datanodes and upgrade
    (the exclude file reaches the NameNodes without a restart), run `hdfs dfsadmin -refreshNodes`,
    wait for "Decommissioned" (every block it held copied elsewhere), then scale down."""
    dn = ha.sts("datanode")
    dn.scale(4, next(o for o in ha.render(set_values={"datanode.replicaCount": "4"})
                     if o["kind"] == "StatefulSet" and o["metadata"]["name"] == ha.name("datanode")))
    wait_for(lambda: ha.live_datanodes() == 4, timeout=120, what="4 live DataNodes")
    leaving = dn.pod(3)
    ha.hdfs("dfs", "-mkdir", "-p", "/decommission")
    for i in range(4):
        ha.hdfs("dfs", "-D", "dfs.replication=3", "-put", "/etc/hadoop/conf/hdfs-site.xml", f"/decommission/f{i}")
    before = ha.hdfs("fsck", "/", "-files", "-blocks", "-locations").stdout
    held = before.count(f"{leaving.ip}:")
    # Step 1: helm upgrade with the DataNode listed. No NameNode restarts: the exclude file is in no checksum.
    values = {"datanode.replicaCount": "4", "datanode.decommission.datanodes[0]": leaving.name}
    objects = ha.render(set_values=values)

    def namenode_template(objs):
        return next(o for o in objs if o["kind"] == "StatefulSet" and o["metadata"]["name"] == ha.name("namenode"))[
            "spec"]["template"]
    assert namenode_template(objects) == namenode_template(ha.render(set_values={"datanode.replicaCount": "4"})), \
        "listing a DataNode to decommission would restart the NameNodes"
    ha.cluster.update_objects(objects)
    started = time.monotonic()
    # Step 2: once the ConfigMap reached the pods (here at once; in a cluster within a minute), refreshNodes.
    out = ha.hdfs("dfsadmin", "-refreshNodes").stdout
    assert out.count("Refresh nodes successful") == 2, out  # every NameNode of the nameservice
    # Step 3: wait for Decommissioned.
    wait_for(lambda: _admin_state(ha, leaving) == "Decommissioned", timeout=300, interval=2,
             what=f"{leaving.name} Decommissioned", on_timeout=lambda: str(_admin_state(ha, leaving)))
    took = time.monotonic() - started
    # Every block has its replicas on the other DataNodes before the pod goes.
    fsck = ha.hdfs("fsck", "/", "-files", "-blocks", "-locations").stdout
    assert "Status: HEALTHY" in fsck and re.search(r"Missing blocks:\s+0\b", fsck), fsck[-2000:]
    # Step 4: scale down; no block is lost.
    dn.scale(3, next(o for o in ha.render(set_values={"datanode.replicaCount": "3"})
                     if o["kind"] == "StatefulSet" and o["metadata"]["name"] == ha.name("datanode")))
    ha.cluster.update_objects(ha.render())
    ha.hdfs("dfsadmin", "-refreshNodes")
    fsck = wait_for(lambda: (lambda o: o if "Status: HEALTHY" in o else None)(ha.hdfs("fsck", "/").stdout),
                    timeout=60, interval=2, what="a healthy file system after the scale-down")
    assert re.search(r"Missing blocks:\s+0\b", fsck), fsck[-2000:]
    for i in range(4):
        ha.hdfs("dfs", "-cat", f"/decommission/f{i}")
    record_property("measured", f"Decommission of {leaving.name} ({held} block replicas): Decommissioned "
                                f"{took:.0f} s after refreshNodes")


def test_lost_namenode_volume_with_an_interrupted_bootstrap_standby(ha, record_property):
    """The standby's volume is lost (a new, empty PVC). Its bootstrap copies the namespace from the
    active with -bootstrapStandby; that copy is killed after Hadoop wrote current/VERSION and before
    the fsimage arrived (the active frozen meanwhile). The next attempt sets the incomplete folder
    aside and completes."""
    active = wait_active(ha)
    standby = other(ha, active)
    ordinal = int(standby.name.rsplit("-", 1)[1])
    sts = ha.sts("namenode")
    ha.cluster.delete_pod(standby.name)
    claim = f"data-{standby.name}"
    node, path = ha.cluster.claims.pop(claim)
    import shutil
    shutil.rmtree(path)  # the volume is gone; the StatefulSet gets a new, empty claim
    started = time.monotonic()
    pod = sts.create_pod(ordinal)
    name_dir = ha.cluster.claims[claim][1] / "name"
    # Kill the bootstrapStandby between its VERSION and its fsimage.
    wait_for(lambda: (name_dir / "current" / "VERSION").exists(), timeout=180, interval=0.002,
             what="bootstrapStandby to write current/VERSION", on_timeout=lambda: ha.log(pod, "bootstrap")[-3000:])
    active.freeze()
    try:
        images = list((name_dir / "current").glob("fsimage_*"))
        assert not [p for p in images if re.fullmatch(r"fsimage_\d+", p.name)], \
            f"the fsimage arrived before the freeze: {images} (cannot interrupt this run)"
        pod.kill_process("bootstrap", signal.SIGKILL)
        time.sleep(1)
    finally:
        active.thaw()
    pod.wait_ready(300)
    took = time.monotonic() - started
    log = ha.log(pod, "bootstrap")
    assert "incomplete metadata" in log and "bootstrapStandby finished" in log, log[-3000:]
    # The killed attempt's folder (and, after a JournalNode rolling restart, the one of the attempt whose
    # shared edits pre-check met a residual in-progress segment: see namenode-bootstrap.sh) set aside.
    aside = list(name_dir.parent.glob("name.incomplete-*"))
    assert aside and all((a / "current" / "VERSION").exists() for a in aside), aside
    assert ha.namenode_state(pod) == "standby"
    assert ha.namenode_state(active) == "active"
    ha.hdfs("dfs", "-cat", "/data200/f000")
    record_property("measured", f"NameNode volume lost, bootstrapStandby killed after VERSION: standby ready "
                                f"again {took:.0f} s after the new pod started")


def test_restart_of_every_pod_keeps_the_data_and_formats_nothing(ha, record_property):
    client = ha.client()
    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (client.volume_dirs["tmp"] / "src").iterdir()}
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
    ha.hdfs("dfs", "-get", "/data200", "/tmp/after-restart")
    back = client.volume_dirs["tmp"] / "after-restart"
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in back.iterdir()} == digests
    record_property("measured", f"Restart of all 11 pods: every pod ready again after {took:.0f} s, no format, "
                                f"200 files identical")
