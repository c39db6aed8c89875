"""Render tests of charts/umbrella: every ci/ profile and umbrella example under Helm 3 and 4,
strict schemas, and the wiring between the charts of one release: the ConfigMaps Spark and Alluxio
mount exist in the same render, Alluxio's root UFS names the rendered nameservice, Spark's ZooKeeper
is the rendered ZooKeeper, locality affinities select the rendered DataNodes, and switching any
subchart off leaves no dangling reference."""
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from conftest import NAMESPACE, RELEASE, ROOT, chart_profiles, find
from chartsuite import helm
from chartsuite.checks import footprint, manifests
import helm_commands

UMBRELLA = ROOT / "charts" / "umbrella"

CHART = ROOT / "charts" / "umbrella"
PROFILES = [p for p, _ in chart_profiles("umbrella")]


def site(objects):
    """{property: value} of the rendered HDFS client ConfigMap's core-site.xml + hdfs-site.xml."""
    (cm,) = [o for o in find(objects, "ConfigMap") if "hdfs-site.xml" in o.get("data", {})]
    props = {}
    for name in ("core-site.xml", "hdfs-site.xml"):
        props.update({p.findtext("name"): p.findtext("value") for p in ET.fromstring(cm["data"][name]).iter("property")})
    return cm["metadata"]["name"], props


def pod_specs(objects, chart):
    for obj in objects:
        if obj["kind"] in ("StatefulSet", "Deployment", "DaemonSet") and \
                obj["metadata"]["labels"]["app.kubernetes.io/name"] == chart:
            yield obj, obj["spec"]["template"]["spec"]


def spark_defaults(objects):
    for cm in find(objects, "ConfigMap"):
        if "spark-defaults.conf" in cm.get("data", {}):
            text = cm["data"]["spark-defaults.conf"]
            return dict(re.findall(r"^(\S+)\s+(.+)$", text, re.M))
    return None


def test_profiles_cover_the_issue():
    assert {"defaults", "default-values", "hdfs-only-values", "spark-ha-values", "alluxio-over-hdfs-values",
            "example-stack-kind-laptop", "example-stack-bare-metal-3-nodes", "example-stack-production-ha",
            "example-stack-alluxio-cache-over-hdfs"} <= set(PROFILES)


@pytest.mark.parametrize("profile", PROFILES)
def test_hdfs_client_configmap_is_mounted_by_every_consumer(renders, profile):
    objects = renders.get("umbrella", profile)
    if not find(objects, "StatefulSet", component="namenode"):
        return
    cm_name, _ = site(objects)
    for chart in ("spark", "alluxio"):
        for obj, spec in pod_specs(objects, chart):
            mounted = {v["configMap"]["name"] for v in spec.get("volumes", []) if "configMap" in v}
            assert cm_name in mounted, f"{obj['metadata']['name']} does not mount {cm_name}"


@pytest.mark.parametrize("profile", PROFILES)
def test_alluxio_root_ufs_is_the_rendered_nameservice(renders, profile):
    objects = renders.get("umbrella", profile)
    props = [cm["data"]["alluxio-site.properties"] for cm in find(objects, "ConfigMap")
             if "alluxio-site.properties" in cm.get("data", {})]
    if not props or not find(objects, "StatefulSet", component="namenode"):
        return
    _, hdfs = site(objects)
    root = re.search(r"^alluxio\.master\.mount\.table\.root\.ufs=(\S+)$", props[0], re.M).group(1)
    assert root.startswith(f"hdfs://{hdfs['dfs.nameservices']}/")
    # The HDFS chart's directories Job makes that root for the image's user, and writes go through to it.
    path = "/" + root.split("/", 3)[3].strip("/")
    (job,) = find(objects, "Job", component="directories")
    lines = next(e["value"] for e in job["spec"]["template"]["spec"]["containers"][0]["env"]
                 if e["name"] == "HDFS_DIRECTORIES").splitlines()
    assert f"{path} alluxio alluxio 755" in lines
    assert re.search(r"^alluxio\.user\.file\.writetype\.default=CACHE_THROUGH$", props[0], re.M)


@pytest.mark.parametrize("profile", PROFILES)
def test_spark_zookeeper_is_the_rendered_zookeeper(renders, profile):
    objects = renders.get("umbrella", profile)
    conf = spark_defaults(objects)
    if not conf or conf.get("spark.deploy.recoveryMode") != "ZOOKEEPER":
        return
    host, port = conf["spark.deploy.zookeeper.url"].rsplit(":", 1)
    svc_name, svc_ns = host.split(".")[:2]
    (svc,) = [s for s in find(objects, "Service", name=svc_name) if s["metadata"]["namespace"] == svc_ns]
    assert int(port) in [p["port"] for p in svc["spec"]["ports"]]
    (zk,) = find(objects, "StatefulSet", component="zookeeper")
    assert svc["spec"]["selector"].items() <= zk["spec"]["template"]["metadata"]["labels"].items()


@pytest.mark.parametrize("profile", PROFILES)
def test_workers_prefer_the_rendered_datanodes(renders, profile):
    objects = renders.get("umbrella", profile)
    datanodes = [o for o in objects if o["kind"] in ("StatefulSet", "DaemonSet")
                 and o["metadata"]["labels"].get("app.kubernetes.io/component") == "datanode"]
    for chart in ("spark", "alluxio"):
        for obj, spec in pod_specs(objects, chart):
            if obj["metadata"]["labels"]["app.kubernetes.io/component"] != "worker":
                continue
            terms = spec.get("affinity", {}).get("podAffinity", {}).get("preferredDuringSchedulingIgnoredDuringExecution", [])
            if not datanodes:
                assert not terms
                continue
            selector = terms[0]["podAffinityTerm"]["labelSelector"]["matchLabels"]
            dn_labels = datanodes[0]["spec"]["template"]["metadata"]["labels"]
            assert selector.items() <= dn_labels.items()


@pytest.mark.parametrize("off", ["hdfs", "spark", "alluxio"])
def test_switching_a_chart_off_leaves_no_dangling_reference(off):
    values = {f"{off}.enabled": False}
    objects = helm.render(CHART, set_values=values, release=RELEASE, namespace=NAMESPACE)
    assert not [o for o in objects if o["metadata"].get("labels", {}).get("app.kubernetes.io/name") == off]
    assert manifests.check_references(objects) == []
    assert manifests.validate_objects(objects) == []
    text = str(objects)
    if off == "hdfs":
        assert f"{RELEASE}-hdfs" not in text


def test_global_values_reach_every_chart():
    objects = helm.render(CHART, set_values={"global.imageRegistry": "mirror.example.com",
                                             "global.commonLabels.team": "data"},
                          release=RELEASE, namespace=NAMESPACE)
    charts = set()
    for obj in objects:
        assert obj["metadata"]["labels"]["team"] == "data"
        if obj["kind"] in ("StatefulSet", "Deployment", "DaemonSet"):
            charts.add(obj["metadata"]["labels"]["app.kubernetes.io/name"])
            for c in obj["spec"]["template"]["spec"]["containers"]:
                assert c["image"].startswith("mirror.example.com/")
    assert charts == {"hdfs", "spark", "alluxio"}


def test_a_stack_flag_set_by_hand_fails_with_its_path():
    """global.stack is the charts' to fill (import-values): a value set there would contradict the one flag."""
    with pytest.raises(helm.RenderError, match=r"global\.stack\.alluxio: is imported from the alluxio chart"):
        helm.render(CHART, set_values={"global.stack.alluxio.enabled": False}, release=RELEASE, namespace=NAMESPACE)
    with pytest.raises(helm.RenderError, match=r"global\.stack\.hdfs: is imported from the hdfs chart"):
        helm.render(CHART, set_values={"global.stack.hdfs": False}, release=RELEASE, namespace=NAMESPACE,
                    extra_args=["--skip-schema-validation"])  # the schema refuses the boolean first


def test_one_flag_leaves_a_chart_out():
    objects = helm.render(CHART, set_values={"alluxio.enabled": False}, release=RELEASE, namespace=NAMESPACE)
    assert not [o for o in objects if o["metadata"].get("labels", {}).get("app.kubernetes.io/name") == "alluxio"]
    conf = spark_defaults(objects)
    assert conf is not None and "alluxio" not in conf


@pytest.mark.parametrize("profile", PROFILES)
def test_spark_gets_the_alluxio_client_of_the_release(renders, profile):
    objects = renders.get("umbrella", profile)
    conf = spark_defaults(objects)
    alluxio_masters = find(objects, "StatefulSet", component="master")
    alluxio_masters = [m for m in alluxio_masters if m["metadata"]["labels"]["app.kubernetes.io/name"] == "alluxio"]
    if conf is None:
        return
    if not alluxio_masters:
        assert not [k for k in conf if "alluxio" in k or "alluxio" in conf[k]], conf
        return
    addresses = re.search(r"-Dalluxio\.master\.rpc\.addresses=(\S+)", conf["spark.executor.extraJavaOptions"]).group(1)
    rendered_hosts = {f"{svc['metadata']['name']}.{svc['metadata']['namespace']}.svc.cluster.local"
                      for svc in find(objects, "Service")}
    replicas = alluxio_masters[0]["spec"]["replicas"]
    master_name = alluxio_masters[0]["metadata"]["name"]
    for address in addresses.split(","):
        host, port = address.rsplit(":", 1)
        assert port == "19998"
        if replicas == 1:
            assert host in rendered_hosts, host
        else:  # every master by its stable pod name (the example's documented release and namespace)
            assert host.split(".")[0].rsplit("-", 1)[0] == master_name.replace(f"{RELEASE}-", "prod-")
    assert conf["spark.executor.extraClassPath"] == conf["spark.driver.extraClassPath"] == \
        "/opt/alluxio-client/alluxio-client.jar"
    for obj, spec in pod_specs(objects, "spark"):
        component = obj["metadata"]["labels"]["app.kubernetes.io/component"]
        inits = {c["name"]: c for c in spec.get("initContainers", [])}
        if component in ("worker", "zeppelin", "rstudio"):
            assert inits["alluxio-client"]["command"][-1] == "/opt/alluxio-client/alluxio-client.jar"
            assert inits["alluxio-client"]["image"].endswith("alluxio/alluxio:2.9.5")


def test_umbrella_notes_carry_every_charts_notes(tmp_path):
    """Helm prints a subchart's NOTES.txt only with --render-subchart-notes, so the umbrella's NOTES
    carry each enabled chart's own notes: how to reach it, the commands that read its generated
    passwords (naming Secrets and keys the same install creates), its warnings."""
    values = tmp_path / "notebooks.yaml"
    values.write_text("spark:\n  zeppelin:\n    enabled: true\n  rstudio:\n    enabled: true\n")
    # Helm 4: Helm 3's install --dry-run=client still asks a cluster for its version.
    objects, notes = helm_commands.install_dry_run(UMBRELLA, [values], release="stack", namespace="bigdata")
    for chart in ("hdfs", "spark", "alluxio"):
        assert f"======== {chart} ========" in notes
    assert "HDFS 3.4.1 is being deployed" in notes and "Alluxio 2.9.5 is being deployed" in notes
    secrets = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Secret"}
    commands = re.findall(r"get secret (\S+) -o jsonpath='\{\.data\.([^}]+)\}'", notes)
    named = {name for name, _ in commands}
    assert {"stack-spark-zeppelin", "stack-spark-rstudio", "stack-spark-auth"} <= named, commands
    for name, key in commands:
        assert key.replace("\\.", ".") in secrets[name]["data"], (name, key)
    assert "helm get notes" not in notes
    # A chart left out has no section.
    values.write_text("alluxio:\n  enabled: false\n")
    _, notes = helm_commands.install_dry_run(UMBRELLA, [values], release="stack", namespace="bigdata")
    assert "======== alluxio ========" not in notes and "======== hdfs ========" in notes


def test_the_default_install_fits_one_node_of_4_cpus_and_8_gib(renders, record_property):
    """`helm install stack charts/umbrella` with no values: the requests of every long-running pod
    (init containers counted as the scheduler counts them) fit a single 4-CPU / 8-GiB node."""
    report = footprint.footprint(renders.get("umbrella", "defaults"))
    record_property("measured", footprint.totals_line(report, "umbrella defaults"))
    assert footprint.over_capacity(report, cpu=Decimal(4), memory=8 * 2**30) == []
    # The production shape is one values file away and does not fit: its requests are the real ones.
    production = footprint.footprint(renders.get("umbrella", "example-stack-production-ha"))
    assert footprint.over_capacity(production, cpu=Decimal(4), memory=8 * 2**30)


def test_umbrella_notes_in_locality_mode(tmp_path):
    """Locality mode is said in the umbrella's own NOTES; without global.locality.nodeCIDRs the NOTES
    say that the client ports accept any source, and each chart with host-network pods warns."""
    example = ROOT / "examples" / "stack-locality.yaml"
    _, notes = helm_commands.install_dry_run(UMBRELLA, [example], release="stack", namespace="bigdata")
    assert "Locality mode (global.locality)" in notes
    assert "No global.locality.nodeCIDRs" not in notes and "WARNING: host-network" not in notes
    no_cidrs = tmp_path / "no-node-cidrs.yaml"
    no_cidrs.write_text("global:\n  locality:\n    nodeCIDRs: []\n")
    _, notes = helm_commands.install_dry_run(UMBRELLA, [example, no_cidrs], release="stack", namespace="bigdata")
    assert "No global.locality.nodeCIDRs" in notes
    assert notes.count("WARNING: host-network") == 3, notes  # DataNodes, Spark workers, Alluxio workers


def _env(container):
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env", [])}


@pytest.mark.parametrize("profile", ["defaults", "example-stack-locality"])
def test_locality_mode_names_every_block_holder_and_executor_by_node_ip(renders, profile):
    """The render side of tests/local/test_stack_locality_real.py, which measures it: in locality mode
    DataNodes (dfs.datanode.hostname), Spark workers (--host, inherited by their executors) and Alluxio
    workers (alluxio.worker.hostname = the pod IP, the node's on the host network) all name themselves
    by the node's IP; executors learn their Alluxio node from the worker pod's NODE_NAME and mount the
    workers' domain sockets. By default every one of them stays on the pod network."""
    objects = renders.get("umbrella", profile)
    locality = profile != "defaults"
    host_ip = {"fieldRef": {"fieldPath": "status.hostIP"}}
    specs = {(chart, o["metadata"]["labels"]["app.kubernetes.io/component"]): spec
             for chart in ("hdfs", "spark", "alluxio") for o, spec in pod_specs(objects, chart)}
    for key in (("hdfs", "datanode"), ("spark", "worker"), ("alluxio", "worker")):
        assert bool(specs[key].get("hostNetwork")) == locality, key
        assert (specs[key].get("dnsPolicy") == "ClusterFirstWithHostNet") == locality, key
    for key in (("hdfs", "namenode"), ("spark", "master"), ("alluxio", "master")):
        assert not specs[key].get("hostNetwork"), key
    datanode = specs[("hdfs", "datanode")]["containers"][0]
    assert (datanode.get("args") == ["-Ddfs.datanode.hostname=$(NODE_IP)"]) == locality
    assert (_env(datanode).get("NODE_IP") == host_ip) == locality
    worker = next(c for c in specs[("spark", "worker")]["containers"] if c["name"] == "worker")
    assert worker["args"][:2] == ["--host", "$(WORKER_HOST)"]
    assert (_env(worker)["WORKER_HOST"] == host_ip) == locality
    assert _env(worker)["NODE_NAME"] == {"fieldRef": {"fieldPath": "spec.nodeName"}}
    assert "/opt/spark-scripts" in {m["mountPath"] for m in worker["volumeMounts"]}
    assert ("/opt/domain" in {m["mountPath"] for m in worker["volumeMounts"]}) == locality
    executor_opts = spark_defaults(objects)["spark.executor.extraJavaOptions"]
    assert "-Dalluxio.locality.script=/opt/spark-scripts/alluxio-locality.sh" in executor_opts
    alluxio_worker = next(c for c in specs[("alluxio", "worker")]["containers"] if c["name"] == "worker")
    opts = _env(alluxio_worker)["ALLUXIO_WORKER_JAVA_OPTS"]
    assert ("-Dalluxio.worker.hostname=$(POD_IP)" in opts) == locality and "-Dalluxio.locality.node=$(NODE_NAME)" in opts


def test_history_server_follows_hdfs_with_one_flag():
    """The umbrella's history server reads hdfs:///spark-events while HDFS is in the release (the HDFS
    chart makes the directory, the drivers write there); hdfs.enabled false alone leaves both HDFS and
    the history server out (issue 17: one flag per chart)."""
    on = helm.render(CHART, release=RELEASE, namespace=NAMESPACE)
    assert spark_defaults(on)["spark.eventLog.dir"] == "hdfs:///spark-events"
    (job,) = find(on, "Job")
    listing = next(e["value"] for c in job["spec"]["template"]["spec"]["containers"] for e in c.get("env", [])
                   if "/spark-events" in str(e.get("value", "")))
    assert "/spark-events spark spark 1777" in listing
    assert find(on, "Deployment", component="history-server")
    off = helm.render(CHART, set_values={"hdfs.enabled": "false"}, release=RELEASE, namespace=NAMESPACE)
    assert not find(off, "Deployment", component="history-server")
    assert "spark.eventLog.enabled" not in spark_defaults(off)
