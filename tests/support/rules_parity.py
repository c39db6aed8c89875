"""Compare a chart's render-time rules (templates/validate.yaml) with tools/lint_values.py's rules
(tools/suite/rules/<chart>.py): both must name the same value paths for the same bad values."""
import re
from pathlib import Path

import pytest
import yaml

from suite import helm, merge, rules

ROOT = Path(__file__).resolve().parents[2]
PATH_LINE = re.compile(r"^([a-zA-Z][\w.\-\[\]]*): ", re.M)


def helm_paths(chart, values, major, tmp_path):
    """Value paths (set of str) named in the VALUES VALIDATION failure of rendering ``chart``
    (name under charts/) with ``values`` (dict) under Helm ``major``; fails the test if the render
    does not fail that way."""
    f = tmp_path / "values.yaml"
    f.write_text(yaml.safe_dump(values))
    with pytest.raises(helm.RenderError) as err:
        helm.render(ROOT / "charts" / chart, [f], major=major)
    text = str(err.value)
    assert "VALUES VALIDATION" in text, text
    return set(PATH_LINE.findall(text.split("VALUES VALIDATION:", 1)[1]))


def lint_paths(chart, values):
    """Value paths (set of str) the Python rules report for ``values`` merged over the chart's defaults."""
    defaults = yaml.safe_load((ROOT / "charts" / chart / "values.yaml").read_text())
    return {p.path for p in rules.check(chart, merge.merge_values(defaults, values))}


def helm_problems(chart, values, major, tmp_path):
    """Problem lines ``path: message (allowed)`` (set of str) of the render failure, as helm_paths."""
    f = tmp_path / "values.yaml"
    f.write_text(yaml.safe_dump(values))
    with pytest.raises(helm.RenderError) as err:
        helm.render(ROOT / "charts" / chart, [f], major=major)
    body = str(err.value).split("VALUES VALIDATION:", 1)[-1]
    return {line.strip() for line in body.splitlines() if PATH_LINE.match(line.strip())}


def lint_problems(chart, values):
    """The Python rules' problems for ``values``, formatted as the render prints them (set of str)."""
    defaults = yaml.safe_load((ROOT / "charts" / chart / "values.yaml").read_text())
    return {p.format().split(": ", 1)[1] for p in rules.check(chart, merge.merge_values(defaults, values), "f")}


def assert_same_problems(chart, values, major, tmp_path):
    """Both rule sets flag ``values`` with exactly the same lines: paths, wording and allowed values."""
    expected = lint_problems(chart, values)
    assert expected, f"the {chart} lint rules found nothing in {values}"
    assert helm_problems(chart, values, major, tmp_path) == expected
