"""Bad values for the alluxio chart's rules (templates/validate.yaml): each breaks at least one rule,
and the failing render (helm install/template) and the report tools/lint_values.py reads carry the
same lines, under Helm 3 and Helm 4."""

import pytest

from conftest import HELM_MAJORS, ROOT
from rules_modes import assert_modes_agree, lint_paths
from chartsuite import helm

CHART = ROOT / "charts" / "alluxio"


def _levels(*levels):
    return {"tieredStore": {"levels": list(levels)}}


MEM = {"alias": "MEM", "dirs": [{"path": "/mnt/mem", "quota": "1Gi"}]}
SSD = {"alias": "SSD", "dirs": [{"path": "/mnt/ssd", "quota": "10Gi", "volume": {"type": "pvc"}}]}
HDD = {"alias": "HDD", "dirs": [{"path": "/mnt/hdd", "quota": "10Gi",
                                 "volume": {"type": "hostPath", "hostPath": "/data/hdd"}}]}

BAD = {
    "even-masters": {"master": {"replicaCount": 2}},
    "write-through-without-under-storage": {"client": {"writeType": "CACHE_THROUGH"}},
    "ufs-journal-three-masters": {"master": {"replicaCount": 3}, "journal": {"type": "UFS"}},
    "duplicate-alias": _levels(MEM, SSD, dict(SSD, dirs=[{"path": "/mnt/ssd2", "quota": "1Gi"}])),
    "tiers-out-of-order": _levels(SSD, MEM),
    # (a zero quota never reaches these rules: the schema rejects zero quantities first, see
    # test_bad_input_regressions.py::test_a_zero_quantity_is_rejected_by_both)
    "duplicate-path": _levels(MEM, dict(HDD, dirs=[{"path": "/mnt/mem", "quota": "1Gi"}])),
    "mem-on-hostpath": _levels({"alias": "MEM", "dirs": [
        {"path": "/mnt/mem", "quota": "1Gi", "volume": {"type": "hostPath", "hostPath": "/dev/shm"}}]}),
    "pvc-in-daemonset": dict(_levels(MEM, SSD), worker={"kind": "DaemonSet"}),
    "hostpath-without-path": _levels(MEM, dict(HDD, dirs=[{"path": "/mnt/hdd", "quota": "1Gi",
                                                            "volume": {"type": "hostPath"}}])),
    "hdfs-without-nameservice": {"hdfs": {"configMap": "x-hdfs-config"}},
    "hdfs-and-ufs-root": {"hdfs": {"configMap": "x", "nameservice": "ns"}, "ufs": {"root": "s3://b/p"}},
    "access-key-without-secret": {"ufs": {"credentials": {"accessKeyId": "AKIA"}}},
    "fuse-unprivileged": {"fuse": {"enabled": True, "containerSecurityContext": {
        "privileged": False, "capabilities": {"add": []}}}},
    "old-properties": {"properties": {"alluxio.user.block.size.bytes.default": "64MB"}},
    "no-memory-limit": {"worker": {"resources": {"limits": {"memory": None}}}},
    "everything-at-once": dict(_levels(HDD, MEM, MEM), master={"replicaCount": 4},
                               hdfs={"configMap": "x"}),
}


@pytest.mark.parametrize("major", HELM_MAJORS)
@pytest.mark.parametrize("case", sorted(BAD))
def test_failing_render_and_lint_report_carry_the_same_problems(case, major, tmp_path):
    assert_modes_agree("alluxio", BAD[case], major, tmp_path)


def test_defaults_pass_both():
    assert lint_paths("alluxio", {}) == set()
    helm.render(CHART)


def test_disabled_journal_persistence_is_allowed_but_warned():
    values = {"journal": {"persistence": {"enabled": False}}}
    assert lint_paths("alluxio", values) == set()
    helm.render(CHART, set_values={"journal.persistence.enabled": "false"})
