"""The HDFS chart's Kerberos wiring (ci/render-only/kerberos-values.yaml) against a real MIT KDC.

A throwaway realm (tests/local/kdc.py) holds the principals the chart derives for its pods
(hdfs/<pod FQDN>@REALM, zookeeper/<pod FQDN>@REALM); the chart is rendered with that realm and the
KDC's address as security.kerberos.krb5.kdcs, and what it renders is used for real:
- the rendered krb5.conf and the pod's KERBEROS_PRINCIPAL/KERBEROS_KEYTAB get a ticket with the
  chart's own kerberos_login (real kinit); a stale keytab and an unknown principal are refused;
- the bundled ZooKeeper starts from the rendered zoo.cfg with the JAAS Server section its start
  script writes (real ZooKeeper server classes), and the NameNode bootstrap script (real kinit and
  ZooKeeper CLI; `hdfs`/`hadoop` are fakes: no Hadoop server here) authenticates with SASL and
  takes the format claim with the SASL ACL the chart sets. Unauthenticated clients can read the
  claim but not change it (NoAuth); the other NameNode's principal can (kerberos.removeHostFromPrincipal
  maps both to the ACL id "hdfs"); a principal with another primary cannot;
- the Hadoop client classes (pyspark's jars) log in from the keytab with UserGroupInformation, with
  the rendered core-site.xml and the _HOST principal of hdfs-site.xml.

Substitutions (harness.py): mount paths become work dirs; the pods' DNS names are kept as rendered
(they are in the principals) and Java resolves them to the pods' loopback addresses through a hosts
file (-Djdk.net.hosts.file); Java reads krb5.conf from -Djava.security.krb5.conf instead of the
/etc/krb5.conf mount (MIT tools get KRB5_CONFIG from the rendered env, as in the pod). The ZooKeeper
server binds its own loopback address (clientPortAddress) on a free client port; the keytab and TLS
Secrets, which users create, are added to the render. The image's `zkServer.sh start-foreground` is
a shim running the same main class with $SERVER_JVMFLAGS, as zkServer.sh does.
"""
import base64
import json
import re
import socket
import subprocess
import sys

import pytest

import hadoop_client
import kdc as kdc_module
import zookeeper_server
from harness import ROOT, Cluster, expand_vars, wait_for
from script_sandbox import FAKE, journalnode_jmx

ok, reason = kdc_module.available()
if ok:
    ok, reason = zookeeper_server.available()
try:
    from kazoo.client import KazooClient
    from kazoo.exceptions import NoAuthError
    from kazoo.security import ACL, Id
except ImportError:  # pragma: no cover - requirements.txt installs it
    ok, reason = False, "kazoo is not installed (bin/setup installs requirements.txt)"
pytestmark = pytest.mark.skipif(not ok, reason=reason)

RELEASE = NS = "local"
NN, ZK, JN, DN = (f"local-hdfs-{c}" for c in ("namenode", "zookeeper", "journalnode", "datanode"))
PROFILE = ROOT / "charts" / "hdfs" / "ci" / "render-only" / "kerberos-values.yaml"
# Server logging through the rendered log4j.properties (the authenticated principals are logged).
LOG4J = "/usr/share/java/slf4j-log4j12.jar:/usr/share/java/log4j-1.2.jar"
ZK_SHIM = """#!/bin/sh
# Stand-in for the zookeeper image's `zkServer.sh start-foreground` (which puts $SERVER_JVMFLAGS on
# the java command line the same way).
[ "$1" = start-foreground ] || { echo "shim supports start-foreground only" >&2; exit 2; }
exec java $SERVER_JVMFLAGS ${ZK_SERVER_HEAP:+-Xmx${ZK_SERVER_HEAP}m} -Dzookeeper.log.dir="$ZOO_LOG_DIR" \\
  -cp "$ZOOCFGDIR:%s:%s" org.apache.zookeeper.server.quorum.QuorumPeerMain "$ZOOCFGDIR/zoo.cfg"
""" % (zookeeper_server.ZOOKEEPER_JAR, LOG4J)


def fqdn(sts, ordinal):
    return f"{sts}-{ordinal}.{sts}-headless.{NS}.svc.cluster.local"


def secret(name, files):
    """A Secret as the user creates it (data base64)."""
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": NS},
            "data": {k: base64.b64encode(v).decode() for k, v in files.items()}}


class Realm:
    """The KDC, the render and the pods' shared keytab (as the profile: one keytab, _HOST principals)."""

    def __init__(self, tmp):
        self.kdc = kdc_module.KDC(tmp / "kdc")
        self.zk_port = zookeeper_server.free_port()
        self.cluster = Cluster.render("hdfs", tmp / "pods", values_files=[PROFILE], release=RELEASE, namespace=NS,
                                      set_values=[f"security.kerberos.realm={self.kdc.realm}",
                                                  f"security.kerberos.krb5.kdcs={{{self.kdc.address}}}",
                                                  "security.kerberos.krb5.adminServer=",
                                                  "zookeeper.replicaCount=1",
                                                  f"zookeeper.service.ports.client={self.zk_port}"])
        self.principals = [self.kdc.add_principal(p) for p in (
            f"hdfs/{fqdn(NN, 0)}", f"hdfs/{fqdn(NN, 1)}", f"zookeeper/{fqdn(ZK, 0)}", f"HTTP/{fqdn(NN, 0)}")]
        self.keytab = self.kdc.export_keytab(tmp / "hdfs.keytab", *self.principals)
        # The Secrets the profile names (security.kerberos.keytab / security.tls): users create them.
        self.cluster.objects += [
            secret("hdfs-keytabs", {"hdfs.keytab": self.keytab.read_bytes()}),
            secret("hdfs-tls", {"keystore.jks": b"unused", "truststore.jks": b"unused",
                                "keystore-password": b"unused", "truststore-password": b"unused"})]
        self.hosts = self.cluster.hosts_file(tmp / "hosts")

    def pod_env(self, sts, ordinal, container, init=False):
        """(pod, argv, env) of a container as rendered, DNS names kept, $(VAR) expanded."""
        pod = self.cluster.pod(sts, ordinal, map_addresses=False)
        argv, env = expand_vars(*pod.prepare(container, init=init))
        # Java: the rendered krb5.conf (mounted at /etc/krb5.conf in the pod) and pod DNS names.
        env["JAVA_TOOL_OPTIONS"] = (f"-Djava.security.krb5.conf={pod.workdir / 'etc' / 'krb5.conf'} "
                                    f"-Djdk.net.hosts.file={self.hosts}")
        return pod, argv, env

    def stop(self):
        self.cluster.stop()
        self.kdc.stop()


@pytest.fixture(scope="module")
def realm(tmp_path_factory):
    r = Realm(tmp_path_factory.mktemp("kerberos"))
    yield r
    r.stop()


def kerberos_login(pod, env):
    """Run the chart's lib.sh kerberos_login in ``pod``'s environment, then klist; CompletedProcess."""
    lib = pod.workdir / "opt" / "hdfs-scripts" / "lib.sh"
    return subprocess.run(["bash", "-euo", "pipefail", "-c", '. "$1"; kerberos_login; klist', "login", str(lib)],
                          env={"PATH": "/usr/bin:/bin", **env}, capture_output=True, text=True, timeout=60)


# ---------------------------------------------------------------------------------------------
# a. krb5.conf and the pod's principal
# ---------------------------------------------------------------------------------------------
def test_rendered_krb5_conf_gets_a_ticket_for_the_pods_principal(realm):
    pod, _, env = realm.pod_env(NN, 0, "bootstrap", init=True)
    krb5 = (pod.workdir / "etc" / "krb5.conf").read_text()
    assert f"kdc = {realm.kdc.address}" in krb5 and "rdns = false" in krb5
    assert env["KRB5_CONFIG"] == str(pod.workdir / "etc" / "krb5.conf")
    assert env["KERBEROS_PRINCIPAL"] == f"hdfs/{fqdn(NN, 0)}@LOCAL.TEST"
    run = kerberos_login(pod, env)
    assert run.returncode == 0, run.stderr
    assert f"Default principal: hdfs/{fqdn(NN, 0)}@LOCAL.TEST" in run.stdout
    assert "krbtgt/LOCAL.TEST@LOCAL.TEST" in run.stdout
    assert str(pod.workdir / "tmp" / "krb5cc_hdfs") in run.stdout  # KRB5CCNAME from the chart


def test_stale_keytab_is_refused(realm, tmp_path):
    """A keytab exported before the principal's keys changed (`cpw -randkey`) no longer logs in."""
    principal = realm.kdc.add_principal(f"hdfs/{fqdn(DN, 0)}")
    stale = realm.kdc.export_keytab(tmp_path / "stale.keytab", principal)
    realm.kdc.change_keys(principal)
    pod, _, env = realm.pod_env(DN, 0, "datanode")
    (pod.workdir / "etc" / "security" / "keytabs" / "hdfs.keytab").write_bytes(stale.read_bytes())
    run = kerberos_login(pod, env)
    assert run.returncode == 1, run.stdout
    assert f"kinit -kt {env['KERBEROS_KEYTAB']} {principal} failed" in run.stderr
    assert "Password incorrect" in run.stderr


def test_principal_missing_from_the_kdc_is_refused(realm):
    pod, _, env = realm.pod_env(DN, 1, "datanode")  # hdfs/<datanode-1 FQDN> was never created
    run = kerberos_login(pod, env)
    assert run.returncode == 1, run.stdout
    assert f"hdfs/{fqdn(DN, 1)}@LOCAL.TEST" in run.stderr
    assert "not found in Kerberos database" in run.stderr or "Keytab contains no suitable keys" in run.stderr


# ---------------------------------------------------------------------------------------------
# b. ZooKeeper SASL and the format claim's ACL
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def zookeeper(realm, tmp_path_factory):
    """The bundled ZooKeeper server 0 from the rendered zoo.cfg and zookeeper-start.sh; (ip, port)."""
    shim = tmp_path_factory.mktemp("zkshim")
    (shim / "zkServer.sh").write_text(ZK_SHIM)
    (shim / "zkServer.sh").chmod(0o755)
    ip = realm.cluster.ip(f"{ZK}-0")
    pod = realm.cluster.pod(ZK, 0, map_addresses=False)
    # Debian's ZooKeeper jar here has no Prometheus metrics provider (the image's lib/ has it): its
    # rendered metricsProvider.* lines are left out.
    def adapt(text):
        return re.sub(r"^metricsProvider\..*\n", "", text, flags=re.M) + f"clientPortAddress={ip}\n"
    argv, env = expand_vars(*pod.prepare("zookeeper", edits={"zoo.cfg": adapt}))
    env["JAVA_TOOL_OPTIONS"] = (f"-Djava.security.krb5.conf={pod.workdir / 'etc' / 'krb5.conf'} "
                                f"-Djdk.net.hosts.file={realm.hosts}")
    proc = realm.cluster.start("zookeeper", argv, env, extra_path=[shim])

    def serving():
        assert proc.poll() is None, realm.cluster.logs()
        try:
            with socket.create_connection((ip, realm.zk_port), timeout=1) as s:
                s.sendall(b"srvr")
                return b"Mode: standalone" in s.makefile("rb").read()
        except OSError:
            return False
    wait_for(serving, 60, what="the Kerberos ZooKeeper to serve", on_timeout=realm.cluster.logs)
    yield ip, realm.zk_port, proc.log_path
    realm.cluster.kill("zookeeper")


def run_bootstrap(realm, tmp_path, ordinal):
    """The NameNode init container (namenode-bootstrap.sh) as rendered: real kinit and ZooKeeper CLI,
    fake `hdfs` (format) and `hadoop` (classpath; JournalNode JMX over HTTPS: "no journal")."""
    pod, argv, env = realm.pod_env(NN, ordinal, "bootstrap", init=True)
    fakes = tmp_path / "fakes"
    fakes.mkdir()
    for prog in ("hdfs", "hadoop"):
        (fakes / prog).write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE}" {prog} "$@"\n')
        (fakes / prog).chmod(0o755)
    scenario = tmp_path / "scenario.json"
    jn_port = re.search(r":(\d+)", env["JOURNALNODE_HTTP_ADDRESSES"]).group(1)
    scenario.write_text(json.dumps({
        "hadoop_classpath": zookeeper_server.CLASSPATH,
        "https": {f"{fqdn(JN, i)}:{jn_port}/jmx": journalnode_jmx({}) for i in range(3)}}))
    env.update({"PATH": f"{fakes}:/usr/bin:/bin", "FAKE_SCENARIO": str(scenario),
                "FAKE_LOG": str(tmp_path / "calls.jsonl"), "HOME": str(tmp_path),
                "NAMENODE_NAME_DIR": str(pod.workdir / "hadoop" / "dfs" / "name"),
                "BOOTSTRAP_TIMEOUT_SECONDS": "1", "BOOTSTRAP_RETRY_SECONDS": "1"})
    run = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=180)
    calls = [json.loads(line) for line in (tmp_path / "calls.jsonl").read_text().splitlines()]
    return pod, env, run, calls


def zk_cli_as(realm, sts, ordinal, container, zk, *command, init=False, principal=None):
    """ZooKeeperMain authenticated as the pod's principal (or ``principal`` from the shared keytab),
    with the JAAS Client section written by the chart's lib.sh write_jaas and the rendered
    ZooKeeper client JVM options; CompletedProcess."""
    pod, _, env = realm.pod_env(sts, ordinal, container, init=init)
    if principal:
        env["KERBEROS_PRINCIPAL"] = principal
    jaas = pod.workdir / "tmp" / "jaas" / "zookeeper-client.conf"
    lib = pod.workdir / "opt" / "hdfs-scripts" / "lib.sh"
    subprocess.run(["bash", "-euo", "pipefail", "-c", '. "$1"; write_jaas "$2" Client', "jaas", str(lib), str(jaas)],
                   env={"PATH": "/usr/bin:/bin", **env}, check=True, capture_output=True, timeout=30)
    opts = env.get("ZK_CLIENT_JVM_OPTS") or re.search(r"(-Djava\.security\.auth\.login\.config=.*)$",
                                                      env["HDFS_ZKFC_OPTS"]).group(1)
    return subprocess.run(["java", *opts.split(), "-cp", zookeeper_server.CLASSPATH, "org.apache.zookeeper.ZooKeeperMain",
                           "-server", f"{fqdn(ZK, 0)}:{zk[1]}", *command],
                          env={"PATH": "/usr/bin:/bin", **env}, capture_output=True, text=True, timeout=60)


def test_format_claim_with_sasl_acl_on_the_kerberos_zookeeper(realm, zookeeper, tmp_path):
    ip, port, server_log = zookeeper
    pod, env, run, calls = run_bootstrap(realm, tmp_path, 0)
    assert run.returncode == 0, run.stderr
    assert [c["argv"][:2] for c in calls if c["argv"][0] == "namenode"] == [["namenode", "-format"]], calls
    assert "holds the format claim" in run.stderr
    # The server authenticated the NameNode's Kerberos principal (not an anonymous session).
    assert f"authenticationID=hdfs/{fqdn(NN, 0)}@LOCAL.TEST" in server_log.read_text()

    claim = f"/hdfs-bootstrap/{env['HDFS_NAMESERVICE']}"
    anonymous = KazooClient(hosts=f"{ip}:{port}", timeout=10)
    anonymous.start(timeout=20)
    try:
        data, _ = anonymous.get(claim)
        assert data == f"{NN}-0".encode()
        assert sorted(anonymous.get_acls(claim)[0]) == sorted(
            [ACL(31, Id("sasl", "hdfs")), ACL(1, Id("world", "anyone"))])
        with pytest.raises(NoAuthError):
            anonymous.set(claim, b"intruder")
        with pytest.raises(NoAuthError):
            anonymous.delete(claim)
    finally:
        anonymous.stop()

    # The other NameNode (hdfs/<its own FQDN>) maps to the same ACL id "hdfs": it may write.
    other = zk_cli_as(realm, NN, 1, "zkfc", zookeeper, "set", claim, f"{NN}-0")
    assert other.returncode == 0 and "Insufficient permission" not in other.stdout + other.stderr, other.stderr[-2000:]
    assert f"authenticationID=hdfs/{fqdn(NN, 1)}@LOCAL.TEST" in server_log.read_text()
    # An authenticated principal with another primary (HTTP/...) may not.
    http = zk_cli_as(realm, NN, 0, "zkfc", zookeeper, "set", claim, "intruder",
                     principal=f"HTTP/{fqdn(NN, 0)}@LOCAL.TEST")
    assert "Insufficient permission" in http.stdout + http.stderr, http.stderr[-2000:]
    assert f"authenticationID=HTTP/{fqdn(NN, 0)}@LOCAL.TEST" in server_log.read_text()


# ---------------------------------------------------------------------------------------------
# c. Hadoop's own login (UserGroupInformation) from the rendered configuration
# ---------------------------------------------------------------------------------------------
HADOOP_OK, HADOOP_REASON = hadoop_client.available()


@pytest.fixture(scope="module")
def login_check(tmp_path_factory):
    if not HADOOP_OK:
        pytest.skip(HADOOP_REASON)
    build = tmp_path_factory.mktemp("ugi")
    subprocess.run(["javac", "-cp", hadoop_client.classpath(), "-d", str(build),
                    str(ROOT / "tests" / "local" / "java" / "KerberosLoginCheck.java")],
                   check=True, capture_output=True, text=True)

    def run(pod, env, host):
        proc = subprocess.run(["java", "-cp", f"{build}:{hadoop_client.classpath()}", "KerberosLoginCheck",
                               str(pod.workdir / "etc" / "hadoop" / "conf"), host],
                              env={"PATH": "/usr/bin:/bin", **env}, capture_output=True, text=True, timeout=120)
        return proc.returncode, dict(line.split("=", 1) for line in proc.stdout.splitlines() if "=" in line), proc
    return run


def test_hadoop_logs_in_from_the_keytab_with_the_rendered_configuration(realm, login_check):
    pod, _, env = realm.pod_env(NN, 0, "namenode")
    rc, view, proc = login_check(pod, env, fqdn(NN, 0))
    assert rc == 0, proc.stdout + proc.stderr[-2000:]
    assert view["securityEnabled"] == "true"
    assert view["principal"] == view["user"] == f"hdfs/{fqdn(NN, 0)}@LOCAL.TEST"
    assert view["keytab"] == str(pod.workdir / "etc" / "security" / "keytabs" / "hdfs.keytab")
    assert view["fromKeytab"] == view["kerberosCredentials"] == "true"
    assert view["authenticationMethod"] == "KERBEROS"
    # hadoop.security.auth_to_local (default rules, default realm from the rendered krb5.conf):
    # the service principal's short name is the HDFS superuser "hdfs".
    assert view["shortName"] == "hdfs"


def test_hadoop_login_with_a_stale_keytab_is_refused(realm, login_check, tmp_path):
    """Keys changed after the keytab was exported (`cpw -randkey`): the daemon's login fails."""
    host = "stale-keys.local.test"
    principal = realm.kdc.add_principal(f"hdfs/{host}")
    stale = realm.kdc.export_keytab(tmp_path / "stale.keytab", principal)
    realm.kdc.change_keys(principal)
    pod, _, env = realm.pod_env(NN, 1, "namenode")
    env["KERBEROS_KEYTAB"] = str(stale)  # dfs.namenode.keytab.file is ${env.KERBEROS_KEYTAB}
    rc, view, proc = login_check(pod, env, host)
    assert rc == 1, proc.stdout
    assert view["principal"] == principal and view["keytab"] == str(stale)
    assert "failure to login" in view["error"] and "Checksum failed" in view["error"], view
