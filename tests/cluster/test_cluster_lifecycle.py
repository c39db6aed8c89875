"""bin/cluster's promise to the machine: ``up`` then ``down``, twice, leaves nothing behind — no
process, mount, network namespace, link, netfilter rule, ipset, cgroup, sysctl or fixed path that was
not there before — and each ``up`` gives a Ready node with cluster DNS and the default StorageClass.

Runs the real cluster (chartsuite.cluster), so it needs root and the programs ``bin/setup --cluster``
installs; it skips with the reason otherwise. bin/test --live runs it before bringing up the cluster
for tests/live (two clusters cannot run at once: they share the bridge and the ports)."""
from __future__ import annotations

import os

import pytest

from chartsuite.cluster import cluster, layout, machine


@pytest.fixture(scope="module")
def runnable():
    """Skip (or, under bin/test --live, which set CHARTSUITE_LIVE_REQUIRED=1 after bin/cluster check
    passed, fail) when the cluster cannot run here or one is already up."""
    required = os.environ.get("CHARTSUITE_LIVE_REQUIRED") == "1"
    problem = None
    reasons = cluster.missing_requirements()
    if reasons:
        problem = "the test cluster cannot run here: " + "; ".join(reasons)
    elif machine.State.load(layout.Dirs(layout.DEFAULT_ROOT).state_file) is not None:
        problem = "a cluster is up (.cluster/state.json): bin/cluster down first; two cannot run at once"
    if problem:
        (pytest.fail if required else pytest.skip)(problem)


def test_up_down_twice_leaves_the_machine_as_it_was(runnable, tmp_path):
    before = machine.snapshot()
    node = cluster.Cluster(tmp_path / "cluster", log=print)
    for round_ in (1, 2):
        try:
            node.up(twins=[])
            running, lines = node.status()
            assert running, "\n".join(lines)
            dns = node.kubectl("get", "service", "kube-dns", "-n", "kube-system", "-o",
                               "jsonpath={.spec.clusterIP}").stdout
            assert dns == layout.DNS_SERVICE_IP
            default_class = node.kubectl("get", "storageclass", "-o",
                                         "jsonpath={.items[?(@.metadata.annotations.storageclass\\.kubernetes\\.io/"
                                         "is-default-class=='true')].metadata.name}").stdout
            assert default_class == "local-path"
        finally:
            remaining = node.down()
        assert remaining == {}, f"round {round_}: down left {sorted(remaining)}"
        assert machine.processes_using(str(node.dirs.root)) == [], f"round {round_}: processes left"
    assert machine.differences(before, machine.snapshot()) == {}
