"""Data locality of the umbrella stack, measured with the real daemons (tests/local/kubelet.py and the
image twins): HDFS, Spark and Alluxio of one umbrella release on three simulated nodes, each node a
network namespace of its own (a host-network pod shares its node's namespace, a pod-network pod
gets one of its own, as on Kubernetes). StatefulSet ordinal i runs on node i, so every node has one
DataNode, one Spark worker and one Alluxio worker.

Two installs, the same scenario:
- **default**: the umbrella's defaults (every pod on the pod network);
- **locality**: examples/stack-locality.yaml (global.locality: host-network DataNodes, Spark workers
  and Alluxio workers named by node IP; Alluxio short-circuit through the workers' domain sockets).

12 MiB of text in 1 MiB blocks with one replica is written to HDFS, 4 MiB from each node's DataNode
pod (whose blocks the NameNode keeps on that node), and to Alluxio from a client pod (MUST_CACHE,
1 MiB blocks, round robin over the workers). One Spark application (three executors, one per worker) counts the lines
of each (``sc.textFile``: one task per block). Each task's locality comes from Spark's event log
(SparkListenerTaskEnd), the bytes the DataNodes served to local and remote clients from their JMX
(DataNodeActivity BytesRead, RemoteBytesRead), and the bytes the Alluxio workers served through
their domain sockets and over the network from their metrics (Worker.BytesReadDomain,
Worker.BytesReadRemote).
"""
import json
import re
import shlex
from pathlib import Path

import pytest

import chart_release
import hdfs_pods
import stack_pods
from polling import wait_for

ok, reason = stack_pods.available(spark=True)
pytestmark = [pytest.mark.skipif(not ok, reason=reason), pytest.mark.xdist_group("stack-locality-real")]

ROOT = Path(__file__).resolve().parents[2]
NODES = 3
MIB = 1 << 20
FILE_MIB = 12
LINE = "locality " * 7 + "\n"  # 64 bytes
LINES = FILE_MIB * MIB // len(LINE)
MODES = {"default": [], "locality": [ROOT / "examples" / "stack-locality.yaml"]}

# One DataNode, Spark worker and Alluxio worker per node; one replica per block; three executors of one
# core (spark.cores.max 3, spread over the workers by the master).
VALUES = {
    "hdfs.datanode.replicaCount": str(NODES), "alluxio.worker.replicaCount": str(NODES),
    "spark.worker.replicaCount": str(NODES),
    "spark.config.executorCores": "1", "spark.config.coresMax": str(NODES), "spark.config.executorMemory": "512m",
    "alluxio.worker.volumePermissions.enabled": "true",
    # The Alluxio master by its pod's DNS name: tests/local/kubelet.py has no Service virtual IPs (no
    # kube-proxy), and the umbrella's default is the client Service <release>-alluxio-master.
    "spark.alluxio.masterAddresses": "stack-alluxio-master-0.stack-alluxio-master-headless.bigdata.svc.cluster.local:19998",
}
COMPONENTS = stack_pods.HDFS_COMPONENTS + stack_pods.ALLUXIO_COMPONENTS

# The driver: waits for the three executors, warms them up, then counts the lines of each path in its
# own job group (the event log ties each task to it) and prints the job times.
JOB = """
import json, sys, time
from pyspark import SparkContext
sc = SparkContext()
want = int(sys.argv[1])
deadline = time.time() + 240
while sc._jsc.sc().getExecutorMemoryStatus().size() < want + 1 and time.time() < deadline:
    time.sleep(0.5)
result = {"executors": sc._jsc.sc().getExecutorMemoryStatus().size() - 1}
sc.parallelize(range(1000), 2 * want).count()
for label, path in zip(sys.argv[2::2], sys.argv[3::2]):
    sc.setJobGroup(label, label)
    started = time.monotonic()
    lines = sc.textFile(path).count()
    result[label] = {"seconds": round(time.monotonic() - started, 2), "lines": lines}
print("RESULT " + json.dumps(result))
sc.stop()
"""


def task_locality(events_dir):
    """{job group: [(locality, host, input bytes) per task]} from the application's event log."""
    logs = [p for p in events_dir.iterdir() if p.is_file()]
    assert len(logs) == 1, logs
    stage_group, tasks = {}, {}
    for line in logs[0].read_text().splitlines():
        event = json.loads(line)
        if event["Event"] == "SparkListenerJobStart":
            group = (event.get("Properties") or {}).get("spark.jobGroup.id")
            for stage in event["Stage IDs"]:
                stage_group[stage] = group
        elif event["Event"] == "SparkListenerTaskEnd" and event.get("Task End Reason", {}).get("Reason") == "Success":
            group = stage_group.get(event["Stage ID"])
            if group:
                metrics = event.get("Task Metrics") or {}
                tasks.setdefault(group, []).append((event["Task Info"]["Locality"], event["Task Info"]["Host"],
                                                    (metrics.get("Input Metrics") or {}).get("Bytes Read", 0)))
    return tasks


def datanode_bytes(stack):
    """(bytes served, of which to remote clients) summed over the DataNodes (DataNodeActivity JMX)."""
    total = remote = 0
    for pod in stack.pods("datanode"):
        bean = stack.jmx(pod, "Hadoop:service=DataNode,name=DataNodeActivity-*")
        assert bean is not None, f"no DataNodeActivity bean from {pod.name}"
        total += bean["BytesRead"]
        remote += bean["RemoteBytesRead"]
    return total, remote


def metric(text, name):
    """The value of Prometheus sample ``name`` (first match) in ``text``, or 0.0."""
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def alluxio_bytes(stack):
    """(bytes served through domain sockets, over the network) summed over the Alluxio workers."""
    texts = [stack.metrics(pod) for pod in stack.pods("worker")]
    return (sum(metric(t, "Worker_BytesReadDomain") for t in texts),
            sum(metric(t, "Worker_BytesReadRemote") for t in texts))


def write_inputs(stack):
    """The text into HDFS (one replica) and Alluxio (MUST_CACHE, round robin); returns
    ({node: HDFS blocks}, {node: Alluxio blocks}).

    HDFS: one 4 MiB part per node, written from inside that node's DataNode pod, where the NameNode
    puts the first replica of every block on the writer's own DataNode (BlockPlacementPolicyDefault): an
    even spread by construction. With one one-core executor per node, an uneven spread would leave an
    executor without local blocks, and Spark's delay scheduling runs a task elsewhere once it has
    waited spark.locality.wait (3 s) for its node's busy executor: the figures would measure the
    spread, not locality."""
    part = FILE_MIB // NODES * MIB
    stack.hdfs("dfs", "-mkdir", "-p", "/locality")
    for pod in stack.pods("datanode"):
        script = (f"yes {shlex.quote(LINE[:-1])} | head -c {part} | "
                  f"hdfs dfs -D dfs.replication=1 -put - /locality/part-{pod.node.name}")
        # No pipefail: `yes` ends on SIGPIPE when head has its bytes; the pipeline's status is hdfs's.
        run = pod.exec("datanode", ["bash", "-eu", "-c", script], timeout=180,
                       env={"HADOOP_CLIENT_OPTS": hdfs_pods.LEAN_JVM})
        assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]
    fsck = stack.hdfs("fsck", "/locality", "-files", "-blocks", "-locations").stdout
    hdfs_spread = {pod.node.name: fsck.count(f"DatanodeInfoWithStorage[{pod.ip}:") for pod in stack.pods("datanode")}
    assert sum(hdfs_spread.values()) == FILE_MIB, fsck[-3000:]

    alluxio_client = stack.alluxio_client()
    local = alluxio_client.volume_dirs["tmp"] / "data.txt"
    local.write_text(LINE * LINES)
    local.chmod(0o644)
    wait_for(lambda: f"Live Workers: {NODES}" in stack.alluxio("fsadmin", "report", "summary").stdout,
             timeout=180, what=f"{NODES} live Alluxio workers")
    options = ("-Dalluxio.user.block.size.bytes.default=1MB -Dalluxio.user.file.writetype.default=MUST_CACHE "
               "-Dalluxio.user.block.write.location.policy.class=alluxio.client.block.policy.RoundRobinPolicy")
    stack.alluxio("fs", "mkdir", "/locality")
    stack.alluxio("fs", "copyFromLocal", "/tmp/data.txt", "/locality/data.txt", env={"ALLUXIO_USER_JAVA_OPTS": options})
    stat = stack.alluxio("fs", "stat", "/locality/data.txt").stdout
    # `fs stat` lists each block twice (file block infos, then the blocks): one node per block id.
    holder = dict(re.findall(r"BlockInfo\{id=(\d+), .*?TieredIdentity\(node=([\w-]+),", stat))
    alluxio_spread = {n.name: list(holder.values()).count(n.name) for n in stack.cluster.nodes}
    assert sum(alluxio_spread.values()) == FILE_MIB, stat[-3000:]
    return hdfs_spread, alluxio_spread


@pytest.mark.parametrize("mode", list(MODES))
def test_spark_task_locality_reading_hdfs_and_alluxio(mode, tmp_path, record_property):
    stack = stack_pods.DataStackRelease(tmp_path / "cluster", values_files=MODES[mode], set_values=VALUES, nodes=NODES)
    with chart_release.running(stack, COMPONENTS + ("spark-master", "spark-worker"), timeout=900) as stack:
        succeeded, logs = stack.wait_job("directories", timeout=300)
        assert succeeded, "\n---\n".join(logs)[-4000:]
        hdfs_spread, alluxio_spread = write_inputs(stack)
        assert sum(1 for n in hdfs_spread.values() if n) >= 2, hdfs_spread
        assert sum(1 for n in alluxio_spread.values() if n) >= 2, alluxio_spread

        client = stack.spark_client()
        events = client.volume_dirs["tmp"] / "events"
        events.mkdir(mode=0o777)
        events.chmod(0o777)
        hdfs_before, alluxio_before = datanode_bytes(stack), alluxio_bytes(stack)
        run = stack.spark_submit(JOB, args=(str(NODES), "hdfs", f"hdfs://{stack.nameservice}/locality",
                                            "alluxio", "alluxio:///locality/data.txt"),
                                 conf={"spark.eventLog.enabled": "true", "spark.eventLog.dir": "file:///tmp/events",
                                       # Delay scheduling waits this long for a busy node-local executor
                                       # before running a task elsewhere (Spark's default 3 s): on a loaded
                                       # 2-core CI machine 3 s sent a task off its node (CI of stop 23).
                                       "spark.locality.wait": "15s"},
                                 timeout=600)
        assert run.returncode == 0, (run.stdout + run.stderr)[-6000:]
        result = json.loads(next(line for line in run.stdout.splitlines() if line.startswith("RESULT "))[7:])
        hdfs_after, alluxio_after = datanode_bytes(stack), alluxio_bytes(stack)
        assert result["executors"] == NODES, result
        tasks = task_locality(events)

        figures = {}
        for source in ("hdfs", "alluxio"):
            assert result[source]["lines"] == LINES, result
            localities = [t[0] for t in tasks[source]]
            assert len(localities) == FILE_MIB, tasks[source]
            figures[source] = localities.count("NODE_LOCAL") / len(localities)
        served, remote = hdfs_after[0] - hdfs_before[0], hdfs_after[1] - hdfs_before[1]
        domain = alluxio_after[0] - alluxio_before[0]
        network = alluxio_after[1] - alluxio_before[1]
        assert served >= FILE_MIB * MIB, (hdfs_before, hdfs_after)
        summary = (f"{mode} mode, 3 nodes, {FILE_MIB} blocks of 1 MiB: HDFS job {result['hdfs']['seconds']:.1f} s, "
                   f"{figures['hdfs']:.0%} NODE_LOCAL tasks, DataNodes served {(served - remote) / MIB:.1f} MiB to "
                   f"local and {remote / MIB:.1f} MiB to remote clients; Alluxio job {result['alluxio']['seconds']:.1f} s, "
                   f"{figures['alluxio']:.0%} NODE_LOCAL tasks, workers served {domain / MIB:.1f} MiB through domain "
                   f"sockets and {network / MIB:.1f} MiB over the network (HDFS blocks per node {hdfs_spread}, "
                   f"Alluxio {alluxio_spread}; every pod Ready {stack.install_seconds:.0f} s after install)")
        record_property("measured", summary)
        if mode == "locality":
            # Executors, DataNodes and Alluxio workers share their node's name (its IP): the scheduler
            # runs each task where its block is, and each task's own block is read on its node. A task
            # also reads on past its split's end to finish its last line (Hadoop LineRecordReader),
            # from the next block, often on another node: the counters include those reads (an Alluxio
            # client fetches a whole chunk, alluxio.user.streaming.reader.chunk.size.bytes, 1 MiB).
            # The bytes check that NODE_LOCAL tasks did read on their node (not only that Spark named
            # them so), per node-local task: 90% of its block from the local DataNode; from the local
            # Alluxio worker's domain socket 75%: with every task NODE_LOCAL the workers counted 11.8
            # and 11.2 MiB of the 12 in two runs, 10.8 MiB in a CI run (the shortfall is not explained).
            assert figures["hdfs"] >= 0.9 and figures["alluxio"] >= 0.9, (figures, tasks)
            assert served - remote >= 0.9 * figures["hdfs"] * FILE_MIB * MIB, (served, remote, figures)
            assert domain >= 0.75 * figures["alluxio"] * FILE_MIB * MIB, (domain, network, figures)
        else:
            # On the pod network no executor's host (its worker pod's DNS name) is a block host (a
            # DataNode pod's name, an Alluxio worker pod's name): no task can be NODE_LOCAL, and every
            # block crosses the network.
            assert figures["hdfs"] == 0 and figures["alluxio"] == 0, (figures, tasks)
            assert remote == served, (served, remote)
            assert domain == 0, domain
