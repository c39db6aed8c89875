"""Semantic rules of the spark chart.

Source of every rule: charts/spark/templates/validate.yaml (the render fails with the same paths
and wording) and design.md sections 2 and 3. Spark standalone recovery with several masters needs
ZooKeeper (spark.deploy.recoveryMode=ZOOKEEPER); a worker offers SPARK_WORKER_CORES = CPU limit
(else request) rounded down, at least 1, and SPARK_WORKER_MEMORY = memory limit - daemonMemory -
memoryOverhead, so an executor larger than that is never scheduled; spark.cores.max must be
positive; notebooks have no default password; JVM containers need a memory limit; RPC encryption
(spark.network.crypto.enabled) only runs on top of spark.authenticate. Spark JVM sizes
(512m, 2g) follow JavaUtils.byteStringAsMb; quantities follow k8s.io/apimachinery resource.Quantity.
"""
from __future__ import annotations

import math
import re

from ..errors import Problem
from ..quantity import parse_quantity
from ._util import as_int, get
from .hdfs import check_quantities

# Same expression as templates/validate.yaml (applied to each trimmed comma-separated entry).
HOST_PORT = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?:[0-9]{1,5}$")
QUORUM_ALLOWED = "host:port[,host:port...]"
JVM_SIZE = re.compile(r"^([0-9]+)([kKmMgGtT]?)$")
MIB = 1024 * 1024


def _mib(quantity) -> int | None:
    """Whole MiB (rounded down) of a Kubernetes quantity, None when unparseable."""
    try:
        return int(parse_quantity(quantity) // MIB)
    except (ValueError, TypeError, ArithmeticError):
        return None


def jvm_size_mib(size) -> int | None:
    """MiB of a Spark JVM size ("512m", "2g", "1t", "1024" = MiB), None when not one."""
    m = JVM_SIZE.match(str(size)) if isinstance(size, (str, int)) and not isinstance(size, bool) else None
    if not m:
        return None
    n, unit = int(m.group(1)), m.group(2).lower()
    return {"t": n * 1024 * 1024, "g": n * 1024, "k": n // 1024}.get(unit, n)


def worker_cores(values: dict) -> int | None:
    """Cores a worker offers: CPU limit, else request, rounded down, at least 1 (None: unparseable)."""
    cpu = get(values, "worker.resources.limits.cpu") or get(values, "worker.resources.requests.cpu") or 1
    try:
        return max(1, math.floor(parse_quantity(cpu)))
    except (ValueError, TypeError, ArithmeticError):
        return None


def worker_memory_mib(values: dict) -> tuple[int, int, int, int] | None:
    """(Spark memory, limit, daemon, overhead) of a worker in MiB; None when a part is missing."""
    limit = get(values, "worker.resources.limits.memory")
    if limit in (None, "", 0):
        return None
    parts = [_mib(limit), _mib(get(values, "worker.daemonMemory")), _mib(get(values, "worker.memoryOverhead"))]
    if None in parts:
        return None
    lim, daemon, overhead = parts
    return lim - daemon - overhead, lim, daemon, overhead


def check(values: dict) -> list[Problem]:
    """All semantic problems of merged spark values.

    Args: values: the chart's values.yaml with user files merged over it (see suite.merge).
    Returns: list of Problem with file "" (callers fill it in); [] when the values are fine.
        Values of the wrong type are skipped here: the schema reports those.
    """
    out: list[Problem] = []
    masters = as_int(get(values, "master.replicaCount"))
    if masters is not None and masters >= 2:
        quorum = get(values, "zookeeper.quorum")
        if quorum in (None, ""):
            # Installed by the umbrella with HDFS in the release, the masters use its ZooKeeper
            # (charts/common/templates/_stack.tpl, common.stack.hdfs.zookeeper).
            if not get(values, "global.stack.hdfs"):
                out.append(Problem("", "zookeeper.quorum",
                                   f"is required when master.replicaCount is {masters}: standby masters "
                                   "recover through ZooKeeper", QUORUM_ALLOWED))
        elif isinstance(quorum, str):
            out.extend(Problem("", "zookeeper.quorum", f"entry '{entry}' is not host:port", QUORUM_ALLOWED)
                       for entry in quorum.split(",") if not HOST_PORT.match(entry.strip()))

    components = ["master", "worker"] + [c for c in ("zeppelin", "rstudio") if get(values, f"{c}.enabled")]
    for comp in components:
        memory = get(values, f"{comp}.resources.limits.memory")
        if memory in (None, "", 0):
            out.append(Problem("", f"{comp}.resources.limits.memory",
                               "is required: the JVM heap is sized from the container memory limit",
                               "a quantity such as 2Gi"))

    cores_max = as_int(get(values, "config.coresMax"))
    if cores_max is not None and cores_max <= 0:
        out.append(Problem("", "config.coresMax", f"must be positive (got {cores_max})", "1 or more"))

    memory = worker_memory_mib(values)
    if memory is not None:
        spark_mib, limit, daemon, overhead = memory
        if spark_mib < 1:
            out.append(Problem("", "worker.resources.limits.memory",
                               f"{limit} MiB leaves no memory for executors after daemonMemory {daemon} MiB "
                               f"and memoryOverhead {overhead} MiB", f"more than {daemon + overhead} MiB"))
        else:
            executor = jvm_size_mib(get(values, "config.executorMemory"))
            if executor is not None and executor > spark_mib:
                out.append(Problem("", "config.executorMemory",
                                   f"{executor} MiB does not fit a worker's Spark memory of {spark_mib} MiB "
                                   f"(memory limit {limit} MiB - daemonMemory {daemon} MiB - "
                                   f"memoryOverhead {overhead} MiB)", f"at most {spark_mib}m"))

    cores = worker_cores(values)
    executor_cores = as_int(get(values, "config.executorCores"))
    if cores is not None and executor_cores is not None and executor_cores > cores:
        out.append(Problem("", "config.executorCores",
                           f"{executor_cores} exceeds a worker's {cores} cores (worker.resources cpu limit, "
                           "else request, rounded down)", f"1..{cores}"))

    for name in ("zeppelin", "rstudio"):
        if get(values, f"{name}.enabled") and not get(values, f"{name}.auth.password") \
                and not get(values, f"{name}.auth.existingSecret"):
            out.append(Problem("", f"{name}.auth.password",
                               f"is required when {name}.enabled is true and {name}.auth.existingSecret is "
                               "empty: there is no default password",
                               f"a password, or the name of an existing Secret in {name}.auth.existingSecret"))

    if get(values, "auth.encryption") is True and not get(values, "auth.enabled"):
        out.append(Problem("", "auth.encryption",
                           "needs auth.enabled: Spark derives the RPC encryption keys from the authentication "
                           "handshake", "auth.enabled: true, or auth.encryption: false"))

    out.extend(check_kerberos(values))
    out.extend(check_quantities(values))
    return out


def check_kerberos(values: dict) -> list[Problem]:
    """Kerberos client rules (``kerberos.*``).

    Args: values: merged values.  Returns: list of Problem (file "").
    Source: Spark's security documentation ("Kerberos"): spark-submit logs a client-mode driver in
    from spark.kerberos.keytab as spark.kerberos.principal; the JVM needs the realm's krb5.conf.
    The chart never creates keytabs, so the Secret must be named.
    """
    if get(values, "kerberos.enabled") is not True:
        return []
    out = []
    if not get(values, "kerberos.principal"):
        out.append(Problem("", "kerberos.principal",
                           "is required when kerberos.enabled is true: spark.kerberos.principal names who "
                           "the drivers log in as", "a principal such as spark@EXAMPLE.COM"))
    if not get(values, "kerberos.keytab.existingSecret"):
        out.append(Problem("", "kerberos.keytab.existingSecret",
                           "is required when kerberos.enabled is true: the chart never creates keytabs",
                           "the name of a Secret holding the principal's keytab"))
    if not get(values, "kerberos.krb5.configMap"):
        out.append(Problem("", "kerberos.krb5.configMap",
                           "is required when kerberos.enabled is true: the drivers need the realm's krb5.conf",
                           "a ConfigMap name, e.g. <release>-hdfs-krb5 from the hdfs chart"))
    return out
