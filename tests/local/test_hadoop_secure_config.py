"""The HDFS chart's secure configuration (ci/render-only/kerberos-values.yaml) loaded by the real Hadoop classes
(hadoop-client-api from pyspark): `${env.*}` references resolve to the pod's keytab path and the
store password from the environment (how passwords stay out of the ConfigMap), `_HOST` principals
become the pod's FQDN through SecurityUtil.getServerPrincipal, and dfs.http.policy parses as
HTTPS_ONLY. No KDC is involved (none is available here)."""
import os
import subprocess

import pytest

import hadoop_client
from harness import ROOT, workload
from chartsuite import helm

ok, reason = hadoop_client.available()
pytestmark = pytest.mark.skipif(not ok, reason=reason)
SOURCE = ROOT / "tests" / "local" / "java" / "SecureConfCheck.java"
HOST = "rt-hdfs-namenode-1.rt-hdfs-namenode-headless.bigdata.svc.cluster.local"


def run_check(tmp_path, extra_env):
    build = tmp_path / "build"
    build.mkdir()
    subprocess.run(["javac", "-cp", hadoop_client.classpath(), "-d", str(build), str(SOURCE)],
                   check=True, capture_output=True, text=True)
    objects = helm.render(ROOT / "charts" / "hdfs", [ROOT / "charts/hdfs/ci/render-only/kerberos-values.yaml"],
                          release="rt", namespace="bigdata")
    cm = workload(objects, "ConfigMap", "rt-hdfs-config")
    for name in ("core-site.xml", "hdfs-site.xml", "ssl-server.xml"):
        (tmp_path / name).write_text(cm["data"][name])
    run = subprocess.run(["java", "-cp", f"{build}:{hadoop_client.classpath()}", "SecureConfCheck", str(tmp_path), HOST],
                         capture_output=True, text=True, timeout=120, env={**os.environ, **extra_env})
    assert run.returncode == 0, run.stderr[-2000:]
    return dict(line.split("=", 1) for line in run.stdout.splitlines() if "=" in line)


def test_secure_configuration_resolves_in_the_pod_environment(tmp_path):
    view = run_check(tmp_path, {"KERBEROS_KEYTAB": "/etc/security/keytabs/hdfs.keytab",
                                "HDFS_KEYSTORE_PASSWORD": "from-the-secret"})
    assert view["authentication"] == "kerberos"
    assert view["keytab"] == "/etc/security/keytabs/hdfs.keytab"
    assert view["namenodePrincipal"] == f"hdfs/{HOST}@EXAMPLE.COM"
    assert view["spnegoPrincipal"] == f"HTTP/{HOST}@EXAMPLE.COM"
    assert view["journalnodePrincipalAnyHost"] == "false"  # 0.0.0.0 -> the local host name
    assert view["httpPolicy"] == "HTTPS_ONLY"
    assert view["keystorePassword"] == "from-the-secret"
    assert view["keystoreLocation"] == "/etc/security/tls/keystore.jks"


def test_without_the_environment_nothing_resolves(tmp_path):
    """The check can fail: outside a pod (no env from the Secret) the references stay unresolved."""
    env = {k: "" for k in ("KERBEROS_KEYTAB", "HDFS_KEYSTORE_PASSWORD")}
    view = run_check(tmp_path, env)
    assert view["keytab"] != "/etc/security/keytabs/hdfs.keytab"
    assert view["keystorePassword"] != "from-the-secret"
