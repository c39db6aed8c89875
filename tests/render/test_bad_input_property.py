"""Bad input, at scale: mutate every chart's valid values files (defaults, ci/ profiles, examples)
with hypothesis and check that each mutation is either accepted by tools/lint_values.py, rendered
by Helm 4 and valid under strict Kubernetes 1.29/1.35 schemas (with no number in exponent form),
or rejected by both lint_values
and Helm with a message naming the value - never a Python traceback, never a Go template crash,
never a disagreement. What "naming the value" means: tests/support/bad_input_judge.py; which
mutations: tests/support/values_mutations.py.

The examples are derandomized (the same ones on every run, no .hypothesis database). The number
per chart is BAD_INPUT_EXAMPLES (default 20); a deep run: ``BAD_INPUT_EXAMPLES=500 bin/test
tests/render/test_bad_input_property.py``. Bugs it found are pinned in test_bad_input_regressions.py.
"""
import os

import pytest
from hypothesis import HealthCheck, given, settings

from bad_input_judge import run
from conftest import NAMESPACE, RELEASE, ROOT, application_charts
from values_mutations import load_profiles, mutations

EXAMPLES = int(os.environ.get("BAD_INPUT_EXAMPLES", "20"))
HELM_MAJOR = 4
CHARTS = application_charts()
PROFILES = {chart: load_profiles(ROOT, chart) for chart in CHARTS}


@pytest.mark.parametrize("chart", CHARTS)
def test_every_mutation_is_rendered_valid_or_rejected_by_name(chart):
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(mutation=mutations(PROFILES[chart]))
    def check(mutation):
        failures = run(ROOT, chart, mutation.user, mutation.dotted, HELM_MAJOR, RELEASE, NAMESPACE)[2]
        assert not failures, mutation.describe() + "\n" + "\n".join(failures)

    check()
