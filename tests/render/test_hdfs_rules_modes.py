"""Bad values for the hdfs chart's rules (templates/validate.yaml): each breaks at least one rule,
and the failing render (helm install/template) and the report tools/lint_values.py reads carry the
same lines, under Helm 3 and Helm 4."""

import pytest

from conftest import HELM_MAJORS, ROOT
from rules_modes import assert_modes_agree, lint_paths
from chartsuite import helm

CHART = ROOT / "charts" / "hdfs"

BAD = {
    "even-zookeeper": {"zookeeper": {"replicaCount": 4}},
    "even-journalnodes": {"journalnode": {"replicaCount": 4}},
    "ha-one-namenode": {"namenode": {"replicaCount": 1}},
    "nonha-two-namenodes": {"ha": {"enabled": False}, "namenode": {"replicaCount": 2}},
    "no-external-quorum": {"zookeeper": {"enabled": False}},
    "bad-external-quorum": {"zookeeper": {"enabled": False}, "externalZookeeper": {"quorum": "zk1:2181,zk2"}},
    "replication-over-datanodes": {"config": {"replication": 5}},
    "zookeeper-session-cap-below-minimum": {"zookeeper": {"maxSessionTimeout": 3000}},
    "no-memory-limit": {"datanode": {"resources": {"limits": {"memory": None}}}},
    "kerberos-without-realm-keytab-krb5-tls": {"security": {"kerberos": {"enabled": True}}},
    "kerberos-without-tls-secret": {"security": {"kerberos": {
        "enabled": True, "realm": "EXAMPLE.COM", "keytab": {"existingSecret": "kt"},
        "krb5": {"kdcs": ["kdc"]}}, "tls": {"enabled": True}}},
    "tls-without-secret": {"security": {"tls": {"enabled": True}}},
    "nonha-namenode-on-emptydir": {"ha": {"enabled": False}, "namenode": {"replicaCount": 1,
                                                                         "persistence": {"enabled": False}}},
    "journalnode-on-emptydir": {"journalnode": {"persistence": {"enabled": False}}},
    "datanode-on-emptydir": {"datanode": {"persistence": {"enabled": False}}},
    "memory-in-millibytes": {"namenode": {"resources": {"limits": {"memory": "2048m"}}},
                             "datanode": {"resources": {"requests": {"memory": "512.5m"}}}},
    "long-fullname": {"fullnameOverride": "a-very-long-release-name-for-the-hdfs-chart-x"},
    "owned-keys": {"configOverrides": {"hdfs-site.xml": {"dfs.nameservices": "x", "dfs.namenode.rpc-address.x.nn0": "h:1",
                                                         "dfs.datanode.data.dir": "/d"},
                                       "core-site.xml": {"fs.defaultFS": "hdfs://x"}}},
    "old-property-keys": {"coreSite": {"fs.trash.interval": 60}, "hdfsSite": {"dfs.replication": 2}},
    "pdb-breaks-quorums": {"zookeeper": {"pdb": {"maxUnavailable": 2}},
                           "journalnode": {"pdb": {"maxUnavailable": None, "minAvailable": "50%"}}},
    "sshfence": {"ha": {"fencingMethods": "sshfence\nshell(/bin/true)"}},
    "daemonset-hostpath-without-volume-permissions": {"datanode": {"kind": "DaemonSet"}},
    "kerberos-with-host-network-datanodes": {"datanode": {"hostNetwork": True}, "security": {
        "kerberos": {"enabled": True, "realm": "EXAMPLE.COM", "keytab": {"existingSecret": "kt"},
                     "krb5": {"kdcs": ["kdc"]}}, "tls": {"enabled": True, "existingSecret": "tls"}}},
    "kerberos-with-daemonset-datanodes": {"datanode": {"kind": "DaemonSet", "volumePermissions": {"enabled": True}},
                                          "security": {
        "kerberos": {"enabled": True, "realm": "EXAMPLE.COM", "keytab": {"existingSecret": "kt"},
                     "krb5": {"kdcs": ["kdc"]}}, "tls": {"enabled": True, "existingSecret": "tls"}}},
    "everything-at-once": {"zookeeper": {"replicaCount": 2}, "journalnode": {"replicaCount": 6},
                           "namenode": {"replicaCount": 1}, "config": {"replication": 9}},
}


@pytest.mark.parametrize("major", HELM_MAJORS)
@pytest.mark.parametrize("case", sorted(BAD))
def test_failing_render_and_lint_report_carry_the_same_problems(case, major, tmp_path):
    assert_modes_agree("hdfs", BAD[case], major, tmp_path)


def test_defaults_pass_both():
    assert lint_paths("hdfs", {}) == set()
    helm.render(CHART)
