"""Reusable JSON Schema (draft-07) blocks for chart values.

Every function returns a fresh dict, so callers may extend the result.
Component objects are closed (``additionalProperties: false``) so a typo in a
values file is reported as an unknown key; Kubernetes pass-through objects
(affinity, tolerations, security contexts, extra volumes) stay open because
the API server validates them.

Kubernetes pass-through objects (affinity, tolerations, topology spread constraints, security
contexts, extra env/volumes/mounts) are checked against the Kubernetes API schema itself: their
definitions are copied from kubernetes-validate's strict schemas of Kubernetes 1.29 (the oldest
version the suite validates renders against, chartsuite.checks.manifests.DEFAULT_KUBE_VERSIONS) into the
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
    """Return ``schema`` with ``description`` set to ``text`` (str)."""
    schema["description"] = text
    return schema


def string(description=None, **extra):
    """A string property, optionally described, with extra keywords (pattern, enum, minLength)."""
    s = {"type": "string", **extra}
    if description:
        s["description"] = description
    return s


def boolean(description=None):
    """A boolean property."""
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
    """An integer property with inclusive bounds; the maximum defaults to MAX_PRINTED_INTEGER."""
    s = {"type": "integer"}
    if minimum is not None:
        s["minimum"] = minimum
    if maximum is not None:
        s["maximum"] = maximum
    if description:
        s["description"] = description
    return s


def port(description="TCP port"):
    """A TCP port number, 1..65535."""
    return integer(description, 1, 65535)


def string_map(description=None):
    """A map of string to string (labels, annotations, nodeSelector)."""
    s = {"type": "object", "additionalProperties": {"type": "string"}}
    if description:
        s["description"] = description
    return s


def open_object(description=None):
    """An object passed to Kubernetes as is (validated by the API server)."""
    s = {"type": "object"}
    if description:
        s["description"] = description
    return s


def array(description=None, items=None, **extra):
    """An array, with an optional item schema and extra keywords (minItems)."""
    s = {"type": "array", **extra}
    if items is not None:
        s["items"] = items
    if description:
        s["description"] = description
    return s


def closed(properties, description=None, required=None):
    """An object that accepts exactly ``properties`` (dict name -> schema)."""
    s = {"type": "object", "additionalProperties": False, "properties": properties}
    if required:
        s["required"] = list(required)
    if description:
        s["description"] = description
    return s


def quantity(description=QUANTITY_DESCRIPTION):
    """A Kubernetes quantity: a string matching QUANTITY_PATTERN or a positive number."""
    return {
        "type": ["string", "number"],
        "pattern": QUANTITY_PATTERN,
        "exclusiveMinimum": 0,
        "description": description,
    }


def size(description="Volume size (" + QUANTITY_DESCRIPTION + ")"):
    """A volume size: a quantity string such as 10Gi."""
    return {"type": "string", "pattern": QUANTITY_PATTERN, "description": description}


def image(description="Container image"):
    """Image block {registry, repository, tag, digest, pullPolicy}."""
    return closed({
        "registry": string("Image registry (global.imageRegistry overrides it)"),
        "repository": string("Image repository", minLength=1),
        "tag": string("Image tag"),
        "digest": string("Image digest (sha256:...); wins over the tag", pattern=r"^(sha256:[a-f0-9]{64})?$"),
        "pullPolicy": string("Image pull policy", enum=["Always", "IfNotPresent", "Never"]),
    }, description, required=["repository"])


def resources(description="Container resources (requests and limits)"):
    """Container resources {requests, limits} of quantities: cpu, memory, ephemeral-storage,
    hugepages-<size> and domain-prefixed extended resources; any other name (``Memory``,
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
    """JVM sizing {maxRAMPercentage, extraOpts}: the heap follows the container memory limit."""
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
    """A pod (``kind="pod"``, PodSecurityContext) or container (``kind="container"``,
    SecurityContext) security context: the Kubernetes fields, closed, plus the chart's
    ``enabled`` switch. IDs must be >= 0; every Kubernetes field may be null (unset)."""
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
    """A reference to the Kubernetes API type ``name`` (e.g. ``io.k8s.api.core.v1.Toleration``);
    document() copies its definition in.  Returns: a schema dict."""
    if name not in _k8s_definitions():
        raise KeyError(f"Kubernetes {K8S_SCHEMA_VERSION} has no type {name}")
    s = {"allOf": [{"$ref": f"#/definitions/{name}"}]}
    if description:
        s["description"] = description
    return s


def k8s_inline(name, description=None):
    """The Kubernetes API type ``name`` inlined one level (its properties copied, nested types
    referenced), so callers can add chart-only keys to the closed object.  Returns: a schema dict."""
    s = _clean(_k8s_definitions()[name])
    s["type"] = "object"
    s["additionalProperties"] = False
    if description:
        s["description"] = description
    return s


def k8s_definitions(schema):
    """Every Kubernetes definition ``schema`` references, with what those reference in turn.

    Args: schema: a schema dict.  Returns: dict name -> cleaned definition, sorted by name.
    """
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
    """Probe timings {enabled, initialDelaySeconds, periodSeconds, timeoutSeconds, failureThreshold, successThreshold}."""
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
    """PodDisruptionBudget {create, minAvailable, maxUnavailable} (int or percentage; null
    unsets one). With create true, one of the two must be set (a PDB needs one)."""
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
    """PVC settings {enabled, storageClass, size, accessModes, annotations} (+ extra properties)."""
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
    """Scheduling and pod metadata properties every component has."""
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
    """extraEnv, extraVolumes and extraVolumeMounts lists."""
    return {
        "extraEnv": extra_env(),
        "extraVolumes": array("Extra volumes", k8s("io.k8s.api.core.v1.Volume")),
        "extraVolumeMounts": array("Extra volume mounts of the main container",
                                   k8s("io.k8s.api.core.v1.VolumeMount")),
    }


def extra_env():
    """extraEnv: a list of Kubernetes EnvVar (string values may hold templates)."""
    return array("Extra environment variables (EnvVar list; templates allowed)",
                 k8s("io.k8s.api.core.v1.EnvVar"))


def component(description, properties, probes=("livenessProbe", "readinessProbe"), with_pdb=False):
    """A closed component object: resources, jvm, security contexts, placement, extras and the named
    probes, plus a PodDisruptionBudget block when ``with_pdb``, then ``properties`` (which win)."""
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
    """StatefulSet podManagementPolicy."""
    return string("StatefulSet pod management policy", enum=["OrderedReady", "Parallel"])


def ingress(default_host_description="Host name of the UI"):
    """Ingress {enabled, className, hostname, path, pathType, annotations, tlsSecret}."""
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
    """The ``global`` values shared with the umbrella chart (open: other charts may add keys)."""
    return {
        "type": "object",
        "description": "Values shared by every chart of the stack",
        "properties": {
            "imageRegistry": string("Registry replacing every image's registry"),
            "imagePullSecrets": array("Image pull secrets (names)", {"type": ["string", "object"]}),
            "storageClass": string("StorageClass of every PVC that sets none"),
            "clusterDomain": string("Cluster DNS domain"),
            "commonLabels": string_map("Labels added to every object"),
            "valuesValidation": string(
                "What a broken values rule (templates/validate.yaml) does: fail (default) stops the render; "
                "report renders the problems as ValuesValidationReport objects, which tools/lint_values.py "
                "reads (no cluster serves that kind, so an install still fails)", enum=["fail", "report"]),
        },
    }


def root_common():
    """Top-level keys every chart has (nameOverride, labels, clusterDomain, ...)."""
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
    (as Stackable's operators do). Closed to the ``files`` the chart writes (dict file name ->
    description); each file is a map property -> string, number or boolean, written over the
    chart's own properties."""
    return closed({name: {"type": "object", "description": text, "additionalProperties": dict(PROPERTY_VALUE)}
                   for name, text in files.items()}, description)


def moved_properties(new_path):
    """A removed key that held extra properties and now lives at ``new_path`` (dotted, e.g.
    configOverrides.core-site.xml). Kept so that an old values file is still read (the chart's
    validate.yaml then fails with where the value moved) rather than refused as an unknown key."""
    file = new_path.split(".", 1)[1]
    return {"type": "object", "deprecated": True,
            "description": f"Deprecated: moved to {new_path} (configOverrides: {{{file}: {{...}}}}); "
                           "a non-empty map here fails the install",
            "additionalProperties": dict(PROPERTY_VALUE)}


def service_account():
    """ServiceAccount {create, name, annotations, automountServiceAccountToken}."""
    return closed({
        "create": boolean("Create a ServiceAccount"),
        "name": string("ServiceAccount name (default: release fullname)"),
        "annotations": string_map("ServiceAccount annotations"),
        "automountServiceAccountToken": boolean("Mount the API token in pods"),
    }, "ServiceAccount of the pods")


CIDR_PATTERN = r"^[0-9a-fA-F:.]+/[0-9]{1,3}$"


def network_policy(client_ports, extra=None, ingress=True):
    """The networkPolicy block shared by the hdfs, spark and alluxio charts (see
    charts/common/templates/_networkpolicy.tpl): enabled, allowExternal, extraIngress (NetworkPolicyPeer
    list, checked against Kubernetes' NetworkPolicyPeer), ingressNamespaceSelector (a LabelSelector; only when ``ingress``,
    i.e. the chart publishes a UI through an Ingress) and ``extra`` chart-specific properties.
    ``client_ports`` (str) names the ports allowExternal opens."""
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


def cidr_list(description):
    """A list of CIDR strings (ipBlock.cidr), e.g. 10.0.0.0/16."""
    return array(description, string(pattern=CIDR_PATTERN))


def document(properties, title, description):
    """A whole values.schema.json document (draft-07, closed root) with the Kubernetes
    definitions its properties reference."""
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
    its schema allows null. Helm deletes a default when a user sets it to null, and the templates
    read every default, so a deleted key would crash the render or render an invalid object;
    required turns that into "<path>: is required" from lint_values and Helm alike. Keys whose
    schema allows null (pdb amounts, Kubernetes fields of security contexts) may be unset.

    Args: schema: a schema node (modified in place); defaults: values.yaml at that node; root:
        the whole document (for ``$ref``), defaults to schema; skip: keys of this node never
        required (an umbrella's subchart sections, which Helm fills with the subchart's defaults).
    Returns: schema.
    """
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
