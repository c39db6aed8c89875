"""values.schema.json of charts/hdfs (see charts/hdfs/values.yaml for defaults).

Ports and properties follow Hadoop 3's defaults (hdfs-default.xml, core-default.xml).
"""
from . import blocks as b

# Kerberos realm: letters, digits, dots and dashes (conventionally upper case, e.g. EXAMPLE.COM).
REALM_PATTERN = r"^([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)?$"
# A KDC or kadmin server: host or host:port.
KDC_PATTERN = r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$"
# Primary (first component) of a Kerberos principal.
PRIMARY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
# A Secret/ConfigMap data key.
DATA_KEY_PATTERN = r"^[-._a-zA-Z0-9]+$"
PROTECTIONS = ["authentication", "integrity", "privacy"]


def security():
    """The ``security`` block: Kerberos (hadoop.security.authentication and friends, see Hadoop's
    SecureMode documentation) and HTTPS (dfs.http.policy=HTTPS_ONLY, ssl-server.xml/ssl-client.xml).

    Args: none.
    Returns: a blocks.closed() object dict {kerberos, tls}; rpcProtection and dataTransferProtection
        are one of PROTECTIONS (Hadoop's SASL QOP names), Secret keys match DATA_KEY_PATTERN."""
    key = lambda d: b.string(d, pattern=DATA_KEY_PATTERN)  # noqa: E731
    kerberos = b.closed({
        "enabled": b.boolean("Kerberos for HDFS (needs realm, keytab.existingSecret, a krb5.conf source, tls.enabled)"),
        "realm": b.string("Realm of the service principals (e.g. EXAMPLE.COM)", pattern=REALM_PATTERN),
        "principals": b.closed({
            "hdfs": b.string("Primary of the HDFS daemons' principals (<hdfs>/_HOST@REALM)", pattern=PRIMARY_PATTERN),
            "http": b.string("Primary of the SPNEGO principals (<HTTP>/_HOST@REALM)", pattern=PRIMARY_PATTERN),
            "zookeeper": b.string("Primary of the ZooKeeper servers' principals (<zookeeper>/_HOST@REALM)",
                                  pattern=PRIMARY_PATTERN),
        }, "Primary names of the service principals"),
        "keytab": b.closed({
            "existingSecret": b.string("Existing Secret with the keytab(s)"),
            "perHost": b.boolean("One keytab per pod under <pod name>.keytab (DaemonSet: <node name>.keytab)"),
            "key": key("Key of the shared keytab (perHost false)"),
        }, "Keytabs from an existing Secret"),
        "krb5": b.closed({
            "existingConfigMap": b.string("Existing ConfigMap with krb5.conf (wins)"),
            "existingConfigMapKey": key("Key of krb5.conf in existingConfigMap"),
            "config": b.string("Complete krb5.conf text (wins over kdcs)"),
            "kdcs": b.array("KDCs of the realm (host or host:port)", b.string(pattern=KDC_PATTERN), uniqueItems=True),
            "adminServer": b.string("kadmin server (host or host:port; empty: the first KDC)",
                                    pattern=KDC_PATTERN.replace("^", "^(", 1).replace("$", ")?$")),
        }, "krb5.conf, mounted at /etc/krb5.conf"),
        "rpcProtection": b.string("hadoop.rpc.protection", enum=PROTECTIONS),
        "dataTransferProtection": b.string("dfs.data.transfer.protection (SASL on the block transfer port)",
                                           enum=PROTECTIONS),
        "httpAuthentication": b.string("hadoop.http.authentication.type of the web UIs",
                                       enum=["simple", "kerberos"]),
        "zookeeperSasl": b.boolean("ZooKeeper SASL for ZKFC and the format claim; ha.zookeeper.acl=sasl:<hdfs>:rwcda"),
    }, "Kerberos authentication")
    tls = b.closed({
        "enabled": b.boolean("HTTPS only for every HDFS web endpoint (dfs.http.policy=HTTPS_ONLY)"),
        "existingSecret": b.string("Existing Secret with keystore, truststore and passwords"),
        "keystoreKey": key("Key of the keystore"),
        "keystorePasswordKey": key("Key of the keystore password"),
        "keyPasswordKey": b.string("Key of the private key password (empty: the keystore password)",
                                   pattern=r"^[-._a-zA-Z0-9]*$"),
        "truststoreKey": key("Key of the truststore"),
        "truststorePasswordKey": key("Key of the truststore password"),
        "storeType": b.string("Keystore and truststore type", enum=["jks", "pkcs12"]),
    }, "HTTPS for the web endpoints")
    return b.closed({"kerberos": kerberos, "tls": tls}, "Kerberos and HTTPS (both off by default)")


def schema():
    """The HDFS chart's values schema (charts/hdfs/values.schema.json before required keys are added).

    Args: none.
    Returns: a blocks.document() dict (JSON Schema draft-07, closed root, Kubernetes definitions
        included); ports and property names follow Hadoop 3's defaults (hdfs-default.xml,
        core-default.xml); gen_schemas.render then adds ``required`` (blocks.require_defaults)."""
    namenode = b.component("NameNodes (StatefulSet) with a ZKFC container each in HA mode", {
        "replicaCount": b.integer("NameNodes: 2..5 with HA, 1 without", 1, 5),
        "podManagementPolicy": b.pod_management_policy(),
        "minReadySeconds": b.integer("Seconds a restarted NameNode stays ready (active, or standby out of safe mode) before a rolling update restarts the next", 0, 3600),
        "persistence": b.persistence("NameNode metadata volume"),
        "service": b.closed({
            "type": b.string("Client Service type", enum=["ClusterIP", "NodePort", "LoadBalancer"]),
            "ports": b.closed({"rpc": b.port("NameNode RPC port (8020)"),
                               "http": b.port("NameNode web UI port (9870)"),
                               "https": b.port("NameNode HTTPS port (9871), used with security.tls.enabled")},
                              "Ports"),
            "annotations": b.string_map("Service annotations"),
        }, "Client Service (web UI and RPC)"),
        "ingress": b.ingress("Host name of the NameNode web UI"),
        "zkfc": b.closed({
            "port": b.port("ZKFC RPC port (dfs.ha.zkfc.port, 8019)"),
            "resources": b.resources(),
            "jvm": b.jvm(),
        }, "ZKFailoverController container (HA only)"),
        "bootstrap": b.closed({"resources": b.resources()}, "Bootstrap init container"),
    }, probes=("startupProbe", "livenessProbe", "readinessProbe"), with_pdb=True)

    journalnode = b.component("JournalNodes (StatefulSet, HA only)", {
        "replicaCount": b.integer("JournalNodes: odd, at least 3", 3),
        "podManagementPolicy": b.pod_management_policy(),
        "minReadySeconds": b.integer("Seconds a restarted JournalNode stays ready (back in the write pipeline) before a rolling update restarts the next", 0, 3600),
        "persistence": b.persistence("JournalNode edits volume"),
        "service": b.closed({"ports": b.closed({
            "rpc": b.port("JournalNode RPC port (8485)"),
            "http": b.port("JournalNode HTTP port (8480)"),
            "https": b.port("JournalNode HTTPS port (8481), used with security.tls.enabled")}, "Ports")},
            "Headless Service"),
    }, with_pdb=True)

    zk_jvm = b.jvm(extra_opts=False)
    zookeeper = b.component("Bundled ZooKeeper ensemble (StatefulSet, HA only)", {
        "enabled": b.boolean("Deploy a ZooKeeper ensemble (false: use externalZookeeper.quorum)"),
        "replicaCount": b.integer("ZooKeeper servers: odd", 1),
        "podManagementPolicy": b.pod_management_policy(),
        "image": b.image("ZooKeeper image"),
        "jvm": zk_jvm,
        "tickTime": b.integer("zoo.cfg tickTime (ms)", 100),
        "initLimit": b.integer("zoo.cfg initLimit (ticks)", 1),
        "syncLimit": b.integer("zoo.cfg syncLimit (ticks)", 1),
        "maxClientCnxns": b.integer("zoo.cfg maxClientCnxns (0: unlimited)", 0),
        "maxSessionTimeout": b.integer("zoo.cfg maxSessionTimeout in ms (0: ZooKeeper's default, 20 x tickTime)", 0),
        "autopurge": b.closed({
            "snapRetainCount": b.integer("Snapshots kept", 3),
            "purgeInterval": b.integer("Purge interval in hours (0: off)", 0),
        }, "Snapshot purging"),
        "persistence": b.persistence("ZooKeeper data volume"),
        "service": b.closed({"ports": b.closed({
            "client": b.port("Client port (2181)"),
            "follower": b.port("Follower port (2888)"),
            "election": b.port("Leader election port (3888)")}, "Ports")}, "Services"),
    }, with_pdb=True)

    datanode = b.component("DataNodes (StatefulSet with PVCs or DaemonSet with hostPath)", {
        "kind": b.string("Workload kind", enum=["StatefulSet", "DaemonSet"]),
        "replicaCount": b.integer("DataNodes (StatefulSet only)", 1),
        "podManagementPolicy": b.pod_management_policy(),
        "hostNetwork": b.boolean("Run in the node's network namespace"),
        "ports": b.closed({
            "data": b.port("Data transfer port (9866)"),
            "http": b.port("HTTP port (9864)"),
            "https": b.port("HTTPS port (9865), used with security.tls.enabled"),
            "ipc": b.port("IPC port (9867)")}, "Ports"),
        "persistence": b.persistence("DataNode data volumes (StatefulSet)", {
            "volumeCount": b.integer("Data volumes (disks) per DataNode", 1, 24)}),
        "hostPath": b.closed({
            "dirs": b.array("Node directories used as data directories (DaemonSet)",
                            b.string(pattern="^/"), minItems=1, uniqueItems=True),
            "type": b.string("hostPath type", enum=["DirectoryOrCreate", "Directory"]),
        }, "hostPath data directories (DaemonSet)"),
        "wait": b.closed({"resources": b.resources()}, "Init container that checks the data directories and waits for a NameNode"),
        "volumePermissions": b.closed({
            "enabled": b.boolean("Root init container that creates each volume's data folder owned by the DataNode (needed for kubelet-created hostPath dirs)"),
            "resources": b.resources(),
        }, "Opt-in root init container preparing the data folders"),
        "decommission": b.closed({
            "datanodes": b.array("DataNodes to decommission (dfs.hosts.exclude): StatefulSet pod names, or node host names / IPs for DaemonSet DataNodes",
                                 b.string(pattern=r"^[A-Za-z0-9]([-A-Za-z0-9.:]*[A-Za-z0-9])?$"), uniqueItems=True),
            "existingConfigMap": b.string("Existing ConfigMap with the exclude file (wins over datanodes)",
                                          pattern=r"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$"),
            "existingConfigMapKey": b.string("Key of the exclude file in existingConfigMap", minLength=1,
                                             pattern=r"^[-._a-zA-Z0-9]+$"),
        }, "Decommissioning DataNodes"),
    }, with_pdb=True)

    return b.document({
        **b.root_common(),
        "image": b.image("Hadoop image of NameNode, ZKFC, JournalNode, DataNode and tests"),
        "ha": b.closed({
            "enabled": b.boolean("High availability: NameNodes with ZKFC over a JournalNode quorum"),
            "nameservice": b.string("Nameservice id (default: release fullname)",
                                    pattern=r"^([a-z0-9]([a-z0-9-]*[a-z0-9])?)?$"),
            "zookeeperParentZnode": b.string("ha.zookeeper.parent-znode", pattern="^/"),
            "fencingMethods": b.string("dfs.ha.fencing.methods", minLength=1),
            "editLogRollPeriodSeconds": b.integer("dfs.ha.log-roll.period: seconds between edit log rolls (bounds how long a restarted JournalNode stays not ready)", 5, 3600),
        }, "High availability"),
        "config": b.closed({
            "replication": b.integer("dfs.replication", 1, 512),
            "blockSize": b.string("dfs.blocksize (bytes or 128m, 1g, ...)", pattern=b.HADOOP_SIZE_PATTERN),
            "permissionsEnabled": b.boolean("dfs.permissions.enabled"),
            "webhdfsEnabled": b.boolean("dfs.webhdfs.enabled"),
            "clusterId": b.string("Cluster id for the first format (empty: generated)",
                                  pattern=r"^[A-Za-z0-9_.-]*$"),
        }, "hdfs-site.xml settings"),
        "configOverrides": b.config_overrides({
            "core-site.xml": "Extra core-site.xml properties (override the chart's; the ones it derives from its own values are refused)",
            "hdfs-site.xml": "Extra hdfs-site.xml properties (override the chart's; the ones it derives from its own values are refused)",
        }, "Extra properties by configuration file (property: value), written over the chart's"),
        "coreSite": b.moved_properties("configOverrides.core-site.xml"),
        "hdfsSite": b.moved_properties("configOverrides.hdfs-site.xml"),
        "metrics": b.metrics("/prom on the NameNode, JournalNode and DataNode web ports "
                             "(hadoop.prometheus.endpoint.enabled) and the bundled ZooKeeper's metrics provider", {
            "zookeeperPort": b.port("Port of the bundled ZooKeeper's Prometheus metrics provider (metricsProvider.httpPort)"),
        }),
        "bootstrap": b.closed({
            "timeoutSeconds": b.integer("Seconds the start scripts wait for peers before failing", 30),
            "retrySeconds": b.integer("Seconds between two checks", 1, 300),
        }, "Start script timing"),
        "namenode": namenode,
        "journalnode": journalnode,
        "zookeeper": zookeeper,
        "externalZookeeper": b.closed({
            "quorum": b.string("External ZooKeeper quorum host:port[,host:port...]"),
        }, "External ZooKeeper (zookeeper.enabled=false)"),
        "datanode": datanode,
        "rackAwareness": b.closed({
            "enabled": b.boolean("Topology-mapper sidecar, its read-only RBAC and the HDFS topology script"),
            "zoneLabel": b.string("Node label giving the zone level of /<zone>/<node>", minLength=1,
                                  pattern=r"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$"),
            "refreshSeconds": b.integer("Seconds between two refreshes of the rack map", 5, 3600),
            "image": b.image("Mapper image (Python 3)"),
            "resources": b.resources(),
        }, "HDFS rack awareness from Kubernetes node labels"),
        "security": security(),
        "serviceAccount": b.service_account(),
        "networkPolicy": b.network_policy("NameNode rpc/http, DataNode data/ipc/http", {"nodeCIDRs": b.cidr_list("With datanode.hostNetwork: node CIDRs allowed to reach the NameNode RPC port (empty: any source)")}),
        "directories": b.closed({
            "items": {
                "type": "object",
                "description": "Directories by name, created by the directories Job as the HDFS superuser",
                "additionalProperties": {"anyOf": [{"type": "null"}, b.closed({
                    "path": b.string("Absolute HDFS path (no spaces)", pattern=r"^/[^\s]*$"),
                    "owner": b.string("Owner (HDFS user name; empty: HDFS's default)", pattern=r"^[^\s:]*$"),
                    "group": b.string("Group (empty: HDFS's default)", pattern=r"^[^\s:]*$"),
                    "mode": b.string("Octal mode, e.g. \"755\" (quoted; empty: HDFS's default)",
                                     pattern=r"^([0-7]{3,4})?$"),
                }, "One directory", required=["path"])]},
            },
            "timeoutSeconds": b.integer("How long the Job waits for HDFS before it gives up (seconds)", 30),
            "resources": b.resources(),
        }, "Directories created in HDFS by a Job running as the HDFS superuser"),
        "tests": b.closed({
            "enabled": b.boolean("Render the helm test pod"),
            "resources": b.resources(),
        }, "helm test pod"),
    }, "hdfs chart values", "Values of the highly available HDFS chart")
