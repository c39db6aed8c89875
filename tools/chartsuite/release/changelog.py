"""A chart's CHANGELOG.md (Keep a Changelog 1.1.0 layout) read into Artifact Hub's change list.

Layout (https://keepachangelog.com/en/1.1.0/): one ``## <version> - <date>`` heading per version (the
version may be in brackets; ``## Unreleased`` collects what has no version yet), then ``### Added``,
``### Changed``, ``### Deprecated``, ``### Removed``, ``### Fixed`` or ``### Security`` sections of
``- `` items (an item may continue on indented lines). Artifact Hub's ``artifacthub.io/changes``
annotation has the same six kinds (https://artifacthub.io/docs/topics/annotations/helm/).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from chartsuite.errors import UsageError

KINDS = ("added", "changed", "deprecated", "removed", "fixed", "security")
_VERSION = re.compile(r"^##\s+\[?(?P<version>[^\]\s]+)\]?(?:\s+-\s+(?P<date>\d{4}-\d{2}-\d{2}))?\s*$")
_SECTION = re.compile(r"^###\s+(?P<kind>\w+)\s*$")


@dataclass(frozen=True)
class Change:
    """One changelog item. Fields: kind (one of KINDS), description (str, one line)."""

    kind: str
    description: str


def parse(path: Path | str) -> dict[str, list[Change]]:
    """Every version's changes in a CHANGELOG.md.

    Args: path: the CHANGELOG.md file.
    Returns: {version (str, as written, "Unreleased" included): [Change, ...] in file order}.
    Raises: UsageError (file:line and the rule) for a missing file, an unknown section kind, an item
        outside a version's section, or a version written twice."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no CHANGELOG.md (every chart keeps one: Keep a Changelog 1.1.0)")
    versions: dict[str, list[Change]] = {}
    version = kind = None
    items: list[Change] | None = None
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        where = f"{path}:{number}"
        heading = _VERSION.match(line)
        if heading:
            version, kind = heading["version"], None
            if version in versions:
                raise UsageError(f"{where}: version {version} has a second heading")
            items = versions[version] = []
            continue
        section = _SECTION.match(line)
        if section:
            kind = section["kind"].lower()
            if kind not in KINDS:
                raise UsageError(f"{where}: section '{section['kind']}' is not a Keep a Changelog kind "
                                 f"({', '.join(k.capitalize() for k in KINDS)})")
            if version is None:
                raise UsageError(f"{where}: section '{section['kind']}' before any '## <version>' heading")
            continue
        if line.startswith("## ") or line.startswith("### "):
            raise UsageError(f"{where}: heading {line.strip()!r} is neither '## <version>' (optionally "
                             f"'## [<version>] - YYYY-MM-DD') nor '### <kind>'")
        if line.startswith(("* ", "+ ")):
            raise UsageError(f"{where}: a change item starts with '- ' (Keep a Changelog), not {line[0]!r}")
        if line.startswith("- "):
            if version is None or kind is None:
                raise UsageError(f"{where}: a change item outside a '## <version>' / '### <kind>' section")
            items.append(Change(kind, line[2:].strip()))
        elif line.startswith("  ") and line.strip() and items:
            last = items[-1]
            items[-1] = Change(last.kind, f"{last.description} {line.strip()}")
    return versions


def changes_for(path: Path | str, version: str) -> list[Change]:
    """The changes listed under one version.

    Args: path: CHANGELOG.md; version: the chart's version (Chart.yaml ``version``).
    Returns: list of Change (at least one).
    Raises: UsageError naming the file when the version has no heading or no items (a release
        without a changelog entry is refused)."""
    versions = parse(path)
    if not versions.get(version):
        raise UsageError(f"{path}: no changes listed under '## {version}' (a chart is released with its "
                         f"changelog entry; headings present: {', '.join(versions) or 'none'})")
    return versions[version]
