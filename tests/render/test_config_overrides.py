"""configOverrides, the one idiom of every chart for extra daemon properties: a map keyed by the
configuration file, each entry a map property -> value written into that file of the chart's
configuration ConfigMap over the chart's own properties. The schema is closed to the files the chart
writes; the keys that held extra properties before are still read (deprecated, described with their
new place), so that an old values file is told where its properties went rather than "unknown key"."""
import xml.etree.ElementTree as ET

import pytest
import yaml

from chartsuite import helm
from chartsuite.checks import schema_check
from conftest import NAMESPACE, RELEASE, ROOT, one

# chart -> {file: (a property the chart does not derive from its values, value, how it must read)}
FILES = {
    "hdfs": {"core-site.xml": ("fs.trash.interval", 1440, "1440"),
             "hdfs-site.xml": ("dfs.namenode.handler.count", 64, "64")},
    "spark": {"spark-defaults.conf": ("spark.network.timeout", "300s", "300s")},
    "alluxio": {"alluxio-site.properties": ("alluxio.user.block.size.bytes.default", "64MB", "64MB")},
}
# chart -> {old key path: new place}
MOVED = {
    "hdfs": {("coreSite",): "configOverrides.core-site.xml", ("hdfsSite",): "configOverrides.hdfs-site.xml"},
    "spark": {("config", "extra"): "configOverrides.spark-defaults.conf"},
    "alluxio": {("properties",): "configOverrides.alluxio-site.properties"},
}


def read_file(chart, objects, name):
    """{property: value} of configuration file ``name`` in the chart's <fullname>-config ConfigMap."""
    text = one(objects, "ConfigMap", name=f"{RELEASE}-{chart}-config")["data"][name]
    if name.endswith(".xml"):
        return {p.findtext("name"): p.findtext("value") for p in ET.fromstring(text).iter("property")}
    sep = " " if name == "spark-defaults.conf" else "="
    return dict(line.split(sep, 1) for line in text.splitlines() if line and not line.startswith("#"))


def defaults(chart):
    return yaml.safe_load((ROOT / "charts" / chart / "values.yaml").read_text())


@pytest.mark.parametrize("chart", sorted(FILES))
def test_each_file_gets_its_own_overrides(chart, tmp_path):
    overrides = {name: {prop: value} for name, (prop, value, _) in FILES[chart].items()}
    values = tmp_path / "values.yaml"
    values.write_text(yaml.safe_dump({"configOverrides": overrides}))
    objects = helm.render(ROOT / "charts" / chart, [values], release=RELEASE, namespace=NAMESPACE)
    base = helm.render(ROOT / "charts" / chart, release=RELEASE, namespace=NAMESPACE)
    for name, (prop, _, text) in FILES[chart].items():
        assert prop not in read_file(chart, base, name)
        assert read_file(chart, objects, name)[prop] == text
        # ... and in no other file of the chart
        for other in set(FILES[chart]) - {name}:
            assert prop not in read_file(chart, objects, other)


@pytest.mark.parametrize("chart", sorted(FILES))
def test_the_schema_takes_the_charts_files_only_with_scalar_values(chart):
    schema = schema_check.load_schema(ROOT / "charts" / chart)
    values = defaults(chart)
    assert set(values["configOverrides"]) == set(FILES[chart])
    good = {name: {"a.string": "x", "a.number": 1, "a.bool": False} for name in FILES[chart]}
    assert schema_check.check_values({**values, "configOverrides": good}, schema) == []
    first = sorted(FILES[chart])[0]
    bad = {**good, "yarn-site.xml": {"a": "b"}, first: {"a.list": [1], "a.map": {"b": "c"}}}
    found = {p.path: p.message for p in schema_check.check_values({**values, "configOverrides": bad}, schema)}
    assert set(found) == {"configOverrides.yarn-site.xml", f"configOverrides.{first}.a.list",
                          f"configOverrides.{first}.a.map"}
    assert found["configOverrides.yarn-site.xml"].startswith("unknown key")


@pytest.mark.parametrize("chart", sorted(MOVED))
def test_the_old_keys_are_read_and_name_their_new_place(chart):
    schema = schema_check.load_schema(ROOT / "charts" / chart)
    values = defaults(chart)
    for path, new in MOVED[chart].items():
        node, value = schema, values
        for key in path[:-1]:
            node, value = node["properties"][key], value[key]
        assert path[-1] not in value, "an old key stays out of values.yaml"
        entry = node["properties"][path[-1]]
        assert entry.get("deprecated") is True and f"moved to {new}" in entry["description"]
        value[path[-1]] = {"some.property": "x"}
    assert schema_check.check_values(values, schema) == []
