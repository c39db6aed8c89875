"""The Spark chart's render-time rules (templates/validate.yaml) and tools/lint_values.py's rules
(tools/suite/rules/spark.py) report the same value paths and messages for the same bad values,
under Helm 3 and Helm 4."""
import copy
import re

import pytest
import yaml

from conftest import HELM_MAJORS, ROOT
from suite import helm, merge, rules

CHART = ROOT / "charts" / "spark"

BAD = {
    "ha-without-quorum": {"master": {"replicaCount": 2}},
    "ha-bad-quorum": {"master": {"replicaCount": 3}, "zookeeper": {"quorum": "zk-0:2181,zk-1"}},
    "executor-memory-too-big": {"config": {"executorMemory": "4g"}},
    "executor-cores-too-many": {"config": {"executorCores": 3}},
    "worker-memory-all-overhead": {"worker": {"resources": {"limits": {"memory": "1Gi"}}}},
    "no-worker-memory-limit": {"worker": {"resources": {"limits": {"memory": None}}}},
    "no-master-memory-limit": {"master": {"resources": {"limits": {"memory": None}}}},
    "zeppelin-without-password": {"zeppelin": {"enabled": True}},
    "rstudio-without-password": {"rstudio": {"enabled": True}},
    "cores-max-zero": {"config": {"coresMax": 0}},
    "everything-at-once": {"master": {"replicaCount": 2}, "config": {"executorMemory": "8g", "executorCores": 4},
                           "zeppelin": {"enabled": True}, "rstudio": {"enabled": True}},
}


def helm_messages(values, major, tmp_path):
    """Problem lines of the render failure of ``values`` (set of "path: message (allowed)")."""
    f = tmp_path / "values.yaml"
    f.write_text(yaml.safe_dump(values))
    with pytest.raises(helm.RenderError) as err:
        helm.render(CHART, [f], major=major)
    text = str(err.value)
    assert "VALUES VALIDATION" in text, text
    body = text.split("VALUES VALIDATION:", 1)[1]
    return {line.strip() for line in body.splitlines() if re.match(r"^[a-zA-Z][\w.]*: ", line.strip())}


def lint_messages(values):
    defaults = yaml.safe_load((CHART / "values.yaml").read_text())
    merged = merge.merge_values(copy.deepcopy(defaults), values)
    return {p.format().split(": ", 1)[1] for p in rules.check("spark", merged, "f.yaml")}


@pytest.mark.parametrize("major", HELM_MAJORS)
@pytest.mark.parametrize("case", sorted(BAD))
def test_render_and_lint_report_the_same_problems(case, major, tmp_path):
    expected = lint_messages(BAD[case])
    assert expected, f"lint rules found nothing for {case}"
    assert helm_messages(BAD[case], major, tmp_path) == expected


def test_defaults_pass_both():
    assert lint_messages({}) == set()
    helm.render(CHART)
