#!/usr/bin/env python3
"""Release every chart whose version has no release tag on the remote yet.

  release-charts --pages-url URL [--remote origin] [--pages-branch gh-pages]
                 [--registry oci://HOST/NAMESPACE [--plain-http]] [--source-url URL]
                 [--destination DIR] [--dry-run] [--allow-dirty]

A chart is released once per version: while the remote (default ``origin``) has no tag
``<chart>-<version>`` (chart-releaser's naming), the chart is packaged and inspected
(package-charts), pushed to the OCI registry (``helm push``), added with a merged ``index.yaml`` to the
chart repository branch (default ``gh-pages``, served at --pages-url: ``helm repo add``), and tagged,
in that order (chartsuite.release.publish). Any failed inspection publishes nothing; a run that
stopped part-way is run again. --dry-run packages and inspects and says what would be published.
The charts released are the committed ones: a checkout with uncommitted changes under charts/ is
refused unless --allow-dirty (the tags would name a commit that is not what was packaged).

Exit 0 released (or nothing to release), 1 an archive failed its inspection, 2 usage errors (git,
Helm or registry failures with their message).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chartsuite.cli import exit_with
from chartsuite.errors import UsageError
from chartsuite.model import paths
from chartsuite.release import package as pkg
from chartsuite.release import publish

DEFAULT_DESTINATION = paths.REPO_ROOT / ".dist" / "release"


def run(argv: list[str] | None = None) -> int:
    """CLI entry point.  Args: argv (default sys.argv[1:]).  Returns: exit status 0/1/2 (docstring)."""
    parser = argparse.ArgumentParser(prog="release-charts", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages-url", required=True, metavar="URL",
                        help="URL the chart repository branch is served from (index entries point there)")
    parser.add_argument("--remote", default="origin", help="git remote (name, URL or path) that holds the "
                        "release tags and the chart repository branch (default origin)")
    parser.add_argument("--pages-branch", default="gh-pages", metavar="BRANCH",
                        help="branch of the classic chart repository (default gh-pages)")
    parser.add_argument("--registry", metavar="oci://HOST/NAMESPACE", help="OCI registry to push to")
    parser.add_argument("--plain-http", action="store_true", help="push without TLS (a loopback registry)")
    parser.add_argument("--source-url", metavar="URL", help="https URL of the repository (default: the "
                        "'origin' remote)")
    parser.add_argument("--destination", type=Path, default=DEFAULT_DESTINATION, metavar="DIR",
                        help=f"directory for the archives (default {paths.display_path(DEFAULT_DESTINATION)})")
    parser.add_argument("--dry-run", action="store_true", help="package and inspect only")
    parser.add_argument("--allow-dirty", action="store_true", help="release with uncommitted changes under charts/")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.registry:
        pkg.check_registry(args.registry)
    say = lambda msg: print(f"release-charts: {msg}", file=sys.stderr, flush=True)  # noqa: E731

    changes = publish.dirty()
    if changes and not args.allow_dirty:
        raise UsageError("uncommitted changes under charts/ (" + "; ".join(c.strip() for c in changes[:3])
                         + "): commit them first, the release tags name the commit")
    tags = publish.remote_tags(args.remote)
    every = pkg.every_chart()
    todo = [d for d in every if pkg.release_tag(d) not in tags]
    for chart_dir in every:
        if chart_dir not in todo:
            say(f"{pkg.release_tag(chart_dir)}: already released (tag on {args.remote})")
    if not todo:
        say("nothing to release")
        return 0

    url = pkg.source_url(args.source_url)
    if args.destination.exists():
        for old in args.destination.glob("*.tgz"):
            old.unlink()
    args.destination.mkdir(parents=True, exist_ok=True)
    results = pkg.package_charts(todo, args.destination, url, say)
    for result in results:
        print("\n".join(pkg.describe(result)))
    if any(r.problems for r in results):
        say("an archive failed its inspection: nothing published")
        return 1
    if args.dry_run:
        say(f"dry run: would release {', '.join(r.tag for r in results)}")
        return 0

    if args.registry:
        for reference in pkg.push_all(results, args.registry, args.plain_http):
            print(f"pushed {reference}")
    commit = publish.publish_pages([r.archive for r in results], args.remote, args.pages_branch,
                                   args.pages_url, say=say)
    print(f"{args.pages_branch} at {commit[:12]}: index.yaml lists {', '.join(r.tag for r in results)}")
    tagged = publish.push_tags([r.tag for r in results], args.remote)
    print(f"tagged {tagged[:12]}: {', '.join(r.tag for r in results)}")
    return 0


def main() -> None:
    """Run the CLI; exit statuses as in chartsuite.cli (usage errors 2, never a traceback)."""
    exit_with(run, "release-charts")


if __name__ == "__main__":
    main()
