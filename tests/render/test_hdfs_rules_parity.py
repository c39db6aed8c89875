"""The HDFS chart's render-time rules (templates/validate.yaml) and
tools/lint_values.py's rules (tools/suite/rules/hdfs.py) report the same value
paths for the same bad values, under Helm 3 and Helm 4."""
import copy
import re

import pytest
import yaml

from conftest import HELM_MAJORS, ROOT
from suite import helm, merge, rules

CHART = ROOT / "charts" / "hdfs"

BAD = {
    "even-zookeeper": {"zookeeper": {"replicaCount": 4}},
    "even-journalnodes": {"journalnode": {"replicaCount": 4}},
    "ha-one-namenode": {"namenode": {"replicaCount": 1}},
    "nonha-two-namenodes": {"ha": {"enabled": False}, "namenode": {"replicaCount": 2}},
    "no-external-quorum": {"zookeeper": {"enabled": False}},
    "bad-external-quorum": {"zookeeper": {"enabled": False}, "externalZookeeper": {"quorum": "zk1:2181,zk2"}},
    "replication-over-datanodes": {"config": {"replication": 5}},
    "no-memory-limit": {"datanode": {"resources": {"limits": {"memory": None}}}},
    "everything-at-once": {"zookeeper": {"replicaCount": 2}, "journalnode": {"replicaCount": 6},
                           "namenode": {"replicaCount": 1}, "config": {"replication": 9}},
}


def helm_paths(values, major, tmp_path):
    """Value paths named in the render failure of ``values`` (set of str)."""
    f = tmp_path / "values.yaml"
    f.write_text(yaml.safe_dump(values))
    with pytest.raises(helm.RenderError) as err:
        helm.render(CHART, [f], major=major)
    text = str(err.value)
    assert "VALUES VALIDATION" in text, text
    return set(re.findall(r"^([a-zA-Z][\w.]*): ", text.split("VALUES VALIDATION:", 1)[1], re.M))


def lint_paths(values):
    defaults = yaml.safe_load((CHART / "values.yaml").read_text())
    merged = merge.merge_values(copy.deepcopy(defaults), values)
    return {p.path for p in rules.check("hdfs", merged)}


@pytest.mark.parametrize("major", HELM_MAJORS)
@pytest.mark.parametrize("case", sorted(BAD))
def test_render_and_lint_name_the_same_values(case, major, tmp_path):
    expected = lint_paths(BAD[case])
    assert expected, f"lint rules found nothing for {case}"
    assert helm_paths(BAD[case], major, tmp_path) == expected


def test_defaults_pass_both():
    assert lint_paths({}) == set()
    helm.render(CHART)
