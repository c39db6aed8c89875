"""values.schema.json of charts/alluxio (see charts/alluxio/values.yaml for defaults).

Ports follow Alluxio 2.x's defaults (its property list, alluxio.master.rpc.port etc.); tier aliases are Alluxio's
MEM/SSD/HDD; quotas and sizes are Kubernetes quantities (blocks.QUANTITY_PATTERN).
"""
from . import blocks as b


def _sidecar(description, ports):
    """A second container of another component's pods (job master, job worker)."""
    return b.closed({
        "resources": b.resources(),
        "jvm": b.jvm(),
        "ports": b.closed(ports, "Ports"),
        "livenessProbe": b.probe("livenessProbe timings"),
        "readinessProbe": b.probe("readinessProbe timings"),
        "extraEnv": b.extra_env(),
    }, description)


def _tier_dir():
    return b.closed({
        "path": b.string("Directory inside the worker (one path per directory)", pattern="^/"),
        "quota": b.size("Quota of the directory (Kubernetes quantity such as 1Gi); for MEM also "
                        "the emptyDir sizeLimit and the memory added to the worker container"),
        "volume": b.closed({
            "type": b.string("emptyDir (MEM: RAM-backed; SSD/HDD: node disk), hostPath, or pvc "
                             "(StatefulSet workers only)", enum=["emptyDir", "hostPath", "pvc"]),
            "hostPath": b.string("Node directory (hostPath volumes)", pattern="^(/.*)?$"),
            "size": b.size("PVC size (pvc volumes; default: the quota)"),
            "storageClass": b.string('StorageClass of the PVC ("-" for none)'),
        }, "Volume backing the directory"),
    }, "A tier directory", required=["path", "quota"])


def schema():
    """The Alluxio chart's values schema (charts/alluxio/values.schema.json before required keys are added).

    Args: none.
    Returns: a blocks.document() dict (JSON Schema draft-07, closed root, Kubernetes definitions
        included); ports follow Alluxio 2.x's defaults (alluxio.master.rpc.port etc.), tier aliases
        Alluxio's MEM/SSD/HDD; gen_schemas.render then adds ``required``."""
    master = b.component("Masters (StatefulSet) with a job master container each", {
        "replicaCount": b.integer("Masters: 1 (UFS journal) or odd >= 3 (embedded journal)", 1, 7),
        "podManagementPolicy": b.pod_management_policy(),
        "ports": b.closed({
            "rpc": b.port("Master RPC port (19998)"),
            "web": b.port("Master web UI port (19999)"),
            "embeddedJournal": b.port("Embedded journal (Raft) port (19200)")}, "Ports"),
        "service": b.closed({
            "type": b.string("Client Service type", enum=["ClusterIP", "NodePort", "LoadBalancer"]),
            "annotations": b.string_map("Service annotations"),
        }, "Client Service (rpc and web of masters and job masters)"),
        "pdb": b.pdb(),
    }, probes=("startupProbe", "livenessProbe", "readinessProbe"))

    worker = b.component("Workers (StatefulSet or DaemonSet) with a job worker container each", {
        "kind": b.string("Workload kind", enum=["StatefulSet", "DaemonSet"]),
        "replicaCount": b.integer("Workers (StatefulSet only)", 1),
        "podManagementPolicy": b.pod_management_policy(),
        "hostNetwork": b.boolean("Run in the node's network namespace (ports must be free on the node)"),
        "ports": b.closed({
            "rpc": b.port("Worker RPC port (29999)"),
            "web": b.port("Worker web port (30000)")}, "Ports"),
        "pdb": b.pdb(),
    })
    worker["properties"]["volumePermissions"] = b.closed({
        "enabled": b.boolean("Run a root init container (CHOWN and FOWNER only) that gives the worker's user the "
                             "block folder of each hostPath tier and the hostPath domain socket directory"),
        "resources": b.resources(),
    }, "hostPath permissions for the workers")
    # The worker's direct memory (netty data buffers) is bounded by the chart: launch-process adds
    # -XX:MaxDirectMemorySize=4g on top of the heap when none is set (twins/alluxio/image.yaml).
    worker["properties"]["jvm"]["properties"]["maxDirectMemory"] = b.size(
        "-XX:MaxDirectMemorySize of the worker JVM (a Kubernetes quantity; inside limits.memory with the heap)")

    fuse_props = {
        "enabled": b.boolean("Deploy the FUSE DaemonSet (privileged)"),
        "image": b.image("FUSE image"),
        "mountPoint": b.string("Node directory where Alluxio is mounted (its parent is the hostPath "
                               "volume)", pattern="^/.+/.+"),
        "alluxioPath": b.string("Alluxio path mounted at mountPoint", pattern="^/"),
        "fuseOptions": b.string("FUSE mount options (comma separated)", pattern=r"^[A-Za-z0-9_=,.-]*$"),
    }
    fuse = b.component("FUSE DaemonSet (POSIX access on every selected node)", fuse_props)
    fuse["properties"]["jvm"]["properties"]["maxDirectMemory"] = b.size(
        "-XX:MaxDirectMemorySize of the FUSE JVM (a Kubernetes quantity)")
    # FUSE runs privileged with SYS_ADMIN: describe those keys too.
    fuse_sc = fuse["properties"]["containerSecurityContext"]["properties"]
    fuse_sc["privileged"]["description"] = "Privileged mode (required by FUSE)"
    fuse_sc["capabilities"]["description"] = "Capabilities (FUSE needs add: [SYS_ADMIN])"

    return b.document({
        **b.root_common(),
        "image": b.image("Alluxio image of masters, workers and tests"),
        "configOverrides": b.config_overrides({
            "alluxio-site.properties": "Extra alluxio-site.properties entries (override the chart's)",
        }, "Extra properties by configuration file (property: value), written over the chart's"),
        "properties": b.moved_properties("configOverrides.alluxio-site.properties"),
        "ufs": b.closed({
            "root": b.string("Root under storage URI (e.g. s3://bucket/path); ignored with hdfs.configMap"),
            "credentials": b.closed({
                "existingSecret": b.string("Existing Secret with the object store keys"),
                "accessKeyIdKey": b.string("Secret key of the access key id", minLength=1),
                "secretKeyKey": b.string("Secret key of the secret access key", minLength=1),
                "accessKeyId": b.string("Access key id (the chart creates a Secret)"),
                "secretKey": b.string("Secret access key (the chart creates a Secret)"),
            }, "Object store credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from a Secret)"),
        }, "Root under storage"),
        "hdfs": b.closed({
            "configMap": b.string("ConfigMap with core-site.xml and hdfs-site.xml (enables HDFS as root UFS)"),
            "nameservice": b.string("HDFS nameservice or host:port of the root UFS",
                                    pattern=r"^([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?)?$"),
            "path": b.string("HDFS directory mounted at the Alluxio root", pattern="^/"),
            "mountPath": b.string("Mount path of the ConfigMap", pattern="^/.+"),
        }, "HDFS as the root under storage"),
        "client": b.closed({
            "writeType": b.string("Default write type (alluxio.user.file.writetype.default); empty: "
                                  "CACHE_THROUGH with an under storage, MUST_CACHE without",
                                  enum=["", "MUST_CACHE", "CACHE_THROUGH", "THROUGH", "ASYNC_THROUGH"]),
        }, "Defaults of every Alluxio client"),
        "journal": b.closed({
            "type": b.string("UFS or EMBEDDED; empty: UFS for 1 master, EMBEDDED for more",
                             enum=["", "UFS", "EMBEDDED"]),
            "folder": b.string("Journal directory in the master pods", pattern="^/.+"),
            "persistence": b.persistence("Journal volume (false: emptyDir, metadata lost with the pod)"),
            "allowTypeChange": b.boolean("Let helm upgrade change the journal type (only for masters on new "
                                         "journal volumes restored from a backup)"),
            "format": b.closed({
                "runFormat": b.boolean("Format an empty (brand-new) journal in the masters' init container "
                                       "(not needed by Alluxio 2.9)"),
                "resources": b.resources(),
            }, "The masters' journal init container"),
        }, "Master journal"),
        "master": master,
        "jobMaster": _sidecar("Job master container of the master pods", {
            "rpc": b.port("Job master RPC port (20001)"),
            "web": b.port("Job master web port (20002)"),
            "embeddedJournal": b.port("Job master embedded journal port (20003)")}),
        "worker": worker,
        "jobWorker": _sidecar("Job worker container of the worker pods", {
            "rpc": b.port("Job worker RPC port (30001)"),
            "data": b.port("Job worker data port (30002)"),
            "web": b.port("Job worker web port (30003)")}),
        "tieredStore": b.closed({
            "levels": b.array("Tiers in order; level i is list position i", b.closed({
                "alias": b.string("Tier alias", enum=["MEM", "SSD", "HDD"]),
                "mediumType": b.string("Medium type of the directories (default: the alias)",
                                       enum=["", "MEM", "SSD", "HDD"]),
                "dirs": b.array("Directories of the tier", _tier_dir(), minItems=1),
            }, "A tier level", required=["alias", "dirs"]), minItems=1, maxItems=3),
        }, "Worker tiered store"),
        "shortCircuit": b.closed({
            "enabled": b.boolean("Short-circuit reads for clients on the worker's node"),
            "policy": b.string("uuid: a domain socket per worker (local would serve no client pod: it cannot "
                               "open the worker's block files)", enum=["uuid"]),
            "volumeType": b.string("hostPath: the node directory client pods mount too (an emptyDir is seen by "
                                   "the worker pod alone)", enum=["hostPath"]),
            "hostPath": b.string("Node directory of the domain sockets", pattern="^/.+"),
            "mountPath": b.string("Mount path of the domain socket directory", pattern="^/.+"),
        }, "Short-circuit reads"),
        "fuse": fuse,
        "init": b.closed({"resources": b.resources()}, "Configuration init containers"),
        "serviceAccount": b.service_account(),
        "metrics": b.metrics("/metrics/prometheus/ on the master and worker web ports (always served by Alluxio)"),
        "networkPolicy": b.network_policy("master and worker RPC and web ports", {"nodeCIDRs": b.cidr_list("With worker.hostNetwork: node CIDRs allowed to reach the master RPC ports (empty: any source)")}, ingress=False),
        "tests": b.closed({
            "enabled": b.boolean("Render the helm test pod"),
            "resources": b.resources(),
        }, "helm test pod"),
    }, "alluxio chart values", "Values of the Alluxio chart (masters, workers with a tiered store, FUSE)")
