"""checkov (framework kubernetes) over the Helm 4 render of every chart profile (defaults, ci/*-values.yaml,
examples): no failed check except the IDs in checkov-skips.yaml (each with its reason) and the
per-resource `checkov.io/skip<N>` annotations the charts render; no skip that is not needed any more.

One checkov process scans every profile (tools/chartsuite/checks/checkov_scan.py explains how profiles are kept
apart); with pytest-xdist the first worker runs it and the others read its result. The scan also
holds a deliberately broken "selftest" input, so the tests below show the checks fail on it."""
import fcntl
import json

import pytest
import yaml

from conftest import NAMESPACE, RELEASE, ROOT, application_charts, chart_profiles
from chartsuite.checks import checkov_scan
from chartsuite import helm
from chartsuite.errors import UsageError
from chartsuite.model.paths import display_path

SKIPS_FILE = checkov_scan.SKIPS_FILE
SELFTEST = "selftest"


def _meta(name, annotations=None):
    meta = {"name": name, "namespace": NAMESPACE,
            "labels": {"app.kubernetes.io/name": "selftest", "app.kubernetes.io/instance": RELEASE}}
    if annotations:
        meta["annotations"] = annotations
    return meta


def _pod_spec(privileged):
    """A pod spec that passes checkov's pod and container checks except those on the skip list
    (UID below 10000, tag instead of digest, pull policy); privileged=True makes its container privileged."""
    container = {
        "name": "main", "image": "docker.io/library/busybox:1.36", "imagePullPolicy": "IfNotPresent",
        "command": ["sleep", "3600"],
        "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"cpu": "100m", "memory": "32Mi"}},
        "livenessProbe": {"exec": {"command": ["true"]}}, "readinessProbe": {"exec": {"command": ["true"]}},
        "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                            "runAsNonRoot": True, "runAsUser": 1000, "capabilities": {"drop": ["ALL"]}},
    }
    if privileged:
        container["securityContext"] = {"privileged": True, "runAsNonRoot": True, "runAsUser": 1000,
                                        "readOnlyRootFilesystem": True, "capabilities": {"drop": ["ALL"]}}
    return {"automountServiceAccountToken": False, "serviceAccountName": "selftest",
            "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [container]}


# A privileged Deployment without any skip, and a Pod that skips the privileged check it passes.
BROKEN_INPUT = [
    {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": _meta("broken-privileged"),
     "spec": {"replicas": 1, "selector": {"matchLabels": {"app.kubernetes.io/instance": RELEASE}},
              "template": {"metadata": {"labels": {"app.kubernetes.io/instance": RELEASE}},
                           "spec": _pod_spec(privileged=True)}}},
    {"apiVersion": "v1", "kind": "Pod",
     "metadata": _meta("needless-skip", {"checkov.io/skip1": "CKV_K8S_16=not privileged at all"}),
     "spec": _pod_spec(privileged=False)},
]
BROKEN_PROFILE = f"{SELFTEST} [broken input]"
EMPTY_PROFILE = f"{SELFTEST} [empty render]"
# NetworkPolicies of another profile that would select BROKEN_INPUT's pods if checkov joined them.
POLICY_PROFILE = f"{SELFTEST} [network policies of another release]"
OTHER_POLICIES = [
    {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": _meta(name),
     "spec": {"podSelector": selector, "policyTypes": ["Ingress"]}}
    for name, selector in (("all-pods", {}), ("instance", {"matchLabels": {"app.kubernetes.io/instance": RELEASE}}))
]


# Opt-in settings no ci/ profile or example turns on, but whose objects carry checkov skip annotations.
EXTRA_PROFILES = {"alluxio": ["worker.hostNetwork=true"]}


def scan_profiles(renders):
    """profile label -> objects: every chart profile (Helm 4 render), EXTRA_PROFILES and the
    selftest inputs."""
    profiles = {}
    for chart in application_charts():
        for profile, values in chart_profiles(chart):
            where = display_path(values) if values else "chart defaults"
            profiles[f"{chart} [{profile}: {where}]"] = renders.get(chart, profile)
    for chart, settings in EXTRA_PROFILES.items():
        for setting in settings:
            profiles[f"{chart} [defaults with --set {setting}]"] = helm.render(
                ROOT / "charts" / chart, set_values=[setting], release=RELEASE, namespace=NAMESPACE)
    profiles[BROKEN_PROFILE] = BROKEN_INPUT
    profiles[EMPTY_PROFILE] = []
    profiles[POLICY_PROFILE] = OTHER_POLICIES
    return profiles


def _scan(renders, directory):
    profiles = scan_profiles(renders)
    files = checkov_scan.write_scan_dir(profiles, directory, NAMESPACE, RELEASE)
    report = checkov_scan.run_checkov(directory)
    findings = checkov_scan.parse_report(report, files)
    return {"files": {k: [v.profile, v.tag, v.twin] for k, v in files.items()},
            "findings": [vars(f) for f in findings]}


@pytest.fixture(scope="session")
def checkov_result(renders, tmp_path_factory, worker_id):
    """(files, findings) of the one checkov run: write_scan_dir's and parse_report's results."""
    try:
        checkov_scan.checkov_binary()
    except UsageError as exc:
        pytest.skip(str(exc))
    try:
        if worker_id == "master":  # not under xdist
            data = _scan(renders, tmp_path_factory.mktemp("checkov"))
        else:  # xdist workers share the run's base temp's parent: the first one scans
            shared = tmp_path_factory.getbasetemp().parent
            with open(shared / "checkov.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                cached = shared / "checkov-result.json"
                if cached.exists():
                    data = json.loads(cached.read_text())
                else:
                    data = _scan(renders, tmp_path_factory.mktemp("checkov"))
                    cached.write_text(json.dumps(data))
    except (UsageError, helm.RenderError) as exc:
        pytest.fail(str(exc))
    files = {k: checkov_scan.ScanFile(*v) for k, v in data["files"].items()}
    return files, [checkov_scan.Finding(**f) for f in data["findings"]]


def part(result, selftest):
    """The files and findings of the selftest profiles (selftest=True) or of the charts."""
    files, findings = result
    files = {k: v for k, v in files.items() if v.profile.startswith(SELFTEST) == selftest}
    return files, [f for f in findings if f.file in files]


@pytest.fixture(scope="session")
def skips():
    return checkov_scan.load_skips(SKIPS_FILE)


def test_every_chart_profile_passes_checkov(checkov_result, skips):
    files, findings = part(checkov_result, selftest=False)
    verdict = checkov_scan.evaluate(findings, skips, files)
    problems = verdict.problems(files, display_path(SKIPS_FILE))
    assert not problems, (
        "checkov findings (fix the chart; or, when the finding is by design, skip it on that object with "
        "common.metadata's checkovSkips, or for every object in tests/render/checkov-skips.yaml, with the "
        "reason):\n" + "\n".join(problems))


def test_annotation_skips_have_reasons(checkov_result):
    files, findings = part(checkov_result, selftest=False)
    skipped = [f for f in findings if f.status == "skipped"]
    assert skipped, "the charts render checkov.io/skip annotations (FUSE, test pods...): checkov saw none"
    short = sorted({f"{f.check_id} on {f.resource}: {f.reason!r}" for f in skipped if len(f.reason) < 20})
    assert not short, "checkov skip annotations without a reason:\n" + "\n".join(short)


def test_skip_list_has_a_reason_for_every_id(skips):
    assert skips, f"{SKIPS_FILE} lists no check"
    for check_id, reason in skips.items():
        assert checkov_scan.CHECK_ID.match(check_id) and len(reason) >= 20, (check_id, reason)


def test_skip_list_loader_rejects_missing_reasons(tmp_path):
    bad = tmp_path / "skips.yaml"
    bad.write_text("CKV_K8S_40: ''\nCKV_K8S_43:\nKSV001: images run as their own users, by design\n")
    with pytest.raises(UsageError) as err:
        checkov_scan.load_skips(bad)
    text = str(err.value)
    assert "CKV_K8S_40: needs its reason" in text and "CKV_K8S_43: needs its reason" in text
    assert "'KSV001': not a checkov Kubernetes check ID" in text


def test_broken_input_is_reported_with_id_resource_and_profile(checkov_result, skips):
    files, findings = part(checkov_result, selftest=True)
    verdict = checkov_scan.evaluate(findings, skips, files)
    problems = verdict.problems(files)
    assert ("CKV_K8S_16 (Container should not be privileged) failed: Deployment.bigdata.broken-privileged "
            f"in {BROKEN_PROFILE}") in problems, problems
    # The same failure is accepted once its ID is on the skip list.
    listed = checkov_scan.evaluate(findings, {**skips, "CKV_K8S_16": "x" * 20}, files)
    assert not [f for f in listed.failures if f.check_id == "CKV_K8S_16"]
    assert listed.skipped_by_list["CKV_K8S_16"] >= 1


def test_needless_annotation_skip_is_reported(checkov_result, skips):
    files, findings = part(checkov_result, selftest=True)
    problems = checkov_scan.evaluate(findings, skips, files).problems(files)
    assert ("CKV_K8S_16 is skipped by a checkov.io/skip annotation on Pod.bigdata.needless-skip in "
            f"{BROKEN_PROFILE}, but that object passes it without the annotation: remove the skip") in problems, problems


def test_stale_skip_list_id_and_unscanned_profile_are_reported(checkov_result):
    files, findings = part(checkov_result, selftest=True)
    # CKV_K8S_21 (default namespace): every selftest object has its namespace, so the skip is stale.
    verdict = checkov_scan.evaluate(findings, {"CKV_K8S_21": "objects are in the default namespace"}, files)
    problems = verdict.problems(files, "skips.yaml")
    assert "CKV_K8S_21 is in skips.yaml but no rendered profile fails it: remove it" in problems, problems
    assert f"checkov reported no result for {EMPTY_PROFILE}: the file was not scanned" in problems, problems


def test_network_policies_of_one_profile_do_not_cover_another(checkov_result):
    files, findings = part(checkov_result, selftest=True)
    pod = "Pod.bigdata.broken-privileged (pod template)"
    results = {(f.status, files[f.file].profile) for f in findings if f.check_id == "CKV2_K8S_6" and f.resource == pod}
    assert results == {("failed", BROKEN_PROFILE)}, results


def test_scan_copies_keep_profiles_apart(tmp_path):
    """A NetworkPolicy of one profile must not cover the pods of another in checkov's graph."""
    policy = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": _meta("np"),
              "spec": {"podSelector": {"matchLabels": {"app.kubernetes.io/instance": RELEASE}}}}
    files = checkov_scan.write_scan_dir({"a": [policy], "b": BROKEN_INPUT}, tmp_path, NAMESPACE, RELEASE)
    docs = {files[name].profile: list(yaml.safe_load_all((tmp_path / name).read_text()))
            for name in files if not files[name].twin}
    a_selector = docs["a"][0]["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/instance"]
    b_labels = docs["b"][0]["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/instance"]
    assert a_selector != b_labels and docs["a"][0]["metadata"]["namespace"] != docs["b"][0]["metadata"]["namespace"]
    twin = next(name for name in files if files[name].twin)
    (twin_doc,) = yaml.safe_load_all((tmp_path / twin).read_text())
    assert twin_doc["metadata"]["name"] == "needless-skip" and "annotations" not in twin_doc["metadata"]
    assert BROKEN_INPUT[1]["metadata"]["annotations"], "write_scan_dir must not change its input"


def _metadata_chart(tmp_path):
    """A throwaway chart whose one ConfigMap gets common.metadata's checkovSkips from .Values.skips."""
    chart = tmp_path / "probe"
    (chart / "templates").mkdir(parents=True)
    (chart / "charts").mkdir()
    (chart / "charts" / "common").symlink_to(ROOT / "charts" / "common")
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: probe\nversion: 0.1.0\n"
                                      "dependencies:\n  - name: common\n    version: '*'\n")
    (chart / "templates" / "cm.yaml").write_text(
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n'
        '  {{- include "common.metadata" (dict "name" "probe" "checkovSkips" .Values.skips "context" .) | nindent 2 }}\n')
    return chart


def test_common_metadata_renders_checkov_skip_annotations(tmp_path):
    chart = _metadata_chart(tmp_path)
    values = tmp_path / "values.yaml"
    values.write_text("skips:\n  CKV_K8S_9: second by ID order\n  CKV_K8S_19: node network, on purpose\n")
    (cm,) = helm.render(chart, [values], release=RELEASE, namespace=NAMESPACE)
    assert cm["metadata"]["annotations"] == {"checkov.io/skip1": "CKV_K8S_19=node network, on purpose",
                                             "checkov.io/skip2": "CKV_K8S_9=second by ID order"}
    assert checkov_scan.annotation_skips(cm) == {"CKV_K8S_19": "node network, on purpose",
                                                 "CKV_K8S_9": "second by ID order"}


@pytest.mark.parametrize("reason", ["a=b", ""])
def test_common_metadata_rejects_a_reason_checkov_cannot_read(tmp_path, reason):
    chart = _metadata_chart(tmp_path)
    values = tmp_path / "values.yaml"
    values.write_text(yaml.safe_dump({"skips": {"CKV_K8S_9": reason}}))
    with pytest.raises(helm.RenderError) as err:
        helm.render(chart, [values], release=RELEASE, namespace=NAMESPACE)
    assert 'checkov skip CKV_K8S_9: the reason must be a non-empty text without "="' in err.value.stderr
