"""The cluster's add-ons, as Kubernetes objects: CoreDNS (cluster DNS) and local-path-provisioner (the
default StorageClass with dynamic provisioning).

CoreDNS serves the cluster zone with its ``kubernetes`` plugin only: there is no ``forward`` plugin, so
a name outside the cluster is refused and never leaves the machine. Its RBAC is the read access the
plugin's documentation lists (coredns.io/plugins/kubernetes: list/watch of endpointslices, services,
pods and namespaces). local-path-provisioner's RBAC and configuration keys follow its v0.0.30
``deploy/local-path-storage.yaml`` (the facts: which resources and verbs, ``config.json``'s
``nodePathMap``, the ``setup``/``teardown`` scripts and ``helperPod.yaml`` keys). Its helper pods run
the base image (images.BASE_IMAGE); the volumes' folders are under the cluster folder.
"""
from __future__ import annotations

import json

from chartsuite.cluster import images, layout

COREDNS_VERSION = layout.module_version("coredns", "github.com/coredns/coredns")
LOCAL_PATH_VERSION = layout.module_version("local-path-provisioner", "github.com/rancher/local-path-provisioner")
COREDNS_IMAGE = f"chartsuite.local/coredns:{COREDNS_VERSION}"
LOCAL_PATH_IMAGE = f"chartsuite.local/local-path-provisioner:{LOCAL_PATH_VERSION}"
STORAGE_CLASS = "local-path"

COREFILE = f""".:53 {{
    errors
    health :8080
    ready :8181
    kubernetes {layout.CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {{
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 30
    }}
    cache 30
    loadbalance
}}
"""


def _meta(name: str, namespace: str | None = None, **labels: str) -> dict:
    meta: dict = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    if labels:
        meta["labels"] = dict(labels)
    return meta


def _rbac(name: str, namespace: str, rules: list[dict], account: str, cluster: bool = True) -> list[dict]:
    """A (Cluster)Role with ``rules`` and its binding to ServiceAccount ``namespace/account``."""
    kind = "ClusterRole" if cluster else "Role"
    scope = None if cluster else namespace
    return [
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": _meta(name, scope), "rules": rules},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": f"{kind}Binding", "metadata": _meta(name, scope),
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": name},
         "subjects": [{"kind": "ServiceAccount", "name": account, "namespace": namespace}]},
    ]


def coredns() -> list[dict]:
    """CoreDNS in kube-system: ServiceAccount, RBAC, Corefile ConfigMap, Deployment (1 replica, labels
    ``k8s-app: kube-dns`` as the charts' NetworkPolicies expect of cluster DNS) and the ``kube-dns``
    Service at the cluster DNS address."""
    ns, labels = "kube-system", {"k8s-app": "kube-dns"}
    read = ["list", "watch"]
    rules = [{"apiGroups": [""], "resources": ["endpoints", "services", "pods", "namespaces"], "verbs": read},
             {"apiGroups": ["discovery.k8s.io"], "resources": ["endpointslices"], "verbs": read}]
    probe = {"httpGet": {"path": "/health", "port": 8080}, "periodSeconds": 5}
    return [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": _meta("coredns", ns)},
        *_rbac("system:coredns", ns, rules, "coredns"),
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta("coredns", ns), "data": {"Corefile": COREFILE}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": _meta("coredns", ns, **labels),
         "spec": {"replicas": 1, "selector": {"matchLabels": labels},
                  "template": {"metadata": {"labels": labels}, "spec": {
                      "serviceAccountName": "coredns", "dnsPolicy": "Default",
                      "priorityClassName": "system-cluster-critical",
                      "containers": [{
                          "name": "coredns", "image": COREDNS_IMAGE, "imagePullPolicy": "IfNotPresent",
                          "args": ["-conf", "/etc/coredns/Corefile"],
                          "ports": [{"name": "dns", "containerPort": 53, "protocol": "UDP"},
                                    {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"}],
                          "livenessProbe": probe,
                          "readinessProbe": {"httpGet": {"path": "/ready", "port": 8181}, "periodSeconds": 2},
                          "resources": {"requests": {"cpu": "50m", "memory": "40Mi"}, "limits": {"memory": "170Mi"}},
                          "securityContext": {"readOnlyRootFilesystem": True, "allowPrivilegeEscalation": False},
                          "volumeMounts": [{"name": "config", "mountPath": "/etc/coredns", "readOnly": True}]}],
                      "volumes": [{"name": "config", "configMap": {"name": "coredns"}}]}}}},
        {"apiVersion": "v1", "kind": "Service", "metadata": _meta("kube-dns", ns, **labels),
         "spec": {"selector": labels, "clusterIP": layout.DNS_SERVICE_IP,
                  "ports": [{"name": "dns", "port": 53, "protocol": "UDP"},
                            {"name": "dns-tcp", "port": 53, "protocol": "TCP"}]}},
    ]


def local_path(volumes_dir: str) -> list[dict]:
    """local-path-provisioner in ``local-path-storage``: RBAC, its ConfigMap (volumes under
    ``volumes_dir`` on the node), the Deployment and the default StorageClass ``local-path``
    (WaitForFirstConsumer, reclaim Delete: as kind's default class)."""
    ns, labels, account = "local-path-storage", {"app": "local-path-provisioner"}, "local-path-provisioner"
    helper = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "helper-pod"},
              "spec": {"priorityClassName": "system-node-critical",
                       "tolerations": [{"key": "node.kubernetes.io/disk-pressure", "operator": "Exists",
                                        "effect": "NoSchedule"}],
                       "containers": [{"name": "helper-pod", "image": images.BASE_IMAGE,
                                       "imagePullPolicy": "IfNotPresent"}]}}
    config = {"nodePathMap": [{"node": "DEFAULT_PATH_FOR_NON_LISTED_NODES", "paths": [volumes_dir]}]}
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": _meta(ns)},
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": _meta(account, ns)},
        *_rbac("local-path-provisioner", ns, [
            {"apiGroups": [""], "resources": ["pods"],
             "verbs": ["get", "list", "watch", "create", "patch", "update", "delete"]}], account, cluster=False),
        *_rbac("local-path-provisioner", ns, [
            {"apiGroups": [""], "resources": ["nodes", "persistentvolumeclaims", "configmaps", "pods", "pods/log"],
             "verbs": ["get", "list", "watch"]},
            {"apiGroups": [""], "resources": ["persistentvolumes"],
             "verbs": ["get", "list", "watch", "create", "patch", "update", "delete"]},
            {"apiGroups": [""], "resources": ["events"], "verbs": ["create", "patch"]},
            {"apiGroups": ["storage.k8s.io"], "resources": ["storageclasses"], "verbs": ["get", "list", "watch"]}],
              account),
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta("local-path-config", ns),
         "data": {"config.json": json.dumps(config, indent=1),
                  "setup": '#!/bin/sh\nset -eu\nmkdir -m 0777 -p "$VOL_DIR"\n',
                  "teardown": '#!/bin/sh\nset -eu\nrm -rf "$VOL_DIR"\n',
                  "helperPod.yaml": json.dumps(helper, indent=1)}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": _meta("local-path-provisioner", ns, **labels),
         "spec": {"replicas": 1, "selector": {"matchLabels": labels},
                  "template": {"metadata": {"labels": labels}, "spec": {
                      "serviceAccountName": account,
                      "containers": [{
                          "name": "local-path-provisioner", "image": LOCAL_PATH_IMAGE,
                          "imagePullPolicy": "IfNotPresent",
                          "command": ["/local-path-provisioner", "start", "--config", "/etc/config/config.json",
                                      "--service-account-name", account, "--helper-image", images.BASE_IMAGE,
                                      "--configmap-name", "local-path-config"],
                          "env": [{"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                                  {"name": "CONFIG_MOUNT_PATH", "value": "/etc/config/"}],
                          "volumeMounts": [{"name": "config", "mountPath": "/etc/config/"}]}],
                      "volumes": [{"name": "config", "configMap": {"name": "local-path-config"}}]}}}},
        {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
         "metadata": {"name": STORAGE_CLASS,
                      "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
         "provisioner": "rancher.io/local-path", "volumeBindingMode": "WaitForFirstConsumer",
         "reclaimPolicy": "Delete"},
    ]
