"""HDFS as Alluxio's under storage, as the umbrella wires it: one umbrella release with HDFS (HA
nameservice, permissions on) and Alluxio (one master, one MEM-tier worker, Spark left out) run from
the rendered charts by tests/local/kubelet.py with the real Hadoop, ZooKeeper and Alluxio daemons,
as the images' users (Alluxio: uid 1000 `alluxio`; HDFS: uid 1000 `hadoop`, its superuser).

Nothing is prepared by hand: the hdfs chart's directories Job makes Alluxio's root and hands it to
`alluxio`; the alluxio chart's defaults over an under storage (CACHE_THROUGH, chown failures allowed)
do the rest. Checked: the Job's outcome, `helm test` writing through, a CACHE_THROUGH file and an
ASYNC_THROUGH file (once the job service persisted it) in HDFS, and both read back byte-identical
after the worker pod, and with it every block of its MEM tier, is gone.
"""
import hashlib
import os
import random
import time

import pytest

import chart_release
import stack_pods
from polling import wait_for

ok, reason = stack_pods.available()
pytestmark = [pytest.mark.skipif(not ok, reason=reason), pytest.mark.xdist_group("alluxio-hdfs-real")]

ROOT = "/alluxio"  # the umbrella's alluxio.hdfs.path and hdfs.directories.items.alluxio.path


def put(release, name, data, write_type=None):
    """Write ``data`` (bytes) to Alluxio path /<name> from the Alluxio client pod (as uid 1000), with
    the default write type or ``write_type``."""
    client = release.alluxio_client()
    local = client.volume_dirs["tmp"] / name
    local.write_bytes(data)
    os.chown(local, 1000, 1000)
    env = {"ALLUXIO_USER_JAVA_OPTS": f"-Dalluxio.user.file.writetype.default={write_type}"} if write_type else None
    release.alluxio("fs", "copyFromLocal", f"/tmp/{name}", f"/{name}", env=env)


def digest_of(release, name):
    """sha256 of Alluxio file /<name>, read from the Alluxio client pod."""
    client = release.alluxio_client()
    back = client.volume_dirs["tmp"] / f"{name}.back"
    if back.exists():
        back.unlink()
    release.alluxio("fs", "copyToLocal", f"/{name}", f"/tmp/{name}.back")
    return hashlib.sha256(back.read_bytes()).hexdigest()


def stat(release, name):
    return release.alluxio("fs", "stat", f"/{name}").stdout


def test_alluxio_writes_through_to_the_release_hdfs_and_survives_a_lost_worker(tmp_path, record_property):
    release = stack_pods.StackRelease(tmp_path, set_values={"alluxio.worker.replicaCount": "1"})
    with chart_release.running(release, stack_pods.HDFS_COMPONENTS + stack_pods.ALLUXIO_COMPONENTS,
                               timeout=420) as stack:
        succeeded, logs = stack.wait_job("directories", timeout=300)
        assert succeeded, "\n---\n".join(logs)[-4000:]
        listing = stack.hdfs("dfs", "-ls", "-d", ROOT).stdout.split()
        assert listing[:1] == ["drwxr-xr-x"] and listing[2:4] == ["alluxio", "alluxio"], listing

        rc, out = stack.helm_test(suffix="alluxio-test")
        assert rc == 0 and "CACHE_THROUGH" in out, out[-3000:]

        rng = random.Random(13)
        files = {"through.bin": rng.randbytes((3 << 20) + 5), "async.bin": rng.randbytes((2 << 20) + 7)}
        put(stack, "through.bin", files["through.bin"])  # the chart's default write type
        started = time.monotonic()
        put(stack, "async.bin", files["async.bin"], write_type="ASYNC_THROUGH")
        wait_for(lambda: "persistenceState=PERSISTED" in stat(stack, "async.bin"), timeout=180, interval=1,
                 what="the ASYNC_THROUGH file persisted by the job service",
                 on_timeout=lambda: stat(stack, "async.bin")[-1500:] + stack.log(stack.pods("master")[0], "master")[-3000:])
        persisted = time.monotonic() - started
        assert "persistenceState=PERSISTED" in stat(stack, "through.bin")

        # In HDFS, under Alluxio's root, with their full length, written by Alluxio's user.
        for name, data in files.items():
            row = stack.hdfs("dfs", "-ls", f"{ROOT}/{name}").stdout.split()
            assert row[2] == "alluxio" and int(row[4]) == len(data), row

        # The worker pod goes, and with it its MEM tier (an emptyDir in memory): no block is left in Alluxio.
        stack.sts("worker").delete_pod(0)
        stack.wait_ready(("worker",), timeout=240)
        wait_for(lambda: all("inAlluxioPercentage=0" in stat(stack, n) for n in files), timeout=120, interval=1,
                 what="the blocks of the lost worker gone from Alluxio's metadata",
                 on_timeout=lambda: "\n".join(stat(stack, n)[-800:] for n in files))
        started = time.monotonic()
        for name, data in files.items():
            assert digest_of(stack, name) == hashlib.sha256(data).hexdigest(), name
        reread = time.monotonic() - started
        record_property("measured", f"Alluxio over the umbrella's HDFS: every pod ready {stack.install_seconds:.0f} s "
                                    f"after install; ASYNC_THROUGH file (2 MiB) persisted in {persisted:.1f} s; after "
                                    f"the MEM-tier worker was recreated, 5 MiB read back from HDFS in {reread:.1f} s")
