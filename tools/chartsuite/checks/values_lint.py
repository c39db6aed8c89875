"""The values check behind lint-values: a chart's values.schema.json (with did-you-mean, blame and the
line and column of each value), duplicate keys, values meant for another chart or another level of
the umbrella, and the chart's semantic rules, which Helm runs from templates/validate.yaml
(chartsuite.helm.validation): this module has no rules of its own."""
from __future__ import annotations

import concurrent.futures
import os
import re
import tempfile
from pathlib import Path

import yaml

from chartsuite.checks import schema_check
from chartsuite.errors import Problem, UsageError
from chartsuite.helm import validation
from chartsuite.model import paths, profiles, subcharts
from chartsuite.model.merge import merge_user_values, merge_values
from chartsuite.model.paths import chart_and_values
from chartsuite.model.yamlio import duplicate_keys, load_values, position_of, positions


class Target:
    """One values check: files merged over a chart's defaults, reported under `label`."""

    def __init__(self, chart_dir: Path, files: list[tuple[Path, str]], is_defaults: bool = False):
        self.chart_dir, self.files, self.is_defaults = chart_dir, files, is_defaults


def check_target(target: Target) -> list[Problem]:
    """Merge target.files over the chart's values.yaml; schema problems, then rule problems not on
    a path the schema already flagged.  Args: target.  Returns: list of Problem.
    Raises: UsageError for an unreadable/unparseable file or a chart without a schema.
    """

    chart_dir = target.chart_dir
    schema = schema_check.load_schema(chart_dir)
    defaults = load_values(chart_dir / "values.yaml", paths.display_path(chart_dir / "values.yaml")) \
        if (chart_dir / "values.yaml").is_file() else {}
    loaded = [] if target.is_defaults else [(label, load_values(p, label)) for p, label in target.files]
    values = merge_values(defaults, *(v for _, v in loaded))
    subs = subcharts.dependencies(chart_dir)
    if subs and loaded:
        sub_defaults = {s.name: load_values(s.chart_dir / "values.yaml", paths.display_path(s.chart_dir))
                        for s in subs}
        subcharts.keep_section_nulls(values, merge_user_values(*(v for _, v in loaded)), subs, sub_defaults)
    problems = _check_chart(chart_dir, schema, values)
    problems += _rule_problems(target, {p.path for p in problems})
    texts = {} if target.is_defaults else {label: Path(p).read_text(encoding="utf-8") for p, label in target.files}
    duplicates = [
        Problem(label, key, f"set twice in one mapping, at line {first} and again at line {again}: Helm keeps "
                            f"only the last one, so what line {first} set is lost", "each key once per mapping",
                again, col)
        for label, text in texts.items() for key, first, again, col in duplicate_keys(text)]
    problems = [Problem(_blame(p.path, loaded, target), p.path, p.message, p.allowed) for p in problems]
    where = {label: positions(text) for label, text in texts.items()}
    problems = [Problem(p.file, p.path, p.message, p.allowed, *position_of(p.path, where.get(p.file, {})))
                for p in problems]
    other = [Problem(p.file, p.path, p.message, p.allowed, *position_of(p.path, where.get(p.file, {})))
             for p in _other_chart(problems, loaded, chart_dir)]
    return duplicates + other + problems


def _rule_problems(target: Target, flagged: set[str]) -> list[Problem]:
    """The chart's semantic rules, run by Helm from templates/validate.yaml (chartsuite.helm.validation), on
    the target's files, with the values the schema flagged put back at their defaults (the templates
    expect the schema's types); problems on a flagged path are left out. A render that fails in a
    template is one problem at the root when the schema found nothing (with schema problems the
    render error is their consequence). Returns: list of Problem."""

    files = [] if target.is_defaults else [p for p, _ in target.files]
    try:
        with tempfile.TemporaryDirectory(prefix="lint-values-") as tmp:
            if flagged:  # judge the rest with the schema-flagged values back at their defaults
                repair = Path(tmp) / "schema-flagged-defaults.yaml"
                repair.write_text(yaml.safe_dump(validation.defaults_for(target.chart_dir, flagged)))
                files = files + [repair]
            found = validation.rule_problems(target.chart_dir, files)
    except validation.RenderFailed as exc:
        if flagged:
            return []
        return [Problem("", "", f"helm template fails: {exc.text}", "a values file the chart's templates render")]
    return [p for p in found if p.path not in flagged]


def _other_chart(problems: list[Problem], loaded: list[tuple[str, dict]], chart_dir: Path) -> list[Problem]:
    """A values file written for another chart of this repository: at least two of its top-level keys
    are unknown to the target chart and every top-level key is a value of one other application
    chart. Returns: [one Problem at the root naming that chart] or []."""

    out = []
    for label, data in loaded:
        unknown = {p.path for p in problems if p.file == label and p.message.startswith("unknown key")
                   and "." not in p.path and "[" not in p.path}
        keys = set(data) - {"global"}
        if len(unknown) < 2 or not keys:
            continue
        for other in paths.application_chart_dirs():
            if other.resolve() == chart_dir.resolve():
                continue
            known = set(schema_check.load_schema(other).get("properties") or {})
            if keys <= known:
                out.append(Problem(label, "", f"these look like values for {paths.display_path(other)}: every top-level "
                                              f"key is one of its values, {len(unknown)} of them are unknown to "
                                              f"{paths.display_path(chart_dir)}",
                                   f"--chart {paths.display_path(other)}"))
                break
    return out


def _check_chart(chart_dir: Path, schema: dict, values: dict, prefix: str = "") -> list[Problem]:
    """Schema problems, then the same for every enabled local subchart with the values Helm would give it (paths prefixed with the
    subchart's name, e.g. ``spark.worker.resources.limits.memory``). Returns: list of Problem."""

    problems = _suggest_subchart_level(schema_check.check_values(values, schema), subcharts.dependencies(chart_dir))
    problems = [Problem(p.file, prefix + p.path, p.message, p.allowed) for p in problems]
    for sub in subcharts.dependencies(chart_dir):
        if not subcharts.enabled(values, sub.condition):
            continue
        sub_defaults = load_values(sub.chart_dir / "values.yaml", paths.display_path(sub.chart_dir / "values.yaml"))
        sub_values = subcharts.values_for(values, sub, sub_defaults)
        problems += _check_chart(sub.chart_dir, schema_check.load_schema(sub.chart_dir), sub_values,
                                 f"{prefix}{sub.name}.")
    return problems


def _suggest_subchart_level(problems: list[Problem], subs: list) -> list[Problem]:
    """An unknown key at the top of a parent chart (the umbrella) that is a top-level value of one of
    its subcharts (``datanode`` is ``hdfs.datanode``): say where it belongs. Helm would pass it to no
    chart, so the setting would be lost.

    Args: problems: schema Problems of the parent's merged values; subs: its subcharts
        (chartsuite.model.subcharts.Subchart). Returns: the problems, those keys' messages replaced.
    Source: Helm gives a subchart only the values under its name (and global).
    """

    if not subs:
        return problems
    tops = {sub.name: set((schema_check.load_schema(sub.chart_dir).get("properties") or {})) for sub in subs}
    out = []
    for p in problems:
        owners = [name for name, keys in tops.items() if p.path in keys] if p.message.startswith("unknown key") \
            and "." not in p.path and "[" not in p.path else []
        if owners:
            where = " or ".join(f"{name}.{p.path}" for name in owners)
            p = Problem(p.file, p.path, f"unknown key at the top level; did you mean {where}? (a subchart's values go "
                                        f"under its name: {', '.join(owners)})", p.allowed)
        out.append(p)
    return out


def _blame(path: str, loaded: list[tuple[str, dict]], target: Target) -> str:
    """The file a problem belongs to: the last file that sets the longest prefix of its path."""
    if len(target.files) == 1 or not loaded:
        return target.files[0][1] if target.files else ""
    parts = [p for p in re.split(r"\.|\[\d+\]", path) if p]
    best, best_depth = loaded[-1][0], 0
    for label, data in loaded:
        depth, cur = 0, data
        for part in parts:
            if isinstance(cur, dict) and part in cur:
                depth, cur = depth + 1, cur[part]
            else:
                break
        if depth >= best_depth and depth > 0:
            best, best_depth = label, depth
    return best


def check_all(targets: list[Target]) -> list:
    """check_target for every target, several at once (each runs a Helm render in a subprocess).

    Returns: per target, in order, its list of Problem or the UsageError it raised."""

    def one(target):
        try:
            return check_target(target)
        except UsageError as exc:
            return exc

    if len(targets) < 2:
        return [one(t) for t in targets]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 1)) as pool:
        return list(pool.map(one, targets))


def discover() -> tuple[list[Target], list[str]]:
    """No-argument mode: every profile of every application chart (chartsuite.model.profiles: its
    values.yaml, its ci/*-values.yaml, the examples for it). Returns: (targets, usage errors: a chart
    without a schema, an unreadable example, an example naming no chart of charts/)."""
    targets, errors = [], []
    charts = paths.application_chart_dirs()
    names = {chart_dir.name for chart_dir in charts}
    for ex in profiles.examples(paths.REPO_ROOT):
        try:
            name = profiles.chart_of_example(ex)
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(f"{paths.display_path(ex)}: cannot read: {exc}")
            continue
        if name not in names:
            errors.append(f"{paths.display_path(ex)}: names chart '{name}' but there is no such chart in charts/")
    for chart_dir in charts:
        if not (chart_dir / "values.schema.json").is_file():
            errors.append(f"{paths.display_path(chart_dir)}: chart has no values.schema.json")
            continue
        try:
            found = profiles.chart_profiles(chart_dir.name, paths.REPO_ROOT)
        except (OSError, UnicodeDecodeError):
            found = profiles.chart_profiles(chart_dir.name, paths.REPO_ROOT, with_examples=False)  # reported above
        for _, values_file in found:
            if values_file is None:
                vals = chart_dir / "values.yaml"
                targets.append(Target(chart_dir, [(vals, paths.display_path(vals))], is_defaults=True))
            else:
                targets.append(Target(chart_dir, [(values_file, paths.display_path(values_file))]))
    return targets, errors


def explicit(chart: str, files: list[str]) -> Target:
    """``--chart DIR FILE...`` mode.  Returns: one Target.  Raises: UsageError for an unknown
    chart directory, a library chart, a chart without a schema, or a missing file."""

    chart_dir = Path(chart)
    if (chart_dir / "Chart.yaml").is_file():
        if paths.is_library(chart_dir):
            raise UsageError(f"{chart}: is a library chart; it has no values to check")
        if not (chart_dir / "values.schema.json").is_file():
            raise UsageError(f"{chart}: chart has no values.schema.json")
    chart_and_values(chart, files)
    return Target(chart_dir, [(Path(f), f) for f in files])
