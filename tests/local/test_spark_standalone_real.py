"""The Spark chart's rendered master and worker, run for real with the Spark distribution of the
`pyspark` package (design.md section 6): the master and a worker start from the rendered
commands, env and spark-defaults.conf (SPARK_CONF_DIR), the worker offers exactly the cores and
memory the chart derived from its resources, and a job submitted to the rendered master URL
returns the right answer.

Substitutions (see harness.py): pod DNS names -> 127.0.0.x, mount paths -> work dirs, and the
image's /opt/spark/bin -> the pyspark package's bin/. Ports are moved to free ones because tests
run in parallel on one machine. The image's SparkPi jar is not in pyspark; its Python twin
(examples/src/main/python/pi.py) is submitted instead.
"""
import json
import re
import shutil
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from harness import Cluster, wait_for

try:
    import pyspark
    SPARK_HOME = Path(pyspark.__file__).parent
except ImportError:  # pragma: no cover - requirements.txt installs it
    SPARK_HOME = None
pytestmark = pytest.mark.skipif(SPARK_HOME is None or not shutil.which("java"),
                                reason="needs the pyspark package and a java on PATH")

MASTER, WORKER = "local-spark-master", "local-spark-worker"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def master_json(ip, port):
    try:
        with urllib.request.urlopen(f"http://{ip}:{port}/json/", timeout=2) as resp:
            return json.load(resp)
    except OSError:
        return None


@pytest.fixture
def cluster(tmp_path):
    ports = {"master.service.ports.cluster": free_port(), "master.service.ports.http": free_port(),
             "worker.service.ports.cluster": free_port(), "worker.service.ports.http": free_port()}
    values = Path(__file__).resolve().parents[2] / "charts" / "spark" / "ci" / "minimal-values.yaml"
    c = Cluster.render("spark", tmp_path, values_files=[values], set_values=ports)
    c.ports = ports
    yield c
    c.stop()


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


def start(cluster, sts, container):
    pod = cluster.pod(sts, 0)
    pod.substitutions["/opt/spark/bin"] = str(SPARK_HOME / "bin")
    argv, env = expand(pod, *pod.prepare(container))
    env["SPARK_HOME"] = str(SPARK_HOME)
    # Pods share this machine's network namespace: bind web UIs to the pod's own address.
    env["SPARK_LOCAL_IP"] = pod.ip
    cluster.start(pod.name, argv, env)
    return pod, argv, env


def test_rendered_master_and_worker_run_a_job(cluster, tmp_path):
    master, margv, _ = start(cluster, MASTER, "master")
    assert margv[:2] == [str(SPARK_HOME / "bin" / "spark-class"), "org.apache.spark.deploy.master.Master"]
    assert margv[margv.index("--host") + 1] == master.ip
    http = cluster.ports["master.service.ports.http"]
    wait_for(lambda: master_json(master.ip, http), 90, what="master web UI", on_timeout=cluster.logs)

    worker, wargv, wenv = start(cluster, WORKER, "worker")
    url = f"spark://{master.ip}:{cluster.ports['master.service.ports.cluster']}"
    assert wenv["SPARK_MASTER_URL"] == url and wargv[-1] == url
    assert wargv[wargv.index("--host") + 1] == worker.ip

    state = wait_for(lambda: (j := master_json(master.ip, http)) and j.get("aliveworkers") == 1 and j,
                     90, what="worker registration", on_timeout=cluster.logs)
    # minimal-values: CPU limit 1 -> 1 core; 2Gi - 512Mi daemon - 512Mi overhead = 1024 MiB.
    assert (state["cores"], state["memory"]) == (1, 1024), state
    assert state["status"] == "ALIVE"

    conf_dir = Path(master.substitute("/etc/spark/conf"))
    defaults = (conf_dir / "spark-defaults.conf").read_text()
    assert f"spark.master {url}" in defaults
    env = {"PATH": "/usr/bin:/bin", "SPARK_HOME": str(SPARK_HOME), "SPARK_CONF_DIR": str(conf_dir),
           "PYSPARK_PYTHON": sys.executable, "HOME": str(tmp_path), "SPARK_LOCAL_IP": "127.0.0.1"}
    run = subprocess.run([str(SPARK_HOME / "bin" / "spark-submit"), "--conf", "spark.driver.host=127.0.0.1",
                          str(SPARK_HOME / "examples" / "src" / "main" / "python" / "pi.py"), "10"],
                         env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:] + cluster.logs()
    assert "Pi is roughly 3.1" in run.stdout, run.stdout + run.stderr[-3000:]
    apps = master_json(master.ip, http)["completedapps"]
    assert [a["name"] for a in apps] == ["PythonPi"] and apps[0]["cores"] == 1
