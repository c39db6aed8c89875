"""The hdfs chart's secure profile (ci/render-only/kerberos-values.yaml) run for real against a throwaway MIT KDC
(tests/local/kdc.py, listening on the pods' bridge): ZooKeeper with SASL, JournalNodes, NameNodes
with ZKFC and a DataNode, each logging in from the keytab Secret with its pod's _HOST principal, with
SASL data transfer protection, HTTPS only (a keystore and truststore made with keytool), service
authorization and privacy on RPC, as the profile renders them. A client with a ticket writes and
reads; a client without one is refused.

Names: the NameNodes and JournalNodes check each caller's principal against the reverse lookup of its
address (Hadoop ServiceAuthorizationManager with _HOST), which the pods' hosts files answer as the
cluster DNS does for pods behind a headless Service. The smallest shape serves: one ZooKeeper server,
three JournalNodes, two NameNodes, one DataNode.
"""
import base64
import subprocess
import time
from pathlib import Path

import pytest

import hdfs_pods
import kdc as kdc_module
from polling import wait_for

ok, reason = hdfs_pods.available()
if ok:
    ok, reason = kdc_module.available()
if ok and not subprocess.run(["sh", "-c", "command -v keytool"], capture_output=True).stdout:
    ok, reason = False, "keytool (JDK) not on PATH"
pytestmark = [pytest.mark.skipif(not ok, reason=reason), pytest.mark.xdist_group("hdfs-kerberos-real")]

ROOT = Path(__file__).resolve().parents[2]
NS = "bigdata"
PASSWORD = "test-store-password"


def secret(name, files):
    """A Secret as the user creates it (data base64)."""
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": NS},
            "data": {k: base64.b64encode(v).decode() for k, v in files.items()}}


def tls_stores(tmp, release):
    """keystore.jks (a self-signed certificate for every headless Service's pods) and truststore.jks."""
    sans = ",".join(f"dns:*.{o['metadata']['name']}.{NS}.svc.cluster.local" for o in release.objects
                    if o["kind"] == "Service" and o["spec"].get("clusterIP") == "None")
    keystore, truststore, cert = tmp / "keystore.jks", tmp / "truststore.jks", tmp / "hdfs.crt"
    for argv in (["keytool", "-genkeypair", "-alias", "hdfs", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                  "-dname", "CN=hdfs", "-ext", f"SAN={sans}", "-keystore", str(keystore), "-storetype", "jks",
                  "-storepass", PASSWORD, "-keypass", PASSWORD],
                 ["keytool", "-exportcert", "-alias", "hdfs", "-keystore", str(keystore), "-storepass", PASSWORD,
                  "-file", str(cert)],
                 ["keytool", "-importcert", "-noprompt", "-alias", "hdfs", "-file", str(cert), "-keystore",
                  str(truststore), "-storetype", "jks", "-storepass", PASSWORD]):
        subprocess.run(argv, check=True, capture_output=True, timeout=120)
    return keystore.read_bytes(), truststore.read_bytes()


@pytest.fixture(scope="module")
def secure(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hdfs-kerberos")
    release = hdfs_pods.HdfsRelease(tmp / "cluster", values_files=[ROOT / "charts/hdfs/ci/render-only/kerberos-values.yaml"],
                                    set_values={"zookeeper.replicaCount": "1", "datanode.replicaCount": "1",
                                                "config.replication": "1", "bootstrap.retrySeconds": "2"})
    kdc = None
    try:
        kdc = kdc_module.KDC(tmp / "kdc", host=release.cluster.network.gateway)
        keystore, truststore = tls_stores(tmp, release)
        release.configure(set_values={"security.kerberos.realm": kdc.realm,
                                      "security.kerberos.krb5.kdcs[0]": kdc.address,
                                      "security.kerberos.krb5.adminServer": ""})
        principals = []
        for obj in release.objects:
            if obj["kind"] != "StatefulSet":
                continue
            name, service = obj["metadata"]["name"], obj["spec"]["serviceName"]
            primaries = ["zookeeper"] if name.endswith("zookeeper") else ["hdfs", "HTTP"]
            for i in range(obj["spec"]["replicas"]):
                for primary in primaries:
                    principals.append(kdc.add_principal(f"{primary}/{name}-{i}.{service}.{NS}.svc.cluster.local"))
        keytab = kdc.export_keytab(tmp / "hdfs.keytab", *principals)
        release.configure(extra_objects=[
            secret("hdfs-keytabs", {"hdfs.keytab": keytab.read_bytes()}),
            secret("hdfs-tls", {"keystore.jks": keystore, "truststore.jks": truststore,
                                "keystore-password": PASSWORD.encode(), "truststore-password": PASSWORD.encode()})])
        started = time.monotonic()
        release.install()
        release.wait_ready(timeout=420)
        release.install_seconds = time.monotonic() - started
        yield release
    finally:
        release.close()
        if kdc is not None:
            kdc.stop()


def test_secure_cluster_comes_up_with_every_daemon_logged_in(secure, record_property):
    states = secure.namenode_states_secure()
    assert sorted(states.values()) == ["active", "standby"], states
    for pod in secure.pods("namenode") + secure.pods("journalnode") + secure.pods("datanode"):
        main = pod.main_containers[0].name
        log = secure.log(pod, main)
        assert "Login successful for user hdfs/" in log, (pod.name, log[-2000:])
    wait_for(lambda: "Live datanodes (1)" in secure.hdfs_kinit("dfsadmin", "-report").stdout, timeout=120,
             what="the DataNode registered")
    record_property("measured", f"Kerberos HA install (1 ZooKeeper, 3 JournalNodes, 2 NameNodes, 1 DataNode; SASL "
                                f"privacy, HTTPS only): every pod ready {secure.install_seconds:.0f} s after install")


def test_client_with_a_ticket_writes_and_reads(secure):
    secure.hdfs_kinit("dfs", "-mkdir", "-p", "/secure")
    secure.hdfs_kinit("dfs", "-put", "-f", "/etc/hadoop/conf/hdfs-site.xml", "/secure/site.xml")
    out = secure.hdfs_kinit("dfs", "-cat", "/secure/site.xml").stdout
    assert "dfs.data.transfer.protection" in out
    rc, log = secure.helm_test()
    assert rc == 0 and "PASSED" in log, log[-3000:]


def test_client_without_a_ticket_is_refused(secure):
    client = secure.client()
    result = client.exec(client.main_containers[0].name, ["bash", "-c", "kdestroy >/dev/null 2>&1; hdfs dfs -ls /"],
                         timeout=180)
    assert result.returncode != 0
    assert "Client cannot authenticate via:[TOKEN, KERBEROS]" in result.stderr or "GSS" in result.stderr, \
        result.stderr[-2000:]
