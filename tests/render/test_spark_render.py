"""Render tests of charts/spark: every ci/ profile and example under Helm 3 and Helm 4."""
import base64
import json
import re
import shutil
import subprocess

import pytest

from conftest import NAMESPACE, RELEASE, ROOT, chart_profiles, find, one
from chartsuite import helm
from chartsuite.checks import manifests
from chartsuite.checks.manifests import load_user_provided
import helm_commands

CHART = ROOT / "charts" / "spark"
PROFILES = [p for p, _ in chart_profiles("spark")]
FULL = f"{RELEASE}-spark"
USER_PROVIDED = load_user_provided(CHART)
SPARK_POD_COMPONENTS = {"master", "worker", "zeppelin", "rstudio", "test"}


def pod_spec(obj):
    return obj["spec"] if obj["kind"] == "Pod" else obj["spec"]["template"]["spec"]


def workloads(objects):
    return [o for o in objects if o["kind"] in ("StatefulSet", "Deployment", "Pod")]


def containers(obj, init=False):
    return {c["name"]: c for c in pod_spec(obj).get("initContainers" if init else "containers", [])}


def env(container):
    return {e["name"]: e.get("value") for e in container.get("env", [])}


def main_container(obj):
    return next(iter(containers(obj).values()))


def component(obj):
    return obj["metadata"]["labels"]["app.kubernetes.io/component"]


def spark_defaults(objects):
    text = one(objects, "ConfigMap", name=f"{FULL}-config")["data"]["spark-defaults.conf"]
    return dict(line.split(" ", 1) for line in text.splitlines() if line and not line.startswith("#"))


def master_url(replicas):
    hosts = [f"{FULL}-master-{i}.{FULL}-master-headless.{NAMESPACE}.svc.cluster.local:7077" for i in range(replicas)]
    return "spark://" + ",".join(hosts)


def test_every_profile_is_covered():
    assert {"defaults", "default-values", "ha-values", "hdfs-values", "notebooks-existing-secret-values",
            "minimal-values", "hpa-values", "example-spark-notebooks"} <= set(PROFILES)


def without_generated_auth_secret(objects):
    """The objects with the value of the chart's generated RPC auth secret blanked: it is random
    in every render without a cluster to look it up in (by design)."""
    out = json.loads(json.dumps(objects))
    for obj in out:
        if obj["kind"] == "Secret" and obj["metadata"]["name"] == f"{FULL}-auth":
            obj["data"] = {k: "<random>" for k in obj["data"]}
    return out


def test_user_provided_names_are_needed():
    """Without user-provided.yaml the references to the HDFS ConfigMap and existing Secrets fail."""
    objects = []
    for profile in ("hdfs-values", "notebooks-existing-secret-values"):
        values = dict(chart_profiles("spark"))[profile]
        objects = helm.render(CHART, [values], release=RELEASE, namespace=NAMESPACE)
        assert manifests.check_references(objects) != []


@pytest.mark.parametrize("profile", PROFILES)
def test_master_url_lists_every_master_everywhere(renders, profile):
    objects = renders.get("spark", profile)
    masters = one(objects, "StatefulSet", component="master")["spec"]["replicas"]
    url = master_url(masters)
    assert spark_defaults(objects)["spark.master"] == url
    for obj in workloads(objects):
        for c in pod_spec(obj)["containers"]:
            if c["name"] == "router":  # HAProxy in front of the masters (its own haproxy.cfg)
                continue
            assert env(c)["SPARK_MASTER_URL"] == url, obj["metadata"]["name"]
    worker = main_container(one(objects, "StatefulSet", component="worker"))
    assert worker["args"][-1] == "$(SPARK_MASTER_URL)"


@pytest.mark.parametrize("profile", PROFILES)
def test_recovery_mode_only_with_two_or_more_masters(renders, profile):
    objects = renders.get("spark", profile)
    conf = spark_defaults(objects)
    masters = one(objects, "StatefulSet", component="master")["spec"]["replicas"]
    if masters >= 2:
        assert conf["spark.deploy.recoveryMode"] == "ZOOKEEPER"
        assert conf["spark.deploy.zookeeper.url"]
        assert conf["spark.deploy.zookeeper.dir"].startswith("/")
    else:
        assert not [k for k in conf if k.startswith("spark.deploy.")]


def test_ha_profile_uses_the_external_quorum_and_znode(renders):
    objects = renders.get("spark", "ha-values")
    conf = spark_defaults(objects)
    assert one(objects, "StatefulSet", component="master")["spec"]["replicas"] == 3
    assert conf["spark.master"] == master_url(3)
    assert conf["spark.deploy.zookeeper.url"].split(",")[0] == "zk-0.zk-headless.zookeeper.svc.cluster.local:2181"
    assert conf["spark.deploy.zookeeper.dir"] == "/spark-analytics"
    assert conf["spark.ui.reverseProxyUrl"] == "https://spark.example.com"
    ing = one(objects, "Ingress")
    assert ing["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"] == {
        "name": f"{FULL}-master", "port": {"name": "http"}}
    policies = {component(p): p for p in find(objects, "NetworkPolicy")}
    assert set(policies) == {"master", "worker"}
    # Clients reach the masters' ports and, through the Service, their routers' (2+ masters).
    assert [p["port"] for p in policies["master"]["spec"]["ingress"][1]["ports"]] == [
        "cluster", "http", "router-cluster", "router-http"]
    assert policies["master"]["spec"]["ingress"][2]["from"] == [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}]


def test_default_znode_is_per_release():
    objects = helm.render(CHART, set_values={"master.replicaCount": 2, "zookeeper.quorum": "zk:2181"},
                          release=RELEASE, namespace=NAMESPACE)
    assert spark_defaults(objects)["spark.deploy.zookeeper.dir"] == f"/spark-{FULL}"


@pytest.mark.parametrize("profile, cores, memory", [
    ("defaults", "2", "2560m"),         # 2 CPU, 2 executors of 1 core; 4Gi - 512Mi - 256Mi - 2 x 384Mi
    ("hdfs-values", "2", "3712m"),      # 1 executor of 2 cores; 6Gi - 1Gi - 1Gi - 384Mi
    ("minimal-values", "1", "896m"),    # 1 CPU, 1 executor; 2Gi - 512Mi - 256Mi - 384Mi
])
def test_worker_cores_and_memory_come_from_the_container_resources(renders, profile, cores, memory):
    worker = main_container(one(renders.get("spark", profile), "StatefulSet", component="worker"))
    e = env(worker)
    assert (e["SPARK_WORKER_CORES"], e["SPARK_WORKER_MEMORY"]) == (cores, memory)
    args = worker["args"]
    assert args[args.index("--cores") + 1] == "$(SPARK_WORKER_CORES)"
    assert args[args.index("--memory") + 1] == "$(SPARK_WORKER_MEMORY)"


def test_worker_cores_fall_back_to_the_request_and_fractions_are_refused():
    def cores(**resources):
        sets = {f"worker.resources.{k.replace('_', '.')}": "null" if v is None else v
                for k, v in resources.items()}
        sets.update({"config.executorCores": 1, "config.executorMemory": "512m"})
        objects = helm.render(CHART, set_values=sets, release=RELEASE, namespace=NAMESPACE)
        return env(main_container(one(objects, "StatefulSet", component="worker")))["SPARK_WORKER_CORES"]
    assert cores(limits_cpu=None, requests_cpu="3") == "3"
    assert cores(limits_cpu="2", requests_cpu="250m") == "2"
    # Spark counts whole cores: 500m would silently become one core on half a CPU.
    with pytest.raises(helm.RenderError, match="worker.resources.limits.cpu: 500m is not a whole number of cores"):
        cores(limits_cpu="500m", requests_cpu="250m")


@pytest.mark.parametrize("profile", PROFILES)
def test_daemon_heaps_follow_the_memory_limit(renders, profile):
    objects = renders.get("spark", profile)
    master = one(objects, "StatefulSet", component="master")
    c = main_container(master)
    limit_mib = {"1Gi": 1024, "512Mi": 512}[c["resources"]["limits"]["memory"]]
    assert env(c)["SPARK_DAEMON_MEMORY"] == f"{limit_mib * 70 // 100}m"
    for obj in find(objects, "StatefulSet"):
        assert main_container(obj)["resources"]["limits"]["memory"]


@pytest.mark.parametrize("profile", PROFILES)
def test_one_spark_conf_dir_on_every_spark_pod(renders, profile):
    objects = renders.get("spark", profile)
    seen = set()
    for obj in workloads(objects):
        spec = pod_spec(obj)
        volumes = {v["name"]: v for v in spec["volumes"]}
        inits = containers(obj, init=True)
        for c in spec["containers"]:
            if c["name"] == "router":  # HAProxy in front of the masters: no Spark in it
                continue
            conf_dir = env(c)["SPARK_CONF_DIR"]
            mount = next(m for m in c["volumeMounts"] if m["mountPath"] == conf_dir)
            if mount["name"] == "spark-conf-driver":
                # A driver with RPC auth: the ConfigMap's files, copied by its init container, plus the secret.
                init = inits["spark-conf"]
                template = next(m for m in init["volumeMounts"] if m["mountPath"] == "/etc/spark/conf-template")
                assert volumes[template["name"]]["configMap"]["name"] == f"{FULL}-config"
                assert "cp /etc/spark/conf-template/* /spark-conf/" in init["command"][-1]
            else:
                assert volumes[mount["name"]]["configMap"]["name"] == f"{FULL}-config"
            seen.add((component(obj), conf_dir))
    comps = {c for c, _ in seen}
    assert {"master", "worker"} <= comps <= SPARK_POD_COMPONENTS
    assert len({d for _, d in seen}) == 1


@pytest.mark.parametrize("profile", PROFILES)
def test_hadoop_conf_dir_everywhere_when_set_and_absent_otherwise(renders, profile):
    objects = renders.get("spark", profile)
    values_file = dict(chart_profiles("spark"))[profile]
    configured = values_file is not None and "configMap:" in values_file.read_text()
    for obj in workloads(objects):
        spec = pod_spec(obj)
        volumes = {v["name"]: v for v in spec["volumes"]}
        hadoop_volumes = [v for v in volumes.values() if v.get("configMap", {}).get("name", "").endswith("hdfs-config")
                          or v["name"] == "hadoop-conf"]
        for c in spec["containers"]:
            e = env(c)
            if configured:
                assert e["HADOOP_CONF_DIR"] == "/etc/hadoop/conf"
                mount = next(m for m in c["volumeMounts"] if m["mountPath"] == "/etc/hadoop/conf")
                assert mount["readOnly"] is True and "configMap" in volumes[mount["name"]]
            else:
                assert "HADOOP_CONF_DIR" not in e
                assert not [m for m in c["volumeMounts"] if m["mountPath"] == "/etc/hadoop/conf"]
        assert bool(hadoop_volumes) == configured


def test_hdfs_profile_wires_the_hdfs_configmap(renders):
    objects = renders.get("spark", "hdfs-values")
    conf = spark_defaults(objects)
    assert conf["spark.hadoop.fs.defaultFS"] == "hdfs://hdfs-hdfs"
    for obj in workloads(objects):
        names = {v["configMap"]["name"] for v in pod_spec(obj)["volumes"] if "configMap" in v}
        assert "hdfs-hdfs-config" in names, obj["metadata"]["name"]
    assert {component(o) for o in workloads(objects)} == SPARK_POD_COMPONENTS


def zeppelin_settings(objects):
    cm = one(objects, "ConfigMap", name=f"{FULL}-zeppelin")
    return json.loads(cm["data"]["interpreter.json"])["interpreterSettings"]


def test_zeppelin_interpreters_point_at_the_cluster(renders):
    objects = renders.get("spark", "hdfs-values")
    settings = zeppelin_settings(objects)
    spark = {k: v["value"] for k, v in settings["spark"]["properties"].items()}
    assert spark["spark.master"] == master_url(1) and not spark["spark.master"].startswith("local")
    assert spark["spark.cores.max"] == "4"
    assert spark["spark.executor.memory"] == "2g"
    assert spark["SPARK_HOME"] == "/opt/spark-dist"
    assert spark["spark.driver.host"] == f"{FULL}-zeppelin-driver.{NAMESPACE}.svc.cluster.local"
    # One Python for the pyspark driver and its executors: the Zeppelin image's environment.
    python = "/opt/conda/envs/python_3_with_R/bin/python"
    assert settings["python"]["properties"]["zeppelin.python"]["value"] == python
    assert spark["PYSPARK_PYTHON"] == spark["PYSPARK_DRIVER_PYTHON"] == spark["spark.pyspark.python"] == python
    assert settings["file"]["properties"]["hdfs.url"]["value"].startswith("http://hdfs-hdfs-namenode-0.")
    dep = one(objects, "Deployment", component="zeppelin")
    c = containers(dep)["zeppelin"]
    e = env(c)
    assert e["SPARK_HOME"] == "/opt/spark-dist" and e["SPARK_MASTER"] == master_url(1)
    assert e["ZEPPELIN_RUN_MODE"] == "local"
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    # driver.maxDrivers (4) drivers: driver i binds spark.driver.port + i and spark.blockManager.port + i,
    # trying at most spark.port.maxRetries (3) ports past the first.
    assert spark["spark.driver.port"] == "29413" and spark["spark.blockManager.port"] == "29433"
    assert spark["spark.port.maxRetries"] == "3"
    assert {n: p for n, p in ports.items() if n != "http"} == {
        "driver-0": 29413, "driver-1": 29414, "driver-2": 29415, "driver-3": 29416,
        "blockmgr-0": 29433, "blockmgr-1": 29434, "blockmgr-2": 29435, "blockmgr-3": 29436}
    driver_svc = one(objects, "Service", name=f"{FULL}-zeppelin-driver")
    assert driver_svc["spec"]["clusterIP"] == "None"
    assert {(p["port"], p["targetPort"]) for p in driver_svc["spec"]["ports"]} == {(n, name) for name, n in ports.items()
                                                                                  if name != "http"}
    # Spark comes from the cluster's image into the volume SPARK_HOME points at.
    init = containers(dep, init=True)
    assert init["copy-spark"]["image"] == main_container(one(objects, "StatefulSet", component="master"))["image"]
    homes = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
    assert homes["spark-home"] == "/opt/spark-dist"


def test_zeppelin_settings_keep_every_template_property(renders):
    """A setting saved in interpreter.json replaces its group's template properties (Zeppelin 0.12.0,
    InterpreterSettingManager.loadFromFile): the chart writes them all. The defaults below are read
    from Zeppelin v0.12.0's spark, python and file interpreter-setting.json by hand."""
    settings = zeppelin_settings(renders.get("spark", "hdfs-values"))
    props = {g: settings[g]["properties"] for g in ("spark", "python", "file")}
    # Without hdfs.maxlength the file interpreter throws; without useHiveContext Hive support is off.
    assert props["file"]["hdfs.maxlength"] == {"name": "hdfs.maxlength", "value": "1000", "type": "number"}
    assert props["file"]["hdfs.user"]["value"] == "hdfs"
    assert props["spark"]["zeppelin.spark.useHiveContext"] == {
        "name": "zeppelin.spark.useHiveContext", "value": True, "type": "checkbox"}
    assert props["spark"]["zeppelin.spark.maxResult"]["value"] == "1000"
    assert props["spark"]["zeppelin.spark.concurrentSQL"]["value"] is True
    assert props["spark"]["zeppelin.pyspark.useIPython"]["value"] is True
    assert props["spark"]["zeppelin.R.cmd"]["value"] == "R"
    assert props["python"]["zeppelin.python.useIPython"]["value"] is True
    assert props["python"]["zeppelin.ipython.launch.timeout"]["value"] == "30000"
    # The chart's values win over the template's.
    assert props["spark"]["PYSPARK_PYTHON"]["value"] == "/opt/conda/envs/python_3_with_R/bin/python"
    assert props["spark"]["spark.master"]["value"] != "local[*]"
    assert props["python"]["zeppelin.python"]["value"] == "/opt/conda/envs/python_3_with_R/bin/python"
    # Every template property is there.
    import yaml
    defaults = yaml.safe_load((ROOT / "charts" / "spark" / "files" / "zeppelin" / "interpreter-defaults.yaml").read_text())
    for group, template in defaults.items():
        assert set(template) <= set(props[group]), (group, set(template) - set(props[group]))


def test_zeppelin_checkbox_values_from_users_stay_booleans():
    objects = helm.render(CHART, set_values={"zeppelin.enabled": "true",
                                             "zeppelin.interpreter.sparkProperties.zeppelin\\.spark\\.useHiveContext": "false"},
                          release=RELEASE, namespace=NAMESPACE)
    prop = zeppelin_settings(objects)["spark"]["properties"]["zeppelin.spark.useHiveContext"]
    assert prop == {"name": "zeppelin.spark.useHiveContext", "value": False, "type": "checkbox"}


def test_rstudio_gets_spark_java_and_the_driver_service(renders):
    objects = renders.get("spark", "default-values")
    dep = one(objects, "Deployment", component="rstudio")
    c = containers(dep)["rstudio"]
    e = env(c)
    assert e["SPARK_HOME"] == "/opt/spark" and e["JAVA_HOME"] == "/opt/java/openjdk"
    assert f"-Dspark.driver.host={FULL}-rstudio-driver.{NAMESPACE}.svc.cluster.local" in e["SPARK_SUBMIT_OPTS"]
    assert "-Dspark.driver.port=29413 " in e["SPARK_SUBMIT_OPTS"] and "-Dspark.port.maxRetries=3" in e["SPARK_SUBMIT_OPTS"]
    # Packages are installed before RStudio starts, by an init container as the session user, not by the
    # s6 init inside the probes' budget; a startup probe covers the s6 init and rserver.
    assert "R_PACKAGES" not in e
    inits = containers(dep, init=True)
    assert set(inits) == {"copy-spark", "copy-java", "spark-conf", "install-r-packages"}  # spark-conf: auth is on
    install = inits["install-r-packages"]
    assert env(install)["R_PACKAGES"] == "sparklyr" and env(install)["R_REPOSITORY"] == ""
    assert install["securityContext"]["runAsUser"] == 1000 and install["securityContext"]["runAsNonRoot"] is True
    assert c["startupProbe"]["httpGet"] == {"path": "/", "port": "http"}
    assert c["startupProbe"]["failureThreshold"] * c["startupProbe"]["periodSeconds"] >= 300
    mounts = {m["mountPath"] for m in c["volumeMounts"]}
    assert {"/opt/spark", "/opt/java/openjdk", "/home/rstudio", "/etc/cont-init.d/50-spark"} <= mounts
    script = one(objects, "ConfigMap", name=f"{FULL}-rstudio")["data"]["50-spark"]
    assert "SPARK_MASTER_URL" in script and "Renviron.site" in script
    # Root is needed by the image's init; everything else is cut.
    sc = c["securityContext"]
    assert sc["runAsNonRoot"] is False and sc["capabilities"]["drop"] == ["ALL"]
    assert sc["allowPrivilegeEscalation"] is False


@pytest.mark.parametrize("profile", PROFILES)
def test_no_password_in_configmaps_or_env_literals(renders, profile):
    objects = renders.get("spark", profile)
    passwords = set()
    for sec in find(objects, "Secret"):
        passwords |= {base64.b64decode(v).decode() for v in sec.get("data", {}).values()}
    for obj in find(objects, "ConfigMap"):
        text = json.dumps(obj["data"])
        assert not [p for p in passwords if p in text], obj["metadata"]["name"]
        assert "password" not in text.lower() or obj["metadata"]["name"].endswith("-zeppelin")
    for obj in workloads(objects):
        spec = pod_spec(obj)
        for c in spec.get("initContainers", []) + spec["containers"]:
            for item in c.get("env", []):
                if "PASSWORD" in item["name"]:
                    assert "value" not in item and "secretKeyRef" in item["valueFrom"], (c["name"], item)
                assert item.get("value") not in passwords


def test_notebook_passwords_come_from_the_secrets(renders):
    objects = renders.get("spark", "default-values")
    zep = containers(one(objects, "Deployment", component="zeppelin"), init=True)["prepare-conf"]
    ref = next(e for e in zep["env"] if e["name"] == "ZEPPELIN_PASSWORD")["valueFrom"]["secretKeyRef"]
    assert ref == {"name": f"{FULL}-zeppelin", "key": "password"}
    secret = one(objects, "Secret", name=f"{FULL}-zeppelin")
    assert base64.b64decode(secret["data"]["password"]).decode() == "ci-zeppelin-password"
    shiro = one(objects, "ConfigMap", name=f"{FULL}-zeppelin")["data"]
    assert "[users]" not in shiro["shiro-base.ini"] and "ZEPPELIN_PASSWORD" in shiro["prepare-conf.sh"]

    objects = renders.get("spark", "notebooks-existing-secret-values")
    assert [s["metadata"]["name"] for s in find(objects, "Secret")] == [f"{FULL}-auth"]
    rs = containers(one(objects, "Deployment", component="rstudio"))["rstudio"]
    ref = next(e for e in rs["env"] if e["name"] == "PASSWORD")["valueFrom"]["secretKeyRef"]
    assert ref == {"name": "notebook-logins", "key": "rstudio"}
    zep = containers(one(objects, "Deployment", component="zeppelin"), init=True)["prepare-conf"]
    ref = next(e for e in zep["env"] if e["name"] == "ZEPPELIN_PASSWORD")["valueFrom"]["secretKeyRef"]
    assert ref == {"name": "notebook-logins", "key": "zeppelin"}


def test_prepare_conf_refuses_a_secret_password_shiro_cannot_hold(renders, tmp_path):
    """The rendered prepare-conf.sh, run by bash with its folders moved under tmp_path: a password from a
    Secret with a comma (cut by shiro.ini's `user = password, role`) or outer whitespace stops the pod's
    init with the Secret's name; a fine one is written to shiro.ini."""
    objects = renders.get("spark", "notebooks-existing-secret-values")
    script = one(objects, "ConfigMap", name=f"{FULL}-zeppelin")["data"]["prepare-conf.sh"]
    zep = containers(one(objects, "Deployment", component="zeppelin"), init=True)["prepare-conf"]
    source = next(e for e in zep["env"] if e["name"] == "ZEPPELIN_LOGIN_SOURCE")["value"]
    assert source == "Secret notebook-logins, key zeppelin"
    for folder in ("image-conf", "conf", "chart"):
        (tmp_path / folder).mkdir()
    (tmp_path / "chart" / "interpreter.json").write_text("{}")
    (tmp_path / "chart" / "shiro-base.ini").write_text("[main]\n")
    script = (script.replace("/opt/zeppelin/conf/.", f"{tmp_path}/image-conf/.")
              .replace("/zeppelin-chart/", f"{tmp_path}/chart/").replace("/conf/", f"{tmp_path}/conf/"))
    for password, ok in (("s3cret,admin", False), (" s3cret", False), ("s3cret\t", False), ("s3 cret", True)):
        env = {"PATH": "/usr/bin:/bin", "ZEPPELIN_USER": "admin", "ZEPPELIN_PASSWORD": password,
               "ZEPPELIN_LOGIN_SOURCE": source}
        run = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=30)
        assert (run.returncode == 0) is ok, (password, run.stderr)
        if ok:
            assert (tmp_path / "conf" / "shiro.ini").read_text().startswith("[users]\nadmin = s3 cret, admin\n")
        else:
            assert "from Secret notebook-logins, key zeppelin contains a comma" in run.stderr
            assert password.strip() not in run.stderr


def test_notebook_volumes_are_kept(renders):
    objects = renders.get("spark", "default-values")
    for name in ("zeppelin", "rstudio"):
        pvc = one(objects, "PersistentVolumeClaim", name=f"{FULL}-{name}")
        assert pvc["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
        assert pvc["spec"]["accessModes"] == ["ReadWriteOnce"]
        assert one(objects, "Deployment", component=name)["spec"]["strategy"]["type"] == "Recreate"
    objects = renders.get("spark", "notebooks-existing-secret-values")
    assert not find(objects, "PersistentVolumeClaim")
    vols = {v["name"]: v for v in pod_spec(one(objects, "Deployment", component="zeppelin"))["volumes"]}
    assert vols["notebook"]["persistentVolumeClaim"]["claimName"] == "zeppelin-notebooks"


@pytest.mark.parametrize("profile", PROFILES)
def test_security_contexts(renders, profile):
    for obj in workloads(renders.get("spark", profile)):
        spec = pod_spec(obj)
        for c in spec.get("initContainers", []) + spec["containers"]:
            sc = c["securityContext"]
            assert sc["allowPrivilegeEscalation"] is False and sc["capabilities"]["drop"] == ["ALL"]
            if c["name"] != "rstudio":
                assert sc["runAsNonRoot"] is True, (obj["metadata"]["name"], c["name"])
        assert spec["automountServiceAccountToken"] is False
        expected_uid = {"zeppelin": 1000}.get(component(obj), 185)
        if component(obj) != "rstudio":
            assert spec["securityContext"]["runAsUser"] == expected_uid


def test_worker_autoscaling(renders):
    objects = renders.get("spark", "hpa-values")
    hpa = one(objects, "HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": f"{FULL}-worker"}
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 8)
    assert [m["resource"]["name"] for m in hpa["spec"]["metrics"]] == ["cpu", "memory"]
    sts = one(objects, "StatefulSet", component="worker")
    assert "replicas" not in sts["spec"]
    assert sts["spec"]["volumeClaimTemplates"][0]["spec"]["storageClassName"] == "fast-ssd"
    assert sts["spec"]["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    assert not find(renders.get("spark", "defaults"), "HorizontalPodAutoscaler")


def test_sparkpi_test_pod(renders):
    pod = one(renders.get("spark", "defaults"), "Pod")
    assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    c = pod["spec"]["containers"][0]
    script = c["command"][-1]
    assert "--class org.apache.spark.examples.SparkPi" in script
    assert '--master "$SPARK_MASTER_URL"' in script and "spark-examples" in script and " 10 " in script
    assert env(c)["SPARK_MASTER_URL"] == master_url(1)
    assert not find(renders.get("spark", "minimal-values"), "Pod")


def test_headless_services_publish_not_ready_pods(renders):
    for svc in find(renders.get("spark", "default-values"), "Service"):
        if svc["metadata"]["name"].endswith(("-headless", "-driver")):
            assert svc["spec"]["clusterIP"] == "None" and svc["spec"]["publishNotReadyAddresses"] is True


def test_config_change_rolls_the_pods():
    a = one(helm.render(CHART, release=RELEASE, namespace=NAMESPACE), "StatefulSet", component="worker")
    b = one(helm.render(CHART, set_values={"configOverrides.spark-defaults\\.conf.spark\\.network\\.timeout": "300s"},
                        release=RELEASE, namespace=NAMESPACE), "StatefulSet", component="worker")
    key = "checksum/config"
    assert a["spec"]["template"]["metadata"]["annotations"][key] != b["spec"]["template"]["metadata"]["annotations"][key]
    assert spark_defaults([o for o in [one(helm.render(CHART, set_values={"configOverrides.spark-defaults\\.conf.spark\\.network\\.timeout": "300s"}, release=RELEASE, namespace=NAMESPACE), "ConfigMap", name=f"{FULL}-config")]])["spark.network.timeout"] == "300s"


def test_global_values_apply():
    objects = helm.render(CHART, set_values={"global.imageRegistry": "mirror.example.com",
                                             "global.imagePullSecrets[0]": "regcred",
                                             "global.commonLabels.team": "data"},
                          release=RELEASE, namespace=NAMESPACE)
    for sts in find(objects, "StatefulSet"):
        spec = sts["spec"]["template"]["spec"]
        assert all(c["image"].startswith("mirror.example.com/apache/spark:3.5.6") for c in spec["containers"])
        assert spec["imagePullSecrets"] == [{"name": "regcred"}]
        assert sts["metadata"]["labels"]["team"] == "data"


# --- Spark RPC authentication (auth.*) ---------------------------------------------------------

AUTH_POD_COMPONENTS = {"master", "worker", "zeppelin", "rstudio", "test"}
DRIVER_COMPONENTS = {"zeppelin", "rstudio", "test"}
NOTEBOOKS = {"zeppelin", "rstudio"}


def auth_secret_ref(c):
    item = next((e for e in c.get("env", []) if e["name"] == "_SPARK_AUTH_SECRET"), None)
    return item and item["valueFrom"]["secretKeyRef"]


def test_auth_and_encryption_are_on_by_default(renders):
    objects = renders.get("spark", "defaults")
    conf = spark_defaults(objects)
    assert conf["spark.authenticate"] == "true" and conf["spark.network.crypto.enabled"] == "true"
    one(objects, "Secret", name=f"{FULL}-auth")
    for obj in workloads(objects):
        expected = None if component(obj) in NOTEBOOKS else {"name": f"{FULL}-auth", "key": "spark-auth-secret"}
        assert auth_secret_ref(main_container(obj)) == expected, obj["metadata"]["name"]


def test_auth_off_renders_no_secret_and_ignores_encryption():
    """auth.enabled=false alone turns authentication off; the default auth.encryption=true then
    applies to nothing (no rule makes the user switch it off too)."""
    objects = helm.render(CHART, set_values={"auth.enabled": "false"}, release=RELEASE, namespace=NAMESPACE)
    conf = spark_defaults(objects)
    assert "spark.authenticate" not in conf and "spark.network.crypto.enabled" not in conf
    assert not [s for s in find(objects, "Secret") if s["metadata"]["name"] == f"{FULL}-auth"]
    for obj in workloads(objects):
        spec = pod_spec(obj)
        assert not [c for c in spec.get("initContainers", []) + spec["containers"] if auth_secret_ref(c)]
        assert "spark-conf-driver" not in {v["name"] for v in spec["volumes"]}


def test_auth_secret_is_generated_once_and_every_spark_pod_references_it(renders):
    objects = renders.get("spark", "default-values")
    secret = one(objects, "Secret", name=f"{FULL}-auth")
    assert list(secret["data"]) == ["spark-auth-secret"]
    value = base64.b64decode(secret["data"]["spark-auth-secret"]).decode()
    assert re.fullmatch(r"[A-Za-z0-9]{32}", value)
    conf = spark_defaults(objects)
    assert conf["spark.authenticate"] == "true" and conf["spark.network.crypto.enabled"] == "true"
    assert "spark.authenticate.secret" not in conf
    seen = set()
    for obj in workloads(objects):
        spec = pod_spec(obj)
        main = main_container(obj)
        # The notebooks' drivers read it from spark-defaults.conf only: rocker copies every env variable
        # of the container into Renviron.site on disk.
        expected = None if component(obj) in NOTEBOOKS else {"name": f"{FULL}-auth", "key": "spark-auth-secret"}
        assert auth_secret_ref(main) == expected, obj["metadata"]["name"]
        seen.add(component(obj))
        if component(obj) in DRIVER_COMPONENTS:
            init = containers(obj, init=True)["spark-conf"]
            assert auth_secret_ref(init) == {"name": f"{FULL}-auth", "key": "spark-auth-secret"}
            assert 'spark.authenticate.secret %s\\n\' "$_SPARK_AUTH_SECRET"' in init["command"][-1]
            assert {v["name"]: v for v in spec["volumes"]}["spark-conf-driver"]["emptyDir"]["medium"] == "Memory"
            conf_mount = next(m for m in main["volumeMounts"] if m["mountPath"] == "/etc/spark/conf")
            assert conf_mount["name"] == "spark-conf-driver"
    assert seen == AUTH_POD_COMPONENTS


def test_auth_secret_value_is_nowhere_but_in_the_secret(renders):
    objects = renders.get("spark", "default-values")
    value = base64.b64decode(one(objects, "Secret", name=f"{FULL}-auth")["data"]["spark-auth-secret"]).decode()
    for obj in objects:
        if obj["kind"] != "Secret":
            assert value not in json.dumps(obj), (obj["kind"], obj["metadata"]["name"])
    for obj in workloads(objects):
        spec = pod_spec(obj)
        for c in spec.get("initContainers", []) + spec["containers"]:
            for item in c.get("env", []):
                if "AUTH" in item["name"] or "SECRET" in item["name"]:
                    assert "value" not in item and "secretKeyRef" in item["valueFrom"], (c["name"], item)


def test_auth_existing_secret_wins(renders):
    objects = renders.get("spark", "ha-values")
    assert not [s for s in find(objects, "Secret") if s["metadata"]["name"] == f"{FULL}-auth"]
    assert spark_defaults(objects)["spark.authenticate"] == "true"
    assert "spark.network.crypto.enabled" not in spark_defaults(objects)
    for obj in find(objects, "StatefulSet"):
        assert auth_secret_ref(main_container(obj)) == {"name": "spark-rpc-auth", "key": "secret"}


def test_auth_render_without_a_cluster_makes_a_fresh_valid_secret_each_time():
    """helm template has no cluster to look the Secret up in: each render gets a new random
    secret (an install or upgrade reads the existing one back with lookup)."""
    values = {"auth.enabled": "true", "tests.enabled": "true"}
    a, b = (one(helm.render(CHART, set_values=values, release=RELEASE, namespace=NAMESPACE), "Secret",
                name=f"{FULL}-auth") for _ in range(2))
    assert a["data"]["spark-auth-secret"] != b["data"]["spark-auth-secret"]
    assert manifests.validate_objects([a]) == []


def test_generated_secrets_are_looked_up_before_generating():
    """Every generated secret (RPC auth, notebook passwords) goes through common.secrets.persistentValue,
    which reads the stored value back with lookup before it makes a random one."""
    helper = (ROOT / "charts" / "common" / "templates" / "_secrets.tpl").read_text()
    assert 'lookup "v1" "Secret"' in helper and "randAlphaNum" in helper
    assert helper.index("lookup") < helper.index("randAlphaNum")
    for path, key in (("auth-secret.yaml", "$key"), ("zeppelin/secret.yaml", '"password"'),
                      ("rstudio/secret.yaml", '"password"')):
        template = (CHART / "templates" / path).read_text()
        assert 'include "common.secrets.persistentValue" (dict "name" $name "key" ' + key in template, path


def test_notebook_passwords_are_generated_when_empty():
    """No password and no existingSecret: the chart's Secret holds a random 24-character password,
    a new one per render without a cluster (an upgrade reads the stored one back)."""
    values = {"zeppelin.enabled": "true", "rstudio.enabled": "true"}
    renders_ = [helm.render(CHART, set_values=values, release=RELEASE, namespace=NAMESPACE) for _ in range(2)]
    for name in ("zeppelin", "rstudio"):
        a, b = (base64.b64decode(one(o, "Secret", name=f"{FULL}-{name}")["data"]["password"]).decode()
                for o in renders_)
        assert re.fullmatch(r"[A-Za-z0-9]{24}", a) and a != b
    cmd = [helm.helm_binary(4), "install", "--dry-run=client", RELEASE, str(CHART), "-n", NAMESPACE,
           "--set", "zeppelin.enabled=true", "--set", "rstudio.enabled=true"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    manifest, notes = out.split("MANIFEST:", 1)[1].split("NOTES:", 1)
    objects = helm.parse_documents(manifest)
    for name in ("zeppelin", "rstudio"):
        assert (f"Password (generated at install, kept across upgrades): kubectl -n {NAMESPACE} get secret "
                f"{FULL}-{name} -o jsonpath='{{.data.password}}' | base64 -d") in notes
        value = base64.b64decode(one(objects, "Secret", name=f"{FULL}-{name}")["data"]["password"]).decode()
        assert value not in notes


def test_notes_tell_how_to_read_the_auth_secret():
    """NOTES.txt names the command that reads the secret, never the value."""
    cmd = [helm.helm_binary(4), "install", "--dry-run=client", RELEASE, str(CHART), "-n", NAMESPACE,
           "--set", "auth.enabled=true"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    notes = out.split("NOTES:", 1)[1]
    assert f"kubectl -n {NAMESPACE} get secret {FULL}-auth -o jsonpath='{{.data.spark-auth-secret}}' | base64 -d" \
        in notes
    value = base64.b64decode(re.search(r"spark-auth-secret: \"?([^\"\n]+)", out).group(1)).decode()
    assert value not in notes


def test_workers_decommission_gracefully_by_default():
    objects = helm.render(CHART, release=RELEASE, namespace=NAMESPACE)
    worker = one(objects, "StatefulSet", name=f"{FULL}-worker")
    c = main_container(worker)
    assert c["lifecycle"]["preStop"]["exec"]["command"] == ["bash", "/opt/spark-scripts/worker-decommission.sh"]
    grace = pod_spec(worker)["terminationGracePeriodSeconds"]
    assert env(c)["DECOMMISSION_TIMEOUT_SECONDS"] == str(grace - 10)
    conf = spark_defaults(objects)
    for key in ("spark.decommission.enabled", "spark.storage.decommission.enabled",
                "spark.storage.decommission.rddBlocks.enabled", "spark.storage.decommission.shuffleBlocks.enabled"):
        assert conf[key] == "true", key
    scripts = one(objects, "ConfigMap", name=f"{FULL}-scripts")
    assert "kill -PWR 1" in scripts["data"]["worker-decommission.sh"]
    off = helm.render(CHART, set_values={"worker.decommission.enabled": "false"}, release=RELEASE, namespace=NAMESPACE)
    assert "lifecycle" not in main_container(one(off, "StatefulSet", name=f"{FULL}-worker"))
    assert "spark.decommission.enabled" not in spark_defaults(off)


def test_notes_say_a_driver_needs_the_secret_in_its_configuration():
    """A client-mode driver with only the env _SPARK_AUTH_SECRET was refused (issue "Spark notebooks
    that really work", defect 7; the chart's drivers get the secret in spark-defaults.conf, which
    test_spark_standalone_real runs): NOTES must not offer the env as an alternative."""
    _, notes = helm_commands.install_dry_run(CHART, release=RELEASE, namespace=NAMESPACE)
    text = " ".join(notes.split())
    assert "as spark.authenticate.secret in its Spark configuration" in text
    assert "a driver refuses to start with only the env _SPARK_AUTH_SECRET" in text
    assert "(or the env _SPARK_AUTH_SECRET" not in text


def test_workers_get_the_zeppelin_python_environment_only_with_zeppelin(renders):
    """PySpark executors run the Zeppelin drivers' Python: with Zeppelin on, every worker pod copies the
    Zeppelin image's environment into an emptyDir mounted read-only at the same path."""
    objects = renders.get("spark", "hdfs-values")
    worker = one(objects, "StatefulSet", component="worker")
    spec = pod_spec(worker)
    copy = {c["name"]: c for c in spec["initContainers"]}["copy-notebook-python"]
    zeppelin = containers(one(objects, "Deployment", component="zeppelin"))["zeppelin"]
    assert copy["image"] == zeppelin["image"]
    assert copy["command"][-1].startswith("cd /opt/conda/envs/python_3_with_R && for e in")
    assert "cp -R --preserve=timestamps,mode,links" in copy["command"][-1]
    assert copy["securityContext"]["runAsUser"] == containers(worker)["worker"]["securityContext"]["runAsUser"]
    mount = {m["name"]: m for m in containers(worker)["worker"]["volumeMounts"]}["notebook-python"]
    assert mount == {"name": "notebook-python", "mountPath": "/opt/conda/envs/python_3_with_R", "readOnly": True}
    assert {"name": "notebook-python", "emptyDir": {}} in spec["volumes"]
    # Without Zeppelin, or with sharing off and a Python of the user's own, no copy.
    for values in ({}, {"zeppelin.enabled": "true", "zeppelin.pythonEnvironment.shareWithWorkers": "false",
                        "zeppelin.image.tag": "custom", "image.tag": "3.5.6-custom"}):
        worker = one(helm.render(CHART, set_values=values), "StatefulSet", component="worker")
        assert "notebook-python" not in {v["name"] for v in pod_spec(worker)["volumes"]}


def test_master_service_leads_to_the_routers_only_with_several_masters():
    """With 2+ masters the Service's ports lead to each master pod's HAProxy router, which forwards to the
    master whose /json/ says ALIVE; one master, or the router off, keeps the masters' own ports."""
    ha = {"master.replicaCount": 2, "zookeeper.quorum": "zk:2181"}
    for values, routed in (({}, False), (ha, True), ({**ha, "master.router.enabled": "false"}, False)):
        objects = helm.render(CHART, set_values=values, release=RELEASE, namespace=NAMESPACE)
        sts = one(objects, "StatefulSet", component="master")
        service = one(objects, "Service", name=f"{FULL}-master")
        targets = {p["name"]: p["targetPort"] for p in service["spec"]["ports"]}
        policy = one(objects, "NetworkPolicy", name=f"{FULL}-master")
        policy_ports = {p["port"] for rule in policy["spec"]["ingress"] for p in rule.get("ports", [])}
        if not routed:
            assert set(containers(sts)) == {"master"}
            assert targets == {"cluster": "cluster", "http": "http"}
            assert not find(objects, "ConfigMap", name=f"{FULL}-master-router")
            continue
        router = containers(sts)["router"]
        assert router["image"] == "docker.io/haproxy:3.2.21"
        assert {p["name"]: p["containerPort"] for p in router["ports"]} == {"router-cluster": 17077, "router-http": 18080}
        assert router["securityContext"]["runAsUser"] == 99 and router["securityContext"]["readOnlyRootFilesystem"]
        assert targets == {"cluster": "router-cluster", "http": "router-http"}
        assert {"router-cluster", "router-http"} <= policy_ports
        config = one(objects, "ConfigMap", name=f"{FULL}-master-router")["data"]["haproxy.cfg"]
        for i in range(2):
            host = f"{FULL}-master-{i}.{FULL}-master-headless.{NAMESPACE}.svc.cluster.local"
            assert f"server {FULL}-master-{i} {host}:7077 check port 8080" in config
            assert f"server {FULL}-master-{i} {host}:8080 check" in config
        # The ALIVE master's UI page says so within its first few KB (MasterPage's summary list).
        assert config.count('option httpchk GET /\n') == 2
        assert config.count('http-check expect rstring "<strong>Status:</strong> *ALIVE<"') == 2
        assert "timeout client 24d" in config and "timeout server 24d" in config


@pytest.mark.skipif(not shutil.which("haproxy"), reason="no haproxy here (bin/setup installs Debian's, as root)")
def test_the_rendered_router_configuration_is_valid_haproxy(tmp_path):
    """HAProxy itself (Debian's 2.6 from bin/setup; the image runs 3.2, which reads the same syntax)
    accepts the rendered haproxy.cfg."""
    objects = helm.render(CHART, set_values={"master.replicaCount": 3, "zookeeper.quorum": "zk:2181"},
                          release=RELEASE, namespace=NAMESPACE)
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(one(objects, "ConfigMap", name=f"{FULL}-master-router")["data"]["haproxy.cfg"])
    check = subprocess.run(["haproxy", "-c", "-f", str(cfg)], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0 and "Configuration file is valid" in check.stdout, check.stdout + check.stderr


# --- History server (historyServer.*) ----------------------------------------------------------

def test_history_server_is_off_by_default_and_wires_the_drivers_when_on():
    """Off: no object and no event log. On: a Deployment running Spark's HistoryServer class on
    historyServer.logDirectory, every driver's spark-defaults.conf writing its event log there, a
    Service, and a NetworkPolicy admitting only clients to the UI (tests/local/test_spark_history_server_real.py
    runs it)."""
    off = helm.render(CHART, release=RELEASE, namespace=NAMESPACE)
    assert not [o for o in off if o["metadata"]["labels"].get("app.kubernetes.io/component") == "history-server"]
    assert "spark.eventLog.enabled" not in spark_defaults(off)
    on = helm.render(CHART, set_values={"historyServer.enabled": "true",
                                        "historyServer.logDirectory": "hdfs:///spark-events",
                                        "historyServer.cleaner.maxAge": "12h"}, release=RELEASE, namespace=NAMESPACE)
    conf = spark_defaults(on)
    assert conf["spark.eventLog.enabled"] == "true" and conf["spark.eventLog.dir"] == "hdfs:///spark-events"
    deployment = one(on, "Deployment", component="history-server")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["/opt/spark/bin/spark-class", "org.apache.spark.deploy.history.HistoryServer"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    opts = dict(o[2:].split("=", 1) for o in env["SPARK_HISTORY_OPTS"].split())
    assert opts == {"spark.history.fs.logDirectory": "hdfs:///spark-events", "spark.history.ui.port": "18080",
                    "spark.history.fs.update.interval": "10s", "spark.history.fs.cleaner.enabled": "true",
                    "spark.history.fs.cleaner.maxAge": "12h"}
    assert env["SPARK_DAEMON_MEMORY"] == "716m"  # 70% of the 1Gi limit
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    service = one(on, "Service", name=f"{FULL}-history-server")
    assert service["spec"]["ports"][0]["port"] == 18080
    policy = one(on, "NetworkPolicy", name=f"{FULL}-history-server")
    assert [p["port"] for r in policy["spec"]["ingress"] for p in r["ports"]] == ["http"]


def test_history_server_event_log_properties_are_the_charts():
    values = {"historyServer.enabled": "true", "historyServer.logDirectory": "hdfs:///spark-events",
              "configOverrides.spark-defaults\\.conf.spark\\.eventLog\\.dir": "file:///tmp"}
    with pytest.raises(helm.RenderError, match="configOverrides.spark-defaults.conf.spark.eventLog.dir: is set by the chart"):
        helm.render(CHART, set_values=values, release=RELEASE, namespace=NAMESPACE)


def test_the_metrics_properties_are_the_charts_while_metrics_are_on():
    key = "configOverrides.spark-defaults\\.conf.spark\\.metrics\\.conf\\.master\\.sink\\.prometheusServlet\\.path"
    with pytest.raises(helm.RenderError, match=r"spark\.metrics\.conf\.master\.sink\.prometheusServlet\.path: is set by the chart.*metrics\.enabled"):
        helm.render(CHART, set_values={key: "/elsewhere"}, release=RELEASE, namespace=NAMESPACE)
    objects = helm.render(CHART, set_values={key: "/elsewhere", "metrics.enabled": "false"}, release=RELEASE, namespace=NAMESPACE)
    conf = one(objects, "ConfigMap", name=f"{FULL}-config")["data"]["spark-defaults.conf"]
    assert "spark.metrics.conf.master.sink.prometheusServlet.path /elsewhere" in conf
    assert "PrometheusServlet" not in conf
