"""Run a chart's semantic rules (its templates/validate.yaml) through Helm, as tools/lint_values.py does."""
import tempfile
from pathlib import Path

import pytest
import yaml

from chartsuite.helm import validation

ROOT = Path(__file__).resolve().parents[2]


def rule_problems(chart, *overrides):
    """The problems ``charts/<chart>``'s rules report for ``overrides`` (dicts, applied in order as
    ``helm -f``) over the chart's defaults.

    Returns: {path: chartsuite.errors.Problem}. Raises: validation.RenderFailed when a template fails.
    """
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i, override in enumerate(overrides):
            f = Path(tmp) / f"values-{i}.yaml"
            f.write_text(yaml.safe_dump(override))
            files.append(f)
        return {p.path: p for p in validation.rule_problems(ROOT / "charts" / chart, files, "x.yaml")}


def rules_of(chart):
    """The two things a chart's rule tests share: a module-scoped ``defaults`` fixture (the parsed
    ``charts/<chart>/values.yaml``) and ``problems(defaults, *overrides)`` ({path: Problem} of the
    rules for ``overrides`` over the chart's defaults; Helm reads the defaults itself).

    Usage: ``defaults, problems = rules_of("hdfs")`` at module level. Returns: (fixture, function).
    """
    @pytest.fixture(scope="module", name="defaults")
    def defaults():
        return yaml.safe_load((ROOT / "charts" / chart / "values.yaml").read_text())

    def problems(_defaults, *overrides):
        return rule_problems(chart, *overrides)

    return defaults, problems
