#!/usr/bin/env python3
"""A real single-node Kubernetes on this machine for the live tests (chartsuite.cluster).

  cluster up [--twin NAME ...] [--root DIR]   start it (prints each phase's time); exit 0 when the node
                                             is Ready with CoreDNS and the default StorageClass
  cluster down [--root DIR]                  stop it and restore the machine; exit 1 when something
                                             could not be restored (listed)
  cluster status [--root DIR]                one line per process and the node; exit 0 iff all run
  cluster kubeconfig [--root DIR]            print the admin kubeconfig's path
  cluster check                              exit 0 when this machine can run it, else 3 with the reasons

Run as root. bin/cluster runs ``bin/setup --cluster`` first (Debian packages, Go builds, image twins).
Exit 2 on usage errors and on a failed start (the message names the step; ``down`` undoes it).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chartsuite.cli import exit_with
from chartsuite.cluster import cluster, layout
from chartsuite.errors import UsageError

UNSUPPORTED = 3


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (argparse.ArgumentParser) of ``cluster``."""
    parser = argparse.ArgumentParser(prog="cluster", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["up", "down", "status", "kubeconfig", "check"])
    parser.add_argument("--root", type=Path, default=layout.DEFAULT_ROOT,
                        help="the cluster's folder (default: .cluster in the repository)")
    parser.add_argument("--twin", action="append", default=None,
                        help="import only this image twin (repeatable; default: every built twin)")
    return parser


def run(argv: list[str]) -> int:
    """Run one action; returns the exit status (see the module docstring)."""
    args = build_parser().parse_args(argv)
    node = cluster.Cluster(args.root)
    if args.action == "check":
        reasons = cluster.missing_requirements()
        for reason in reasons:
            print(f"cluster: cannot run here: {reason}")
        return UNSUPPORTED if reasons else 0
    if args.action == "kubeconfig":
        print(node.dirs.kubeconfig)
        return 0
    if args.action == "status":
        running, lines = node.status()
        print("\n".join(lines))
        return 0 if running else 1
    if args.action == "down":
        remaining = node.down()
        for aspect, (before, after) in sorted(remaining.items()):
            print(f"cluster: not restored: {aspect}: before {before!r}, now {after!r}", file=sys.stderr)
        return 1 if remaining else 0
    try:
        node.up(twins=args.twin)
    except cluster.ClusterError as exc:
        raise UsageError(f"{exc}\n(bin/cluster down undoes what was started)") from None
    return 0


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``cluster`` command."""
    exit_with(lambda: run(sys.argv[1:] if argv is None else argv), "cluster")


if __name__ == "__main__":
    main()
