"""Judge what lint_values and Helm did with one mutated values file.

The property (tests/render/test_bad_input_property.py): for every mutation EITHER
  - lint_values accepts it, Helm renders it, and every rendered object passes strict Kubernetes
    schema validation; OR
  - lint_values rejects it with a problem that names the value, and Helm rejects it with an error
    that names the value and is not a template crash.
Anything else is a failure: a Python exception from lint_values, a Go template crash, a render
that fails strict validation, one tool accepting what the other rejects, or a rejection that does
not say which value is wrong.

"Names the value" (the mutated path P, e.g. ``hdfs.namenode.resources.limits.memory``): the
message names a path Q with Q == P, Q an ancestor of P (other than the root), or Q a descendant
of P. Ancestors count because JSON Schema reports ``additionalProperties``, ``required`` and
``anyOf`` on the map that holds the key (Helm 4: ``at '/journalnode': additional properties
'replicaCountt' not allowed``), so the user is pointed at the map and told the key. Descendants
count because removing or retyping a map leaves its required children missing, and the message
then names the child (``namenode.resources.limits.memory: is required`` after ``namenode.resources:
null``). Those relations hold for the path a problem is reported at; a path merely mentioned in a
message's text must be P itself, relative to the chart whose rule speaks
(``config.replication: ... exceeds datanode.replicaCount 1`` names ``datanode.replicaCount``, and
as ``hdfs.config.replication`` under the umbrella it names ``hdfs.datanode.replicaCount``). Helm's
own dependency-condition check (``type mismatch on alluxio`` when a subchart's section is not a
map) runs before any schema and cannot be improved by a chart; it names the section, so it counts. A problem that names an unrelated path only (say, a rule that fires on
a sibling value without mentioning the changed one) does not name the value.

Paths are recognised in every form the tools print: lint's ``a.b[0].c``, Helm 3's schema lines
``- a.b.0.c: ...`` (gojsonschema), Helm 4's ``- at '/a/b/0/c': ...`` (JSON pointer), the
``VALUES VALIDATION:`` lines of the charts' validate.yaml (``a.b: message``), and dotted paths
anywhere in a message. Errors of a subchart (Helm's per-chart schema headings, or a template
file under ``<parent>/charts/<sub>/``) are relative to that subchart and get its name prefixed.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

# Go template execution failures and broken output: never an acceptable way to reject values.
CRASH_MARKERS = (
    "nil pointer evaluating", "error calling ", "can't evaluate field", "wrong type for value",
    "wrong number of args", "incompatible types for comparison", "invalid type for comparison",
    "cannot index", "index out of range", "can't iterate over", "error converting YAML to JSON",
    "YAML parse error", "unable to parse YAML", "map has no entry for key", "runtime error",
    "panic:", "strconv.", "output is not valid YAML", "a rendered document is not a mapping",
    "invalid value; expected", "unable to convert", "is not a method but has arguments",
    "timed out after",
)
SCHEMA_FAILURE = "values don't meet the specifications of the schema(s)"
TEMPLATE_FAILURE = re.compile(r"execution error at \((?P<file>[^:)]+)")
DOTTED = re.compile(r"(?<![\w/.\-\[])[A-Za-z_][\w\-]*(?:\.[A-Za-z_0-9][\w\-]*|\[\d+\])*")
POINTER = re.compile(r"at '((?:/[^']*)?)'")
# Helm evaluates dependency conditions (``<sub>.enabled``) before validating values; a section
# that is not a map stops it there with its own message, which names the section.
DEPENDENCY_FAILURE = re.compile(r"chart dependencies processing failed: type mismatch on ([\w.-]+)")
HELM4_EXTRA = re.compile(r"(?:additional propert(?:y|ies)|missing propert(?:y|ies)) ((?:'[^']*'(?:, )?)+)")
HELM3_LINE = re.compile(r"^- (\(root\)|[^\s:]+): (.*)$")
HELM3_EXTRA = re.compile(r"^(?:Additional property (\S+) is not allowed|(\S+) is required)")
VALIDATION_LINE = re.compile(r"^([A-Za-z_][\w\-]*(?:\.[\w\-]+|\[\d+\])*): ")
HEADING = re.compile(r"^([A-Za-z0-9_.-]+):$")


def split_path(path: str) -> tuple:
    """``a.b[0].c`` -> ``("a", "b", "0", "c")`` (indexes as strings, to compare with Helm's forms).

    Args: path: dotted path.  Returns: tuple of str ("" gives ()).
    """
    return tuple(p for p in re.split(r"\.|\[|\]", path) if p != "")


def related(named: tuple, mutated: tuple) -> bool:
    """True when ``named`` is the mutated path, a non-root ancestor of it, or a descendant of it.

    Args: named, mutated: split paths.  Returns: bool.
    """
    if not named:
        return False
    n = min(len(named), len(mutated))
    return named[:n] == mutated[:n]


def text_paths(text: str) -> list[tuple]:
    """Every dotted path-like word in free text (``zookeeper.replicaCount``, ``dirs[1]``, single
    words too), split.  Args: text.  Returns: list of split paths."""
    return [split_path(m.group(0)) for m in DOTTED.finditer(text)]


def lint_names(problems: Iterable[Any], mutated: str) -> bool:
    """True when some lint problem names the mutated value (see module docstring).

    Args: problems: objects with .path, .message and .allowed (chartsuite.errors.Problem);
        mutated: dotted path.  Returns: bool.
    """
    want = split_path(mutated)
    for p in problems:
        at = split_path(p.path)
        if related(at, want):
            return True
        # a mention is relative to the chart the rule belongs to: the problem's path may carry
        # the subchart's name (hdfs.namenode.replicaCount: ... when ha.enabled is false)
        for t in text_paths(f"{p.message} {p.allowed}"):
            head = want[:len(want) - len(t)]
            if t and want[len(head):] == t and at[:len(head)] == head:
                return True
    return False


def helm_paths(text: str, chart: str) -> list[tuple[tuple, bool]]:
    """Value paths a Helm error names, relative to the chart ``chart`` that was rendered.

    Reads Helm 3 and Helm 4 schema reports (per-chart headings; a subchart's paths get its name
    prefixed), the charts' ``VALUES VALIDATION:`` lines (``path: message``) and any dotted path
    in the text (prefixed with the subchart when the failing template belongs to one).
    Args: text: Helm's stderr; chart: the rendered chart's name.
    Returns: list of (split path, structured) where structured is True for a path Helm reports a
        problem at (schema line, validation line) and False for a word found in a message.
    """
    out: list[tuple[tuple, bool]] = []
    prefix: tuple = ()
    m = TEMPLATE_FAILURE.search(text)
    if m:
        parts = m.group("file").split("/")
        # <chart>/charts/<sub>/templates/... -> the subchart's paths are relative to it
        subs = [parts[i + 1] for i in range(len(parts) - 1) if parts[i] == "charts"]
        prefix = tuple(subs)
    out += [(split_path(d), True) for d in DEPENDENCY_FAILURE.findall(text)]
    section: tuple = ()
    in_validation = False
    for raw in text.splitlines():
        line = raw.strip()
        if line == "VALUES VALIDATION:":
            in_validation = True
            continue
        h = HEADING.match(line)
        if h:
            section = () if h.group(1) == chart else (h.group(1),)
            continue
        p = POINTER.search(line)
        if p and line.startswith("- "):
            rel = tuple(x.replace("~1", "/").replace("~0", "~") for x in p.group(1).split("/") if x != "")
            base = section + rel
            if rel:  # a chart's root is no ancestor worth naming; its key list below is
                out.append((base, True))
            extra = HELM4_EXTRA.search(line)
            if extra:
                out += [(base + (k,), True) for k in re.findall(r"'([^']*)'", extra.group(1))]
            continue
        h3 = HELM3_LINE.match(line)
        if h3 and SCHEMA_FAILURE in text:
            rel = () if h3.group(1) == "(root)" else split_path(h3.group(1))
            base = section + rel
            if rel:
                out.append((base, True))
            extra = HELM3_EXTRA.match(h3.group(2))
            if extra:
                out.append((base + (extra.group(1) or extra.group(2),), True))
            continue
        v = VALIDATION_LINE.match(line) if in_validation else None
        if v:
            out.append((prefix + split_path(v.group(1)), True))
        for found in text_paths(line):
            out.append((prefix + found, False))
    return out


def helm_names(text: str, chart: str, mutated: str) -> bool:
    """True when Helm's error names the mutated value (see module docstring).

    Args: text: Helm's stderr; chart: rendered chart's name; mutated: dotted path.  Returns: bool.
    """
    want = split_path(mutated)
    # A key with dots (a node label such as node-role.example.com/x) is one JSON pointer part but
    # several parts of the dotted path: compare both split at every dot.
    return any(related(dotted, want) if structured else dotted == want
               for named, structured in helm_paths(text, chart)
               for dotted in [tuple(q for part in named for q in part.split("."))])


def helm_crash(text: str) -> str | None:
    """The crash marker found in a Helm error, or a reason when the error is neither a schema
    failure nor a template ``fail``/``required`` message; None for a clean rejection.

    Args: text: Helm's stderr.  Returns: str or None.
    """
    for marker in CRASH_MARKERS:
        if marker in text:
            return f"Go template crash ({marker!r})"
    if SCHEMA_FAILURE not in text and not TEMPLATE_FAILURE.search(text) \
            and not DEPENDENCY_FAILURE.search(text):
        return "Helm failed without a schema or template validation message"
    return None


def judge(chart: str, mutated: str, lint: Any, helm: Any, strict_errors: list[str] | None) -> list[str]:
    """Failures of one mutation ([] when the tools behaved).

    Args:
        chart: name of the rendered chart (e.g. ``"umbrella"``);
        mutated: dotted path of the mutated value;
        lint: list of lint_values Problems (``[]`` = accepted) or the exception it raised;
        helm: list of rendered objects (accepted) or Helm's error text (str, rejected);
        strict_errors: strict Kubernetes validation errors of the render (when Helm accepted).
    Returns: list of failure descriptions.
    """
    failures: list[str] = []
    if isinstance(lint, BaseException):
        failures.append(f"lint_values raised {type(lint).__name__}: {lint}")
    helm_rejected = isinstance(helm, str)
    if helm_rejected:
        crash = helm_crash(helm)
        if crash:
            failures.append(f"{crash}:\n{helm.strip()}")
    if failures:
        return failures
    lint_rejected = bool(lint)
    if lint_rejected and not helm_rejected:
        failures.append("lint_values rejects but Helm renders: "
                        + "; ".join(p.format() for p in lint))
    elif helm_rejected and not lint_rejected:
        failures.append(f"Helm rejects but lint_values accepts:\n{helm.strip()}")
    elif lint_rejected:
        if not lint_names(lint, mutated):
            failures.append(f"lint_values rejects without naming {mutated}: "
                            + "; ".join(p.format() for p in lint))
        if not helm_names(helm, chart, mutated):
            failures.append(f"Helm rejects without naming {mutated}:\n{helm.strip()}")
    elif strict_errors:
        failures.append("accepted, but the render fails strict Kubernetes validation:\n"
                        + "\n".join(strict_errors[:10]))
    elif isinstance(helm, list) and (floats := float_fields(helm)):
        failures.append("accepted, but the render holds numbers in float or exponent form, which the "
                        "Kubernetes API does not decode into its integer fields:\n" + "\n".join(floats[:10]))
    return failures


def float_fields(objects: list[dict]) -> list[str]:
    """``Kind/name: path = value`` of every float in rendered objects.

    The Kubernetes API has no float fields (API conventions: integers or quantity strings), so a
    float means a number Helm printed in exponent form (``replicas: 2.147483649e+09``), which
    strict schema validation lets through because the value is integral.
    Args: objects: rendered objects.  Returns: list of str.
    """
    out = []

    def walk(node, path, where):
        if isinstance(node, float):
            out.append(f"{where}: {path} = {node!r}")
        elif isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{path}.{k}" if path else str(k), where)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}[{i}]", where)

    for obj in objects:
        walk(obj, "", f"{obj.get('kind')}/{(obj.get('metadata') or {}).get('name')}")
    return out


def run(root, chart: str, user: dict, mutated: str, major: int = 4, release: str = "rt",
        namespace: str = "bigdata"):
    """Lint (tools/lint_values.py's Python API, in-process) and render (``helm template``) one
    values file, then judge the outcome.

    Args: root: repository root (pathlib.Path); chart: name under charts/; user: the values file
        (mapping); mutated: dotted path of the changed value; major: Helm 3 or 4; release,
        namespace: as the render tests use.
    Returns: (lint, helm, failures): lint is the list of Problems or the exception lint_values
        raised; helm is the list of rendered objects or Helm's error text; failures as judge().
    Raises: UsageError when no Helm binary of that major version is available.
    """
    import tempfile
    from pathlib import Path

    import yaml
    from chartsuite.checks.values_lint import Target, check_target
    from chartsuite import helm as helm_tool
    from chartsuite.checks import manifests

    chart_dir = Path(root) / "charts" / chart
    with tempfile.TemporaryDirectory() as tmp:
        values = Path(tmp) / "values.yaml"
        values.write_text(yaml.safe_dump(user, sort_keys=False))
        try:
            lint = check_target(Target(chart_dir, [(values, "values.yaml")]))
        except Exception as exc:  # judged: a traceback is a failure
            lint = exc
        try:
            rendered = helm_tool.render(chart_dir, [values], release=release, namespace=namespace,
                                        major=major)
        except helm_tool.RenderError as err:
            rendered = err.stderr
    strict = manifests.validate_objects(rendered) if isinstance(rendered, list) and not lint else None
    return lint, rendered, judge(chart, mutated, lint, rendered, strict)
