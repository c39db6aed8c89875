"""The hdfs chart's bare-metal shape run for real: DataNodes as a DaemonSet on three simulated nodes,
in each node's network namespace, on the node's own directories (hostPath), with rack awareness;
tests/local/kubelet.py and the apache/hadoop, zookeeper and python image twins.

The user's journey, as the chart README describes it:
1. Directories an admin created on the nodes (root-owned, `hostPath.type: Directory`) and no
   volumePermissions: every DataNode stops in its init container with a message naming
   datanode.volumePermissions.enabled (not the DataNode's "Too many failed volumes").
2. `helm upgrade` with datanode.volumePermissions.enabled: the root init container creates the data
   folder of each directory owned by the DataNode, and every DataNode starts.
3. Rack awareness: until the rack map knows a DataNode, the NameNode refuses it (nothing is cached
   for it) and it registers again 5 s later; once the map knows the nodes, every DataNode registers
   in its rack /<zone>/<node>.

The map is what the chart's topology-mapper computes (its build_map, run on Node and Pod objects
describing these nodes and pods): with no API server here, the sidecar itself cannot list them.
"""
import importlib.util
import re
import time
from pathlib import Path

import pytest

import hdfs_pods
from polling import wait_for

ok, reason = hdfs_pods.available()
pytestmark = [pytest.mark.skipif(not ok, reason=reason), pytest.mark.xdist_group("hdfs-bootstrap-real")]

ROOT = Path(__file__).resolve().parents[2]
DIRS = ["/mnt/disk1/hdfs/datanode", "/mnt/disk2/hdfs/datanode"]
VALUES = {"ha.enabled": "false", "namenode.replicaCount": "1", "datanode.hostPath.type": "Directory",
          "datanode.volumePermissions.enabled": "false",
          "rackAwareness.enabled": "true", "rackAwareness.refreshSeconds": "5", "bootstrap.retrySeconds": "2"}
ZONES = {"node0": "zone-a", "node1": "zone-a", "node2": "zone-b"}


def mapper():
    spec = importlib.util.spec_from_file_location("mapper", ROOT / "charts/hdfs/files/topology/mapper.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cluster_objects(release):
    """NodeList and PodList (as the API returns them) describing the simulated nodes and pods."""
    nodes = {"items": [{"metadata": {"name": n.name, "labels": {"topology.kubernetes.io/zone": ZONES[n.name]}},
                        "status": {"addresses": [{"type": "InternalIP", "address": n.ip},
                                                 {"type": "Hostname", "address": n.name}]}}
                       for n in release.cluster.nodes]}
    pods = {"items": [{"metadata": {"name": p.name}, "spec": {"nodeName": p.node.name, "hostname": p.hostname},
                       "status": {"phase": "Running", "podIP": p.ip}}
                      for p in release.cluster.pods.values()]}
    return nodes, pods


def test_hostpath_datanodes_need_volume_permissions_then_register_in_their_racks(tmp_path, record_property):
    release = hdfs_pods.HdfsRelease(tmp_path, values_files=[ROOT / "charts/hdfs/ci/render-only/daemonset-values.yaml"],
                                    set_values=VALUES, nodes=3)
    try:
        # The admin created the directories on every node, root-owned (mkdir as root).
        for node in release.cluster.nodes:
            for d in DIRS:
                node.host_path(d).mkdir(parents=True)
                node.host_path(d).chmod(0o755)  # mkdir with the usual umask 022, whatever this process's
        release.install(components=("namenode",))
        release.install(components=("datanode",))
        # 1. No volumePermissions: each DataNode stops in its init container, naming the value.
        for pod in release.pods("datanode"):
            wait_for(lambda p=pod: p.containers["wait-for-namenode"].exit_codes, timeout=120,
                     what=f"{pod.name}'s init container to stop")
            log = release.log(pod, "wait-for-namenode")
            assert "datanode.volumePermissions.enabled=true" in log and "root:root 755" in log, log[-2000:]
        # 2. helm upgrade with volumePermissions: the DaemonSet's pods are replaced.
        release.upgrade_daemonset({"datanode.volumePermissions.enabled": "true"})
        for pod in release.pods("datanode"):
            wait_for(lambda p=pod: p.init_done, timeout=180, what=f"{pod.name}'s init containers")
        for node in release.cluster.nodes:
            for d in DIRS:
                data = node.host_path(d) / "data"
                st = data.stat()
                assert (st.st_uid, st.st_gid, st.st_mode & 0o777) == (1000, 100, 0o700), (node.name, d, st)
                assert node.host_path(d).stat().st_uid == 0  # the directory itself is left alone
        # 3. No rack map yet: the NameNode refuses every DataNode, caching nothing.
        namenode = release.pods("namenode")[0]
        wait_for(lambda: "Unresolved topology mapping" in release.log(namenode, "namenode"), timeout=120,
                 what="the NameNode to refuse a DataNode with no rack")
        assert release.live_datanodes(namenode) == 0
        nodes, pods = cluster_objects(release)
        m = mapper()
        racks = m.build_map(nodes, pods, "topology.kubernetes.io/zone")
        written = time.monotonic()
        m.write_map(str(namenode.volume_dirs["hdfs-topology"] / "topology.map"), racks)
        wait_for(lambda: release.live_datanodes(namenode) == 3, timeout=120, what="3 DataNodes registered")
        took = time.monotonic() - written
        topology = release.hdfs("dfsadmin", "-printTopology").stdout
        for node in release.cluster.nodes:
            want = f"/{ZONES[node.name]}/{node.name}"
            section = re.search(rf"Rack: {re.escape(want)}\n((?:\s+\S.*\n?)+)", topology)
            assert section and f"{node.ip}:9866" in section.group(1), topology
        release.hdfs("dfs", "-D", "dfs.replication=2", "-put", "/etc/hadoop/conf/core-site.xml", "/racks")
        fsck = release.hdfs("fsck", "/racks", "-files", "-blocks", "-racks").stdout
        assert "Status: HEALTHY" in fsck, fsck[-2000:]
        record_property("measured", f"Rack awareness: DataNodes refused while the map did not know them, all 3 "
                                    f"registered in their racks {took:.0f} s after the map was written")
    finally:
        release.close()
