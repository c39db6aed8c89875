#!/usr/bin/env python3
"""Package the charts for a release and check each archive before anything is published.

  package-charts [--chart NAME ...] [--destination DIR] [--source-url URL]
                 [--index-url URL [--merge-index FILE]] [--push oci://HOST/NAMESPACE [--plain-http]]

Each chart (default: every chart under charts/, the library chart included) is copied to a stage with
its dependencies as directories and its release metadata added (chartsuite.release.package: home and
sources at the release tag ``<chart>-<version>``, Artifact Hub changes from CHANGELOG.md, images from
the default render, license), packaged with Helm 4 into DIR (default ``.dist/charts``) and inspected:
every tar entry and every embedded chart once, no archive or test fixture inside, README links that
resolve. With --index-url, ``helm repo index`` writes DIR/index.yaml for a classic chart repository;
with --push, every archive is pushed to the OCI registry (``helm push``) — only when every archive
passed its inspection, so a failed release publishes nothing.

Exit 0 when every archive passed (and was indexed/pushed when asked), 1 when an archive failed its
inspection (nothing is pushed), 2 on usage errors (unknown chart, no repository URL, a chart version
without a CHANGELOG entry, Helm's message when packaging or pushing fails).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chartsuite.cli import exit_with
from chartsuite.errors import UsageError
from chartsuite.model import paths
from chartsuite.release import package as pkg

DEFAULT_DESTINATION = paths.REPO_ROOT / ".dist" / "charts"


def _charts(names: list[str]) -> list[Path]:
    """Chart directories to release: the named ones, or every chart under charts/ (library too)."""
    every = pkg.every_chart()
    if not names:
        return every
    by_name = {d.name: d for d in every}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise UsageError(f"unknown chart(s) {', '.join(unknown)} (charts: {', '.join(by_name)})")
    return [by_name[n] for n in names]


def run(argv: list[str] | None = None) -> int:
    """CLI entry point.  Args: argv (default sys.argv[1:]).  Returns: exit status 0/1/2 (docstring)."""
    parser = argparse.ArgumentParser(prog="package-charts", description=__doc__.split("\n\n")[0])
    parser.add_argument("--chart", metavar="NAME", nargs="+", action="extend", default=[],
                        help="only these charts (directory names under charts/)")
    parser.add_argument("--destination", type=Path, default=DEFAULT_DESTINATION, metavar="DIR",
                        help=f"directory for the archives (default {paths.display_path(DEFAULT_DESTINATION)})")
    parser.add_argument("--source-url", metavar="URL", help="https URL of the repository (default: the "
                        "'origin' remote); charts' home and sources point at its release tags")
    parser.add_argument("--index-url", metavar="URL", help="write DIR/index.yaml for a chart repository "
                           "whose archives are served from URL")
    parser.add_argument("--merge-index", type=Path, metavar="FILE", help="keep the entries of this "
                        "existing index.yaml (the repository's earlier releases)")
    parser.add_argument("--push", metavar="oci://HOST/NAMESPACE", help="push every archive to this OCI registry")
    parser.add_argument("--plain-http", action="store_true", help="push without TLS (a loopback registry)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.merge_index and not args.index_url:
        raise UsageError("--merge-index needs --index-url")
    if args.merge_index and not args.merge_index.is_file():
        raise UsageError(f"--merge-index {args.merge_index}: no such file")
    if args.push:
        pkg.check_registry(args.push)

    charts = _charts(args.chart)
    url = pkg.source_url(args.source_url)
    args.destination.mkdir(parents=True, exist_ok=True)
    for old in args.destination.glob("*.tgz"):  # an index lists what this run packaged, nothing older
        old.unlink()
    say = lambda msg: print(f"package-charts: {msg}", file=sys.stderr, flush=True)  # noqa: E731
    results = pkg.package_charts(charts, args.destination, url, say)
    for result in results:
        print("\n".join(pkg.describe(result)))
    failed = [r for r in results if r.problems]
    if failed:
        say(f"{len(failed)} archive(s) failed their inspection: nothing indexed or pushed")
        return 1
    if args.index_url:
        written = pkg.index(args.destination, args.index_url, args.merge_index)
        print(f"{paths.display_path(written)}: chart repository index for {args.index_url}")
    if args.push:
        for reference in pkg.push_all(results, args.push, args.plain_http):
            print(f"pushed {reference}")
    return 0


def main() -> None:
    """Run the CLI; exit statuses as in chartsuite.cli (usage errors 2, never a traceback)."""
    exit_with(run, "package-charts")


if __name__ == "__main__":
    main()
