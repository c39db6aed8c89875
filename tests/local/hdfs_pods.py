"""The hdfs chart, rendered with Helm and run as pods by tests/local/kubelet.py with the real
Hadoop and ZooKeeper daemons of the apache/hadoop and zookeeper image twins.

``HdfsRelease`` is one release: its StatefulSets (or DataNode DaemonSet) created as ``helm install``
creates them (all at once), a client pod built from the chart's own ``helm test`` pod (same image,
configuration, user and security context) for ``hdfs`` commands, and helpers that read the daemons'
JMX from the node, as a probe or an operator would.
"""
from __future__ import annotations

import contextlib
import json
import subprocess
import time
import urllib.request
from pathlib import Path

import twins
import chart_release
from chart_release import ChartRelease
from polling import wait_for

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ("apache-hadoop", "zookeeper", "python")


def available():
    """(bool, reason): whether the HDFS pods can run here (kubelet and the twins of IMAGES)."""
    return chart_release.available(IMAGES)


# The HA scenarios' values that differ from the chart's defaults, and why: a restarted JournalNode
# rejoins at the next edit log roll (every 5 s here; 120 s by default would make the rolling restart
# take minutes);
# Hadoop's 30 s safe-mode extension after the block reports would add a minute to the NameNode
# rolling update; readiness probes every 2 s and minReadySeconds 5 for JournalNodes and NameNodes
# (10 s each by default: the rolling updates take longer, not differently); the decommission check
# every 5 s instead of 30 s, and 10 instead of 2 block copies scheduled per DataNode and round, so a
# decommission takes seconds; 1 MiB blocks, so files of a few MiB span several. Failover settings
# (ZooKeeper session, ZKFC) are the chart's defaults.
HA_TEST_VALUES = {
    "ha.editLogRollPeriodSeconds": "5",
    "configOverrides.hdfs-site\\.xml.dfs\\.namenode\\.safemode\\.extension": "5000",
    "journalnode.readinessProbe.periodSeconds": "2", "journalnode.minReadySeconds": "5",
    "namenode.readinessProbe.periodSeconds": "2", "namenode.minReadySeconds": "5",
    "configOverrides.hdfs-site\\.xml.dfs\\.namenode\\.decommission\\.interval": "5",
    "configOverrides.hdfs-site\\.xml.dfs\\.namenode\\.replication\\.work\\.multiplier\\.per\\.iteration": "10",
    "config.blockSize": "1m",
}


@contextlib.contextmanager
def running_ha_release(workdir, **more_values):
    """An HdfsRelease of the chart's HA defaults (plus HA_TEST_VALUES and more_values), installed and
    Ready; closed on exit. Its install_seconds says how long every pod took to be Ready."""
    release = HdfsRelease(workdir, set_values={**HA_TEST_VALUES, **more_values})
    started = time.monotonic()
    try:
        release.install()
        release.wait_ready(timeout=300)
        release.install_seconds = time.monotonic() - started
        # What the install did, kept for the tests that check it (they may run after pods were replaced).
        release.install_bootstrap_logs = {p.name: release.log(p, "bootstrap") for p in release.pods("namenode")}
        yield release
    finally:
        release.close()


def other(release, pod):
    """The other NameNode pod."""
    return next(p for p in release.pods("namenode") if p.name != pod.name)


def wait_active(release, not_pod=None, timeout=120):
    """Wait for an active NameNode (other than not_pod); return its pod (AssertionError on timeout)."""
    def active():
        for pod in release.pods("namenode"):
            if (not_pod is None or pod.name != not_pod.name) and release.namenode_state(pod) == "active":
                return pod
        return None
    return wait_for(active, timeout=timeout, interval=0.1, what="an active NameNode",
                    on_timeout=lambda: str(release.namenode_states()))


# JVM options of every daemon in these tests (the chart's jvm.extraOpts, and SERVER_JVMFLAGS through
# zookeeper.extraEnv): the client compiler only and the serial collector. Two cores run up to three
# clusters of Java daemons at once here; a daemon then starts with a fraction of the CPU time. Failover
# and recovery times are decided by ZooKeeper sessions, timeouts and roll periods, not by the JIT.
LEAN_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
LEAN_JVM_VALUES = {
    "namenode.jvm.extraOpts": LEAN_JVM, "namenode.zkfc.jvm.extraOpts": LEAN_JVM,
    "journalnode.jvm.extraOpts": LEAN_JVM, "datanode.jvm.extraOpts": LEAN_JVM,
    "zookeeper.extraEnv[0].name": "SERVER_JVMFLAGS", "zookeeper.extraEnv[0].value": LEAN_JVM,
}


class HdfsRelease(ChartRelease):
    """A rendered hdfs release running as pods.

    workdir: folder for pods and volumes; release/namespace: as ``helm install``; values_files:
    extra values files (paths); set_values: {dotted key: value} as ``--set``; nodes: simulated
    nodes (StatefulSet pods are spread over them by ordinal, DaemonSet pods run on each).
    """

    TEST_POD = "hdfs-test"

    def __init__(self, workdir, release="hdfs", namespace="bigdata", values_files=(), set_values=None, nodes=1,
                 backoff_scale=0.2, chart="hdfs"):
        super().__init__(workdir, chart, IMAGES, release=release, namespace=namespace, values_files=values_files,
                         set_values={**LEAN_JVM_VALUES, **(set_values or {})}, nodes=nodes,
                         backoff_scale=backoff_scale)

    @property
    def nameservice(self):
        return next(e["value"] for c in self.object("StatefulSet", "namenode")["spec"]["template"]["spec"]["containers"]
                    for e in c.get("env", []) if e["name"] == "HDFS_NAMESERVICE")

    def writer(self, name):
        """A Writer (HdfsWriter in the client pod) for this release; call .start()."""
        return Writer(self, name)

    def wait_ready(self, components=("zookeeper", "journalnode", "namenode", "datanode"), timeout=300):
        """Wait until every pod of the components is Ready (those this release has; an external
        ZooKeeper has no pods)."""
        super().wait_ready([c for c in components if c in self.statefulsets or c == "datanode"], timeout)

    def hdfs(self, *args, timeout=180, check=True, stdin=None):
        """Run ``hdfs ARGS`` in the client pod; return CompletedProcess (raises on failure if check)."""
        client = self.client()
        container = client.main_containers[0].name
        result = client.exec(container, ["hdfs", *args], timeout=timeout, env={"HADOOP_CLIENT_OPTS": LEAN_JVM})
        if check and result.returncode != 0:
            raise RuntimeError(f"hdfs {' '.join(args)} failed ({result.returncode}): {result.stderr[-2000:]}")
        return result

    def hdfs_kinit(self, *args, timeout=180, check=True):
        """``hdfs ARGS`` in the client pod after a kinit with the pod's keytab (secure profile; the
        chart's own kerberos_login of lib.sh, as its helm test does)."""
        client = self.client()
        container = client.main_containers[0].name
        script = '. /opt/hdfs-scripts/lib.sh; kerberos_login; exec hdfs "$@"'
        result = client.exec(container, ["bash", "-euo", "pipefail", "-c", script, "hdfs", *args], timeout=timeout,
                             env={"HADOOP_CLIENT_OPTS": LEAN_JVM})
        if check and result.returncode != 0:
            raise RuntimeError(f"hdfs {' '.join(args)} failed ({result.returncode}): {result.stderr[-2000:]}")
        return result

    def namenode_states_secure(self):
        """{pod name: HA state} through `hdfs haadmin -getAllServiceState` (HTTPS-only profiles have no
        plain HTTP JMX to read)."""
        out = self.hdfs_kinit("haadmin", "-ns", self.nameservice, "-getAllServiceState").stdout
        states = {}
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 2:
                states[parts[0].split(".")[0].split(":")[0]] = parts[1]
        return states

    # -- daemon state -------------------------------------------------------------------------------
    def jmx(self, pod, bean, port=None, timeout=5):
        """A JMX bean (dict) of the daemon in ``pod`` over HTTP from the node, or None."""
        if port is None:
            port = next(p["containerPort"] for c in pod.spec["containers"] for p in c.get("ports", [])
                        if p.get("name") in ("http",))
        try:
            with urllib.request.urlopen(f"http://{pod.ip}:{port}/jmx?qry={bean}", timeout=timeout) as resp:
                beans = json.load(resp).get("beans", [])
        except (OSError, ValueError):
            return None
        return beans[0] if beans else None

    def namenode_state(self, pod):
        """"active", "standby", ... of a NameNode pod, or None when it does not answer."""
        bean = self.jmx(pod, "Hadoop:service=NameNode,name=NameNodeStatus")
        return bean.get("State") if bean else None

    def namenode_states(self):
        """{pod name: state or None} of every NameNode pod."""
        return {p.name: self.namenode_state(p) for p in self.pods("namenode")}

    def active_namenode(self):
        """The active NameNode's pod, or None."""
        for pod in self.pods("namenode"):
            if self.namenode_state(pod) == "active":
                return pod
        return None

    def live_datanodes(self, pod=None):
        """Number of live DataNodes the (active) NameNode sees, or None."""
        pod = pod or self.active_namenode()
        if pod is None:
            return None
        bean = self.jmx(pod, "Hadoop:service=NameNode,name=FSNamesystemState")
        return bean.get("NumLiveDataNodes") if bean else None


# ---------------------------------------------------------------------------------------------------
# A client that writes throughout a failover (tests/local/java/HdfsWriter.java)
# ---------------------------------------------------------------------------------------------------
WRITER_SOURCE = ROOT / "tests" / "local" / "java" / "HdfsWriter.java"
HADOOP_JARS = twins.BUILT / "apache-hadoop" / "opt" / "hadoop" / "share" / "hadoop" / "lib"


class Writer:
    """HdfsWriter running in the release's client pod: it writes file after file under
    /writers/<name> until stopped, and logs each acknowledged (closed) and failed write."""

    def __init__(self, release, name):
        self.release = release
        self.name = name
        self.pod = release.client()
        self.container = self.pod.main_containers[0].name
        self.tmp = self.pod.volume_dirs["tmp"]
        self.log = self.tmp / f"writer-{name}.log"
        self.stop_file = self.tmp / f"stop-{name}"
        build = self.tmp / "writer"
        if not (build / "HdfsWriter.class").exists():
            build.mkdir(exist_ok=True)
            subprocess.run(["javac", "-cp", f"{HADOOP_JARS}/*", "-d", str(build), str(WRITER_SOURCE)],
                           check=True, capture_output=True, text=True)
            for path in [build, *build.iterdir()]:
                path.chmod(0o755 if path.is_dir() else 0o644)
        self.uri = f"hdfs://{release.nameservice}"
        self.dir = f"/writers/{name}"

    def start(self):
        # The JVM options of the chart's own hdfs commands (HADOOP_OPTS: the short DNS cache) as a
        # well-configured client has them.
        cmd = (f'nohup java $HADOOP_OPTS {LEAN_JVM} -cp "$(hadoop classpath):/tmp/writer" HdfsWriter write {self.uri} {self.dir} '
               f'/tmp/stop-{self.name} > /tmp/writer-{self.name}.log 2> /tmp/writer-{self.name}.err &')
        result = self.pod.exec(self.container, ["bash", "-c", cmd], timeout=30)
        if result.returncode:
            raise RuntimeError(f"writer did not start: {result.stderr}")
        wait_for(lambda: self.acks(), timeout=120, what=f"writer {self.name}'s first acknowledged write",
                 on_timeout=lambda: (self.tmp / f"writer-{self.name}.err").read_text()[-3000:])
        return self

    def lines(self):
        return self.log.read_text().splitlines() if self.log.exists() else []

    def acks(self):
        """[(n, millis)] of acknowledged writes so far."""
        return [(int(p[1]), int(p[2])) for p in (ln.split(" ", 3) for ln in self.lines()) if p[0] == "ACK"]

    def fails(self):
        """[(n, millis, error)] of failed writes so far."""
        return [(int(p[1]), int(p[2]), p[3] if len(p) > 3 else "") for p in (ln.split(" ", 3) for ln in self.lines())
                if p[0] == "FAIL"]

    def stop(self, timeout=120):
        """Stop the writer; return (acks, fails) as lists."""
        self.stop_file.write_text("")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "STOPPED" in self.lines():
                break
            time.sleep(0.5)
        else:
            raise AssertionError(f"writer {self.name} did not stop within {timeout}s")
        return self.acks(), self.fails()

    def verify(self):
        """Read back every acknowledged file; return HdfsWriter's summary line (raises when a file
        is missing or differs)."""
        result = self.pod.exec(self.container, [
            "bash", "-c", f'java -cp "$(hadoop classpath):/tmp/writer" HdfsWriter verify {self.uri} {self.dir} '
                          f'/tmp/writer-{self.name}.log'], timeout=300)
        summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-2000:]
        if result.returncode:
            raise AssertionError(f"acknowledged writes lost: {result.stdout[-2000:]} {result.stderr[-1000:]}")
        return summary

    def gaps(self):
        """The longest stretch (seconds) between two acknowledged writes."""
        times = [ms for _, ms in self.acks()]
        return max((b - a for a, b in zip(times, times[1:])), default=0) / 1000.0
