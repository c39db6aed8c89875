"""The two ways a chart's rules end a render (charts/common/templates/_validate.tpl): ``fail`` (helm
install/template stop with "VALUES VALIDATION:" and the list) and ``report`` (ValuesValidationReport
objects, read by tools/lint_values.py). Both must carry the same lines, under Helm 3 and Helm 4."""
import re
from pathlib import Path

import pytest
import yaml

from chartsuite import helm
from chartsuite.helm import validation

ROOT = Path(__file__).resolve().parents[2]
_LINE = re.compile(r"^[a-zA-Z][\w.\-\[\]]*: ")


def _write(values, tmp_path) -> Path:
    f = tmp_path / "values.yaml"
    f.write_text(yaml.safe_dump(values))
    return f


def fail_lines(chart, values, major, tmp_path):
    """The problem lines (set of str) of the failing render of ``charts/<chart>`` with ``values``
    (dict) under Helm ``major``; fails the test when the render does not fail with VALUES VALIDATION."""
    with pytest.raises(helm.RenderError) as err:
        helm.render(ROOT / "charts" / chart, [_write(values, tmp_path)], major=major,
                    extra_args=["--skip-schema-validation"])
    text = str(err.value)
    assert "VALUES VALIDATION" in text, text
    body = text.split("VALUES VALIDATION:", 1)[1]
    return {line.strip() for line in body.splitlines() if _LINE.match(line.strip())}


def report_lines(chart, values, major, tmp_path):
    """{template name: set of problem lines} of the ValuesValidationReport objects of the report-mode
    render of ``charts/<chart>`` with ``values`` (dict) under Helm ``major``."""
    cmd = helm.template_cmd(ROOT / "charts" / chart, [_write(values, tmp_path)], major=major,
                            extra_args=validation.REPORT_FLAGS)
    reports = [d for d in helm.parse_documents(helm.run(cmd, helm.DEFAULT_TIMEOUT))
               if d.get("kind") == validation.REPORT_KIND]
    return {d["template"]: set(d["problems"]) for d in reports}


def assert_modes_agree(chart, values, major, tmp_path):
    """``values`` breaks at least one rule, and the failing render lists exactly the lines of one
    chart's report (a failing render stops at the first chart whose rules fail)."""
    reports = report_lines(chart, values, major, tmp_path)
    assert reports, f"the {chart} rules found nothing in {values}"
    assert fail_lines(chart, values, major, tmp_path) in list(reports.values())


def lint_paths(chart, values):
    """Value paths (set of str) tools/lint_values.py's rule run reports for ``values`` (dict) over the
    chart's defaults (Helm 4, report mode; subchart paths prefixed)."""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        return {p.path for p in validation.rule_problems(ROOT / "charts" / chart, [_write(values, Path(tmp))])}
