#!/usr/bin/env python3
"""Check that ``helm upgrade`` from a chart's previous version never needs a manual delete.

For every application chart (or those named with --chart) and every profile (defaults,
charts/<chart>/ci/*-values.yaml, examples/*.yaml naming the chart), render the chart at its base
revision and in the working tree with Helm 4 (release and namespace "upgrade", the same values
files, taken from the working tree) and report changes Kubernetes rejects on update: StatefulSet
selector / serviceName / volumeClaimTemplates / podManagementPolicy, Deployment and DaemonSet
selector, Service headless <-> ClusterIP and ExternalName switches, PVC shrink / accessModes /
storageClassName, non-hook Job templates (see tools/chartsuite/checks/upgrade.py for the rules and sources).

Base revision per chart (default): the parent of the most recent commit that changed
charts/<chart>/ or a chart it embeds (charts/common/ always), i.e. the version before the change;
HEAD when those paths have uncommitted changes. --base REV uses REV for every chart; --base VERSION
(e.g. 0.2.0: what users have installed) uses each chart's release tag ``<chart>-<version>``, or
without the tag the last commit whose Chart.yaml had that version. A chart missing at its base is
skipped; a profile whose values the old chart rejects is "not comparable".

  python tools/check_upgrade.py [--base REV|VERSION] [--chart NAME ...]

Output: one line per problem ``chart [profile]: Kind/name: field changed: old -> new``;
``note:`` lines (a removed StatefulSet leaves PVCs behind) do not fail. Progress and the
summary go to stderr. Exit 0 clean, 1 on an immutable change (or a chart that does not render),
2 on usage errors.
"""
from __future__ import annotations

import argparse
import subprocess
import sys

from chartsuite.checks import upgrade
from chartsuite.cli import exit_with
from chartsuite.errors import UsageError
from chartsuite.model import paths


def run(argv=None) -> int:
    """Parse arguments, run the check, print results.  Returns: exit status."""

    parser = argparse.ArgumentParser(description="Immutable-field check between a chart's base "
                                                 "revision and the working tree.")
    parser.add_argument("--base", metavar="REV|VERSION", help="base revision for every chart, or a "
                        "released chart version such as 0.2.0 (default: parent of the last commit that "
                        "changed the chart)")
    parser.add_argument("--chart", metavar="NAME", nargs="+", action="extend", default=[],
                        help="only these charts (directory names under charts/)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)

    try:
        available = [d.name for d in paths.chart_dirs()]
        unknown = [c for c in args.chart if c not in available]
        if unknown:
            raise UsageError(f"unknown chart(s) {', '.join(unknown)} (application charts: "
                             f"{', '.join(available)})")
        charts = args.chart or available
        if args.base and not upgrade.VERSION.match(args.base):
            try:
                upgrade.git("rev-parse", "--verify", "--quiet", f"{args.base}^{{commit}}")
            except subprocess.CalledProcessError:
                raise UsageError(f"unknown base revision {args.base!r}") from None
        progress = None if args.quiet else (lambda msg: print(f"check_upgrade: {msg}", file=sys.stderr))
        results = upgrade.check_charts(charts, base=args.base, progress=progress)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    if args.base and results and all(r.skipped for r in results):
        print(f"error: no chart has a base at {args.base!r}", file=sys.stderr)
        for result in results:
            print(f"{result.chart}: {result.skipped}", file=sys.stderr)
        return 2
    failures = notes = compared = 0
    for result in results:
        if result.skipped:
            print(f"{result.chart}: skipped: {result.skipped}", file=sys.stderr)
            continue
        for pr in result.profiles:
            where = f"{result.chart} [{pr.profile}]"
            if pr.status == "error":
                failures += 1
                print(f"{where}: error: {pr.reason}")
            elif pr.status == "not comparable":
                print(f"{where}: not comparable: {pr.reason}", file=sys.stderr)
            else:
                compared += 1
            for problem in pr.problems:
                print(f"{where}: {problem}")
                if upgrade.is_note(problem):
                    notes += 1
                else:
                    failures += 1
    bases = ", ".join(f"{r.chart}@{r.base}" for r in results if r.base)
    print(f"check_upgrade: {compared} profile(s) compared ({bases}), {failures} problem(s), "
          f"{notes} note(s)", file=sys.stderr)
    return 1 if failures else 0


def main() -> None:
    """Run the CLI; exit statuses as in chartsuite.cli (usage errors 2, never a traceback)."""

    exit_with(run, "check_upgrade")


if __name__ == "__main__":
    main()
