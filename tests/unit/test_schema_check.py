from chartsuite.errors import Problem
from chartsuite.checks.schema_check import check_values, format_path

SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "description": "release name"},
        "replicaCount": {"type": "integer", "minimum": 3, "maximum": 7},
        "kind": {"type": "string", "enum": ["StatefulSet", "DaemonSet"]},
        "size": {"type": "string", "pattern": "^[0-9]+(Mi|Gi)$", "description": "a quantity such as 10Gi"},
        "plain": {"type": "string", "pattern": "^[a-z]+$"},
        "cpu": {"anyOf": [{"type": "string", "pattern": "^[0-9]+m$", "description": "millicores such as 500m"},
                          {"type": "integer", "minimum": 1}]},
        "dirs": {"type": "array", "items": {"type": "string", "pattern": "^/", "description": "an absolute path"}},
        "server": {"type": "object", "additionalProperties": False,
                   "required": ["port"],
                   "properties": {"enabled": {"type": "boolean"}, "port": {"type": "integer"}}},
    },
}


def by_path(values):
    problems = check_values(values, SCHEMA, "f.yaml")
    assert all(isinstance(p, Problem) for p in problems)
    return {p.path: p for p in problems}


def test_valid_values_have_no_problems():
    assert check_values({"name": "x", "replicaCount": 3, "server": {"port": 1}}, SCHEMA) == []


def test_unknown_key_with_suggestion_and_allowed_keys():
    p = by_path({"name": "x", "replicaCout": 3, "server": {"port": 1, "enabeld": True}})
    assert p["replicaCout"].message == "unknown key, did you mean replicaCount?"
    assert p["replicaCout"].allowed == "cpu, dirs, kind, name, plain, replicaCount, server, size"
    assert p["server.enabeld"].message == "unknown key, did you mean enabled?"
    assert p["server.enabeld"].allowed == "enabled, port"


def test_unknown_key_without_close_match_has_no_suggestion():
    p = by_path({"name": "x", "zzzz": 1})
    assert p["zzzz"].message == "unknown key"


def test_wrong_type():
    p = by_path({"name": "x", "replicaCount": "3"})
    assert p["replicaCount"].message == "is a string, expected integer"
    assert p["replicaCount"].format() == "f.yaml: replicaCount: is a string, expected integer"


def test_enum():
    p = by_path({"name": "x", "kind": "Deployment"})
    assert p["kind"].message == "'Deployment' is not allowed"
    assert p["kind"].allowed == "one of: StatefulSet, DaemonSet"


def test_minimum_and_maximum():
    assert by_path({"name": "x", "replicaCount": 1})["replicaCount"].allowed == ">= 3"
    assert by_path({"name": "x", "replicaCount": 9})["replicaCount"].allowed == "<= 7"


def test_missing_required_is_reported_at_the_missing_path():
    p = by_path({"server": {}})
    assert p["name"].message == "is required"
    assert p["name"].allowed == "release name"
    assert p["server.port"].message == "is required"


def test_pattern_uses_description_else_the_pattern():
    p = by_path({"name": "x", "size": "10GB", "plain": "A1"})
    assert p["size"].allowed == "a quantity such as 10Gi"
    assert "'10GB'" in p["size"].message
    assert p["plain"].allowed == "matching ^[a-z]+$"


def test_list_index_paths():
    p = by_path({"name": "x", "dirs": ["/ok", "relative"]})
    assert list(p) == ["dirs[1]"]
    assert p["dirs[1]"].allowed == "an absolute path"
    assert format_path(["datanode", "hostPath", "dirs", 1]) == "datanode.hostPath.dirs[1]"


def test_any_of_picks_the_branch_matching_the_type():
    p = by_path({"name": "x", "cpu": "500"})
    assert p["cpu"].allowed == "millicores such as 500m"
    p = by_path({"name": "x", "cpu": 0})
    assert p["cpu"].allowed == ">= 1"
    p = by_path({"name": "x", "cpu": [1]})
    assert p["cpu"].message == "is a list, expected string or integer"


def test_every_error_is_reported_and_no_raw_repr_leaks():
    problems = check_values({"replicaCount": "x", "kind": "k", "size": 1, "extra": {"a": [1]},
                             "server": {"port": "p"}}, SCHEMA, "f.yaml")
    assert {p.path for p in problems} == {"name", "replicaCount", "kind", "size", "extra", "server.port"}
    for p in problems:
        text = p.format()
        assert "{'" not in text and "[1]" not in text and "is not valid under" not in text, text
