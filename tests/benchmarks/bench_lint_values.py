"""Benchmark of tools/lint_values.py: wall time for one values file and for every file of the
repository (issue 16's targets: under 1 s and under 5 s on 2 cores). Prints figures; asserts nothing
about time. Exit 1 only when a lint run is not clean (the figures would be of a failing run).

Usage: .venv/bin/python tests/benchmarks/bench_lint_values.py [--runs N]   (bin/test runs it after
the tests, on an otherwise idle machine)
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT = [sys.executable, str(ROOT / "tools" / "lint_values.py")]
ONE_FILE = ["--chart", str(ROOT / "charts" / "umbrella"), str(ROOT / "examples" / "stack-production-ha.yaml")]


def timed(args: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    """Run lint_values with args. Returns: (wall seconds, completed process)."""
    start = time.monotonic()
    run = subprocess.run(LINT + args, capture_output=True, text=True, timeout=300)
    return time.monotonic() - start, run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per case; the median is printed (default 3)")
    args = parser.parse_args()
    figures = {}
    for name, lint_args in (("one umbrella values file", ONE_FILE), ("every values file", [])):
        times = []
        for _ in range(args.runs):
            took, run = timed(lint_args)
            if run.returncode != 0:
                print(f"bench_lint_values: lint_values {' '.join(lint_args)} exited {run.returncode}:\n"
                      f"{run.stdout}{run.stderr}", file=sys.stderr)
                return 1
            times.append(took)
        summary = run.stderr.strip().splitlines()[-1]
        figures[name] = f"{statistics.median(times):.2f} s median of {args.runs} (min {min(times):.2f} s; {summary})"
    print(f"measured: lint_values on {os.cpu_count()} CPUs:")
    for name, text in figures.items():
        print(f"  {name}: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
