"""Hypothesis strategies that break valid Helm values files the way people do.

A *profile* is a valid values file of a chart (a ``ci/*-values.yaml``, an example, or ``{}`` for
the chart's defaults) together with the *effective* values a render sees (the file merged over
``values.yaml``; for a chart with local subcharts, each enabled subchart's values under its name,
as Helm hands them over). A *mutation* picks one path of the effective values and changes it in a
copy of the profile's file, as a user editing that file would:

- ``wrong-type``: the value becomes another JSON type (string, integer, boolean, list, map, null);
- ``unknown-key``: a typo of an existing key (dropped, doubled or swapped letter, changed case,
  trailing ``s``) is added next to it, at any depth; an empty map gets an arbitrary key;
- ``out-of-range``: a number becomes negative, zero, huge, fractional, or one more/less (odd
  counts such as ZooKeeper or JournalNode replicas turn even);
- ``broken-quantity``: a Kubernetes quantity (memory, cpu, size, quota) becomes ``10Gb``,
  ``-1Gi``, ``abc``, ``1.5.5Gi``, an empty string, or a tiny value (below any heap);
- ``removed``: the key is deleted (set to null, which Helm's coalesce turns into "delete the
  default"); a list item is dropped;
- ``empty-name``: a name-like string (``*name*``, ``*Override``, ``existingSecret``...) becomes ``""``.

Lists replace as a whole in Helm's merge, so a mutation inside a list copies the effective list
into the file first. Source of the merge rules: tools/chartsuite/model/merge.py (Helm's coalesce).
"""
from __future__ import annotations

import copy
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

# Hypothesis caches what it learns from source files under ./.hypothesis; keep the checkout clean
# (the property runs with database=None, so nothing else is stored).
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY",
                      os.path.join(tempfile.gettempdir(), "bigdata-charts-hypothesis"))

from hypothesis import strategies as st  # noqa: E402

from chartsuite.model import merge, profiles
from chartsuite.model import subcharts
from chartsuite.checks.schema_check import format_path
from chartsuite.model.yamlio import load_values

KINDS = ("wrong-type", "unknown-key", "out-of-range", "broken-quantity", "removed", "empty-name")

# Representatives of each JSON type; a wrong-type mutation picks one whose type differs.
TYPE_SAMPLES: dict[str, tuple] = {
    "string": ("abc", "", "3", "true"),
    "integer": (0, -1, 7),
    "boolean": (True, False),
    "list": ([], ["x"], [1]),
    "map": ({}, {"x": 1}),
    "null": (None,),
}
OUT_OF_RANGE = (-1, 0, 2**31, 10**15, 0.5, -0.5)
BROKEN_QUANTITIES = ("10Gb", "-1Gi", "abc", "", "1.5.5Gi", "10 Gi", "0", "1Mi", "1", "1m", 1, -5)
QUANTITY = re.compile(r"^[+]?[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|Pi|Ei|M|G|T|P|E)?$")
QUANTITY_KEYS = re.compile(r"^(memory|cpu|size|storage|quota|ephemeral-storage|sizeLimit|.*[Mm]emory)$")
NAME_KEYS = re.compile(r"(?i)(name|override|existingsecret|existingclaim|existingconfigmap|"
                       r"serviceaccount|nameservice|secret)$")


@dataclass
class Profile:
    """A valid values file of a chart. Fields: chart (name under charts/), label (for messages),
    user (the file's mapping, {} for defaults), effective (values a render sees, subcharts' values
    under their names)."""

    chart: str
    label: str
    user: dict
    effective: dict


@dataclass
class Mutation:
    """One change to a profile's file. Fields: kind (one of KINDS), path (tuple of str keys and
    int list indexes into the effective values), value (the new value; REMOVED when deleted),
    user (the mutated file's mapping), profile (label of the profile it came from)."""

    kind: str
    path: tuple
    value: Any
    user: dict = field(repr=False)
    profile: str = ""

    @property
    def dotted(self) -> str:
        """The mutated value's path as lint_values prints it (``a.b[0].c``)."""
        return format_path(self.path)

    def describe(self) -> str:
        """One line for failure messages: profile, kind, path and new value."""
        shown = "<removed>" if self.value is REMOVED else repr(self.value)
        return f"[{self.profile}] {self.kind}: {self.dotted} = {shown}"


class _Removed:
    def __repr__(self) -> str:
        return "REMOVED"


REMOVED = _Removed()


def load_profiles(root: Path, chart: str) -> list[Profile]:
    """Every valid values file of a chart: its profiles (chartsuite.model.profiles.chart_profiles).

    Args: root: repository root; chart: name under charts/.
    Returns: list of Profile.  Raises: UsageError when a file does not parse.
    """
    chart_dir = root / "charts" / chart
    files = [f for _, f in profiles.chart_profiles(chart, root) if f is not None]
    defaults = load_values(chart_dir / "values.yaml", str(chart_dir / "values.yaml"))
    out = [Profile(chart, "defaults", {}, effective_values(chart_dir, defaults, {}))]
    for f in files:
        user = load_values(f, f.name)
        out.append(Profile(chart, f.name, user, effective_values(chart_dir, defaults, user)))
    return out


def effective_values(chart_dir: Path, defaults: dict, user: dict) -> dict:
    """The values a render of ``chart_dir`` sees with ``user`` over ``defaults``; each enabled
    local subchart's values (its defaults coalesced with the parent's section) under its name.

    Args: chart_dir; defaults: chart values.yaml; user: the user file.  Returns: a new dict.
    """
    values = merge.merge_values(defaults, user)
    for sub in subcharts.dependencies(chart_dir):
        if subcharts.enabled(values, sub.condition):
            sub_defaults = load_values(sub.chart_dir / "values.yaml", str(sub.chart_dir))
            section = subcharts.values_for(values, sub, sub_defaults)
            section.pop("global", None)
            values[sub.name] = section
    return values


def walk(tree: Any, prefix: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every (path, value) below ``tree`` (maps and lists, any depth), the root excluded.

    Args: tree: values; prefix: path of tree.  Yields: (tuple path, value).
    """
    items = tree.items() if isinstance(tree, dict) else enumerate(tree) if isinstance(tree, list) else ()
    for key, val in items:
        path = prefix + (key,)
        yield path, val
        yield from walk(val, path)


def json_type(value: Any) -> str:
    """The TYPE_SAMPLES name of a value's type (``"map"`` for dict...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "integer"
    if isinstance(value, str):
        return "string"
    return "list" if isinstance(value, list) else "map"


def is_quantity_path(path: tuple, value: Any) -> bool:
    """True for a value that is (or is meant to be) a Kubernetes quantity: under ``resources``,
    or a key named like one (memory, cpu, size, quota...) holding a quantity-looking value."""
    if not path or not isinstance(path[-1], str):
        return False
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return False
    if "resources" in path[:-1] and path[-2] in ("limits", "requests"):
        return True
    return bool(QUANTITY_KEYS.match(path[-1])) and bool(QUANTITY.match(str(value)))


def eligible(profile: Profile, kind: str) -> list[tuple]:
    """Paths of the profile's effective values a mutation ``kind`` applies to (sorted, so the
    same seed draws the same examples).  Returns: list of tuple paths."""
    out = []
    for path, value in walk(profile.effective):
        last = path[-1]
        if kind in ("wrong-type", "removed"):
            ok = True
        elif kind == "unknown-key":
            ok = isinstance(value, dict)
        elif kind == "out-of-range":
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        elif kind == "broken-quantity":
            ok = is_quantity_path(path, value)
        else:  # empty-name
            ok = isinstance(last, str) and isinstance(value, str) and bool(NAME_KEYS.search(last))
        if ok:
            out.append(path)
    if kind == "unknown-key":
        out.insert(0, ())  # the root map
    return sorted(out, key=lambda p: [(0, x, "") if isinstance(x, int) else (1, 0, x) for x in p])


def get_path(tree: Any, path: tuple) -> Any:
    """Value at a tuple path (KeyError/IndexError when absent)."""
    for part in path:
        tree = tree[part]
    return tree


def apply(profile: Profile, path: tuple, value: Any) -> dict:
    """A copy of the profile's file with ``value`` at ``path``.

    Maps on the way are created (Helm merges them with the defaults); a list on the way is copied
    whole from the effective values (Helm replaces lists). REMOVED sets a map key to null (Helm's
    way to delete a default; a key the chart lacks stays null) and drops a list item.
    Args: profile; path: non-empty tuple path; value.  Returns: the mutated mapping.
    """
    user = copy.deepcopy(profile.user)
    cur, eff = user, profile.effective
    for part in path[:-1]:
        eff = eff[part]
        nxt = cur[part] if (isinstance(cur, list) or part in cur) else None
        if isinstance(eff, list) and not isinstance(nxt, list):
            nxt = copy.deepcopy(eff)
        elif isinstance(eff, dict) and not isinstance(nxt, dict):
            nxt = {}
        cur[part] = nxt
        cur = nxt
    last = path[-1]
    if value is REMOVED and isinstance(cur, list):
        del cur[last]
    else:
        cur[last] = None if value is REMOVED else copy.deepcopy(value)
    return user


def typos(key: str) -> list[str]:
    """Plausible misspellings of a key: dropped, doubled and swapped letters, changed case of the
    first letter, a trailing ``s``.  Args: key.  Returns: list of distinct strings != key."""
    out = []
    if len(key) > 1:
        out.append(key[:-1])
        out.append(key[0] + key[2:] if len(key) > 2 else key + key[-1])
        out.append(key[1] + key[0] + key[2:])
    out.append(key + key[-1] if key else "x")
    out.append(key[:1].swapcase() + key[1:])
    out.append(key + "s")
    return list(dict.fromkeys(t for t in out if t and t != key))


@st.composite
def mutations(draw, profiles: list[Profile]) -> Mutation:
    """Strategy: a Mutation of one of ``profiles``; kind, path and new value drawn as described
    in the module docstring. Draws are from sorted lists, so ``derandomize=True`` reproduces them."""
    profile = draw(st.sampled_from(profiles))
    kinds = [k for k in KINDS if eligible(profile, k)]
    kind = draw(st.sampled_from(kinds))
    path = draw(st.sampled_from(eligible(profile, kind)))
    current = get_path(profile.effective, path) if path else profile.effective
    if kind == "wrong-type":
        types = [t for t in TYPE_SAMPLES if t != json_type(current)]
        value = draw(st.sampled_from(TYPE_SAMPLES[draw(st.sampled_from(types))]))
    elif kind == "unknown-key":
        keys = sorted(str(k) for k in current)
        if keys:
            key = draw(st.sampled_from(keys))
            typo = draw(st.sampled_from([t for t in typos(key) if t not in current] or [key + "_x"]))
            value = current[key] if key in current else None
        else:
            typo = draw(st.sampled_from(["extraKey", "x"]))
            value = draw(st.sampled_from(["v", 1, True, None, {"a": "b"}, ["a"]]))
        path = path + (typo,)
    elif kind == "out-of-range":
        options = list(OUT_OF_RANGE)
        if isinstance(current, int):
            options += [current + 1, current - 1, current * 1000]
        value = draw(st.sampled_from([o for o in options if o != current] or [-1]))
    elif kind == "broken-quantity":
        value = draw(st.sampled_from([q for q in BROKEN_QUANTITIES if q != current]))
    elif kind == "removed":
        value = REMOVED
    else:
        value = ""
    return Mutation(kind, path, value, apply(profile, path, value), profile.label)
