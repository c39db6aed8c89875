#!/usr/bin/env python3
"""Check Helm values files against a chart's values.schema.json and its semantic rules.

  python tools/lint_values.py                         every application chart's values.yaml, every
                                                      charts/*/ci/*-values.yaml and examples/*.yaml
  python tools/lint_values.py --chart charts/hdfs a.yaml [b.yaml ...]
                                                      user files merged over the chart's values.yaml
                                                      in order (as helm -f a.yaml -f b.yaml)

An example file names its chart in a leading comment ``# chart: <name>``; without one it is
checked against charts/umbrella. Output: one line per problem ``FILE: path: message (allowed)``,
then ``N files checked, M problems`` on stderr. Exit 0 clean, 1 problems, 2 usage errors.
"""
from __future__ import annotations

import argparse
import json
import sys

from chartsuite.checks import values_lint
from chartsuite.cli import exit_with
from chartsuite.errors import Problem, UsageError


def run(argv: list[str] | None = None) -> int:
    """CLI entry point.  Args: argv (default sys.argv[1:]).  Returns: exit status 0/1/2."""
    parser = argparse.ArgumentParser(
        prog="lint_values.py", description=__doc__.split("\n\n")[0],
        epilog="Exit status: 0 clean, 1 problems found, 2 usage error.")
    parser.add_argument("--chart", help="chart directory the FILEs are values for (e.g. charts/hdfs)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("files", nargs="*", metavar="FILE", help="values files (with --chart)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 2 for usage errors, 0 for --help
        return int(exc.code or 0)

    errors: list[str] = []
    problems: list[Problem] = []
    n_files = 0
    try:
        if args.files and not args.chart:
            raise UsageError("FILE arguments need --chart DIR (the chart they are values for)")
        if args.chart:
            if not args.files:
                raise UsageError("--chart needs at least one values FILE")
            targets = [values_lint.explicit(args.chart, args.files)]
        else:
            targets, errors = values_lint.discover()
        n_files = sum(len(target.files) for target in targets)
        for found in values_lint.check_all(targets):
            if isinstance(found, UsageError):
                errors.append(str(found))
            else:
                problems += found
    except UsageError as exc:
        errors.append(str(exc))
    except Exception as exc:  # never a traceback
        errors.append(f"internal error: {type(exc).__name__}: {exc}")

    if args.format == "json":
        print(json.dumps({"files": n_files, "problems": [p.as_dict() for p in problems],
                          "errors": errors}, indent=2))
    else:
        for p in problems:
            print(p.format())
        for e in errors:
            print(f"error: {e}", file=sys.stderr)
    print(f"{n_files} files checked, {len(problems)} problems"
          + (f", {len(errors)} errors" if errors else ""), file=sys.stderr)
    if errors:
        return 2
    return 1 if problems else 0


def main() -> None:
    """Run the CLI; exit statuses as in chartsuite.cli (usage errors 2, never a traceback)."""

    exit_with(run, "lint_values")


if __name__ == "__main__":
    main()
