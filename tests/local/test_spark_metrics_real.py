"""The spark chart's Prometheus metrics with the real Spark master and worker (the apache/spark twin,
pods from the render, the image's uid): the PrometheusServlet that the chart configures in
spark-defaults.conf serves the master's metrics at the path its pod annotation names, the worker's
likewise, while an application runs; and every metric the chart's Grafana dashboard queries is one of
them."""
import urllib.request
from pathlib import Path

import pytest

import chart_release
import dashboards
import spark_release
from polling import wait_for

ok, reason = spark_release.available()
pytestmark = [pytest.mark.skipif(not ok, reason=reason), pytest.mark.xdist_group("spark-real")]

ROOT = Path(__file__).resolve().parents[2]
SMALL = {"worker.replicaCount": "1", "worker.resources.limits.cpu": "1", "worker.resources.requests.cpu": "1",
         "worker.resources.limits.memory": "2Gi", "worker.resources.requests.memory": "2Gi",
         "config.executorMemory": "512m", "config.executorCores": "1", "config.coresMax": "1",
         "config.driverMemory": "512m"}
APP = """
import time
from pyspark import SparkContext
sc = SparkContext()
print("COUNT", sc.parallelize(range(100), 2).count(), flush=True)
time.sleep(60)
sc.stop()
"""


def scrape(release, component, pod):
    """The metrics text at the prometheus.io/port and prometheus.io/path annotations of the component's
    rendered pod template, from the running pod."""
    sts = next(o for o in release.objects if o["kind"] == "StatefulSet"
               and o["metadata"]["labels"]["app.kubernetes.io/component"] == component)
    annotations = sts["spec"]["template"]["metadata"]["annotations"]
    with urllib.request.urlopen(f"http://{pod.ip}:{annotations['prometheus.io/port']}{annotations['prometheus.io/path']}",
                                timeout=10) as resp:
        return resp.read().decode()


def value(text, name):
    return next((float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name + "{")), None)


def test_master_and_worker_serve_the_metrics_the_dashboard_queries(tmp_path):
    release = spark_release.SparkRelease(tmp_path, set_values=SMALL)
    with chart_release.running(release, ("master", "worker"), timeout=240) as spark:
        spark.submit(APP, background="app")
        wait_for(lambda: "COUNT 100" in spark.output("app"), timeout=180, interval=1, what="the application's job",
                 on_timeout=lambda: spark.output("app")[-3000:])
        master, worker = spark.pods("master")[0], spark.pods("worker")[0]
        master_text, worker_text = scrape(spark, "master", master), scrape(spark, "worker", worker)
        assert value(master_text, "metrics_master_aliveWorkers_Value") == 1, master_text[:2000]
        assert value(master_text, "metrics_master_apps_Value") == 1, master_text[:2000]
        assert value(worker_text, "metrics_worker_executors_Value") == 1, worker_text[:2000]
        assert value(worker_text, "metrics_worker_memUsed_MB_Value") == 512, worker_text[:2000]
        dashboard = dashboards.load(ROOT / "charts" / "spark" / "files" / "dashboards" / "spark.json")
        assert dashboards.missing(dashboard, [master_text, worker_text]) == []
