"""chartsuite.checks.checkov_scan without checkov: how findings are judged against the skip list and the skip
annotations, how checkov's JSON is read, and how the scan copies are written."""
import pytest
import yaml

from chartsuite.checks import checkov_scan
from chartsuite.errors import UsageError
from chartsuite.checks.checkov_scan import Finding, ScanFile

FILES = {
    "p000-a.yaml": ScanFile("a [ci/a-values.yaml]", "--p000"),
    "p000-a-unskipped.yaml": ScanFile("a [ci/a-values.yaml]", "--p000-unskipped", twin=True),
    "p001-b.yaml": ScanFile("b [defaults]", "--p001"),
}
SKIPS = {"CKV_K8S_43": "tags by default, digest supported"}


def finding(check_id, status, resource="Deployment.ns.x", file="p000-a.yaml", reason=""):
    return Finding(check_id, f"name of {check_id}", status, resource, file, reason)


def test_clean_scan_has_no_problems():
    findings = [finding("CKV_K8S_43", "failed"), finding("CKV_K8S_16", "passed", file="p001-b.yaml"),
                finding("CKV_K8S_19", "skipped", reason="on purpose"),
                finding("CKV_K8S_19", "failed", file="p000-a-unskipped.yaml")]
    verdict = checkov_scan.evaluate(findings, SKIPS, FILES)
    assert verdict.problems(FILES) == []
    assert verdict.skipped_by_list == {"CKV_K8S_43": 1} and len(verdict.skipped_by_annotation) == 1


def test_unlisted_failure_is_reported_with_id_resource_and_profile():
    findings = [finding("CKV_K8S_43", "failed"), finding("CKV_K8S_16", "failed", file="p001-b.yaml")]
    problems = checkov_scan.evaluate(findings, SKIPS, FILES).problems(FILES)
    assert problems == ["CKV_K8S_16 (name of CKV_K8S_16) failed: Deployment.ns.x in b [defaults]"]


def test_twin_failures_alone_are_not_failures():
    findings = [finding("CKV_K8S_43", "failed"), finding("CKV_K8S_16", "failed", file="p000-a-unskipped.yaml"),
                finding("CKV_K8S_1", "passed", file="p001-b.yaml")]
    assert checkov_scan.evaluate(findings, SKIPS, FILES).problems(FILES) == []


def test_stale_list_entry_stale_annotation_and_unscanned_profile_are_reported():
    findings = [finding("CKV_K8S_19", "skipped", reason="on purpose"),
                finding("CKV_K8S_19", "passed", file="p000-a-unskipped.yaml")]
    problems = checkov_scan.evaluate(findings, SKIPS, FILES).problems(FILES, "skips.yaml")
    assert problems == [
        "CKV_K8S_43 is in skips.yaml but no rendered profile fails it: remove it",
        "CKV_K8S_19 is skipped by a checkov.io/skip annotation on Deployment.ns.x in a [ci/a-values.yaml], "
        "but that object passes it without the annotation: remove the skip",
        "checkov reported no result for b [defaults]: the file was not scanned",
    ]


def test_parse_report_reads_checkov_json_and_removes_scan_tags():
    report = {"results": {
        "failed_checks": [{"check_id": "CKV_K8S_16", "check_name": "privileged", "file_path": "/p000-a.yaml",
                           "resource": "DaemonSet.bigdata--p000.rt-fuse"}],
        "skipped_checks": [{"check_id": "CKV_K8S_8", "check_name": "liveness", "file_path": "/p000-a.yaml",
                            "resource": "Pod.bigdata--p000.rt-test",
                            "check_result": {"result": "SKIPPED", "suppress_comment": "helm test pod"}}],
        "passed_checks": [{"check_id": "CKV_K8S_8", "check_name": "liveness", "file_path": "/p000-a-unskipped.yaml",
                           "resource": "Pod.bigdata--p000-unskipped.rt-zeppelin.app.kubernetes.io/name-spark."
                                       "app.kubernetes.io/instance-rt--p000-unskipped"},
                          {"check_id": "CKV_K8S_8", "file_path": "/elsewhere.yaml", "resource": "Pod.x.y"}]}}
    assert checkov_scan.parse_report(report, FILES) == [
        Finding("CKV_K8S_8", "liveness", "passed", "Pod.bigdata.rt-zeppelin (pod template)", "p000-a-unskipped.yaml"),
        Finding("CKV_K8S_16", "privileged", "failed", "DaemonSet.bigdata.rt-fuse", "p000-a.yaml"),
        Finding("CKV_K8S_8", "liveness", "skipped", "Pod.bigdata.rt-test", "p000-a.yaml", "helm test pod"),
    ]


def test_annotation_skips_parse_checkov_annotations():
    obj = {"metadata": {"annotations": {"checkov.io/skip1": "CKV_K8S_16=needs /dev/fuse",
                                        "checkov.io/skip2": "CKV_K8S_20", "helm.sh/hook": "test"}}}
    assert checkov_scan.annotation_skips(obj) == {"CKV_K8S_16": "needs /dev/fuse", "CKV_K8S_20": ""}
    assert checkov_scan.annotation_skips({"metadata": {}}) == {}


def test_write_scan_dir_tags_namespace_and_instance_everywhere(tmp_path):
    binding = {"kind": "RoleBinding", "metadata": {"name": "rb", "namespace": "ns",
                                                   "labels": {"app.kubernetes.io/instance": "rel"}},
               "subjects": [{"kind": "ServiceAccount", "name": "sa", "namespace": "ns"},
                            {"kind": "ServiceAccount", "name": "other", "namespace": "kube-system"}]}
    files = checkov_scan.write_scan_dir({"one": [binding]}, tmp_path, "ns", "rel")
    assert files == {"p000-one.yaml": ScanFile("one", "--p000")}
    (doc,) = yaml.safe_load_all((tmp_path / "p000-one.yaml").read_text())
    assert doc["metadata"]["namespace"] == "ns--p000"
    assert doc["metadata"]["labels"]["app.kubernetes.io/instance"] == "rel--p000"
    assert [s["namespace"] for s in doc["subjects"]] == ["ns--p000", "kube-system"]
    assert binding["metadata"]["namespace"] == "ns"


def test_write_scan_dir_refuses_a_folder_checkov_would_ignore(tmp_path):
    hidden = tmp_path / ".scan"
    hidden.mkdir()
    with pytest.raises(UsageError, match="checkov skips paths inside hidden folders"):
        checkov_scan.write_scan_dir({"one": []}, hidden, "ns", "rel")


def test_network_policy_for_every_pod_covers_its_own_profile_only(tmp_path):
    policy = {"kind": "NetworkPolicy", "metadata": {"name": "deny", "namespace": "ns"},
              "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}
    files = checkov_scan.write_scan_dir({"one": [policy], "two": [policy]}, tmp_path, "ns", "rel")
    selectors = [yaml.safe_load((tmp_path / name).read_text())["spec"]["podSelector"] for name in sorted(files)]
    assert selectors == [{"matchLabels": {"app.kubernetes.io/instance": "rel--p000"}},
                         {"matchLabels": {"app.kubernetes.io/instance": "rel--p001"}}]
    assert policy["spec"]["podSelector"] == {}
