import copy

import pytest
import yaml

from chartsuite.checks import manifests
from chartsuite.checks.manifests import (check_containers, check_references, schema_version,
                             supported_versions, validate_objects)

LABELS = {"app.kubernetes.io/name": "demo", "app.kubernetes.io/component": "server"}
PROBE = {"tcpSocket": {"port": 8080}}
RESOURCES = {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}}


def deployment(**pod_spec):
    spec = {"containers": [{"name": "app", "image": "demo:1", "resources": copy.deepcopy(RESOURCES),
                            "readinessProbe": PROBE, "livenessProbe": PROBE}]}
    spec.update(pod_spec)
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "demo"},
            "spec": {"replicas": 1, "selector": {"matchLabels": LABELS},
                     "template": {"metadata": {"labels": LABELS}, "spec": spec}}}


def service(selector):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "demo"},
            "spec": {"selector": selector, "ports": [{"port": 80, "targetPort": 8080}]}}


def configmap(name):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"a": "b"}}


def test_shipped_versions_cover_1_29_and_1_35():
    assert {"1.29.0", "1.35.0"} <= set(supported_versions())
    assert schema_version("1.29") == "1.29.0"
    assert schema_version("v1.35.3") == "1.35.0"
    with pytest.raises(ValueError):
        schema_version("9.99")


def test_valid_deployment_passes_strict_validation():
    assert validate_objects([deployment(), service(LABELS), configmap("c")]) == []


def test_unknown_field_fails_strict_validation_for_each_version():
    dep = deployment()
    dep["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always"
    problems = validate_objects([dep], ("1.29", "1.35"))
    assert len(problems) == 2
    assert all("Deployment/demo" in p and "containers[0]" in p and "imagePullPolicyy" in p for p in problems)
    assert "[k8s 1.29]" in problems[0] and "[k8s 1.35]" in problems[1]


def test_wrong_type_fails_validation():
    dep = deployment()
    dep["spec"]["replicas"] = "one"
    assert any("spec.replicas" in p for p in validate_objects([dep], ("1.35",)))


def test_removed_api_version_is_flagged_and_unknown_custom_resources_are_skipped():
    pdb = {"apiVersion": "policy/v1beta1", "kind": "PodDisruptionBudget", "metadata": {"name": "x"},
           "spec": {"maxUnavailable": 1}}
    custom = {"apiVersion": "widgets.example.com/v1", "kind": "Widget", "metadata": {"name": "x"}, "spec": {}}
    problems = validate_objects([pdb, custom], ("1.29",))
    assert len(problems) == 1 and "PodDisruptionBudget/x" in problems[0]


def test_a_custom_resource_is_validated_against_its_crd(tmp_path):
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "spec": {"group": "widgets.example.com", "names": {"kind": "Widget", "plural": "widgets"},
                    "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                        "type": "object", "properties": {
                            "apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"},
                            "spec": {"type": "object", "required": ["size"], "properties": {
                                "size": {"type": "integer"},
                                "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": True,
                                          "properties": {"a": {"type": "string"}}}}}}}}}]}}
    (tmp_path / "widgets.example.com_widgets.yaml").write_text(yaml.safe_dump(crd))
    validator = manifests.crd_validator("widgets.example.com/v1", "Widget", tmp_path)
    ok = {"apiVersion": "widgets.example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
          "spec": {"size": 1, "extra": {"anything": True}}}
    assert list(validator.iter_errors(ok)) == []
    bad = {**ok, "spec": {"size": "1", "sise": 2}}
    messages = sorted(e.message for e in validator.iter_errors(bad))
    assert messages == ["'1' is not of type 'integer'", "Additional properties are not allowed ('sise' was unexpected)"]
    assert manifests.crd_validator("widgets.example.com/v2", "Widget", tmp_path) is None


def test_service_selecting_nothing_is_flagged():
    assert check_references([deployment(), service(LABELS)]) == []
    problems = check_references([deployment(), service({"app.kubernetes.io/name": "other"})])
    assert len(problems) == 1 and problems[0].startswith("Service/demo: selector")


def test_missing_configmap_is_flagged_optional_is_not():
    vols = [{"name": "conf", "configMap": {"name": "demo-conf"}}]
    problems = check_references([deployment(volumes=vols)])
    assert len(problems) == 1 and "ConfigMap 'demo-conf'" in problems[0] and "Deployment/demo" in problems[0]
    assert check_references([deployment(volumes=vols), configmap("demo-conf")]) == []
    vols[0]["configMap"]["optional"] = True
    assert check_references([deployment(volumes=vols)]) == []


def test_env_envfrom_projected_and_service_account_refs():
    dep = deployment(serviceAccountName="demo-sa",
                     volumes=[{"name": "p", "projected": {"sources": [{"secret": {"name": "proj"}}]}}])
    c = dep["spec"]["template"]["spec"]["containers"][0]
    c["envFrom"] = [{"secretRef": {"name": "env-secret"}},
                    {"configMapRef": {"name": "opt", "optional": True}}]
    c["env"] = [{"name": "PW", "valueFrom": {"secretKeyRef": {"name": "pw", "key": "k"}}}]
    problems = check_references([dep])
    text = "\n".join(problems)
    assert len(problems) == 4, text
    for name in ("ServiceAccount 'demo-sa'", "Secret 'proj'", "Secret 'env-secret'", "Secret 'pw'"):
        assert name in text
    # user-provided names (plain or Kind/name) are accepted
    assert check_references([dep], {"demo-sa", "Secret/proj", "env-secret", "pw"}) == []


def test_pvc_claims_and_statefulset_claim_templates():
    dep = deployment(volumes=[{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}])
    assert any("PersistentVolumeClaim 'data'" in p for p in check_references([dep]))
    sts = deployment()
    sts["kind"] = "StatefulSet"
    sts["spec"]["volumeClaimTemplates"] = [{"metadata": {"name": "data"}, "spec": {}}]
    sts["spec"]["template"]["spec"]["containers"][0]["volumeMounts"] = [{"name": "data", "mountPath": "/d"}]
    assert check_references([sts]) == []
    sts["spec"]["template"]["spec"]["containers"][0]["volumeMounts"].append({"name": "nope", "mountPath": "/n"})
    problems = check_references([sts])
    assert len(problems) == 1 and "'nope'" in problems[0]


def test_containers_need_memory_limit_requests_and_probes():
    assert check_containers([deployment()]) == []
    dep = deployment(initContainers=[{"name": "init", "image": "x"}])
    c = dep["spec"]["template"]["spec"]["containers"][0]
    del c["readinessProbe"]
    c["resources"] = {"requests": {"cpu": "1"}}
    problems = check_containers([dep])
    text = "\n".join(problems)
    assert "container 'app': resources.limits.memory is not set" in text
    assert "container 'app': resources.requests.memory not set" in text
    assert "container 'app': has no readinessProbe" in text
    assert "init container 'init': resources.limits.memory is not set" in text
    assert "init container 'init': resources.requests.cpu and memory not set" in text
    assert "'init': has no" not in text  # init containers need no probes
    assert len(problems) == 5


def test_jobs_and_helm_test_pods_need_no_probes():
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
           "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [
               {"name": "run", "image": "x", "resources": RESOURCES}]}}}}
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "t", "annotations": {"helm.sh/hook": "test"}},
           "spec": {"containers": [{"name": "t", "image": "x", "resources": RESOURCES}]}}
    assert check_containers([job, pod]) == []
    del pod["metadata"]["annotations"]
    assert len(check_containers([pod])) == 2


def test_user_provided_names_come_from_existing_object_keys(tmp_path):
    from chartsuite.checks.manifests import user_provided_from_values

    f = tmp_path / "v.yaml"
    f.write_text("a:\n  auth:\n    existingSecret: pw\n  persistence:\n    existingClaim: ''\n"
                 "hdfs:\n  configMap: lake-config\nlist:\n  - existingClaim: data\nsecret: not-a-ref\n")
    assert user_provided_from_values([f]) == {"pw", "lake-config", "data"}
