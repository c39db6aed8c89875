"""Evaluate Kubernetes NetworkPolicies (ingress) over rendered objects: "may pod A open a TCP
connection to pod B on port P?".

Semantics follow the NetworkPolicy API (networking.k8s.io/v1, kubernetes.io docs "Network Policies"):
- a pod is isolated for ingress when at least one NetworkPolicy of its namespace selects it
  (spec.podSelector) with "Ingress" in spec.policyTypes (the default when policyTypes is absent);
  a pod no policy selects accepts everything;
- an isolated pod accepts a connection when any rule of any selecting policy matches it: the rule's
  ports (absent/empty: every port; ``port`` a number, a number with ``endPort`` (inclusive range), or
  a container port name resolved on the destination pod; protocol defaults to TCP) and its ``from``
  peers (absent/empty: every source). A peer with only podSelector matches pods of the policy's own
  namespace; with only namespaceSelector every pod of the matching namespaces; with both, matching
  pods in matching namespaces; ipBlock matches a source address inside ``cidr`` and outside ``except``;
- pods on the host network (spec.hostNetwork) are not subject to policies, and their connections come
  from the node's address: pod and namespace selectors never match them, only ipBlock does (the API
  leaves this implementation-defined; this evaluator takes the strict reading).
Egress is not evaluated: a policy with "Egress" in policyTypes raises ValueError, because the charts
render ingress policies only and an egress rule would make the answers here incomplete.
"""
from __future__ import annotations

import dataclasses
import ipaddress

WORKLOAD_KINDS = ("StatefulSet", "Deployment", "DaemonSet", "ReplicaSet", "Job")


@dataclasses.dataclass
class Pod:
    """One pod (or the pods of one workload template).

    name: str (for messages); namespace: str; labels: dict[str, str];
    ports: dict[str, int], container port name -> number (named ports of every container);
    numbers: set[int], every declared container port number; host_network: bool;
    ip: str | None, the source address (a node address for host-network pods), used by ipBlock peers.
    """
    name: str
    namespace: str
    labels: dict
    ports: dict = dataclasses.field(default_factory=dict)
    numbers: set = dataclasses.field(default_factory=set)
    host_network: bool = False
    ip: str | None = None


def _pod_spec(obj: dict) -> tuple[dict, dict] | None:
    """(pod metadata, pod spec) of a Pod or of a workload's pod template; None for other kinds."""
    kind = obj.get("kind")
    if kind == "Pod":
        return obj.get("metadata", {}), obj.get("spec", {})
    if kind in WORKLOAD_KINDS:
        template = obj.get("spec", {}).get("template", {})
        return template.get("metadata", {}), template.get("spec", {})
    return None


def pods_from_objects(objects: list[dict], namespace: str) -> list[Pod]:
    """Pods of rendered objects: one Pod per Pod object and per workload pod template.

    Args: objects: rendered manifests (dicts); namespace: used when an object has none.
    Returns: list of Pod named "<Kind>/<name>", with the template's labels, every container's
        (init containers included) named ports and numbers, and spec.hostNetwork."""
    out = []
    for obj in objects:
        found = _pod_spec(obj)
        if found is None:
            continue
        meta, spec = found
        ports, numbers = {}, set()
        for container in spec.get("containers", []) + spec.get("initContainers", []):
            for p in container.get("ports", []) or []:
                if p.get("protocol", "TCP") != "TCP":
                    continue
                numbers.add(int(p["containerPort"]))
                if p.get("name"):
                    ports[p["name"]] = int(p["containerPort"])
        out.append(Pod(name=f"{obj['kind']}/{obj['metadata']['name']}",
                       namespace=obj["metadata"].get("namespace") or namespace,
                       labels=dict(meta.get("labels") or {}), ports=ports, numbers=numbers,
                       host_network=bool(spec.get("hostNetwork"))))
    return out


def policies_from_objects(objects: list[dict]) -> list[dict]:
    """The NetworkPolicy objects among rendered objects. Raises ValueError for a policy with Egress."""
    policies = [o for o in objects if o.get("kind") == "NetworkPolicy"]
    for policy in policies:
        if "Egress" in _policy_types(policy):
            raise ValueError(f"NetworkPolicy {policy['metadata']['name']}: Egress is not evaluated by netpol")
    return policies


def _policy_types(policy: dict) -> list[str]:
    spec = policy.get("spec", {})
    if "policyTypes" in spec:
        return list(spec["policyTypes"])
    return ["Ingress"] + (["Egress"] if spec.get("egress") else [])


def selector_matches(selector: dict | None, labels: dict) -> bool:
    """Whether a LabelSelector matches ``labels``. An empty selector ({}) matches everything.

    Supports matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist) as defined by
    metav1.LabelSelector. Raises ValueError for another operator."""
    selector = selector or {}
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != str(value):
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], [str(v) for v in expr.get("values") or []]
        if op == "In":
            ok = key in labels and labels[key] in values
        elif op == "NotIn":
            ok = key not in labels or labels[key] not in values
        elif op == "Exists":
            ok = key in labels
        elif op == "DoesNotExist":
            ok = key not in labels
        else:
            raise ValueError(f"unknown label selector operator {op!r}")
        if not ok:
            return False
    return True


def _namespace_labels(name: str, namespaces: dict | None) -> dict:
    """Labels of a namespace: the given ones, plus kubernetes.io/metadata.name (set by the API server)."""
    return {**((namespaces or {}).get(name) or {}), "kubernetes.io/metadata.name": name}


def _peer_matches(peer: dict, src: Pod, policy_ns: str, namespaces: dict | None) -> bool:
    if "ipBlock" in peer:
        if not src.ip:
            return False
        addr = ipaddress.ip_address(src.ip)
        block = peer["ipBlock"]
        if addr not in ipaddress.ip_network(block["cidr"], strict=False):
            return False
        return not any(addr in ipaddress.ip_network(e, strict=False) for e in block.get("except") or [])
    if src.host_network:
        return False
    has_pod, has_ns = "podSelector" in peer, "namespaceSelector" in peer
    if has_ns:
        if not selector_matches(peer["namespaceSelector"], _namespace_labels(src.namespace, namespaces)):
            return False
    elif src.namespace != policy_ns:
        return False
    if has_pod and not selector_matches(peer["podSelector"], src.labels):
        return False
    return has_pod or has_ns


def _port_matches(entry: dict, dst: Pod, port: int) -> bool:
    if entry.get("protocol", "TCP") != "TCP":
        return False
    if "port" not in entry or entry["port"] is None:
        return True
    want = entry["port"]
    if isinstance(want, str) and not want.isdigit():
        return dst.ports.get(want) == port
    want = int(want)
    end = entry.get("endPort")
    return want <= port <= int(end) if end is not None else want == port


def resolve_port(dst: Pod, port: int | str) -> int:
    """A port number on ``dst``: ``port`` itself, or the number of its container port so named.
    Raises ValueError when ``dst`` has no container port of that name."""
    if isinstance(port, int):
        return port
    if port not in dst.ports:
        raise ValueError(f"{dst.name} has no container port named {port!r} (has {sorted(dst.ports)})")
    return dst.ports[port]


def allowed(src: Pod, dst: Pod, port: int | str, policies: list[dict], namespaces: dict | None = None) -> bool:
    """Whether ``src`` may open a TCP connection to ``dst`` on ``port`` (number or container port
    name of ``dst``) under the ingress ``policies`` (NetworkPolicy dicts).

    namespaces: optional {namespace: labels} for namespaceSelector peers (each namespace always carries
    kubernetes.io/metadata.name). Raises ValueError for an unknown port name or selector operator."""
    number = resolve_port(dst, port)
    if dst.host_network:
        return True
    selecting = [p for p in policies
                 if (p["metadata"].get("namespace") or dst.namespace) == dst.namespace
                 and "Ingress" in _policy_types(p)
                 and selector_matches(p.get("spec", {}).get("podSelector"), dst.labels)]
    if not selecting:
        return True
    for policy in selecting:
        policy_ns = policy["metadata"].get("namespace") or dst.namespace
        for rule in policy["spec"].get("ingress") or []:
            rule = rule or {}
            ports = rule.get("ports") or []
            if ports and not any(_port_matches(e, dst, number) for e in ports):
                continue
            peers = rule.get("from") or []
            if not peers or any(_peer_matches(peer, src, policy_ns, namespaces) for peer in peers):
                return True
    return False


def check_matrix(cases, policies: list[dict], namespaces: dict | None = None) -> list[str]:
    """Compare ``allowed`` with the intended answers.

    Args: cases: iterable of (src Pod, dst Pod, port, expected bool); policies as for allowed().
    Returns: one line per case whose answer differs ("src -> dst:port: expected allowed, got denied");
        [] when every case holds."""
    out = []
    for src, dst, port, expected in cases:
        got = allowed(src, dst, port, policies, namespaces)
        if got != expected:
            word = {True: "allowed", False: "denied"}
            out.append(f"{src.name} -> {dst.name}:{port}: expected {word[expected]}, got {word[got]}")
    return out
