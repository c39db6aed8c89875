"""Checks on rendered Kubernetes objects: API schema (strict), references, container hygiene."""
from __future__ import annotations

import functools
import json
import re
from importlib.resources import files
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml
from jsonschema import Draft7Validator, Draft202012Validator
from jsonschema.exceptions import best_match
from kubernetes_validate import utils
from referencing import Registry, Resource

from chartsuite.errors import UsageError
from chartsuite.model.kube import DEFAULT_KUBE_VERSIONS
from chartsuite.model.paths import TOOLS_BIN_DIR
from chartsuite.model.yamlio import Loader, load_values

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod")


def _name(obj: dict) -> str:
    return f"{obj.get('kind', '?')}/{(obj.get('metadata') or {}).get('name', '?')}"


# ---------------------------------------------------------------- strict API schema validation
@functools.lru_cache(maxsize=None)
def supported_versions() -> tuple[str, ...]:
    """Kubernetes versions whose schemas the installed kubernetes-validate ships (``"1.29.0"``...).

    Returns: tuple sorted oldest first.
    """

    return tuple(sorted(set(utils.all_versions()), key=_mm))


def schema_version(requested: str) -> str:
    """Map a requested version (``"1.29"``, ``"v1.35.2"``) to the shipped schema version used for
    it: the newest shipped version whose major.minor is not newer than the request (the same
    choice kubernetes_validate.validate makes).

    Args: requested: version string.  Returns: e.g. ``"1.29.0"``.
    Raises: ValueError when the request is newer than the newest shipped schema or older than all.
    """
    want = _mm(requested)
    shipped = supported_versions()
    if want > _mm(shipped[-1]):
        raise ValueError(f"kubernetes-validate has schemas up to {shipped[-1]}, not {requested}")
    older = [v for v in shipped if _mm(v) <= want]
    if not older:
        raise ValueError(f"kubernetes-validate has schemas from {shipped[0]}, not {requested}")
    return older[-1]


def _mm(version: str) -> tuple[int, int]:
    m = re.match(r"^v?(\d+)\.(\d+)", version)
    if not m:
        raise ValueError(f"not a Kubernetes version: {version!r}")
    return int(m.group(1)), int(m.group(2))


@functools.lru_cache(maxsize=None)
def _registry(schema_dir: str):

    base = files("kubernetes_validate").joinpath("kubernetes-json-schema", schema_dir)
    defs = json.loads(base.joinpath("_definitions.json").read_text())
    return Resource.from_contents(defs) @ Registry(), base


@functools.lru_cache(maxsize=None)
def _validator(schema_dir: str, filename: str):
    """Cached Draft 2020-12 validator for one kind/apiVersion schema (as kubernetes-validate
    builds it), or None when no such schema is shipped."""

    registry, base = _registry(schema_dir)
    ref = base.joinpath(filename)
    if not ref.is_file():
        return None
    schema = json.loads(ref.read_text())
    return Draft202012Validator(schema, registry=Resource.from_contents(schema) @ registry)


def _is_builtin_group(api_version: str) -> bool:
    group = api_version.split("/", 1)[0] if "/" in api_version else ""
    return group == "" or "." not in group or group.endswith(".k8s.io")


CRD_DIR = TOOLS_BIN_DIR / "crds"  # bin/setup writes CustomResourceDefinitions here (tools/go/README.md)


@functools.lru_cache(maxsize=None)
def crd_validator(api_version: str, kind: str, crd_dir: Path = CRD_DIR):
    """A validator for a custom resource from its CustomResourceDefinition in crd_dir, or None.

    Args: api_version: ``<group>/<version>``; kind: the resource kind; crd_dir: directory of CRD YAML
        files (``<group>_<plural>.yaml``, as controller-gen names them).
    Returns: a Draft 7 validator of the version's ``openAPIV3Schema`` (unknown fields refused where
        the CRD's structural schema does not preserve them: the API server prunes them silently) with
        apiVersion, kind and metadata required, or None when no CRD there serves that kind and version.
    Source: prometheus-operator's CRDs, generated from its API types by controller-gen (bin/setup)."""
    group, _, version = api_version.rpartition("/")
    for path in sorted(Path(crd_dir).glob(f"{group}_*.yaml")) if Path(crd_dir).is_dir() else []:
        crd = yaml.safe_load(path.read_text())
        if (crd.get("spec") or {}).get("names", {}).get("kind") != kind:
            continue
        for served in crd["spec"].get("versions") or []:
            if served.get("name") == version:
                schema = _closed(served["schema"]["openAPIV3Schema"])
                schema.setdefault("required", [])
                schema["required"] = sorted(set(schema["required"]) | {"apiVersion", "kind", "metadata"})
                return Draft7Validator(schema)
    return None


def _closed(schema):
    """A structural schema with ``additionalProperties: false`` wherever properties are listed and
    unknown fields are not preserved (x-kubernetes-preserve-unknown-fields): a typo in a field name is
    an error here, as kubectl's strict validation reports it."""
    if isinstance(schema, dict):
        out = {k: _closed(v) for k, v in schema.items()}
        if "properties" in out and "additionalProperties" not in out \
                and not out.get("x-kubernetes-preserve-unknown-fields"):
            out["additionalProperties"] = False
        if "metadata" in out.get("properties", {}) and out["properties"]["metadata"] == {"type": "object", "additionalProperties": False}:
            out["properties"]["metadata"] = {"type": "object"}
        return out
    if isinstance(schema, list):
        return [_closed(v) for v in schema]
    return schema


def validate_objects(objects: Iterable[dict], kube_versions: Iterable[str] = DEFAULT_KUBE_VERSIONS,
                     strict: bool = True) -> list[str]:
    """Validate objects against the Kubernetes OpenAPI schemas shipped by kubernetes-validate.

    Args: objects: rendered objects; kube_versions: versions to check (``"1.29"`` or
        ``"1.29.0"``, each mapped by schema_version); strict: reject unknown fields (the
        ``-strict`` schemas, like ``kubectl apply --validate=strict``).
    Returns: one message per error, ``Kind/name [k8s 1.29]: path: message``; an unknown kind of a
        built-in API group (e.g. a removed ``policy/v1beta1``) is an error; kinds of other API
        groups are validated against their CustomResourceDefinition when bin/setup put one in CRD_DIR
        (crd_validator; the message says ``[CRD <apiVersion>]``) and skipped otherwise. [] when
        everything is valid.
    Raises: ValueError for a version kubernetes-validate does not ship.
    Source: kubernetes-validate (schema files ``v<ver>-local[-strict]/<kind>-<group>-<ver>.json``).
    """

    objects = list(objects)
    out: list[str] = []
    for index, requested in enumerate(kube_versions):
        version = schema_version(requested)
        schema_dir = f"v{version}-local" + ("-strict" if strict else "")
        label = ".".join(version.split(".")[:2])
        for obj in objects:
            api_version, kind = str(obj.get("apiVersion", "")), str(obj.get("kind", ""))
            if not api_version or not kind:
                out.append(f"{_name(obj)} [k8s {label}]: apiVersion and kind are required")
                continue
            group_ver = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
            validator = _validator(schema_dir, f"{kind.lower()}-{group_ver}.json")
            where = f"k8s {label}"
            if validator is None:
                if _is_builtin_group(api_version):
                    out.append(f"{_name(obj)} [k8s {label}]: no {kind} in {api_version} "
                               f"in Kubernetes {label}")
                    continue
                # A custom resource: one schema whatever the Kubernetes version, checked once.
                validator = crd_validator(api_version, kind) if index == 0 else None
                if validator is None:
                    continue
                where = f"CRD {api_version}"
            for err in validator.iter_errors(obj):
                if err.context:
                    err = best_match(err.context) or err
                path = _fmt_path(err.absolute_path) or "(root)"
                msg = err.message if len(err.message) <= 300 else err.message[:297] + "..."
                out.append(f"{_name(obj)} [{where}]: {path}: {msg}")
    return out


def _fmt_path(parts) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


# ---------------------------------------------------------------- pod specs
def pod_specs(obj: dict) -> Iterator[tuple[dict, dict]]:
    """(pod template metadata, pod spec) pairs of a workload object (none for other kinds).

    Args: obj: a rendered object.  Yields: (metadata dict, spec dict).
    """
    kind, spec = obj.get("kind"), obj.get("spec") or {}
    if kind == "Pod":
        yield obj.get("metadata") or {}, spec
    elif kind == "CronJob":
        tpl = (((spec.get("jobTemplate") or {}).get("spec") or {}).get("template")) or {}
        yield tpl.get("metadata") or {}, tpl.get("spec") or {}
    elif kind in WORKLOAD_KINDS:
        tpl = spec.get("template") or {}
        yield tpl.get("metadata") or {}, tpl.get("spec") or {}


def _containers(spec: dict) -> Iterator[tuple[str, dict]]:
    for section in ("initContainers", "containers", "ephemeralContainers"):
        for c in spec.get(section) or []:
            yield section, c


# ---------------------------------------------------------------- references
def _provided(user_provided: frozenset, kind: str, name: str) -> bool:
    return name in user_provided or f"{kind}/{name}" in user_provided


def check_references(objects: Iterable[dict], user_provided: Iterable[str] = frozenset()) -> list[str]:
    """Cross-object references inside one render.

    Checks: every Service selector matches the pod template labels of some workload
    (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod); every ConfigMap/Secret
    named by volumes, projected sources, envFrom and env valueFrom, every PVC claimName (except a
    StatefulSet's own volumeClaimTemplates) and every serviceAccountName (except ``default``)
    exists in the render or is user-provided; refs marked ``optional: true`` may be absent; every
    volumeMount names a pod volume (or a volumeClaimTemplate of its StatefulSet).
    Args: objects: rendered objects; user_provided: names the chart documents as provided by the
        user (plain ``name`` or ``Kind/name``).
    Returns: one message per problem naming Kind/name and the container or volume; [] when fine.
    """
    objects = list(objects)
    provided = frozenset(user_provided)
    have: dict[str, set[str]] = {}
    for obj in objects:
        have.setdefault(obj.get("kind", ""), set()).add((obj.get("metadata") or {}).get("name", ""))
    out: list[str] = []

    def need(owner: str, kind: str, name: Any, where: str, optional: bool = False) -> None:
        if not name or optional or name in have.get(kind, set()) or _provided(provided, kind, name):
            return
        out.append(f"{owner}: {where} references {kind} '{name}' which is not in the render "
                   f"(and not documented as user-provided)")

    templates = []
    for obj in objects:
        owner = _name(obj)
        claim_templates = set()
        if obj.get("kind") == "StatefulSet":
            claim_templates = {(t.get("metadata") or {}).get("name")
                               for t in (obj.get("spec") or {}).get("volumeClaimTemplates") or []}
        for meta, spec in pod_specs(obj):
            templates.append((owner, meta.get("labels") or {}))
            sa = spec.get("serviceAccountName") or spec.get("serviceAccount")
            if sa and sa != "default":
                need(owner, "ServiceAccount", sa, "serviceAccountName")
            volume_names = set()
            for vol in spec.get("volumes") or []:
                vname = vol.get("name")
                volume_names.add(vname)
                where = f"volume '{vname}'"
                if "configMap" in vol:
                    cm = vol["configMap"] or {}
                    need(owner, "ConfigMap", cm.get("name"), where, bool(cm.get("optional")))
                if "secret" in vol:
                    sec = vol["secret"] or {}
                    need(owner, "Secret", sec.get("secretName"), where, bool(sec.get("optional")))
                if "persistentVolumeClaim" in vol:
                    claim = (vol["persistentVolumeClaim"] or {}).get("claimName")
                    if claim not in claim_templates:
                        need(owner, "PersistentVolumeClaim", claim, where)
                for src in ((vol.get("projected") or {}).get("sources") or []):
                    if "configMap" in src:
                        cm = src["configMap"] or {}
                        need(owner, "ConfigMap", cm.get("name"), where, bool(cm.get("optional")))
                    if "secret" in src:
                        sec = src["secret"] or {}
                        need(owner, "Secret", sec.get("name"), where, bool(sec.get("optional")))
            for section, c in _containers(spec):
                cname = c.get("name", "?")
                where = f"container '{cname}'"
                for ef in c.get("envFrom") or []:
                    if "configMapRef" in ef:
                        r = ef["configMapRef"] or {}
                        need(owner, "ConfigMap", r.get("name"), where + " envFrom", bool(r.get("optional")))
                    if "secretRef" in ef:
                        r = ef["secretRef"] or {}
                        need(owner, "Secret", r.get("name"), where + " envFrom", bool(r.get("optional")))
                for env in c.get("env") or []:
                    vf = env.get("valueFrom") or {}
                    if "configMapKeyRef" in vf:
                        r = vf["configMapKeyRef"] or {}
                        need(owner, "ConfigMap", r.get("name"), f"{where} env {env.get('name')}",
                             bool(r.get("optional")))
                    if "secretKeyRef" in vf:
                        r = vf["secretKeyRef"] or {}
                        need(owner, "Secret", r.get("name"), f"{where} env {env.get('name')}",
                             bool(r.get("optional")))
                for vm in c.get("volumeMounts") or []:
                    mname = vm.get("name")
                    if mname not in volume_names and mname not in claim_templates:
                        out.append(f"{owner}: {where} mounts volume '{mname}' which is neither a "
                                   "pod volume nor a volumeClaimTemplate")

    for obj in objects:
        if obj.get("kind") != "Service":
            continue
        selector = (obj.get("spec") or {}).get("selector") or {}
        if not selector:
            continue  # ExternalName or manually managed endpoints
        if not any(all(labels.get(k) == v for k, v in selector.items()) for _, labels in templates):
            sel = ", ".join(f"{k}={v}" for k, v in sorted(selector.items()))
            out.append(f"{_name(obj)}: selector {{{sel}}} matches no pod template in the render")
    return out


# ---------------------------------------------------------------- containers
def _is_helm_test(obj: dict) -> bool:
    hook = ((obj.get("metadata") or {}).get("annotations") or {}).get("helm.sh/hook", "")
    return "test" in str(hook)


def check_containers(objects: Iterable[dict]) -> list[str]:
    """Container hygiene of every workload.

    Checks: every container and init container sets resources.limits.memory and
    resources.requests (cpu and memory); every long-running container (regular containers and
    native sidecars, i.e. init containers with ``restartPolicy: Always``; not those of Jobs,
    CronJobs or helm test Pods, whose ``helm.sh/hook`` annotation contains ``test``) has a
    readinessProbe and a livenessProbe.
    Args: objects: rendered objects.
    Returns: one message per problem, ``Kind/name: container 'c': ...``; [] when fine.
    Source: the charts' JVM heap is sized from the container memory limit (-XX:MaxRAMPercentage), and
    persistent data must not sit on an emptyDir.
    """
    out: list[str] = []
    for obj in objects:
        owner = _name(obj)
        batch = obj.get("kind") in ("Job", "CronJob") or (obj.get("kind") == "Pod" and _is_helm_test(obj))
        for _meta, spec in pod_specs(obj):
            for section, c in _containers(spec):
                if section == "ephemeralContainers":
                    continue
                label = ("init container" if section == "initContainers" else "container")
                where = f"{owner}: {label} '{c.get('name', '?')}'"
                res = c.get("resources") or {}
                limits, requests = res.get("limits") or {}, res.get("requests") or {}
                if not limits.get("memory"):
                    out.append(f"{where}: resources.limits.memory is not set")
                missing = [r for r in ("cpu", "memory") if not requests.get(r)]
                if missing:
                    out.append(f"{where}: resources.requests.{' and '.join(missing)} not set")
                long_running = section == "containers" or c.get("restartPolicy") == "Always"
                if long_running and not batch:
                    for probe in ("readinessProbe", "livenessProbe"):
                        if not c.get(probe):
                            out.append(f"{where}: has no {probe}")
    return out


def load_user_provided(chart_dir: Path) -> frozenset[str]:
    """Names in ``<chart_dir>/user-provided.yaml`` (optional file).

    Args: chart_dir.  Returns: frozenset of ``name`` and ``Kind/name`` strings (empty when absent).
    Raises: UsageError when the file does not parse or is not a list of names / {kind, name} maps.
    """

    path = chart_dir / "user-provided.yaml"
    if not path.is_file():
        return frozenset()
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader) or []
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: invalid YAML: {exc}") from None
    if not isinstance(data, list):
        raise UsageError(f"{path}: must be a list of names or {{kind, name}} maps")
    names = set()
    for item in data:
        if isinstance(item, str):
            names.add(item)
        elif isinstance(item, dict) and item.get("name"):
            names.add(f"{item['kind']}/{item['name']}" if item.get("kind") else str(item["name"]))
        else:
            raise UsageError(f"{path}: entry {item!r} is neither a name nor a {{kind, name}} map")
    return frozenset(names)


# Values keys whose string values name objects the user creates (existing Secrets, claims, ConfigMaps such as krb5.conf, and the
# client ConfigMap of an HDFS installed separately), at any depth of a values file.
USER_PROVIDED_KEYS = frozenset({"existingSecret", "existingClaim", "configMap", "existingConfigMap"})


def user_provided_from_values(values_files) -> frozenset[str]:
    """Names a values file hands in as existing objects (``existingSecret``, ``existingClaim``,
    ``configMap`` keys at any depth). Args: iterable of paths. Returns: frozenset of names.
    Raises: UsageError when a file does not parse."""

    names = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in USER_PROVIDED_KEYS and isinstance(value, str) and value:
                    names.add(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for f in values_files:
        walk(load_values(Path(f), str(f)))
    return frozenset(names)


def check_objects(objects: list[dict], kube_versions: Iterable[str],
                  user_provided: frozenset[str] = frozenset()) -> list[str]:
    """Every manifest check on one render: strict API schemas, references, containers.

    Args: objects: rendered objects; kube_versions: versions such as "1.29" or "1.29.0" (schema_version
        maps them); user_provided: names the user creates (load_user_provided, user_provided_from_values).
    Returns: list of problem messages ([] when clean). Raises: ValueError for an unshipped version.
    """
    return (validate_objects(objects, kube_versions) + check_references(objects, user_provided)
            + check_containers(objects))
