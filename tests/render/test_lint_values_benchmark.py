"""Benchmark of tools/lint_values.py (issue: under 1 s for one file, under 5 s for every file on 2 cores).
Figures go to the "measured" summary; the test asserts only that the runs are clean, never a time.
Under pytest-xdist the other worker renders at the same time, so the figures are pessimistic; run this
file alone (``bin/test tests/render/test_lint_values_benchmark.py``) for the unloaded numbers."""
import os
import statistics
import subprocess
import sys
import time

from conftest import ROOT

LINT = [sys.executable, str(ROOT / "tools" / "lint_values.py")]


def _timed(args):
    start = time.monotonic()
    run = subprocess.run(LINT + args, capture_output=True, text=True, timeout=300)
    return time.monotonic() - start, run


def test_lint_values_speed(record_property):
    one_file = ["--chart", str(ROOT / "charts" / "umbrella"), str(ROOT / "examples" / "stack-production-ha.yaml")]
    singles = []
    for _ in range(3):
        took, run = _timed(one_file)
        assert run.returncode == 0, run.stdout + run.stderr
        singles.append(took)
    took_all, run = _timed([])
    assert run.returncode == 0, run.stdout + run.stderr
    files = run.stderr.strip().splitlines()[-1].split(" files checked")[0]
    record_property("measured", f"lint_values: one umbrella file {statistics.median(singles):.2f} s (median of 3); "
                                f"all {files} files {took_all:.2f} s; {os.cpu_count()} CPUs")
