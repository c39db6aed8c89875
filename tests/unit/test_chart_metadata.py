"""Chart metadata and generated files: Chart.yaml passes chart-testing's yamale schema,
every YAML file of the charts passes our yamllint config, and the generated schema and
README tables are current."""
import pathlib
import subprocess
import sys

import pytest
import yamale
import yaml
from yamllint import config as yl_config, linter

from chartsuite.model import paths
from chartsuite.model.kube import DEFAULT_KUBE_VERSIONS

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHARTS = sorted(p.parent for p in (ROOT / "charts").glob("*/Chart.yaml"))
YAML_FILES = sorted(
    [p for c in CHARTS for p in [c / "Chart.yaml", c / "values.yaml", *sorted((c / "ci").glob("*.yaml")), *sorted((c / "ci" / "render-only").glob("*.yaml"))] if p.exists()]
    + sorted((ROOT / "examples").glob("*.yaml")) + [ROOT / "ct.yaml"])


def _rel(p):
    return str(p.relative_to(ROOT))


@pytest.mark.parametrize("chart", CHARTS, ids=lambda p: p.name)
def test_chart_yaml_matches_chart_testing_schema(chart):
    schema = yamale.make_schema(str(ROOT / ".ct" / "chart_schema.yaml"))
    data = yamale.make_data(str(chart / "Chart.yaml"))
    yamale.validate(schema, data)  # raises YamaleError listing every problem


def test_chart_testing_schema_rejects_a_bad_chart_yaml(tmp_path):
    bad = tmp_path / "Chart.yaml"
    bad.write_text("apiVersion: v2\nname: x\nversion: 1.0.0\nmaintainers: [{email: a@b}]\n")
    schema = yamale.make_schema(str(ROOT / ".ct" / "chart_schema.yaml"))
    with pytest.raises(yamale.YamaleError) as err:
        yamale.validate(schema, yamale.make_data(str(bad)))
    assert "description" in str(err.value) and "maintainers.0.name" in str(err.value)


@pytest.mark.parametrize("path", YAML_FILES, ids=_rel)
def test_yamllint(path):
    conf = yl_config.YamlLintConfig(file=str(ROOT / ".ct" / "lintconf.yaml"))
    problems = [f"{p.line}:{p.column} {p.message}" for p in linter.run(path.read_text(), conf)]
    assert problems == []


def test_yamllint_config_catches_problems():
    conf = yl_config.YamlLintConfig(file=str(ROOT / ".ct" / "lintconf.yaml"))
    problems = list(linter.run("a: 1\na: 2 \nb: yes\n", conf))
    assert {p.rule for p in problems} >= {"key-duplicates", "trailing-spaces", "truthy"}


@pytest.mark.parametrize("tool", ["gen_schemas.py", "gen_readme.py"])
def test_generated_files_are_current(tool):
    run = subprocess.run([sys.executable, str(ROOT / "tools" / tool), "--check"], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("chart", [c for c in CHARTS if c.name != "common"], ids=lambda p: p.name)
def test_library_chart_is_a_relative_symlink(chart):
    link = chart / "charts" / "common"
    assert link.is_symlink() and not pathlib.Path(link.readlink()).is_absolute()
    assert (link / "Chart.yaml").exists()


def test_readme_generator_refuses_a_value_without_a_description(tmp_path):
    """Every README parameter row says what the value is: a schema without a description for a
    documented value stops the generator, naming the value."""
    import json

    from chartsuite.cli import gen_readme
    (tmp_path / "values.yaml").write_text("server:\n  replicaCount: 1\n  image: x\n")
    (tmp_path / "values.schema.json").write_text(json.dumps({"properties": {"server": {
        "type": "object", "description": "The server", "properties": {
            "replicaCount": {"type": "integer", "description": "Pods"}, "image": {"type": "string"}}}}}))
    with pytest.raises(gen_readme.BlankDescription, match=r"1 value\(s\) without a description .*: server\.image$"):
        gen_readme.table(tmp_path)
    schema = json.loads((tmp_path / "values.schema.json").read_text())
    schema["properties"]["server"]["properties"]["image"]["description"] = "Image"
    (tmp_path / "values.schema.json").write_text(json.dumps(schema))
    assert "| `server.image` | Image | `\"x\"` |" in gen_readme.table(tmp_path)


def test_every_chart_supports_the_oldest_validated_kubernetes():
    """Chart.yaml kubeVersion and the versions renders are validated against are one fact
    (chartsuite.model.kube.DEFAULT_KUBE_VERSIONS): the floor is the oldest validated version."""
    for chart_dir in paths.application_chart_dirs():
        meta = yaml.safe_load((chart_dir / "Chart.yaml").read_text())
        assert meta["kubeVersion"] == f">={DEFAULT_KUBE_VERSIONS[0]}-0", chart_dir.name
