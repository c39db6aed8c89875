"""A chart's local subcharts and the values Helm hands them.

Helm gives a subchart the parent's values under the subchart's name, coalesced over the
subchart's own values.yaml, plus the parent's ``global`` values (which win over the subchart's).
A dependency whose ``condition`` resolves to false is not rendered. Library subcharts have no
values and are skipped. Source: Helm documentation, "Subcharts and Global Values" and
"Chart.yaml dependencies: condition".
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from chartsuite.model.dotted import get
from chartsuite.model.merge import merge_values


@dataclass
class Subchart:
    """One application subchart: its name in the parent's values, its directory, its condition."""
    name: str
    chart_dir: Path
    condition: str


def dependencies(chart_dir: Path) -> list[Subchart]:
    """Application subcharts of ``chart_dir`` whose repository is a local ``file://`` path.

    Args: chart_dir: parent chart directory. Returns: list of Subchart (library charts skipped).
    Raises: OSError/yaml.YAMLError when a Chart.yaml cannot be read.
    """
    meta = yaml.safe_load((chart_dir / "Chart.yaml").read_text()) or {}
    out = []
    for dep in meta.get("dependencies") or []:
        repo = dep.get("repository", "")
        if not repo.startswith("file://"):
            continue
        sub_dir = (chart_dir / repo[len("file://"):]).resolve()
        sub_meta = yaml.safe_load((sub_dir / "Chart.yaml").read_text()) or {}
        if sub_meta.get("type") == "library":
            continue
        out.append(Subchart(dep.get("alias") or dep["name"], sub_dir, dep.get("condition", "")))
    return out


def enabled(values: dict, condition: str) -> bool:
    """Helm's condition rule: the first comma-separated path that resolves to a boolean decides;
    none resolving means enabled. Args: parent values, condition string. Returns: bool."""
    for path in filter(None, (c.strip() for c in condition.split(","))):
        value = get(values, path)
        if isinstance(value, bool):
            return value
    return True


def values_for(parent_values: dict, sub: Subchart, sub_defaults: dict) -> dict:
    """The values a subchart renders with: its defaults, coalesced with the parent's section, with
    the parent's ``global`` merged over the subchart's. Args: merged parent values, the Subchart,
    the subchart's values.yaml (dict). Returns: a new dict."""
    section = parent_values.get(sub.name) or {}
    merged = merge_values(sub_defaults, section if isinstance(section, dict) else {})
    # Helm skips a ``global`` that is not a map ("skipping globals because source global is not
    # a table"); the parent's schema reports it.
    merged["global"] = merge_values(*(g for g in (sub_defaults.get("global"), merged.get("global"),
                                                  parent_values.get("global")) if isinstance(g, dict)))
    return merged


def keep_section_nulls(values: dict, user: dict, subs: list[Subchart], sub_defaults: dict) -> dict:
    """Put back the user nulls Helm keeps in a subchart's section.

    Helm coalesces each subchart's section with the subchart's own defaults before the parent's,
    and a user null for a key the subchart's values.yaml lacks survives as null even when the
    parent's values.yaml sets that key (``alluxio: {enabled: null}`` under the umbrella reaches
    both schemas as null; observed with Helm 3.17 and 4.1). Args: values: the parent's merged
    values (modified in place); user: the merged user files; subs: the parent's subcharts;
    sub_defaults: name -> that subchart's values.yaml.  Returns: values.
    """
    for sub in subs:
        section = user.get(sub.name)
        if isinstance(section, dict) and isinstance(values.get(sub.name), dict):
            _restore_nulls(values[sub.name], section, sub_defaults.get(sub.name) or {})
    return values


def _restore_nulls(dst: dict, user: dict, defaults: dict) -> None:
    for key, val in user.items():
        if val is None and key not in defaults:
            dst[key] = None
        elif isinstance(val, dict) and isinstance(dst.get(key), dict) and isinstance(defaults.get(key), dict):
            _restore_nulls(dst[key], val, defaults[key])
