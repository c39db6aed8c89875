"""The umbrella chart rendered with Helm and run as pods by tests/local/kubelet.py: the real Hadoop,
ZooKeeper, Alluxio (and Spark) daemons of the image twins, wired to each other by the umbrella's
values as a user installs them.

``StackRelease`` is a release with HDFS and Alluxio (Spark left out): the HDFS helpers of HdfsRelease
(``hdfs``, NameNode states) through a client pod made from the hdfs chart's test pod, and ``alluxio``
through one made from the alluxio chart's test pod. ``DataStackRelease`` adds Spark, with
``spark_submit`` in a client pod made from the spark chart's test pod.
"""
from __future__ import annotations

import alluxio_pods
import hdfs_pods
import spark_release
from chart_release import ChartRelease

IMAGES = tuple(dict.fromkeys(hdfs_pods.IMAGES + alluxio_pods.IMAGES))
HDFS_COMPONENTS = ("zookeeper", "journalnode", "namenode", "datanode")
ALLUXIO_COMPONENTS = ("master", "worker")
DATA_STACK_IMAGES = tuple(dict.fromkeys(IMAGES + spark_release.IMAGES))

# HDFS as small as HA gets: one ZooKeeper, three JournalNodes, two NameNodes, one DataNode with one
# copy of each block. What is under test here is Alluxio over the nameservice, not HDFS's own HA.
SMALL_HDFS = {"zookeeper.replicaCount": "1", "datanode.replicaCount": "1",
              "config.replication": "1", "bootstrap.retrySeconds": "2"}


def available(spark=False):
    """(bool, reason): whether the stack's pods can run here (those of HDFS and Alluxio, and with
    spark=True of Spark too)."""
    for check in (hdfs_pods.available, alluxio_pods.available, *((spark_release.available,) if spark else ())):
        ok, reason = check()
        if not ok:
            return ok, reason
    return True, ""


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


class DataStackRelease(StackRelease):
    """A rendered umbrella release with HDFS, Spark and Alluxio running as pods.

    workdir: folder for pods and volumes; values_files: umbrella values files (paths); set_values:
    {dotted key: value} as ``--set`` on the umbrella; nodes: simulated nodes (StatefulSet ordinal i
    runs on node i % nodes, so with as many nodes as replicas each node gets one pod of each kind).
    The daemons get the lean JVM settings of the charts' own real-daemon tests.
    """

    SPARK_TEST_POD = "spark-test-sparkpi"
    PREFIXED_CHARTS = ("spark",)  # Spark's master and workers are "spark-master", "spark-worker"

    def __init__(self, workdir, release="stack", namespace="bigdata", values_files=(), set_values=None, nodes=1,
                 backoff_scale=0.2):
        values = {**_under("hdfs", {**hdfs_pods.LEAN_JVM_VALUES, **hdfs_pods.HA_TEST_VALUES, **SMALL_HDFS}),
                  **_under("alluxio", alluxio_pods.LEAN_JVM_VALUES),
                  **_under("spark", {"master.jvm.extraOpts": spark_release.LEAN_JVM,
                                     "worker.jvm.extraOpts": spark_release.LEAN_JVM}),
                  **(set_values or {})}
        ChartRelease.__init__(self, workdir, "umbrella", DATA_STACK_IMAGES, release=release, namespace=namespace,
                              values_files=values_files, set_values=values, nodes=nodes, backoff_scale=backoff_scale)

    def spark_client(self):
        """A client pod made from the spark chart's helm test pod (ChartRelease.client)."""
        return self.client(self.SPARK_TEST_POD)

    def spark_submit(self, script, args=(), conf=None, timeout=600):
        """``spark-submit`` of a Python ``script`` (text) in the Spark client pod; CompletedProcess
        (spark_release.submit_in)."""
        return spark_release.submit_in(self.spark_client(), script, args, conf, timeout=timeout)

    def metrics(self, pod):
        """The Prometheus text of an Alluxio master or worker pod (alluxio_pods.metrics)."""
        return alluxio_pods.metrics(pod)
