"""Dotted-path access to nested values (``"namenode.zkfc.resources"``)."""
from __future__ import annotations

from typing import Any


def get(values: Any, path: str, default: Any = None) -> Any:
    """Value at a dotted path, or ``default`` when any part is missing or not a map.
    Args: values: dict; path: dotted keys; default. Returns: the value."""
    cur = values
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return default
        cur = cur[part]
    return cur
