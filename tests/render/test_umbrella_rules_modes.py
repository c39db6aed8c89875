"""Bad values for the umbrella chart's rules (templates/validate.yaml): each breaks at least one rule,
and the failing render (helm install/template) and the report tools/lint_values.py reads carry the
same lines, under Helm 3 and Helm 4. lint_values reports problems inside a subchart's
section with the subchart's prefix."""
import subprocess
import sys

import pytest
import yaml

from conftest import HELM_MAJORS, ROOT
from rules_modes import assert_modes_agree, lint_paths
from chartsuite import helm

CHART = ROOT / "charts" / "umbrella"

BAD = {
    "stack-set-by-hand": {"global": {"stack": {"alluxio": {"enabled": False}}}},
    "stack-set-for-a-chart-left-out": {"spark": {"enabled": False}, "global": {"stack": {"spark": {"enabled": True}}}},
    # Host-network Alluxio workers connect to HDFS from node addresses the HDFS policies do not admit.
    "alluxio-host-network-workers-behind-hdfs-policies": {"alluxio": {"worker": {"hostNetwork": True}}},
    "renamed-hdfs": {"hdfs": {"fullnameOverride": "lake"}},
    "non-ha-hdfs-under-alluxio": {"hdfs": {"ha": {"enabled": False}, "namenode": {"replicaCount": 1}}},
    "custom-nameservice": {"hdfs": {"ha": {"nameservice": "lake"}}},
    "alluxio-ha-without-client-addresses": {"alluxio": {"master": {"replicaCount": 3}}},
    "kerberized-hdfs-without-spark-kerberos-and-alluxio-over-it": {"hdfs": {"security": {
        "kerberos": {"enabled": True, "realm": "EXAMPLE.COM", "keytab": {"existingSecret": "hdfs-keytabs"},
                     "krb5": {"kdcs": ["kdc1.example.com"]}},
        "tls": {"enabled": True, "existingSecret": "hdfs-tls"}}}},
    "alluxio-root-moved-without-its-hdfs-directory": {"alluxio": {"hdfs": {"path": "/lake/alluxio"}}},
    "alluxio-hdfs-directory-dropped": {"hdfs": {"directories": {"items": {"alluxio": None}}}},
    # Executors would look for the workers' domain sockets where no pod mounts them.
    "alluxio-short-circuit-socket-not-mounted-in-spark": {"alluxio": {"shortCircuit": {"enabled": True}}},
    "spark-socket-mount-path-differs": {"alluxio": {"shortCircuit": {"enabled": True}}, "spark": {"alluxio": {"client": {
        "domainSocket": {"hostPath": "/var/lib/alluxio/domain-socket", "mountPath": "/sockets"}}}}},
    "spark-socket-without-alluxio-short-circuit": {"spark": {"alluxio": {"client": {
        "domainSocket": {"hostPath": "/var/lib/alluxio/domain-socket"}}}}},
    "locality-mode-with-kerberized-hdfs": {"global": {"locality": {"enabled": True}}, "alluxio": {"enabled": False},
                                           "spark": {"enabled": False}, "hdfs": {"security": {
        "kerberos": {"enabled": True, "realm": "EXAMPLE.COM", "keytab": {"existingSecret": "hdfs-keytabs"},
                     "krb5": {"kdcs": ["kdc1.example.com"]}},
        "tls": {"enabled": True, "existingSecret": "hdfs-tls"}}}},
    # The event log directory would not exist: every driver fails at start.
    "spark-events-directory-dropped": {"hdfs": {"directories": {"items": {"spark-events": None}}}},
    "history-server-on-an-hdfs-left-out": {"hdfs": {"enabled": False}, "alluxio": {"enabled": False},
                                           "spark": {"historyServer": {"logDirectory": "hdfs:///spark-events"}}},
    "spark-ha-with-external-zookeeper": {
        "hdfs": {"zookeeper": {"enabled": False}, "externalZookeeper": {"quorum": "zk-0.zk:2181"}},
        "spark": {"master": {"replicaCount": 2}}},
}


@pytest.mark.parametrize("major", HELM_MAJORS)
@pytest.mark.parametrize("case", sorted(BAD))
def test_failing_render_and_lint_report_carry_the_same_problems(case, major, tmp_path):
    assert_modes_agree("umbrella", BAD[case], major, tmp_path)


def test_defaults_pass_both():
    assert lint_paths("umbrella", {}) == set()
    helm.render(CHART)


def test_lint_values_prefixes_subchart_problems(tmp_path):
    bad = tmp_path / "v.yaml"
    bad.write_text("spark:\n  worker:\n    resources:\n      limits:\n        memory: lots\n"
                   "hdfs:\n  zookeeper:\n    replicaCount: 2\nalluxio:\n  master:\n    replicaCont: 1\n")
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "lint_values.py"), "--chart", str(CHART), str(bad)],
                         capture_output=True, text=True)
    assert run.returncode == 1, run.stdout + run.stderr
    paths = {line.split(": ")[1] for line in run.stdout.splitlines()}
    assert {"spark.worker.resources.limits.memory", "hdfs.zookeeper.replicaCount", "alluxio.master.replicaCont"} <= paths


def test_a_disabled_subchart_is_not_checked(tmp_path):
    values = tmp_path / "v.yaml"
    values.write_text("alluxio:\n  enabled: false\n  master:\n    replicaCont: 1\n")
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "lint_values.py"), "--chart", str(CHART), str(values)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_host_network_alluxio_workers_need_hdfs_to_admit_their_nodes():
    """Refused while the HDFS policies admit only labelled pods; accepted once they admit the nodes
    (extraIngress ipBlock), admit everyone, or are off, or when Alluxio's under storage is not HDFS."""
    host = {"alluxio": {"worker": {"hostNetwork": True}}}
    assert "alluxio.worker.hostNetwork" in lint_paths("umbrella", host)
    for fix in ({"hdfs": {"networkPolicy": {"extraIngress": [{"ipBlock": {"cidr": "10.0.0.0/24"}}]}}},
                {"hdfs": {"networkPolicy": {"allowExternal": True}}},
                {"hdfs": {"networkPolicy": {"enabled": False}}}):
        merged = {**host, **fix}
        assert "alluxio.worker.hostNetwork" not in lint_paths("umbrella", merged), fix
    assert "alluxio.worker.hostNetwork" not in lint_paths("umbrella", {"hdfs": {"enabled": True}})
    # Locality mode admits the nodes in every chart's client rule: host-network workers reach HDFS.
    assert "alluxio.worker.hostNetwork" not in lint_paths("umbrella", {**host, "global": {"locality": {"enabled": True}}})


def test_alluxio_domain_sockets_reach_the_executors():
    """With Alluxio short-circuit on hostPath sockets, Spark pods must mount the same node directory at
    the workers' mount path; the locality example does, and lint names each value that differs."""
    assert lint_paths("umbrella", {"alluxio": {"shortCircuit": {"enabled": True}}}) == {
        "spark.alluxio.client.domainSocket.hostPath"}
    moved = {"alluxio": {"shortCircuit": {"enabled": True, "mountPath": "/sockets"}},
             "spark": {"alluxio": {"client": {"domainSocket": {"hostPath": "/var/lib/alluxio/domain-socket"}}}}}
    assert lint_paths("umbrella", moved) == {"spark.alluxio.client.domainSocket.mountPath"}
    example = yaml.safe_load((ROOT / "examples" / "stack-locality.yaml").read_text())
    assert lint_paths("umbrella", example) == set()
