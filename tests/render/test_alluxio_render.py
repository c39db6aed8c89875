"""Render tests of charts/alluxio: every ci/ profile and example under Helm 3 and Helm 4."""
import pytest

from conftest import NAMESPACE, RELEASE, ROOT, chart_profiles, find, one
from chartsuite import helm
from chartsuite.checks import manifests

CHART = ROOT / "charts" / "alluxio"
PROFILES = [p for p, _ in chart_profiles("alluxio")]
FULL = f"{RELEASE}-alluxio"
# Objects the profiles name but the user provides (documented in values.yaml).
GI, MI = 1024 ** 3, 1024 ** 2


def props(objects):
    """alluxio-site.properties of the render as {name: value}."""
    text = one(objects, "ConfigMap", name=f"{FULL}-config")["data"]["alluxio-site.properties"]
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, value = line.split("=", 1)
            assert key not in out, key
            out[key] = value
    return out


def pod_spec(workload):
    return workload["spec"]["template"]["spec"] if workload["kind"] != "Pod" else workload["spec"]


def containers(workload, init=False):
    return {c["name"]: c for c in pod_spec(workload).get("initContainers" if init else "containers", [])}


def env(container):
    return {e["name"]: e.get("value") for e in container.get("env", [])}


def volumes(workload):
    return {v["name"]: v for v in pod_spec(workload)["volumes"]}


def mib(quantity):
    assert quantity.endswith("Mi"), quantity
    return int(quantity[:-2])


def test_every_profile_is_covered():
    assert {"defaults", "default-values", "ha-values", "tiered-values", "daemonset-values",
            "hdfs-ufs-values", "s3-values", "example-alluxio-mem-ssd-cache"} <= set(PROFILES)


@pytest.mark.parametrize("profile", PROFILES)
def test_only_fuse_is_privileged_and_everything_else_runs_as_uid_1000(renders, profile):
    for obj in renders.get("alluxio", profile):
        if obj["kind"] not in ("StatefulSet", "DaemonSet", "Pod"):
            continue
        spec = pod_spec(obj)
        assert spec["automountServiceAccountToken"] is False
        fuse_pod = obj["metadata"]["labels"].get("app.kubernetes.io/component") == "fuse"
        if not fuse_pod:
            assert spec["securityContext"]["runAsNonRoot"] is True
        for c in spec.get("initContainers", []) + spec["containers"]:
            sc = c["securityContext"]
            if fuse_pod and c["name"] == "fuse":
                assert sc["privileged"] is True and "SYS_ADMIN" in sc["capabilities"]["add"]
                continue
            assert not sc.get("privileged"), (obj["metadata"]["name"], c["name"])
            assert sc["allowPrivilegeEscalation"] is False and sc["capabilities"]["drop"] == ["ALL"]
            assert sc["runAsUser"] == 1000 and sc["runAsNonRoot"] is True


def test_fuse_daemonset_mounts_dev_fuse_with_bidirectional_propagation(renders):
    assert not find(renders.get("alluxio", "defaults"), "DaemonSet", component="fuse")
    objects = renders.get("alluxio", "daemonset-values")
    ds = one(objects, "DaemonSet", component="fuse")
    fuse = containers(ds)["fuse"]
    vols = volumes(ds)
    assert vols["dev-fuse"]["hostPath"] == {"path": "/dev/fuse", "type": "CharDevice"}
    mounts = {m["name"]: m for m in fuse["volumeMounts"]}
    # The mount point's parent is the hostPath, so a dead mount left by a crashed pod can be replaced.
    assert mounts["mount-parent"]["mountPropagation"] == "Bidirectional"
    assert mounts["mount-parent"]["mountPath"] == vols["mount-parent"]["hostPath"]["path"] == "/mnt"
    assert "fusermount -u /mnt/alluxio-fuse" in " ".join(fuse["lifecycle"]["preStop"]["exec"]["command"])
    # The 2.9.5 entrypoint takes the mount point and the Alluxio path as arguments, never from MOUNT_POINT.
    assert fuse["args"] == ["fuse", "--fuse-opts=allow_other", "/mnt/alluxio-fuse", "/"]
    assert "MOUNT_POINT" not in env(fuse)
    assert vols["domain-socket"]["hostPath"]["path"] == "/var/lib/alluxio/domain-socket"


def test_single_master_uses_a_ufs_journal_on_a_retained_pvc(renders):
    objects = renders.get("alluxio", "defaults")
    p = props(objects)
    master = one(objects, "StatefulSet", component="master")
    assert master["spec"]["replicas"] == 1
    assert p["alluxio.master.journal.type"] == "UFS"
    assert p["alluxio.master.journal.folder"] == "/journal"
    assert p["alluxio.master.hostname"] == f"{FULL}-master-0.{FULL}-master-headless.{NAMESPACE}.svc.cluster.local"
    assert "alluxio.master.embedded.journal.addresses" not in p
    claims = master["spec"]["volumeClaimTemplates"]
    assert [c["metadata"]["name"] for c in claims] == ["journal"]
    assert claims[0]["spec"]["resources"]["requests"]["storage"] == "5Gi"
    assert "journal" not in volumes(master)
    assert master["spec"]["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    for c in containers(master).values():
        assert {"name": "journal", "mountPath": "/journal"} in c["volumeMounts"]


def test_embedded_journal_address_list_uses_stable_names_and_the_configured_port(renders):
    objects = renders.get("alluxio", "ha-values")
    p = props(objects)
    assert p["alluxio.master.journal.type"] == "EMBEDDED"
    hosts = [f"{FULL}-master-{i}.{FULL}-master-headless.{NAMESPACE}.svc.cluster.local" for i in range(3)]
    assert p["alluxio.master.embedded.journal.addresses"] == ",".join(f"{h}:19300" for h in hosts)
    assert p["alluxio.job.master.embedded.journal.addresses"] == ",".join(f"{h}:20013" for h in hosts)
    assert p["alluxio.master.rpc.addresses"] == ",".join(f"{h}:19998" for h in hosts)
    assert p["alluxio.master.embedded.journal.port"] == "19300"
    assert "alluxio.master.hostname" not in p
    master = one(objects, "StatefulSet", component="master")
    assert master["spec"]["replicas"] == 3 and master["spec"]["podManagementPolicy"] == "Parallel"
    ports = {x["name"]: x["containerPort"] for x in containers(master)["master"]["ports"]}
    assert ports == {"rpc": 19998, "web": 19999, "embedded": 19300}
    assert containers(master)["master"]["readinessProbe"]["tcpSocket"]["port"] == "embedded"
    headless = one(objects, "Service", name=f"{FULL}-master-headless")
    assert {x["name"]: x["port"] for x in headless["spec"]["ports"]}["embedded"] == 19300
    assert headless["spec"]["publishNotReadyAddresses"] is True
    assert master["spec"]["volumeClaimTemplates"][0]["spec"]["storageClassName"] == "fast-ssd"


def test_masters_and_workers_never_format_on_start(renders):
    for profile in PROFILES:
        objects = renders.get("alluxio", profile)
        master = one(objects, "StatefulSet", component="master")
        assert containers(master)["master"]["args"] == ["master-only", "--no-format"]
        assert containers(master)["job-master"]["args"] == ["job-master"]
        worker = one(objects, "StatefulSet", component="worker") if find(objects, "StatefulSet", component="worker") \
            else one(objects, "DaemonSet", component="worker")
        assert containers(worker)["worker"]["args"] == ["worker-only", "--no-format"]
        assert containers(worker)["job-worker"]["args"] == ["job-worker"]
        # The journal init container is always there; it formats only with runFormat (ci default-values).
        init = env(containers(master, init=True)["journal"])
        assert init["JOURNAL_FOLDER"] == "/journal"
        assert init["RUN_FORMAT"] == ("true" if profile in ("default-values", "s3-values") else "false")
        assert init["JOURNAL_TYPE"] == ("EMBEDDED" if int(master["spec"]["replicas"]) > 1 else "UFS")


def test_journal_init_script_refuses_the_other_type_before_formatting(renders):
    scripts = one(renders.get("alluxio", "defaults"), "ConfigMap", name=f"{FULL}-scripts")["data"]
    text = scripts["journal-init.sh"]
    assert "lost+found" in text and "already holds data: not formatting" in text
    main = text.index("main() {")
    assert main < text.index("REFUSED") < text.index("if ! journal_is_empty \"$JOURNAL_FOLDER\"") \
        < text.index("formatJournal\n")


def test_mem_tier_is_ram_backed_and_added_to_worker_memory(renders):
    objects = renders.get("alluxio", "defaults")
    p = props(objects)
    assert p["alluxio.worker.tieredstore.levels"] == "1"
    assert p["alluxio.worker.tieredstore.level0.alias"] == "MEM"
    assert p["alluxio.worker.tieredstore.level0.dirs.path"] == "/mnt/alluxio/mem"
    assert p["alluxio.worker.tieredstore.level0.dirs.mediumtype"] == "MEM"
    assert p["alluxio.worker.tieredstore.level0.dirs.quota"] == str(GI)
    worker = one(objects, "StatefulSet", component="worker")
    assert volumes(worker)["tier0-0"]["emptyDir"] == {"medium": "Memory", "sizeLimit": "1Gi"}
    res = containers(worker)["worker"]["resources"]
    # values: requests 1Gi, limits 2Gi; MEM quota 1Gi on top.
    assert mib(res["requests"]["memory"]) == 2048 and mib(res["limits"]["memory"]) == 3072
    # The heap stays 60 % of the JVM's own 2Gi: 60 * 2 / 3 = 40 % of the 3Gi container.
    assert "-XX:MaxRAMPercentage=40.00" in env(containers(worker)["worker"])["ALLUXIO_WORKER_JAVA_OPTS"]
    assert containers(worker)["job-worker"]["resources"]["limits"]["memory"] == "1Gi"


def test_ci_default_profile_memory(renders):
    worker = one(renders.get("alluxio", "default-values"), "StatefulSet", component="worker")
    res = containers(worker)["worker"]["resources"]
    assert (mib(res["requests"]["memory"]), mib(res["limits"]["memory"])) == (1024, 1536)


def test_tiers_are_emitted_by_position_and_disks_never_use_ram(renders):
    objects = renders.get("alluxio", "tiered-values")
    p = props(objects)
    assert p["alluxio.worker.tieredstore.levels"] == "3"
    assert [p[f"alluxio.worker.tieredstore.level{i}.alias"] for i in range(3)] == ["MEM", "SSD", "HDD"]
    assert p["alluxio.worker.tieredstore.level1.dirs.path"] == "/mnt/alluxio/ssd0,/mnt/alluxio/ssd1"
    assert p["alluxio.worker.tieredstore.level1.dirs.mediumtype"] == "SSD,SSD"
    assert p["alluxio.worker.tieredstore.level1.dirs.quota"] == f"{50 * GI},{50 * GI}"
    assert p["alluxio.worker.tieredstore.level2.dirs.path"] == "/mnt/alluxio/hdd0"
    assert p["alluxio.worker.tieredstore.level2.dirs.quota"] == str(500 * GI)
    assert not [k for k in p if "watermark" in k]
    worker = one(objects, "StatefulSet", component="worker")
    vols = volumes(worker)
    assert vols["tier0-0"]["emptyDir"] == {"medium": "Memory", "sizeLimit": "2Gi"}
    assert vols["tier2-0"]["hostPath"] == {"path": "/data/disk1/alluxio", "type": "DirectoryOrCreate"}
    assert "tier1-0" not in vols and "tier1-1" not in vols
    claims = {c["metadata"]["name"]: c["spec"] for c in worker["spec"]["volumeClaimTemplates"]}
    assert set(claims) == {"tier1-0", "tier1-1"}
    assert claims["tier1-0"]["resources"]["requests"]["storage"] == "50Gi"
    assert claims["tier1-1"]["resources"]["requests"]["storage"] == "60Gi"
    assert {c["storageClassName"] for c in claims.values()} == {"local-ssd"}
    for v in vols.values():
        if v["name"].startswith("tier") and v["name"] != "tier0-0":
            assert v.get("emptyDir", {}).get("medium") != "Memory"
    mounts = {m["name"]: m["mountPath"] for m in containers(worker)["worker"]["volumeMounts"]}
    assert [mounts[f"tier1-{d}"] for d in range(2)] == p["alluxio.worker.tieredstore.level1.dirs.path"].split(",")
    res = containers(worker)["worker"]["resources"]
    assert (mib(res["requests"]["memory"]), mib(res["limits"]["memory"])) == (4096, 6144)


def test_disk_emptydir_tiers_have_no_memory_medium(tmp_path):
    f = tmp_path / "ssd.yaml"
    f.write_text("tieredStore:\n  levels:\n    - alias: SSD\n      dirs:\n"
                 "        - {path: /mnt/alluxio/ssd, quota: 10Gi}\n")
    objects = helm.render(CHART, [f], release=RELEASE, namespace=NAMESPACE)
    worker = one(objects, "StatefulSet", component="worker")
    assert volumes(worker)["tier0-0"]["emptyDir"] == {"sizeLimit": "10Gi"}
    res = containers(worker)["worker"]["resources"]
    assert res["limits"]["memory"] == "2Gi" and res["requests"]["memory"] == "1Gi"
    assert props(objects)["alluxio.worker.tieredstore.level0.dirs.mediumtype"] == "SSD"


def test_daemonset_workers_short_circuit_and_locality(renders):
    objects = renders.get("alluxio", "daemonset-values")
    assert not find(objects, "StatefulSet", component="worker")
    ds = one(objects, "DaemonSet", component="worker")
    spec = pod_spec(ds)
    assert "hostNetwork" not in spec
    vols = volumes(ds)
    assert vols["domain-socket"]["hostPath"]["path"] == "/var/lib/alluxio/domain-socket"
    assert not [v for v in vols.values() if "persistentVolumeClaim" in v]
    p = props(objects)
    assert p["alluxio.user.short.circuit.enabled"] == "true"
    assert p["alluxio.worker.data.server.domain.socket.address"] == "/opt/domain"
    assert p["alluxio.worker.data.server.domain.socket.as.uuid"] == "true"
    opts = env(containers(ds)["worker"])["ALLUXIO_WORKER_JAVA_OPTS"]
    assert "-Dalluxio.worker.hostname=$(POD_IP)" in opts and "-Dalluxio.locality.node=$(NODE_NAME)" in opts
    fields = {e["name"]: e.get("valueFrom", {}).get("fieldRef", {}).get("fieldPath")
              for e in containers(ds)["worker"]["env"]}
    assert fields["POD_IP"] == "status.podIP" and fields["NODE_NAME"] == "spec.nodeName"


def test_host_network_is_selectable():
    objects = helm.render(CHART, set_values={"worker.hostNetwork": True}, release=RELEASE, namespace=NAMESPACE)
    spec = pod_spec(one(objects, "StatefulSet", component="worker"))
    assert spec["hostNetwork"] is True and spec["dnsPolicy"] == "ClusterFirstWithHostNet"


def test_hdfs_under_storage(renders):
    objects = renders.get("alluxio", "hdfs-ufs-values")
    p = props(objects)
    assert p["alluxio.master.mount.table.root.ufs"] == "hdfs://rt-hdfs/alluxio/root"
    assert p["alluxio.underfs.hdfs.configuration"] == \
        "/opt/alluxio/hadoop-conf/core-site.xml:/opt/alluxio/hadoop-conf/hdfs-site.xml"
    for kind, component in (("StatefulSet", "master"), ("StatefulSet", "worker")):
        obj = one(objects, kind, component=component)
        assert volumes(obj)["hadoop-conf"]["configMap"]["name"] == "rt-hdfs-config"
        for c in containers(obj).values():
            assert {"name": "hadoop-conf", "mountPath": "/opt/alluxio/hadoop-conf", "readOnly": True} in c["volumeMounts"]
    assert "alluxio.underfs.hdfs.configuration" not in props(renders.get("alluxio", "defaults"))


def test_s3_credentials_come_from_secrets_never_configmaps(renders):
    objects = renders.get("alluxio", "ha-values")
    secret = one(objects, "Secret", name=f"{FULL}-ufs")
    assert set(secret["data"]) == {"accessKeyId", "secretKey"}
    for cm in find(objects, "ConfigMap"):
        for text in cm["data"].values():
            assert "example-secret-key-value" not in text and "AKIAEXAMPLEKEYID" not in text
    for obj in objects:
        for _meta, spec in manifests.pod_specs(obj):
            for c in spec.get("initContainers", []) + spec["containers"]:
                for e in c.get("env", []):
                    assert e.get("value") not in ("example-secret-key-value", "AKIAEXAMPLEKEYID")
                    if e["name"].startswith("AWS_"):
                        assert e["valueFrom"]["secretKeyRef"]["name"] == f"{FULL}-ufs"
    s3 = renders.get("alluxio", "s3-values")
    assert not find(s3, "Secret")
    master = one(s3, "StatefulSet", component="master")
    refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in containers(master)["master"]["env"] if e["name"].startswith("AWS_")}
    assert refs == {"AWS_ACCESS_KEY_ID": {"name": "alluxio-s3-keys", "key": "accessKeyId"},
                    "AWS_SECRET_ACCESS_KEY": {"name": "alluxio-s3-keys", "key": "secretKey"}}


def test_config_overrides_override_the_chart_once():
    objects = helm.render(CHART, set_values={"configOverrides.alluxio-site\\.properties.alluxio\\.worker\\.tieredstore\\.levels": "1",
                                             "configOverrides.alluxio-site\\.properties.alluxio\\.user\\.file\\.readtype\\.default": "CACHE",
                                             "configOverrides.alluxio-site\\.properties.alluxio\\.master\\.journal\\.folder": "/journal/x"},
                          release=RELEASE, namespace=NAMESPACE)
    p = props(objects)  # props() fails on a duplicate key
    assert p["alluxio.user.file.readtype.default"] == "CACHE"
    assert p["alluxio.master.journal.folder"] == "/journal/x"


def test_a_false_property_overrides_the_charts_true():
    """configOverrides win even with false (sprig's merge, used before, kept the chart's true)."""
    base = {"hdfs.configMap": "lake-config", "hdfs.nameservice": "lake"}
    assert props(helm.render(CHART, set_values=base, release=RELEASE, namespace=NAMESPACE))[
        "alluxio.underfs.allow.set.owner.failure"] == "true"
    objects = helm.render(CHART, set_values={**base, "configOverrides.alluxio-site\\.properties.alluxio\\.underfs\\.allow\\.set\\.owner\\.failure": "false",
                                             "configOverrides.alluxio-site\\.properties.alluxio\\.user\\.file\\.writetype\\.default": "THROUGH"},
                          release=RELEASE, namespace=NAMESPACE)
    p = props(objects)
    assert p["alluxio.underfs.allow.set.owner.failure"] == "false"
    assert p["alluxio.user.file.writetype.default"] == "THROUGH"


def test_write_type_follows_the_under_storage():
    assert props(helm.render(CHART, release=RELEASE, namespace=NAMESPACE))["alluxio.user.file.writetype.default"] == "MUST_CACHE"
    over_s3 = props(helm.render(CHART, set_values={"ufs.root": "s3://bucket/alluxio"}, release=RELEASE, namespace=NAMESPACE))
    assert over_s3["alluxio.user.file.writetype.default"] == "CACHE_THROUGH"
    assert "alluxio.underfs.allow.set.owner.failure" not in over_s3  # only for an hdfs:// root
    chosen = props(helm.render(CHART, set_values={"ufs.root": "s3://bucket/alluxio", "client.writeType": "ASYNC_THROUGH"},
                               release=RELEASE, namespace=NAMESPACE))
    assert chosen["alluxio.user.file.writetype.default"] == "ASYNC_THROUGH"


@pytest.mark.parametrize("profile", PROFILES)
def test_jvm_heaps_follow_the_memory_limit(renders, profile):
    for obj in renders.get("alluxio", profile):
        if obj["kind"] not in ("StatefulSet", "DaemonSet"):
            continue
        for c in containers(obj).values():
            assert c["resources"]["limits"]["memory"]
            opts = [v for k, v in env(c).items() if k.endswith("_JAVA_OPTS")]
            if c["name"] == "fuse":
                # alluxio-config.sh puts -Xmx1G first for FUSE, which a percentage cannot override: an
                # explicit -Xmx of the limit's share (60% of 2Gi) comes later.
                assert len(opts) == 1 and "-Xmx1228m" in opts[0] and "-XX:MaxDirectMemorySize=" in opts[0], opts
            else:
                assert len(opts) == 1 and "-XX:MaxRAMPercentage=" in opts[0], c["name"]


@pytest.mark.parametrize("profile", PROFILES)
def test_no_persistent_state_on_emptydir_by_default(renders, profile):
    for sts in find(renders.get("alluxio", profile), "StatefulSet"):
        assert sts["spec"]["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
        if sts["metadata"]["labels"]["app.kubernetes.io/component"] == "master":
            assert "journal" not in volumes(sts)
            assert [c["metadata"]["name"] for c in sts["spec"]["volumeClaimTemplates"]] == ["journal"]


def test_journal_on_emptydir_only_when_asked():
    objects = helm.render(CHART, set_values={"journal.persistence.enabled": False}, release=RELEASE,
                          namespace=NAMESPACE)
    master = one(objects, "StatefulSet", component="master")
    assert volumes(master)["journal"] == {"name": "journal", "emptyDir": {}}
    assert "volumeClaimTemplates" not in master["spec"]


def test_pdbs_services_and_network_policies(renders):
    objects = renders.get("alluxio", "tiered-values")
    pdbs = {x["metadata"]["labels"]["app.kubernetes.io/component"] for x in find(objects, "PodDisruptionBudget")}
    assert pdbs == {"master", "worker"}
    svc = one(objects, "Service", name=f"{FULL}-master")
    assert {x["name"]: x["port"] for x in svc["spec"]["ports"]} == {"rpc": 19998, "web": 19999, "job-rpc": 20001, "job-web": 20002}
    policies = {x["metadata"]["labels"]["app.kubernetes.io/component"]: x for x in find(objects, "NetworkPolicy")}
    assert set(policies) == {"master", "worker"}
    assert [x["port"] for x in policies["worker"]["spec"]["ingress"][1]["ports"]] == ["rpc", "web", "job-web"]
    defaults = {x["metadata"]["labels"]["app.kubernetes.io/component"] for x in find(renders.get("alluxio", "defaults"), "NetworkPolicy")}
    assert defaults == {"master", "worker"}, "on by default"
    assert {x["metadata"]["labels"]["app.kubernetes.io/component"]
            for x in find(renders.get("alluxio", "daemonset-values"), "NetworkPolicy")} == {"master", "worker", "fuse"}
    fuse = one(renders.get("alluxio", "daemonset-values"), "NetworkPolicy", component="fuse")
    assert fuse["spec"]["ingress"] == [] and fuse["spec"]["policyTypes"] == ["Ingress"]  # FUSE only connects out


def test_anti_affinity_presets(renders):
    soft = pod_spec(one(renders.get("alluxio", "defaults"), "StatefulSet", component="master"))
    hard = pod_spec(one(renders.get("alluxio", "ha-values"), "StatefulSet", component="master"))
    assert "preferredDuringSchedulingIgnoredDuringExecution" in soft["affinity"]["podAntiAffinity"]
    assert "requiredDuringSchedulingIgnoredDuringExecution" in hard["affinity"]["podAntiAffinity"]


def test_helm_test_pod_round_trip(renders):
    objects = renders.get("alluxio", "defaults")
    pod = one(objects, "Pod")
    assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    assert pod["spec"]["containers"][0]["command"][-1] == "/opt/alluxio-scripts/alluxio-test.sh"
    script = one(objects, "ConfigMap", name=f"{FULL}-scripts")["data"]["alluxio-test.sh"]
    for step in ("copyFromLocal", "fs cat", "cmp -s", "tierAlias", "fs rm"):
        assert step in script


def test_config_change_rolls_the_pods():
    a = one(helm.render(CHART, release=RELEASE, namespace=NAMESPACE), "StatefulSet", component="worker")
    b = one(helm.render(CHART, set_values={"configOverrides.alluxio-site\\.properties.alluxio\\.user\\.block\\.size\\.bytes\\.default": "64MB"},
                        release=RELEASE, namespace=NAMESPACE), "StatefulSet", component="worker")
    key = "checksum/config"
    assert a["spec"]["template"]["metadata"]["annotations"][key] != b["spec"]["template"]["metadata"]["annotations"][key]
