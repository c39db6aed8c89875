"""The charts' semantic values rules, run where they are written: ``templates/validate.yaml``.

Each application chart's ``templates/validate.yaml`` collects its rule violations and hands them to
``common.validate.fail`` (charts/common/templates/_validate.tpl). With ``global.valuesValidation=report``
that helper renders them as one ``ValuesValidationReport`` object per chart instead of failing, so one
``helm template`` of the umbrella yields the problems of the umbrella and of every enabled subchart
(a failing render stops at the first failing template). This module runs that render and turns the
reports into Problems; it has no rules of its own.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

import yaml

from chartsuite import helm
from chartsuite.errors import Problem
from chartsuite.model import subcharts

REPORT_KIND = "ValuesValidationReport"
REPORT_FLAGS = ("--skip-schema-validation", "--set", "global.valuesValidation=report")
_PATH = re.compile(r"^([A-Za-z][\w\-]*(?:(?:\.[A-Za-z_][\w\-]*)|\[\d+\])*): ")


class RenderFailed(Exception):
    """``helm template`` failed for a reason other than a rule (a template error). Attribute: text
    (str, Helm's error without the command line)."""

    def __init__(self, text: str):
        self.text = text
        super().__init__(text)


def split_message(line: str) -> tuple[str, str, str]:
    """Split a rule's line ``path.to.value: what is wrong (what is allowed)``.

    Args: line: one message of a report.
    Returns: (path, message, allowed); path "" when the line names no value path, allowed "" when
        the line does not end in a parenthesis. The allowed part is the last balanced parenthesis
        group that ends the line.
    """
    m = _PATH.match(line)
    path, rest = (m.group(1), line[m.end():]) if m else ("", line)
    rest = rest.strip()
    if rest.endswith(")"):
        depth = 0
        for i in range(len(rest) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(rest[i], 0)
            if depth == 0:
                if i > 0 and rest[i - 1] == " ":
                    return path, rest[:i - 1].rstrip(), rest[i + 1:-1]
                break
    return path, rest, ""


def subchart_prefix(template: str) -> str:
    """The values prefix of the chart a template belongs to, from its Helm template name.

    Args: template: ``.Template.Name`` such as ``umbrella/charts/hdfs/templates/validate.yaml``.
    Returns: "hdfs." for that example, "" for a template of the rendered chart itself
        (``hdfs/templates/validate.yaml``). Source: Helm names a subchart's templates
        ``<parent>/charts/<subchart>/...`` and gives it the values under ``<subchart>``.
    """
    parts = template.split("/")
    names = [parts[i + 1] for i in range(len(parts) - 1) if parts[i] == "charts" and i > 0]
    return "".join(f"{n}." for n in names)


def problems_in(output: str, file: str = "") -> list[Problem]:
    """The Problems of every ValuesValidationReport in ``helm template`` output.

    Args: output: the rendered YAML stream; file: the name each Problem carries.
    Returns: list of Problem, paths prefixed with their subchart (``hdfs.namenode.replicaCount``).
    Raises: helm.RenderError when a report document is not YAML.
    """
    reports = [doc for doc in re.split(r"^---\s*$", output, flags=re.M) if f"kind: {REPORT_KIND}" in doc]
    out: list[Problem] = []
    for doc in helm.parse_documents("\n---\n".join(reports)):
        if doc.get("kind") != REPORT_KIND:
            continue
        prefix = subchart_prefix(str(doc.get("template", "")))
        for line in doc.get("problems") or []:
            path, message, allowed = split_message(str(line))
            out.append(Problem(file, prefix + path if path else prefix.rstrip("."), message, allowed))
    return out


def _keys(defaults, path: str) -> list[str] | None:
    """The keys of a dotted ``path`` in a nested map, matching keys that contain dots (``hdfs-site.xml``,
    ``dfs.replication``) greedily; the path is cut at its first list index. None when a part is not there."""
    path = path.split("[", 1)[0]
    keys, cur = [], defaults
    while path:
        if not isinstance(cur, dict):
            return None
        match = max((k for k in cur if path == str(k) or path.startswith(f"{k}.")), key=lambda k: len(str(k)),
                    default=None)
        if match is None:
            return None
        keys.append(match)
        cur, path = cur[match], path[len(str(match)) + 1:]
    return keys


def defaults_for(chart_dir: Path | str, paths: Iterable[str]) -> dict:
    """A values override that puts back the chart's default at each path (subcharts' paths resolved in
    the subchart's values.yaml) and removes (null) a path without a default.

    Rules are judged on values that passed the schema; when a file has schema problems, lint renders
    with this override on the flagged paths so the templates do not fail on a wrong type and the other
    values still get their rules. Args: chart_dir: chart directory; paths: dotted value paths
    (``hdfs.namenode.replicaCount``). Returns: nested dict for ``helm -f``.
    Raises: OSError or yaml.YAMLError when a values.yaml is unreadable.
    """

    chart_dir = Path(chart_dir)
    own = yaml.safe_load((chart_dir / "values.yaml").read_text(encoding="utf-8")) or {}
    subs = {sub.name: yaml.safe_load((sub.chart_dir / "values.yaml").read_text(encoding="utf-8")) or {}
            for sub in subcharts.dependencies(chart_dir) if (sub.chart_dir / "values.yaml").is_file()}
    override: dict = {}
    for path in paths:
        keys, value = _keys(own, path), None
        if keys is not None:
            cur = own
            for k in keys:
                cur = cur[k]
            value = cur
        elif path.split(".", 1)[0] in subs and "." in path:
            name, rest = path.split(".", 1)
            sub_keys = _keys(subs[name], rest)
            if sub_keys is not None:
                cur = subs[name]
                for k in sub_keys:
                    cur = cur[k]
                keys, value = [name] + sub_keys, cur
        if keys is None:
            keys = [k for k in path.split("[", 1)[0].split(".") if k]
        node = override
        for k in keys[:-1]:
            node = node.setdefault(k, {}) if isinstance(node.get(k, {}), dict) else node
        if keys:
            node[keys[-1]] = value
    return override


def rule_problems(chart_dir: Path | str, values_files: Iterable[Path | str] = (), file: str = "",
                  major: int = 4, timeout: int = helm.DEFAULT_TIMEOUT) -> list[Problem]:
    """Render a chart with its rules in report mode and return their problems.

    Args: chart_dir: chart directory; values_files: ``-f`` files in order (none: the defaults);
        file: the name each Problem carries; major: Helm 3 or 4; timeout: seconds.
    Returns: list of Problem (paths relative to the chart's values, subcharts' prefixed).
    Raises: RenderFailed when a template fails (Helm's message); helm.RenderError on a timeout or
        unreadable output; errors.UsageError when no Helm binary is available.
    """
    cmd = helm.template_cmd(chart_dir, values_files, None, major=major, extra_args=REPORT_FLAGS)
    try:
        output = helm.run(cmd, timeout)
    except helm.RenderError as exc:
        if exc.returncode == -1:
            raise
        text = "\n".join(line for line in exc.stderr.splitlines()
                         if not line.startswith("level=") and line.strip()
                         and not line.startswith("Use --debug"))
        raise RenderFailed(text.removeprefix("Error: ")) from None
    return problems_in(output, file)
