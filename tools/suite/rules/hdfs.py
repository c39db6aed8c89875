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
from pathlib import Path

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
        # Below 1 DataNode the schema reports datanode.replicaCount; no "(1..0)" here.
        if rep is not None and dns is not None and dns >= 1 and rep > dns:
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

    out.extend(check_persistence(values))
    out.extend(check_quorum_pdbs(values))
    out.extend(check_names(values))
    out.extend(check_owned_keys(values))
    out.extend(check_security(values))
    out.extend(check_quantities(values))
    return out


def check_persistence(values: dict) -> list[Problem]:
    """State an emptyDir would lose, and data folders the DataNode could not create.

    Args: values: merged values.  Returns: list of Problem (file "").
    Sources: the NameNode bootstrap formats an empty metadata directory when no other NameNode
    exists (files/scripts/namenode-bootstrap.sh), so a lone NameNode on an emptyDir formats after
    every restart; a JournalNode or DataNode on an emptyDir comes back empty. A hostPath the
    kubelet creates (DirectoryOrCreate) is root:root 0755 (Kubernetes hostPath documentation), and
    the DataNode (uid 1000) must create and own its data folder (Hadoop DiskChecker). Hadoop's
    fencing needs no ssh: the quorum journal refuses a deposed writer's epoch; the pods have no ssh.
    """
    out: list[Problem] = []
    ha = get(values, "ha.enabled") is True
    if not ha and get(values, "namenode.persistence.enabled") is False:
        out.append(Problem("", "namenode.persistence.enabled",
                           "must be true without HA: the only NameNode would keep its metadata on an emptyDir "
                           "and format a new, empty namespace after every restart", "true"))
    if ha and get(values, "journalnode.persistence.enabled") is False:
        out.append(Problem("", "journalnode.persistence.enabled",
                           "must be true with HA: a JournalNode restarted on an emptyDir comes back without the "
                           "edits it acknowledged, and the quorum can lose them", "true"))
    kind = get(values, "datanode.kind")
    if kind == "StatefulSet" and get(values, "datanode.persistence.enabled") is False:
        out.append(Problem("", "datanode.persistence.enabled",
                           "must be true for StatefulSet DataNodes: a DataNode restarted on an emptyDir comes back "
                           "without its blocks", "true"))
    if kind == "DaemonSet" and get(values, "datanode.hostPath.type") == "DirectoryOrCreate" \
            and not get(values, "datanode.volumePermissions.enabled"):
        out.append(Problem("", "datanode.volumePermissions.enabled",
                           "must be true with DaemonSet DataNodes on hostPath.type DirectoryOrCreate: a directory the "
                           "kubelet creates is root:root 0755, where the DataNode (uid 1000) cannot create its data "
                           "folder", "true, or hostPath.type Directory for directories prepared on the nodes"))
    fencing = get(values, "ha.fencingMethods")
    if ha and isinstance(fencing, str) and re.search(r"(^|[\s,(])sshfence", fencing):
        out.append(Problem("", "ha.fencingMethods", "sshfence cannot work: the pods have no ssh server or client",
                           "shell(/bin/true): the quorum journal already fences a deposed active by its epoch"))
    return out


def check_quorum_pdbs(values: dict) -> list[Problem]:
    """PodDisruptionBudgets of the JournalNodes and the bundled ZooKeeper must keep a majority.

    Args: values: merged values.  Returns: list of Problem (file "").
    Source: policy/v1 PodDisruptionBudget: maxUnavailable wins when both are set (common.pdb);
    percentages are rounded up (intstr.GetScaledValueFromIntOrPercent with roundUp); a quorum of n
    members needs n/2 + 1 of them up. A single member (a test ensemble) is not checked: no budget
    keeps its majority through an eviction.
    """
    out: list[Problem] = []
    quorums = []
    if get(values, "ha.enabled") is True:
        quorums.append(("journalnode", "JournalNodes", "the quorum journal"))
        if get(values, "zookeeper.enabled") is True:
            quorums.append(("zookeeper", "servers", "the ensemble"))
    for comp, members, what in quorums:
        n = as_int(get(values, f"{comp}.replicaCount"))
        pdb = get(values, f"{comp}.pdb")
        # One member has no majority an eviction could keep: a budget cannot help it.
        if n is None or n < 3 or not isinstance(pdb, dict) or pdb.get("create") is not True:
            continue
        key = "maxUnavailable" if pdb.get("maxUnavailable") is not None else "minAvailable"
        raw = pdb.get(key)
        if isinstance(raw, str) and re.fullmatch(r"[0-9]+%", raw):
            amount = -(-int(raw[:-1]) * n // 100)
        elif as_int(raw) is not None:
            amount = as_int(raw)
        else:
            continue  # the schema reports it
        majority, spare = n // 2 + 1, n - (n // 2 + 1)
        evictable = amount if key == "maxUnavailable" else n - amount
        if evictable > spare:
            allowed = f"at most {spare}" if key == "maxUnavailable" else f"at least {majority}"
            out.append(Problem("", f"{comp}.pdb.{key}",
                               f"{raw} lets {evictable} of {n} {members} be evicted at once, which breaks "
                               f"{what}'s majority of {majority}", allowed))
    return out


# Longest object-name suffixes the chart adds to its fullname: "-journalnode" (StatefulSet, at most
# 52 characters: the controller-revision-hash label "<name>-<10 characters>" must fit 63) and
# "-journalnode-headless" (Service, at most 63): the fullname may have at most 40 characters.
MAX_FULLNAME = 40


def check_names(values: dict) -> list[Problem]:
    """Object names Kubernetes refuses. Only fullnameOverride is known before install (the release
    name is not); the render checks the name it builds.

    Args: values: merged values.  Returns: list of Problem (file "").
    Source: Kubernetes object names (DNS-1035 labels for Services, 63 characters; label values 63
    characters, so a StatefulSet name at most 52) and common.names.fullname (trunc 63, no trailing -).
    """
    override = get(values, "fullnameOverride")
    if not isinstance(override, str) or not override:
        return []
    full = override[:63]
    full = full[:-1] if full.endswith("-") else full
    if len(full) <= MAX_FULLNAME:
        return []
    return [Problem("", "fullnameOverride",
                    f"the object names start with '{full}' ({len(full)} characters), which makes the StatefulSet "
                    f"{full}-journalnode {len(full) + 12} characters long: Kubernetes allows 52 for a StatefulSet "
                    f"name and 63 for a Service name",
                    f"a release name, nameOverride or fullnameOverride giving at most {MAX_FULLNAME} characters")]


def _owned_keys(name: str) -> dict:
    """{key: value to set instead} of templates/_helpers.tpl hdfs.ownedKeys.<name> (core or hdfs)."""
    text = (Path(__file__).resolve().parents[3] / "charts" / "hdfs" / "templates" / "_helpers.tpl").read_text()
    block = text.split(f'{{{{- define "hdfs.ownedKeys.{name}" -}}}}', 1)[1].split("{{- end -}}", 1)[0]
    return dict(line.split(": ", 1) for line in block.strip().splitlines())


def check_owned_keys(values: dict) -> list[Problem]:
    """coreSite/hdfsSite keys the chart derives from its values are refused, naming the value to set.

    Args: values: merged values.  Returns: list of Problem (file "").
    Source: templates/config/configmap.yaml (the keys it sets from values) and the key lists in
    templates/_helpers.tpl (hdfs.ownedKeys.core/hdfs), read from there so the two cannot differ.
    """
    out: list[Problem] = []
    for section, name in (("coreSite", "core"), ("hdfsSite", "hdfs")):
        given = get(values, section)
        if not isinstance(given, dict):
            continue
        owned = _owned_keys(name)
        for key in sorted(given):
            for prefix, use in owned.items():
                if key == prefix or (prefix.endswith(".") and key.startswith(prefix)):
                    out.append(Problem("", f"{section}.{key}",
                                       f"is set by the chart; set {use} instead and remove it from {section}", use))
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
        if get(values, "datanode.hostNetwork") is True:
            out.append(Problem("", "datanode.hostNetwork",
                               "must be false with security.kerberos.enabled: a host-network DataNode calls the "
                               "NameNodes from its node's address, and Hadoop checks its _HOST principal against the "
                               "reverse DNS name of that address, which the cluster DNS does not give", "false"))
        elif get(values, "datanode.kind") == "DaemonSet":
            out.append(Problem("", "datanode.kind",
                               "must be StatefulSet with security.kerberos.enabled: a DaemonSet pod has no DNS name of "
                               "its own for its _HOST principal, and Hadoop checks that principal against the reverse "
                               "DNS name of the pod's address", "StatefulSet"))
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
    ``*.persistence.size`` must be a valid positive Kubernetes quantity, and memory is not written in
    millibytes (``2048m``; the twin of common.validate.memoryUnits).

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
                    elif name == "memory" and isinstance(qty, str) and MILLI.match(qty):
                        number = qty[:-1]
                        out.append(Problem("", f"{path}.{section}.memory",
                                           f"'{qty}' is {number} millibytes (the suffix m is 1/1000 of a byte); "
                                           "mebibytes are written Mi", f"a quantity such as {number}Mi"))
        elif path.endswith(".persistence.size") and val not in (None, ""):
            if not is_positive_quantity(val):
                out.append(_bad_quantity(path, val))
    return out


# A memory quantity in millibytes: "2048m" is 2.048 bytes (the decimal suffix m is 1/1000).
MILLI = re.compile(r"^[0-9]+(\.[0-9]*)?m$")


def _bad_quantity(path: str, value) -> Problem:
    return Problem("", path, f"'{value}' is not a valid positive quantity",
                   "a quantity such as 500m, 2 or 10Gi")
