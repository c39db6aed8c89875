"""The spark chart, rendered with Helm and run as pods by tests/local/kubelet.py with the real Spark
master, workers and drivers of the apache/spark image twin (twins/apache-spark: the Spark distribution
of the image's version at /opt/spark, uid 185).

``SparkRelease`` is one release; its client pod is the chart's ``helm test`` pod (the driver's
configuration, with the authentication secret its init container writes) left running, and
``submit`` runs ``spark-submit`` in it as the helm test does.
"""
from __future__ import annotations

import json
import shlex
import urllib.request

import chart_release
from chart_release import ChartRelease

IMAGES = ("apache-spark",)

# JIT and GC settings of the daemons here (two cores for every JVM of a test): the client compiler
# only, the serial collector. What is measured (drain, failover) is decided by Spark's protocol.
LEAN_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


def available():
    """(bool, reason): whether the Spark pods can run here (kubelet and the twin)."""
    return chart_release.available(IMAGES)


class SparkRelease(ChartRelease):
    """A rendered spark release running as pods (see ChartRelease for the arguments)."""

    TEST_POD = "-test-sparkpi"

    def __init__(self, workdir, release="spark", namespace="bigdata", values_files=(), set_values=None, nodes=1,
                 backoff_scale=0.2, images=IMAGES):
        """images: the image twins the release's pods use (add "zeppelin" for the Zeppelin pod)."""
        lean = {"master.jvm.extraOpts": LEAN_JVM, "worker.jvm.extraOpts": LEAN_JVM}
        super().__init__(workdir, "spark", tuple(images), release=release, namespace=namespace, values_files=values_files,
                         set_values={**lean, **(set_values or {})}, nodes=nodes, backoff_scale=backoff_scale)

    def wait_ready(self, components=("master", "worker"), timeout=300):
        """Wait until every master and worker pod is Ready; raises TimeoutError."""
        super().wait_ready(components, timeout)

    def submit(self, script, args=(), conf=None, background=None, timeout=600):
        """``spark-submit`` of a Python ``script`` from the client pod (see submit_in)."""
        return submit_in(self.client(), script, args, conf, background, timeout)

    def output(self, name):
        """What a background driver printed so far (str)."""
        path = self.client().volume_dirs["tmp"] / f"{name}.out"
        return path.read_text(errors="replace") if path.exists() else ""

    def driver_exit_code(self, name):
        """The exit code of a background driver, or None while it runs."""
        path = self.client().volume_dirs["tmp"] / f"{name}.rc"
        text = path.read_text().strip() if path.exists() else ""
        return int(text) if text else None

    def json(self, pod, port_name="http", path="/json/", timeout=3):
        """A master's or worker's web UI JSON (dict), or None when it does not answer."""
        port = next(p["containerPort"] for c in pod.spec["containers"] for p in c.get("ports", [])
                    if p.get("name") == port_name)
        try:
            with urllib.request.urlopen(f"http://{pod.ip}:{port}{path}", timeout=timeout) as resp:
                return json.load(resp)
        except (OSError, ValueError):
            return None


def submit_in(client, script, args=(), conf=None, background=None, timeout=600):
    """``spark-submit`` of a Python ``script`` (text) in ``client`` (a pod made from the spark chart's
    helm test pod), in client mode as the helm test submits (its POD_IP as spark.driver.host), with
    extra ``conf`` {name: value}. background: a name: the driver runs detached, its output in the
    pod's /tmp/<name>.out; else waits and returns CompletedProcess (subprocess.TimeoutExpired after
    ``timeout`` seconds)."""
    tmp = client.volume_dirs["tmp"]
    name = background or "job"
    (tmp / f"{name}.py").write_text(script)
    (tmp / f"{name}.py").chmod(0o644)
    confs = " ".join(f"--conf {k}={v}" for k, v in {"spark.driver.bindAddress": "0.0.0.0",
                                                   **(conf or {})}.items())
    cmd = (f'/opt/spark/bin/spark-submit --master "$SPARK_MASTER_URL" --deploy-mode client '
           f'--conf spark.driver.host="$POD_IP" {confs} /tmp/{name}.py {" ".join(args)}')
    container = client.main_containers[0].name
    if background:
        (tmp / f"{name}.rc").unlink(missing_ok=True)
        detached = f"nohup bash -c {shlex.quote(f'{cmd} > /tmp/{name}.out 2>&1; echo $? > /tmp/{name}.rc')} >/dev/null 2>&1 &"
        return client.exec(container, ["bash", "-c", detached], timeout=30)
    return client.exec(container, ["bash", "-c", cmd], timeout=timeout)
