"""Upgrade safety (issue 8): every chart, rendered at its base revision (the version before the
change) and in the working tree with the same values, has no change Kubernetes rejects on update;
and the real render path does catch such a change."""
import subprocess
import sys

import pytest

from conftest import ROOT, application_charts
from chartsuite import helm
from chartsuite.checks import upgrade


@pytest.mark.parametrize("chart", application_charts())
def test_upgrade_from_base_needs_no_manual_delete(chart):
    (result,) = upgrade.check_charts([chart])
    if result.skipped:
        pytest.skip(f"{chart}: {result.skipped}")
    compared = [p.profile for p in result.profiles if p.status == "compared"]
    others = {p.profile: f"{p.status}: {p.reason}" for p in result.profiles if p.status != "compared"}
    print(f"{chart} against {result.base}: compared {compared}; {others}")
    errors = [f"[{p.profile}] {p.reason}" for p in result.profiles if p.status == "error"]
    assert not errors, "\n".join(errors)
    assert compared, f"{chart}: no profile could be compared with {result.base}: {others}"
    problems = [f"[{p.profile}] {m}" for p in result.profiles for m in p.failures]
    assert not problems, f"{chart}: helm upgrade from {result.base} would fail:\n" + "\n".join(problems)


def _hdfs(set_values=None):
    return helm.render(ROOT / "charts" / "hdfs", set_values=set_values, release=upgrade.RELEASE,
                       namespace=upgrade.NAMESPACE, major=4)


def test_real_render_claim_template_change_is_caught():
    old, new = _hdfs(), _hdfs({"datanode.persistence.volumeCount": "2"})
    problems = [m for m in upgrade.immutable_changes(old, new) if not upgrade.is_note(m)]
    assert any(m.startswith("StatefulSet/") and "spec.volumeClaimTemplates names changed" in m
               and "[data0] -> [data0, data1]" in m for m in problems), problems


def test_cli_on_one_chart_exits_0():
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "check_upgrade.py"), "--chart", "spark"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "profile(s) compared" in proc.stderr and "Traceback" not in proc.stderr
