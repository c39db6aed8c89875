"""Render tests of the HDFS chart's opt-in security (security.kerberos, security.tls): every secure
key in core-site.xml/hdfs-site.xml/ssl-*.xml, krb5.conf, keytab and TLS mounts per component,
HTTPS ports and probes, ZooKeeper SASL and the failover znode ACL. And the other side: the
default render has none of it."""
import xml.etree.ElementTree as ET

import pytest

from conftest import NAMESPACE, RELEASE, ROOT, chart_profiles, find, one
from chartsuite import helm

CHART = ROOT / "charts" / "hdfs"
FULL = f"{RELEASE}-hdfs"
REALM = "EXAMPLE.COM"
SECURE_PROFILE = "kerberos-values"
HADOOP_WORKLOADS = ("namenode", "journalnode", "datanode")
# Containers that run no Kerberos client: the DataNode's init container only opens TCP connections.
NO_KERBEROS_CLIENT = {"topology-mapper", "wait-for-namenode"}
SECURE_CORE_KEYS = {"hadoop.security.authentication", "hadoop.security.authorization", "hadoop.rpc.protection",
                    "hadoop.http.authentication.type", "ha.zookeeper.acl"}


def site(objects, filename):
    cm = one(objects, "ConfigMap", name=f"{FULL}-config")
    return {p.findtext("name"): p.findtext("value") for p in ET.fromstring(cm["data"][filename]).iter("property")}


def pod_spec(objects, component):
    kinds = [o for o in objects if o["kind"] in ("StatefulSet", "DaemonSet", "Pod")
             and o["metadata"].get("labels", {}).get("app.kubernetes.io/component") == component]
    assert len(kinds) == 1, component
    obj = kinds[0]
    return obj["spec"] if obj["kind"] == "Pod" else obj["spec"]["template"]["spec"]


def all_containers(spec):
    return spec.get("initContainers", []) + spec["containers"]


def env(container):
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env", [])}


def mounts(container):
    return {m["mountPath"]: m for m in container.get("volumeMounts", [])}


def render(values, tmp_path, major=4):
    import yaml
    f = tmp_path / "values.yaml"
    f.write_text(yaml.safe_dump(values))
    return helm.render(CHART, [ROOT / "charts/hdfs/ci/render-only/kerberos-values.yaml", f], release=RELEASE,
                       namespace=NAMESPACE, major=major)


@pytest.fixture(scope="module")
def secure(renders):
    return renders.get("hdfs", SECURE_PROFILE)


def test_the_secure_profile_exists():
    assert SECURE_PROFILE in dict(chart_profiles("hdfs"))


# --- the default stays as it was -----------------------------------------------------
@pytest.mark.parametrize("profile", [p for p, _ in chart_profiles("hdfs") if p != SECURE_PROFILE])
def test_profiles_without_security_have_no_kerberos_or_tls(renders, profile):
    objects = renders.get("hdfs", profile)
    core, hdfs = site(objects, "core-site.xml"), site(objects, "hdfs-site.xml")
    assert not SECURE_CORE_KEYS & set(core)
    assert not [k for k in hdfs if "kerberos" in k or "keytab" in k or "https" in k.replace("https-bind-host", "")]
    assert {"dfs.block.access.token.enable", "dfs.data.transfer.protection", "dfs.http.policy"}.isdisjoint(hdfs)
    assert set(one(objects, "ConfigMap", name=f"{FULL}-config")["data"]) == {"core-site.xml", "hdfs-site.xml", "log4j.properties"}
    assert not find(objects, "ConfigMap", name=f"{FULL}-krb5")
    for obj in objects:
        if obj["kind"] not in ("StatefulSet", "DaemonSet", "Pod"):
            continue
        spec = obj["spec"] if obj["kind"] == "Pod" else obj["spec"]["template"]["spec"]
        assert not {"krb5", "keytabs", "tls"} & {v["name"] for v in spec.get("volumes", [])}, obj["metadata"]["name"]
        for c in all_containers(spec):
            assert not {"KERBEROS_ENABLED", "KRB5_CONFIG", "HDFS_KEYSTORE_PASSWORD", "ZK_JAAS_FILE"} & set(env(c))
            assert "/etc/krb5.conf" not in mounts(c)
            assert "jaas" not in str(env(c))
    zoo = find(objects, "ConfigMap", name=f"{FULL}-zookeeper")
    assert not zoo or "SASLAuthenticationProvider" not in zoo[0]["data"]["zoo.cfg"]


# --- configuration -------------------------------------------------------------------
def test_core_site_turns_on_kerberos(secure):
    core = site(secure, "core-site.xml")
    assert core["hadoop.security.authentication"] == "kerberos"
    assert core["hadoop.security.authorization"] == "true"
    assert core["hadoop.rpc.protection"] == "privacy"
    assert core["hadoop.http.authentication.type"] == "simple"
    assert core["ha.zookeeper.acl"] == "sasl:hdfs:rwcda"


def test_hdfs_site_has_every_secure_key(secure):
    hdfs = site(secure, "hdfs-site.xml")
    service, spnego, keytab = f"hdfs/_HOST@{REALM}", f"HTTP/_HOST@{REALM}", "${env.KERBEROS_KEYTAB}"
    expected = {
        "dfs.block.access.token.enable": "true",
        "dfs.data.transfer.protection": "privacy",
        "dfs.http.policy": "HTTPS_ONLY",
        "dfs.namenode.kerberos.principal": service, "dfs.namenode.keytab.file": keytab,
        "dfs.namenode.kerberos.internal.spnego.principal": spnego,
        "dfs.journalnode.kerberos.principal": service, "dfs.journalnode.keytab.file": keytab,
        "dfs.journalnode.kerberos.internal.spnego.principal": spnego,
        "dfs.datanode.kerberos.principal": service, "dfs.datanode.keytab.file": keytab,
        "dfs.web.authentication.kerberos.principal": spnego, "dfs.web.authentication.kerberos.keytab": keytab,
        "dfs.datanode.https.address": "0.0.0.0:9865", "dfs.journalnode.https-address": "0.0.0.0:8481",
    }
    assert {k: hdfs.get(k) for k in expected} == expected
    ns = hdfs["dfs.nameservices"]
    for i in range(2):
        host = f"{FULL}-namenode-{i}.{FULL}-namenode-headless.{NAMESPACE}.svc.cluster.local"
        assert hdfs[f"dfs.namenode.https-address.{ns}.nn{i}"] == f"{host}:9871"
    # SASL data transfer on an unprivileged port: no jsvc/privileged-port settings.
    assert int(hdfs["dfs.datanode.address"].rsplit(":", 1)[1]) >= 1024


def test_ssl_xml_takes_passwords_from_the_environment(secure):
    server, client = site(secure, "ssl-server.xml"), site(secure, "ssl-client.xml")
    assert server["ssl.server.keystore.location"] == "/etc/security/tls/keystore.jks"
    assert server["ssl.server.keystore.password"] == "${env.HDFS_KEYSTORE_PASSWORD}"
    assert server["ssl.server.keystore.keypassword"] == "${env.HDFS_KEY_PASSWORD}"
    assert server["ssl.server.truststore.password"] == "${env.HDFS_TRUSTSTORE_PASSWORD}"
    assert client["ssl.client.truststore.location"] == "/etc/security/tls/truststore.jks"
    assert client["ssl.client.truststore.password"] == "${env.HDFS_TRUSTSTORE_PASSWORD}"


def test_krb5_conf_from_kdcs(secure):
    text = one(secure, "ConfigMap", name=f"{FULL}-krb5")["data"]["krb5.conf"]
    assert f"default_realm = {REALM}" in text
    assert "kdc = kdc1.example.com\n" in text and "kdc = kdc2.example.com:88\n" in text
    assert "admin_server = kdc1.example.com" in text
    assert "rdns = false" in text


# --- pods ----------------------------------------------------------------------------
@pytest.mark.parametrize("component", HADOOP_WORKLOADS + ("test",))
def test_every_hadoop_container_gets_krb5_keytab_and_tls(secure, component):
    spec = pod_spec(secure, component)
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert volumes["krb5"]["configMap"]["name"] == f"{FULL}-krb5"
    assert volumes["keytabs"]["secret"] == {"secretName": "hdfs-keytabs", "defaultMode": 0o440}
    assert volumes["tls"]["secret"]["secretName"] == "hdfs-tls"
    for c in all_containers(spec):
        if c["name"] in NO_KERBEROS_CLIENT:
            continue
        m, e = mounts(c), env(c)
        assert m["/etc/krb5.conf"]["subPath"] == "krb5.conf" and m["/etc/krb5.conf"]["readOnly"]
        assert m["/etc/security/keytabs"]["readOnly"] and m["/etc/security/tls"]["readOnly"]
        assert e["KRB5_CONFIG"] == "/etc/krb5.conf"
        assert e["KERBEROS_KEYTAB"] == "/etc/security/keytabs/hdfs.keytab"
        assert e["HDFS_KEYSTORE_PASSWORD"] == {"secretKeyRef": {"name": "hdfs-tls", "key": "keystore-password"}}
        assert e["HDFS_TRUSTSTORE_PASSWORD"] == {"secretKeyRef": {"name": "hdfs-tls", "key": "truststore-password"}}


@pytest.mark.parametrize("component, headless", [
    ("namenode", "namenode-headless"), ("journalnode", "journalnode-headless"),
    ("datanode", "datanode-headless")])
def test_principals_name_the_pod_fqdn(secure, component, headless):
    spec = pod_spec(secure, component)
    for c in all_containers(spec):
        if c["name"] in NO_KERBEROS_CLIENT:
            continue
        e = [x["name"] for x in c["env"]]
        # $(POD_NAME) is only expanded when POD_NAME comes first.
        assert e.index("POD_NAME") < e.index("KERBEROS_PRINCIPAL"), c["name"]
        assert env(c)["KERBEROS_PRINCIPAL"] == f"hdfs/$(POD_NAME).{FULL}-{headless}.{NAMESPACE}.svc.cluster.local@{REALM}"


def test_helm_test_pod_logs_in_as_namenode_0(secure):
    e = env(pod_spec(secure, "test")["containers"][0])
    assert e["KERBEROS_PRINCIPAL"] == f"hdfs/{FULL}-namenode-0.{FULL}-namenode-headless.{NAMESPACE}.svc.cluster.local@{REALM}"


def test_zkfc_and_bootstrap_use_zookeeper_sasl(secure):
    spec = pod_spec(secure, "namenode")
    zkfc = env({c["name"]: c for c in spec["containers"]}["zkfc"])
    jaas = "-Djava.security.auth.login.config=/tmp/jaas/zookeeper-client.conf"
    assert jaas in zkfc["HDFS_ZKFC_OPTS"] and "-Dzookeeper.sasl.client.username=zookeeper" in zkfc["HDFS_ZKFC_OPTS"]
    assert "-Dzookeeper.sasl.client.canonicalize.hostname=false" in zkfc["HDFS_ZKFC_OPTS"]
    assert zkfc["ZK_JAAS_FILE"] == "/tmp/jaas/zookeeper-client.conf"
    boot = env(spec["initContainers"][0])
    assert jaas in boot["ZK_CLIENT_JVM_OPTS"]
    assert boot["ZK_CLAIM_ACL"] == "sasl:hdfs:cdrwa,world:anyone:r"
    assert boot["JOURNALNODE_HTTP_SCHEME"] == "https"
    assert boot["JOURNALNODE_HTTP_ADDRESSES"].count(":8481") == 3


def test_bundled_zookeeper_is_a_sasl_server(secure):
    cfg = one(secure, "ConfigMap", name=f"{FULL}-zookeeper")["data"]["zoo.cfg"]
    for line in ("authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider",
                 "kerberos.removeHostFromPrincipal=true", "kerberos.removeRealmFromPrincipal=true"):
        assert line in cfg.splitlines()
    zk = pod_spec(secure, "zookeeper")["containers"][0]
    e = env(zk)
    assert e["KERBEROS_PRINCIPAL"] == f"zookeeper/$(POD_NAME).{FULL}-zookeeper-headless.{NAMESPACE}.svc.cluster.local@{REALM}"
    assert e["ZK_JAAS_FILE"] == "/tmp/jaas/zookeeper-server.conf"
    assert "HDFS_KEYSTORE_PASSWORD" not in e
    assert "/etc/krb5.conf" in mounts(zk) and "/etc/security/keytabs" in mounts(zk)


# --- ports and probes ----------------------------------------------------------------
@pytest.mark.parametrize("component, https_port", [("namenode", 9871), ("journalnode", 8481), ("datanode", 9865)])
def test_https_ports_and_probes(secure, component, https_port):
    c = {c["name"]: c for c in pod_spec(secure, component)["containers"]}[component]
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert ports.get("https") == https_port and "http" not in ports
    probe = c["livenessProbe"]["httpGet"]
    assert probe == {"path": "/jmx?qry=java.lang:type=Runtime", "port": "https", "scheme": "HTTPS"}
    if component == "namenode":
        assert c["startupProbe"]["httpGet"]["scheme"] == "HTTPS"
        assert c["readinessProbe"] == {**c["readinessProbe"], "tcpSocket": {"port": "rpc"}}
    services = [s for s in find(secure, "Service", component=component)]
    assert services
    for svc in services:
        names = {p["name"] for p in svc["spec"]["ports"]}
        assert "https" in names and "http" not in names


def test_spnego_web_ui_switches_probes_to_tcp(tmp_path):
    objects = render({"security": {"kerberos": {"httpAuthentication": "kerberos"}}}, tmp_path)
    core = site(objects, "core-site.xml")
    assert core["hadoop.http.authentication.type"] == "kerberos"
    assert core["hadoop.http.authentication.kerberos.principal"] == f"HTTP/_HOST@{REALM}"
    assert core["hadoop.http.authentication.kerberos.keytab"] == "${env.KERBEROS_KEYTAB}"
    assert core["hadoop.http.authentication.simple.anonymous.allowed"] == "false"
    for component in HADOOP_WORKLOADS:
        c = {c["name"]: c for c in pod_spec(objects, component)["containers"]}[component]
        assert c["livenessProbe"]["tcpSocket"] == {"port": "https"}, component


def test_per_host_keytabs_existing_krb5_and_external_zookeeper(tmp_path):
    objects = render({
        "security": {"kerberos": {"keytab": {"perHost": True}, "zookeeperSasl": True,
                                  "krb5": {"existingConfigMap": "site-krb5", "existingConfigMapKey": "krb5"}},
                     "tls": {"keyPasswordKey": "key-password", "storeType": "pkcs12"}},
        "zookeeper": {"enabled": False}, "externalZookeeper": {"quorum": "zk.example.com:2181"}}, tmp_path)
    assert not find(objects, "ConfigMap", name=f"{FULL}-krb5")
    nn = pod_spec(objects, "namenode")
    assert {v["name"]: v for v in nn["volumes"]}["krb5"]["configMap"]["name"] == "site-krb5"
    assert mounts(nn["containers"][0])["/etc/krb5.conf"]["subPath"] == "krb5"
    assert env(nn["containers"][0])["KERBEROS_KEYTAB"] == "/etc/security/keytabs/$(POD_NAME).keytab"
    assert env(nn["containers"][0])["HDFS_KEY_PASSWORD"]["secretKeyRef"]["key"] == "key-password"
    dn = env(pod_spec(objects, "datanode")["containers"][0])
    assert dn["KERBEROS_KEYTAB"] == "/etc/security/keytabs/$(POD_NAME).keytab"
    test = env(pod_spec(objects, "test")["containers"][0])
    assert test["KERBEROS_KEYTAB"] == f"/etc/security/keytabs/{FULL}-namenode-0.keytab"
    assert site(objects, "ssl-server.xml")["ssl.server.keystore.type"] == "pkcs12"
    # External ZooKeeper: clients still use SASL and set the ACL (the README says what to configure).
    assert site(objects, "core-site.xml")["ha.zookeeper.acl"] == "sasl:hdfs:rwcda"


@pytest.mark.parametrize("datanode", [{"kind": "DaemonSet", "volumePermissions": {"enabled": True}},
                                      {"hostNetwork": True}], ids=["daemonset", "host-network"])
def test_kerberos_refuses_datanodes_whose_principal_the_namenodes_cannot_check(datanode, tmp_path):
    """Hadoop's service authorization compares a DataNode's _HOST principal with the reverse DNS name of
    the address it calls from: only StatefulSet pods behind their headless Service have one."""
    with pytest.raises(helm.RenderError, match=r"datanode\.(kind|hostNetwork): must be"):
        render({"datanode": datanode}, tmp_path)


def test_zookeeper_sasl_can_be_turned_off(tmp_path):
    objects = render({"security": {"kerberos": {"zookeeperSasl": False}}}, tmp_path)
    assert "ha.zookeeper.acl" not in site(objects, "core-site.xml")
    assert "SASL" not in one(objects, "ConfigMap", name=f"{FULL}-zookeeper")["data"]["zoo.cfg"]
    zkfc = env({c["name"]: c for c in pod_spec(objects, "namenode")["containers"]}["zkfc"])
    assert "jaas" not in zkfc["HDFS_ZKFC_OPTS"] and "ZK_JAAS_FILE" not in zkfc


def test_tls_alone_gives_https_without_kerberos():
    objects = helm.render(CHART, [], set_values={"security.tls.enabled": "true", "security.tls.existingSecret": "t"},
                          release=RELEASE, namespace=NAMESPACE)
    core, hdfs = site(objects, "core-site.xml"), site(objects, "hdfs-site.xml")
    assert hdfs["dfs.http.policy"] == "HTTPS_ONLY"
    assert "hadoop.security.authentication" not in core
    assert not [k for k in hdfs if "kerberos" in k]
