"""tools/lint_values.py run as users run it, on the fixture chart tests/fixtures/charts/demo."""
import json
import subprocess
import sys
import time

import pytest

from chartsuite.model.paths import REPO_ROOT as ROOT

CLI = ROOT / "tools" / "lint_values.py"
DEMO = ROOT / "tests" / "fixtures" / "charts" / "demo"


def lint(*args, cwd=ROOT):
    return subprocess.run([sys.executable, str(CLI), *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=60)


def write(tmp_path, name, text):
    f = tmp_path / name
    f.write_text(text)
    return f


def test_clean_file_exits_0(tmp_path):
    f = write(tmp_path, "ok.yaml", "server:\n  replicaCount: 5\n")
    r = lint("--chart", DEMO, f)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == ""
    assert r.stderr.strip().endswith("1 files checked, 0 problems")


def test_problems_exit_1_one_line_each(tmp_path):
    f = write(tmp_path, "bad.yaml",
              "server:\n  replicaCount: 0\n  kind: Deployment\n  replicas: 3\n"
              "  persistence:\n    size: 10GB\n  dirs: [/a, rel]\n")
    r = lint("--chart", DEMO, f)
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    # FILE:LINE:COL of the key (or list item) that sets the value.
    assert f"{f}:2:3: server.replicaCount: is 0, too small (>= 1)" in lines
    assert f"{f}:3:3: server.kind: 'Deployment' is not allowed (one of: StatefulSet, DaemonSet)" in lines
    assert any(l.startswith(f"{f}:4:3: server.replicas: unknown key, did you mean replicaCount? (") for l in lines)
    assert f"{f}:6:5: server.persistence.size: '10GB' does not have the expected form (a quantity such as 10Gi)" in lines
    assert f"{f}:7:14: server.dirs[1]: 'rel' does not have the expected form (matching ^/)" in lines
    assert len(lines) == 5
    assert "1 files checked, 5 problems" in r.stderr


def test_files_merge_in_order_like_helm(tmp_path):
    a = write(tmp_path, "a.yaml", "server:\n  replicaCount: 0\n")
    b = write(tmp_path, "b.yaml", "server:\n  replicaCount: 2\n")
    assert lint("--chart", DEMO, a, b).returncode == 0
    r = lint("--chart", DEMO, b, a)
    assert r.returncode == 1 and r.stdout.startswith(f"{a}:2:3: server.replicaCount:")
    # a null removes the default, which makes a required key missing
    n = write(tmp_path, "n.yaml", "server:\n  replicaCount: null\n")
    r = lint("--chart", DEMO, n)
    # Pointed at where the file nulls it.
    assert r.returncode == 1 and f"{n}:2:3: server.replicaCount: is required" in r.stdout


def test_json_format(tmp_path):
    f = write(tmp_path, "bad.yaml", "server:\n  replicaCount: many\n")
    r = lint("--chart", DEMO, f, "--format", "json")
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    assert doc == {"files": 1, "errors": [], "problems": [
        {"file": str(f), "path": "server.replicaCount", "message": "is a string, expected integer",
         "allowed": "", "line": 2, "col": 3}]}


def test_unparseable_yaml_names_line_and_column(tmp_path):
    f = write(tmp_path, "broken.yaml", "server:\n  replicaCount: 3\n   kind: [x\n")
    r = lint("--chart", DEMO, f)
    assert r.returncode == 2
    assert f"{f}:3:" in r.stderr
    assert "Traceback" not in r.stderr


def test_unparseable_yaml_json_errors(tmp_path):
    f = write(tmp_path, "broken.yaml", "a: b: c\n")
    r = lint("--chart", DEMO, f, "--format", "json")
    assert r.returncode == 2
    doc = json.loads(r.stdout)
    assert doc["problems"] == [] and len(doc["errors"]) == 1
    assert doc["errors"][0].startswith(f"{f}:1:")


def test_top_level_list_is_a_usage_error(tmp_path):
    f = write(tmp_path, "list.yaml", "- a\n- b\n")
    r = lint("--chart", DEMO, f)
    assert r.returncode == 2 and "top level must be a mapping" in r.stderr


def test_empty_file_is_clean(tmp_path):
    f = write(tmp_path, "empty.yaml", "# nothing\n")
    assert lint("--chart", DEMO, f).returncode == 0


def test_missing_file(tmp_path):
    r = lint("--chart", DEMO, tmp_path / "nope.yaml")
    assert r.returncode == 2
    assert "nope.yaml: no such file" in r.stderr and "Traceback" not in r.stderr


def test_unknown_chart_dir(tmp_path):
    f = write(tmp_path, "ok.yaml", "{}\n")
    r = lint("--chart", tmp_path / "nochart", f)
    assert r.returncode == 2 and "not a chart directory" in r.stderr


def test_chart_without_schema(tmp_path):
    chart = tmp_path / "noschema"
    chart.mkdir()
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: noschema\nversion: 0.1.0\n")
    f = write(tmp_path, "ok.yaml", "{}\n")
    r = lint("--chart", chart, f)
    assert r.returncode == 2 and "values.schema.json" in r.stderr


def test_files_without_chart_is_a_usage_error(tmp_path):
    f = write(tmp_path, "ok.yaml", "{}\n")
    r = lint(f)
    assert r.returncode == 2 and "--chart" in r.stderr


def test_fast_enough(tmp_path):
    f = write(tmp_path, "ok.yaml", "server:\n  replicaCount: 5\n")
    start = time.monotonic()
    assert lint("--chart", DEMO, f).returncode == 0
    assert time.monotonic() - start < 2.0  # < 1 s per file; margin for a loaded CI machine


@pytest.mark.skipif(not (ROOT / "charts" / "hdfs" / "values.schema.json").is_file(),
                    reason="charts/hdfs has no values.schema.json yet")
def test_no_argument_mode_checks_the_repository():
    r = lint("--format", "json")
    doc = json.loads(r.stdout)
    assert doc["files"] >= 1
    assert r.returncode == (2 if doc["errors"] else 1 if doc["problems"] else 0)
    for p in doc["problems"]:
        assert not p["file"].startswith("/"), "no-arg mode reports repo-relative files"


def test_alluxio_short_circuit_options_that_serve_no_client_are_refused(tmp_path):
    """charts/alluxio: policy "local" (the client must open the worker's block files itself, which a
    pod cannot) and volumeType "emptyDir" (seen by the worker pod alone) serve no client."""
    f = write(tmp_path, "sc.yaml", "shortCircuit:\n  enabled: true\n  policy: local\n  volumeType: emptyDir\n")
    r = lint("--chart", ROOT / "charts" / "alluxio", f)
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stdout.splitlines() == [
        f"{f}:3:3: shortCircuit.policy: 'local' is not allowed (one of: uuid)",
        f"{f}:4:3: shortCircuit.volumeType: 'emptyDir' is not allowed (one of: hostPath)"]
    ok = write(tmp_path, "ok.yaml", "shortCircuit:\n  enabled: true\n  policy: uuid\n  volumeType: hostPath\n")
    assert lint("--chart", ROOT / "charts" / "alluxio", ok).returncode == 0


def test_a_key_set_twice_is_reported_with_both_lines(tmp_path):
    """Helm keeps the last of two equal keys (checked with Helm 4: hdfs.datanode.replicaCount 5 of the
    first block is lost, 3 DataNodes rendered); the file parses and the schema sees nothing wrong."""
    f = write(tmp_path, "dup.yaml", "hdfs:\n  datanode:\n    replicaCount: 5\n  datanode:\n"
                                    "    persistence:\n      size: 20Gi\n")
    r = lint("--chart", ROOT / "charts" / "umbrella", f)
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stdout.splitlines() == [
        f"{f}:4:3: hdfs.datanode: set twice in one mapping, at line 2 and again at line 4: Helm keeps only the last "
        "one, so what line 2 set is lost (each key once per mapping)"]


def test_duplicate_keys_inside_lists_and_at_the_top():
    from chartsuite.model.yamlio import duplicate_keys
    text = "a: 1\nlist:\n  - name: x\n    name: y\na: 2\n"
    assert duplicate_keys(text) == [("list[0].name", 3, 4, 5), ("a", 1, 5, 1)]
    assert duplicate_keys("a: 1\nb:\n  a: 2\n") == []
    assert duplicate_keys("") == []


def test_a_subchart_key_at_the_top_of_the_umbrella_names_where_it_belongs(tmp_path):
    """Helm hands a subchart only the values under its name: ``datanode:`` at the top reaches no chart."""
    f = write(tmp_path, "level.yaml", "datanode:\n  replicaCount: 5\nworker:\n  replicaCount: 3\nzeppelinn: {}\n")
    r = lint("--chart", ROOT / "charts" / "umbrella", f)
    assert r.returncode == 1, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert f"{f}:1:1: datanode: unknown key at the top level; did you mean hdfs.datanode? (a subchart's values go " \
           "under its name: hdfs) (alluxio, common, global, hdfs, spark)" in lines
    assert any(line.startswith(f"{f}:3:1: worker: unknown key at the top level; did you mean spark.worker or "
                               "alluxio.worker?") for line in lines), lines
    # A key no subchart has keeps the plain message.
    assert any(line.startswith(f"{f}:5:1: zeppelinn: unknown key") and "top level" not in line for line in lines), lines


def test_a_values_file_for_another_chart_is_named(tmp_path):
    f = write(tmp_path, "hdfs-ish.yaml", "namenode:\n  replicaCount: 2\ndatanode:\n  replicaCount: 5\njournalnode: {}\n")
    r = lint("--chart", ROOT / "charts" / "spark", f)
    assert r.returncode == 1
    assert r.stdout.splitlines()[0] == (
        f"{f}:1:1: (root): these look like values for charts/hdfs: every top-level key is one of its values, 3 of them "
        "are unknown to charts/spark (--chart charts/hdfs)")
    # One stray key is a typo, not another chart's file.
    g = write(tmp_path, "typo.yaml", "workr:\n  replicaCount: 3\n")
    assert "look like values for" not in lint("--chart", ROOT / "charts" / "spark", g).stdout


def test_a_problem_on_a_key_the_file_does_not_set_points_at_the_closest_key_it_sets():
    from chartsuite.model.yamlio import position_of, positions
    where = positions("server:\n  persistence:\n    size: 1Gi\nlist:\n  - a\n  - b\n")
    assert position_of("server.persistence.size", where) == (3, 5)
    assert position_of("server.persistence.storageClass", where) == (2, 3)
    assert position_of("list[1]", where) == (6, 5)
    assert position_of("other.key", where) == (0, 0)
    assert position_of("", where) == (1, 1)  # a problem of the whole file: its first key


def test_a_key_set_twice_is_judged_where_helm_takes_it_from(tmp_path):
    """Helm keeps the last of two equal keys; its problem points at that line, not the lost one."""
    f = write(tmp_path, "twice.yaml", "journalnode:\n  replicaCount: 3\njournalnode:\n  replicaCount: 4\n")
    r = lint("--chart", ROOT / "charts" / "hdfs", f)
    assert f"{f}:4:3: journalnode.replicaCount: must be odd" in r.stdout


def test_enum_typos_in_kubernetes_pass_through_blocks_fail_with_their_paths(tmp_path):
    """Tolerations, affinity and topology spread constraints are Kubernetes objects the API server would
    refuse with a typo in an enum field; lint (and Helm, through the same schema) name the value."""
    values = tmp_path / "typos.yaml"
    values.write_text(
        "datanode:\n  tolerations:\n    - {key: dedicated, operator: Exist, effect: NoSchedul}\n"
        "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
        "        nodeSelectorTerms:\n          - matchExpressions:\n              - {key: disk, operator: Inn, values: [ssd]}\n"
        "  topologySpreadConstraints:\n    - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyways}\n")
    result = lint("--chart", ROOT / "charts" / "hdfs", values)
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "datanode.tolerations[0].operator: 'Exist' is not allowed (one of: Exists, Equal, \"\", null)" in out
    assert "datanode.tolerations[0].effect: 'NoSchedul' is not allowed" in out
    assert ("datanode.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
            ".matchExpressions[0].operator: 'Inn' is not allowed (one of: In, NotIn, Exists, DoesNotExist, Gt, Lt)") in out
    assert "datanode.topologySpreadConstraints[0].whenUnsatisfiable: 'ScheduleAnyways' is not allowed" in out
    # The same values with the right spelling pass.
    values.write_text(values.read_text().replace("Exist,", "Exists,").replace("NoSchedul}", "NoSchedule}")
                      .replace("Inn,", "In,").replace("ScheduleAnyways", "ScheduleAnyway"))
    result = lint("--chart", ROOT / "charts" / "hdfs", values)
    assert result.returncode == 0, result.stdout + result.stderr
