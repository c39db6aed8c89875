"""The image twins (twins/<image>/image.yaml) describe the images the charts use: each names the tag
the chart's values name, lists facts with a source and what the twin reproduces, and the apache/hadoop
twin's launcher knows every hdfs/hadoop subcommand the chart's scripts and templates run."""
import re
from pathlib import Path

import pytest
import yaml

from chartsuite.model.dotted import get

ROOT = Path(__file__).resolve().parents[2]
TWINS = sorted((ROOT / "twins").glob("*/image.yaml"))


def test_every_twin_is_found():
    assert {p.parent.name for p in TWINS} >= {"apache-hadoop", "zookeeper", "python"}


@pytest.mark.parametrize("path", TWINS, ids=lambda p: p.parent.name)
def test_twin_tag_is_the_charts_and_every_fact_has_a_source(path):
    spec = yaml.safe_load(path.read_text())
    values = yaml.safe_load((ROOT / "charts" / spec["chart"] / "values.yaml").read_text())
    assert str(get(values, spec["chartValue"])) == str(spec["tag"]), \
        f"{path}: tag {spec['tag']} but the chart's {spec['chartValue']} is {get(values, spec['chartValue'])}"
    assert spec["facts"]
    for fact in spec["facts"]:
        assert all(str(fact.get(k, "")).strip() for k in ("fact", "value", "source", "twin")), fact
    twin = spec["twin"]
    assert isinstance(twin["user"], int) and isinstance(twin["group"], int)
    has_entry = any(line.split(":")[2] == str(twin["user"]) for line in twin["passwd"].splitlines())
    assert has_entry != bool(twin.get("userWithoutPasswdEntry")), twin["passwd"]
    assert (path.parent / "build.sh").is_file()


def test_hadoop_launcher_knows_every_subcommand_the_chart_runs():
    launcher = (ROOT / "twins/apache-hadoop/libexec/twin-launcher.sh").read_text()
    patterns = [line.split(")", 1)[0] for line in launcher.splitlines()
                if re.match(r"^\s+(hdfs|hadoop|\*):[a-z*.]+( \| [a-z*]+:[a-z*.]+)*\)", line)]
    known = set()
    for pattern in patterns:
        for program, sub in re.findall(r"(hdfs|hadoop|\*):([a-z]+)", pattern):
            known |= {(program, sub)} if program != "*" else {("hdfs", sub), ("hadoop", sub)}
    sources = list((ROOT / "charts/hdfs/files/scripts").glob("*.sh")) + list((ROOT / "charts/hdfs/templates").rglob("*.yaml")) \
        + list((ROOT / "charts/hdfs/templates").rglob("*.tpl"))
    used = set()
    for path in sources:
        text = path.read_text()
        # Shell commands ("hdfs dfs -put") and container commands (["/opt/hadoop/bin/hdfs", "namenode"]).
        for program, sub in re.findall(r"(?:^|[\s\"'(;|&/])(hdfs|hadoop)(?: |\",\s*\")([a-z]+)\b", text):
            if sub not in ("is", "the", "chart", "nameservice", "to", "and", "or", "of", "with", "on", "command"):
                used.add((program, sub))
    assert {("hdfs", "namenode"), ("hdfs", "datanode"), ("hdfs", "journalnode"), ("hdfs", "zkfc")} <= used
    missing = used - known
    assert not missing, f"the image twin's launcher lacks {sorted(missing)}"
