"""The HDFS chart's bundled ZooKeeper, run for real: three servers from the rendered zoo.cfg and
the chart's zookeeper-start.sh (myid from the pod name, heap from the memory limit), with the real
ZooKeeper server classes. A real client (kazoo) checks the quorum: the rendered maxSessionTimeout
caps its session, one leader, a write read back
from every server, the leader killed and a new one elected with the data intact. A broken peer
port in the rendered config must keep the quorum from forming.

Substitutions (see harness.py): pod DNS names -> 127.0.0.x, mount paths -> work dirs; because the
three "pods" share one network namespace, each server binds its own loopback address
(quorumListenOnAllIPs=false, clientPortAddress=<its address>) instead of 0.0.0.0. Debian's ZooKeeper
jar has no Prometheus metrics provider, so the rendered metricsProvider.* lines are left out here (the
HDFS real-daemon tests run them with the image twin's jars).
The image's `zkServer.sh start-foreground` is stood in for by a shim that runs the same main class
(QuorumPeerMain) on $ZOOCFGDIR/zoo.cfg with -Xmx$ZK_SERVER_HEAP.
"""
import logging
import re
import socket

import pytest

import zookeeper_server
from harness import Cluster, wait_for
from chartsuite.model import quantity

ok, reason = zookeeper_server.available()
try:
    from kazoo.client import KazooClient
    from kazoo.loggingsupport import BLATHER
except ImportError:  # pragma: no cover - requirements.txt installs it
    ok, reason = False, "kazoo is not installed (bin/setup installs requirements.txt)"
pytestmark = pytest.mark.skipif(not ok, reason=reason)

STS = "local-hdfs-zookeeper"
ZK_SHIM = """#!/bin/sh
# Stand-in for the zookeeper image's `zkServer.sh start-foreground`.
[ "$1" = start-foreground ] || { echo "shim supports start-foreground only" >&2; exit 2; }
exec java ${ZK_SERVER_HEAP:+-Xmx${ZK_SERVER_HEAP}m} -Dzookeeper.log.dir="$ZOO_LOG_DIR" \\
  -cp "$ZOOCFGDIR:%s" org.apache.zookeeper.server.quorum.QuorumPeerMain "$ZOOCFGDIR/zoo.cfg"
""" % zookeeper_server.ZOOKEEPER_JAR


def four_letter(ip, port, word, timeout=2.0):
    """Send a ZooKeeper four-letter word; return the answer (str) or "" when nothing answers."""
    try:
        with socket.create_connection((ip, port), timeout=timeout) as s:
            s.sendall(word.encode())
            return s.makefile("rb").read().decode(errors="replace")
    except OSError:
        return ""


def mode(ip, port):
    m = re.search(r"^Mode: (\w+)", four_letter(ip, port, "srvr"), re.M)
    return m.group(1) if m else None


class Ensemble:
    def __init__(self, tmp_path, break_peer_ports=False, set_values=None):
        self.cluster = Cluster.render("hdfs", tmp_path, release="local", namespace="local",
                                      set_values=set_values or {})
        self.shim = tmp_path / "shim"
        self.shim.mkdir()
        (self.shim / "zkServer.sh").write_text(ZK_SHIM)
        (self.shim / "zkServer.sh").chmod(0o755)
        self.servers = {}
        for i in range(3):
            pod = self.cluster.pod(STS, i)
            ip = pod.ip

            def adapt(text, ip=ip, myid=i + 1):
                text = text.replace("quorumListenOnAllIPs=true", "quorumListenOnAllIPs=false")
                text += f"clientPortAddress={ip}\n"
                # Debian's ZooKeeper jar here has no Prometheus metrics provider (the image's lib/ has it:
                # tests/local/test_hdfs_ha_real.py runs it): the provider lines are left out.
                text = re.sub(r"^metricsProvider\..*\n", "", text, flags=re.M)
                if break_peer_ports:  # every server dials its peers on the wrong ports
                    text = re.sub(r"^(server\.(\d+)=[^:]+):(\d+):(\d+)$",
                                  lambda m: m.group(0) if int(m.group(2)) == myid
                                  else f"{m.group(1)}:{int(m.group(3)) + 1}:{int(m.group(4)) + 1}",
                                  text, flags=re.M)
                return text

            argv, env = pod.prepare("zookeeper", edits={"zoo.cfg": adapt})
            limit = pod.container("zookeeper")["resources"]["limits"]["memory"]
            cgroup = pod.workdir / "memory.max"
            cgroup.write_text(f"{int(quantity.parse_quantity(limit))}\n")
            env["CGROUP_MEMORY_FILE"] = str(cgroup)
            self.port = int(env["ZOOKEEPER_CLIENT_PORT"])
            self.servers[pod.name] = ip
            self.cluster.start(pod.name, argv, env, extra_path=[self.shim])

    def modes(self):
        return {name: mode(ip, self.port) for name, ip in self.servers.items()}

    def client(self, names=None, session_timeout=10):
        hosts = ",".join(f"{self.servers[n]}:{self.port}" for n in (names or self.servers))
        zk = KazooClient(hosts=hosts, timeout=session_timeout)
        zk.start(timeout=20)
        return zk

    def stop(self):
        self.cluster.stop()


@pytest.fixture
def ensemble(tmp_path):
    # zookeeper.maxSessionTimeout rendered into zoo.cfg must be honoured by the real server.
    e = Ensemble(tmp_path, set_values={"zookeeper.maxSessionTimeout": 10000})
    yield e
    e.stop()


def test_rendered_ensemble_forms_a_quorum_survives_leader_loss(ensemble):
    modes = wait_for(lambda: (m := ensemble.modes()) and sorted(v or "" for v in m.values()) ==
                     ["follower", "follower", "leader"] and m,
                     60, what="one leader and two followers", on_timeout=ensemble.cluster.logs)
    leader = next(n for n, m in modes.items() if m == "leader")

    # myid written by the chart's start script from the pod ordinal; heap from the memory limit.
    for i, name in enumerate(sorted(ensemble.servers)):
        assert (ensemble.cluster.workdir / name / "data" / "myid").read_text().strip() == str(i + 1)
    assert "ZK_SERVER_HEAP=" in (ensemble.cluster.workdir / f"{leader}.log").read_text()

    # A client asking for 60 s sessions (as Spark's masters do) is capped by maxSessionTimeout.
    # kazoo logs the timeout the server granted (ms) at its BLATHER level when the session starts.
    granted = []
    handler = logging.Handler(level=BLATHER)
    handler.emit = lambda record: granted.extend(re.findall(r"negotiated session timeout: (\d+)",
                                                            record.getMessage()))
    kazoo_log = logging.getLogger("kazoo.client")
    kazoo_log.addHandler(handler)
    level = kazoo_log.level
    kazoo_log.setLevel(BLATHER)  # setLevel, not .level =: it also clears logging's isEnabledFor cache
    try:
        zk = ensemble.client(session_timeout=60)
    finally:
        kazoo_log.removeHandler(handler)
        kazoo_log.setLevel(level)
    assert granted == ["10000"], granted
    zk.create("/quorum-check", b"written-through-the-quorum", makepath=True)
    zk.stop()
    for name in ensemble.servers:  # read back from every server on its own
        c = ensemble.client([name])
        c.sync("/quorum-check")
        assert c.get("/quorum-check")[0] == b"written-through-the-quorum"
        c.stop()

    ensemble.cluster.kill(leader)
    survivors = [n for n in ensemble.servers if n != leader]
    new = wait_for(lambda: (m := {n: mode(ensemble.servers[n], ensemble.port) for n in survivors})
                   and sorted(v or "" for v in m.values()) == ["follower", "leader"] and m,
                   60, what="a new leader among the survivors", on_timeout=ensemble.cluster.logs)
    print(f"leader {leader} killed; new modes {new}")
    c = ensemble.client(survivors)
    assert c.get("/quorum-check")[0] == b"written-through-the-quorum"
    c.create("/after-failover", b"ok")
    c.stop()


def test_wrong_peer_ports_keep_the_quorum_from_forming(tmp_path):
    broken = Ensemble(tmp_path, break_peer_ports=True)
    try:
        with pytest.raises(AssertionError, match="timed out"):
            wait_for(lambda: any(m in ("leader", "follower") for m in broken.modes().values()), 20,
                     what="a quorum (must not form)")
        assert set(broken.modes().values()) == {None}
    finally:
        broken.stop()
