"""Spark master HA from the Spark chart's rendered configuration, run for real: two masters and a
worker (pyspark's Spark 3.5.6, see spark_pods.py) with master.replicaCount=2 and zookeeper.quorum
pointing at a real standalone ZooKeeper (zookeeper_server.py). Exactly one master is ALIVE and the
other STANDBY; a job completes against the rendered multi-master URL; the active master is killed
(SIGKILL, as a lost node); the standby becomes ALIVE, the worker re-registers with it and a second
job completes. The failover times (kill -> standby ALIVE, kill -> worker re-registered) are
printed in the "measured" section of the test summary; they are not asserted (only bounded waits).

Substitutions: see harness.py and spark_pods.py. zookeeper.quorum is set at render time to the
test server's 127.0.0.1:<port>. The server caps sessions at 10 s (maxSessionTimeout=10000; Spark
asks for 60 s): the dead master's session expiry dominates the failover, and 10 s instead of
ZooKeeper's default 40 s cap keeps the test short. The cap used is printed with the measurement.
"""
import time
from pathlib import Path

import pytest

import spark_pods as sp
import zookeeper_server
from harness import Cluster, wait_for

zk_ok, zk_reason = zookeeper_server.available()
pytestmark = [pytest.mark.skipif(not sp.AVAILABLE, reason=sp.SKIP_REASON),
              pytest.mark.skipif(not zk_ok, reason=zk_reason)]


SESSION_CAP_MS = 10000


@pytest.fixture
def zookeeper(tmp_path):
    server = zookeeper_server.ZooKeeperServer(tmp_path / "zookeeper", max_session_timeout_ms=SESSION_CAP_MS)
    yield server
    server.stop()


@pytest.fixture
def cluster(tmp_path, zookeeper):
    ports = sp.free_ports()
    # RPC authentication (on by default) is covered by test_spark_standalone_real.py; the drivers
    # here submit straight from the master's SPARK_CONF_DIR, which holds no secret, so it is off.
    c = Cluster.render("spark", tmp_path / "pods", values_files=[sp.VALUES],
                       set_values={**ports, "master.replicaCount": 2, "zookeeper.quorum": zookeeper.address,
                                   "auth.enabled": "false"})
    c.ports = ports
    yield c
    c.stop()


def statuses(masters, http):
    """{pod name: master status (ALIVE, STANDBY, RECOVERING, ...) or None when not answering}."""
    return {pod.name: (j or {}).get("status") for pod, j in ((p, sp.master_json(p.ip, http)) for p in masters)}


def test_standby_master_takes_over_and_the_worker_follows(cluster, zookeeper, tmp_path, record_property):
    http = cluster.ports["master.service.ports.http"]
    rpc = cluster.ports["master.service.ports.cluster"]
    masters = [sp.start(cluster, sp.MASTER, "master", ordinal=i)[0] for i in range(2)]
    conf_dir = Path(masters[0].substitute("/etc/spark/conf"))
    conf = dict(line.split(" ", 1) for line in (conf_dir / "spark-defaults.conf").read_text().splitlines()
                if line and not line.startswith("#"))
    url = f"spark://{masters[0].ip}:{rpc},{masters[1].ip}:{rpc}"
    assert conf["spark.master"] == url
    assert (conf["spark.deploy.recoveryMode"], conf["spark.deploy.zookeeper.url"]) == ("ZOOKEEPER", zookeeper.address)

    def one_alive_one_standby():
        s = statuses(masters, http)
        return sorted(s.values(), key=str) == ["ALIVE", "STANDBY"] and s
    state = wait_for(one_alive_one_standby, 120, what="one ALIVE and one STANDBY master", on_timeout=cluster.logs)
    active = next(p for p in masters if state[p.name] == "ALIVE")
    standby = next(p for p in masters if state[p.name] == "STANDBY")
    znode = conf["spark.deploy.zookeeper.dir"]
    listing = zookeeper.cli("ls", znode)
    assert "leader_election" in listing.stdout and "master_status" in listing.stdout, listing.stdout + listing.stderr

    _, wargv, _ = sp.start(cluster, sp.WORKER, "worker")
    assert wargv[-1] == url
    wait_for(lambda: (sp.master_json(active.ip, http) or {}).get("aliveworkers") == 1, 90,
             what="worker registered with the active master", on_timeout=cluster.logs)

    first = sp.submit_pi(conf_dir, tmp_path)
    assert first.returncode == 0 and "Pi is roughly 3.1" in first.stdout, \
        first.stdout[-2000:] + first.stderr[-3000:] + cluster.logs()

    killed = time.monotonic()
    cluster.kill(active.name)
    wait_for(lambda: (sp.master_json(standby.ip, http) or {}).get("status") == "ALIVE", 240,
             what="the standby master to become ALIVE", on_timeout=cluster.logs)
    to_alive = time.monotonic() - killed
    after = wait_for(lambda: (j := sp.master_json(standby.ip, http)) and j.get("aliveworkers") == 1 and j, 240,
                     what="the worker to re-register with the new master", on_timeout=cluster.logs)
    to_worker = time.monotonic() - killed
    assert after["workers"][0]["host"] == cluster.ip(f"{sp.WORKER}-0")

    second = sp.submit_pi(conf_dir, tmp_path)
    assert second.returncode == 0 and "Pi is roughly 3.1" in second.stdout, \
        second.stdout[-2000:] + second.stderr[-3000:] + cluster.logs()
    apps = sp.master_json(standby.ip, http)["completedapps"]
    assert "PythonPi" in [a["name"] for a in apps], apps

    measured = (f"Spark master failover (ZooKeeper maxSessionTimeout {SESSION_CAP_MS} ms): kill -9 of the "
                f"active master -> standby ALIVE {to_alive:.1f} s, -> worker re-registered {to_worker:.1f} s")
    print(measured)
    record_property("measured", measured)
