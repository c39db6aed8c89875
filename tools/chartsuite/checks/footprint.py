"""Resource footprint of a rendered chart: pods, CPU/memory requests and limits, and storage, per
component and for the whole stack, so a user knows before installing whether it fits their nodes.

Units: CPU in cores (Decimal, ``Decimal("0.35")``), memory and storage in bytes (int; a fractional
byte is rounded up, as Kubernetes does).

Sources:
- Effective Pod requests and limits (init containers run one at a time; sidecars, i.e. init
  containers with ``restartPolicy: Always``, keep running):
  https://kubernetes.io/docs/concepts/resource-management/effective-pod-requests-limits/ and
  https://kubernetes.io/docs/concepts/workloads/pods/init-containers/#resource-sharing-within-containers
- A container that sets a limit but no request gets the limit as its request (API defaulting):
  https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#requests-and-limits
- Quantities: chartsuite.model.quantity (k8s.io/apimachinery resource.Quantity).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from chartsuite.model.quantity import parse_quantity

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet")
NAME_LABEL, COMPONENT_LABEL = "app.kubernetes.io/name", "app.kubernetes.io/component"
_FIELDS = (("requests", "cpu"), ("limits", "cpu"), ("requests", "memory"), ("limits", "memory"))


@dataclass
class Amounts:
    """CPU (cores, Decimal) and memory (bytes, int) requests and limits."""

    cpu_requests: Decimal = Decimal(0)
    cpu_limits: Decimal = Decimal(0)
    memory_requests: int = 0
    memory_limits: int = 0

    def get(self, kind: str, resource: str):
        """One amount.  Args: kind: "requests" or "limits"; resource: "cpu" or "memory".
        Returns: cores (Decimal) for cpu, bytes (int) for memory.  Raises: AttributeError for another name."""
        return getattr(self, f"{resource}_{kind}")

    def __add__(self, other: "Amounts") -> "Amounts":
        return Amounts(*(self.get(k, r) + other.get(k, r) for k, r in _FIELDS))

    def times(self, n: int) -> "Amounts":
        """Every amount multiplied by n (replicas).  Args: n: int.  Returns: Amounts."""
        return Amounts(*(self.get(k, r) * n for k, r in _FIELDS))

    def as_dict(self) -> dict:
        """``{"cpu_requests": "0.35", "cpu_limits": ..., "memory_requests": <bytes>, ...}``:
        cores as decimal strings (exact, cores()), bytes as ints.  Returns: dict."""
        return {"cpu_requests": cores(self.cpu_requests), "cpu_limits": cores(self.cpu_limits),
                "memory_requests": self.memory_requests, "memory_limits": self.memory_limits}


@dataclass
class Workload:
    """One Deployment/StatefulSet/DaemonSet: replicas, per-pod amounts, problems found."""

    kind: str
    name: str
    group: str
    replicas: int
    per_pod: Amounts
    storage_per_pod: int = 0
    memory_emptydir_per_pod: int = 0
    hpa: tuple[int, int] | None = None
    missing: list[str] = field(default_factory=list)

    @property
    def total(self) -> Amounts:
        """Per-pod amounts times replicas.  Returns: Amounts."""
        return self.per_pod.times(self.replicas)


@dataclass
class Group:
    """A component (``<chart>/<component>``): its workloads and standalone PVC storage."""

    name: str
    workloads: list[Workload] = field(default_factory=list)
    pvc_storage: int = 0

    @property
    def pods(self) -> int:
        """Pods of the component (sum of its workloads' replicas).  Returns: int."""
        return sum(w.replicas for w in self.workloads)

    @property
    def total(self) -> Amounts:
        """Sum of its workloads' totals.  Returns: Amounts."""
        return sum((w.total for w in self.workloads), Amounts())

    @property
    def storage(self) -> int:
        """Bytes (int): standalone PVC storage plus each workload's storage_per_pod x replicas."""
        return self.pvc_storage + sum(w.storage_per_pod * w.replicas for w in self.workloads)


@dataclass
class Report:
    """footprint() result.  groups in first-seen render order; notes are human-readable lines
    (assumptions such as DaemonSet node counts, HPA ranges, missing resources, skipped objects)."""

    groups: list[Group]
    daemonset_nodes: int
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def pods(self) -> int:
        """Pods of every component.  Returns: int."""
        return sum(g.pods for g in self.groups)

    @property
    def total(self) -> Amounts:
        """Sum of every component's amounts.  Returns: Amounts."""
        return sum((g.total for g in self.groups), Amounts())

    @property
    def storage(self) -> int:
        """Storage of every component in bytes.  Returns: int."""
        return sum(g.storage for g in self.groups)

    @property
    def memory_emptydir(self) -> int:
        """Memory-medium emptyDir sizeLimits x replicas, in bytes.  Returns: int."""
        return sum(w.memory_emptydir_per_pod * w.replicas for g in self.groups for w in g.workloads)

    def total_at_hpa_max(self) -> tuple[int, Amounts] | None:
        """Totals with every HPA-scaled workload at maxReplicas.

        Returns: (pods: int, Amounts), or None when no workload has an HPA."""
        ws = [w for g in self.groups for w in g.workloads]
        if not any(w.hpa for w in ws):
            return None
        reps = [w.hpa[1] if w.hpa else w.replicas for w in ws]
        return sum(reps), sum((w.per_pod.times(n) for w, n in zip(ws, reps)), Amounts())

    def as_dict(self) -> dict:
        """JSON shape: ``{"components": [{"name", "pods", "storage", **Amounts, "workloads": [...]}],
        "totals": {"pods", "storage", "memory_emptydir", **Amounts}, "totals_at_hpa_max"?,
        "daemonset_nodes", "notes", "skipped"}``; bytes are ints, cores decimal strings.  Returns: dict."""
        out = {"components": [], "daemonset_nodes": self.daemonset_nodes}
        for g in self.groups:
            out["components"].append({
                "name": g.name, "pods": g.pods, "storage": g.storage, **g.total.as_dict(),
                "workloads": [{"kind": w.kind, "name": w.name, "replicas": w.replicas,
                               "hpa": {"min": w.hpa[0], "max": w.hpa[1]} if w.hpa else None,
                               "per_pod": w.per_pod.as_dict(), "storage_per_pod": w.storage_per_pod,
                               "memory_emptydir_per_pod": w.memory_emptydir_per_pod,
                               "missing": w.missing} for w in g.workloads]})
        out["totals"] = {"pods": self.pods, "storage": self.storage,
                         "memory_emptydir": self.memory_emptydir, **self.total.as_dict()}
        at_max = self.total_at_hpa_max()
        if at_max:
            out["totals_at_hpa_max"] = {"pods": at_max[0], **at_max[1].as_dict()}
        out["notes"], out["skipped"] = list(self.notes), list(self.skipped)
        return out


# ---------------------------------------------------------------- computing
def _bytes(value) -> int:
    return int(math.ceil(parse_quantity(value)))


def container_amounts(container: dict, where: str = "") -> tuple[Amounts, list[str]]:
    """Requests and limits of one container.

    A request that is absent while the limit is set takes the limit's value (API defaulting:
    kubernetes.io/docs/concepts/configuration/manage-resources-containers/#requests-and-limits);
    anything still absent counts as 0 and is listed in missing.
    Args: container: a container dict; where: prefix for error messages.
    Returns: (Amounts, missing): cores (Decimal) and bytes (int, rounded up); missing like
        ``["container 'app': limits.cpu"]``.
    Raises: ValueError naming the field when a value is not a quantity."""
    res = container.get("resources") or {}
    label = f"container '{container.get('name', '?')}'"
    values, missing = {}, []
    for kind, resource in _FIELDS:
        raw = (res.get(kind) or {}).get(resource)
        if raw is None and kind == "requests":
            raw = (res.get("limits") or {}).get(resource)
        if raw is None:
            missing.append(f"{label}: {kind}.{resource}")
            values[(kind, resource)] = 0
            continue
        try:
            values[(kind, resource)] = parse_quantity(raw) if resource == "cpu" else _bytes(raw)
        except ValueError as exc:
            raise ValueError(f"{where}{label}: resources.{kind}.{resource}: {exc}") from None
    return Amounts(*(values[f] for f in _FIELDS)), missing


def pod_amounts(pod_spec: dict, where: str = "") -> tuple[Amounts, list[str]]:
    """Effective requests and limits of one pod, per resource:
    max(effective init value, sum over containers + sum over sidecars), where the effective init
    value is the max over init containers of (its value + the sidecars listed before it).
    Without sidecars: max(max over init containers, sum over containers). Pod-level
    ``spec.resources`` (PodLevelResources), when it sets a value, is used instead.
    Args: pod_spec: a pod spec dict; where: prefix for error messages.
    Returns: (Amounts, missing) as container_amounts.  Raises: ValueError for a bad quantity.
    Source: kubernetes.io/docs/concepts/resource-management/effective-pod-requests-limits/
    """
    missing: list[str] = []
    running, init_peak, sidecars = Amounts(), Amounts(), Amounts()
    for c in pod_spec.get("initContainers") or []:
        amounts, miss = container_amounts(c, where)
        missing += [m.replace("container", "init container", 1) for m in miss]
        if c.get("restartPolicy") == "Always":
            sidecars = sidecars + amounts
            phase = sidecars
        else:
            phase = sidecars + amounts
        init_peak = Amounts(*(max(init_peak.get(k, r), phase.get(k, r)) for k, r in _FIELDS))
    for c in pod_spec.get("containers") or []:
        amounts, miss = container_amounts(c, where)
        missing += miss
        running = running + amounts
    running = running + sidecars
    values = [max(init_peak.get(k, r), running.get(k, r)) for k, r in _FIELDS]
    pod_level = pod_spec.get("resources") or {}
    for i, (kind, resource) in enumerate(_FIELDS):
        raw = (pod_level.get(kind) or {}).get(resource)
        if raw is not None:
            try:
                values[i] = parse_quantity(raw) if resource == "cpu" else _bytes(raw)
            except ValueError as exc:
                raise ValueError(f"{where}pod resources.{kind}.{resource}: {exc}") from None
            missing = [m for m in missing if not m.endswith(f"{kind}.{resource}")]
    return Amounts(*values), missing


def _group_name(obj: dict) -> str:
    meta = obj.get("metadata") or {}
    labels = meta.get("labels") or {}
    chart, component = labels.get(NAME_LABEL), labels.get(COMPONENT_LABEL)
    if chart and component:
        return f"{chart}/{component}"
    return str(component or chart or meta.get("name", "?"))


def _is_helm_test(obj: dict) -> bool:
    hook = ((obj.get("metadata") or {}).get("annotations") or {}).get("helm.sh/hook", "")
    return "test" in str(hook)


def footprint(objects, daemonset_nodes: int = 1) -> Report:
    """Footprint of a render.

    Workloads: Deployment, StatefulSet, DaemonSet (helm test hooks skipped; Jobs, CronJobs, Pods
    and other kinds are listed in skipped when they run containers). Replicas: spec.replicas
    (API default 1; when absent and an HPA targets the workload, its minReplicas); DaemonSets run
    daemonset_nodes pods (stated in notes). An HPA's min..max is recorded on the workload and in
    total_at_hpa_max(). Storage: volumeClaimTemplates requests x replicas, plus every standalone
    PersistentVolumeClaim once (grouped with the workload that mounts it, else by its own labels).
    Memory-medium emptyDir sizeLimits are summed separately (they count against the pod's memory).
    Groups: ``<app.kubernetes.io/name>/<app.kubernetes.io/component>`` of the workload.
    Args: objects: rendered objects (chartsuite.helm.render); daemonset_nodes: int >= 0.
    Returns: Report.  Raises: ValueError for a value that is not a quantity (message names the
        object, container and field) or a negative daemonset_nodes.
    """
    if daemonset_nodes < 0:
        raise ValueError(f"daemonset_nodes must be >= 0, not {daemonset_nodes}")
    objects = list(objects)
    hpas: dict[tuple[str, str], tuple[int, int]] = {}
    for obj in objects:
        if obj.get("kind") == "HorizontalPodAutoscaler":
            spec = obj.get("spec") or {}
            ref = spec.get("scaleTargetRef") or {}
            hpas[(ref.get("kind"), ref.get("name"))] = (int(spec.get("minReplicas", 1)),
                                                        int(spec.get("maxReplicas", 1)))
    groups: dict[str, Group] = {}
    claim_group: dict[str, str] = {}
    report = Report([], daemonset_nodes)
    for obj in objects:
        kind, meta = obj.get("kind"), obj.get("metadata") or {}
        name, spec = meta.get("name", "?"), obj.get("spec") or {}
        ident = f"{kind}/{name}"
        if kind not in WORKLOAD_KINDS or _is_helm_test(obj):
            if kind in ("Job", "CronJob", "Pod", "ReplicaSet") or _is_helm_test(obj):
                why = "helm test hook" if _is_helm_test(obj) else "not a long-running workload"
                report.skipped.append(f"{ident} ({why})")
            continue
        pod_spec = (spec.get("template") or {}).get("spec") or {}
        per_pod, missing = pod_amounts(pod_spec, f"{ident}: ")
        hpa = hpas.get((kind, name))
        if kind == "DaemonSet":
            replicas = daemonset_nodes
            report.notes.append(f"{ident}: DaemonSet, assumed to run on {daemonset_nodes} "
                                f"node{'s' if daemonset_nodes != 1 else ''} (--daemonset-nodes)")
        else:
            replicas = int(spec["replicas"]) if spec.get("replicas") is not None else (hpa[0] if hpa else 1)
        if hpa:
            report.notes.append(f"{ident}: HorizontalPodAutoscaler scales it from {hpa[0]} to {hpa[1]} "
                                f"replicas (totals use {replicas})")
        storage = 0
        for tpl in (spec.get("volumeClaimTemplates") or []) if kind == "StatefulSet" else []:
            raw = (((tpl.get("spec") or {}).get("resources") or {}).get("requests") or {}).get("storage")
            tname = (tpl.get("metadata") or {}).get("name", "?")
            if raw is None:
                missing.append(f"volumeClaimTemplate '{tname}': requests.storage")
                continue
            try:
                storage += _bytes(raw)
            except ValueError as exc:
                raise ValueError(f"{ident}: volumeClaimTemplate '{tname}': {exc}") from None
        mem_dir = 0
        group = _group_name(obj)
        for vol in pod_spec.get("volumes") or []:
            ed = vol.get("emptyDir")
            if isinstance(ed, dict) and ed.get("medium") == "Memory":
                if ed.get("sizeLimit") is None:
                    report.notes.append(f"{ident}: memory emptyDir '{vol.get('name')}' has no "
                                        "sizeLimit (bounded only by the pod's memory limit)")
                else:
                    mem_dir += _bytes(ed["sizeLimit"])
            claim = (vol.get("persistentVolumeClaim") or {}).get("claimName")
            if claim:
                claim_group.setdefault(claim, group)
        for m in missing:
            report.notes.append(f"{ident}: {m} not set, counted as 0")
        groups.setdefault(group, Group(group)).workloads.append(
            Workload(kind, name, group, replicas, per_pod, storage, mem_dir, hpa, missing))
    for obj in objects:
        if obj.get("kind") != "PersistentVolumeClaim":
            continue
        name = (obj.get("metadata") or {}).get("name", "?")
        raw = ((((obj.get("spec") or {}).get("resources") or {}).get("requests")) or {}).get("storage")
        if raw is None:
            report.notes.append(f"PersistentVolumeClaim/{name}: requests.storage not set, counted as 0")
            continue
        try:
            size = _bytes(raw)
        except ValueError as exc:
            raise ValueError(f"PersistentVolumeClaim/{name}: {exc}") from None
        group = claim_group.get(name) or _group_name(obj)
        groups.setdefault(group, Group(group)).pvc_storage += size
    report.groups = list(groups.values())
    return report


def over_capacity(report: Report, cpu: Decimal | None = None, memory: int | None = None) -> list[str]:
    """Compare total requests with a capacity (a node's or the cluster's allocatable).

    Args: report: Report; cpu: cores (Decimal) or None (not compared); memory: bytes (int) or None.
    Returns: one line per exceeded resource (``CPU requests 4.2 exceed the capacity 4``); [] fits."""
    out, total = [], report.total
    if cpu is not None and total.cpu_requests > cpu:
        out.append(f"CPU requests {cores(total.cpu_requests)} exceed the capacity {cores(cpu)}")
    if memory is not None and total.memory_requests > memory:
        out.append(f"memory requests {size(total.memory_requests)} exceed the capacity {size(memory)}")
    return out


# ---------------------------------------------------------------- formatting
def cores(value: Decimal) -> str:
    """Cores without trailing zeros, to the millicore: Decimal("2.350") -> ``"2.35"``.

    Args: value: cores (Decimal, int or numeric str).  Returns: str, rounded half-even to 0.001.
    Raises: decimal.InvalidOperation for a value that is not a number."""
    text = format(Decimal(value).quantize(Decimal("0.001")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def size(n: int) -> str:
    """Bytes as ``1.125GiB`` (>= 1 GiB: GiB rounded half-even to 3 decimals at most), ``384MiB``
    (below 1 GiB: MiB rounded up), or ``0``.  Args: n: bytes (int >= 0).  Returns: str."""
    if n == 0:
        return "0"
    if n >= 2**30:
        text = format((Decimal(n) / 2**30).quantize(Decimal("0.001")), "f")
        return text.rstrip("0").rstrip(".") + "GiB"
    return f"{math.ceil(n / 2**20)}MiB"


def totals_line(report: Report, label: str) -> str:
    """``footprint <label>: <n> pods, CPU requests X (limits Y), memory requests X (limits Y),
    storage Z`` (cores as cores(), bytes as size()).
    Args: report: Report; label: str, e.g. ``hdfs [examples/x.yaml]``.  Returns: str."""
    t = report.total
    return (f"footprint {label}: {report.pods} pods, CPU requests {cores(t.cpu_requests)} "
            f"(limits {cores(t.cpu_limits)}), memory requests {size(t.memory_requests)} "
            f"(limits {size(t.memory_limits)}), storage {size(report.storage)}")


def format_table(report: Report) -> str:
    """The text report: one row per component (pods marked ``*`` when a DaemonSet or an HPA makes
    the count an assumption), a TOTAL row, the HPA maximum and memory emptyDir lines when they apply,
    then notes and skipped objects.  Units: cores, and bytes as size().
    Args: report: Report.  Returns: str (lines joined by newlines, no trailing newline)."""
    head = ("COMPONENT", "PODS", "CPU REQ", "CPU LIM", "MEM REQ", "MEM LIM", "STORAGE")
    rows = []
    for g in report.groups:
        t = g.total
        pods = str(g.pods) + ("*" if any(w.hpa or w.kind == "DaemonSet" for w in g.workloads) else "")
        rows.append((g.name, pods, cores(t.cpu_requests), cores(t.cpu_limits),
                     size(t.memory_requests), size(t.memory_limits), size(g.storage)))
    t = report.total
    rows.append(("TOTAL", str(report.pods), cores(t.cpu_requests), cores(t.cpu_limits),
                 size(t.memory_requests), size(t.memory_limits), size(report.storage)))
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip()
             for r in [head] + rows]
    at_max = report.total_at_hpa_max()
    if at_max:
        lines.append(f"at HPA maximum: {at_max[0]} pods, CPU requests {cores(at_max[1].cpu_requests)}, "
                     f"memory requests {size(at_max[1].memory_requests)}")
    if report.memory_emptydir:
        lines.append(f"memory-backed emptyDir sizeLimits: {size(report.memory_emptydir)} "
                     "(within the pods' memory limits)")
    lines += [f"* {n}" if ("DaemonSet" in n or "HorizontalPodAutoscaler" in n) else f"note: {n}"
              for n in report.notes]
    lines += [f"skipped: {s}" for s in report.skipped]
    return "\n".join(lines)
