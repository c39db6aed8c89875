"""The main job's checkov step (tools/stack.py checkov_problems): a chart render passes, a
privileged Deployment is reported with its check ID, resource and profile label."""
import copy

import pytest

from chartsuite.cli import stack
from conftest import RELEASE
from chartsuite.checks import checkov_scan
from chartsuite.errors import UsageError
from test_checkov import BROKEN_INPUT

try:
    checkov_scan.checkov_binary()
    MISSING = ""
except UsageError as exc:
    MISSING = str(exc)


@pytest.mark.skipif(bool(MISSING), reason=MISSING or "checkov present")
def test_stack_reports_a_privileged_deployment_and_passes_the_chart(renders):
    privileged = copy.deepcopy(BROKEN_INPUT[0])
    problems = stack.checkov_problems({f"{RELEASE} [hdfs defaults]": renders.get("hdfs", "defaults"),
                                       f"{RELEASE} [broken]": [privileged]})
    assert problems, "the privileged Deployment must be reported"
    assert all(p.endswith(f"in {RELEASE} [broken]") for p in problems), problems
    assert any(p.startswith("CKV_K8S_16 ") and "broken-privileged" in p for p in problems), problems
