"""The alluxio chart's semantic rules (templates/validate.yaml) run by Helm on its real values.yaml, as
tools/lint_values.py runs them."""

import pytest
import yaml
from chart_rules import rules_of
from conftest import ROOT

defaults, problems = rules_of("alluxio")


def levels(*items):
    return {"tieredStore": {"levels": list(items)}}


def tier(alias, path, quota="1Gi", **volume):
    d = {"path": path, "quota": quota}
    if volume:
        d["volume"] = volume
    return {"alias": alias, "dirs": [d]}



def test_defaults_are_clean(defaults):
    assert problems(defaults) == {}


@pytest.mark.parametrize("count, bad", [(1, False), (2, True), (3, False), (4, True), (5, False)])
def test_master_count(defaults, count, bad):
    p = problems(defaults, {"master": {"replicaCount": count}})
    assert ("master.replicaCount" in p) == bad
    if bad:
        assert p["master.replicaCount"].message == \
            f"must be 1 or odd so the embedded journal keeps a majority (got {count})"
        assert p["master.replicaCount"].allowed == "1, 3, 5, ..."


def test_ufs_journal_serves_one_master(defaults):
    p = problems(defaults, {"master": {"replicaCount": 3}, "journal": {"type": "UFS"}})
    assert p["journal.type"].message == "a UFS journal on a master volume serves exactly 1 master (got 3 masters)"
    assert "journal.type" not in problems(defaults, {"master": {"replicaCount": 3}, "journal": {"type": "EMBEDDED"}})
    assert "journal.type" not in problems(defaults, {"master": {"replicaCount": 1}, "journal": {"type": "EMBEDDED"}})


def test_alias_order_and_uniqueness(defaults):
    ok = levels(tier("MEM", "/m"), tier("SSD", "/s", type="pvc"), tier("HDD", "/h", type="hostPath", hostPath="/d"))
    assert problems(defaults, ok) == {}
    p = problems(defaults, levels(tier("SSD", "/s"), tier("MEM", "/m")))
    assert p["tieredStore.levels[1].alias"].message == "'MEM' must not follow 'SSD'"
    assert p["tieredStore.levels[1].alias"].allowed == "each alias once, ordered MEM, SSD, HDD"
    p = problems(defaults, levels(tier("MEM", "/m"), tier("MEM", "/n")))
    assert p["tieredStore.levels[1].alias"].message == "'MEM' is already used by level 0"


def test_quota_is_a_positive_quantity_by_type(tmp_path):
    """The quota's form (positive, a Kubernetes quantity) is the schema's (tools/chartsuite/schemas/blocks.py
    QUANTITY_PATTERN): lint reports it with its path, and no rule reports it a second time."""
    import json
    import subprocess
    import sys
    for quota, bad in (("1Gi", False), ("512Mi", False), ("0", True), ("0Gi", True), ("-1Gi", True), ("1GB", True)):
        f = tmp_path / "v.yaml"
        f.write_text(yaml.safe_dump(levels(tier("MEM", "/m", quota))))
        run = subprocess.run([sys.executable, str(ROOT / "tools" / "lint_values.py"), "--chart", str(ROOT / "charts" / "alluxio"),
                              str(f), "--format", "json"], capture_output=True, text=True, timeout=60)
        found = [p for p in json.loads(run.stdout)["problems"] if p["path"] == "tieredStore.levels[0].dirs[0].quota"]
        assert len(found) == (1 if bad else 0), (quota, found)


def test_mem_must_be_ram_backed(defaults):
    p = problems(defaults, levels(tier("MEM", "/m", type="hostPath", hostPath="/dev/shm")))
    assert p["tieredStore.levels[0].dirs[0].volume.type"].message == \
        "a MEM directory must be a RAM-backed emptyDir counted in the worker memory (got hostPath)"


def test_pvc_needs_statefulset(defaults):
    values = levels(tier("MEM", "/m"), tier("SSD", "/s", type="pvc"))
    assert problems(defaults, values) == {}
    p = problems(defaults, values, {"worker": {"kind": "DaemonSet"}})
    assert p["tieredStore.levels[1].dirs[0].volume.type"].allowed == "emptyDir or hostPath with a DaemonSet"


def test_duplicate_paths_and_missing_host_path(defaults):
    p = problems(defaults, levels(tier("MEM", "/m"), tier("HDD", "/m", type="hostPath")))
    assert set(p) == {"tieredStore.levels[1].dirs[0].path", "tieredStore.levels[1].dirs[0].volume.hostPath"}


def test_hdfs_needs_a_nameservice_and_excludes_ufs_root(defaults):
    p = problems(defaults, {"hdfs": {"configMap": "cm"}, "ufs": {"root": "s3://b"}})
    assert set(p) == {"hdfs.nameservice", "ufs.root"}
    assert problems(defaults, {"hdfs": {"configMap": "cm", "nameservice": "ns"}}) == {}


def test_credentials(defaults):
    assert "ufs.credentials.secretKey" in problems(defaults, {"ufs": {"credentials": {"accessKeyId": "a"}}})
    assert problems(defaults, {"ufs": {"credentials": {"accessKeyId": "a", "secretKey": "b"}}}) == {}
    assert problems(defaults, {"ufs": {"credentials": {"accessKeyId": "a", "existingSecret": "s"}}}) == {}


def test_fuse_security(defaults):
    assert problems(defaults, {"fuse": {"enabled": True}}) == {}
    p = problems(defaults, {"fuse": {"enabled": True, "containerSecurityContext": {"enabled": False}}})
    assert set(p) == {"fuse.containerSecurityContext.privileged"}
    p = problems(defaults, {"fuse": {"enabled": True, "containerSecurityContext": {"capabilities": {"add": []}}}})
    assert set(p) == {"fuse.containerSecurityContext.capabilities.add"}
    # Disabled FUSE is not checked.
    assert problems(defaults, {"fuse": {"enabled": False, "containerSecurityContext": {"privileged": False}}}) == {}


@pytest.mark.parametrize("comp", ["master", "jobMaster", "worker", "jobWorker"])
def test_memory_limits_required(defaults, comp):
    p = problems(defaults, {comp: {"resources": {"limits": {"memory": None}}}})
    assert p[f"{comp}.resources.limits.memory"].allowed == "a quantity such as 2Gi"


def test_journal_without_persistence_is_not_an_error(defaults):
    assert problems(defaults, {"journal": {"persistence": {"enabled": False}}}) == {}
