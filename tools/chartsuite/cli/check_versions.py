#!/usr/bin/env python3
"""Check that every chart changed since a base commit has a higher SemVer version.

This is chart-testing's version-increment check (``ct lint --check-version-increment``), run
offline: a chart counts as changed when any file under ``charts/<chart>/`` (its symlinked
subcharts excluded) differs between BASE and the working tree; its Chart.yaml ``version`` must
then be a valid SemVer 2.0.0 version greater than the one at BASE. A chart that is new at BASE..
passes. Versions must always be valid SemVer.

Usage: python tools/check_versions.py [--base REV]   (default base: origin/main, else HEAD)
Exit 0 when every changed chart was bumped, 1 when one was not, 2 on usage errors.
"""
import argparse
import pathlib
import re
import subprocess
import sys

import yaml

from chartsuite.model.paths import REPO_ROOT

ROOT = REPO_ROOT

# semver.org 2.0.0 regular expression (major.minor.patch[-prerelease][+build]).
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$")


def parse_semver(text):
    """Parse a SemVer 2.0.0 string into a sortable key.

    Args: text: the version (str() is applied).
    Returns: (major, minor, patch, prerelease_key) tuple: a release sorts after its prereleases;
        prerelease identifiers compare numerically when numeric, else lexically (semver.org §11).
    Raises: ValueError when text is not SemVer 2.0.0 (SEMVER, semver.org's regular expression)."""
    m = SEMVER.match(str(text))
    if not m:
        raise ValueError(f"'{text}' is not a SemVer 2.0.0 version (MAJOR.MINOR.PATCH[-PRE][+BUILD])")
    major, minor, patch, pre = int(m[1]), int(m[2]), int(m[3]), m[4]
    if pre is None:
        pre_key = (1,)
    else:
        pre_key = (0, *[(0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split(".")])
    return (major, minor, patch, pre_key)


def git(*args, cwd=ROOT):
    """Run git.  Args: args: git arguments (str); cwd: directory, default ROOT.
    Returns: stdout (str).  Raises: subprocess.CalledProcessError on a non-zero exit."""
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


def default_base(cwd=ROOT):
    """The default base revision.  Args: cwd: repository directory.
    Returns: "origin/main" when it exists, else "HEAD"."""
    try:
        git("rev-parse", "--verify", "--quiet", "origin/main", cwd=cwd)
        return "origin/main"
    except subprocess.CalledProcessError:
        return "HEAD"


def changed_charts(base, cwd=ROOT):
    """Charts with a file that differs between ``base`` and the working tree, untracked files
    included, files under charts/<chart>/charts/ (symlinked subcharts) excluded.

    Args: base: a revision; cwd: repository root.  Returns: set of chart directory names (str).
    Raises: subprocess.CalledProcessError when git fails (e.g. unknown base)."""
    out = git("diff", "--name-only", base, "--", "charts", cwd=cwd)
    out += git("ls-files", "--others", "--exclude-standard", "--", "charts", cwd=cwd)
    names = set()
    for path in out.splitlines():
        parts = path.split("/")
        if len(parts) >= 3 and not (len(parts) >= 4 and parts[2] == "charts"):
            names.add(parts[1])
    return names


def check(base, cwd=ROOT):
    """Charts changed since ``base`` without a version bump (chart-testing's
    ``--check-version-increment`` rule; SemVer 2.0.0 precedence).

    Args: base: a revision; cwd: repository root.
    Returns: list of problem messages (str); a removed chart, a chart new since base, or one whose
        old version is not SemVer is not a problem; an invalid current version is.
    Raises: subprocess.CalledProcessError when git fails for base; yaml.YAMLError for an
        unparseable Chart.yaml."""
    problems = []
    for chart in sorted(changed_charts(base, cwd)):
        chart_yaml = pathlib.Path(cwd) / "charts" / chart / "Chart.yaml"
        if not chart_yaml.exists():
            continue  # chart removed
        current = (yaml.safe_load(chart_yaml.read_text()) or {}).get("version")
        try:
            current_key = parse_semver(current)
        except ValueError as err:
            problems.append(f"charts/{chart}/Chart.yaml: version {err}")
            continue
        try:
            old_text = git("show", f"{base}:charts/{chart}/Chart.yaml", cwd=cwd)
        except subprocess.CalledProcessError:
            continue  # new chart
        old = (yaml.safe_load(old_text) or {}).get("version")
        try:
            old_key = parse_semver(old)
        except ValueError:
            continue  # the old version was invalid; any valid one is an improvement
        if current_key <= old_key:
            problems.append(f"charts/{chart}: changed since {base} but version {current} is not greater "
                            f"than {old} (bump it in charts/{chart}/Chart.yaml)")
    return problems


def main(argv=None):
    """Command-line entry point (tools/check_versions.py).

    Args: argv: list of str, or None for sys.argv[1:] (``--base REV``).
    Returns: exit status int: 0 every changed chart was bumped, 1 a problem (problems printed on stdout,
        a summary on stderr), 2 unknown base revision.  Raises: SystemExit for bad arguments (argparse)."""
    parser = argparse.ArgumentParser(description="Check chart version increments against a base commit.")
    parser.add_argument("--base", help="base revision (default: origin/main, else HEAD)")
    args = parser.parse_args(argv)
    try:
        base = args.base or default_base()
        git("rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    except subprocess.CalledProcessError:
        print(f"check_versions: unknown base revision {args.base!r}", file=sys.stderr)
        return 2
    problems = check(base)
    for p in problems:
        print(p)
    print(f"check_versions: {len(problems)} problem(s) against {base}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
