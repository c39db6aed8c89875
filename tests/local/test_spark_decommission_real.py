"""Graceful decommission of Spark workers, for real: the spark chart's master and two workers run
from the rendered chart by tests/local/kubelet.py (apache/spark twin, uid 185), a PySpark driver in
the chart's test pod runs a job of slow tasks on both, and one worker pod is deleted mid-job, as an
HPA scale-down or a node drain deletes it: the chart's preStop hook decommissions the worker, whose
executor finishes its running task and exits before the pod stops. No task may fail; the drain time
is printed in the "measured" summary.
"""
import json
import time

import pytest

import chart_release
import spark_release
from polling import wait_for

ok, reason = spark_release.available()
pytestmark = [pytest.mark.skipif(not ok, reason=reason), pytest.mark.xdist_group("spark-real")]

# Two workers of one core each, one 512m executor on each (the smallest Spark accepts: 450 MiB).
SMALL = {"worker.replicaCount": "2", "worker.resources.limits.cpu": "1", "worker.resources.requests.cpu": "1",
         "worker.resources.limits.memory": "2Gi", "worker.resources.requests.memory": "2Gi",
         "config.executorMemory": "512m", "config.executorCores": "1", "config.coresMax": "2",
         "config.driverMemory": "512m", "master.readinessProbe.periodSeconds": "2",
         "worker.readinessProbe.periodSeconds": "2"}

JOB = """
import sys, time
from pyspark.sql import SparkSession
spark = SparkSession.builder.appName("decommission").getOrCreate()
n = int(sys.argv[1])
def slow(i):
    time.sleep(3)
    return i
print("RESULT", spark.sparkContext.parallelize(range(n), n).map(slow).sum(), flush=True)
spark.stop()
"""


def task_ends(events_dir):
    """[(executor id, host, reason)] of every SparkListenerTaskEnd in the driver's event log."""
    out = []
    for log in events_dir.iterdir():
        for line in log.read_text().splitlines():
            event = json.loads(line)
            if event.get("Event") == "SparkListenerTaskEnd":
                info = event["Task Info"]
                out.append((info["Executor ID"], info["Host"], event["Task End Reason"]["Reason"]))
    return out


def hosts_running_tasks(output):
    """Worker hosts the driver started tasks on so far (from its log)."""
    return {line.split("(", 2)[2].split(",")[0] for line in output.splitlines()
            if "TaskSetManager: Starting task" in line}


def test_deleted_worker_drains_its_executor_without_a_failed_task(tmp_path, record_property):
    release = spark_release.SparkRelease(tmp_path, set_values=SMALL)
    with chart_release.running(release, ("master", "worker"), timeout=240) as spark:
        workers = spark.pods("worker")
        client = spark.client()
        events = client.volume_dirs["tmp"] / "events"
        events.mkdir()
        events.chmod(0o777)
        spark.submit(JOB, args=("24",), background="decommission",
                     conf={"spark.eventLog.enabled": "true", "spark.eventLog.dir": "file:///tmp/events"})
        # Both executors registered with the driver and running tasks. (Spark 3.5 drops a decommission
        # that reaches the driver before the executor registered: the executor then keeps working.)
        wait_for(lambda: {w.hostname for w in workers} <= {h.split(".")[0] for h in hosts_running_tasks(
                     spark.output("decommission"))}, timeout=120, interval=0.5,
                 what="tasks running on both workers", on_timeout=lambda: spark.output("decommission")[-3000:])
        victim = workers[1]
        started = time.monotonic()
        spark.sts("worker").delete_pod(1)  # the chart's grace period: preStop, then SIGTERM
        drained = time.monotonic() - started
        rc = wait_for(lambda: spark.driver_exit_code("decommission") is not None and [spark.driver_exit_code("decommission")],
                      timeout=300, interval=1, what="the job to finish",
                      on_timeout=lambda: spark.output("decommission")[-3000:])
        out = spark.output("decommission")
        assert rc == [0], out[-3000:]
        assert f"RESULT {sum(range(24))}" in out, out[-3000:]
        ends = task_ends(events)
        assert len(ends) >= 24, ends
        failed = [e for e in ends if e[2] != "Success"]
        assert not failed, failed
        # The executor the deleted pod ran (its replacement's executor, if any, runs on the same host name).
        first = next(e for e in ends if e[1].split(".")[0] == victim.hostname)
        on_victim = [e for e in ends if e[0] == first[0]]
        log = spark.log(victim, "worker")
        assert "no executor left after" in log, log[-3000:]
        record_property("measured", f"Spark worker deleted mid-job (decommission preStop): pod gone after {drained:.1f} s "
                                    f"(Spark's block migration pass runs every 30 s), {len(on_victim)} tasks ran on its "
                                    f"executor, 0 of {len(ends)} tasks failed")
