"""Validate Helm values against a chart's values.schema.json and explain every error plainly.

Helm validates values with JSON Schema (draft-07 here, what tools/chartsuite/schemas generates). This module
reports *all* errors (jsonschema ``Draft7Validator.iter_errors``) as Problems with a dotted values
path (list indexes as ``[0]``) and a message written for people, never a raw jsonschema repr.
"""
from __future__ import annotations

import difflib
import functools
import json
import re
from pathlib import Path
from typing import Any, Iterable

from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError

from chartsuite.errors import Problem, UsageError

_JSON_TYPE = {bool: "boolean", int: "integer", float: "number", str: "string",
              list: "list", dict: "map", type(None): "null"}
_SCHEMA_TYPE_WORDS = {"object": "map", "array": "list"}


def load_schema(chart_dir: Path | str) -> dict:
    """Read ``<chart_dir>/values.schema.json``.

    Args: chart_dir: chart directory.
    Returns: the schema dict (shared between calls for the same file content: do not modify).
    Raises: UsageError when the file is missing, is not JSON, or is not a valid draft-07 schema.
    """
    path = Path(chart_dir) / "values.schema.json"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: chart has no values.schema.json") from None
    return _parse_schema(str(path), text)


@functools.lru_cache(maxsize=32)
def _parse_schema(path: str, text: str) -> dict:
    """Parse and check a schema once per content (checking a schema with the Kubernetes
    definitions against the draft-07 metaschema takes a noticeable fraction of a second).
    The returned dict is shared: callers must not modify it."""
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    try:
        Draft7Validator.check_schema(schema)
    except Exception as exc:  # jsonschema.SchemaError
        raise UsageError(f"{path}: not a valid draft-07 schema: {getattr(exc, 'message', exc)}") from None
    return schema


def format_path(parts: Iterable[Any]) -> str:
    """Dotted values path: ``("datanode", "hostPath", "dirs", 1)`` -> ``datanode.hostPath.dirs[1]``.

    Args: parts: keys (str) and list indexes (int).  Returns: str ("" for the root).
    """
    out = ""
    for part in parts:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _join(base: str, key: str) -> str:
    return f"{base}.{key}" if base else key


def show(value: Any) -> str:
    """Short human rendering of a value for messages: strings quoted (cut to 47 characters + "..."
    beyond 50), booleans and null in YAML/JSON spelling, maps and lists as "a map" / "a list".

    Args: value: any.  Returns: str (other values as str(value))."""
    if isinstance(value, str):
        text = value if len(value) <= 50 else value[:47] + "..."
        return "'" + text + "'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a map"
    if isinstance(value, list):
        return "a list"
    return str(value)


def _type_name(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return "number"
    return _JSON_TYPE.get(type(value), type(value).__name__)


def _types(expected: Any) -> list[str]:
    items = expected if isinstance(expected, list) else [expected]
    return [_SCHEMA_TYPE_WORDS.get(t, t) for t in items]


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _describe(schema: Any) -> str:
    return schema.get("description", "").strip() if isinstance(schema, dict) else ""


def _is_type_error_at(err: ValidationError, depth: int) -> bool:
    return err.validator == "type" and len(err.relative_path) == 0


def _pick_branch(err: ValidationError) -> list[ValidationError] | None:
    """For anyOf/oneOf: the errors of the branch that best fits the value, or None when every
    branch failed on type alone (then a combined type message is clearer)."""
    branches: dict[int, list[ValidationError]] = {}
    for sub in err.context:
        branches.setdefault(sub.schema_path[0], []).append(sub)
    fitting = {i: errs for i, errs in branches.items()
               if not any(_is_type_error_at(e, 0) for e in errs)}
    if not fitting:
        return None
    # fewest errors first, then the deepest (most specific) ones, then schema order
    best = min(fitting.items(),
               key=lambda kv: (len(kv[1]), -max(len(e.relative_path) for e in kv[1]), kv[0]))
    return best[1]


def _branch_types(err: ValidationError) -> list[str]:
    types: list[str] = []
    for sub in err.context:
        if sub.validator == "type" and len(sub.relative_path) == 0:
            for t in _types(sub.validator_value):
                if t not in types:
                    types.append(t)
    return types


def explain(err: ValidationError, file: str = "") -> list[Problem]:
    """Turn one jsonschema error into Problems (an additionalProperties error with several unknown
    keys gives one Problem per key, suggesting the closest allowed key and never a ``deprecated`` one;
    anyOf/oneOf descend into the best-fitting branch). Rules: JSON Schema draft-07 keywords.

    Args: err: a ValidationError from Draft7Validator.iter_errors; file: name for Problem.file.
    Returns: list of Problem (line and col 0: not located here)."""
    path = format_path(err.absolute_path)
    v, inst, vv, sch = err.validator, err.instance, err.validator_value, err.schema
    desc = _describe(sch)

    if v == "additionalProperties" and isinstance(inst, dict):
        props = sch.get("properties", {}) if isinstance(sch, dict) else {}
        patterns = list(sch.get("patternProperties", {})) if isinstance(sch, dict) else []
        # A key kept only to say where its value moved (``deprecated``) is neither suggested nor listed.
        allowed = sorted(k for k, s in props.items() if not (isinstance(s, dict) and s.get("deprecated")))
        out = []
        for key in inst:
            if key in props or any(re.search(p, key) for p in patterns):
                continue
            message = "unknown key"
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            if not close:
                lower = {a.lower(): a for a in allowed}
                if str(key).lower() in lower:
                    close = [lower[str(key).lower()]]
            if not close and str(key).lower() != str(key) \
                    and any(re.search(p, str(key).lower()) for p in patterns):
                close = [str(key).lower()]
            if close:
                message += f", did you mean {close[0]}?"
            allowed_text = ", ".join(allowed)
            if patterns:
                allowed_text += (", " if allowed else "") + "keys matching " + " or ".join(patterns)
            allowed_text = allowed_text or "no keys"
            out.append(Problem(file, _join(path, str(key)), message, allowed_text))
        return out
    if v == "required" and isinstance(inst, dict):
        props = sch.get("properties", {}) if isinstance(sch, dict) else {}
        return [Problem(file, _join(path, str(name)), "is required",
                        _describe(props.get(name)) or _allowed_types(props.get(name)))
                for name in vv if name not in inst]
    if v in ("anyOf", "oneOf"):
        if v == "oneOf" and not err.context:
            return [Problem(file, path, "matches more than one of the allowed forms",
                            desc)]
        branch = _pick_branch(err)
        if branch is None:
            types = _branch_types(err) or ["a different value"]
            return [Problem(file, path, f"is {_article(_type_name(inst))} {_type_name(inst)}, "
                                        f"expected {' or '.join(types)}", desc)]
        out = []
        for sub in branch:
            for p in explain(sub, file):
                # a branch description says more than a bare pattern does
                if desc and sub.validator == "pattern" and not _describe(sub.schema):
                    p = Problem(p.file, p.path, p.message, desc)
                out.append(p)
        return out
    if v == "type":
        actual = _type_name(inst)
        return [Problem(file, path, f"is {_article(actual)} {actual}, expected "
                                    f"{' or '.join(_types(vv))}", desc)]
    if v == "enum":
        return [Problem(file, path, f"{show(inst)} is not allowed",
                        "one of: " + ", ".join(_plain(x) for x in vv))]
    if v == "const":
        return [Problem(file, path, f"{show(inst)} is not allowed", f"only {_plain(vv)}")]
    if v == "pattern":
        return [Problem(file, path, f"{show(inst)} does not have the expected form",
                        desc or f"matching {vv}")]
    if v == "format":
        return [Problem(file, path, f"{show(inst)} is not a valid {vv}", desc)]
    if v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        op = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">",
              "exclusiveMaximum": "<"}[v]
        word = "too small" if "inimum" in v else "too large"
        return [Problem(file, path, f"is {show(inst)}, {word}", f"{op} {_plain(vv)}")]
    if v == "multipleOf":
        return [Problem(file, path, f"is {show(inst)}", f"a multiple of {_plain(vv)}")]
    if v in ("minLength", "maxLength"):
        word = "at least" if v == "minLength" else "at most"
        return [Problem(file, path, f"{show(inst)} is too {'short' if v == 'minLength' else 'long'}",
                        f"{word} {vv} characters")]
    if v in ("minItems", "maxItems"):
        word = "at least" if v == "minItems" else "at most"
        return [Problem(file, path, f"has {len(inst) if isinstance(inst, list) else '?'} items",
                        f"{word} {vv} items")]
    if v == "uniqueItems":
        return [Problem(file, path, "has duplicate items", "unique items")]
    if v in ("minProperties", "maxProperties"):
        word = "at least" if v == "minProperties" else "at most"
        return [Problem(file, path, f"has {len(inst) if isinstance(inst, dict) else '?'} keys",
                        f"{word} {vv} keys")]
    if v == "propertyNames":
        bad = [k for k in (inst if isinstance(inst, dict) else {})]
        sub_desc = _describe(vv) or desc
        return [Problem(file, path, "has a key name that is not allowed"
                        + (f" ({', '.join(show(k) for k in bad[:3])})" if bad else ""), sub_desc)]
    if v == "dependencies" and isinstance(vv, dict):
        out = []
        for key, needs in vv.items():
            if key in inst and isinstance(needs, list):
                for need in needs:
                    if need not in inst:
                        out.append(Problem(file, _join(path, need),
                                           f"is required when {key} is set", desc))
        if out:
            return out
    if v == "not":
        return [Problem(file, path, f"{show(inst)} is not allowed here", desc)]
    if v in ("allOf", "if", "then", "else", "contains", "items", "additionalItems"):
        subs = [p for sub in (err.context or []) for p in explain(sub, file)]
        if subs:
            return subs
    # fallback: say which keyword failed without dumping the instance
    return [Problem(file, path, f"does not satisfy the schema rule '{v}'", desc)]


def _plain(value: Any) -> str:
    if isinstance(value, str):
        return value or '""'  # the empty string, an allowed "unset" in some Kubernetes enums
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def _allowed_types(schema: Any) -> str:
    if isinstance(schema, dict) and "type" in schema:
        return _article(_types(schema["type"])[0]) + " " + " or ".join(_types(schema["type"]))
    return ""


def check_values(values: dict, schema: dict, file: str = "") -> list[Problem]:
    """Validate values against a draft-07 schema and explain every error.

    Args: values: merged values dict; schema: the chart's values.schema.json dict; file: the name
        Problems carry.
    Returns: Problems sorted by path (list indexes numerically) then message, duplicates (same path
        and message) removed; [] when valid.
    Raises: jsonschema/referencing errors only for a broken schema (e.g. an unresolvable ``$ref``);
        load_schema checks a schema first.
    Rules: JSON Schema draft-07 (the dialect chart schemas declare; Helm validates with it)."""
    validator = Draft7Validator(schema)
    problems: list[Problem] = []
    seen = set()
    for err in validator.iter_errors(values):
        for p in explain(err, file):
            key = (p.path, p.message)
            if key not in seen:
                seen.add(key)
                problems.append(p)
    problems.sort(key=lambda p: (_path_sort_key(p.path), p.message))
    return problems


def _path_sort_key(path: str) -> list:
    return [(0, int(x), "") if x.isdigit() else (1, 0, x)
            for x in re.split(r"[.\[\]]+", path) if x != ""]
