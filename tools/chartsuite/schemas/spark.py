"""values.schema.json of charts/spark (see charts/spark/values.yaml for defaults).

Ports and commands follow Spark's standalone defaults (docs/spark-standalone.md: apache/spark daemons,
apache/zeppelin, rocker/rstudio); sizes follow Spark's JVM size syntax (512m, 2g).
"""
from . import blocks as b

# Spark JVM sizes (spark.executor.memory and friends): digits with an optional k/m/g/t suffix
# (no suffix: MiB), as org.apache.spark.network.util.JavaUtils.byteStringAs reads them.
JVM_SIZE_PATTERN = r"^[0-9]+[kKmMgGtT]?$"


def _jvm_size(description):
    return b.string(description + " (a JVM size such as 512m or 2g)", pattern=JVM_SIZE_PATTERN)


def _pod(description, properties, persistence=None):
    """A closed component object: the shared pod keys plus ``properties``."""
    props = {
        "resources": b.resources(),
        "podSecurityContext": b.security_context("Pod security context"),
        "containerSecurityContext": b.security_context("Container security context", "container"),
        "livenessProbe": b.probe("livenessProbe timings"),
        "readinessProbe": b.probe("readinessProbe timings"),
        **b.pod_placement(),
        **b.extras(),
    }
    if persistence is not None:
        props["persistence"] = persistence
    props.update(properties)
    return b.closed(props, description)


def _ports(description, **ports):
    return b.closed({name: b.port(text) for name, text in ports.items()}, description)


def _notebook_auth(description, username=False):
    props = {
        "password": b.string("Password stored in a Secret created by the chart (empty: a random one generated at install and kept across upgrades)"),
        "existingSecret": b.string("Existing Secret holding the password (replaces password)"),
        "existingSecretPasswordKey": b.string("Key of the password in existingSecret", minLength=1),
    }
    if username:
        props["username"] = b.string("Login user written to shiro.ini", pattern=r"^[A-Za-z0-9_.-]+$")
    return b.closed(props, description)


def _notebook_persistence(description):
    return b.persistence(description, {
        "existingClaim": b.string("Existing PVC to use instead of creating one")})


def _driver():
    return b.closed({
        "port": b.port("First spark.driver.port: driver i of the pod binds port + i"),
        "blockManagerPort": b.port("First spark.blockManager.port: driver i of the pod binds blockManagerPort + i"),
        "maxDrivers": b.integer("Client-mode drivers that may run in the pod at once (each interpreter process or "
                                "sparklyr connection is one): the Service and NetworkPolicy open that many ports "
                                "from port and from blockManagerPort; spark.port.maxRetries is maxDrivers - 1",
                                minimum=1, maximum=16),
    }, "Driver ports executors call back on (through the headless driver Service)")


def schema():
    """The Spark chart's values schema (charts/spark/values.schema.json before required keys are added).

    Args: none.
    Returns: a blocks.document() dict (JSON Schema draft-07, closed root, Kubernetes definitions
        included); ports follow Spark's standalone defaults (docs/spark-standalone.md), JVM sizes
        JVM_SIZE_PATTERN (JavaUtils.byteStringAs); gen_schemas.render then adds ``required``."""
    master = _pod("Spark masters (StatefulSet)", {
        "replicaCount": b.integer("Masters: 1, or 2+ with ZooKeeper recovery (needs zookeeper.quorum)", 1, 7),
        "podManagementPolicy": b.pod_management_policy(),
        "jvm": b.jvm(),
        "service": b.closed({
            "type": b.string("Client Service type", enum=["ClusterIP", "NodePort", "LoadBalancer"]),
            "ports": _ports("Ports", cluster="Master RPC port (7077)", http="Master web UI port (8080)"),
            "annotations": b.string_map("Service annotations"),
        }, "Client Service (cluster port and web UI)"),
        "ingress": b.ingress("Host name of the master web UI"),
        "pdb": b.pdb(),
        "router": b.closed({
            "enabled": b.boolean("Route the Service's cluster and web UI ports to the ALIVE master (HAProxy sidecar; "
                                 "only with 2+ masters)"),
            "image": b.image("HAProxy image of the router"),
            "checkIntervalSeconds": b.integer("Seconds between health checks of each master's status", 1, 60),
            "ports": _ports("Container ports of the router's frontends", cluster="RPC (cluster) frontend (17077)",
                            http="Web UI frontend (18080)"),
            "resources": b.resources("Resources of the router container"),
            "containerSecurityContext": b.security_context("Security context of the router container", "container"),
        }, "HAProxy sidecar sending the master Service's traffic to the ALIVE master"),
    })

    autoscaling = b.closed({
        "enabled": b.boolean("Create a HorizontalPodAutoscaler for the workers"),
        "minReplicas": b.integer("Minimum workers", 1),
        "maxReplicas": b.integer("Maximum workers", 1),
        "targetCPUUtilizationPercentage": {
            "type": ["integer", "null"], "minimum": 1, "maximum": b.MAX_PRINTED_INTEGER,
            "description": "Target average CPU utilisation (percent of requests)"},
        "targetMemoryUtilizationPercentage": {
            "type": ["integer", "null"], "minimum": 1, "maximum": b.MAX_PRINTED_INTEGER,
            "description": "Target average memory utilisation (percent of requests)"},
    }, "Worker autoscaling")

    worker = _pod("Spark workers (StatefulSet); Spark's share is derived from the container resources", {
        "replicaCount": b.integer("Workers (ignored when autoscaling.enabled)", 0),
        "podManagementPolicy": b.pod_management_policy(),
        "hostNetwork": b.boolean("Run workers and their executors in the node's network namespace, named by the node's "
                                 "IP (NODE_LOCAL tasks next to host-network DataNodes and Alluxio workers); on in the "
                                 "umbrella's locality mode"),
        "daemonMemory": b.quantity("Heap of the worker daemon (SPARK_DAEMON_MEMORY), a quantity such as 512Mi"),
        "memoryOverhead": b.quantity("Memory kept out of SPARK_WORKER_MEMORY for the worker daemon's non-heap "
                                     "memory, a quantity such as 256Mi"),
        "executorMemoryOverhead": b.quantity("Non-heap memory of each executor JVM, kept out of SPARK_WORKER_MEMORY "
                                             "once per executor the worker runs (its cores / config.executorCores), "
                                             "a quantity such as 384Mi"),
        "jvm": b.closed({"extraOpts": b.string("Extra JVM options of the worker daemon")}, "JVM settings"),
        "service": b.closed({"ports": _ports("Ports", cluster="Worker RPC port (7078)",
                                             http="Worker web UI port (8081)")}, "Headless Service"),
        "autoscaling": autoscaling,
        "pdb": b.pdb(),
        "decommission": b.closed({
            "enabled": b.boolean("preStop decommission hook (SIGPWR) and spark.decommission.enabled / "
                                 "spark.storage.decommission.*"),
        }, "Graceful decommission of a stopping worker"),
    }, persistence=b.persistence("Work and local directory volume (disabled: emptyDir)"))

    init_resources = b.resources("Resources of the init containers (copying Spark, preparing configuration)")

    zeppelin = _pod("Apache Zeppelin (Deployment)", {
        "enabled": b.boolean("Deploy Zeppelin"),
        "replicaCount": b.integer("Zeppelin pods (0 or 1: the notebook volume is ReadWriteOnce)", 0, 1),
        "image": b.image("Zeppelin image"),
        "auth": _notebook_auth("Login (shiro.ini [users], assembled at start from a Secret)", username=True),
        "interpreter": b.closed({
            "python": b.string("Python of the python and pyspark interpreters (zeppelin.python, spark.pyspark.python: "
                               "the driver's and the executors'); empty: <pythonEnvironment.path>/bin/python"),
            "hdfsUrl": b.string("WebHDFS URL of the file interpreter (hdfs.url)", pattern=r"^(https?://.*)?$"),
            "sparkProperties": {"type": "object", "description": "Extra spark interpreter properties (not the ones the chart derives from its values, nor the Python: zeppelin.interpreter.python)",
                                "additionalProperties": {"type": ["string", "number", "boolean"]}},
        }, "Interpreter settings written to interpreter.json"),
        "pythonEnvironment": b.closed({
            "path": b.string("The Python environment (conda prefix) in the Zeppelin image", pattern="^/.*[^/]$"),
            "shareWithWorkers": b.boolean("Copy the environment from the Zeppelin image into each worker pod (init "
                                          "container, emptyDir at the same path) so PySpark executors run the "
                                          "drivers' Python"),
        }, "The Zeppelin image's Python environment, shared with the Spark workers"),
        "driver": _driver(),
        "initResources": init_resources,
        "service": b.closed({
            "type": b.string("Service type", enum=["ClusterIP", "NodePort", "LoadBalancer"]),
            "ports": _ports("Ports", http="Zeppelin web port (8080)"),
            "annotations": b.string_map("Service annotations"),
        }, "Service"),
        "ingress": b.ingress("Host name of Zeppelin"),
    }, persistence=_notebook_persistence("Notebook volume (kept on uninstall)"))

    rstudio = _pod("RStudio Server with sparklyr (Deployment)", {
        "enabled": b.boolean("Deploy RStudio Server"),
        "replicaCount": b.integer("RStudio pods (0 or 1: the home volume is ReadWriteOnce)", 0, 1),
        "image": b.image("rocker/rstudio image"),
        "auth": _notebook_auth("Password of the rstudio user (PASSWORD, from a Secret)"),
        "rPackages": b.array("R packages the user library must hold (installed once by the install-r-packages init "
                             "container when missing)",
                             b.string(pattern=r"^[A-Za-z][A-Za-z0-9.]*$"), uniqueItems=True),
        "rRepository": b.closed({
            "url": b.string("CRAN-like repository URL (empty: the image's, which needs egress)",
                            pattern=r"^((https?|file)://.*)?$"),
            "volume": {"type": "object", "description": "Offline install: a pod volume source holding a CRAN-like "
                       "repository, mounted at /opt/r-repository (wins over url)"},
        }, "Where install-r-packages installs from"),
        "rPackagesRequired": b.boolean("Stop the pod's start when a package cannot be installed"),
        "packagesResources": b.resources("Resources of the install-r-packages init container"),
        "startupProbe": b.probe("startupProbe timings (s6 init and rserver start)"),
        "driver": _driver(),
        "initResources": init_resources,
        "initSecurityContext": b.security_context("Security context of the copy init containers", "container"),
        "packagesSecurityContext": b.security_context("Security context of the install-r-packages init container",
                                                      "container"),
        "service": b.closed({
            "type": b.string("Service type", enum=["ClusterIP", "NodePort", "LoadBalancer"]),
            "ports": _ports("Ports", http="Service port of RStudio (the container listens on 8787)"),
            "annotations": b.string_map("Service annotations"),
        }, "Service"),
        "ingress": b.ingress("Host name of RStudio"),
    }, persistence=_notebook_persistence("Home directory volume (kept on uninstall)"))

    history_server = _pod("Spark history server (Deployment): the UI of applications, from their event logs", {
        "enabled": b.boolean("Deploy the history server and turn on the drivers' event logs (spark.eventLog.*)"),
        "logDirectory": b.string("Directory of the event logs, a Hadoop file system URI (spark.history.fs.logDirectory, "
                                 "the drivers' spark.eventLog.dir), e.g. hdfs:///spark-events; empty: hdfs:///spark-events with an "
                                 "umbrella release's HDFS, else required when enabled",
                                 pattern=r"^([a-zA-Z][a-zA-Z0-9+.-]*:/.*)?$"),
        "updateIntervalSeconds": b.integer("Seconds between scans of the log directory (spark.history.fs.update.interval)",
                                           1, 3600),
        "cleaner": b.closed({
            "enabled": b.boolean("Delete old event logs (spark.history.fs.cleaner.enabled)"),
            "maxAge": b.string("Age of the logs deleted (spark.history.fs.cleaner.maxAge), a Spark duration such as "
                               "7d or 12h", pattern=r"^[0-9]+(ms|s|m|min|h|d)$"),
        }, "Event log cleaner"),
        "jvm": b.jvm(),
        "service": b.closed({
            "type": b.string("Service type", enum=["ClusterIP", "NodePort", "LoadBalancer"]),
            "ports": _ports("Ports", http="Web UI and REST API port (spark.history.ui.port, 18080)"),
            "annotations": b.string_map("Service annotations"),
        }, "Service"),
        "ingress": b.ingress("Host name of the history server UI"),
    })

    return b.document({
        **b.root_common(),
        "image": b.image("Spark image of masters, workers, tests and the notebooks' Spark distribution"),
        "zookeeper": b.closed({
            "quorum": b.string("ZooKeeper quorum host:port[,host:port...] (required with 2+ masters)"),
            "znode": b.string("spark.deploy.zookeeper.dir (default /spark-<fullname>)", pattern="^(/.*)?$"),
        }, "ZooKeeper of the master recovery mode"),
        "auth": b.closed({
            "enabled": b.boolean("Spark RPC authentication (spark.authenticate) for masters, workers, executors "
                                 "and the chart's drivers"),
            "existingSecret": b.string("Existing Secret holding the shared secret (empty: the chart creates "
                                       "<fullname>-auth with a random secret kept across upgrades)"),
            "secretKey": b.string("Key of the shared secret in the Secret", pattern=r"^[-._a-zA-Z0-9]+$"),
            "encryption": b.boolean("Encrypt RPC and block transfer traffic (spark.network.crypto.enabled, AES); applies only with auth.enabled"),
        }, "Spark RPC authentication from a Secret"),
        "kerberos": b.closed({
            "enabled": b.boolean("Kerberos client of the drivers (krb5.conf, keytab, spark.kerberos.principal/keytab)"),
            "principal": b.string("spark.kerberos.principal of the drivers (e.g. spark@EXAMPLE.COM)",
                                  pattern=r"^([^\s@/]+(/[^\s@/]+)?@[A-Za-z0-9.-]+)?$"),
            "keytab": b.closed({
                "existingSecret": b.string("Existing Secret with the principal's keytab"),
                "key": b.string("Key of the keytab (mounted at /etc/security/keytabs/<key>)",
                                pattern=r"^[-._a-zA-Z0-9]+$"),
            }, "Keytab from an existing Secret"),
            "krb5": b.closed({
                "configMap": b.string("ConfigMap with krb5.conf (e.g. <release>-hdfs-krb5)"),
                "key": b.string("Key of krb5.conf in the ConfigMap", pattern=r"^[-._a-zA-Z0-9]+$"),
            }, "krb5.conf, mounted at /etc/krb5.conf"),
            "accessHadoopFileSystems": b.array("spark.kerberos.access.hadoopFileSystems",
                                               b.string(pattern="^[a-z][a-z0-9+.-]*://"), uniqueItems=True),
        }, "Kerberos client of the drivers for a Kerberos-secured HDFS"),
        "hadoop": b.closed({
            "configMap": b.string("ConfigMap with core-site.xml and hdfs-site.xml, mounted as HADOOP_CONF_DIR"),
        }, "HDFS client configuration"),
        "alluxio": b.closed({
            "masterAddresses": b.string("Alluxio master RPC addresses host:port[,...] (empty: the release's "
                                        "Alluxio under the umbrella chart, else no Alluxio client)"),
            "client": b.closed({
                "image": b.image("Image the Alluxio client jar is copied from"),
                "jarPath": b.string("Path of the client jar in that image", pattern="^/.+[.]jar$"),
                "resources": b.resources(),
                "domainSocket": b.closed({
                    "hostPath": b.string("Node directory of the Alluxio workers' domain sockets (the alluxio chart's "
                                         "shortCircuit.hostPath), mounted in worker pods; empty: not mounted",
                                         pattern="^(/.*)?$"),
                    "mountPath": b.string("Mount path of that directory (the alluxio chart's shortCircuit.mountPath)",
                                          pattern="^/"),
                }, "Alluxio workers' domain sockets for executors on their nodes"),
            }, "Alluxio client jar"),
        }, "Alluxio client for Spark drivers and executors"),
        "config": b.closed({
            "executorMemory": _jvm_size("spark.executor.memory"),
            "executorCores": b.integer("spark.executor.cores", 1),
            "coresMax": b.integer("spark.cores.max (must be positive)"),
            "driverMemory": _jvm_size("spark.driver.memory"),
            "maxResultSize": _jvm_size("spark.driver.maxResultSize"),
            "defaultFS": b.string("spark.hadoop.fs.defaultFS (empty: from hadoop.configMap)"),
            "reverseProxy": b.boolean("spark.ui.reverseProxy"),
            "reverseProxyUrl": b.string("spark.ui.reverseProxyUrl"),
            "extra": b.moved_properties("configOverrides.spark-defaults.conf"),
        }, "spark-defaults.conf settings"),
        "configOverrides": b.config_overrides({
            "spark-defaults.conf": "Extra spark-defaults.conf properties (override the chart's, except the ones it derives from its own values: spark.master, spark.authenticate, spark.authenticate.secret, spark.network.crypto.enabled, spark.deploy.recoveryMode, spark.deploy.zookeeper.url)",
        }, "Extra properties by configuration file (property: value), written over the chart's"),
        "master": master,
        "worker": worker,
        "zeppelin": zeppelin,
        "rstudio": rstudio,
        "metrics": b.metrics("Spark's PrometheusServlet (spark-defaults.conf) at /metrics/master/prometheus "
                             "on the masters' and /metrics/prometheus on the workers' web ports, executor "
                             "metrics on the drivers' UI (spark.ui.prometheus.enabled)"),
        "historyServer": history_server,
        "serviceAccount": b.service_account(),
        "networkPolicy": b.network_policy("master cluster/http, worker ports, notebook UIs"),
        "tests": b.closed({
            "enabled": b.boolean("Render the helm test pod (SparkPi)"),
            "resources": b.resources(),
        }, "helm test pod"),
    }, "spark chart values", "Values of the Spark standalone chart with Zeppelin and RStudio")
