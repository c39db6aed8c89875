"""The hdfs chart's NameNode bootstrap and DataNode start, run for real (tests/local/kubelet.py, the
apache/hadoop and zookeeper twins), on the paths that a first install and a broken chart take:

- a format killed midway (after Hadoop wrote current/VERSION and formatted two of the three
  JournalNodes, the third frozen, before the fsimage): the next attempt sets the folder aside,
  re-formats the never-used journals and the cluster comes up with one namespace;
- the tier fails when the chart is wrong: the same release with its rendered dfs.datanode.data.dir
  put back on the volume root (what chart 0.2.0 rendered) never gets a DataNode, because the DataNode
  (uid 1000) cannot chmod a root-owned volume root.
"""
import re
import signal
import time

import pytest

import hdfs_pods
from polling import wait_for

ok, reason = hdfs_pods.available()
pytestmark = [pytest.mark.skipif(not ok, reason=reason), pytest.mark.xdist_group("hdfs-bootstrap-real")]

# The smallest HA shape: one ZooKeeper server, the JournalNode quorum, two NameNodes, one DataNode.
SMALL_HA = {"zookeeper.replicaCount": "1", "datanode.replicaCount": "1", "config.replication": "1",
            "bootstrap.retrySeconds": "2"}
NON_HA = {"ha.enabled": "false", "namenode.replicaCount": "1", "datanode.replicaCount": "1",
          "config.replication": "1", "bootstrap.retrySeconds": "2"}


def test_format_killed_midway_is_redone_and_the_cluster_comes_up(tmp_path, record_property):
    release = hdfs_pods.HdfsRelease(tmp_path, set_values=SMALL_HA)
    try:
        release.install(components=("zookeeper", "journalnode"))
        release.wait_ready(components=("zookeeper", "journalnode"), timeout=180)
        release.install(components=("namenode",))
        dirs = {pod.name: release.cluster.claims[f"data-{pod.name}"][1] / "name" for pod in release.pods("namenode")}
        # Whichever NameNode holds the format claim formats; catch its VERSION before its fsimage.
        formatting = wait_for(lambda: next((n for n, d in dirs.items() if (d / "current" / "VERSION").exists()), None),
                              timeout=180, interval=0.002, what="a NameNode format to write current/VERSION",
                              on_timeout=lambda: release.cluster.logs(2000))
        journalnode = release.pods("journalnode")[2]
        journalnode.freeze()  # the format now waits for this JournalNode (Hadoop formats every one)
        try:
            # ...after it formatted the other two.
            journals = [release.cluster.claims[f"data-{p.name}"][1] / "journal" / release.nameservice / "current"
                        / "VERSION" for p in release.pods("journalnode")[:2]]
            wait_for(lambda: all(j.exists() for j in journals), timeout=60, interval=0.01,
                     what="the format to reach two JournalNodes")
            current = dirs[formatting] / "current"
            assert not [p for p in current.glob("fsimage_*") if re.fullmatch(r"fsimage_\d+", p.name)], \
                "the fsimage was written before the freeze (cannot interrupt this run)"
            pod = release.cluster.pods[formatting]
            pod.kill_process("bootstrap", signal.SIGKILL)
            killed = time.monotonic()
        finally:
            journalnode.thaw()
        release.install(components=("datanode",))
        release.wait_ready(components=("namenode", "datanode"), timeout=300)
        took = time.monotonic() - killed
        log = release.log(pod, "bootstrap")
        assert "incomplete metadata" in log, log[-3000:]
        assert "journal-never-written" in log and "FORMAT AGAIN with -force" in log, log[-3000:]
        assert sorted(release.namenode_states().values()) == ["active", "standby"]
        peer = next(p for p in release.pods("namenode") if p.name != formatting)
        assert "bootstrapStandby finished" in release.log(peer, "bootstrap")
        assert list(dirs[formatting].parent.glob("name.incomplete-*")), "the interrupted format's folder was not kept"
        wait_for(lambda: release.live_datanodes() == 1, timeout=60, what="the DataNode registered")
        rc, out = release.helm_test()
        assert rc == 0, out
        record_property("measured", f"NameNode format killed after VERSION (one JournalNode frozen): cluster "
                                    f"ready {took:.0f} s later, one namespace")
    finally:
        release.close()


def _datanode_dir_to_volume_root(objects):
    """Put dfs.datanode.data.dir back on the volume root, as chart 0.2.0 rendered it."""
    for obj in objects:
        if obj["kind"] == "ConfigMap" and "hdfs-site.xml" in obj.get("data", {}):
            obj["data"]["hdfs-site.xml"] = obj["data"]["hdfs-site.xml"].replace(
                "<value>/hadoop/dfs/data0/data</value>", "<value>/hadoop/dfs/data0</value>")
            assert "<value>/hadoop/dfs/data0</value>" in obj["data"]["hdfs-site.xml"]
    return objects


@pytest.mark.parametrize("broken", [False, True], ids=["as-rendered", "data-dir-on-volume-root"])
def test_datanode_starts_only_on_a_folder_it_owns(tmp_path, broken):
    release = hdfs_pods.HdfsRelease(tmp_path, set_values=NON_HA)
    try:
        if broken:
            release.cluster.update_objects(_datanode_dir_to_volume_root(release.objects))
        release.install()
        release.pods("namenode")[0].wait_ready(180)
        datanode = release.pods("datanode")[0]
        if not broken:
            wait_for(lambda: release.live_datanodes() == 1, timeout=120, what="the DataNode registered")
            return
        wait_for(lambda: len(datanode.containers["datanode"].exit_codes) >= 2, timeout=120,
                 what="the DataNode to fail twice")
        assert release.live_datanodes() == 0
        log = release.log(datanode, "datanode")
        assert "Too many failed volumes" in log and re.search(r"chmod: changing permissions of '/hadoop/dfs/data0'", log), \
            log[-3000:]
    finally:
        release.close()
