"""Small helpers for rule modules."""
from __future__ import annotations

from typing import Any, Iterator

from ..dotted import get  # noqa: F401 (re-exported for the rule modules)

_MISSING = object()


def as_int(value: Any) -> int | None:
    """value as int when it is an integer (YAML int, or an integral float), else None (type
    problems are the schema's job).  Args: value.  Returns: int or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def missing(values: dict, requirements: list[tuple[str, str, str]], condition: str) -> list:
    """Problems for the required values that are empty.

    Args: values: merged values; requirements: (dotted path, why it is needed or "", allowed text)
        per value; condition: the switch that makes them required (e.g. "kerberos.enabled is true").
    Returns: list of Problem "is required when <condition>[: <why>]" for each path whose value is
        missing, empty or false, in the order given.
    """
    from ..errors import Problem

    return [Problem("", path, f"is required when {condition}" + (f": {why}" if why else ""), allowed)
            for path, why, allowed in requirements if not get(values, path)]


def walk(values: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every (dotted path, value) pair below values, maps only (lists are not entered).

    Args: values: dict; prefix: path of values.  Yields: (path, value) for every key at any depth.
    """
    if isinstance(values, dict):
        for key, val in values.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            yield path, val
            yield from walk(val, path)
