"""Spark chart pods run with the Spark distribution of the `pyspark` package (pinned in requirements.txt,
the version of the chart's apache/spark image).

Shared by the tests/local Spark tests. On top of the harness substitutions (pod DNS names ->
127.0.0.x, mount paths -> work dirs) the image's /opt/spark/bin becomes the pyspark package's
bin/, and SPARK_LOCAL_IP is the pod's own address, because pods here share one network namespace
(web UIs would otherwise all bind the same address). The image's SparkPi jar is not in pyspark:
drivers submit its Python twin (examples/src/main/python/pi.py).
"""
from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from harness import Pod, workload

try:
    import pyspark
    SPARK_HOME = Path(pyspark.__file__).parent
except ImportError:  # pragma: no cover - requirements.txt installs it
    SPARK_HOME = None

AVAILABLE = SPARK_HOME is not None and shutil.which("java") is not None
SKIP_REASON = "needs the pyspark package and a java on PATH"
PI = SPARK_HOME / "examples" / "src" / "main" / "python" / "pi.py" if SPARK_HOME else None

MASTER, WORKER, TEST_POD = "local-spark-master", "local-spark-worker", "local-spark-test-sparkpi"
VALUES = Path(__file__).resolve().parents[2] / "charts" / "spark" / "ci" / "minimal-values.yaml"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_ports():
    """--set values moving every master and worker port to a free one (tests run in parallel)."""
    return {"master.service.ports.cluster": free_port(), "master.service.ports.http": free_port(),
            "worker.service.ports.cluster": free_port(), "worker.service.ports.http": free_port()}


def master_json(ip, port):
    """The master web UI's /json/ (dict), or None when it does not answer."""
    try:
        with urllib.request.urlopen(f"http://{ip}:{port}/json/", timeout=2) as resp:
            return json.load(resp)
    except (OSError, ValueError):
        return None


def expand(pod, argv, env):
    """Kubernetes' $(VAR) expansion in env values (in order) and args, then the harness's
    address substitution (a pod's DNS name is only complete after expansion)."""
    def sub(text, known):
        if "$(" not in text:
            return text  # prepare() already substituted it
        return pod.substitute(re.sub(r"\$\((\w+)\)", lambda m: known.get(m.group(1), m.group(0)), text))
    out = {}
    for name, value in env.items():
        out[name] = sub(value, out)
    return [sub(a, out) for a in argv], out


def start(cluster, sts, container, ordinal=0):
    """Start <sts>-<ordinal>'s ``container`` as rendered; return (Pod, argv, env)."""
    pod = cluster.pod(sts, ordinal)
    pod.substitutions["/opt/spark/bin"] = str(SPARK_HOME / "bin")
    argv, env = expand(pod, *pod.prepare(container))
    env["SPARK_HOME"] = str(SPARK_HOME)
    env["SPARK_LOCAL_IP"] = pod.ip
    cluster.start(pod.name, argv, env)
    return pod, argv, env


def run_init_container(cluster, pod_name, container, timeout=60):
    """Run one init container of a rendered bare Pod (e.g. the helm test pod) to completion, with
    its mounts laid out under the cluster's work dir; return the harness Pod."""
    spec = workload(cluster.objects, "Pod", pod_name)["spec"]
    addresses = {fqdn: ip for fqdn, (_, ip) in cluster.addresses.items()}
    pod = Pod(pod_name, "127.0.0.1", cluster.workdir / pod_name, spec, cluster.objects, addresses)
    argv, env = pod.prepare(container, init=True)
    run = subprocess.run(argv, env={"PATH": "/usr/bin:/bin", **env}, capture_output=True, text=True,
                         timeout=timeout)
    assert run.returncode == 0, f"init container {container} of {pod_name} failed:\n{run.stdout}{run.stderr}"
    return pod


def submit_pi(conf_dir, home, partitions=10, timeout=300, wait=True, extra_env=None, log=None):
    """spark-submit pi.py as a client-mode driver on 127.0.0.1 with SPARK_CONF_DIR=conf_dir (its
    spark-defaults.conf names the master). wait=True: CompletedProcess; else the Popen, whose
    stdout and stderr go to the file ``log`` (a Path) when given, else to pipes."""
    env = {"PATH": "/usr/bin:/bin", "SPARK_HOME": str(SPARK_HOME), "SPARK_CONF_DIR": str(conf_dir),
           "PYSPARK_PYTHON": sys.executable, "HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1",
           **(extra_env or {})}
    argv = [str(SPARK_HOME / "bin" / "spark-submit"), "--conf", "spark.driver.host=127.0.0.1", str(PI),
            str(partitions)]
    if wait:
        return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)
    if log is not None:
        with open(log, "w") as out:
            return subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, text=True,
                                    start_new_session=True)
    return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
