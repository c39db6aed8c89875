"""The Spark history server of the umbrella, run for real (tests/local/kubelet.py and the image twins):
HDFS (HA) and Spark of one umbrella release with the umbrella's defaults for the history server, the
real Hadoop daemons, Spark master, worker and HistoryServer.

1. The HDFS chart's directories Job makes the event log directory (/spark-events, owned by spark, 1777).
2. A driver in the spark chart's test pod (uid 185, HDFS user `spark`) and one as another HDFS user
   (HADOOP_USER_NAME=zeppelin, as a Zeppelin driver would be) run a job each; their event logs land in
   HDFS, written 660 with the directory's group.
3. The history server's REST API lists both applications with their finished jobs: the second only
   because the umbrella maps the history server's user into the group `spark`
   (hadoop.user.group.static.mapping.overrides) on the NameNodes.
"""
import json
import time
import urllib.request

import pytest

import chart_release
import stack_pods
from polling import wait_for

ok, reason = stack_pods.available(spark=True)
pytestmark = [pytest.mark.skipif(not ok, reason=reason), pytest.mark.xdist_group("spark-history-real")]

VALUES = {"alluxio.enabled": "false", "spark.worker.replicaCount": "1", "spark.config.executorMemory": "512m",
          "spark.historyServer.updateIntervalSeconds": "2"}
JOB = """
import sys
from pyspark import SparkContext
sc = SparkContext(appName=sys.argv[1])
print("SUM", sc.parallelize(range(1000), 4).sum())
sc.stop()
"""


def applications(pod, port):
    """The history server's /api/v1/applications (list of dicts), or None when it does not answer."""
    try:
        with urllib.request.urlopen(f"http://{pod.ip}:{port}/api/v1/applications", timeout=3) as resp:
            return json.load(resp)
    except (OSError, ValueError):
        return None


def test_history_server_lists_the_applications_of_every_driver_user(tmp_path, record_property):
    stack = stack_pods.DataStackRelease(tmp_path / "cluster", set_values=VALUES)
    with chart_release.running(stack, stack_pods.HDFS_COMPONENTS + ("spark-master", "spark-worker"),
                               timeout=600) as stack:
        succeeded, logs = stack.wait_job("directories", timeout=300)
        assert succeeded, "\n---\n".join(logs)[-4000:]
        row = stack.hdfs("dfs", "-ls", "-d", "/spark-events").stdout.split()
        assert row[0] == "drwxrwxrwt" and row[2:4] == ["spark", "spark"], row

        started = time.monotonic()
        history = stack.run_deployment("history-server")
        history.wait_ready(300)
        ready = time.monotonic() - started
        port = next(p["containerPort"] for c in history.spec["containers"] for p in c.get("ports", []))

        for name, env in (("as-spark", ""), ("as-zeppelin", "HADOOP_USER_NAME=zeppelin ")):
            client = stack.spark_client()
            (client.volume_dirs["tmp"] / "job.py").write_text(JOB)
            (client.volume_dirs["tmp"] / "job.py").chmod(0o644)
            cmd = (f'{env}/opt/spark/bin/spark-submit --master "$SPARK_MASTER_URL" --deploy-mode client '
                   f'--conf spark.driver.host="$POD_IP" --conf spark.driver.bindAddress=0.0.0.0 /tmp/job.py {name}')
            run = client.exec(client.main_containers[0].name, ["bash", "-c", cmd], timeout=300)
            assert run.returncode == 0 and "SUM 499500" in run.stdout, (run.stdout + run.stderr)[-4000:]

        listing = stack.hdfs("dfs", "-ls", "/spark-events").stdout
        owners = sorted(line.split()[2] for line in listing.splitlines() if line.startswith("-"))
        assert owners == ["spark", "zeppelin"], listing
        assert all(line.startswith("-rw-rw----") and line.split()[3] == "spark"
                   for line in listing.splitlines() if line.startswith("-")), listing

        started = time.monotonic()
        wait_for(lambda: {a["name"] for a in applications(history, port) or []} >= {"as-spark", "as-zeppelin"},
                 timeout=120, interval=1, what="both applications in the history server",
                 on_timeout=lambda: f"{applications(history, port)}\n{stack.log(history, 'history-server')[-3000:]}")
        listed = time.monotonic() - started
        for app in applications(history, port):
            assert app["attempts"][0]["completed"] is True, app
            with urllib.request.urlopen(f"http://{history.ip}:{port}/api/v1/applications/{app['id']}/jobs",
                                        timeout=5) as resp:
                jobs = json.load(resp)
            assert [j["status"] for j in jobs] == ["SUCCEEDED"], jobs
        record_property("measured", f"Spark history server over the umbrella's HDFS: Ready {ready:.0f} s after its "
                                    f"pod started; both applications (users spark and zeppelin) listed "
                                    f"{listed:.1f} s after the second finished (update interval 2 s)")
