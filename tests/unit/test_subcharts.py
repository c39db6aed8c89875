"""chartsuite.model.subcharts: Helm's condition rule and the values a subchart receives."""
from pathlib import Path

from chartsuite.model import subcharts

ROOT = Path(__file__).resolve().parents[2]


def test_dependencies_of_the_umbrella_skip_the_library_chart():
    deps = subcharts.dependencies(ROOT / "charts" / "umbrella")
    assert [(d.name, d.chart_dir.name, d.condition) for d in deps] == [
        ("hdfs", "hdfs", "hdfs.enabled"), ("spark", "spark", "spark.enabled"), ("alluxio", "alluxio", "alluxio.enabled")]


def test_condition_first_boolean_path_wins():
    assert subcharts.enabled({"a": {"enabled": False}}, "a.enabled") is False
    assert subcharts.enabled({"a": {}}, "a.enabled") is True
    assert subcharts.enabled({"a": {"enabled": "yes"}, "b": {"on": False}}, "a.enabled, b.on") is False
    assert subcharts.enabled({}, "") is True


def test_values_for_coalesces_section_and_globals():
    sub = subcharts.Subchart("x", ROOT, "x.enabled")
    defaults = {"global": {"registry": "", "keep": 1}, "a": {"b": 1, "c": 2}, "d": [1]}
    parent = {"global": {"registry": "mirror"}, "x": {"a": {"c": None, "e": 3}, "d": [9]}}
    got = subcharts.values_for(parent, sub, defaults)
    assert got == {"global": {"registry": "mirror", "keep": 1}, "a": {"b": 1, "e": 3}, "d": [9]}
    assert defaults == {"global": {"registry": "", "keep": 1}, "a": {"b": 1, "c": 2}, "d": [1]}
