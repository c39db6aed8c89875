"""Operations on the hdfs chart's HA defaults, run for real (tests/local/kubelet.py, the image
twins of twins/): a rolling restart of the JournalNodes and a rolling update of the NameNodes as the
StatefulSet controller does them, with a client writing throughout; a DataNode decommissioned by the
README's procedure; a NameNode volume lost, with the -bootstrapStandby that copies it back killed
midway. One release serves them in this order; the failovers run on another
(test_hdfs_ha_real.py). The values that differ from the chart's defaults, and why, are
hdfs_pods.HA_TEST_VALUES.
"""
import re
import shutil
import signal
import time

import pytest

import hdfs_pods
from hdfs_pods import other, wait_active
from polling import wait_for

ok, reason = hdfs_pods.available()
pytestmark = [pytest.mark.skipif(not ok, reason=reason), pytest.mark.xdist_group("hdfs-operations-real")]


@pytest.fixture(scope="module")
def ha(tmp_path_factory):
    # One ZooKeeper server: the operations here do not touch ZooKeeper (the failovers run on a release
    # with the default three, test_hdfs_ha_real.py).
    with hdfs_pods.running_ha_release(tmp_path_factory.mktemp("hdfs-ops"), **{"zookeeper.replicaCount": "1"}) as release:
        yield release


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
    ha.hdfs("dfs", "-put", "/etc/hadoop/conf/core-site.xml", "/after-volume-loss")
    assert "fs.defaultFS" in ha.hdfs("dfs", "-cat", "/after-volume-loss").stdout
    record_property("measured", f"NameNode volume lost, bootstrapStandby killed after VERSION: standby ready "
                                f"again {took:.0f} s after the new pod started")


