"""chart-testing's `ct lint` with the project's ct.yaml, as the public CI runs it: yamllint, yamale
(.ct/), `helm lint`, and `.ct/render-ci-values.sh` (ct.yaml additional-commands), which renders every
chart with its defaults and each ci/*-values.yaml. `helm lint` alone passes a chart whose
templates/validate.yaml rejects the values (lint mode only logs a template's `fail`)."""
import os
import shutil
import subprocess

import pytest

from conftest import ROOT
from chartsuite import helm
from chartsuite.model import profiles

CT = ROOT / ".tools" / "ct" / "ct"
pytestmark = pytest.mark.skipif(not CT.is_file(), reason="chart-testing's ct is not built (bin/setup builds it with Go)")


def ct_lint(root, *args, config="ct.yaml", record=None):
    """Run `ct lint` in ``root`` with Helm 4 and the venv's yamllint/yamale first on PATH; record: a
    file where .ct/render-ci-values.sh notes each render that passed (ct may drop the last lines of a
    command's output when the machine is busy)."""
    path = os.pathsep.join([str(os.path.dirname(helm.helm_binary(4))), str(ROOT / ".venv" / "bin"), os.environ["PATH"]])
    env = {**os.environ, "PATH": path, **({"RENDER_CI_VALUES_RECORD": str(record)} if record else {})}
    return subprocess.run([str(CT), "lint", "--config", config, "--check-version-increment=false", *args],
                          cwd=root, capture_output=True, text=True, timeout=600, env=env)


def test_ct_lint_passes_every_chart_and_renders_every_ci_profile(tmp_path):
    record = tmp_path / "renders.txt"
    r = ct_lint(ROOT, "--all", record=record)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-4000:]
    assert "All charts linted successfully" in out
    renders = record.read_text().splitlines()
    for chart in ("hdfs", "spark", "alluxio", "umbrella"):
        assert f"charts/{chart} with its defaults renders" in renders
        for values in profiles.ci_values(ROOT / "charts" / chart):
            assert f"charts/{chart} with {values.relative_to(ROOT)} renders" in renders, values


def test_a_values_rule_violation_fails_ct_lint_though_helm_lint_passes_it(tmp_path):
    for part in ("charts", ".ct", "ct.yaml"):
        src = ROOT / part
        (shutil.copytree(src, tmp_path / part, symlinks=True) if src.is_dir() else shutil.copy(src, tmp_path / part))
    (tmp_path / "charts" / "spark" / "ci" / "broken-values.yaml").write_text("config:\n  coresMax: 0\n")
    record = tmp_path / "renders.txt"
    r = ct_lint(tmp_path, "--charts", "charts/spark", record=record)
    out = r.stdout + r.stderr
    assert r.returncode != 0, out[-4000:]
    failed = [line for line in record.read_text().splitlines() if "does not render" in line]
    assert len(failed) == 1 and failed[0].startswith("charts/spark with charts/spark/ci/broken-values.yaml does not render"), failed
    assert "config.coresMax: must be positive (got 0)" in failed[0]
    # Without the additional command, ct lint (helm lint) lets the same file through.
    plain = tmp_path / "ct-plain.yaml"
    plain.write_text((tmp_path / "ct.yaml").read_text().split("additional-commands:")[0])
    r = ct_lint(tmp_path, "--charts", "charts/spark", config=str(plain))
    assert r.returncode == 0, (r.stdout + r.stderr)[-4000:]
