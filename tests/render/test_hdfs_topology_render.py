"""Render tests of HDFS rack awareness (rackAwareness.*): RBAC exactly as narrow as the mapper
needs, the API token only in the mapper container, the topology script wired into core-site, and
nothing of it when the feature is off (the default)."""
import pytest

from conftest import NAMESPACE, RELEASE, ROOT, find, one
from chartsuite import helm
from chartsuite.checks import manifests
from test_hdfs_render import FULL, containers, env, site

CHART = ROOT / "charts" / "hdfs"
TOKEN_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
MAP_DIR = "/var/run/hdfs-topology"
RBAC_KINDS = ("Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding")


@pytest.fixture(scope="module")
def enabled():
    return helm.render(CHART, set_values={"rackAwareness.enabled": "true"}, release=RELEASE,
                       namespace=NAMESPACE)


def namenode_pod(objects):
    return one(objects, "StatefulSet", component="namenode")["spec"]["template"]["spec"]


def rules(obj):
    return [(tuple(r["apiGroups"]), tuple(r["resources"]), tuple(sorted(r["verbs"]))) for r in obj["rules"]]


def test_rbac_is_read_only_and_minimal(enabled):
    role = one(enabled, "Role")
    cluster_role = one(enabled, "ClusterRole")
    assert rules(role) == [(("",), ("pods",), ("get", "list"))]
    assert rules(cluster_role) == [(("",), ("nodes",), ("get", "list"))]
    assert role["metadata"]["namespace"] == NAMESPACE
    # cluster-scoped names carry namespace and release, and have no namespace field
    assert cluster_role["metadata"]["name"] == f"{NAMESPACE}-{FULL}-topology"
    assert "namespace" not in cluster_role["metadata"]


@pytest.mark.parametrize("binding_kind,role_kind", [("RoleBinding", "Role"),
                                                    ("ClusterRoleBinding", "ClusterRole")])
def test_bindings_reference_the_chart_service_account(enabled, binding_kind, role_kind):
    binding = one(enabled, binding_kind)
    role = one(enabled, role_kind)
    sa = one(enabled, "ServiceAccount")
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind,
                                  "name": role["metadata"]["name"]}
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": sa["metadata"]["name"],
                                    "namespace": NAMESPACE}]
    assert namenode_pod(enabled)["serviceAccountName"] == sa["metadata"]["name"]


def test_two_releases_do_not_share_cluster_objects():
    names = set()
    for release, namespace in (("a", "ns1"), ("a", "ns2"), ("b", "ns1")):
        objects = helm.render(CHART, set_values={"rackAwareness.enabled": "true"}, release=release,
                              namespace=namespace)
        names |= {(o["kind"], o["metadata"]["name"]) for o in objects
                  if o["kind"] in ("ClusterRole", "ClusterRoleBinding")}
    assert len(names) == 6


def test_token_is_mounted_only_in_the_mapper(enabled):
    spec = namenode_pod(enabled)
    assert spec["automountServiceAccountToken"] is False
    token_volumes = {v["name"] for v in spec["volumes"]
                     if any("serviceAccountToken" in s for s in (v.get("projected") or {}).get("sources", []))}
    assert token_volumes == {"topology-api-token"}
    sources = next(v for v in spec["volumes"] if v["name"] == "topology-api-token")["projected"]["sources"]
    assert {next(iter(s)) for s in sources} == {"serviceAccountToken", "configMap", "downwardAPI"}
    assert next(s for s in sources if "configMap" in s)["configMap"]["name"] == "kube-root-ca.crt"
    for objects in (enabled,):
        for obj in objects:
            for _meta, pod in manifests.pod_specs(obj):
                for c in pod.get("containers", []) + pod.get("initContainers", []):
                    mounts = {m["name"]: m for m in c.get("volumeMounts", [])}
                    has_token = "topology-api-token" in mounts or any(
                        m["mountPath"] == TOKEN_PATH for m in mounts.values())
                    assert has_token == (c["name"] == "topology-mapper"), (obj["kind"], c["name"])
    mapper = containers({"spec": {"template": {"spec": spec}}})["topology-mapper"]
    token_mount = {m["name"]: m for m in mapper["volumeMounts"]}["topology-api-token"]
    assert token_mount["mountPath"] == TOKEN_PATH and token_mount["readOnly"] is True


def test_mapper_sidecar_and_shared_map(enabled):
    spec = namenode_pod(enabled)
    by_name = {c["name"]: c for c in spec["containers"]}
    mapper, namenode = by_name["topology-mapper"], by_name["namenode"]
    assert mapper["resources"]["limits"]["memory"] and mapper["resources"]["requests"]["cpu"]
    assert "180" in mapper["livenessProbe"]["exec"]["command"]  # 3 * refreshSeconds
    sc = mapper["securityContext"]
    assert sc["runAsNonRoot"] and sc["readOnlyRootFilesystem"] and sc["capabilities"]["drop"] == ["ALL"]
    assert sc["allowPrivilegeEscalation"] is False
    assert env(mapper)["ZONE_LABEL"] == "topology.kubernetes.io/zone"
    assert env(mapper)["REFRESH_SECONDS"] == "60"
    mapper_mounts = {m["name"]: m for m in mapper["volumeMounts"]}
    nn_mounts = {m["name"]: m for m in namenode["volumeMounts"]}
    assert mapper_mounts["hdfs-topology"]["mountPath"] == MAP_DIR
    assert not mapper_mounts["hdfs-topology"].get("readOnly")
    assert nn_mounts["hdfs-topology"] == {"name": "hdfs-topology", "mountPath": MAP_DIR, "readOnly": True}
    assert env(namenode)["TOPOLOGY_MAP_FILE"] == f"{MAP_DIR}/topology.map"
    # no default rack: an address the map does not know is not answered (Hadoop caches nothing for
    # it), and a DataNode without a rack is refused and registers again later
    assert "TOPOLOGY_DEFAULT_RACK" not in env(namenode)
    assert site(enabled, "hdfs-site.xml")["dfs.namenode.reject-unresolved-dn-topology-mapping"] == "true"
    # only NameNode pods run the mapper
    for workload in find(enabled, "StatefulSet") + find(enabled, "DaemonSet"):
        if workload["metadata"]["labels"]["app.kubernetes.io/component"] != "namenode":
            assert "topology-mapper" not in containers(workload)
    program = one(enabled, "ConfigMap", name=f"{FULL}-topology")["data"]["mapper.py"]
    assert program == (CHART / "files" / "topology" / "mapper.py").read_text()
    volume = next(v for v in spec["volumes"] if v["name"] == "topology-mapper")
    assert volume["configMap"]["name"] == f"{FULL}-topology"


def test_core_site_runs_the_topology_script(enabled):
    core = site(enabled, "core-site.xml")
    assert core["net.topology.script.file.name"] == "/opt/hdfs-scripts/topology.sh"
    assert core["net.topology.script.number.args"] == "100"
    scripts = one(enabled, "ConfigMap", name=f"{FULL}-scripts")["data"]
    assert "topology.sh" in scripts


def test_enabled_render_validates_strictly_and_references_resolve(enabled):
    assert manifests.validate_objects(enabled) == []
    # kube-root-ca.crt is published by Kubernetes in every namespace
    assert manifests.check_references(enabled, {"ConfigMap/kube-root-ca.crt"}) == []
    assert manifests.check_containers(enabled) == []


def test_values_reach_the_sidecar():
    objects = helm.render(CHART, set_values={"rackAwareness.enabled": "true",
                                             "rackAwareness.zoneLabel": "example.com/rack-zone",
                                             "rackAwareness.refreshSeconds": "20",
                                             "global.imageRegistry": "mirror.example.com"},
                          release=RELEASE, namespace=NAMESPACE)
    mapper = {c["name"]: c for c in namenode_pod(objects)["containers"]}["topology-mapper"]
    assert env(mapper)["ZONE_LABEL"] == "example.com/rack-zone"
    assert env(mapper)["REFRESH_SECONDS"] == "20"
    assert "60" in mapper["livenessProbe"]["exec"]["command"]
    assert mapper["image"] == "mirror.example.com/python:3.12-slim"


def test_schema_rejects_unknown_keys():
    with pytest.raises(helm.RenderError):
        helm.render(CHART, set_values={"rackAwareness.zone": "x"}, release=RELEASE, namespace=NAMESPACE)


@pytest.mark.parametrize("profile", ["defaults", "nonha-values", "daemonset-values"])
def test_disabled_by_default_leaves_no_trace(renders, profile):
    objects = renders.get("hdfs", profile)
    assert not [o for o in objects if o["kind"] in RBAC_KINDS]
    assert not find(objects, "ConfigMap", name=f"{FULL}-topology")
    core = site(objects, "core-site.xml")
    assert not [k for k in core if k.startswith("net.topology.")]
    spec = namenode_pod(objects)
    assert "topology-mapper" not in {c["name"] for c in spec["containers"]}
    assert not [v for v in spec["volumes"] if v["name"].startswith(("hdfs-topology", "topology-"))]
    assert "checksum/topology" not in one(objects, "StatefulSet", component="namenode")[
        "spec"]["template"]["metadata"]["annotations"]
    assert spec["automountServiceAccountToken"] is False
