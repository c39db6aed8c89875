"""Semantic values rules per chart (what a JSON schema cannot express).

Each chart with rules has a module here with ``check(values: dict) -> list[Problem]``; the
registry maps the chart's Chart.yaml ``name`` to it. The same rules fail the chart's render
(``templates/validate.yaml``), with the same paths and wording.
"""
from __future__ import annotations

from typing import Callable

from ..errors import Problem
from . import alluxio, hdfs, spark, umbrella

RuleFn = Callable[[dict], "list[Problem]"]

RULES: dict[str, RuleFn] = {
    "hdfs": hdfs.check,
    "alluxio": alluxio.check,
    "spark": spark.check,
    "umbrella": umbrella.check,
}


def rules_for(chart_name: str) -> RuleFn | None:
    """The rules function of a chart.

    Args: chart_name: Chart.yaml ``name``.
    Returns: ``check(values) -> list[Problem]`` or None when the chart has no semantic rules.
    """
    return RULES.get(chart_name)


def check(chart_name: str, values: dict, file: str = "") -> list[Problem]:
    """Run a chart's semantic rules on merged values.

    Args: chart_name: Chart.yaml ``name``; values: merged values; file: the name Problems carry.
    Returns: list of Problem ([] for a chart without rules).
    """
    fn = rules_for(chart_name)
    if fn is None:
        return []
    return [Problem(file, p.path, p.message, p.allowed) for p in fn(values)]
