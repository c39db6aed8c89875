"""Semantic rules of charts/umbrella (twin of charts/umbrella/templates/validate.yaml).

- ``global.stack.<chart>`` must equal ``<chart>.enabled`` for hdfs, spark and alluxio: the charts
  read global.stack to wire themselves to each other (charts/common/templates/_stack.tpl).
- Automatic wiring assumes the HDFS chart's default object names, an HA nameservice equal to its
  fullname, and its bundled ZooKeeper on client port 2181. When the values break one of these
  assumptions, the wiring value that depends on it must be given explicitly.

The rules read each subchart's section coalesced over that chart's values.yaml, as Helm does
before rendering the parent (suite.subcharts).
"""
from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import Problem
from ..subcharts import dependencies, values_for
from ._util import as_int, get

CHART_DIR = Path(__file__).resolve().parents[3] / "charts" / "umbrella"
STACK = ("hdfs", "spark", "alluxio")
CONFIGMAP_ALLOWED = "the HDFS chart's ConfigMap, <hdfs fullname>-config"


def _coalesced(values: dict) -> dict:
    """The umbrella values with every subchart section coalesced over its chart's defaults."""
    view = dict(values)
    for sub in dependencies(CHART_DIR):
        section = values.get(sub.name) or {}
        if isinstance(section, dict) and section.get("enabled") is False:
            continue
        defaults = yaml.safe_load((sub.chart_dir / "values.yaml").read_text()) or {}
        view[sub.name] = values_for(values, sub, defaults)
    return view


def check(values: dict) -> list[Problem]:
    """Umbrella rules on merged umbrella values. Returns: list of Problem (file left empty)."""
    out: list[Problem] = []
    v = _coalesced(values)
    for chart in STACK:
        enabled = bool(get(v, f"{chart}.enabled", False))
        if bool(get(v, f"global.stack.{chart}", False)) != enabled:
            out.append(Problem("", f"global.stack.{chart}",
                               f"must equal {chart}.enabled ({str(enabled).lower()}): the other charts read it "
                               f"to wire themselves to {chart}", str(enabled).lower()))
    if get(v, "spark.enabled", False) and get(v, "alluxio.enabled", False) and not get(v, "spark.alluxio.masterAddresses"):
        a_override = get(v, "alluxio.nameOverride") or ""
        alluxio_default_names = not get(v, "alluxio.fullnameOverride") and a_override in ("", "alluxio")
        if ((as_int(get(v, "alluxio.master.replicaCount")) or 1) > 1 or not alluxio_default_names
                or as_int(get(v, "alluxio.master.ports.rpc")) != 19998):
            out.append(Problem("", "spark.alluxio.masterAddresses",
                               "is required because Alluxio runs several masters, or its names or RPC port are "
                               "customised, and clients must know every master",
                               "each master's host:rpc port, comma-separated"))
    if not get(v, "hdfs.enabled", False):
        return out
    name_override = get(v, "hdfs.nameOverride") or ""
    default_names = not get(v, "hdfs.fullnameOverride") and name_override in ("", "hdfs")
    renamed = "is required because hdfs.nameOverride/fullnameOverride changes the HDFS object names"
    spark_on, alluxio_on = get(v, "spark.enabled", False), get(v, "alluxio.enabled", False)
    if spark_on and not get(v, "spark.hadoop.configMap") and not default_names:
        out.append(Problem("", "spark.hadoop.configMap", renamed, CONFIGMAP_ALLOWED))
    if (alluxio_on and not get(v, "alluxio.ufs.root") and get(v, "alluxio.worker.hostNetwork")
            and get(v, "hdfs.networkPolicy.enabled", True) and not get(v, "hdfs.networkPolicy.allowExternal")
            and not get(v, "hdfs.networkPolicy.extraIngress")):
        # A host-network pod's connections come from its node's address, which the HDFS policies' pod
        # selectors never match (Kubernetes NetworkPolicy docs: podSelector selects pods, and
        # host-network pods are seen by their node IP).
        out.append(Problem("", "alluxio.worker.hostNetwork",
                           "true makes the Alluxio workers reach HDFS, their under storage, from their nodes' "
                           "addresses, which the HDFS NetworkPolicies (pod selectors) do not admit: under storage "
                           "reads and writes would hang",
                           "false, or hdfs.networkPolicy.extraIngress with an ipBlock of the worker nodes, or "
                           "hdfs.networkPolicy.allowExternal true"))
    if alluxio_on and not get(v, "alluxio.hdfs.configMap") and not get(v, "alluxio.ufs.root"):
        if not default_names:
            out.append(Problem("", "alluxio.hdfs.configMap", renamed, CONFIGMAP_ALLOWED))
        custom = not get(v, "hdfs.ha.enabled") or get(v, "hdfs.ha.nameservice") or not default_names
        if not get(v, "alluxio.hdfs.nameservice") and custom:
            out.append(Problem("", "alluxio.hdfs.nameservice",
                               "is required because HDFS is not HA or its nameservice or names are customised",
                               "the HDFS nameservice, or <namenode-0 host>:<rpc port> without HA"))
        root = "/" + str(get(v, "alluxio.hdfs.path") or "").strip("/")
        items = get(v, "hdfs.directories.items") or {}
        paths = {"/" + str(d.get("path") or "").strip("/") for d in items.values() if isinstance(d, dict)}
        if get(v, "hdfs.config.permissionsEnabled", True) and root not in paths:
            out.append(Problem("", "hdfs.directories.items",
                               f"needs an entry with path {root} (alluxio.hdfs.path) because HDFS permissions are "
                               "on and Alluxio, running as user alluxio, cannot create the root of its under "
                               "storage itself",
                               f'an entry such as alluxio: {{path: {root}, owner: alluxio, group: alluxio, mode: "755"}}'))
    if get(v, "hdfs.security.kerberos.enabled", False):
        if spark_on and not get(v, "spark.hadoop.configMap") and not get(v, "spark.kerberos.enabled"):
            out.append(Problem("", "spark.kerberos.enabled",
                               "must be true because hdfs.security.kerberos.enabled is true and Spark is wired to "
                               "this HDFS: without a Kerberos login (spark.kerberos.principal, keytab, krb5.conf) "
                               "the drivers are refused by the NameNodes", "true"))
        if alluxio_on and not get(v, "alluxio.ufs.root"):
            out.append(Problem("", "alluxio.ufs.root",
                               "is required because hdfs.security.kerberos.enabled is true: the alluxio chart does "
                               "not configure Kerberos for its HDFS under storage, so it cannot use this HDFS",
                               "another under storage, e.g. s3://bucket/path"))
    if spark_on and (as_int(get(v, "spark.master.replicaCount")) or 0) >= 2 and not get(v, "spark.zookeeper.quorum"):
        shared = (get(v, "hdfs.ha.enabled") and get(v, "hdfs.zookeeper.enabled")
                  and as_int(get(v, "hdfs.zookeeper.service.ports.client")) == 2181 and default_names)
        if not shared:
            out.append(Problem("", "spark.zookeeper.quorum",
                               "is required because this release's HDFS has no bundled ZooKeeper the Spark "
                               "masters can share (with default names and client port 2181)",
                               "host:port[,host:port...]"))
    return out
