"""The alluxio chart's tiered store run for real (tests/local/kubelet.py and the alluxio/alluxio image
twin): a MEM tier on the chart's RAM-backed emptyDir above an SSD tier on a disk emptyDir, with a
shared directory as the under storage (as an NFS mount would be: one node folder, mounted into the
master and worker pods). Files are written CACHE_THROUGH with 1 MiB blocks, more than both tiers
hold: blocks fill the MEM tier, go on to the SSD tier at its quota, the oldest are evicted, and every
file reads back byte-identical (evicted blocks from the under storage). With the 1GB Alluxio
reserves in every directory of a multi-tier store by default, these directories would take no block:
the chart reserves a tenth of the smallest quota.
"""
import hashlib
import os
import random

import pytest
import yaml

import alluxio_pods

ok, reason = alluxio_pods.available()
pytestmark = [pytest.mark.skipif(not ok, reason=reason), pytest.mark.xdist_group("alluxio-ha-real")]

MIB = 1 << 20
UFS_NODE_DIR = "/srv/alluxio-ufs"
UFS = {"name": "shared-ufs", "hostPath": {"path": UFS_NODE_DIR, "type": "Directory"}}
VALUES = {
    "worker": {"replicaCount": 1,
               "extraVolumes": [UFS], "extraVolumeMounts": [{"name": "shared-ufs", "mountPath": "/mnt/ufs"}]},
    "master": {"extraVolumes": [UFS], "extraVolumeMounts": [{"name": "shared-ufs", "mountPath": "/mnt/ufs"}]},
    "ufs": {"root": "/mnt/ufs"},
    "tieredStore": {"levels": [
        {"alias": "MEM", "mediumType": "MEM", "dirs": [{"path": "/mnt/alluxio/mem", "quota": "8Mi"}]},
        {"alias": "SSD", "mediumType": "SSD", "dirs": [{"path": "/mnt/alluxio/ssd", "quota": "24Mi"}]},
    ]},
    # The worker takes no block into a directory with less free space than the block reviewer's hard
    # limit (64MB by default; ProbabilisticBufferReviewer): tiers of a few MiB need smaller limits.
    "configOverrides": {"alluxio-site.properties": {
        "alluxio.user.block.size.bytes.default": "1MB",
        "alluxio.user.file.writetype.default": "CACHE_THROUGH",
        "alluxio.worker.reviewer.probabilistic.hardlimit.bytes": "1MB",
        "alluxio.worker.reviewer.probabilistic.softlimit.bytes": "2MB"}},
}


def block_files(folder):
    """Block files (named by their numeric block id) under a tier folder: [(path, size)]."""
    return [(p, p.stat().st_size) for p in folder.rglob("*") if p.is_file() and p.name.isdigit()]


def test_blocks_fill_mem_then_ssd_are_evicted_at_the_quotas_and_read_back(tmp_path, record_property):
    values = tmp_path / "tiers-values.yaml"
    values.write_text(yaml.safe_dump(VALUES))
    release = alluxio_pods.AlluxioRelease(tmp_path / "cluster", values_files=[values])
    try:
        shared = release.cluster.nodes[0].host_path(UFS_NODE_DIR)
        shared.mkdir(parents=True)
        os.chown(shared, 1000, 1000)  # the admin's export, writable by the image's user
        release.install()
        release.wait_ready(timeout=240)
        client = release.client()
        src = client.volume_dirs["tmp"] / "src"
        src.mkdir()
        rng = random.Random(31)
        digests = {}
        for i in range(40):  # 40 MiB and a little: more than MEM 8 MiB + SSD 24 MiB
            data = rng.randbytes(MIB + i)
            (src / f"f{i:02d}").write_bytes(data)
            digests[f"f{i:02d}"] = hashlib.sha256(data).hexdigest()
        os.system(f"chown -R 1000:1000 {src}")
        # One file at a time, in order, so that eviction has an order to follow.
        for i in range(40):
            release.alluxio("fs", "copyFromLocal", f"/tmp/src/f{i:02d}", f"/f{i:02d}")
        worker = release.pods("worker")[0]
        mem = block_files(worker.volume_dirs["tier0-0"])
        ssd = block_files(worker.volume_dirs["tier1-0"])
        mem_bytes, ssd_bytes = sum(s for _, s in mem), sum(s for _, s in ssd)
        assert 0 < mem_bytes <= 8 * MIB and 0 < ssd_bytes <= 24 * MIB, (
            mem_bytes, ssd_bytes, release.alluxio("fsadmin", "report", "capacity").stdout,
            sorted(str(p) for p in worker.volume_dirs["tier0-0"].rglob("*"))[:20],
            sorted(str(p) for p in worker.volume_dirs["tier1-0"].rglob("*"))[:20],
            release.alluxio("fs", "stat", "/f39").stdout)
        cached = len(mem) + len(ssd)
        assert cached < 80, "nothing was evicted"  # 40 files of 2 blocks each (1 MiB + i bytes)
        assert worker.exec("worker", ["bash", "-c", "ls -A /dev/shm | wc -l"]).stdout.strip() == "0"
        # Every file in the under storage (CACHE_THROUGH), and every one reads back identical.
        assert sorted(p.name for p in shared.iterdir()) == sorted(digests)
        # Ten files per client JVM: one copyToLocal of all 40 grew past the test pod's 1 GiB limit
        # (anonymous memory beyond heap and direct memory, on this Java 17 twin) and was OOM-killed.
        for tens in range(4):
            release.alluxio("fs", "copyToLocal", f"/f{tens}*", "/tmp/back/")
        back = client.volume_dirs["tmp"] / "back"
        got = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in back.iterdir() if p.name in digests}
        assert got == digests
        record_property("measured", f"Alluxio tiers MEM 8Mi + SSD 24Mi, 40 files of 1 MiB+ written CACHE_THROUGH: "
                                    f"{len(mem)} blocks ({mem_bytes / MIB:.1f} MiB) in the MEM emptyDir, {len(ssd)} "
                                    f"({ssd_bytes / MIB:.1f} MiB) in the SSD emptyDir, {80 - cached} evicted; all 40 "
                                    f"read back identical")
    finally:
        release.close()
