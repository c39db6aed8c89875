#!/usr/bin/env python3
"""Print what a chart with given values asks of the cluster: pods, CPU/memory requests and limits,
and storage, per component and in total.

  python tools/footprint.py --chart charts/hdfs [-f values.yaml ...] [--daemonset-nodes N]
                            [--format text|json] [--helm 3|4] [--fit-cpu 4] [--fit-memory 8Gi]

Renders with ``helm template`` (chartsuite.helm.render) and computes each pod's effective requests and
limits the way Kubernetes does (init containers: the larger of the biggest init container and the
sum of the containers). DaemonSets are assumed to run on --daemonset-nodes nodes. With --fit-cpu /
--fit-memory (a node's or the cluster's allocatable capacity) the total requests must fit.
Exit 0 ok, 1 total requests exceed --fit-cpu/--fit-memory, 2 usage errors (missing file, not a
chart, render failure with helm's message).
"""
from __future__ import annotations

import argparse
import json
import sys

from chartsuite import helm
from chartsuite.checks import footprint as fp
from chartsuite.cli import exit_with
from chartsuite.errors import UsageError
from chartsuite.model.paths import chart_and_values
from chartsuite.model.quantity import parse_quantity


def _quantity(text: str, what: str):

    try:
        return parse_quantity(text)
    except ValueError as exc:
        raise UsageError(f"--fit-{what}: {exc}") from None


def run(argv: list[str] | None = None) -> int:
    """CLI entry point.  Args: argv (default sys.argv[1:]).  Returns: exit status 0/1/2."""
    parser = argparse.ArgumentParser(
        prog="footprint.py", description=__doc__.split("\n\n")[0],
        epilog="Exit status: 0 ok, 1 requests exceed --fit-cpu/--fit-memory, 2 usage error.")
    parser.add_argument("--chart", required=True, help="chart directory (e.g. charts/hdfs)")
    parser.add_argument("-f", "--values", action="append", default=[], metavar="FILE",
                        help="values file (repeatable, merged in order as helm -f)")
    parser.add_argument("--daemonset-nodes", type=int, default=1, metavar="N",
                        help="nodes each DaemonSet is assumed to run on (default 1)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--helm", choices=("3", "4"), default="4", help="Helm major version (default 4)")
    parser.add_argument("--release", help="release name (default: the chart directory name)")
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--fit-cpu", metavar="CORES", help="capacity in cores (4, 3500m): exit 1 when "
                        "the total CPU requests exceed it")
    parser.add_argument("--fit-memory", metavar="QUANTITY", help="capacity (8Gi): exit 1 when the "
                        "total memory requests exceed it")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 2 for usage errors, 0 for --help
        return int(exc.code or 0)


    chart_dir = chart_and_values(args.chart, args.values)
    if args.daemonset_nodes < 0:
        raise UsageError(f"--daemonset-nodes must be >= 0, not {args.daemonset_nodes}")
    cpu = _quantity(args.fit_cpu, "cpu") if args.fit_cpu is not None else None
    memory = _quantity(args.fit_memory, "memory") if args.fit_memory is not None else None
    try:
        objects = helm.render(chart_dir, args.values, release=args.release or chart_dir.resolve().name,
                              namespace=args.namespace, major=int(args.helm))
    except helm.RenderError as exc:
        raise UsageError(f"helm template failed:\n{exc.stderr.strip()}") from None
    try:
        report = fp.footprint(objects, args.daemonset_nodes)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    over = fp.over_capacity(report, cpu, None if memory is None else int(memory))

    if args.format == "json":
        doc = report.as_dict()
        if cpu is not None or memory is not None:
            doc["fit"] = {"cpu": None if cpu is None else fp.cores(cpu),
                          "memory": None if memory is None else int(memory), "problems": over}
        print(json.dumps(doc, indent=2))
    else:
        print(fp.format_table(report))
    for line in over:
        print(f"footprint: does not fit: {line}", file=sys.stderr)
    if (cpu is not None or memory is not None) and not over:
        print("footprint: total requests fit the given capacity", file=sys.stderr)
    return 1 if over else 0


def main() -> None:
    """Run the CLI; exit statuses as in chartsuite.cli (usage errors 2, never a traceback)."""

    exit_with(run, "footprint")


if __name__ == "__main__":
    main()
