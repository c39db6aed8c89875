"""Reusable JSON Schema (draft-07) blocks for chart values.

Every function returns a fresh dict, so callers may extend the result.
Component objects are closed (``additionalProperties: false``) so a typo in a
values file is reported as an unknown key; Kubernetes pass-through objects
(affinity, tolerations, security contexts, extra volumes) stay open because
the API server validates them.

Kubernetes pass-through objects (affinity, tolerations, topology spread constraints, security
contexts, extra env/volumes/mounts) are checked against the Kubernetes API schema itself: their
definitions are copied from kubernetes-validate's strict schemas of Kubernetes 1.29 (the oldest
version the suite validates renders against, chartsuite.model.kube.DEFAULT_KUBE_VERSIONS) into the
document's ``definitions``, so a typo or a wrong type there fails ``helm install`` with the value's
path instead of rendering an object the API server rejects.

Sources: Kubernetes resource.Quantity syntax (k8s.io/apimachinery), the Kubernetes OpenAPI schema
(via kubernetes-validate), the conventions of the chart READMEs (one block per
Kubernetes pass-through, quantities as Kubernetes writes them).
"""
import functools
import json
import re
from importlib.resources import files

from chartsuite.model.kube import DEFAULT_KUBE_VERSIONS

# A positive decimal (at least one non-zero digit) with an optional binary/decimal suffix or
# exponent. A sign is never accepted, so negative and zero sizes are rejected. (No look-ahead:
# Helm 3 validates patterns with Go's RE2.)
QUANTITY_PATTERN = (r"^([0-9]*[1-9][0-9]*(\.[0-9]*)?|[0-9]*\.[0-9]*[1-9][0-9]*)"
                    r"([eE][0-9]+|[KMGTPE]i|[mkMGTPE])?$")
# Resource names besides cpu, memory and ephemeral-storage: hugepages-<size> and extended
# resources, which Kubernetes requires to be domain-prefixed (e.g. nvidia.com/gpu).
EXTENDED_RESOURCE_PATTERN = (r"^(hugepages-[0-9]+[KMGTPE]i|"
                             r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$")
# The oldest Kubernetes version renders are validated against (the schemas are that version's).
K8S_SCHEMA_VERSION = DEFAULT_KUBE_VERSIONS[0]
QUANTITY_DESCRIPTION = "a positive Kubernetes quantity such as 500m, 2, 512Mi or 10Gi"
# Hadoop reads sizes with StringUtils.TraditionalBinaryPrefix.string2long: a binary prefix in either case.
HADOOP_SIZE_PATTERN = r"^[0-9]+[kKmMgGtTpPeE]?$"


def desc(schema, text):
    """Set ``description`` on a schema.

    Args: schema: a schema dict (modified in place); text: str.  Returns: the same dict."""
    schema["description"] = text
    return schema


def string(description=None, **extra):
    """A string property.

    Args: description: str or None (no ``description`` key when empty); extra: further JSON Schema
        keywords copied in (pattern, enum, minLength, ...).
    Returns: a JSON Schema (draft-07) dict ``{"type": "string", **extra, "description"?}``."""
    s = {"type": "string", **extra}
    if description:
        s["description"] = description
    return s


def boolean(description=None):
    """A boolean property.

    Args: description: str or None (no ``description`` key when empty).
    Returns: a JSON Schema (draft-07) dict ``{"type": "boolean", "description"?}``."""
    s = {"type": "boolean"}
    if description:
        s["description"] = description
    return s


# Helm holds every number of a values file as a float64 and a template prints it with Go's %v,
# which switches to exponent form from one million on (1000000 -> 1e+06, 2147483647 ->
# 2.147483647e+09). Neither the Kubernetes API (integer fields) nor the Hadoop, Spark and ZooKeeper
# configuration parsers accept that, so integers the charts print are capped below it.
MAX_PRINTED_INTEGER = 999999


def integer(description=None, minimum=None, maximum=MAX_PRINTED_INTEGER):
    """An integer property with inclusive bounds.

    Args: description: str or None; minimum, maximum: int or None (None: no bound); maximum defaults to
        MAX_PRINTED_INTEGER (999999: Helm prints larger numbers in exponent form, see above).
    Returns: a JSON Schema (draft-07) dict ``{"type": "integer", "minimum"?, "maximum"?, "description"?}``."""
    s = {"type": "integer"}
    if minimum is not None:
        s["minimum"] = minimum
    if maximum is not None:
        s["maximum"] = maximum
    if description:
        s["description"] = description
    return s


def port(description="TCP port"):
    """A TCP port number, 1..65535 (the range Kubernetes accepts for containerPort and Service
    port, core/v1).  Args: description: str.  Returns: an integer() dict with minimum 1, maximum 65535."""
    return integer(description, 1, 65535)


def string_map(description=None):
    """A map of string to string (labels, annotations, nodeSelector).

    Args: description: str or None.
    Returns: a JSON Schema (draft-07) dict ``{"type": "object", "additionalProperties": {"type":
        "string"}, "description"?}``."""
    s = {"type": "object", "additionalProperties": {"type": "string"}}
    if description:
        s["description"] = description
    return s


def open_object(description=None):
    """An object passed to Kubernetes as is (validated by the API server, not here).

    Args: description: str or None.
    Returns: a JSON Schema (draft-07) dict ``{"type": "object", "description"?}`` accepting any keys."""
    s = {"type": "object"}
    if description:
        s["description"] = description
    return s


def array(description=None, items=None, **extra):
    """An array.

    Args: description: str or None; items: item schema dict or None (any items); extra: further
        keywords copied in (minItems, maxItems, uniqueItems).
    Returns: a JSON Schema (draft-07) dict ``{"type": "array", **extra, "items"?, "description"?}``."""
    s = {"type": "array", **extra}
    if items is not None:
        s["items"] = items
    if description:
        s["description"] = description
    return s


def closed(properties, description=None, required=None):
    """An object that accepts exactly ``properties``.

    Args: properties: dict name -> schema dict (used as is, not copied); description: str or None;
        required: iterable of property names or None.
    Returns: a JSON Schema (draft-07) dict ``{"type": "object", "additionalProperties": false,
        "properties", "required"?, "description"?}``."""
    s = {"type": "object", "additionalProperties": False, "properties": properties}
    if required:
        s["required"] = list(required)
    if description:
        s["description"] = description
    return s


def quantity(description=QUANTITY_DESCRIPTION):
    """A Kubernetes resource quantity (k8s.io/apimachinery resource.Quantity syntax, positive only).

    Args: description: str.
    Returns: a JSON Schema (draft-07) dict of type string or number: a string must match
        QUANTITY_PATTERN, a number must be > 0 (``exclusiveMinimum: 0``)."""
    return {
        "type": ["string", "number"],
        "pattern": QUANTITY_PATTERN,
        "exclusiveMinimum": 0,
        "description": description,
    }


def size(description="Volume size (" + QUANTITY_DESCRIPTION + ")"):
    """A volume size: a quantity string such as 10Gi (numbers are refused).

    Args: description: str.  Returns: a JSON Schema (draft-07) dict of type string matching QUANTITY_PATTERN."""
    return {"type": "string", "pattern": QUANTITY_PATTERN, "description": description}


def image(description="Container image"):
    """Image block {registry, repository, tag, digest, pullPolicy}.

    Args: description: str.
    Returns: a closed() object dict: repository required (minLength 1); digest ``sha256:<64 hex>`` or
        ""; pullPolicy one of Always, IfNotPresent, Never (core/v1 Container imagePullPolicy)."""
    return closed({
        "registry": string("Image registry (global.imageRegistry overrides it)"),
        "repository": string("Image repository", minLength=1),
        "tag": string("Image tag"),
        "digest": string("Image digest (sha256:...); wins over the tag", pattern=r"^(sha256:[a-f0-9]{64})?$"),
        "pullPolicy": string("Image pull policy", enum=["Always", "IfNotPresent", "Never"]),
    }, description, required=["repository"])


def resources(description="Container resources (requests and limits)"):
    """Container resources {requests, limits} (core/v1 ResourceRequirements).

    Args: description: str.
    Returns: a closed() object dict; requests and limits are closed maps of quantity() values keyed by
        cpu, memory, ephemeral-storage, hugepages-<size> or a domain-prefixed extended resource
        (EXTENDED_RESOURCE_PATTERN, Kubernetes' resource naming rule); any other name (``Memory``,
        ``memroy``) is an unknown key."""
    def amounts(text):
        return {"type": "object", "additionalProperties": False, "description": text,
                "patternProperties": {"^(cpu|memory|ephemeral-storage)$": quantity(),
                                      EXTENDED_RESOURCE_PATTERN: quantity()}}
    return closed({
        "requests": amounts("What the scheduler reserves for the container on its node (cpu, memory, ...)"),
        "limits": amounts("The most the container may use: above the memory limit it is OOM-killed, above "
                          "the cpu limit throttled; the JVM heaps are sized from the memory limit"),
    }, description)


def jvm(extra_opts=True):
    """JVM sizing: the heap follows the container memory limit.

    Args: extra_opts: bool, include ``extraOpts`` (str).
    Returns: a closed() object dict {maxRAMPercentage: integer percent 10..95 (HotSpot
        -XX:MaxRAMPercentage), extraOpts?}."""
    props = {"maxRAMPercentage": integer(
        "Maximum heap as a percentage of the container memory limit (-XX:MaxRAMPercentage)", 10, 95)}
    if extra_opts:
        props["extraOpts"] = string("Extra JVM options")
    return closed(props, "JVM settings")


# Short descriptions of the Kubernetes fields the charts' values set (the Kubernetes schemas' own
# descriptions are dropped: they are long and not ours to copy). Semantics: the Kubernetes API
# reference of PodSecurityContext, SecurityContext, SeccompProfile and Capabilities (core/v1).
K8S_FIELD_DESCRIPTIONS = {
    "runAsUser": "UID the container processes run as (null: the image's USER)",
    "runAsGroup": "Primary GID of the container processes (null: the image's, else 0)",
    "runAsNonRoot": "Refuse to start a container whose user would be root (UID 0)",
    "fsGroup": "Supplementary group of every process; volumes that support it are made group-owned by it",
    "fsGroupChangePolicy": "When the kubelet changes volume ownership to fsGroup: OnRootMismatch (only when the "
                           "volume root differs) or Always",
    "allowPrivilegeEscalation": "Whether a process may gain more privileges than its parent (setuid binaries)",
    "readOnlyRootFilesystem": "Mount the container's root file system read-only (writable paths are volumes)",
    "privileged": "Run the container privileged (every device and capability of the host)",
}
K8S_NESTED_DESCRIPTIONS = {
    "io.k8s.api.core.v1.SeccompProfile": {
        "type": "Seccomp profile: RuntimeDefault (the container runtime's), Localhost or Unconfined"},
    "io.k8s.api.core.v1.Capabilities": {
        "drop": "Linux capabilities removed from the container's processes (ALL: every one)",
        "add": "Linux capabilities added to the container's processes"},
}

# The allowed values of Kubernetes API enum fields that the OpenAPI schema of 1.29 types as plain
# strings (kubernetes-validate's copy has no enums): without them `operator: Exist` in a toleration
# passes the schema and fails only at the API server. Source: k8s.io/api core/v1 types.go and
# k8s.io/apimachinery meta/v1 types.go at v0.29 (TolerationOperator, TaintEffect, NodeSelectorOperator,
# LabelSelectorOperator, UnsatisfiableConstraintAction, NodeInclusionPolicy, SeccompProfileType,
# MountPropagationMode, HostPathType); "" (the field's zero value: unset) is accepted where the API
# accepts it, null where the schema allows null.
K8S_ENUMS = {
    "io.k8s.api.core.v1.Toleration": {
        "operator": ["Exists", "Equal", ""],
        "effect": ["NoSchedule", "PreferNoSchedule", "NoExecute", ""]},
    "io.k8s.api.core.v1.NodeSelectorRequirement": {
        "operator": ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]},
    "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement": {
        "operator": ["In", "NotIn", "Exists", "DoesNotExist"]},
    "io.k8s.api.core.v1.TopologySpreadConstraint": {
        "whenUnsatisfiable": ["DoNotSchedule", "ScheduleAnyway"],
        "nodeAffinityPolicy": ["Honor", "Ignore"],
        "nodeTaintsPolicy": ["Honor", "Ignore"]},
    "io.k8s.api.core.v1.SeccompProfile": {
        "type": ["RuntimeDefault", "Localhost", "Unconfined"]},
    "io.k8s.api.core.v1.VolumeMount": {
        "mountPropagation": ["None", "HostToContainer", "Bidirectional"]},
    "io.k8s.api.core.v1.HostPathVolumeSource": {
        "type": ["", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice",
                 "BlockDevice"]},
}


def _with_enum(field, allowed):
    """``field`` (a cleaned schema node) restricted to ``allowed`` (list of str), keeping a null it allows."""
    nullable = "null" in (field.get("type") if isinstance(field.get("type"), list) else [field.get("type")])
    return {**field, "enum": list(allowed) + ([None] if nullable else [])}


def security_context(description, kind="pod"):
    """A pod (``kind="pod"``, PodSecurityContext) or container (any other kind,
    SecurityContext) security context: the Kubernetes fields, closed, plus the chart's ``enabled`` switch.

    Args: description: str; kind: "pod" or "container".
    Returns: a k8s_inline() dict of io.k8s.api.core.v1.PodSecurityContext or SecurityContext
        (kubernetes-validate's schema of Kubernetes K8S_SCHEMA_VERSION) plus ``enabled`` (boolean);
        runAsUser, runAsGroup, fsGroup get minimum 0 and the fields of K8S_FIELD_DESCRIPTIONS their
        descriptions; every Kubernetes field may be null (unset).
    Raises: KeyError when that schema lacks the type."""
    name = "PodSecurityContext" if kind == "pod" else "SecurityContext"
    s = k8s_inline(f"io.k8s.api.core.v1.{name}", description)
    s["properties"]["enabled"] = boolean("Render this security context")
    for key in ("runAsUser", "runAsGroup", "fsGroup"):
        if key in s["properties"]:
            s["properties"][key]["minimum"] = 0
    for key, text in K8S_FIELD_DESCRIPTIONS.items():
        if key in s["properties"]:
            s["properties"][key]["description"] = text
    return s


@functools.lru_cache(maxsize=None)
def _k8s_definitions():
    """The ``$defs`` of kubernetes-validate's strict Kubernetes K8S_SCHEMA_VERSION schema (dict)."""

    base = files("kubernetes_validate").joinpath(
        "kubernetes-json-schema", f"v{K8S_SCHEMA_VERSION}-local-strict", "_definitions.json")
    return json.loads(base.read_text())["$defs"]


_DROPPED_KEYWORDS = ("description", "format")


def _clean(schema):
    """A Kubernetes schema node made portable: ``#/$defs/X`` refs become ``#/definitions/X``;
    descriptions, formats and ``x-kubernetes-*`` extensions are dropped (annotations only)."""
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, val in schema.items():
        if key in _DROPPED_KEYWORDS or key.startswith("x-kubernetes"):
            continue
        if key == "$ref":
            out[key] = val.replace("#/$defs/", "#/definitions/")
        elif key in ("properties", "patternProperties", "definitions"):
            out[key] = {k: _clean(v) for k, v in val.items()}
        elif key in ("allOf", "anyOf", "oneOf"):
            out[key] = [_clean(v) for v in val]
        elif key in ("items", "additionalProperties", "not"):
            out[key] = _clean(val)
        else:
            out[key] = val
    return out


def k8s(name, description=None):
    """A reference to the Kubernetes API type ``name``; document() copies its definition in.

    Args: name: a definition name in kubernetes-validate's strict schema of Kubernetes
        K8S_SCHEMA_VERSION (e.g. ``io.k8s.api.core.v1.Toleration``); description: str or None.
    Returns: a JSON Schema (draft-07) dict ``{"allOf": [{"$ref": "#/definitions/<name>"}], "description"?}``.
    Raises: KeyError "Kubernetes <version> has no type <name>" when that schema lacks it."""
    if name not in _k8s_definitions():
        raise KeyError(f"Kubernetes {K8S_SCHEMA_VERSION} has no type {name}")
    s = {"allOf": [{"$ref": f"#/definitions/{name}"}]}
    if description:
        s["description"] = description
    return s


def k8s_inline(name, description=None):
    """The Kubernetes API type ``name`` inlined one level (its properties copied, nested types
    referenced as ``#/definitions/...``), so callers can add chart-only keys to the closed object.

    Args: name: as k8s(); description: str or None.
    Returns: a schema dict, type object, ``additionalProperties: false`` (Kubernetes descriptions,
        formats and ``x-kubernetes-*`` keys dropped).
    Raises: KeyError when kubernetes-validate's schema of Kubernetes K8S_SCHEMA_VERSION lacks the type."""
    s = _clean(_k8s_definitions()[name])
    s["type"] = "object"
    s["additionalProperties"] = False
    if description:
        s["description"] = description
    return s


def k8s_definitions(schema):
    """Every Kubernetes definition ``schema`` references, with what those reference in turn.

    Args: schema: a schema dict (not modified).
    Returns: dict name -> cleaned definition from kubernetes-validate's strict schema of Kubernetes
        K8S_SCHEMA_VERSION, with K8S_NESTED_DESCRIPTIONS and K8S_ENUMS applied, sorted by name;
        references to names that schema lacks are left out."""
    defs = _k8s_definitions()
    found, todo = {}, re.findall(r'"#/definitions/([^"]+)"', json.dumps(schema))
    while todo:
        name = todo.pop()
        if name in found or name not in defs:
            continue
        found[name] = _clean(defs[name])
        for field, text in K8S_NESTED_DESCRIPTIONS.get(name, {}).items():
            if field in found[name].get("properties", {}):
                found[name]["properties"][field]["description"] = text
        for field, allowed in K8S_ENUMS.get(name, {}).items():
            if field in found[name].get("properties", {}):
                found[name]["properties"][field] = _with_enum(found[name]["properties"][field], allowed)
        todo += re.findall(r'"#/definitions/([^"]+)"', json.dumps(found[name]))
    return dict(sorted(found.items()))


def probe(description):
    """Probe timings {enabled, initialDelaySeconds, periodSeconds, timeoutSeconds, failureThreshold,
    successThreshold}: fields of core/v1 Probe plus the chart's ``enabled`` switch.

    Args: description: str.
    Returns: a closed() object dict; times are integer seconds (initialDelaySeconds >= 0, the others
        >= 1), thresholds integer counts >= 1, all <= MAX_PRINTED_INTEGER."""
    return closed({
        "enabled": boolean("Enable the probe"),
        "initialDelaySeconds": integer("Seconds after the container starts before the first probe", minimum=0),
        "periodSeconds": integer("Seconds between probes", minimum=1),
        "timeoutSeconds": integer("Seconds a probe may take before it counts as failed", minimum=1),
        "failureThreshold": integer("Failed probes in a row that count as a failure (liveness: restart; "
                                    "readiness: not ready)", minimum=1),
        "successThreshold": integer("Successful probes in a row that count as a success (1 for liveness and "
                                    "startup probes)", minimum=1),
    }, description)


def pdb(description="PodDisruptionBudget"):
    """PodDisruptionBudget {create, minAvailable, maxUnavailable} (policy/v1
    PodDisruptionBudgetSpec): an amount is an integer or a ``N``/``N%`` string, null unsets it.

    Args: description: str.
    Returns: a closed() object dict plus ``if``/``then``: with create true, one amount must be set
        and non-null (a PDB needs one)."""
    amount = {"type": ["integer", "string", "null"], "minimum": 0, "maximum": MAX_PRINTED_INTEGER,
              "pattern": r"^[0-9]+%?$"}
    s = closed({
        "create": boolean("Create a PodDisruptionBudget"),
        "minAvailable": dict(amount, description="Minimum available pods (used when maxUnavailable is unset)"),
        "maxUnavailable": dict(amount, description="Maximum unavailable pods (null: use minAvailable)"),
    }, description)
    s["if"] = {"properties": {"create": {"const": True}}}
    needed = "maxUnavailable or minAvailable is needed when create is true"
    s["then"] = {"anyOf": [
        {"required": [key], "properties": {key: {"type": ["integer", "string"], "description": needed}}}
        for key in ("maxUnavailable", "minAvailable")
    ]}
    return s


def persistence(description="Persistent volume", extra=None):
    """PVC settings {enabled, storageClass, size, accessModes, annotations}.

    Args: description: str; extra: dict name -> schema added over those properties, or None.
    Returns: a closed() object dict; size is size() (a quantity string), accessModes a non-empty
        list of core/v1 PersistentVolumeAccessMode values (ReadWriteOnce, ReadOnlyMany, ReadWriteMany,
        ReadWriteOncePod), storageClass a string ("-": none)."""
    props = {
        "enabled": boolean("Use a PersistentVolumeClaim (false: emptyDir, data lost with the pod)"),
        "storageClass": string('StorageClass ("-" for none, empty for the default or global.storageClass)'),
        "size": size(),
        "accessModes": array("Access modes", {"type": "string", "enum": [
            "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"]}, minItems=1),
        "annotations": string_map("PVC annotations"),
    }
    props.update(extra or {})
    return closed(props, description)


def pod_placement():
    """Scheduling and pod metadata properties every component has.

    Args: none.
    Returns: dict property name -> schema (to merge into closed() properties): podAntiAffinityPreset
        (soft, hard, none); affinity, tolerations and topologySpreadConstraints as k8s() references to
        core/v1 Affinity, Toleration, TopologySpreadConstraint; nodeSelector, podLabels, podAnnotations
        (string maps); priorityClassName; terminationGracePeriodSeconds (integer seconds >= 0)."""
    return {
        "podAntiAffinityPreset": string("Pod anti-affinity preset (ignored when affinity is set)",
                                        enum=["soft", "hard", "none"]),
        "affinity": k8s("io.k8s.api.core.v1.Affinity", "Affinity (replaces the preset)"),
        "nodeSelector": string_map("Node labels the pods must match"),
        "tolerations": array("Tolerations", k8s("io.k8s.api.core.v1.Toleration")),
        "topologySpreadConstraints": array("Topology spread constraints",
                                           k8s("io.k8s.api.core.v1.TopologySpreadConstraint")),
        "podLabels": string_map("Extra pod labels"),
        "podAnnotations": string_map("Extra pod annotations"),
        "priorityClassName": string("PriorityClass of the pods"),
        "terminationGracePeriodSeconds": integer("Grace period on stop (seconds)", 0),
    }


def extras():
    """extraEnv, extraVolumes and extraVolumeMounts lists.

    Args: none.
    Returns: dict property name -> schema: extra_env(), and arrays of k8s() references to core/v1
        Volume and VolumeMount."""
    return {
        "extraEnv": extra_env(),
        "extraVolumes": array("Extra volumes", k8s("io.k8s.api.core.v1.Volume")),
        "extraVolumeMounts": array("Extra volume mounts of the main container",
                                   k8s("io.k8s.api.core.v1.VolumeMount")),
    }


def extra_env():
    """extraEnv: a list of Kubernetes EnvVar (string values may hold templates).

    Args: none.  Returns: an array() dict whose items are a k8s() reference to io.k8s.api.core.v1.EnvVar."""
    return array("Extra environment variables (EnvVar list; templates allowed)",
                 k8s("io.k8s.api.core.v1.EnvVar"))


def component(description, properties, probes=("livenessProbe", "readinessProbe"), with_pdb=False):
    """A closed component object.

    Args: description: str; properties: dict name -> schema, applied last (they win); probes: names
        of the probe() blocks to add; with_pdb: bool, add a pdb() block.
    Returns: a closed() object dict: resources(), jvm(), podSecurityContext and
        containerSecurityContext (security_context()), pdb when asked, pod_placement(), extras(), the
        probes, then properties."""
    props = {
        "resources": resources(),
        "jvm": jvm(),
        "podSecurityContext": security_context("Pod security context", "pod"),
        "containerSecurityContext": security_context("Container security context", "container"),
    }
    if with_pdb:
        props["pdb"] = pdb()
    props.update({**pod_placement(), **extras()})
    for name in probes:
        props[name] = probe(f"{name} timings")
    props.update(properties)
    return closed(props, description)


def pod_management_policy():
    """StatefulSet podManagementPolicy (apps/v1 StatefulSetSpec).

    Args: none.  Returns: a string() dict with enum OrderedReady, Parallel."""
    return string("StatefulSet pod management policy", enum=["OrderedReady", "Parallel"])


def ingress(default_host_description="Host name of the UI"):
    """Ingress {enabled, className, hostname, path, pathType, annotations, tlsSecret}.

    Args: default_host_description: str, the description of ``hostname``.
    Returns: a closed() object dict described "Ingress of the web UI"; path must start with "/",
        pathType is one of Prefix, Exact, ImplementationSpecific (networking.k8s.io/v1 HTTPIngressPath)."""
    return closed({
        "enabled": boolean("Create an Ingress"),
        "className": string("IngressClass name"),
        "hostname": string(default_host_description),
        "path": string("Path", pattern="^/"),
        "pathType": string("Path type", enum=["Prefix", "Exact", "ImplementationSpecific"]),
        "annotations": string_map("Ingress annotations"),
        "tlsSecret": string("TLS Secret name (empty: no TLS)"),
    }, "Ingress of the web UI")


def globals_block():
    """The ``global`` values shared with the umbrella chart (open: other charts may add keys).

    Args: none.
    Returns: a JSON Schema (draft-07) object dict, not closed, with imageRegistry, imagePullSecrets
        (names or objects), storageClass, clusterDomain, commonLabels, locality (enabled, nodeCIDRs) and
        valuesValidation (fail, report)."""
    return {
        "type": "object",
        "description": "Values shared by every chart of the stack",
        "properties": {
            "imageRegistry": string("Registry replacing every image's registry"),
            "imagePullSecrets": array("Image pull secrets (names)", {"type": ["string", "object"]}),
            "storageClass": string("StorageClass of every PVC that sets none"),
            "clusterDomain": string("Cluster DNS domain"),
            "commonLabels": string_map("Labels added to every object"),
            "locality": closed({
                "enabled": boolean("Locality mode: DataNodes, Spark workers (and executors) and Alluxio workers run in "
                                   "their node's network namespace, named by the node's IP, so Spark schedules tasks "
                                   "reading HDFS and Alluxio NODE_LOCAL"),
                "nodeCIDRs": cidr_list("CIDRs of the nodes (ipBlock) whose host-network pods the NetworkPolicies "
                                       "admit in locality mode (empty: the ports they use accept any source)"),
            }, "Data locality of a stack release (umbrella chart)"),
            "valuesValidation": string(
                "What a broken values rule (templates/validate.yaml) does: fail (default) stops the render; "
                "report renders the problems as ValuesValidationReport objects, which tools/lint_values.py "
                "reads (no cluster serves that kind, so an install still fails)", enum=["fail", "report"]),
        },
    }


def root_common():
    """Top-level keys every chart has.

    Args: none.
    Returns: dict property name -> schema: global (globals_block()), nameOverride, fullnameOverride,
        commonLabels, commonAnnotations, clusterDomain, imagePullSecrets, common (the library
        subchart's values), enabled (the umbrella's condition flag) and exports.stack.enabled (read by
        the umbrella through Helm import-values)."""
    return {
        "global": globals_block(),
        "nameOverride": string("Override the chart name in object names"),
        "fullnameOverride": string("Override the full object name prefix"),
        "commonLabels": string_map("Labels added to every object"),
        "commonAnnotations": string_map("Annotations added to every object"),
        "clusterDomain": string("Cluster DNS domain", minLength=1),
        "imagePullSecrets": array("Image pull secrets (names)", {"type": ["string", "object"]}),
        # Helm scopes the library subchart's (empty) values under its name.
        "common": open_object("Values of the common library subchart (none are used)"),
        # An umbrella chart's dependency condition (<chart>.enabled) reaches the subchart's values.
        "enabled": boolean("Deploy this chart (the umbrella chart's condition flag; ignored when installed alone)"),
        "exports": closed({"stack": closed({
            "enabled": boolean("true: the umbrella imports it into global.stack.<chart> only when this chart is "
                               "part of the release, which is how its siblings learn it is there"),
        }, "What an umbrella release learns from this chart (import-values)")},
            "Values the umbrella chart imports from this chart (Helm import-values); not settings"),
    }


# A property value of a configuration file: what Hadoop, Spark and Alluxio read as text.
PROPERTY_VALUE = {"type": ["string", "number", "boolean"]}


def config_overrides(files, description):
    """configOverrides: extra daemon properties by configuration file, the idiom every chart uses
    (as Stackable's operators do), written over the chart's own properties.

    Args: files: dict file name -> description (the files the chart writes); description: str.
    Returns: a closed() object dict with one open map per file whose values are PROPERTY_VALUE
        (string, number or boolean)."""
    return closed({name: {"type": "object", "description": text, "additionalProperties": dict(PROPERTY_VALUE)}
                   for name, text in files.items()}, description)


def moved_properties(new_path):
    """A removed key that held extra properties and now lives at ``new_path``. Kept so that an old
    values file is still read (the chart's validate.yaml then fails with where the value moved)
    rather than refused as an unknown key.

    Args: new_path: dotted str, e.g. configOverrides.core-site.xml (the part after the first dot is
        named as the file).
    Returns: a schema dict, type object, ``deprecated: true``, values PROPERTY_VALUE.
    Raises: IndexError when new_path has no dot."""
    file = new_path.split(".", 1)[1]
    return {"type": "object", "deprecated": True,
            "description": f"Deprecated: moved to {new_path} (configOverrides: {{{file}: {{...}}}}); "
                           "a non-empty map here fails the install",
            "additionalProperties": dict(PROPERTY_VALUE)}


def service_account():
    """ServiceAccount {create, name, annotations, automountServiceAccountToken} (the last as
    core/v1 ServiceAccount).  Args: none.  Returns: a closed() object dict."""
    return closed({
        "create": boolean("Create a ServiceAccount"),
        "name": string("ServiceAccount name (default: release fullname)"),
        "annotations": string_map("ServiceAccount annotations"),
        "automountServiceAccountToken": boolean("Mount the API token in pods"),
    }, "ServiceAccount of the pods")


CIDR_PATTERN = r"^[0-9a-fA-F:.]+/[0-9]{1,3}$"


def network_policy(client_ports, extra=None, ingress=True):
    """The networkPolicy block shared by the hdfs, spark and alluxio charts (see
    charts/common/templates/_networkpolicy.tpl): enabled, allowExternal, extraIngress,
    ingressNamespaceSelector (only when ``ingress``, i.e. the chart publishes a UI through an
    Ingress) and ``extra`` chart-specific properties.

    Args: client_ports: str naming the ports allowExternal opens (used in descriptions); extra: dict
        name -> schema or None; ingress: bool.
    Returns: a closed() object dict; extraIngress items are k8s() references to
        io.k8s.api.networking.v1.NetworkPolicyPeer, ingressNamespaceSelector to
        io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector."""
    props = {
        "enabled": boolean("One NetworkPolicy (ingress only) per component"),
        "allowExternal": boolean(f"Let every source reach the client ports ({client_ports}), not only labelled client pods"),
        "extraIngress": array(f"Extra NetworkPolicyPeer sources allowed to reach the client ports ({client_ports})",
                              k8s("io.k8s.api.networking.v1.NetworkPolicyPeer")),
    }
    if ingress:
        props["ingressNamespaceSelector"] = k8s(
            "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector",
            "LabelSelector of the ingress controller's namespaces, allowed to reach a UI published by an Ingress")
    props.update(extra or {})
    return closed(props, "NetworkPolicies")


def metrics(endpoints, extra=None):
    """The metrics block shared by the charts (see charts/common/templates/_metrics.tpl): enabled,
    podAnnotations, scrapers, serviceMonitor, dashboards and ``extra`` chart-specific properties.

    Args: endpoints: str naming the endpoints ``enabled`` turns on (used in its description); extra:
        dict name -> schema or None.
    Returns: a closed() object dict; scrapers items are k8s() references to
        io.k8s.api.networking.v1.NetworkPolicyPeer; serviceMonitor.interval and scrapeTimeout are
        Prometheus durations (prometheus-operator's Duration pattern)."""
    duration = r"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"
    props = {
        "enabled": boolean(f"Prometheus metrics: {endpoints}"),
        "podAnnotations": boolean("prometheus.io/scrape, port, path and scheme annotations on the pods "
                                  "(for annotation-based scrape configurations)"),
        "scrapers": array("NetworkPolicyPeer sources allowed to reach the metrics ports (e.g. the "
                          "Prometheus namespace); empty: only what networkPolicy already admits",
                          k8s("io.k8s.api.networking.v1.NetworkPolicyPeer")),
        "serviceMonitor": closed({
            "enabled": boolean("A prometheus-operator ServiceMonitor per component (needs its CRD)"),
            "labels": string_map("Extra ServiceMonitor labels (e.g. the release label a Prometheus selects)"),
            "interval": string("Scrape interval (Prometheus duration)", pattern=duration),
            "scrapeTimeout": string("Scrape timeout (Prometheus duration, at most the interval)", pattern=duration),
            "tlsConfig": open_object("TLS settings of the scrape (prometheus-operator SafeTLSConfig, checked "
                                     "against its CRD), for a daemon serving HTTPS"),
        }, "prometheus-operator ServiceMonitors"),
        "dashboards": closed({
            "enabled": boolean("Grafana dashboards as ConfigMaps (for the Grafana sidecar)"),
            "labels": string_map("Labels the Grafana sidecar selects dashboards by"),
            "annotations": string_map("Annotations of the dashboard ConfigMaps (e.g. the sidecar's folder annotation)"),
        }, "Grafana dashboards"),
    }
    props.update(extra or {})
    return closed(props, "Prometheus metrics and Grafana dashboards")


def cidr_list(description):
    """A list of CIDR strings (NetworkPolicy ipBlock.cidr), e.g. 10.0.0.0/16.

    Args: description: str.
    Returns: an array() dict of strings matching CIDR_PATTERN (a loose shape check: hex digits,
        ``:`` and ``.``, then a prefix length of 1-3 digits; the API server checks the address)."""
    return array(description, string(pattern=CIDR_PATTERN))


def document(properties, title, description):
    """A whole values.schema.json document.

    Args: properties: dict name -> schema of the top-level keys; title, description: str.
    Returns: dict with ``$schema`` http://json-schema.org/draft-07/schema#, type object,
        ``additionalProperties: false``, properties, and ``definitions`` (k8s_definitions() of
        properties) when any Kubernetes type is referenced."""
    doc = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": title,
        "description": description,
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }
    defs = k8s_definitions(properties)
    if defs:
        doc["definitions"] = defs
    return doc


def require_defaults(schema, defaults, root=None, skip=()):
    """Mark as ``required`` every key of a closed object that the chart's values.yaml sets, unless
    its schema allows null. Helm deletes a default when a user sets it to null (Helm docs, Values
    Files: "Deleting a default key"), and the templates read every default, so a deleted key would
    crash the render or render an invalid object; required turns that into "<path>: is required"
    from lint_values and Helm alike. Keys whose schema allows null or has no type (pdb amounts,
    Kubernetes references and fields of security contexts) may be unset.

    Args: schema: a schema node (modified in place); defaults: values.yaml at that node; root:
        the whole document, defaults to schema (passed down; ``$ref`` is not followed: an untyped
        node counts as nullable); skip: keys of this node never required (an umbrella's subchart
        sections, which Helm fills with the subchart's defaults); not passed to nested objects.
    Returns: schema."""
    root = root if root is not None else schema
    if not isinstance(schema, dict) or not isinstance(defaults, dict):
        return schema
    props = schema.get("properties") or {}
    if schema.get("additionalProperties") is False:
        required = list(schema.get("required", []))
        for key, value in defaults.items():
            sub = props.get(key)
            if sub is None or value is None or key in required or key in skip or _allows_null(sub, root):
                continue
            required.append(key)
        if required:
            schema["required"] = required
    for key, value in defaults.items():
        if key in props and isinstance(value, dict):
            require_defaults(props[key], value, root)
    return schema


def _allows_null(schema, root):
    types = schema.get("type") if isinstance(schema, dict) else None
    if types is None:
        return True  # untyped (e.g. a Kubernetes reference): nothing to require
    return "null" in (types if isinstance(types, list) else [types])
