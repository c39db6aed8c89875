"""Render tests of charts/hdfs: every ci/ profile and example under Helm 3 and Helm 4."""
import re
import xml.etree.ElementTree as ET

import pytest

from conftest import NAMESPACE, RELEASE, ROOT, chart_profiles, find, one
from chartsuite import helm

CHART = ROOT / "charts" / "hdfs"
PROFILES = [p for p, _ in chart_profiles("hdfs")]
FULL = f"{RELEASE}-hdfs"


def site(objects, filename):
    """Parse <filename> of the hdfs config ConfigMap into {name: value}."""
    cm = one(objects, "ConfigMap", name=f"{FULL}-config")
    root = ET.fromstring(cm["data"][filename])
    return {p.findtext("name"): p.findtext("value") for p in root.iter("property")}


def containers(workload, init=False):
    spec = workload["spec"]["template"]["spec"]
    return {c["name"]: c for c in spec.get("initContainers" if init else "containers", [])}


def env(container):
    return {e["name"]: e.get("value") for e in container.get("env", [])}


def test_every_profile_is_covered():
    assert {"defaults", "default-values", "nonha-values", "external-zookeeper-values",
            "daemonset-values", "large-values", "example-hdfs-kind-laptop"} <= set(PROFILES)


@pytest.mark.parametrize("profile", PROFILES)
def test_site_xml_parses_and_every_config_is_consistent(renders, profile):
    objects = renders.get("hdfs", profile)
    core, hdfs = site(objects, "core-site.xml"), site(objects, "hdfs-site.xml")
    nn = one(objects, "StatefulSet", component="namenode")
    nn_ports = {p["name"]: p["containerPort"] for p in containers(nn)["namenode"]["ports"]}
    if "dfs.nameservices" in hdfs:
        ns = hdfs["dfs.nameservices"]
        assert core["fs.defaultFS"] == f"hdfs://{ns}"
        ids = hdfs[f"dfs.ha.namenodes.{ns}"].split(",")
        assert len(ids) == nn["spec"]["replicas"] >= 2
        for i, nid in enumerate(ids):
            host = f"{FULL}-namenode-{i}.{FULL}-namenode-headless.{NAMESPACE}.svc.cluster.local"
            assert hdfs[f"dfs.namenode.rpc-address.{ns}.{nid}"] == f"{host}:{nn_ports['rpc']}"
            if "https" in nn_ports:  # security.tls: the container serves HTTPS only
                assert hdfs[f"dfs.namenode.https-address.{ns}.{nid}"] == f"{host}:{nn_ports['https']}"
            else:
                assert hdfs[f"dfs.namenode.http-address.{ns}.{nid}"] == f"{host}:{nn_ports['http']}"
        jn = one(objects, "StatefulSet", component="journalnode")
        m = re.fullmatch(r"qjournal://(.+)/(.+)", hdfs["dfs.namenode.shared.edits.dir"])
        assert m and m.group(2) == ns
        jns = m.group(1).split(";")
        assert len(jns) == jn["spec"]["replicas"]
        assert all(re.fullmatch(rf"{FULL}-journalnode-\d\.{FULL}-journalnode-headless\.{NAMESPACE}\.svc\.cluster\.local:8485", j) for j in jns)
        assert hdfs[f"dfs.client.failover.proxy.provider.{ns}"].endswith("ConfiguredFailoverProxyProvider")
        assert hdfs["dfs.ha.automatic-failover.enabled"] == "true"
        assert core["ha.zookeeper.quorum"]
        assert "zkfc" in containers(nn) and set(containers(nn)) <= {"namenode", "zkfc", "topology-mapper"}
    else:
        assert nn["spec"]["replicas"] == 1
        assert set(containers(nn)) == {"namenode"}
        assert core["fs.defaultFS"] == f"hdfs://{hdfs['dfs.namenode.rpc-address']}"
        assert not find(objects, "StatefulSet", component="journalnode")
        assert not find(objects, "StatefulSet", component="zookeeper")
    assert hdfs["dfs.namenode.datanode.registration.ip-hostname-check"] == "false"
    assert hdfs["dfs.namenode.rpc-bind-host"] == "0.0.0.0"
    assert hdfs["dfs.namenode.http-bind-host"] == "0.0.0.0"


def test_bundled_zookeeper_quorum_and_zoo_cfg(renders):
    objects = renders.get("hdfs", "large-values")
    core = site(objects, "core-site.xml")
    zk = one(objects, "StatefulSet", component="zookeeper")
    assert zk["spec"]["replicas"] == 5
    quorum = core["ha.zookeeper.quorum"].split(",")
    assert quorum == [f"{FULL}-zookeeper-{i}.{FULL}-zookeeper-headless.{NAMESPACE}.svc.cluster.local:2181"
                      for i in range(5)]
    cfg = one(objects, "ConfigMap", name=f"{FULL}-zookeeper")["data"]["zoo.cfg"]
    servers = re.findall(r"^server\.(\d+)=(\S+):2888:3888$", cfg, re.M)
    assert [int(i) for i, _ in servers] == [1, 2, 3, 4, 5]
    assert [h + ":2181" for _, h in servers] == quorum
    assert "4lw.commands.whitelist=ruok,srvr,mntr" in cfg
    assert re.findall(r"^maxSessionTimeout=(\d+)$", cfg, re.M) == ["10000"]
    default_cfg = one(renders.get("hdfs", "defaults"), "ConfigMap", name=f"{FULL}-zookeeper")["data"]["zoo.cfg"]
    assert "maxSessionTimeout" not in default_cfg  # 0: ZooKeeper's own default (20 x tickTime)


def test_external_zookeeper_replaces_the_bundled_one(renders):
    objects = renders.get("hdfs", "external-zookeeper-values")
    assert not find(objects, "StatefulSet", component="zookeeper")
    assert not find(objects, "ConfigMap", name=f"{FULL}-zookeeper")
    core, hdfs = site(objects, "core-site.xml"), site(objects, "hdfs-site.xml")
    assert core["ha.zookeeper.quorum"].startswith("zk-0.zk-headless.zookeeper.svc.cluster.local:2181,")
    assert core["ha.zookeeper.parent-znode"] == "/hdfs-analytics/hadoop-ha"
    assert hdfs["dfs.nameservices"] == "analytics"
    boot = containers(one(objects, "StatefulSet", component="namenode"), init=True)["bootstrap"]
    assert env(boot)["ZOOKEEPER_QUORUM"] == core["ha.zookeeper.quorum"]


def test_daemonset_datanodes_use_host_paths(renders):
    objects = renders.get("hdfs", "daemonset-values")
    assert not find(objects, "StatefulSet", component="datanode")
    ds = one(objects, "DaemonSet", component="datanode")
    spec = ds["spec"]["template"]["spec"]
    assert spec["hostNetwork"] is True and spec["dnsPolicy"] == "ClusterFirstWithHostNet"
    host_paths = [v["hostPath"]["path"] for v in spec["volumes"] if "hostPath" in v]
    assert host_paths == ["/mnt/disk1/hdfs/datanode", "/mnt/disk2/hdfs/datanode"]
    mounts = {m["name"]: m["mountPath"] for m in containers(ds)["datanode"]["volumeMounts"]}
    data_dirs = site(objects, "hdfs-site.xml")["dfs.datanode.data.dir"].split(",")
    # The data directory is the folder "data" of each volume, never the volume root (the DataNode
    # chmods its data directory, which it can only do as the owner).
    assert data_dirs == [mounts["data0"] + "/data", mounts["data1"] + "/data"]
    # The profile's root init container gives the DataNode those folders, and only them.
    perms = containers(ds, init=True)["volume-permissions"]
    assert env(perms)["DATANODE_DATA_DIRS"] == ",".join(data_dirs)
    assert env(perms)["DATANODE_OWNER"] == "1000:100"
    assert perms["securityContext"]["capabilities"] == {"drop": ["ALL"], "add": ["CHOWN", "FOWNER"]}
    assert {m["name"] for m in perms["volumeMounts"]} == {"scripts", "data0", "data1"}


def test_statefulset_datanodes_have_one_pvc_per_disk(renders):
    objects = renders.get("hdfs", "large-values")
    dn = one(objects, "StatefulSet", component="datanode")
    claims = dn["spec"]["volumeClaimTemplates"]
    assert [c["metadata"]["name"] for c in claims] == ["data0", "data1", "data2", "data3"]
    assert {c["spec"]["resources"]["requests"]["storage"] for c in claims} == {"1Gi"}
    assert all("storageClassName" not in c["spec"] for c in claims)
    assert len(site(objects, "hdfs-site.xml")["dfs.datanode.data.dir"].split(",")) == 4


@pytest.mark.parametrize("profile", PROFILES)
def test_persistent_state_is_on_retained_pvcs(renders, profile):
    for sts in find(renders.get("hdfs", profile), "StatefulSet"):
        assert sts["spec"]["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
        assert sts["spec"]["volumeClaimTemplates"], sts["metadata"]["name"]
        volumes = sts["spec"]["template"]["spec"]["volumes"]
        assert not [v for v in volumes if v["name"].startswith("data") and "emptyDir" in v]
        assert sts["spec"]["podManagementPolicy"] == "Parallel"


@pytest.mark.parametrize("profile", PROFILES)
def test_jvm_heaps_follow_the_memory_limit(renders, profile):
    for obj in renders.get("hdfs", profile):
        if obj["kind"] not in ("StatefulSet", "DaemonSet"):
            continue
        for c in containers(obj).values():
            assert c["resources"]["limits"]["memory"]
            if c["name"] == "topology-mapper":  # the only non-JVM container (Python)
                continue
            # HADOOP_OPTS (every hdfs command: IPv4, the DNS cache) sets no heap.
            assert "-Xmx" not in env(c).get("HADOOP_OPTS", "") and "RAMPercentage" not in env(c).get("HADOOP_OPTS", "")
            opts = [v for k, v in env(c).items() if k.endswith("_OPTS") and k != "HADOOP_OPTS"]
            if c["name"] == "zookeeper":
                assert env(c)["JVM_MAX_RAM_PERCENTAGE"]
            else:
                assert len(opts) == 1 and "-XX:MaxRAMPercentage=" in opts[0], c["name"]


@pytest.mark.parametrize("profile", PROFILES)
def test_pods_run_as_the_image_users_without_privileges(renders, profile):
    expected_uid = {"zookeeper": 1000}
    for obj in renders.get("hdfs", profile):
        if obj["kind"] not in ("StatefulSet", "DaemonSet", "Pod"):
            continue
        spec = obj["spec"]["template"]["spec"] if obj["kind"] != "Pod" else obj["spec"]
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["automountServiceAccountToken"] is False
        for c in spec.get("initContainers", []) + spec["containers"]:
            sc = c["securityContext"]
            assert sc["allowPrivilegeEscalation"] is False and sc["capabilities"]["drop"] == ["ALL"]
            if c["name"] == "volume-permissions":  # opt-in: the one root container, chown/chmod only
                assert sc["runAsUser"] == 0 and sc["capabilities"]["add"] == ["CHOWN", "FOWNER"]
                continue
            assert sc["runAsUser"] == expected_uid.get(c["name"], 1000)


def test_bootstrap_is_decided_by_scripts_not_by_ordinal(renders):
    objects = renders.get("hdfs", "defaults")
    nn = one(objects, "StatefulSet", component="namenode")
    boot = containers(nn, init=True)["bootstrap"]
    assert boot["command"] == ["bash", "-euo", "pipefail", "/opt/hdfs-scripts/namenode-bootstrap.sh"]
    e = env(boot)
    assert e["NAMENODE_IDS"] == "nn0,nn1"
    assert len(e["JOURNALNODE_HTTP_ADDRESSES"].split(",")) == 3
    assert all(a.endswith(":8480") for a in e["JOURNALNODE_HTTP_ADDRESSES"].split(","))
    assert containers(nn)["zkfc"]["command"][-1] == "/opt/hdfs-scripts/zkfc-start.sh"
    scripts = one(objects, "ConfigMap", name=f"{FULL}-scripts")["data"]
    for name in ("namenode-bootstrap.sh", "zkfc-start.sh", "datanode-wait.sh", "namenode-probe.sh",
                 "zookeeper-start.sh", "zookeeper-probe.sh", "hdfs-test.sh", "lib.sh"):
        assert name in scripts
    for name, text in scripts.items():
        assert not re.search(r"-format\b[^\n]*-force", text), name
    # Every script a container runs is shipped in the ConfigMap.
    for obj in objects:
        if obj["kind"] in ("StatefulSet", "DaemonSet"):
            spec = obj["spec"]["template"]["spec"]
            for c in spec.get("initContainers", []) + spec["containers"]:
                for arg in c.get("command", []):
                    if arg.startswith("/opt/hdfs-scripts/"):
                        assert arg.rsplit("/", 1)[1] in scripts


def test_headless_services_publish_not_ready_pods(renders):
    for svc in find(renders.get("hdfs", "defaults"), "Service"):
        if svc["metadata"]["name"].endswith("-headless"):
            assert svc["spec"]["clusterIP"] == "None" and svc["spec"]["publishNotReadyAddresses"] is True


def test_pdbs_for_every_component(renders):
    pdbs = {p["metadata"]["labels"]["app.kubernetes.io/component"]: p["spec"]
            for p in find(renders.get("hdfs", "large-values"), "PodDisruptionBudget")}
    assert pdbs == {"namenode": {**pdbs["namenode"], "minAvailable": 2},
                    "journalnode": {**pdbs["journalnode"], "maxUnavailable": 2},
                    "zookeeper": {**pdbs["zookeeper"], "maxUnavailable": 2},
                    "datanode": {**pdbs["datanode"], "maxUnavailable": 1}}
    assert "maxUnavailable" not in pdbs["namenode"]


def test_anti_affinity_presets():
    soft = one(helm.render(CHART, release=RELEASE, namespace=NAMESPACE), "StatefulSet", component="namenode")
    hard = one(helm.render(CHART, set_values={"namenode.podAntiAffinityPreset": "hard"}, release=RELEASE,
                           namespace=NAMESPACE), "StatefulSet", component="namenode")
    aff_soft = soft["spec"]["template"]["spec"]["affinity"]["podAntiAffinity"]
    aff_hard = hard["spec"]["template"]["spec"]["affinity"]["podAntiAffinity"]
    assert aff_soft["preferredDuringSchedulingIgnoredDuringExecution"][0]["podAffinityTerm"]["topologyKey"] == "kubernetes.io/hostname"
    assert "requiredDuringSchedulingIgnoredDuringExecution" in aff_hard
    laptop = one(helm.render(CHART, [ROOT / "examples" / "hdfs-kind-laptop.yaml"], release=RELEASE,
                             namespace=NAMESPACE), "StatefulSet", component="namenode")
    assert "affinity" not in laptop["spec"]["template"]["spec"]


def test_network_policies(renders):
    """On by default, one per deployed component (none for host-network DataNodes, which policies do
    not cover); who reaches what is checked in test_network_policies_render.py."""
    for profile, components in (("defaults", {"namenode", "journalnode", "zookeeper", "datanode"}),
                                ("nonha-values", {"namenode", "datanode"}),
                                ("external-zookeeper-values", {"namenode", "journalnode", "datanode"}),
                                ("daemonset-values", {"namenode", "journalnode", "zookeeper"})):
        policies = {p["metadata"]["labels"]["app.kubernetes.io/component"]: p
                    for p in find(renders.get("hdfs", profile), "NetworkPolicy")}
        assert set(policies) == components, profile
    policies = {p["metadata"]["labels"]["app.kubernetes.io/component"]: p
                for p in find(renders.get("hdfs", "large-values"), "NetworkPolicy")}
    [nn_client] = [r for r in policies["namenode"]["spec"]["ingress"]
                   if {f"{FULL}-client": "true"} in [f.get("podSelector", {}).get("matchLabels") for f in r.get("from", [])]]
    assert [p["port"] for p in nn_client["ports"]] == ["rpc", "http"]
    assert len(policies["journalnode"]["spec"]["ingress"]) == 1


def test_ingress_for_the_namenode_ui(renders):
    ing = one(renders.get("hdfs", "large-values"), "Ingress")
    assert ing["spec"]["ingressClassName"] == "nginx"
    assert ing["spec"]["tls"] == [{"hosts": ["namenode.hdfs.example.com"], "secretName": "namenode-tls"}]
    backend = ing["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": f"{FULL}-namenode", "port": {"name": "http"}}


def test_helm_test_pod(renders):
    pod = one(renders.get("hdfs", "defaults"), "Pod")
    assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    assert pod["spec"]["containers"][0]["command"][-1] == "/opt/hdfs-scripts/hdfs-test.sh"


def test_overrides_are_xml_escaped_and_win():
    # dfs.client.use.datanode.hostname is one the chart sets (false) but does not derive from a value.
    objects = helm.render(CHART, set_values={"configOverrides.hdfs-site\\.xml.dfs\\.test\\.special": "a&b<c>\"d'",
                                             "configOverrides.hdfs-site\\.xml.dfs\\.client\\.use\\.datanode\\.hostname": "true",
                                             "configOverrides.core-site\\.xml.fs\\.trash\\.interval": "1440",
                                             "config.replication": 2},
                          release=RELEASE, namespace=NAMESPACE)
    hdfs, core = site(objects, "hdfs-site.xml"), site(objects, "core-site.xml")
    assert hdfs["dfs.test.special"] == "a&b<c>\"d'"
    assert hdfs["dfs.client.use.datanode.hostname"] == "true"
    assert hdfs["dfs.replication"] == "2"
    assert core["fs.trash.interval"] == "1440"


def test_large_numbers_are_not_written_in_exponent_form():
    objects = helm.render(CHART, set_values={"configOverrides.hdfs-site\\.xml.dfs\\.datanode\\.du\\.reserved": 268435456},
                          release=RELEASE, namespace=NAMESPACE)
    assert site(objects, "hdfs-site.xml")["dfs.datanode.du.reserved"] == "268435456"


def test_global_values_apply():
    objects = helm.render(CHART, set_values={"global.imageRegistry": "mirror.example.com",
                                             "global.storageClass": "standard",
                                             "global.imagePullSecrets[0]": "regcred",
                                             "global.commonLabels.team": "data"},
                          release=RELEASE, namespace=NAMESPACE)
    for sts in find(objects, "StatefulSet"):
        spec = sts["spec"]["template"]["spec"]
        assert all(c["image"].startswith("mirror.example.com/") for c in spec["containers"])
        assert spec["imagePullSecrets"] == [{"name": "regcred"}]
        assert {c["spec"]["storageClassName"] for c in sts["spec"]["volumeClaimTemplates"]} == {"standard"}
        assert sts["metadata"]["labels"]["team"] == "data"


def test_config_change_rolls_the_pods():
    a = one(helm.render(CHART, release=RELEASE, namespace=NAMESPACE), "StatefulSet", component="datanode")
    b = one(helm.render(CHART, set_values={"configOverrides.hdfs-site\\.xml.dfs\\.datanode\\.du\\.reserved": "1073741824"},
                        release=RELEASE, namespace=NAMESPACE), "StatefulSet", component="datanode")
    key = "checksum/config"
    assert a["spec"]["template"]["metadata"]["annotations"][key] != b["spec"]["template"]["metadata"]["annotations"][key]


def _pod_annotations(objects):
    return {o["metadata"]["labels"]["app.kubernetes.io/component"]: o["spec"]["template"]["metadata"]["annotations"]
            for o in objects if o["kind"] in ("StatefulSet", "DaemonSet")}


def test_each_component_rolls_only_for_what_it_reads():
    """One checksum for everything restarted ZooKeeper, JournalNodes, NameNodes and DataNodes at once;
    each now carries the checksums of its own configuration and scripts."""
    def render(**values):
        return _pod_annotations(helm.render(CHART, set_values=values, release=RELEASE, namespace=NAMESPACE))
    base = render()
    hdfs_site = render(**{"configOverrides.hdfs-site\\.xml.dfs\\.namenode\\.handler\\.count": "30"})
    assert hdfs_site["zookeeper"] == base["zookeeper"]
    assert all(hdfs_site[c] != base[c] for c in ("namenode", "journalnode", "datanode"))
    zoo_cfg = render(**{"zookeeper.tickTime": "3000"})
    assert {c for c in base if zoo_cfg[c] != base[c]} == {"zookeeper"}
    # The exclude file reaches running NameNodes without a restart (dfsadmin -refreshNodes).
    decommission = render(**{"datanode.decommission.datanodes[0]": f"{FULL}-datanode-2"})
    assert decommission == base
    # Scripts: each component's checksum covers the scripts it runs.
    assert len({base[c]["checksum/scripts"] for c in base}) == 4


@pytest.mark.parametrize("size", ["128M", "1G", "128m", "2g"])
def test_block_size_takes_the_suffixes_hadoop_reads(size):
    """Hadoop reads dfs.blocksize with StringUtils.TraditionalBinaryPrefix.string2long: k/m/g/t/p/e in
    either case. 0.2.0's schema refused the upper-case ones."""
    objects = helm.render(CHART, set_values={"config.blockSize": size}, release=RELEASE, namespace=NAMESPACE)
    assert site(objects, "hdfs-site.xml")["dfs.blocksize"] == size


DIRS = {"directories.items.alluxio.path": "/alluxio", "directories.items.alluxio.owner": "alluxio",
        "directories.items.alluxio.group": "alluxio", "directories.items.events.path": "/spark-events"}
# Modes are strings ("755"): --set would make them numbers, which the schema refuses (a YAML 0644 is 420).
MODES = ["--set-string", "directories.items.alluxio.mode=755", "--set-string", "directories.items.events.mode=1777"]


def test_no_directories_job_without_directories():
    assert not find(helm.render(CHART, release=RELEASE, namespace=NAMESPACE), "Job")


def test_directories_job_creates_each_directory_as_the_superuser():
    objects = helm.render(CHART, set_values=DIRS, extra_args=MODES, release=RELEASE, namespace=NAMESPACE)
    job = one(objects, "Job")
    pod = job["spec"]["template"]["spec"]
    namenode = one(objects, "StatefulSet", name=f"{RELEASE}-hdfs-namenode")["spec"]["template"]["spec"]
    assert pod["securityContext"] == namenode["securityContext"]  # the NameNodes' user: the superuser
    assert pod["restartPolicy"] == "Never"
    c = pod["containers"][0]
    assert c["command"][-1] == "/opt/hdfs-scripts/hdfs-directories.sh"
    # Sorted by entry name, "-" for what is left to HDFS.
    assert env(c)["HDFS_DIRECTORIES"] == "/alluxio alluxio alluxio 755\n/spark-events - - 1777"
    # The NameNodes' NetworkPolicy admits it as a client.
    assert job["spec"]["template"]["metadata"]["labels"][f"{RELEASE}-hdfs-client"] == "true"
    # A changed list is a new Job (it runs again); null drops an entry.
    fewer = helm.render(CHART, set_values={**DIRS, "directories.items.events": "null"}, extra_args=MODES[:2],
                        release=RELEASE, namespace=NAMESPACE)
    other = one(fewer, "Job")
    assert env(other["spec"]["template"]["spec"]["containers"][0])["HDFS_DIRECTORIES"] == "/alluxio alluxio alluxio 755"
    assert other["metadata"]["name"] != job["metadata"]["name"]
    again = one(helm.render(CHART, set_values=DIRS, extra_args=MODES, release=RELEASE, namespace=NAMESPACE), "Job")
    assert again["metadata"]["name"] == job["metadata"]["name"]
    # A Job's pod template is immutable: any change to it (here the image) must be a new Job, or
    # `helm upgrade` would fail on the old one.
    upgraded = one(helm.render(CHART, set_values={**DIRS, "image.tag": "3.4.2"}, extra_args=MODES, release=RELEASE,
                               namespace=NAMESPACE), "Job")
    assert upgraded["metadata"]["name"] != job["metadata"]["name"]


def test_directories_job_logs_in_like_the_helm_test_with_kerberos():
    """With Kerberos the Job logs in as the helm test does: NameNode 0's hdfs principal (the superuser)."""
    objects = helm.render(CHART, [CHART / "ci" / "render-only" / "kerberos-values.yaml"], set_values=DIRS, extra_args=MODES,
                          release=RELEASE, namespace=NAMESPACE)
    job_env = env(one(objects, "Job")["spec"]["template"]["spec"]["containers"][0])
    test_env = env(one(objects, "Pod")["spec"]["containers"][0])
    assert job_env["KERBEROS_PRINCIPAL"].startswith("hdfs/")
    for key in ("KERBEROS_ENABLED", "KERBEROS_PRINCIPAL", "KERBEROS_KEYTAB", "KRB5_CONFIG"):
        assert job_env[key] == test_env[key], key
