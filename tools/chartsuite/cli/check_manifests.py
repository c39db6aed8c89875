#!/usr/bin/env python3
"""Render a chart with Helm and check the objects: strict Kubernetes API schemas (kubernetes-validate),
cross-object references, and container resources/probes.

  python tools/check_manifests.py --chart charts/hdfs [-f values.yaml ...] [--helm 3|4|both]
                                  [--kube-version 1.29 --kube-version 1.35]

Names a chart documents as provided by the user (Secrets, ConfigMaps, PVCs... that it references
but does not create) go in ``charts/<chart>/user-provided.yaml``: a list of names (or of
``{kind, name}`` maps). Exit 0 clean, 1 problems, 2 usage errors.
"""
from __future__ import annotations

import argparse
import time

from chartsuite import helm
from chartsuite.checks import manifests
from chartsuite.cli import exit_with
from chartsuite.model.paths import chart_and_values


def run(argv=None) -> int:
    """CLI entry point.  Returns: exit status."""

    parser = argparse.ArgumentParser(prog="check_manifests.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--chart", required=True, help="chart directory")
    parser.add_argument("-f", "--values", action="append", default=[], help="values file (repeatable)")
    parser.add_argument("--helm", choices=("3", "4", "both"), default="4")
    parser.add_argument("--kube-version", action="append", dest="kube_versions",
                        help="Kubernetes version to validate against (repeatable; default: "
                        f"{' and '.join(manifests.DEFAULT_KUBE_VERSIONS)})")
    parser.add_argument("--release", default="test")
    parser.add_argument("--namespace", default="default")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    chart_dir = chart_and_values(args.chart, args.values)
    kube = tuple(args.kube_versions or manifests.DEFAULT_KUBE_VERSIONS)
    majors = (3, 4) if args.helm == "both" else (int(args.helm),)
    user_provided = manifests.load_user_provided(chart_dir) | manifests.user_provided_from_values(args.values)
    total = 0
    for major in majors:
        start = time.monotonic()
        print(f"check_manifests: rendering {args.chart} with Helm {major}"
              + (f" -f {' -f '.join(args.values)}" if args.values else ""), flush=True)
        try:
            objects = helm.render(chart_dir, args.values, release=args.release,
                                  namespace=args.namespace, major=major)
        except helm.RenderError as exc:
            print(f"check_manifests: render FAILED with Helm {major}:\n{exc.stderr.strip()}")
            total += 1
            continue
        print(f"check_manifests: {len(objects)} objects rendered in {time.monotonic() - start:.1f}s; "
              f"validating against Kubernetes {', '.join(kube)}", flush=True)
        problems = manifests.check_objects(objects, kube, user_provided)
        for p in problems:
            print(f"  {p}")
        total += len(problems)
        print(f"check_manifests: Helm {major}: {len(problems)} problems", flush=True)
    print(f"check_manifests: {'OK' if not total else 'FAILED'}: {total} problems")
    return 1 if total else 0


def main() -> None:
    """Run the CLI; exit statuses as in chartsuite.cli (usage errors 2, never a traceback)."""

    exit_with(run, "check_manifests")


if __name__ == "__main__":
    main()
