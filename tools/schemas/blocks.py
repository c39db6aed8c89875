"""Reusable JSON Schema (draft-07) blocks for chart values.

Every function returns a fresh dict, so callers may extend the result.
Component objects are closed (``additionalProperties: false``) so a typo in a
values file is reported as an unknown key; Kubernetes pass-through objects
(affinity, tolerations, security contexts, extra volumes) stay open because
the API server validates them.

Sources: Kubernetes resource.Quantity syntax (k8s.io/apimachinery), the
conventions of design.md section 2.
"""

# A non-negative decimal with an optional binary/decimal suffix or exponent.
# A sign is never accepted, so negative sizes are rejected.
QUANTITY_PATTERN = r"^([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][0-9]+|[KMGTPE]i|[mkMGTPE])?$"
QUANTITY_DESCRIPTION = "a positive Kubernetes quantity such as 500m, 2, 512Mi or 10Gi"
HADOOP_SIZE_PATTERN = r"^[0-9]+[kmgtpe]?$"


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


def integer(description=None, minimum=None, maximum=None):
    """An integer property with optional inclusive bounds."""
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
    """Container resources {requests, limits} of quantities."""
    amounts = {"type": "object", "additionalProperties": quantity(),
               "propertyNames": {"pattern": r"^([a-z0-9.-]+/)?[a-z0-9-]+$"}}
    return closed({"requests": dict(amounts), "limits": dict(amounts)}, description)


def jvm(extra_opts=True):
    """JVM sizing {maxRAMPercentage, extraOpts}: the heap follows the container memory limit."""
    props = {"maxRAMPercentage": integer(
        "Maximum heap as a percentage of the container memory limit (-XX:MaxRAMPercentage)", 10, 95)}
    if extra_opts:
        props["extraOpts"] = string("Extra JVM options")
    return closed(props, "JVM settings")


def security_context(description):
    """A pod or container security context with the chart's ``enabled`` switch."""
    return {
        "type": "object",
        "description": description,
        "properties": {"enabled": boolean("Render this security context"),
                       "runAsUser": integer(minimum=0), "runAsGroup": integer(minimum=0),
                       "fsGroup": integer(minimum=0), "runAsNonRoot": boolean(),
                       "readOnlyRootFilesystem": boolean(), "allowPrivilegeEscalation": boolean()},
    }


def probe(description):
    """Probe timings {enabled, initialDelaySeconds, periodSeconds, timeoutSeconds, failureThreshold, successThreshold}."""
    return closed({
        "enabled": boolean("Enable the probe"),
        "initialDelaySeconds": integer(minimum=0),
        "periodSeconds": integer(minimum=1),
        "timeoutSeconds": integer(minimum=1),
        "failureThreshold": integer(minimum=1),
        "successThreshold": integer(minimum=1),
    }, description)


def pdb(description="PodDisruptionBudget"):
    """PodDisruptionBudget {create, minAvailable, maxUnavailable} (int or percentage)."""
    amount = {"type": ["integer", "string"], "minimum": 0, "pattern": r"^[0-9]+%?$"}
    return closed({
        "create": boolean("Create a PodDisruptionBudget"),
        "minAvailable": dict(amount, description="Minimum available pods (used when maxUnavailable is unset)"),
        "maxUnavailable": dict(amount, description="Maximum unavailable pods"),
    }, description)


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
        "affinity": open_object("Affinity (replaces the preset)"),
        "nodeSelector": string_map("Node labels the pods must match"),
        "tolerations": array("Tolerations", {"type": "object"}),
        "topologySpreadConstraints": array("Topology spread constraints", {"type": "object"}),
        "podLabels": string_map("Extra pod labels"),
        "podAnnotations": string_map("Extra pod annotations"),
        "priorityClassName": string("PriorityClass of the pods"),
        "terminationGracePeriodSeconds": integer("Grace period on stop (seconds)", 0),
    }


def extras():
    """extraEnv, extraVolumes and extraVolumeMounts lists."""
    return {
        "extraEnv": array("Extra environment variables (EnvVar list; templates allowed)", {"type": "object"}),
        "extraVolumes": array("Extra volumes", {"type": "object"}),
        "extraVolumeMounts": array("Extra volume mounts of the main container", {"type": "object"}),
    }


def component(description, properties, probes=("livenessProbe", "readinessProbe"), with_pdb=False):
    """A closed component object: resources, jvm, security contexts, placement, extras and the named
    probes, plus a PodDisruptionBudget block when ``with_pdb``, then ``properties`` (which win)."""
    props = {
        "resources": resources(),
        "jvm": jvm(),
        "podSecurityContext": security_context("Pod security context"),
        "containerSecurityContext": security_context("Container security context"),
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
    }


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
    list, validated by the API server), ingressNamespaceSelector (a LabelSelector; only when ``ingress``,
    i.e. the chart publishes a UI through an Ingress) and ``extra`` chart-specific properties.
    ``client_ports`` (str) names the ports allowExternal opens."""
    props = {
        "enabled": boolean("One NetworkPolicy (ingress only) per component"),
        "allowExternal": boolean(f"Let every source reach the client ports ({client_ports}), not only labelled client pods"),
        "extraIngress": array(f"Extra NetworkPolicyPeer sources allowed to reach the client ports ({client_ports})",
                              {"type": "object"}),
    }
    if ingress:
        props["ingressNamespaceSelector"] = open_object(
            "LabelSelector of the ingress controller's namespaces, allowed to reach a UI published by an Ingress")
    props.update(extra or {})
    return closed(props, "NetworkPolicies")


def cidr_list(description):
    """A list of CIDR strings (ipBlock.cidr), e.g. 10.0.0.0/16."""
    return array(description, string(pattern=CIDR_PATTERN))


def document(properties, title, description):
    """A whole values.schema.json document (draft-07, closed root)."""
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": title,
        "description": description,
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }
