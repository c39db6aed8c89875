"""chartsuite.checks.footprint on hand-written objects (expected numbers worked out by hand in each test), and
tools/footprint.py run as users run it on the hdfs chart's laptop example."""
import json
import subprocess
import sys
from decimal import Decimal

import pytest

from chartsuite.model.paths import REPO_ROOT as ROOT
from chartsuite.errors import UsageError
from chartsuite.checks.footprint import cores, footprint, over_capacity, pod_amounts, size, totals_line

CLI = ROOT / "tools" / "footprint.py"
HDFS = ROOT / "charts" / "hdfs"
LAPTOP = ROOT / "examples" / "hdfs-kind-laptop.yaml"
Mi, Gi = 2**20, 2**30


def container(name, req=None, lim=None):
    res = {}
    if req:
        res["requests"] = dict(zip(("cpu", "memory"), req))
    if lim:
        res["limits"] = dict(zip(("cpu", "memory"), lim))
    return {"name": name, "image": "x:1", "resources": res}


def workload(kind, name, containers, init=(), replicas=None, chart="demo", component=None, **spec):
    labels = {"app.kubernetes.io/name": chart, "app.kubernetes.io/component": component or name}
    s = {"selector": {"matchLabels": labels},
         "template": {"metadata": {"labels": labels},
                      "spec": {"containers": list(containers), "initContainers": list(init)}}}
    if replicas is not None:
        s["replicas"] = replicas
    s.update(spec)
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name, "labels": labels}, "spec": s}


def group(report, name):
    (g,) = [g for g in report.groups if g.name == name]
    return g


def test_init_container_max_rule():
    # init: 500m / 1Gi requests, 2 / 512Mi limits; containers: (100m+200m) / (256Mi+128Mi) requests,
    # (1+0.5) / (512Mi+256Mi) limits. Per resource, the larger of init and sum:
    # requests cpu 0.5, memory 1Gi; limits cpu 2, memory 768Mi.  x3 replicas.
    d = workload("Deployment", "web", [container("a", ("100m", "256Mi"), ("1", "512Mi")),
                                       container("b", ("200m", "128Mi"), ("500m", "256Mi"))],
                 init=[container("init", ("500m", "1Gi"), ("2", "512Mi"))], replicas=3)
    r = footprint([d])
    g = group(r, "demo/web")
    w = g.workloads[0]
    assert (w.per_pod.cpu_requests, w.per_pod.memory_requests) == (Decimal("0.5"), 1 * Gi)
    assert (w.per_pod.cpu_limits, w.per_pod.memory_limits) == (Decimal(2), 768 * Mi)
    assert g.pods == 3 and r.pods == 3
    assert r.total.cpu_requests == Decimal("1.5") and r.total.cpu_limits == Decimal(6)
    assert r.total.memory_requests == 3 * Gi and r.total.memory_limits == 2304 * Mi
    assert r.as_dict()["totals"]["cpu_requests"] == "1.5"
    assert r.as_dict()["totals"]["memory_requests"] == 3221225472


def test_sidecar_runs_alongside_later_init_containers_and_the_app():
    # sidecar 100m/64Mi (restartPolicy Always), then init 300m/256Mi, then app 100m/128Mi.
    # init phase: max(100m, 100m+300m) = 400m; running: 100m+100m = 200m -> 400m.
    # memory: init phase max(64, 64+256) = 320Mi; running 64+128 = 192Mi -> 320Mi.
    side = dict(container("side", ("100m", "64Mi"), ("100m", "64Mi")), restartPolicy="Always")
    spec = {"initContainers": [side, container("init", ("300m", "256Mi"), ("300m", "256Mi"))],
            "containers": [container("app", ("100m", "128Mi"), ("100m", "128Mi"))]}
    amounts, missing = pod_amounts(spec)
    assert (amounts.cpu_requests, amounts.memory_requests) == (Decimal("0.4"), 320 * Mi)
    assert missing == []
    # a big app makes the running phase win: 2 + 0.1 sidecar = 2.1 cores
    spec["containers"] = [container("app", ("2", "1Gi"), ("2", "1Gi"))]
    amounts, _ = pod_amounts(spec)
    assert (amounts.cpu_requests, amounts.memory_requests) == (Decimal("2.1"), 1 * Gi + 64 * Mi)


def test_daemonset_runs_on_the_assumed_number_of_nodes():
    # 250m / 512Mi per pod on 4 nodes: 1 core, 2Gi
    ds = workload("DaemonSet", "agent", [container("a", ("250m", "512Mi"), ("500m", "1Gi"))])
    r = footprint([ds], daemonset_nodes=4)
    assert r.pods == 4
    assert r.total.cpu_requests == Decimal(1) and r.total.memory_requests == 2 * Gi
    assert r.total.cpu_limits == Decimal(2) and r.total.memory_limits == 4 * Gi
    assert any("DaemonSet/agent" in n and "4 nodes" in n for n in r.notes)
    assert r.as_dict()["daemonset_nodes"] == 4
    assert footprint([ds]).pods == 1  # default: 1 node


def test_hpa_min_replicas_used_and_max_reported():
    # no spec.replicas: the HPA's minReplicas (2) is used; at maxReplicas (5): 5 x 100m = 0.5
    d = workload("Deployment", "api", [container("a", ("100m", "100Mi"), ("200m", "200Mi"))])
    hpa = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "api"},
           "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"},
                    "minReplicas": 2, "maxReplicas": 5}}
    r = footprint([d, hpa])
    assert r.pods == 2 and r.total.cpu_requests == Decimal("0.2") and r.total.memory_requests == 200 * Mi
    pods, at_max = r.total_at_hpa_max()
    assert pods == 5 and at_max.cpu_requests == Decimal("0.5") and at_max.memory_requests == 500 * Mi
    assert r.groups[0].workloads[0].hpa == (2, 5)
    assert any("from 2 to 5" in n for n in r.notes)
    assert r.as_dict()["totals_at_hpa_max"]["pods"] == 5
    assert footprint([d]).total_at_hpa_max() is None and footprint([d]).pods == 1


def test_storage_from_claim_templates_and_standalone_claims():
    # StatefulSet x3 with 10Gi + 512Mi templates: 3 x 10.5Gi = 31.5Gi.
    # A 2Gi claim mounted by the Deployment 'web' counts in demo/web; a 1Gi claim that nothing
    # mounts counts under its own labels (demo/cache). Total 34.5Gi.
    sts = workload("StatefulSet", "db", [container("db", ("1", "1Gi"), ("1", "1Gi"))], replicas=3,
                   volumeClaimTemplates=[
                       {"metadata": {"name": "data"}, "spec": {"resources": {"requests": {"storage": "10Gi"}}}},
                       {"metadata": {"name": "logs"}, "spec": {"resources": {"requests": {"storage": "512Mi"}}}}])
    web = workload("Deployment", "web", [container("w", ("100m", "64Mi"), ("100m", "64Mi"))], replicas=2)
    web["spec"]["template"]["spec"]["volumes"] = [{"name": "v", "persistentVolumeClaim": {"claimName": "web-data"}}]

    def pvc(name, storage, labels=None):
        return {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                "metadata": {"name": name, "labels": labels or {}},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": storage}}}}

    r = footprint([sts, web, pvc("web-data", "2Gi"),
                   pvc("cache", "1Gi", {"app.kubernetes.io/name": "demo", "app.kubernetes.io/component": "cache"})])
    assert group(r, "demo/db").storage == 31 * Gi + 512 * Mi
    assert group(r, "demo/web").storage == 2 * Gi
    assert group(r, "demo/cache").storage == 1 * Gi and group(r, "demo/cache").pods == 0
    assert r.storage == 34 * Gi + 512 * Mi
    assert r.pods == 5


def test_missing_resources_count_as_zero_and_are_flagged():
    # 'bare' sets nothing (all 0, four fields flagged); 'lim' sets only limits 300m/256Mi, which
    # become its requests (API defaulting). Per pod: requests 300m/256Mi, limits 300m/256Mi.
    d = workload("Deployment", "app", [{"name": "bare", "image": "x:1"},
                                       container("lim", None, ("300m", "256Mi"))], replicas=1)
    r = footprint([d])
    w = r.groups[0].workloads[0]
    assert w.missing == ["container 'bare': requests.cpu", "container 'bare': limits.cpu",
                         "container 'bare': requests.memory", "container 'bare': limits.memory"]
    assert (w.per_pod.cpu_requests, w.per_pod.memory_requests) == (Decimal("0.3"), 256 * Mi)
    assert (w.per_pod.cpu_limits, w.per_pod.memory_limits) == (Decimal("0.3"), 256 * Mi)
    assert any("Deployment/app: container 'bare': limits.memory not set, counted as 0" == n for n in r.notes)


def test_helm_tests_and_jobs_skipped_groups_by_chart_and_component():
    nn = workload("StatefulSet", "hdfs-namenode", [container("nn", ("1", "1Gi"), ("1", "1Gi"))],
                  replicas=2, chart="hdfs", component="namenode")
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "init"},
           "spec": {"template": {"spec": {"containers": [container("j", ("5", "5Gi"))]}}}}
    test_pod = {"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": "t", "annotations": {"helm.sh/hook": "test"}},
                "spec": {"containers": [container("t", ("5", "5Gi"))]}}
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
    r = footprint([nn, job, test_pod, cm])
    assert [g.name for g in r.groups] == ["hdfs/namenode"]
    assert r.total.cpu_requests == Decimal(2) and r.total.memory_requests == 2 * Gi
    assert r.skipped == ["Job/init (not a long-running workload)", "Pod/t (helm test hook)"]


def test_bad_quantity_names_the_field():
    d = workload("Deployment", "x", [container("c", ("lots", "1Gi"), ("1", "1Gi"))])
    with pytest.raises(ValueError, match=r"Deployment/x: container 'c': resources.requests.cpu"):
        footprint([d])


def test_formatting_and_capacity():
    assert cores(Decimal("2.350")) == "2.35" and cores(Decimal(4)) == "4" and cores(Decimal(0)) == "0"
    assert size(0) == "0" and size(384 * Mi) == "384MiB" and size(1152 * Mi) == "1.125GiB"
    d = workload("Deployment", "web", [container("a", ("1500m", "3Gi"), ("2", "4Gi"))], replicas=2)
    r = footprint([d])
    assert totals_line(r, "demo [defaults]") == (
        "footprint demo [defaults]: 2 pods, CPU requests 3 (limits 4), memory requests 6GiB "
        "(limits 8GiB), storage 0")
    assert over_capacity(r, Decimal(4), 8 * Gi) == []
    assert over_capacity(r, Decimal("2.5"), 4 * Gi) == ["CPU requests 3 exceed the capacity 2.5",
                                                        "memory requests 6GiB exceed the capacity 4GiB"]


# ---------------------------------------------------------------- CLI on the hdfs chart
def _helm_or_skip():
    from chartsuite import helm

    try:
        helm.helm_binary(4)
    except UsageError as exc:
        pytest.skip(str(exc))


def cli(*args):
    return subprocess.run([sys.executable, str(CLI), *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


@pytest.mark.skipif(not LAPTOP.is_file(), reason="examples/hdfs-kind-laptop.yaml not written yet")
def test_cli_laptop_totals_match_the_rendered_resources():
    _helm_or_skip()
    from chartsuite import helm
    from chartsuite.model.quantity import parse_quantity

    objects = helm.render(HDFS, [LAPTOP], release="hdfs")
    # independent sum: per pod and resource, max(largest init container, sum of containers)
    want = {("requests", "cpu"): Decimal(0), ("limits", "cpu"): Decimal(0),
            ("requests", "memory"): Decimal(0), ("limits", "memory"): Decimal(0)}
    pods = storage = 0
    for o in objects:
        if o["kind"] not in ("Deployment", "StatefulSet", "DaemonSet"):
            continue
        n = 1 if o["kind"] == "DaemonSet" else o["spec"].get("replicas", 1)
        pods += n
        spec = o["spec"]["template"]["spec"]
        assert not any(c.get("restartPolicy") == "Always" for c in spec.get("initContainers", []))
        for key in want:
            def val(c):
                return parse_quantity(c["resources"][key[0]][key[1]])
            per_pod = max([sum(val(c) for c in spec["containers"])]
                          + [val(c) for c in spec.get("initContainers", [])])
            want[key] += per_pod * n
        for t in o["spec"].get("volumeClaimTemplates", []):
            storage += parse_quantity(t["spec"]["resources"]["requests"]["storage"]) * n
    storage += sum(parse_quantity(o["spec"]["resources"]["requests"]["storage"])
                   for o in objects if o["kind"] == "PersistentVolumeClaim")

    r = cli("--chart", HDFS, "-f", LAPTOP, "--format", "json")
    assert r.returncode == 0, r.stderr
    totals = json.loads(r.stdout)["totals"]
    assert totals["pods"] == pods
    assert Decimal(totals["cpu_requests"]) == want[("requests", "cpu")]
    assert Decimal(totals["cpu_limits"]) == want[("limits", "cpu")]
    assert totals["memory_requests"] == want[("requests", "memory")]
    assert totals["memory_limits"] == want[("limits", "memory")]
    assert totals["storage"] == storage

    text = cli("--chart", HDFS, "-f", LAPTOP)
    assert text.returncode == 0 and "hdfs/namenode" in text.stdout
    assert any(line.startswith("TOTAL") for line in text.stdout.splitlines())


@pytest.mark.skipif(not LAPTOP.is_file(), reason="examples/hdfs-kind-laptop.yaml not written yet")
def test_cli_fit_cpu_exceeded_exits_1():
    _helm_or_skip()
    r = cli("--chart", HDFS, "-f", LAPTOP, "--fit-cpu", "100m", "--fit-memory", "64Gi")
    assert r.returncode == 1
    assert "does not fit: CPU requests" in r.stderr and "exceed the capacity 0.1" in r.stderr
    assert "memory" not in r.stderr.split("does not fit:", 1)[1]
    ok = cli("--chart", HDFS, "-f", LAPTOP, "--fit-cpu", "64", "--fit-memory", "64Gi")
    assert ok.returncode == 0 and "fit" in ok.stderr


def test_cli_usage_errors_exit_2(tmp_path):
    r = cli("--chart", HDFS, "-f", tmp_path / "nope.yaml")
    assert r.returncode == 2 and "nope.yaml: no such file" in r.stderr and "Traceback" not in r.stderr
    r = cli("--chart", tmp_path, "-f", LAPTOP)
    assert r.returncode == 2 and "not a chart directory" in r.stderr
    r = cli("--chart", HDFS, "--fit-memory", "lots")
    assert r.returncode == 2 and "--fit-memory" in r.stderr and "Traceback" not in r.stderr


def test_cli_render_failure_prints_helms_message(tmp_path):
    _helm_or_skip()
    bad = tmp_path / "bad.yaml"
    bad.write_text("namenode:\n  noSuchKey: 1\n")
    r = cli("--chart", HDFS, "-f", bad)
    assert r.returncode == 2 and "helm template failed" in r.stderr and "noSuchKey" in r.stderr
    assert "Traceback" not in r.stderr
