"""The chart's ZooKeeper liveness/readiness probe script against a real ZooKeeper server."""
import subprocess

import pytest

from script_sandbox import SCRIPTS
import zookeeper_server

ok, reason = zookeeper_server.available()
pytestmark = pytest.mark.skipif(not ok, reason=reason)


@pytest.fixture(scope="module")
def zookeeper(tmp_path_factory):
    server = zookeeper_server.ZooKeeperServer(tmp_path_factory.mktemp("zk"))
    yield server
    server.stop()


def probe(mode, port):
    return subprocess.run(["bash", "-euo", "pipefail", str(SCRIPTS / "zookeeper-probe.sh"), mode],
                          env={"PATH": "/usr/bin:/bin", "ZOOKEEPER_CLIENT_PORT": str(port)},
                          capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("mode", ["ruok", "ready"])
def test_probe_passes_on_a_serving_server(zookeeper, mode):
    result = probe(mode, zookeeper.port)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("mode", ["ruok", "ready"])
def test_probe_fails_when_nothing_listens(mode):
    result = probe(mode, zookeeper_server.free_port())
    assert result.returncode != 0
