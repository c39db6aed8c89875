"""The alluxio chart with three masters (embedded Raft journal) run for real (tests/local/kubelet.py
and the alluxio/alluxio image twin): the masters elect a primary, a killed primary is replaced by an
election, and the namespace survives. Measured failover times are printed in the "measured" section
of the pytest summary.
"""
import re
import signal
import time

import pytest

import alluxio_pods
import chart_release
from polling import wait_for
from test_alluxio_real import put_files, read_back

ok, reason = alluxio_pods.available()
pytestmark = [pytest.mark.skipif(not ok, reason=reason), pytest.mark.xdist_group("alluxio-ha-real")]

VALUES = {"master.replicaCount": "3", "worker.replicaCount": "1"}


@pytest.fixture(scope="module")
def ha(tmp_path_factory):
    release = alluxio_pods.AlluxioRelease(tmp_path_factory.mktemp("alluxio-ha"), set_values=VALUES)
    with chart_release.running(release, ("master", "worker")):
        yield release


def primary(release):
    """The pod name of the PRIMARY master as ``fsadmin report summary`` lists it, or None."""
    result = release.alluxio("fsadmin", "report", "summary", check=False, timeout=60)
    match = re.search(r"^\s*(\S+?)\.\S*:\d+\s+PRIMARY\b", result.stdout, re.M)
    return match.group(1) if match else None


def serving(release):
    """The master pods whose web port serves (Alluxio 2.9 starts a master's web server when it gains
    primacy and stops it when it loses it; alluxio.standby.master.web.enabled is false), by name."""
    names = []
    for pod in release.pods("master"):
        try:
            release.metrics(pod, timeout=1)
            names.append(pod.name)
        except OSError:
            pass
    return names


def test_three_masters_elect_one_primary(ha, record_property):
    name = wait_for(lambda: primary(ha), timeout=120, what="a primary master")
    out = ha.alluxio("fsadmin", "report", "summary").stdout
    assert "Raft-based Journal: true" in out, out
    assert len(re.findall(r"\bSTANDBY\b", out)) == 2, out
    assert name in {p.name for p in ha.pods("master")}
    record_property("measured", f"Alluxio 3 masters (embedded journal) + 1 worker: every pod ready "
                                f"{ha.install_seconds:.0f} s after install, primary {name}")


def test_killed_primary_process_is_replaced_and_the_namespace_survives(ha, record_property):
    digests = put_files(ha, "before-kill", 8, seed=11)
    old = wait_for(lambda: primary(ha), timeout=120, what="a primary master")
    started = time.monotonic()
    ha.cluster.pods[old].kill_process("master", signal.SIGKILL)
    # The killed master's container restarts at once and may win the election again: any serving
    # primary after the kill counts.
    wait_for(lambda: not serving(ha) or serving(ha) != [old], timeout=30, interval=0.1, what="the old primary to stop")
    new = wait_for(lambda: (lambda s: s[0] if len(s) == 1 else None)(serving(ha)), timeout=180, interval=0.2,
                   what="one serving primary")
    took = time.monotonic() - started
    assert read_back(ha, "before-kill", "after-kill") == digests
    ha.wait_ready(timeout=240)
    assert primary(ha) == new
    record_property("measured", f"Alluxio primary master process killed (kill -9): {new} primary after "
                                f"{took:.1f} s; 8 files read back identical")


def test_frozen_primary_is_replaced_and_steps_down_when_thawed(ha, record_property):
    """The primary's pod frozen (every process stopped, as on a hung node) beyond the Raft election
    timeout: another master is elected; thawed, the old one finds a newer term and stays standby."""
    digests = put_files(ha, "before-freeze", 8, seed=12)
    old = wait_for(lambda: primary(ha), timeout=120, what="a primary master")
    pod = ha.cluster.pods[old]
    started = time.monotonic()
    pod.freeze()
    try:
        new = wait_for(lambda: (lambda s: s[0] if s and s[0] != old else None)(
            [n for n in serving(ha) if n != old]), timeout=120, interval=0.2, what="another serving primary")
        took = time.monotonic() - started
        # A new client while the old primary is still frozen: it has to find the new one among the
        # three addresses (printed, not asserted: a frozen master accepts TCP connections it never answers).
        client_started = time.monotonic()
        listing = ha.alluxio("fs", "ls", "/before-freeze", check=False, timeout=170)
        client_took = time.monotonic() - client_started
    finally:
        pod.thaw()
    wait_for(lambda: serving(ha) == [new], timeout=120, interval=0.5, what="the thawed master to step down",
             on_timeout=lambda: str(serving(ha)))
    assert primary(ha) == new
    assert read_back(ha, "before-freeze", "after-freeze") == digests
    client = (f"a new client listed the folder in {client_took:.0f} s" if listing.returncode == 0
              else f"a new client's listing failed after {client_took:.0f} s (rc {listing.returncode}: "
                   f"{((listing.stdout + listing.stderr).strip().splitlines() or [''])[-1][:160]})")
    record_property("measured", f"Alluxio primary master pod frozen: {new} primary after {took:.1f} s; {client} "
                                f"during the freeze; the thawed old primary stepped down; 8 files read back identical")
