"""chart-testing's `ct lint` with the project's ct.yaml, as the public CI runs it: yamllint, yamale
(.ct/), `helm lint`, and `.ct/render-ci-values.sh` (ct.yaml additional-commands), which renders every
chart with its defaults and each ci/*-values.yaml. `helm lint` alone passes a chart whose
templates/validate.yaml rejects the values (lint mode only logs a template's `fail`)."""
import os
import shutil
import subprocess

import pytest

from conftest import ROOT
from suite import helm

CT = ROOT / ".tools" / "ct" / "ct"
pytestmark = pytest.mark.skipif(not CT.is_file(), reason="chart-testing's ct is not built (bin/setup builds it with Go)")


def ct_lint(root, *args, config="ct.yaml"):
    """Run `ct lint` in ``root`` with Helm 4 and the venv's yamllint/yamale first on PATH."""
    path = os.pathsep.join([str(os.path.dirname(helm.helm_binary(4))), str(ROOT / ".venv" / "bin"), os.environ["PATH"]])
    return subprocess.run([str(CT), "lint", "--config", config, "--check-version-increment=false", *args],
                          cwd=root, capture_output=True, text=True, timeout=600, env={**os.environ, "PATH": path})


def test_ct_lint_passes_every_chart_and_renders_every_ci_profile():
    r = ct_lint(ROOT, "--all")
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-4000:]
    assert "All charts linted successfully" in out
    for chart in ("hdfs", "spark", "alluxio", "umbrella"):
        for values in sorted((ROOT / "charts" / chart / "ci").glob("*-values.yaml")):
            assert f"render-ci-values: charts/{chart} with charts/{chart}/ci/{values.name} renders" in out, values


def test_a_values_rule_violation_fails_ct_lint_though_helm_lint_passes_it(tmp_path):
    for part in ("charts", ".ct", "ct.yaml"):
        src = ROOT / part
        (shutil.copytree(src, tmp_path / part, symlinks=True) if src.is_dir() else shutil.copy(src, tmp_path / part))
    (tmp_path / "charts" / "spark" / "ci" / "broken-values.yaml").write_text("config:\n  coresMax: 0\n")
    r = ct_lint(tmp_path, "--charts", "charts/spark")
    out = r.stdout + r.stderr
    assert r.returncode != 0, out[-4000:]
    assert "config.coresMax: must be positive (got 0)" in out
    assert "render-ci-values: charts/spark with charts/spark/ci/broken-values.yaml does not render" in out
    # Without the additional command, ct lint (helm lint) lets the same file through.
    plain = tmp_path / "ct-plain.yaml"
    plain.write_text((tmp_path / "ct.yaml").read_text().split("additional-commands:")[0])
    r = ct_lint(tmp_path, "--charts", "charts/spark", config=str(plain))
    assert r.returncode == 0, (r.stdout + r.stderr)[-4000:]
