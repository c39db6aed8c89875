"""The alluxio chart, rendered with Helm and run as pods by tests/local/kubelet.py with the real
Alluxio master, job master, worker and job worker of the alluxio/alluxio image twin (twins/alluxio:
the image's entrypoint logic, launch-process and alluxio-config.sh, Alluxio's jars).

``AlluxioRelease`` is one release; its client pod is the chart's ``helm test`` pod left running, and
``alluxio()`` runs the image's ``alluxio`` command in it.
"""
from __future__ import annotations

import shutil
import subprocess
import urllib.request

import chart_release
from chart_release import ChartRelease

IMAGES = ("alluxio",)

# JIT and GC settings for two Java processes per pod on a 2-core machine (the tier's figures are
# decided by Alluxio's own timeouts, not by the JIT).
LEAN_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
LEAN_JVM_VALUES = {f"{component}.jvm.extraOpts": LEAN_JVM
                   for component in ("master", "jobMaster", "worker", "jobWorker")}


def available():
    """(bool, reason): whether the Alluxio pods can run here (kubelet, the twin, tini)."""
    ok, reason = chart_release.available(IMAGES)
    if ok and shutil.which("tini") is None:
        return False, "tini is not installed (bin/setup installs Debian's tini)"
    return ok, reason


class AlluxioRelease(ChartRelease):
    """A rendered alluxio release running as pods (see ChartRelease for the arguments)."""

    TEST_POD = "alluxio-test"

    def __init__(self, workdir, release="alluxio", namespace="bigdata", values_files=(), set_values=None, nodes=1,
                 backoff_scale=0.2):
        super().__init__(workdir, "alluxio", IMAGES, release=release, namespace=namespace,
                         values_files=values_files, set_values={**LEAN_JVM_VALUES, **(set_values or {})},
                         nodes=nodes, backoff_scale=backoff_scale)

    def wait_ready(self, components=("master", "worker"), timeout=300):
        """Wait until every master and worker pod is Ready; raises TimeoutError."""
        super().wait_ready(components, timeout)

    def alluxio(self, *args, timeout=180, check=True, env=None):
        """``alluxio ARGS`` in the client pod (see run_alluxio)."""
        return run_alluxio(self.client(), args, timeout=timeout, check=check, env=env)

    def metrics(self, pod, port_name="web", timeout=5):
        """The Prometheus text of a master or worker pod (see metrics)."""
        return metrics(pod, port_name, timeout)


def run_alluxio(client, args, timeout=180, check=True, env=None):
    """Run the image's ``alluxio ARGS`` in ``client`` (a pod made from the chart's test pod: its user
    and configuration); return CompletedProcess (raises RuntimeError on failure if check, and
    subprocess.TimeoutExpired after ``timeout`` seconds; without check a timeout is exit code 124)."""
    container = client.main_containers[0].name
    try:
        result = client.exec(container, ["/opt/alluxio/bin/alluxio", *args], timeout=timeout, env=env)
    except subprocess.TimeoutExpired as err:
        if check:
            raise
        result = subprocess.CompletedProcess(err.cmd, 124, err.stdout or "", err.stderr or "")
    if check and result.returncode != 0:
        raise RuntimeError(f"alluxio {' '.join(args)} failed ({result.returncode}): "
                           f"{(result.stdout + result.stderr)[-3000:]}")
    return result


def metrics(pod, port_name="web", timeout=5):
    """The Prometheus text (str) of a master or worker pod (``/metrics/prometheus/`` on its web port)."""
    port = next(p["containerPort"] for c in pod.spec["containers"] for p in c.get("ports", [])
                if p.get("name") == port_name)
    with urllib.request.urlopen(f"http://{pod.ip}:{port}/metrics/prometheus/", timeout=timeout) as resp:
        return resp.read().decode()
