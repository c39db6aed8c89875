"""Which values files belong to which chart: the one rule every tool and test uses.

A chart's profiles are its defaults (values.yaml alone), each ``charts/<chart>/ci/*-values.yaml``
(chart-testing's convention, ct.yaml: installed by ``ct install``) and ``ci/render-only/*-values.yaml`` and each ``examples/*.yaml`` that names the chart in its
leading comment block (``# chart: hdfs``); an example that names no chart is for the umbrella.
"""
from __future__ import annotations

import re
from pathlib import Path

from chartsuite.model.paths import REPO_ROOT

CHART_COMMENT = re.compile(r"^#\s*chart:\s*([A-Za-z0-9_.-]+)\s*$")
DEFAULT_EXAMPLE_CHART = "umbrella"


def example_chart(path: Path | str) -> str | None:
    """The chart an example names in its leading comment block (``# chart: hdfs``), or None.

    Args: path: example file. Returns: chart name or None.
    Raises: OSError or UnicodeDecodeError when the file is unreadable.
    """
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            stripped = line.strip()
            if not stripped:
                continue
            if not stripped.startswith("#"):
                return None
            m = CHART_COMMENT.match(stripped)
            if m:
                return m.group(1)
    return None


def examples(root: Path | str = REPO_ROOT) -> list[Path]:
    """The example values files, sorted: ``examples/*.yaml`` and ``*.yml``. Returns: list of Path."""
    folder = Path(root) / "examples"
    return sorted(list(folder.glob("*.yaml")) + list(folder.glob("*.yml"))) if folder.is_dir() else []


def chart_of_example(path: Path | str) -> str:
    """The chart an example is for: the one it names, else the umbrella. Returns: chart name (str).
    Raises: as example_chart."""
    return example_chart(path) or DEFAULT_EXAMPLE_CHART


RENDER_ONLY = "render-only"


def ci_values(chart_dir: Path | str, installable_only: bool = False) -> list[Path]:
    """A chart's ci profiles: ``ci/*-values.yaml`` (chart-testing installs these: ct.yaml) and, unless
    installable_only, ``ci/render-only/*-values.yaml`` (rendered and linted only; each says on its first
    line what a fresh one-node cluster lacks for it: chartsuite.checks.ct_install).

    Args: chart_dir: a chart directory; installable_only: bool.
    Returns: sorted list of Path, installable ones first (file stems are unique per chart)."""
    ci = Path(chart_dir) / "ci"
    found = sorted(ci.glob("*-values.yaml"))
    if not installable_only:
        found += sorted((ci / RENDER_ONLY).glob("*-values.yaml"))
    return found


def chart_profiles(chart: str, root: Path | str = REPO_ROOT,
                   with_examples: bool = True) -> list[tuple[str, Path | None]]:
    """A chart's profiles.

    Args: chart: directory name under charts/; root: repository root; with_examples: False leaves
        the examples out (their comments are not read).
    Returns: [(profile id, values file or None)]: ("defaults", None), (ci file stem, path) per
        ci_values file, ("example-<stem>", path) per example for this chart; in that order.
    Raises: OSError or UnicodeDecodeError when an example is unreadable.
    """
    chart_dir = Path(root) / "charts" / chart
    profiles: list[tuple[str, Path | None]] = [("defaults", None)]
    profiles += [(p.stem, p) for p in ci_values(chart_dir)]
    if with_examples:
        profiles += [(f"example-{ex.stem}", ex) for ex in examples(root) if chart_of_example(ex) == chart]
    return profiles
