"""The Zeppelin pod of the spark chart, for real as far as it can run here: the rendered Deployment's
pod runs on tests/local/kubelet.py as the image's uid 1000 and group 0 with no passwd entry (the
apache/zeppelin twin: /opt/zeppelin root:root 775, /etc/passwd group-writable, bin/zeppelin.sh and
bin/interpreter.sh twins for the passwd entry and the Spark interpreter's launch), its init containers
copy Spark from the apache/spark twin and write interpreter.json, and two Spark interpreter drivers are
launched from that interpreter.json at once, as Zeppelin's SparkInterpreterLauncher and interpreter.sh
would, against the chart's real master and workers.

What is not real: Zeppelin's server and its Spark interpreter (RemoteInterpreterServer) are not on
Maven Central at 0.12.0, so the twin's zeppelin.sh only waits after the passwd entry (the pod's
probes, which ask the server, are off here) and each driver runs a PySpark application of this test in
place of the interpreter jar. The image's conda Python 3.9 is a CPython 3.9 prefix at the same path in
the twin (Debian bullseye's, relocatable as conda's is); the Spark twin's executors have the machine's
3.11 (the image's are 3.8), so a driver and executors on their own images' Pythons differ, as they do
with the real images.
"""
import time

import pytest

import chart_release
import spark_release
from polling import wait_for

ok, reason = spark_release.available()
if ok:
    ok, reason = chart_release.available(("apache-spark", "zeppelin"))
pytestmark = [pytest.mark.skipif(not ok, reason=reason), pytest.mark.xdist_group("spark-real")]

# Two workers of one core each; each driver gets one executor (spark.cores.max 1), so two drivers run
# their jobs at the same time.
VALUES = {"worker.replicaCount": "2", "worker.resources.limits.cpu": "1", "worker.resources.requests.cpu": "1",
          "worker.resources.limits.memory": "2Gi", "worker.resources.requests.memory": "2Gi",
          "config.executorMemory": "512m", "config.executorCores": "1", "config.coresMax": "1",
          "config.driverMemory": "512m", "master.readinessProbe.periodSeconds": "2",
          "worker.readinessProbe.periodSeconds": "2",
          "zeppelin.enabled": "true", "zeppelin.auth.password": "notebook-test",
          "zeppelin.persistence.enabled": "false", "zeppelin.driver.maxDrivers": "2",
          # No Zeppelin server in the twin: nothing answers /api/version.
          "zeppelin.livenessProbe.enabled": "false", "zeppelin.readinessProbe.enabled": "false"}

# A PySpark job whose tasks run Python lambdas on the executors (RDD), slow enough that the second
# driver starts while the first one still runs.
JOB = """
import sys, time
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
sc = spark.sparkContext
print("DRIVER_PORT", sc.getConf().get("spark.driver.port"), flush=True)
def slow_square(i):
    time.sleep(1.5)
    return i * i
print("RESULT", sc.parallelize(range(12), 6).map(slow_square).sum(), flush=True)
executors = sc.parallelize(range(4), 2).map(lambda _: "%d.%d %s" % (sys.version_info[:2] + (sys.executable,))).distinct().collect()
print("PYTHONS driver=%d.%d %s executors=%s" % (sys.version_info[:2] + (sys.executable, sorted(executors))), flush=True)
spark.stop()
"""
ENVIRONMENT = "/opt/conda/envs/python_3_with_R"

BOUND = "Successfully started service 'sparkDriver' on port "


def launch(pod, name):
    """Start the interpreter twin in the Zeppelin container, detached: output in run/<name>.out, exit
    code in run/<name>.rc (under /opt/zeppelin, writable by group 0 as in the image)."""
    run = "/opt/zeppelin/run"
    cmd = f"bash /opt/zeppelin/bin/interpreter.sh {run}/job.py > {run}/{name}.out 2>&1; echo $? > {run}/{name}.rc"
    return pod.exec("zeppelin", ["bash", "-c", f"nohup bash -c '{cmd}' >/dev/null 2>&1 &"], timeout=30)


def wait_started(spark, pod):
    """Wait until the container's bin/zeppelin.sh (twin) has done its start steps (it logs a line)."""
    wait_for(lambda: "zeppelin.sh twin:" in spark.log(pod, "zeppelin"), timeout=60, interval=0.5,
             what="bin/zeppelin.sh started", on_timeout=lambda: spark.log(pod, "zeppelin"))


def read(pod, path):
    result = pod.exec("zeppelin", ["bash", "-c", f"cat {path} 2>/dev/null || true"], timeout=30)
    return result.stdout


def test_two_interpreter_drivers_in_the_zeppelin_pod_run_at_once_on_their_ports(tmp_path, record_property):
    release = spark_release.SparkRelease(tmp_path, set_values=VALUES, images=("apache-spark", "zeppelin"))
    with chart_release.running(release, ("master", "worker"), timeout=240) as spark:
        zeppelin = spark.run_deployment("zeppelin", timeout=300)
        wait_started(spark, zeppelin)
        # bin/zeppelin.sh added the passwd entry the image lacks (group 0 may write /etc/passwd).
        entry = zeppelin.exec("zeppelin", ["getent", "passwd", "1000"], timeout=30)
        assert entry.stdout.startswith("zeppelin:x:1000:0:"), (entry.stdout, spark.log(zeppelin, "zeppelin"))
        ids = zeppelin.exec("zeppelin", ["id"], timeout=30).stdout
        assert "uid=1000(zeppelin) gid=0(root)" in ids, ids
        script = JOB.replace("'", "'\\''")
        zeppelin.exec("zeppelin", ["bash", "-c", f"printf '%s' '{script}' > /opt/zeppelin/run/job.py"], timeout=30)
        started = time.monotonic()
        launch(zeppelin, "first")
        wait_for(lambda: BOUND in read(zeppelin, "/opt/zeppelin/run/first.out"), timeout=120, interval=1,
                 what="the first driver bound its port",
                 on_timeout=lambda: read(zeppelin, "/opt/zeppelin/run/first.out")[-3000:])
        launch(zeppelin, "second")
        outputs = {}
        for name in ("first", "second"):
            rc = wait_for(lambda n=name: read(zeppelin, f"/opt/zeppelin/run/{n}.rc").strip(), timeout=300, interval=1,
                          what=f"the {name} driver to finish",
                          on_timeout=lambda n=name: read(zeppelin, f"/opt/zeppelin/run/{n}.out")[-3000:])
            outputs[name] = read(zeppelin, f"/opt/zeppelin/run/{name}.out")
            assert rc == "0", outputs[name][-3000:]
            assert f"RESULT {sum(i * i for i in range(12))}" in outputs[name], outputs[name][-3000:]
        took = time.monotonic() - started
        ports = {name: int(out.split(BOUND, 1)[1].split(".")[0].split()[0]) for name, out in outputs.items()}
        blocks = {name: int(out.split("Successfully started service 'org.apache.spark.network.netty."
                                      "NettyBlockTransferService' on port ", 1)[1].split(".")[0].split()[0])
                  for name, out in outputs.items()}
        # The first driver held its ports while the second started: the second took the next ones.
        assert ports == {"first": 29413, "second": 29414}, ports
        assert blocks == {"first": 29433, "second": 29434}, blocks
        service = spark.object("Service", "-zeppelin-driver")
        service_ports = {p["port"] for p in service["spec"]["ports"]}
        assert set(ports.values()) | set(blocks.values()) <= service_ports, service_ports
        policy = spark.object("NetworkPolicy", "-zeppelin")
        ranges = [(p["port"], p.get("endPort", p["port"])) for rule in policy["spec"]["ingress"]
                  for p in rule.get("ports", []) if isinstance(p.get("port"), int)]
        for port in list(ports.values()) + list(blocks.values()):
            assert any(lo <= port <= hi for lo, hi in ranges), (port, ranges)
        # PySpark's driver and its executors ran one Python: the Zeppelin image's, copied into the workers.
        for name, out in outputs.items():
            assert (f"PYTHONS driver=3.9 {ENVIRONMENT}/bin/python executors=['3.9 {ENVIRONMENT}/bin/python']"
                    in out), out[-3000:]
        worker = spark.pods("worker")[0]
        assert "copy-notebook-python" in [c["name"] for c in worker.spec.get("initContainers", [])]
        # The chart's earlier interpreter Python, python3: conda's 3.9 in the Zeppelin pod (first on PATH),
        # the Spark image's own python3 on the workers: the executors refuse the driver's tasks.
        zeppelin.exec("zeppelin", ["bash", "-c", "sed -i 's#" + ENVIRONMENT + "/bin/python#python3#g' "
                                   "/opt/zeppelin/conf/interpreter.json"], timeout=30)
        launch(zeppelin, "python3")
        rc = wait_for(lambda: read(zeppelin, "/opt/zeppelin/run/python3.rc").strip(), timeout=300, interval=1,
                      what="the python3 driver to finish",
                      on_timeout=lambda: read(zeppelin, "/opt/zeppelin/run/python3.out")[-3000:])
        mismatch = read(zeppelin, "/opt/zeppelin/run/python3.out")
        assert rc != "0", mismatch[-3000:]
        assert "PYTHON_VERSION_MISMATCH" in mismatch or "Python in worker has different version" in mismatch, \
            mismatch[-3000:]
        record_property("measured", f"Zeppelin pod (twin, uid 1000 gid 0; drivers launched through spark-submit as "
                                    f"bin/interpreter.sh would: Zeppelin 0.12.0's server is not on Maven Central): "
                                    f"two Spark interpreter drivers at once on "
                                    f"ports {sorted(ports.values())} / block managers {sorted(blocks.values())}, "
                                    f"both jobs done in {took:.0f} s")


def test_zeppelin_in_group_1000_gets_no_user_name_and_its_driver_cannot_start(tmp_path):
    """The chart's earlier Zeppelin security context (runAsGroup 1000; the render now refuses it with
    this image): /etc/passwd is writable by group 0 only, so no entry is added for uid 1000, and
    spark-submit fails before the driver starts (Ivy's home, Hadoop's login need a user name)."""
    def group_1000(spec):
        spec["securityContext"]["runAsGroup"] = 1000
        for c in spec.get("initContainers", []) + spec["containers"]:
            if (c.get("securityContext") or {}).get("runAsUser") == 1000:
                c["securityContext"]["runAsGroup"] = 1000

    release = spark_release.SparkRelease(tmp_path, set_values={**VALUES, "worker.replicaCount": "1"},
                                         images=("apache-spark", "zeppelin"))
    with chart_release.running(release, ("master",), timeout=240) as spark:
        zeppelin = spark.run_deployment("zeppelin", timeout=300, patch=group_1000)
        wait_started(spark, zeppelin)
        assert zeppelin.exec("zeppelin", ["getent", "passwd", "1000"], timeout=30).stdout == ""
        assert "failed to add passwd entry" in spark.log(zeppelin, "zeppelin")
        script = JOB.replace("'", "'\\''")
        zeppelin.exec("zeppelin", ["bash", "-c", f"printf '%s' '{script}' > /tmp/job.py"], timeout=30)
        result = zeppelin.exec("zeppelin", ["bash", "/opt/zeppelin/bin/interpreter.sh", "/tmp/job.py"], timeout=300)
        out = result.stdout + result.stderr
        assert result.returncode != 0, out[-3000:]
        # Without a user name: Ivy has no home (spark-submit resolves packages first), Hadoop no login.
        assert "basedir must be absolute: ?/.ivy2/local" in out or "invalid null input: name" in out, out[-3000:]
        assert BOUND not in out
