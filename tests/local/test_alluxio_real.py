"""The alluxio chart's defaults run for real: masters, job masters, workers and job workers started
from the rendered chart by tests/local/kubelet.py, as the image's user (1000:1000) with
kubelet-owned volumes, through the image's entrypoint logic (twins/alluxio: entrypoint.sh,
launch-process, alluxio-config.sh) and Alluxio's own classes.

One release with the chart's defaults (one master with a UFS journal on a PVC, two workers with a
1 GiB MEM tier, no under storage) serves: the install (every pod Ready, both workers registered,
`helm test` passes), where the MEM tier's blocks land, the same worker with the rendered tier
property removed (it must not start), a master restart and a restart of every pod, and the
Prometheus endpoints. Measured times are printed in the "measured" section of the pytest summary.
"""
import copy
import hashlib
import os
import random
import time
from pathlib import Path

import pytest

import alluxio_pods
import chart_release
import dashboards
from polling import wait_for

ok, reason = alluxio_pods.available()
pytestmark = [pytest.mark.skipif(not ok, reason=reason), pytest.mark.xdist_group("alluxio-real")]


@pytest.fixture(scope="module")
def defaults(tmp_path_factory):
    release = alluxio_pods.AlluxioRelease(tmp_path_factory.mktemp("alluxio-defaults"))
    with chart_release.running(release, ("master", "worker"), timeout=240):
        yield release


def live_workers(release):
    out = release.alluxio("fsadmin", "report", "summary").stdout
    for line in out.splitlines():
        if line.strip().startswith("Live Workers:"):
            return int(line.split(":")[1])
    return None


def worker_names(release):
    """The worker names (addresses) the master lists in ``fsadmin report capacity``, sorted."""
    out = release.alluxio("fsadmin", "report", "capacity").stdout
    names = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) > 2 and parts[1] in ("ACTIVE", "LOST", "DECOMMISSIONED"):
            names.append(parts[0])
    return sorted(names)


def put_files(release, folder, count, seed, sizes=(1, 4096, 65536, (1 << 20) + 3, 3 << 20)):
    """Write ``count`` random files under /<folder> from the client pod; return {name: sha256}."""
    client = release.client()
    src = client.volume_dirs["tmp"] / folder
    src.mkdir()
    rng = random.Random(seed)
    digests = {}
    for i in range(count):
        data = rng.randbytes(rng.choice(sizes))
        (src / f"f{i:02d}").write_bytes(data)
        digests[f"f{i:02d}"] = hashlib.sha256(data).hexdigest()
    os.system(f"chown -R 1000:1000 {src}")
    release.alluxio("fs", "copyFromLocal", f"/tmp/{folder}", f"/{folder}")
    return digests


def read_back(release, folder, into):
    """Copy /<folder> to the client pod and return {name: sha256} of what came back."""
    client = release.client()
    release.alluxio("fs", "copyToLocal", f"/{folder}", f"/tmp/{into}")
    back = client.volume_dirs["tmp"] / into
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in back.iterdir()}


def test_defaults_install_and_helm_test_passes(defaults, record_property):
    assert wait_for(lambda: live_workers(defaults) == 2, timeout=60, what="2 live workers")
    master = defaults.pods("master")[0]
    log = defaults.log(master, "master")
    # Alluxio 2.9.5 checks the journal in AlluxioMasterProcess's constructor, before the masters
    # create their journals: an empty journal folder passes and nothing needs formatting.
    assert "has not been formatted" not in log and "Primary started" in log, log[-3000:]
    assert defaults.pods("master")[0].containers["master"].restarts == 0
    rc, out = defaults.helm_test()
    assert rc == 0 and "alluxio-test: OK" in out and "MUST_CACHE" in out, out[-3000:]
    record_property("measured", f"Alluxio defaults (1 master, UFS journal, 2 workers with a MEM tier): every pod "
                                f"ready {defaults.install_seconds:.0f} s after install")


def test_mem_tier_blocks_land_in_the_sized_ram_volume(defaults):
    digests = put_files(defaults, "tiered", 6, seed=3)
    assert read_back(defaults, "tiered", "tiered-back") == digests
    blocks = {}
    for pod in defaults.pods("worker"):
        tier = pod.volume_dirs["tier0-0"]  # the chart's emptyDir (medium Memory, sizeLimit 1Gi)
        blocks[pod.name] = [p for p in tier.rglob("*") if p.is_file() and p.name.isdigit()]
        shm = pod.exec("worker", ["bash", "-c", "ls -A /dev/shm | wc -l"]).stdout.strip()
        assert shm == "0", f"{pod.name}: files in /dev/shm"
    assert sum(len(b) for b in blocks.values()) >= 6, blocks
    stat = defaults.alluxio("fs", "stat", "/tiered/f00").stdout
    assert "tierAlias=MEM" in stat, stat


def test_worker_without_the_rendered_tier_property_does_not_start(defaults):
    """The chart's fix, undone in the rendered worker: the image's entrypoint then points the MEM tier
    at the container's 64 MiB /dev/shm and Alluxio refuses the 1 GiB quota."""
    sts = next(o for o in defaults.objects if o["kind"] == "StatefulSet" and o["metadata"]["name"].endswith("worker"))
    spec = copy.deepcopy(sts["spec"]["template"]["spec"])
    spec["containers"] = [c for c in spec["containers"] if c["name"] == "worker"]
    for env in spec["containers"][0]["env"]:
        if env["name"] == "ALLUXIO_WORKER_JAVA_OPTS":
            assert "-Dalluxio.worker.tieredstore.level0.dirs.path=" in env["value"]
            env["value"] = " ".join(w for w in env["value"].split()
                                    if not w.startswith("-Dalluxio.worker.tieredstore.level0.dirs.path="))
    pod = defaults.cluster.run_pod("alluxio-worker-broken", spec, {"app.kubernetes.io/component": "broken"})
    try:
        wait_for(lambda: "tmpfs is smaller than the configured size" in defaults.log(pod, "worker"), timeout=120,
                 what="the worker to refuse /dev/shm", on_timeout=lambda: defaults.log(pod, "worker")[-3000:])
        assert not pod.containers["worker"].ready
    finally:
        defaults.cluster.delete_pod(pod.name, grace=0)


def test_master_restart_keeps_every_file(defaults, record_property):
    digests = put_files(defaults, "before-master-restart", 10, seed=5)
    sts = defaults.sts("master")
    started = time.monotonic()
    sts.delete_pod(0).wait_ready(240)  # the controller recreates it at once
    took = time.monotonic() - started
    wait_for(lambda: live_workers(defaults) == 2, timeout=120, what="2 live workers after the master restart")
    assert read_back(defaults, "before-master-restart", "after-master-restart") == digests
    log = defaults.log(defaults.pods("master")[0], "master")
    assert "has not been formatted" not in log and "Formatting" not in log, log[-3000:]
    record_property("measured", f"Alluxio master pod deleted and recreated: Ready again in {took:.0f} s, "
                                f"10 files read back identical")


def test_restart_of_every_pod_keeps_the_namespace(defaults, record_property):
    """No under storage (the defaults): the blocks live in the workers' RAM tiers and go with the
    worker pods; the journal on the master's PVC keeps every file's metadata."""
    put_files(defaults, "before-full-restart", 5, seed=8)
    before = defaults.alluxio("fs", "ls", "-R", "/").stdout.splitlines()
    paths = [line.split()[-1] for line in before if line.strip()]
    started = time.monotonic()
    for component in ("master", "worker"):  # kubectl delete pod of each; the controllers recreate them
        sts = defaults.sts(component)
        for i in range(sts.replicas):
            sts.delete_pod(i)
    defaults.wait_ready(timeout=240)
    took = time.monotonic() - started
    # The recreated workers (new IPs) register under their stable names as the same two workers:
    # no entry of the old pods stays "live" until the master's 5-minute worker timeout.
    names = wait_for(lambda: (lambda w: w if len(w) == 2 else None)(worker_names(defaults)), timeout=120,
                     what="exactly 2 registered workers after the restart",
                     on_timeout=lambda: defaults.alluxio("fsadmin", "report", "capacity").stdout)
    assert names == sorted(f"{p.name}.alluxio-worker-headless.bigdata.svc.cluster.local"
                           for p in defaults.pods("worker")), names
    after = defaults.alluxio("fs", "ls", "-R", "/").stdout
    for path in paths:
        assert path in after, (path, after[-3000:])
    record_property("measured", f"Alluxio restart of every pod (defaults): Ready again in {took:.0f} s, "
                                f"{len(paths)} paths kept, the 2 workers registered again under their names")


def test_prometheus_endpoints_hold_capacity_and_block_metrics(defaults):
    master = defaults.metrics(defaults.pods("master")[0])
    assert "Cluster_CapacityTotal" in master and "Master_TotalPaths" in master, master[:2000]
    worker = defaults.metrics(defaults.pods("worker")[0])
    assert "Worker_CapacityTotal" in worker and "Worker_BlocksCached" in worker, worker[:2000]
    # Every metric the chart's Grafana dashboard queries is one these daemons expose.
    dashboard = dashboards.load(Path(__file__).resolve().parents[2] / "charts" / "alluxio" / "files" / "dashboards" / "alluxio.json")
    assert dashboards.missing(dashboard, [master, worker]) == []


def _master_sts(objects):
    return next(o for o in objects if o["kind"] == "StatefulSet" and o["metadata"]["name"].endswith("master"))


def test_one_to_three_masters_is_refused_with_the_metadata_intact(defaults):
    """master.replicaCount 1 -> 3 flips the journal from UFS to EMBEDDED. On a cluster, `helm upgrade`
    fails first (templates/upgrade-guard.yaml reads the release's ConfigMap back; no API server here).
    Applied anyway (as a `helm template` pipeline would), master-0's init container refuses its UFS
    journal volume and leaves it untouched; going back to 1 master serves every file again."""
    put_files(defaults, "before-upgrade", 4, seed=21)
    before = defaults.alluxio("fs", "ls", "-R", "/").stdout.splitlines()
    paths = [line.split()[-1] for line in before if line.strip()]
    sts = defaults.sts("master")
    three = defaults.render(set_values={"master.replicaCount": "3"})
    defaults.cluster.update_objects(three)
    sts.scale(3, _master_sts(three))
    pod = sts.delete_pod(0)  # the rolling update reaches master-0 with the new template
    wait_for(lambda: pod.containers["journal"].exit_codes, timeout=120, what="master-0's journal init container to stop")
    log = defaults.log(pod, "journal")
    assert "REFUSED" in log and "holds a UFS journal" in log and "master.replicaCount=1" in log, log
    journal = defaults.cluster.claims["journal-alluxio-master-0"][1]
    assert not (journal / "raft").exists() and (journal / "FileSystemMaster" / "v1").is_dir()
    # Back to the chart's one master: the same volume, every path there again.
    one = defaults.render()
    defaults.cluster.update_objects(one)
    sts.scale(1, _master_sts(one))
    sts.delete_pod(0).wait_ready(240)
    wait_for(lambda: live_workers(defaults) == 2, timeout=120, what="2 live workers after going back to 1 master")
    after = defaults.alluxio("fs", "ls", "-R", "/").stdout
    for path in paths:
        assert path in after, (path, after[-3000:])


def test_worker_jvm_gets_the_charts_direct_memory_not_the_images_4g(defaults):
    """launch-process adds -XX:MaxDirectMemorySize=4g unless the options name one: the worker's JVM
    must run with the chart's worker.jvm.maxDirectMemory (512Mi) and no other."""
    pod = defaults.pods("worker")[0]
    cmdline = pod.exec("worker", ["bash", "-c", "tr '\\0' ' ' < /proc/1/cmdline; echo; "
                                  "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; done"]).stdout
    java = [line for line in cmdline.splitlines() if "alluxio.worker.AlluxioWorker" in line]
    assert java, cmdline
    assert java[0].count("-XX:MaxDirectMemorySize=") == 1 and "-XX:MaxDirectMemorySize=536870912" in java[0], java[0]
    assert "-Xmx" not in java[0] and "-XX:MaxRAMPercentage=" in java[0], java[0]


FAKE_JAVA = """#!/bin/bash
# Stands in for java in the FUSE container: prints the command line the image's scripts built.
printf 'FAKE-JAVA'; printf ' %s' "$@"; echo
"""


def _fuse_pod(release, tmp, extra_env=()):
    """The rendered FUSE container (fuse.enabled) as a pod of uid 1000 with java replaced by a script
    that prints its arguments: no privileged mount here, the command line is what is checked."""
    objects = release.render(set_values={"fuse.enabled": "true"})
    ds = next(o for o in objects if o["kind"] == "DaemonSet" and o["metadata"]["name"].endswith("fuse"))
    spec = copy.deepcopy(ds["spec"]["template"]["spec"])
    spec["securityContext"] = {"runAsUser": 1000, "runAsGroup": 1000, "fsGroup": 1000}
    spec["volumes"] = [v for v in spec["volumes"] if v["name"] not in ("dev-fuse", "mount-parent")]
    fake = tmp / "fake-java"
    fake.mkdir(exist_ok=True)
    (fake / "java").write_text(FAKE_JAVA)
    (fake / "java").chmod(0o755)
    spec["volumes"].append({"name": "fake-java", "hostPath": {"path": str(fake), "type": "Directory"}})
    for c in spec["containers"] + spec.get("initContainers", []):
        c["securityContext"] = {"runAsUser": 1000, "runAsGroup": 1000, "readOnlyRootFilesystem": True}
    fuse = spec["containers"][0]
    fuse.pop("livenessProbe", None), fuse.pop("readinessProbe", None), fuse.pop("lifecycle", None)
    fuse["volumeMounts"] = [m for m in fuse["volumeMounts"] if m["name"] not in ("dev-fuse", "mount-parent")]
    fuse["volumeMounts"].append({"name": "fake-java", "mountPath": "/fake"})
    fuse["env"] = fuse["env"] + [{"name": "JAVA", "value": "/fake/java"}] + list(extra_env)
    name = f"alluxio-fuse-{len(release.cluster.pods)}"
    node_dir = release.cluster.nodes[0].host_path(str(fake))
    node_dir.parent.mkdir(parents=True, exist_ok=True)
    if not node_dir.exists():
        node_dir.symlink_to(fake)
    return fuse, release.cluster.run_pod(name, spec, {"app.kubernetes.io/component": "fuse-check"})


def test_fuse_command_line_through_the_image_entrypoint(defaults, tmp_path):
    """The FUSE container's rendered command through the image's entrypoint, alluxio-fuse and
    alluxio-config.sh: mount point and Alluxio path as arguments, the chart's heap and direct memory
    after the script's -Xmx1G and 4g (the JVM takes the last). The same container with a MOUNT_POINT
    variable, as the chart rendered it before, stops at once. (The mount itself:
    test_fuse_mounts_alluxio_and_serves_files_both_ways.)"""
    fuse, pod = _fuse_pod(defaults, tmp_path)
    try:
        line = wait_for(lambda: next((l for l in defaults.log(pod, "fuse").splitlines() if l.startswith("FAKE-JAVA")),
                                     None), timeout=120, what="the FUSE JVM command line",
                        on_timeout=lambda: defaults.log(pod, "fuse")[-2000:])
    finally:
        defaults.cluster.delete_pod(pod.name, grace=0)
    words = line.split()
    assert words[-7:] == ["alluxio.fuse.AlluxioFuse", "-o", "allow_other", "-m", "/mnt/alluxio-fuse", "-a", "/"], line
    xmx = [w for w in words if w.startswith("-Xmx")]
    direct = [w for w in words if w.startswith("-XX:MaxDirectMemorySize=")]
    assert xmx[0] == "-Xmx1G" and xmx[-1] == "-Xmx1228m", xmx  # 60% of the 2Gi limit wins
    assert direct[0] == "-XX:MaxDirectMemorySize=4g" and direct[-1] == "-XX:MaxDirectMemorySize=268435456", direct
    # The old render's MOUNT_POINT variable: the 2.9.5 entrypoint refuses it and exits 1.
    _, old = _fuse_pod(defaults, tmp_path, extra_env=[{"name": "MOUNT_POINT", "value": "/mnt/alluxio-fuse"}])
    try:
        wait_for(lambda: old.containers["fuse"].exit_codes, timeout=120, what="the FUSE container to stop")
        assert old.containers["fuse"].exit_codes[0] == 1
        assert "MOUNT_POINT for Alluxio Fuse are deprecated" in defaults.log(old, "fuse")
    finally:
        defaults.cluster.delete_pod(old.name, grace=0)


def test_fuse_mounts_alluxio_and_serves_files_both_ways(defaults, record_property):
    """The rendered FUSE DaemonSet pod as it is (privileged root, /dev/fuse from the node, the mount
    point's parent from the node): the image's entrypoint and alluxio-fuse start AlluxioFuse, which
    mounts Alluxio through libfuse (Alluxio's JNI binding). A file written through Alluxio is read
    through the mount and one written through the mount is read through Alluxio, byte-identical; the
    readiness probe (the mount in /proc/mounts) passes; deleting the pod runs the preStop unmount.
    Not covered here: the mount seen from other pods through Bidirectional/HostToContainer
    propagation (the test pods' mount namespaces are private: the live suite's job)."""
    objects = defaults.render(set_values={"fuse.enabled": "true"})
    ds = next(o for o in objects if o["kind"] == "DaemonSet" and o["metadata"]["name"].endswith("fuse"))
    template = ds["spec"]["template"]
    digests = put_files(defaults, "via-alluxio", 3, seed=21, sizes=(4096, (1 << 20) + 3))
    started = time.monotonic()
    pod = defaults.cluster.run_pod(f"{ds['metadata']['name']}-node0", copy.deepcopy(template["spec"]),
                                   template["metadata"].get("labels", {}))
    try:
        pod.wait_ready(180)
        mounted = time.monotonic() - started
        mounts = pod.exec("fuse", ["grep", " /mnt/alluxio-fuse ", "/proc/mounts"]).stdout
        assert " fuse" in mounts, mounts
        out = pod.exec("fuse", ["bash", "-c", "cd /mnt/alluxio-fuse/via-alluxio && sha256sum f00 f01 f02"], timeout=120)
        assert out.returncode == 0, out.stderr[-2000:]
        assert {line.split()[1]: line.split()[0] for line in out.stdout.splitlines()} == digests
        # The FUSE process is root, and so is every access through the mount: Alluxio's root belongs to
        # `alluxio` (the masters' user, Alluxio's superuser), mode 755, so root may not write there.
        denied = pod.exec("fuse", ["mkdir", "/mnt/alluxio-fuse/denied"], timeout=60)
        assert denied.returncode != 0
        # A directory handed to root by Alluxio's superuser (the README's recipe), written through the
        # mount (sequential writes are what Alluxio's FUSE supports) and read through Alluxio.
        defaults.alluxio("fs", "mkdir", "/via-fuse")
        defaults.alluxio("fs", "chown", "root", "/via-fuse")
        data = random.Random(22).randbytes((2 << 20) + 11)
        (pod.volume_dirs["tmp"] / "through-fuse.bin").write_bytes(data)
        cp = pod.exec("fuse", ["cp", "/tmp/through-fuse.bin", "/mnt/alluxio-fuse/via-fuse/f.bin"], timeout=120)
        assert cp.returncode == 0, cp.stderr[-2000:]
        assert read_back(defaults, "via-fuse", "via-fuse-back") == {"f.bin": hashlib.sha256(data).hexdigest()}
        assert pod.containers["fuse"].restarts == 0
    finally:
        log = defaults.log(pod, "fuse")
        defaults.cluster.delete_pod(pod.name)  # grace period: the preStop hook unmounts
    assert "Loaded libjnifuse with libfuse version 2" in log, log[-3000:]
    assert 'Mounting AlluxioJniFuseFileSystem: mount point="/mnt/alluxio-fuse"' in log, log[-3000:]
    record_property("measured", f"Alluxio FUSE (rendered DaemonSet pod, libfuse 2 through Alluxio's JNI binding): "
                                f"mounted and Ready {mounted:.0f} s after the pod was created")
