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
import sys
import time
from pathlib import Path

import yaml

from chartsuite import helm
from chartsuite.checks import manifests
from chartsuite.cli import chart_and_values, exit_with
from chartsuite.errors import UsageError
from chartsuite.model.yamlio import _Loader, load_values


def load_user_provided(chart_dir: Path) -> frozenset[str]:
    """Names in ``<chart_dir>/user-provided.yaml`` (optional file).

    Args: chart_dir.  Returns: frozenset of ``name`` and ``Kind/name`` strings (empty when absent).
    Raises: UsageError when the file does not parse or is not a list of names / {kind, name} maps.
    """

    path = chart_dir / "user-provided.yaml"
    if not path.is_file():
        return frozenset()
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or []
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: invalid YAML: {exc}") from None
    if not isinstance(data, list):
        raise UsageError(f"{path}: must be a list of names or {{kind, name}} maps")
    names = set()
    for item in data:
        if isinstance(item, str):
            names.add(item)
        elif isinstance(item, dict) and item.get("name"):
            names.add(f"{item['kind']}/{item['name']}" if item.get("kind") else str(item["name"]))
        else:
            raise UsageError(f"{path}: entry {item!r} is neither a name nor a {{kind, name}} map")
    return frozenset(names)


# Values keys whose string values name objects the user creates (existing Secrets, claims, ConfigMaps such as krb5.conf, and the
# client ConfigMap of an HDFS installed separately), at any depth of a values file.
USER_PROVIDED_KEYS = frozenset({"existingSecret", "existingClaim", "configMap", "existingConfigMap"})


def user_provided_from_values(values_files) -> frozenset[str]:
    """Names a values file hands in as existing objects (``existingSecret``, ``existingClaim``,
    ``configMap`` keys at any depth). Args: iterable of paths. Returns: frozenset of names.
    Raises: UsageError when a file does not parse."""

    names = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in USER_PROVIDED_KEYS and isinstance(value, str) and value:
                    names.add(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for f in values_files:
        walk(load_values(Path(f), str(f)))
    return frozenset(names)


def check_objects(objects: list[dict], kube_versions, user_provided=frozenset()) -> list[str]:
    """All manifest checks on one render.  Returns: list of problem messages."""

    return (manifests.validate_objects(objects, [f"{v}.0" if v.count(".") == 1 else v for v in kube_versions])
            + manifests.check_references(objects, user_provided)
            + manifests.check_containers(objects))


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
    user_provided = load_user_provided(chart_dir) | user_provided_from_values(args.values)
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
        problems = check_objects(objects, kube, user_provided)
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
