"""The hdfs chart's semantic rules (templates/validate.yaml) run by Helm on its real values.yaml, as
tools/lint_values.py runs them."""

import pytest
from chart_rules import rules_of
from conftest import ROOT

defaults, problems = rules_of("hdfs")



def test_defaults_are_clean(defaults):
    assert problems(defaults) == {}


def test_even_zookeeper(defaults):
    p = problems(defaults, {"ha": {"enabled": True}, "zookeeper": {"enabled": True, "replicaCount": 4}})
    assert p["zookeeper.replicaCount"].message == "must be odd so the ensemble keeps a majority (got 4)"
    assert p["zookeeper.replicaCount"].allowed == "1, 3, 5, ..."
    assert "zookeeper.replicaCount" not in problems(
        defaults, {"ha": {"enabled": True}, "zookeeper": {"enabled": False, "replicaCount": 4},
                   "externalZookeeper": {"quorum": "zk:2181"}})


def test_even_journalnodes(defaults):
    p = problems(defaults, {"ha": {"enabled": True}, "journalnode": {"replicaCount": 2}})
    assert p["journalnode.replicaCount"].message == \
        "must be odd so the quorum journal keeps a majority (got 2)"
    assert p["journalnode.replicaCount"].allowed == "3, 5, 7, ..."


@pytest.mark.parametrize("ha, count, message, allowed", [
    (True, 1, "HA needs at least 2 NameNodes (got 1)", "2..5"),
    (True, 6, "HA supports at most 5 NameNodes (got 6)", "2..5"),
    (False, 2, "must be 1 when ha.enabled is false (got 2)", "1"),
])
def test_namenode_count(defaults, ha, count, message, allowed):
    p = problems(defaults, {"ha": {"enabled": ha}, "namenode": {"replicaCount": count}})
    assert (p["namenode.replicaCount"].message, p["namenode.replicaCount"].allowed) == (message, allowed)


def test_namenode_count_ok(defaults):
    assert problems(defaults, {"ha": {"enabled": True}, "namenode": {"replicaCount": 3}}) == {}
    assert "namenode.replicaCount" not in problems(
        defaults, {"ha": {"enabled": False}, "namenode": {"replicaCount": 1}})


def test_external_zookeeper_quorum(defaults):
    base = {"ha": {"enabled": True}, "zookeeper": {"enabled": False}}
    p = problems(defaults, base, {"externalZookeeper": {"quorum": ""}})
    assert p["externalZookeeper.quorum"].message == "is required when zookeeper.enabled is false"
    assert p["externalZookeeper.quorum"].allowed == "host:port[,host:port...]"
    p = problems(defaults, base, {"externalZookeeper": {"quorum": "zk-0:2181,zk-1"}})
    assert p["externalZookeeper.quorum"].message == "entry 'zk-1' is not host:port"
    assert problems(defaults, base, {"externalZookeeper": {"quorum": "zk-0:2181, zk-1.zk:2181"}}) == {}


def test_replication_exceeds_datanodes(defaults):
    p = problems(defaults, {"datanode": {"kind": "StatefulSet", "replicaCount": 2},
                            "config": {"replication": 3}})
    assert p["config.replication"].message == ("dfs.replication 3 exceeds datanode.replicaCount 2, "
                                               "so every block would stay under-replicated")
    assert p["config.replication"].allowed == "1..2"
    assert problems(defaults, {"datanode": {"kind": "DaemonSet", "replicaCount": 1,
                                            "volumePermissions": {"enabled": True}},
                               "config": {"replication": 3}}) == {}
    # No DataNodes at all: the schema names datanode.replicaCount, this rule says nothing ("(1..0)").
    assert "config.replication" not in problems(defaults, {"datanode": {"replicaCount": 0}})


@pytest.mark.parametrize("component", ["namenode", "namenode.zkfc", "journalnode", "datanode", "zookeeper"])
def test_jvm_memory_limit_required(defaults, component):
    override = {}
    cur = override
    for part in component.split("."):
        cur = cur.setdefault(part, {})
    cur["resources"] = {"limits": {"memory": None}}
    p = problems(defaults, override)
    path = f"{component}.resources.limits.memory"
    assert p[path].message == "is required: the JVM heap is sized from the container memory limit"
    assert p[path].allowed == "a quantity such as 2Gi"


def test_zookeeper_memory_not_required_when_external(defaults):
    p = problems(defaults, {"zookeeper": {"enabled": False, "resources": {"limits": {"memory": None}}},
                            "externalZookeeper": {"quorum": "zk:2181"}})
    assert "zookeeper.resources.limits.memory" not in p


def test_bad_quantities_are_the_schemas_to_report(tmp_path):
    """Positive quantities are a type (the schema's QUANTITY_PATTERN, tools/chartsuite/schemas/blocks.py), not a rule."""
    import json
    import subprocess
    import sys
    f = tmp_path / "v.yaml"
    f.write_text("datanode:\n  resources:\n    requests:\n      cpu: '-1'\n  persistence:\n    size: 0Gi\n"
                 "namenode:\n  persistence:\n    size: ten gigs\n")
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "lint_values.py"), "--chart", str(ROOT / "charts" / "hdfs"),
                        str(f), "--format", "json"], capture_output=True, text=True, timeout=60)
    paths = {p["path"] for p in json.loads(r.stdout)["problems"]}
    assert {"datanode.resources.requests.cpu", "datanode.persistence.size", "namenode.persistence.size"} <= paths


def test_wrong_types_are_reported_by_the_schema_and_the_rules_still_run(tmp_path):
    """The templates expect the schema's types; lint puts schema-flagged values back at their defaults
    for the rule render, so a wrong type is one schema problem (not a template failure) and the other
    values are still judged (journalnode.replicaCount)."""
    import json
    import subprocess
    import sys
    f = tmp_path / "v.yaml"
    f.write_text("namenode:\n  replicaCount: two\n  resources: big\nzookeeper:\n  replicaCount: null\n"
                 "config:\n  replication: [3]\njournalnode:\n  replicaCount: 4\n")
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "lint_values.py"), "--chart", str(ROOT / "charts" / "hdfs"),
                        str(f), "--format", "json"], capture_output=True, text=True, timeout=60)
    doc = json.loads(r.stdout)
    assert doc["errors"] == [] and r.returncode == 1, r.stderr
    paths = {p["path"] for p in doc["problems"]}
    assert {"namenode.replicaCount", "namenode.resources", "config.replication", "journalnode.replicaCount"} <= paths
    assert not [p for p in doc["problems"] if "helm template fails" in p["message"]]


def test_lint_cli_dedupes_schema_and_rule_problems(tmp_path):
    import json
    import subprocess
    import sys

    if not (ROOT / "charts" / "hdfs" / "values.schema.json").is_file():
        pytest.skip("charts/hdfs/values.schema.json not written yet")
    f = tmp_path / "v.yaml"
    f.write_text("datanode:\n  persistence:\n    size: 10GB\njournalnode:\n  replicaCount: 4\n")
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "lint_values.py"), "--chart",
                        str(ROOT / "charts" / "hdfs"), str(f), "--format", "json"],
                       capture_output=True, text=True, timeout=60)
    doc = json.loads(r.stdout)
    paths = [p["path"] for p in doc["problems"]]
    assert r.returncode == 1
    assert paths.count("datanode.persistence.size") == 1
    assert "journalnode.replicaCount" in paths


@pytest.mark.parametrize("pdb, path, ok", [
    ({"maxUnavailable": 1}, None, True),
    ({"maxUnavailable": 2}, "maxUnavailable", False),
    ({"maxUnavailable": "34%"}, "maxUnavailable", False),  # rounds up to 2 of 3
    ({"maxUnavailable": "33%"}, None, True),  # 1 of 3
    ({"maxUnavailable": None, "minAvailable": 2}, None, True),
    ({"maxUnavailable": None, "minAvailable": "50%"}, None, True),  # 2 of 3 stay up (rounded up)
    ({"maxUnavailable": None, "minAvailable": "33%"}, "minAvailable", False),  # 1 of 3 stays up
])
def test_quorum_pdbs_keep_a_majority(defaults, pdb, path, ok):
    found = problems(defaults, {"journalnode": {"pdb": dict({"create": True}, **pdb)}})
    key = f"journalnode.pdb.{path}" if path else None
    if ok:
        assert not [p for p in found if p.startswith("journalnode.pdb")]
    else:
        assert key in found, found


def test_quorum_pdb_of_a_single_zookeeper_is_not_checked(defaults):
    assert not [p for p in problems(defaults, {"zookeeper": {"replicaCount": 1}}) if p.startswith("zookeeper.pdb")]


def test_owned_keys_name_the_value_to_set(defaults):
    found = problems(defaults, {"configOverrides": {
        "hdfs-site.xml": {"dfs.ha.namenodes.x": "nn0", "dfs.namenode.handler.count": 20},
        "core-site.xml": {"ha.zookeeper.quorum": "zk:2181", "fs.trash.interval": 60}}})
    assert found["configOverrides.hdfs-site.xml.dfs.ha.namenodes.x"].allowed == "namenode.replicaCount"
    assert found["configOverrides.core-site.xml.ha.zookeeper.quorum"].allowed == "zookeeper or externalZookeeper.quorum"
    assert "configOverrides.hdfs-site.xml.dfs.namenode.handler.count" not in found and "configOverrides.core-site.xml.fs.trash.interval" not in found


def test_memory_in_millibytes_anywhere(defaults):
    found = problems(defaults, {"tests": {"resources": {"requests": {"memory": "512m"}}},
                                "namenode": {"resources": {"limits": {"memory": "2Gi", "cpu": "500m"}}}})
    assert found["tests.resources.requests.memory"].allowed == "a quantity such as 512Mi"
    assert not [p for p in found if p.startswith("namenode.resources")]  # cpu in millicores is right


@pytest.mark.parametrize("old, file", [("coreSite", "core-site.xml"), ("hdfsSite", "hdfs-site.xml")])
def test_the_old_property_keys_name_their_new_place(defaults, old, file):
    found = problems(defaults, {old: {"fs.trash.interval": 60}})
    assert (found[old].message, found[old].allowed) == (
        f"moved to configOverrides.{file}", f"configOverrides: {{{file}: {{...}}}}")


def test_global_stack_on_a_chart_installed_alone_is_refused(defaults):
    """global.stack is filled by the umbrella from its subcharts (import-values); given to a chart alone
    it would point the chart at siblings that do not exist."""
    found = problems(defaults, {"global": {"stack": {"spark": {"enabled": True}}}})
    assert found["global.stack"].allowed == "unset"
