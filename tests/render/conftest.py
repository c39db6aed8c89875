"""Render fixtures: every chart's ci/ profiles and examples, rendered once per
Helm major version (in parallel) and shared by all render tests."""
import concurrent.futures
import pathlib

import pytest

from chartsuite import helm
from chartsuite.model import profiles

ROOT = pathlib.Path(__file__).resolve().parents[2]

HELM_MAJORS = (3, 4)
RELEASE = "rt"
NAMESPACE = "bigdata"


def chart_profiles(chart):
    """[(profile id, values file or None)] of a chart (chartsuite.model.profiles: the one rule)."""
    return profiles.chart_profiles(chart, ROOT)


class Renders:
    """Lazily renders (chart, profile, helm major) combinations, many at once in threads."""

    def __init__(self):
        self._cache = {}

    def _render(self, key):
        chart, profile, major = key
        values = dict(chart_profiles(chart))[profile]
        return helm.render(ROOT / "charts" / chart, [values] if values else [], release=RELEASE,
                           namespace=NAMESPACE, major=major)

    def prefetch(self, keys):
        """Render every key not yet rendered, in parallel."""
        todo = [k for k in keys if k not in self._cache]
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            for key, result in zip(todo, pool.map(self._safe_render, todo)):
                self._cache[key] = result

    def _safe_render(self, key):
        try:
            return self._render(key)
        except helm.RenderError as err:
            return err

    def get(self, chart, profile, major=4):
        """Objects (list of dicts) of one render; fails the test on a render error."""
        key = (chart, profile, major)
        if key not in self._cache:
            self.prefetch([key])
        result = self._cache[key]
        if isinstance(result, Exception):
            pytest.fail(f"helm {major} template {chart} [{profile}] failed:\n{result}")
        return result


def application_charts():
    """Names of the charts with values.schema.json (every chart but the library chart)."""
    return sorted(p.parent.name for p in (ROOT / "charts").glob("*/values.schema.json"))


@pytest.fixture(scope="session")
def renders():
    """Session-wide Renders; prefetches every profile of every chart under both Helm versions."""
    r = Renders()
    r.prefetch([(c, p, m) for c in application_charts() for p, _ in chart_profiles(c) for m in HELM_MAJORS])
    return r


def find(objects, kind, name=None, component=None):
    """Objects of ``kind`` whose name equals ``name`` or whose component label equals ``component``."""
    out = []
    for obj in objects:
        if obj.get("kind") != kind:
            continue
        meta = obj["metadata"]
        if name is not None and meta["name"] != name:
            continue
        if component is not None and meta.get("labels", {}).get("app.kubernetes.io/component") != component:
            continue
        out.append(obj)
    return out


def one(objects, kind, name=None, component=None):
    """The single object matching find(); fails otherwise."""
    found = find(objects, kind, name, component)
    assert len(found) == 1, f"expected one {kind} name={name} component={component}, got {len(found)}"
    return found[0]
