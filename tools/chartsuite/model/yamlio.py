"""Loading values files the way Helm sees them (YAML mapping at the top)."""
from __future__ import annotations

from pathlib import Path

import yaml

from chartsuite.errors import UsageError

try:  # the C loader is several times faster when libyaml is present
    Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    Loader = yaml.SafeLoader


def parse_values(text: str, name: str = "<string>") -> dict:
    """Parse YAML text holding Helm values.

    Args: text: the YAML; name: what to call it in messages.
    Returns: the top-level mapping; ``{}`` for an empty document (or one holding only comments).
    Raises: UsageError ``NAME:LINE:COL: message`` (1-based) when the YAML does not parse, or
        ``NAME: top level must be a mapping of values, not a list`` when it is not a mapping.
    """
    try:
        data = yaml.load(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        if mark is not None:
            raise UsageError(f"{name}:{mark.line + 1}:{mark.column + 1}: {what}") from None
        raise UsageError(f"{name}: {what}") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"{name}: invalid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        kind = {list: "a list", str: "a string"}.get(type(data), type(data).__name__)
        raise UsageError(f"{name}: top level must be a mapping of values, not {kind}")
    return data


def load_values(path: Path | str, name: str | None = None) -> dict:
    """Read and parse a values file with PyYAML's safe loader.

    Args: path: the file; name: how to name it in messages (default: path as given).
    Returns: dict (``{}`` for an empty file).
    Raises: UsageError for a missing/unreadable file, a parse error (``FILE:LINE:COL: message``)
        or a top level that is not a mapping.
    """
    name = name if name is not None else str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{name}: is a directory, not a values file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{name}: cannot read: {exc}") from None
    return parse_values(text, name)


def duplicate_keys(text: str) -> list[tuple[str, int, int, int]]:
    """Keys set twice in one mapping of a YAML document: YAML forbids them, and PyYAML (like Helm's
    Go YAML decoder for values) keeps the last one, so whatever the first one held is lost silently.

    Args: text: the YAML (already known to parse).
    Returns: [(dotted path of the repeated key, line of its first occurrence, line and column of the
        repeat)], 1-based, in document order; [] when every key is set once or the text does not parse.
    """
    try:
        root = yaml.compose(text, Loader=Loader)
    except yaml.YAMLError:
        return []
    out: list[tuple[str, int, int, int]] = []

    def walk(node, path):
        if isinstance(node, yaml.MappingNode):
            first: dict = {}
            for key, value in node.value:
                name = str(key.value) if isinstance(key, yaml.ScalarNode) else None
                child = f"{path}.{name}" if path else str(name)
                if name is not None:
                    if name in first:
                        out.append((child, first[name], key.start_mark.line + 1, key.start_mark.column + 1))
                    else:
                        first[name] = key.start_mark.line + 1
                walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, f"{path}[{i}]")
    if root is not None:
        walk(root, "")
    return out


def positions(text: str) -> dict[str, tuple[int, int]]:
    """Where each value path is written in a YAML document.

    Args: text: the YAML (already known to parse).
    Returns: {dotted path (list items as ``[i]``): (line, column)} 1-based, of each mapping key and
        each list item; for a key set twice the last occurrence, the one Helm keeps (what its value is
        judged on); {} when the text does not parse.
    """
    try:
        root = yaml.compose(text, Loader=Loader)
    except yaml.YAMLError:
        return {}
    out: dict[str, tuple[int, int]] = {}

    def walk(node, path):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = f"{path}.{key.value}" if path else str(key.value)
                out[child] = (key.start_mark.line + 1, key.start_mark.column + 1)
                walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                child = f"{path}[{i}]"
                out[child] = (item.start_mark.line + 1, item.start_mark.column + 1)
                walk(item, child)
    if root is not None:
        walk(root, "")
    return out


def position_of(path: str, where: dict[str, tuple[int, int]]) -> tuple[int, int]:
    """The place of ``path`` in a file (``positions``), else of its longest prefix the file sets
    (a missing required key points at its parent); a problem of the whole file (path "") points at
    its first key; (0, 0) when the file sets none of the path (the value comes from the defaults).

    Args: path: dotted values path; where: positions() of the file. Returns: (line, column), 1-based.
    """
    if not path:
        return min(where.values(), default=(0, 0))
    while path:
        if path in where:
            return where[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return 0, 0
