"""The master Service's route to the ALIVE master, run for real: the umbrella with two Spark masters
recovering through the HDFS chart's ZooKeeper (as the umbrella wires them), one worker, and each master
pod's router sidecar (HAProxy from the rendered haproxy.cfg; the haproxy twin runs Debian's 2.6 for the
image's 3.2) started from the rendered pod specs on tests/local/kubelet.py. Through a router the web UI
is the ALIVE master's and a driver submitting to the router's cluster port runs its job; the ALIVE
master's JVM is killed (the kubelet restarts the container, the pod keeps its IP): the router follows the
standby that takes over. The time from the kill to the router answering with the new ALIVE master is
printed in the "measured" summary.

What is not real: no Service IP (no kube-proxy here), so the routers are asked at their pod addresses,
as the Service would forward; no DNS server (pod names resolve from /etc/hosts), so a router resolves the
masters once at its start (in a cluster it resolves them again through the cluster DNS every 5 s).
"""
import os
import signal
import time

import pytest

import chart_release
import spark_release
from spark_pods import master_json as get_json  # /json/ of a master UI, or of a router in front of them
from chart_release import ChartRelease
from polling import wait_for

IMAGES = ("zookeeper", "apache-hadoop", "python", "apache-spark", "haproxy")
ok, reason = chart_release.available(IMAGES)
pytestmark = [pytest.mark.skipif(not ok, reason=reason), pytest.mark.xdist_group("spark-real")]

ROUTER_HTTP = 18080
ROUTER_CLUSTER = 17077
VALUES = {
    "alluxio.enabled": "false",
    "hdfs.zookeeper.replicaCount": "1",
    "hdfs.zookeeper.extraEnv[0].name": "SERVER_JVMFLAGS", "hdfs.zookeeper.extraEnv[0].value": spark_release.LEAN_JVM,
    "spark.master.replicaCount": "2", "spark.master.podAntiAffinityPreset": "none",
    "spark.master.jvm.extraOpts": spark_release.LEAN_JVM, "spark.worker.jvm.extraOpts": spark_release.LEAN_JVM,
    "spark.master.readinessProbe.periodSeconds": "2", "spark.worker.readinessProbe.periodSeconds": "2",
    "spark.worker.replicaCount": "1", "spark.worker.resources.limits.cpu": "1",
    "spark.worker.resources.requests.cpu": "1", "spark.worker.resources.limits.memory": "2Gi",
    "spark.worker.resources.requests.memory": "2Gi", "spark.config.executorMemory": "512m",
    "spark.config.executorCores": "1", "spark.config.coresMax": "1", "spark.config.driverMemory": "512m",
    "spark.master.router.checkIntervalSeconds": "1",
    # No NameNodes run here: the umbrella's history server (and the drivers' event logs in HDFS) stay off.
    "spark.historyServer.enabled": "false",
    # The umbrella names ZooKeeper's client Service; there are no Service IPs here, so the pod's own name.
    "spark.zookeeper.quorum": "stack-hdfs-zookeeper-0.stack-hdfs-zookeeper-headless.bigdata.svc.cluster.local:2181",
}


class RouterRelease(ChartRelease):
    """The umbrella release; its client pod is the spark chart's helm test pod."""
    TEST_POD = spark_release.SparkRelease.TEST_POD


def test_the_routers_send_the_master_service_to_the_alive_master_and_follow_a_failover(tmp_path, record_property):
    release = RouterRelease(tmp_path, "umbrella", IMAGES, release="stack", set_values=VALUES)
    # The rendered Service leads to the routers, not to the masters' own ports.
    service = release.object("Service", "-spark-master")
    assert {p["name"]: p["targetPort"] for p in service["spec"]["ports"]} == {"cluster": "router-cluster",
                                                                             "http": "router-http"}
    try:
        release.install(components=("zookeeper", "master", "worker"))
        release.wait_ready(("zookeeper", "master", "worker"), timeout=300)
        masters = release.pods("master")
        assert len(masters) == 2

        def statuses():
            return {p.name: (get_json(p.ip, 8080) or {}).get("status") for p in masters}
        wait_for(lambda: sorted(statuses().values()) == ["ALIVE", "STANDBY"], timeout=120, interval=1,
                 what="one ALIVE and one STANDBY master", on_timeout=statuses)
        alive = next(p for p in masters if statuses()[p.name] == "ALIVE")
        standby = next(p for p in masters if p is not alive)
        # Both routers answer with the ALIVE master's UI: its status and, once it registered, the worker.
        def through(router):
            j = get_json(router.ip, ROUTER_HTTP) or {}
            return j if j.get("status") == "ALIVE" and j.get("aliveworkers") == 1 else None
        for router in masters:
            seen = wait_for(lambda r=router: through(r), timeout=90, interval=0.5,
                            what=f"router of {router.name} answering as the ALIVE master with its worker",
                            on_timeout=lambda r=router: (get_json(r.ip, ROUTER_HTTP), release.log(r, "router")[-2000:]))
            assert alive.name in seen["url"], seen

        # A driver that knows only the router's cluster port (as one given the Service's) runs its job.
        client = release.client()
        job = "from pyspark.sql import SparkSession\nsc = SparkSession.builder.getOrCreate().sparkContext\n" \
              "print('RESULT', sc.parallelize(range(100), 4).map(lambda i: i * 2).sum())\n"
        tmp = client.volume_dirs["tmp"]
        (tmp / "job.py").write_text(job)
        (tmp / "job.py").chmod(0o644)
        master_url = f"spark://{standby.name}.stack-spark-master-headless.bigdata.svc.cluster.local:{ROUTER_CLUSTER}"
        run = client.exec(client.main_containers[0].name,
                          ["bash", "-c", f'/opt/spark/bin/spark-submit --master {master_url} --deploy-mode client '
                                         '--conf spark.driver.host="$POD_IP" --conf spark.driver.bindAddress=0.0.0.0 '
                                         '/tmp/job.py 2>&1'], timeout=300)
        assert "RESULT 9900" in run.stdout, run.stdout[-3000:]

        # The ALIVE master's JVM dies; the standby takes over and the surviving pod's router follows it.
        killed = time.monotonic()
        os.kill(alive.containers["master"].host_pid(), signal.SIGKILL)
        seen = wait_for(lambda: (lambda j: j if j and j.get("status") == "ALIVE" and standby.name in j["url"] else None)(
                            get_json(standby.ip, ROUTER_HTTP)), timeout=180, interval=0.5,
                        what="the router to answer as the new ALIVE master",
                        on_timeout=lambda: (statuses(), release.log(standby, "router")[-2000:]))
        took = time.monotonic() - killed
        assert standby.name in seen["url"]
        # The restarted master comes back as STANDBY; the routers never send traffic to it.
        wait_for(lambda: statuses()[alive.name] == "STANDBY", timeout=120, interval=1,
                 what="the restarted master to stand by", on_timeout=statuses)
        # Both routers answer as the new ALIVE master; the restarted pod's router starts afresh and marks
        # that master up after its first passing health checks (CI of stop 24 asked it too early).
        for router in masters:
            wait_for(lambda: standby.name in (get_json(router.ip, ROUTER_HTTP) or {}).get("url", ""), timeout=60,
                     interval=1, what=f"the router of {router.name} to answer as the new ALIVE master",
                     on_timeout=lambda: (statuses(), release.log(router, "router")[-2000:]))
        record_property("measured", f"master router: after SIGKILL of the ALIVE master the router answered as the "
                                    f"new ALIVE master in {took:.1f} s (ZooKeeper session expiry, Spark's recovery, "
                                    f"1 s checks)")
    finally:
        release.close()
