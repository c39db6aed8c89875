"""The alluxio chart's bare-metal shape run for real (tests/local/kubelet.py and the alluxio/alluxio
image twin): workers as a DaemonSet on two simulated nodes, an SSD tier on a node directory
(hostPath) under the MEM tier, and short-circuit reads through a domain socket in a node directory
shared with the client pods of the node.

1. Without worker.volumePermissions the kubelet-made node directories are root:root 0755: the worker
   (uid 1000) cannot bind its domain socket and does not start.
2. With it (`helm upgrade`), both workers start with both tiers.
3. A client on node0 writes a file (its blocks go to node0's worker) and reads it back through the
   domain socket; a client on node1 reads it over the network.
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
        # 3. Short-circuit on node0, network from node1.
        node0, node1 = release.cluster.nodes
        local = client_on(release, node0, with_socket=True)
        remote = client_on(release, node1, with_socket=False)
        wait_for(lambda: "Live Workers: 2" in alluxio_in(release, local, "fsadmin", "report", "summary"),
                 timeout=120, what="2 live workers")
        alluxio_in(release, local, "fs", "copyFromLocal", "/opt/alluxio/lib/alluxio-core-common-2.9.6.jar", "/sc.jar")
        worker0 = next(p for p in release.pods("worker") if p.node is node0)
        stat = alluxio_in(release, local, "fs", "stat", "/sc.jar")
        # The client on node0 wrote to the worker of its node (locality by alluxio.locality.node).
        assert f"host={worker0.ip}" in stat or worker0.name in stat, stat

        def read_bytes():
            text = release.metrics(worker0)
            return metric(text, "Worker_BytesReadDomain"), metric(text, "Worker_BytesReadRemote")
        before = read_bytes()
        alluxio_in(release, local, "fs", "copyToLocal", "/sc.jar", "/tmp/sc-local.jar")
        mid = read_bytes()
        alluxio_in(release, remote, "fs", "copyToLocal", "/sc.jar", "/tmp/sc-remote.jar")
        after = read_bytes()
        domain = mid[0] - before[0]
        remote_bytes = after[1] - mid[1]
        assert domain > 0 and mid[1] == before[1], (before, mid, after)
        assert remote_bytes > 0, (before, mid, after)
        record_property("measured", f"Alluxio DaemonSet workers on 2 nodes with hostPath SSD tiers and domain sockets: "
                                    f"Ready {took:.0f} s after volumePermissions; node0 client read {domain:.0f} bytes "
                                    f"through the domain socket, node1 client {remote_bytes:.0f} bytes over the network")
    finally:
        release.close()
