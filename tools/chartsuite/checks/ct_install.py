"""Whether ``ct install`` can install a render on a fresh one-node kind cluster of a CI runner.

chart-testing installs every ``charts/<chart>/ci/*-values.yaml`` into a fresh namespace, one at a
time, and runs ``helm test``. A profile passes there only when it is self-contained: everything its
pods reference is in the render (or published by Kubernetes itself), it fits the node, and it asks
for nothing a single kind node lacks. Profiles that need more live in ``ci/render-only/`` (rendered
and linted, not installed), each saying why on its first line.

The node: GitHub's standard ``ubuntu-24.04`` runner for public repositories has 4 CPUs and 16 GB of
memory (https://docs.github.com/en/actions/reference/runners/github-hosted-runners); kind's own pods
(kube-apiserver 250m, kube-controller-manager 200m, kube-scheduler 100m, etcd 100m, two CoreDNS 100m
each, kindnet 100m: their manifests' requests) take about 0.95 CPU, hence a budget of 3 CPUs and 12 GiB
of requests for one profile. kind's default StorageClass is ``standard`` (rancher local-path).
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterable

from chartsuite.checks import footprint as fp
from chartsuite.checks.manifests import check_references, pod_specs

CPU_BUDGET = Decimal("3")
MEMORY_BUDGET = 12 * 1024 ** 3
KIND_STORAGE_CLASS = "standard"
# Objects every namespace has without the chart (Kubernetes publishes the cluster CA bundle).
CLUSTER_PROVIDED = frozenset({"ConfigMap/kube-root-ca.crt"})
# In-cluster DNS names (Kubernetes DNS specification): [<pod>.]<service>.<namespace>.svc[.<zone>].
SERVICE_DNS = re.compile(r"\b(?:[a-z0-9-]+\.)?([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\.([a-z0-9-]+)\.svc\b")
# Services every cluster has (the API server's, which the rack-awareness sidecar calls).
CLUSTER_SERVICES = frozenset({("kubernetes", "default")})
# Node labels a kind node has (kubelet's well-known labels).
KIND_NODE_LABELS = frozenset({"kubernetes.io/hostname", "kubernetes.io/os", "kubernetes.io/arch"})


def _name(obj: dict) -> str:
    return f"{obj.get('kind')}/{(obj.get('metadata') or {}).get('name')}"


def install_problems(objects: Iterable[dict]) -> list[str]:
    """Why ``ct install`` of a render would not get every pod running on one fresh kind node.

    Rules: no custom resources (a fresh kind cluster has no CRDs: a ServiceMonitor needs
    prometheus-operator's); total requests within CPU_BUDGET and MEMORY_BUDGET (helm test pods excluded, as
    footprint counts them); every ConfigMap, Secret, PVC and ServiceAccount a pod uses is rendered or
    CLUSTER_PROVIDED; no nodeSelector or required node affinity on labels other than
    KIND_NODE_LABELS; no required pod anti-affinity over hostnames with more than one replica; every
    storageClassName (claims and claim templates) unset or KIND_STORAGE_CLASS; every in-cluster DNS
    name (SERVICE_DNS) in ConfigMap data (scripts ``*.sh`` aside) or a container's env, command and
    args names a rendered
    Service or one of CLUSTER_SERVICES (an external ZooKeeper or another release's NameNodes are not
    in a fresh namespace).
    Args: objects: rendered objects of one profile.
    Returns: list of str, one per problem ([] when installable).
    Raises: ValueError from footprint for an unparseable quantity."""
    objects = list(objects)
    problems = []
    report = fp.footprint(objects, 1)
    problems += [f"does not fit one CI node: {line}" for line in fp.over_capacity(report, CPU_BUDGET, MEMORY_BUDGET)]
    problems += [f"not self-contained: {line}" for line in check_references(objects, CLUSTER_PROVIDED)]
    services = {(o.get("metadata") or {}).get("name") for o in objects if o.get("kind") == "Service"}
    for obj in objects:
        group = str(obj.get("apiVersion", "")).rpartition("/")[0]
        if "." in group and not group.endswith(".k8s.io"):
            problems.append(f"{_name(obj)}: a custom resource ({obj.get('apiVersion')}): kind has no CRDs")
        spec = obj.get("spec") or {}
        replicas = spec.get("replicas", 1)
        for _meta, pod in pod_specs(obj):
            labels = set((pod.get("nodeSelector") or {}))
            affinity = pod.get("affinity") or {}
            required = ((affinity.get("nodeAffinity") or {}).get("requiredDuringSchedulingIgnoredDuringExecution")
                        or {})
            for term in required.get("nodeSelectorTerms") or []:
                labels |= {e.get("key") for e in term.get("matchExpressions") or []}
            for label in sorted(labels - KIND_NODE_LABELS):
                problems.append(f"{_name(obj)}: needs nodes labelled {label}")
            anti = (affinity.get("podAntiAffinity") or {}).get("requiredDuringSchedulingIgnoredDuringExecution") or []
            if replicas and replicas > 1 and any(t.get("topologyKey") == "kubernetes.io/hostname" for t in anti):
                problems.append(f"{_name(obj)}: {replicas} replicas with required anti-affinity need {replicas} nodes")
        # Configuration files, not scripts: a script takes its addresses from these and the env.
        texts = [v for k, v in (obj.get("data") or {}).items() if not k.endswith(".sh")] \
            if obj.get("kind") == "ConfigMap" else []
        for _meta, pod in pod_specs(obj):
            for container in (pod.get("initContainers") or []) + (pod.get("containers") or []):
                texts += [e.get("value") or "" for e in container.get("env") or []]
                texts += list(container.get("command") or []) + list(container.get("args") or [])
        for service, namespace in sorted({m for t in texts if isinstance(t, str) for m in SERVICE_DNS.findall(t)}):
            if service not in services and (service, namespace) not in CLUSTER_SERVICES:
                problems.append(f"{_name(obj)}: uses the Service {service} in namespace {namespace}, "
                                f"which is not in the render")
        claims = [obj] if obj.get("kind") == "PersistentVolumeClaim" else spec.get("volumeClaimTemplates") or []
        for claim in claims:
            storage_class = (claim.get("spec") or {}).get("storageClassName")
            if storage_class not in (None, KIND_STORAGE_CLASS):
                problems.append(f"{_name(obj)}: StorageClass {storage_class!r} (kind has {KIND_STORAGE_CLASS!r})")
    return problems
