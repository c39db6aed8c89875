"""Semantic rules of the alluxio chart.

Source of every rule: charts/alluxio/templates/validate.yaml (the render fails with the same
paths and wording) and design.md sections 2 and 5: the embedded journal (Raft) needs a majority,
so 1 or an odd number of masters; a UFS journal on a master's own volume serves one master;
tier aliases are Alluxio's MEM/SSD/HDD, each once and in that order (level i = list position i,
so level numbers are contiguous from 0 and the dirs.path/mediumtype/quota lists of a level always
have equal length by construction); a MEM directory must be a RAM-backed emptyDir whose quota the
chart adds to the worker's memory request and limit; PVC tier volumes need StatefulSet workers;
HDFS under storage needs its nameservice; FUSE needs a privileged container with SYS_ADMIN; JVM
heaps are sized from the container memory limit, so that limit is required. Quantities follow
k8s.io/apimachinery resource.Quantity. A disabled journal persistence is allowed (NOTES.txt warns).
"""
from __future__ import annotations

from ..errors import Problem
from ..quantity import is_positive_quantity
from ._util import as_int, get
from .hdfs import check_quantities

RANK = {"MEM": 0, "SSD": 1, "HDD": 2}
TIER_ALLOWED = "each alias once, ordered MEM, SSD, HDD"
JVM_COMPONENTS = ("master", "jobMaster", "worker", "jobWorker")


def check(values: dict) -> list[Problem]:
    """All semantic problems of merged alluxio values.

    Args: values: the chart's values.yaml with user files merged over it (see suite.merge).
    Returns: list of Problem with file "" (callers fill it in); [] when the values are fine.
        Values of the wrong type are skipped here: the schema reports those.
    """
    out: list[Problem] = []
    n = as_int(get(values, "master.replicaCount"))
    if n is not None and n % 2 == 0:
        out.append(Problem("", "master.replicaCount",
                           f"must be 1 or odd so the embedded journal keeps a majority (got {n})",
                           "1, 3, 5, ..."))
    if get(values, "journal.type") == "UFS" and n is not None and n > 1:
        out.append(Problem("", "journal.type",
                           f"a UFS journal on a master volume serves exactly 1 master (got {n} masters)",
                           "EMBEDDED for 3, 5, ... masters"))
    out.extend(_check_tiers(values))

    if get(values, "hdfs.configMap"):
        if not get(values, "hdfs.nameservice"):
            out.append(Problem("", "hdfs.nameservice", "is required when hdfs.configMap is set",
                               "the HDFS nameservice or host:port"))
        if get(values, "ufs.root"):
            out.append(Problem("", "ufs.root", "must be empty when hdfs.configMap is set, "
                               "HDFS is then the root under storage", "empty"))
    write_type = get(values, "client.writeType") or ""
    has_ufs = (get(values, "ufs.root") or get(values, "hdfs.configMap")
               or get(values, "global.stack.hdfs", False))
    if write_type and write_type != "MUST_CACHE" and not has_ufs:
        out.append(Problem("", "client.writeType",
                           f"{write_type} needs an under storage (ufs.root or hdfs.configMap); without one the "
                           "root is a pod-local folder and only MUST_CACHE keeps files", "MUST_CACHE, or empty"))
    if (not get(values, "ufs.credentials.existingSecret") and get(values, "ufs.credentials.accessKeyId")
            and not get(values, "ufs.credentials.secretKey")):
        out.append(Problem("", "ufs.credentials.secretKey",
                           "is required with ufs.credentials.accessKeyId",
                           "or set ufs.credentials.existingSecret"))

    fuse = bool(get(values, "fuse.enabled"))
    if fuse:
        sc = get(values, "fuse.containerSecurityContext", {}) or {}
        if not (isinstance(sc, dict) and sc.get("enabled") and sc.get("privileged")):
            out.append(Problem("", "fuse.containerSecurityContext.privileged",
                               "FUSE needs an enabled, privileged container security context to "
                               "mount /dev/fuse", "true"))
        caps = sc.get("capabilities") if isinstance(sc, dict) else None
        add = caps.get("add") if isinstance(caps, dict) else None
        if not (isinstance(add, list) and "SYS_ADMIN" in add):
            out.append(Problem("", "fuse.containerSecurityContext.capabilities.add",
                               "FUSE needs the SYS_ADMIN capability", "a list containing SYS_ADMIN"))

    for comp in list(JVM_COMPONENTS) + (["fuse"] if fuse else []):
        resources = get(values, f"{comp}.resources")
        limits = resources.get("limits") if isinstance(resources, dict) else None
        memory = limits.get("memory") if isinstance(limits, dict) else None
        if memory in (None, "", 0):
            out.append(Problem("", f"{comp}.resources.limits.memory",
                               "is required: the JVM heap is sized from the container memory limit",
                               "a quantity such as 2Gi"))
    out.extend(check_quantities(values))
    return out


def _check_tiers(values: dict) -> list[Problem]:
    out: list[Problem] = []
    levels = get(values, "tieredStore.levels")
    if not isinstance(levels, list):
        return out
    daemonset = get(values, "worker.kind") == "DaemonSet"
    seen: dict[str, int] = {}
    paths: set[str] = set()
    prev = ""
    for i, level in enumerate(levels):
        if not isinstance(level, dict):
            continue
        lp = f"tieredStore.levels[{i}]"
        alias = str(level.get("alias"))
        if alias in seen:
            out.append(Problem("", f"{lp}.alias", f"'{alias}' is already used by level {seen[alias]}",
                               TIER_ALLOWED))
        elif prev and alias in RANK and prev in RANK and RANK[alias] < RANK[prev]:
            out.append(Problem("", f"{lp}.alias", f"'{alias}' must not follow '{prev}'", TIER_ALLOWED))
        seen.setdefault(alias, i)
        prev = alias
        dirs = level.get("dirs")
        for d, entry in enumerate(dirs if isinstance(dirs, list) else []):
            if not isinstance(entry, dict):
                continue
            dp = f"{lp}.dirs[{d}]"
            quota = entry.get("quota")
            if not is_positive_quantity(quota):
                out.append(Problem("", f"{dp}.quota", f"'{quota}' is not a valid positive quantity",
                                   "a quantity such as 512Mi or 100Gi"))
            path = str(entry.get("path"))
            if path in paths:
                out.append(Problem("", f"{dp}.path", f"'{path}' is already used by another tier directory",
                                   "one path per directory"))
            paths.add(path)
            volume = entry.get("volume") if isinstance(entry.get("volume"), dict) else {}
            vtype = volume.get("type") or "emptyDir"
            if alias == "MEM" and vtype != "emptyDir":
                out.append(Problem("", f"{dp}.volume.type",
                                   "a MEM directory must be a RAM-backed emptyDir counted in the worker "
                                   f"memory (got {vtype})", "emptyDir"))
            if vtype == "pvc" and daemonset:
                out.append(Problem("", f"{dp}.volume.type", "pvc needs worker.kind StatefulSet",
                                   "emptyDir or hostPath with a DaemonSet"))
            if vtype == "hostPath" and not volume.get("hostPath"):
                out.append(Problem("", f"{dp}.volume.hostPath", "is required for a hostPath volume",
                                   "an absolute node path"))
    return out
