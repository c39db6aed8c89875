"""Helm's values merge, so the tools see the same values a render sees.

Source: helm pkg/cli/values/options.go (``mergeMaps``: several ``-f`` files merged left to right,
maps recursively, anything else replaced) and pkg/chart/(v2/)util/coalesce.go (``coalesceValues`` /
``coalesceTables``: user values over chart defaults; a user ``null`` deletes a key the defaults
have; maps merge recursively; lists and scalars replace).
"""
from __future__ import annotations

import copy
from typing import Any, Mapping


def merge_user_values(*overlays: Mapping[str, Any]) -> dict:
    """Merge user values files left to right like ``helm -f a.yaml -f b.yaml``.

    Args: overlays: mappings, earliest first.
    Returns: a new dict; a later map merges into an earlier map recursively, any other later value
        (scalar, list, null) replaces the earlier one. Nulls are kept here: they delete defaults
        only when coalesced (see coalesce).
    """
    out: dict = {}
    for overlay in overlays:
        _merge_maps(out, copy.deepcopy(dict(overlay)))
    return out


def _merge_maps(dst: dict, src: dict) -> None:
    for key, val in src.items():
        if isinstance(val, dict) and isinstance(dst.get(key), dict):
            _merge_maps(dst[key], val)
        else:
            dst[key] = val


def coalesce(defaults: Mapping[str, Any], user: Mapping[str, Any]) -> dict:
    """User values over chart defaults, Helm's coalesce semantics.

    Args: defaults: the chart's values.yaml; user: merged user values.
    Returns: a new dict. For every key of defaults: a user ``null`` removes it; user map + default map
        merge recursively; otherwise the user's value wins; keys only in defaults are copied.
        Keys only in user are kept as given (a user null for a key the chart lacks stays null).
    """
    return _coalesce(copy.deepcopy(dict(user)), dict(defaults))


def _coalesce(dst: dict, src: dict) -> dict:
    for key, val in src.items():
        if key in dst:
            if dst[key] is None:
                del dst[key]
            elif isinstance(dst[key], dict) and isinstance(val, dict):
                _coalesce(dst[key], val)
        else:
            dst[key] = copy.deepcopy(val)
    return dst


def merge_values(defaults: Mapping[str, Any], *user_files: Mapping[str, Any]) -> dict:
    """The values a render sees: ``helm template chart -f f1 -f f2 ...``.

    Args: defaults: chart values.yaml; user_files: user mappings applied left to right.
    Returns: a new dict (inputs are not modified).
    """
    return coalesce(defaults, merge_user_values(*user_files))
