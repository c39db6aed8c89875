"""The alluxio chart's bare-metal shape run for real (tests/local/kubelet.py and the alluxio/alluxio
image twin): workers as a DaemonSet on two simulated nodes, an SSD tier on a node directory
(hostPath) under the MEM tier, and short-circuit reads through a domain socket in a node directory
shared with the client pods of the node.

1. Without worker.volumePermissions the kubelet-made node directories are root:root 0755: the worker
   (uid 1000) cannot bind its domain socket and does not start.
2. With it (`helm upgrade`), both workers start with both tiers.
3. A client on the node of the worker holding a file's block reads it through the domain socket; a
   client on the other node reads it over the network.
"""
import copy
import time

import pytest
import yaml

import alluxio_pods
from polling import wait_for

ok, reason = alluxio_pods.available()
pytestmark = [pytest.mark.skipif(not ok, reason=reason), pytest.mark.xdist_group("alluxio-real")]

VALUES = {
    "worker": {"kind": "DaemonSet", "volumePermissions": {"enabled": False}},
    "shortCircuit": {"enabled": True, "policy": "uuid", "volumeType": "hostPath"},
    "tieredStore": {"levels": [
        {"alias": "MEM", "dirs": [{"path": "/mnt/alluxio/mem", "quota": "256Mi"}]},
        {"alias": "SSD", "dirs": [{"path": "/mnt/alluxio/ssd", "quota": "1Gi",
                                   "volume": {"type": "hostPath", "hostPath": "/var/lib/alluxio/ssd"}}]},
    ]},
}


def metric(text, name):
    """The value of a Prometheus sample ``name`` (first match) in ``text``, or 0.0."""
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def client_on(release, node, with_socket):
    """A client pod (the chart's test pod, left running) on ``node``; with_socket: the node's domain
    socket directory mounted as the README asks client pods to do."""
    test = next(o for o in release.objects if o["kind"] == "Pod" and o["metadata"]["name"].endswith("-test"))
    spec = copy.deepcopy(test["spec"])
    main = spec["containers"][0]
    main["command"] = ["sleep", "infinity"]
    spec["restartPolicy"] = "Always"
    if with_socket:
        spec["volumes"].append({"name": "domain-socket", "hostPath": {"path": "/var/lib/alluxio/domain-socket",
                                                                      "type": "Directory"}})
        main["volumeMounts"].append({"name": "domain-socket", "mountPath": "/opt/domain"})
    pod = release.cluster.run_pod(f"client-{node.name}", spec, {"app.kubernetes.io/component": "client"}, node=node)
    wait_for(lambda: pod.containers[main["name"]].host_pid(timeout=0.1), timeout=60, what="client pod running")
    return pod


def alluxio_in(release, pod, *args):
    result = pod.exec(pod.main_containers[0].name, ["/opt/alluxio/bin/alluxio", *args], timeout=180)
    assert result.returncode == 0, (args, (result.stdout + result.stderr)[-3000:])
    return result.stdout


def test_hostpath_tiers_and_short_circuit_reads(tmp_path, record_property):
    values = tmp_path / "bare-metal-values.yaml"
    values.write_text(yaml.safe_dump(VALUES))
    release = alluxio_pods.AlluxioRelease(tmp_path / "cluster", values_files=[values], nodes=2)
    try:
        release.install()
        release.wait_ready(components=("master",), timeout=240)
        # 1. The kubelet made the node directories root:root 0755: no worker starts (it cannot bind its
        #    domain socket; its SSD directory is refused too).
        for pod in release.pods("worker"):
            wait_for(lambda p=pod: p.containers["worker"].exit_codes, timeout=180, what=f"{pod.name}'s worker to stop",
                     on_timeout=lambda p=pod: release.log(p, "worker")[-2000:])
            assert not pod.containers["worker"].ready
            assert "AccessDeniedException: /mnt/alluxio/ssd/alluxioworker" in release.log(pod, "worker")
        # 2. helm upgrade with worker.volumePermissions.enabled: the DaemonSet's pods are replaced.
        release.upgrade_daemonset({"worker.volumePermissions.enabled": "true"})
        started = time.monotonic()
        release.wait_ready(components=("worker",), timeout=240)
        took = time.monotonic() - started
        for node in release.cluster.nodes:
            folder = node.host_path("/var/lib/alluxio/ssd") / "alluxioworker"
            st = folder.stat()
            assert (st.st_uid, st.st_gid) == (1000, 1000), (node.name, st)
            assert node.host_path("/var/lib/alluxio/ssd").stat().st_uid == 0  # the directory itself untouched
        # 3. Short-circuit on the node of the worker holding the block, network from the other node.
        #    (Which worker takes a new block is the client's write policy; under load it was not always
        #    the writer's node in these runs, so the readers follow the block.)
        clients = {node.name: client_on(release, node, with_socket=True) for node in release.cluster.nodes}
        writer = clients["node0"]
        wait_for(lambda: "Live Workers: 2" in alluxio_in(release, writer, "fsadmin", "report", "summary"),
                 timeout=120, what="2 live workers")
        alluxio_in(release, writer, "fs", "copyFromLocal", "/opt/alluxio/lib/alluxio-core-common-2.9.6.jar", "/sc.jar")
        stat = alluxio_in(release, writer, "fs", "stat", "/sc.jar")
        holders = {n.name for n in release.cluster.nodes if f"TieredIdentity(node={n.name}," in stat}
        assert len(holders) == 1, stat
        holder = holders.pop()
        other = next(n.name for n in release.cluster.nodes if n.name != holder)
        worker = next(p for p in release.pods("worker") if p.node.name == holder)

        def read_bytes():
            text = release.metrics(worker)
            return metric(text, "Worker_BytesReadDomain"), metric(text, "Worker_BytesReadRemote")
        before = read_bytes()
        alluxio_in(release, clients[holder], "fs", "copyToLocal", "/sc.jar", "/tmp/sc-local.jar")
        mid = read_bytes()
        alluxio_in(release, clients[other], "fs", "copyToLocal", "/sc.jar", "/tmp/sc-remote.jar")
        after = read_bytes()
        domain = mid[0] - before[0]
        remote_bytes = after[1] - mid[1]
        assert domain > 0 and mid[1] == before[1], (before, mid, after)
        assert remote_bytes > 0, (before, mid, after)
        record_property("measured", f"Alluxio DaemonSet workers on 2 nodes with hostPath SSD tiers and domain sockets: "
                                    f"Ready {took:.0f} s after volumePermissions; a client on the block's node ({holder}) read "
                                    f"{domain:.0f} bytes through the domain socket, one on {other} {remote_bytes:.0f} "
                                    f"bytes over the network")
    finally:
        release.close()
