"""values.schema.json of charts/hdfs (see charts/hdfs/values.yaml for defaults).

Ports and properties follow design.md section 4 (Hadoop 3 defaults).
"""
from . import blocks as b




def schema():
    """Return the HDFS chart's values schema (dict, JSON Schema draft-07)."""
    namenode = b.component("NameNodes (StatefulSet) with a ZKFC container each in HA mode", {
        "replicaCount": b.integer("NameNodes: 2..5 with HA, 1 without", 1, 5),
        "podManagementPolicy": b.pod_management_policy(),
        "persistence": b.persistence("NameNode metadata volume"),
        "service": b.closed({
            "type": b.string("Client Service type", enum=["ClusterIP", "NodePort", "LoadBalancer"]),
            "ports": b.closed({"rpc": b.port("NameNode RPC port (8020)"),
                               "http": b.port("NameNode web UI port (9870)")}, "Ports"),
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
        "persistence": b.persistence("JournalNode edits volume"),
        "service": b.closed({"ports": b.closed({
            "rpc": b.port("JournalNode RPC port (8485)"),
            "http": b.port("JournalNode HTTP port (8480)")}, "Ports")}, "Headless Service"),
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
            "ipc": b.port("IPC port (9867)")}, "Ports"),
        "persistence": b.persistence("DataNode data volumes (StatefulSet)", {
            "volumeCount": b.integer("Data volumes (disks) per DataNode", 1, 24)}),
        "hostPath": b.closed({
            "dirs": b.array("Node directories used as data directories (DaemonSet)",
                            b.string(pattern="^/"), minItems=1, uniqueItems=True),
            "type": b.string("hostPath type", enum=["DirectoryOrCreate", "Directory"]),
        }, "hostPath data directories (DaemonSet)"),
        "wait": b.closed({"resources": b.resources()}, "wait-for-namenode init container"),
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
        }, "High availability"),
        "config": b.closed({
            "replication": b.integer("dfs.replication", 1, 512),
            "blockSize": b.string("dfs.blocksize (bytes or 128m, 1g, ...)", pattern=b.HADOOP_SIZE_PATTERN),
            "permissionsEnabled": b.boolean("dfs.permissions.enabled"),
            "webhdfsEnabled": b.boolean("dfs.webhdfs.enabled"),
            "clusterId": b.string("Cluster id for the first format (empty: generated)",
                                  pattern=r"^[A-Za-z0-9_.-]*$"),
        }, "hdfs-site.xml settings"),
        "coreSite": {"type": "object", "description": "Extra core-site.xml properties (override the chart's)",
                     "additionalProperties": {"type": ["string", "number", "boolean"]}},
        "hdfsSite": {"type": "object", "description": "Extra hdfs-site.xml properties (override the chart's)",
                     "additionalProperties": {"type": ["string", "number", "boolean"]}},
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
        "serviceAccount": b.service_account(),
        "networkPolicy": b.network_policy("NameNode rpc/http, DataNode data/ipc/http", {"nodeCIDRs": b.cidr_list("With datanode.hostNetwork: node CIDRs allowed to reach the NameNode RPC port (empty: any source)")}),
        "tests": b.closed({
            "enabled": b.boolean("Render the helm test pod"),
            "resources": b.resources(),
        }, "helm test pod"),
    }, "hdfs chart values", "Values of the highly available HDFS chart")
