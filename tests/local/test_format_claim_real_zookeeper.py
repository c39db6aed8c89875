"""The NameNode format claim against a real ZooKeeper server.

Two brand-new NameNodes start at the same moment (the StatefulSet is Parallel), each running
the chart's real namenode-bootstrap.sh with the real ZooKeeper CLI (ZooKeeperMain); only
`hdfs` and `hadoop classpath` are fakes, and the JournalNodes are JMX servers answering "no
journal". Exactly one of them may format, and it must be the owner of the claim znode.
"""
import concurrent.futures

import pytest

from script_sandbox import HttpServer, Sandbox, journalnode_jmx
import zookeeper_server

ok, reason = zookeeper_server.available()
pytestmark = pytest.mark.skipif(not ok, reason=reason)

PODS = ("hdfs-namenode-0", "hdfs-namenode-1")


@pytest.fixture(scope="module")
def zookeeper(tmp_path_factory):
    server = zookeeper_server.ZooKeeperServer(tmp_path_factory.mktemp("zk"))
    yield server
    server.stop()


@pytest.fixture
def empty_journalnodes():
    body = journalnode_jmx({})
    servers = [HttpServer(lambda path: (200, body)) for _ in range(3)]
    yield [s.address for s in servers]
    for s in servers:
        s.close()


def bootstrap(tmp_path, pod, nameservice, zk_address, jn_addresses):
    """Run namenode-bootstrap.sh as pod ``pod``; return the sandbox Result."""
    (tmp_path / pod).mkdir(parents=True)
    sandbox = Sandbox(tmp_path / pod, fakes=("hdfs", "hadoop"))
    sandbox.scenario = {"hadoop_classpath": zookeeper_server.CLASSPATH}
    return sandbox.run("namenode-bootstrap.sh", timeout=180, env={
        "POD_NAME": pod,
        "HDFS_NAMESERVICE": nameservice,
        "HDFS_HA_ENABLED": "true",
        "NAMENODE_NAME_DIR": str(sandbox.root / "name"),
        "NAMENODE_IDS": "nn0,nn1",
        "JOURNALNODE_HTTP_ADDRESSES": ",".join(jn_addresses),
        "ZOOKEEPER_QUORUM": zk_address,
        "BOOTSTRAP_TIMEOUT_SECONDS": "12",
        "BOOTSTRAP_RETRY_SECONDS": "1",
    })


@pytest.mark.parametrize("round_", range(3))
def test_two_fresh_namenodes_race_and_exactly_one_formats(tmp_path, zookeeper, empty_journalnodes, round_):
    nameservice = f"race{round_}"
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        futures = {pod: pool.submit(bootstrap, tmp_path, pod, nameservice, zookeeper.address,
                                    empty_journalnodes) for pod in PODS}
        results = {pod: f.result() for pod, f in futures.items()}

    formatted = [pod for pod, r in results.items() if r.hdfs(["namenode", "-format"])]
    assert len(formatted) == 1, results
    winner = formatted[0]
    loser = next(p for p in PODS if p != winner)
    assert results[winner].rc == 0, results[winner]
    assert all("-force" not in argv for r in results.values() for argv in r.hdfs())

    owner = zookeeper.cli("get", f"/hdfs-bootstrap/{nameservice}")
    assert owner.returncode == 0, owner.stderr
    assert winner in owner.stdout.splitlines()

    # The other NameNode saw the claim, did not format and gave up waiting with a reason.
    assert results[loser].rc == 1
    assert results[loser].hdfs(["namenode"]) == []
    assert winner in results[loser].stderr


def test_claim_survives_and_is_reread_by_its_owner(tmp_path, zookeeper, empty_journalnodes):
    """A claim holder that restarts before finishing formats again; the other pod still may not."""
    first = bootstrap(tmp_path / "a", PODS[1], "restart", zookeeper.address, empty_journalnodes)
    assert first.rc == 0 and first.hdfs(["namenode", "-format"]), first
    again = bootstrap(tmp_path / "b", PODS[1], "restart", zookeeper.address, empty_journalnodes)
    assert again.rc == 0 and again.hdfs(["namenode", "-format"]), again
    other = bootstrap(tmp_path / "c", PODS[0], "restart", zookeeper.address, empty_journalnodes)
    assert other.rc == 1 and other.hdfs(["namenode"]) == [], other
