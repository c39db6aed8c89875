"""The umbrella chart with HDFS and Alluxio in one release (Spark left out), rendered with Helm and run
as pods by tests/local/kubelet.py: the real Hadoop, ZooKeeper and Alluxio daemons of the image twins,
wired to each other by the umbrella's values as a user installs them.

``StackRelease`` is that release: the HDFS helpers of HdfsRelease (``hdfs``, NameNode states) through
a client pod made from the hdfs chart's test pod, and ``alluxio`` through one made from the alluxio
chart's test pod.
"""
from __future__ import annotations

import alluxio_pods
import hdfs_pods
from chart_release import ChartRelease

IMAGES = tuple(dict.fromkeys(hdfs_pods.IMAGES + alluxio_pods.IMAGES))
HDFS_COMPONENTS = ("zookeeper", "journalnode", "namenode", "datanode")
ALLUXIO_COMPONENTS = ("master", "worker")

# HDFS as small as HA gets: one ZooKeeper, three JournalNodes, two NameNodes, one DataNode with one
# copy of each block. What is under test here is Alluxio over the nameservice, not HDFS's own HA.
SMALL_HDFS = {"zookeeper.replicaCount": "1", "datanode.replicaCount": "1",
              "config.replication": "1", "bootstrap.retrySeconds": "2"}


def available():
    """(bool, reason): whether the stack's pods can run here (those of both charts)."""
    ok, reason = hdfs_pods.available()
    return alluxio_pods.available() if ok else (ok, reason)


def _under(chart, values):
    return {f"{chart}.{key}": value for key, value in values.items()}


class StackRelease(hdfs_pods.HdfsRelease):
    """A rendered umbrella release with HDFS and Alluxio running as pods.

    workdir: folder for pods and volumes; release/namespace: as ``helm install``; set_values:
    {dotted key: value} as ``--set`` on the umbrella (``hdfs.*``, ``alluxio.*``); nodes: simulated nodes.
    """

    def __init__(self, workdir, release="stack", namespace="bigdata", set_values=None, nodes=1, backoff_scale=0.2):
        values = {"spark.enabled": "false",
                  **_under("hdfs", {**hdfs_pods.LEAN_JVM_VALUES, **hdfs_pods.HA_TEST_VALUES, **SMALL_HDFS}),
                  **_under("alluxio", alluxio_pods.LEAN_JVM_VALUES),
                  **(set_values or {})}
        ChartRelease.__init__(self, workdir, "umbrella", IMAGES, release=release, namespace=namespace,
                              set_values=values, nodes=nodes, backoff_scale=backoff_scale)

    def wait_ready(self, components=HDFS_COMPONENTS + ALLUXIO_COMPONENTS, timeout=300):
        """Wait until every pod of the components is Ready; raises TimeoutError."""
        super().wait_ready(components, timeout)

    def alluxio_client(self):
        """A client pod made from the alluxio chart's helm test pod (ChartRelease.client)."""
        return self.client(alluxio_pods.AlluxioRelease.TEST_POD)

    def alluxio(self, *args, timeout=180, check=True, env=None):
        """``alluxio ARGS`` in the Alluxio client pod (alluxio_pods.run_alluxio)."""
        return alluxio_pods.run_alluxio(self.alluxio_client(), args, timeout=timeout, check=check, env=env)
