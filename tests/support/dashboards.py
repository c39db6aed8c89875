"""What a chart's Grafana dashboards query: the metric names and label matchers of their PromQL, for
checking them against what the real daemons expose (tests/local) and against the render (tests/render).
The PromQL reading is small on purpose and covers what the dashboards write: selectors with
double-quoted matchers, functions, aggregations with by/without, range vectors; not single-quoted or
backquoted strings, __name__ matchers or Grafana variables inside label values."""
import json
import re
from pathlib import Path

_SELECTOR = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}")
_MATCHER = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*\"((?:[^\"\\]|\\.)*)\"")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
             "offset", "inf", "nan"}


def load(path):
    """A dashboard JSON file as a dict."""
    return json.loads(Path(path).read_text())


def queries(dashboard):
    """Every target expression of every panel (rows' nested panels included): list of str."""
    out = []
    for panel in dashboard.get("panels", []):
        for inner in [panel] + panel.get("panels", []):
            out += [t["expr"] for t in inner.get("targets", []) if t.get("expr")]
    return out


def selectors(expr):
    """[(metric name, {label: (operator, value)})] of one PromQL expression. A metric written without
    braces gets an empty dict; function names, keywords, grouping labels and durations are left out."""
    found = [(name, {k: (op, v) for k, op, v in _MATCHER.findall(body)}) for name, body in _SELECTOR.findall(expr)]
    rest = _GROUPING.sub(" ", _SELECTOR.sub(" ", expr))
    rest = re.sub(r"\[[^\]]*\]|\"[^\"]*\"|\b\d+(\.\d+)?\b", " ", rest)
    for name in re.findall(r"(?<![a-zA-Z0-9_:])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![a-zA-Z0-9_:])(?!\s*\()", rest):
        if name.lower() not in _KEYWORDS:
            found.append((name, {}))
    return found


def metric_names(dashboard):
    """Every metric name a dashboard queries: set of str."""
    return {name for expr in queries(dashboard) for name, _ in selectors(expr)}


def exposed(text):
    """{metric name: set of label names} of a Prometheus text exposition (comments skipped)."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s", line)
        if m:
            labels = set(re.findall(r"([a-zA-Z_][a-zA-Z0-9_]*)=\"", m.group(3) or ""))
            out.setdefault(m.group(1), set()).update(labels)
    return out


def missing(dashboard, texts, target_labels=("namespace", "pod", "job", "instance", "service", "container", "endpoint")):
    """What a dashboard queries that the scraped texts do not expose: list of str ("metric" or
    "metric{label}"), [] when every queried metric and every matched label is there. Labels the
    scraper adds (target_labels: Prometheus' and prometheus-operator's target labels) are not
    looked for in the texts."""
    have = {}
    for text in texts:
        for name, labels in exposed(text).items():
            have.setdefault(name, set()).update(labels)
    out = []
    for expr in queries(dashboard):
        for name, matchers in selectors(expr):
            if name not in have:
                out.append(name)
                continue
            out += [f"{name}{{{label}}}" for label in matchers if label not in have[name] and label not in target_labels]
    return sorted(set(out))
