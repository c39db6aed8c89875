"""Semantic rules of the hdfs chart.

Source of every rule: charts/hdfs/templates/validate.yaml (the render fails with the same paths
and wording) and design.md sections 2 and 4: ZooKeeper and the JournalNode quorum need an odd
count to keep a majority; HA runs 2..5 NameNodes (Hadoop 3 supports up to 5), non-HA exactly 1;
ZooKeeper's minimum session timeout is 2 x tickTime, so a maxSessionTimeout below it is refused
(ZooKeeper administrator's guide, minSessionTimeout/maxSessionTimeout);
dfs.replication above the DataNode count leaves every block under-replicated; JVM heaps are sized
from the container memory limit (-XX:MaxRAMPercentage), so that limit is required; quantities
follow k8s.io/apimachinery resource.Quantity.
"""
from __future__ import annotations

import re

from ..errors import Problem
from ..quantity import is_positive_quantity
from ._util import as_int, get, missing, walk

# Same expression as templates/validate.yaml (applied to each trimmed comma-separated entry).
HOST_PORT = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?:[0-9]{1,5}$")
QUORUM_ALLOWED = "host:port[,host:port...]"
JVM_COMPONENTS = ("namenode", "namenode.zkfc", "journalnode", "datanode")


def check(values: dict) -> list[Problem]:
    """All semantic problems of merged hdfs values.

    Args: values: the chart's values.yaml with user files merged over it (see suite.merge).
    Returns: list of Problem with file "" (callers fill it in); [] when the values are fine.
        Values of the wrong type are skipped here: the schema reports those.
    """
    out: list[Problem] = []
    ha = bool(get(values, "ha.enabled"))
    zk = bool(get(values, "zookeeper.enabled"))

    if ha:
        if zk:
            n = as_int(get(values, "zookeeper.replicaCount"))
            if n is not None and n % 2 == 0:
                out.append(Problem("", "zookeeper.replicaCount",
                                   f"must be odd so the ensemble keeps a majority (got {n})",
                                   "1, 3, 5, ..."))
        mst, tick = as_int(get(values, "zookeeper.maxSessionTimeout")), as_int(get(values, "zookeeper.tickTime"))
        if zk and mst and tick is not None and mst < 2 * tick:
            out.append(Problem("", "zookeeper.maxSessionTimeout",
                               f"{mst} ms is below ZooKeeper's minimum session timeout, "
                               f"2 x zookeeper.tickTime = {2 * tick} ms", f"0, or >= {2 * tick}"))
        n = as_int(get(values, "journalnode.replicaCount"))
        if n is not None and n % 2 == 0:
            out.append(Problem("", "journalnode.replicaCount",
                               f"must be odd so the quorum journal keeps a majority (got {n})",
                               "3, 5, 7, ..."))
        n = as_int(get(values, "namenode.replicaCount"))
        if n is not None and n < 2:
            out.append(Problem("", "namenode.replicaCount",
                               f"HA needs at least 2 NameNodes (got {n})", "2..5"))
        elif n is not None and n > 5:
            out.append(Problem("", "namenode.replicaCount",
                               f"HA supports at most 5 NameNodes (got {n})", "2..5"))
        if not zk:
            out.extend(_check_quorum(get(values, "externalZookeeper.quorum")))
    else:
        n = as_int(get(values, "namenode.replicaCount"))
        if n is not None and n != 1:
            out.append(Problem("", "namenode.replicaCount",
                               f"must be 1 when ha.enabled is false (got {n})", "1"))

    if get(values, "datanode.kind") == "StatefulSet":
        rep = as_int(get(values, "config.replication"))
        dns = as_int(get(values, "datanode.replicaCount"))
        if rep is not None and dns is not None and rep > dns:
            out.append(Problem("", "config.replication",
                               f"dfs.replication {rep} exceeds datanode.replicaCount {dns}, "
                               "so every block would stay under-replicated", f"1..{dns}"))

    components = list(JVM_COMPONENTS) + (["zookeeper"] if zk else [])
    for comp in components:
        resources = get(values, f"{comp}.resources")
        limits = resources.get("limits") if isinstance(resources, dict) else None
        memory = limits.get("memory") if isinstance(limits, dict) else None
        if memory in (None, "", 0):
            out.append(Problem("", f"{comp}.resources.limits.memory",
                               "is required: the JVM heap is sized from the container memory limit",
                               "a quantity such as 2Gi"))

    out.extend(check_security(values))
    out.extend(check_quantities(values))
    return out


def check_security(values: dict) -> list[Problem]:
    """Kerberos and HTTPS rules (``security.*``).

    Args: values: merged values.  Returns: list of Problem (file "").
    Sources: Hadoop's SecureMode documentation and DataNode.checkSecureConfig (Hadoop 3): with
    Kerberos on, a DataNode started without jsvc and privileged ports refuses to start unless
    dfs.data.transfer.protection is set (the chart always sets it) *and* dfs.http.policy is
    HTTPS_ONLY, which needs a keystore, so Kerberos needs security.tls. A service principal needs
    a realm, a keytab (the chart never creates one) and a krb5.conf naming the realm's KDCs.
    """
    out: list[Problem] = []
    kerberos = get(values, "security.kerberos.enabled") is True
    tls = get(values, "security.tls.enabled") is True
    if kerberos:
        out.extend(missing(values, [
            ("security.kerberos.realm", "", "a realm such as EXAMPLE.COM"),
            ("security.kerberos.keytab.existingSecret", "the chart never creates keytabs",
             "the name of a Secret holding the keytab(s)"),
        ], "security.kerberos.enabled is true"))
        if not any(get(values, f"security.kerberos.krb5.{key}")
                   for key in ("existingConfigMap", "config", "kdcs")):
            out.append(Problem("", "security.kerberos.krb5.kdcs",
                               "krb5.conf needs a source when security.kerberos.enabled is true",
                               "KDC hosts in kdcs, the text in krb5.config, or krb5.existingConfigMap"))
        if not tls:
            out.append(Problem("", "security.tls.enabled",
                               "must be true when security.kerberos.enabled is true: a secure DataNode "
                               "without privileged ports and jsvc starts only with SASL data transfer "
                               "protection and dfs.http.policy=HTTPS_ONLY (Hadoop DataNode.checkSecureConfig)",
                               "true"))
    if tls:
        out.extend(missing(values, [("security.tls.existingSecret", "",
                                     "the name of a Secret holding the keystore, the truststore and their passwords")],
                           "security.tls.enabled is true"))
    return out


def _check_quorum(quorum) -> list[Problem]:
    if quorum is None or quorum == "":
        return [Problem("", "externalZookeeper.quorum",
                        "is required when zookeeper.enabled is false", QUORUM_ALLOWED)]
    if not isinstance(quorum, str):
        return []  # the schema reports the type
    return [Problem("", "externalZookeeper.quorum", f"entry '{entry}' is not host:port",
                    QUORUM_ALLOWED)
            for entry in quorum.split(",") if not HOST_PORT.match(entry.strip())]


def check_quantities(values: dict) -> list[Problem]:
    """Every quantity under any ``resources`` map (its ``limits``/``requests``) and every
    ``*.persistence.size`` must be a valid positive Kubernetes quantity.

    Args: values: merged values.  Returns: list of Problem (file "").
    Source: k8s.io/apimachinery resource.Quantity (see suite.quantity).
    """
    out = []
    for path, val in walk(values):
        last = path.rsplit(".", 1)[-1]
        if last == "resources" and isinstance(val, dict):
            for section in ("limits", "requests"):
                entries = val.get(section)
                if not isinstance(entries, dict):
                    continue
                for name, qty in entries.items():
                    if qty is None or qty == "":
                        continue  # unset: allowed (the memory-limit rule covers JVM limits)
                    if not is_positive_quantity(qty):
                        out.append(_bad_quantity(f"{path}.{section}.{name}", qty))
        elif path.endswith(".persistence.size") and val not in (None, ""):
            if not is_positive_quantity(val):
                out.append(_bad_quantity(path, val))
    return out


def _bad_quantity(path: str, value) -> Problem:
    return Problem("", path, f"'{value}' is not a valid positive quantity",
                   "a quantity such as 500m, 2 or 10Gi")
