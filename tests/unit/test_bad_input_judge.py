"""The bad-input property's judge (tests/support/bad_input_judge.py) and mutations
(tests/support/values_mutations.py): each way a tool can misbehave is reported, and well-behaved
outcomes pass."""
import pytest

from bad_input_judge import helm_crash, helm_names, judge, lint_names, related, split_path
from chartsuite.errors import Problem
from values_mutations import REMOVED, Profile, apply, eligible, typos

VALID = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "b"}}]
HELM4_SCHEMA = """Error: values don't meet the specifications of the schema(s) in the following chart(s):
hdfs:
- at '/namenode/resources': got string, want object
- at '/journalnode': additional properties 'replicaCountt' not allowed
"""
HELM3_SCHEMA = """Error: values don't meet the specifications of the schema(s) in the following chart(s):
hdfs:
- datanode.hostPath.dirs.0: Invalid type. Expected: string, given: integer
spark:
- worker: Additional property replicaCountt is not allowed
"""
VALIDATION = """Error: execution error at (umbrella/charts/hdfs/templates/validate.yaml:41:4):

VALUES VALIDATION:
zookeeper.replicaCount: must be odd so the ensemble keeps a majority (got 4) (1, 3, 5, ...)
"""
CRASH = """Error: hdfs/templates/NOTES.txt:27:14
  executing "hdfs/templates/NOTES.txt" at <.Values.namenode.ingress.enabled>:
    nil pointer evaluating interface {}.enabled
"""
CALL_CRASH = """Error: template: hdfs/templates/namenode/statefulset.yaml:40:20: executing
"hdfs/templates/namenode/statefulset.yaml" at <include "common.quantity" .Values.namenode.resources>:
error calling include: ... wrong type for value; expected string; got int
"""


def problem(path, message="is wrong", allowed=""):
    return Problem("values.yaml", path, message, allowed)


# ------------------------------------------------------------------ well-behaved outcomes pass
def test_accepted_and_valid_passes():
    assert judge("hdfs", "namenode.podLabels.x", [], VALID, []) == []


def test_rejected_by_both_naming_the_value_passes():
    lint = [problem("namenode.resources", "is a string, expected map")]
    assert judge("hdfs", "namenode.resources", lint, HELM4_SCHEMA, None) == []


def test_unknown_key_named_by_its_map_and_key_passes():
    lint = [problem("journalnode.replicaCountt", "unknown key, did you mean replicaCount?")]
    assert judge("hdfs", "journalnode.replicaCountt", lint, HELM4_SCHEMA, None) == []


def test_subchart_errors_are_relative_to_the_subchart():
    lint = [problem("hdfs.zookeeper.replicaCount", "must be odd")]
    assert judge("umbrella", "hdfs.zookeeper.replicaCount", lint, VALIDATION, None) == []
    assert helm_names(HELM3_SCHEMA, "umbrella", "hdfs.datanode.hostPath.dirs[0]")
    assert helm_names(HELM3_SCHEMA, "umbrella", "spark.worker.replicaCountt")
    assert not helm_names(HELM3_SCHEMA, "umbrella", "spark.master.replicaCount")


def test_a_cross_value_rule_names_the_value_in_its_message():
    lint = [problem("config.replication", "dfs.replication 3 exceeds datanode.replicaCount 1")]
    assert lint_names(lint, "datanode.replicaCount")
    assert not lint_names(lint, "datanode.kind")


# ------------------------------------------------------------------ misbehaviour is reported
def test_a_lint_traceback_is_a_failure():
    failures = judge("hdfs", "namenode.jvm", TypeError("'int' object is not subscriptable"), VALID, [])
    assert failures and "lint_values raised TypeError" in failures[0]


def test_a_go_template_crash_is_a_failure_even_when_lint_rejects():
    lint = [problem("namenode.ingress", "is required")]
    failures = judge("hdfs", "namenode.ingress", lint, CRASH, None)
    assert failures and "Go template crash" in failures[0]
    assert judge("hdfs", "namenode.resources", [problem("namenode.resources")], CALL_CRASH, None)


def test_a_helm_failure_that_is_no_validation_message_is_a_crash():
    assert helm_crash("Error: something odd happened\n") is not None
    assert helm_crash(HELM4_SCHEMA) is None and helm_crash(VALIDATION) is None


def test_a_lint_message_that_does_not_name_the_value_is_a_failure():
    lint = [problem("namenode.replicaCount", "HA needs at least 2 NameNodes")]
    failures = judge("hdfs", "ha.enabled", lint, VALIDATION, None)
    assert any("lint_values rejects without naming ha.enabled" in f for f in failures)


def test_a_helm_message_that_does_not_name_the_value_is_a_failure():
    lint = [problem("datanode.resources.limits.Memory", "unknown key")]
    helm = ("Error: values don't meet the specifications of the schema(s) in the following chart(s):\n"
            "hdfs:\n- at '': invalid propertyName 'Memory'\n")
    failures = judge("hdfs", "datanode.resources.limits.Memory", lint, helm, None)
    assert failures == [f"Helm rejects without naming datanode.resources.limits.Memory:\n{helm.strip()}"]


def test_a_render_that_fails_strict_validation_is_a_failure():
    from chartsuite.checks import manifests

    bad = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": 1}}]
    errors = manifests.validate_objects(bad)
    assert errors
    failures = judge("hdfs", "x", [], bad, errors)
    assert failures and "fails strict Kubernetes validation" in failures[0]


def test_disagreements_are_failures():
    assert judge("hdfs", "a.b", [problem("a.b")], VALID, [])[0].startswith("lint_values rejects but Helm renders")
    assert judge("hdfs", "namenode.resources", [], HELM4_SCHEMA, None)[0].startswith(
        "Helm rejects but lint_values accepts")


def test_path_relations():
    assert split_path("a.b[0].c") == ("a", "b", "0", "c")
    assert related(("a", "b"), ("a", "b", "c")) and related(("a", "b", "c"), ("a", "b"))
    assert not related((), ("a",)) and not related(("a", "c"), ("a", "b"))


# ------------------------------------------------------------------ mutations
def profile(user, effective):
    return Profile("hdfs", "p", user, effective)


def test_apply_sets_a_value_and_creates_maps_on_the_way():
    p = profile({"a": {"x": 1}}, {"a": {"x": 1, "b": {"c": "2Gi"}}})
    assert apply(p, ("a", "b", "c"), "10Gb") == {"a": {"x": 1, "b": {"c": "10Gb"}}}
    assert p.user == {"a": {"x": 1}}


def test_apply_copies_lists_whole_and_removes_with_null():
    p = profile({}, {"dirs": ["/a", "/b"], "m": {"k": 1}})
    assert apply(p, ("dirs", 1), 3) == {"dirs": ["/a", 3]}
    assert apply(p, ("dirs", 0), REMOVED) == {"dirs": ["/b"]}
    assert apply(p, ("m", "k"), REMOVED) == {"m": {"k": None}}


def test_eligible_paths_per_kind():
    p = profile({}, {"zk": {"replicaCount": 3, "resources": {"limits": {"memory": "1Gi"}}},
                     "nameOverride": "", "on": True})
    assert ("zk", "replicaCount") in eligible(p, "out-of-range")
    assert ("on",) not in eligible(p, "out-of-range")
    assert eligible(p, "broken-quantity") == [("zk", "resources", "limits", "memory")]
    assert eligible(p, "empty-name") == [("nameOverride",)]
    assert () in eligible(p, "unknown-key") and ("zk", "resources") in eligible(p, "unknown-key")


@pytest.mark.parametrize("key", ["replicaCount", "ab", "a"])
def test_typos_differ_from_the_key(key):
    found = typos(key)
    assert found and key not in found


def test_root_level_and_dependency_errors_name_the_value():
    helm = ("Error: values don't meet the specifications of the schema(s) in the following chart(s):\n"
            "hdfs:\n- at '': additional properties 'nameOverridee' not allowed\n")
    assert helm_names(helm, "umbrella", "hdfs.nameOverridee")
    assert not helm_names(helm, "umbrella", "hdfs.fullnameOverride")
    dep = 'Error: chart dependencies processing failed: type mismatch on alluxio: %!t(string=abc)\n'
    assert helm_crash(dep) is None and helm_names(dep, "umbrella", "alluxio")


def test_a_subchart_rule_mentions_paths_relative_to_the_subchart():
    lint = [problem("hdfs.namenode.replicaCount", "must be 1 when ha.enabled is false (got 2)")]
    assert lint_names(lint, "hdfs.ha.enabled")
    assert not lint_names(lint, "spark.ha.enabled")


def test_a_number_printed_in_exponent_form_is_a_failure():
    """``replicas: 2.147483649e+09`` passes strict validation (integral) but not the API server."""
    sts = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "s"},
           "spec": {"replicas": 2147483649.0}}
    failures = judge("hdfs", "datanode.replicaCount", [], [sts], [])
    assert failures and "StatefulSet/s: spec.replicas = 2147483649.0" in failures[0]


def test_a_key_with_dots_is_named_by_its_json_pointer():
    """Helm 4 names a node-label key by its JSON pointer (``/`` escaped as ``~1``); the key's dots
    must not hide it from the mutated dotted path (the deep run found this false failure)."""
    helm = ("Error: values don't meet the specifications of the schema(s) in the following chart(s):\n"
            "alluxio:\n- at '/worker/nodeSelector/node-role.example.com~1alluxio': got number, want string")
    assert helm_names(helm, "alluxio", "worker.nodeSelector.node-role.example.com/alluxio")
    assert not helm_names(helm, "alluxio", "worker.nodeSelector.node-role.example.com/other")
