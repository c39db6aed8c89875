"""NetworkPolicies of every chart and profile, evaluated with netpol: who may reach which
port. Each profile's rendered pods (plus synthetic ones: an unlabelled pod, a labelled client, a
client in another namespace, the ingress controller) are checked against the intended matrix
below: the components that need a port reach it, everything else is denied."""
import ipaddress

import pytest

from conftest import HELM_MAJORS, NAMESPACE, RELEASE, chart_profiles, find
from chartsuite import helm
import netpol
from netpol import Pod

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
NODE_IP = "10.20.0.7"  # address host-network pods connect from in these tests
INGRESS_NS = "ingress-nginx"
EXECUTOR_PORT = 40123  # an executor block manager port (chosen per application)
SPARK_UI_PORT = 4041   # an application UI port (spark.ui.port 4040 + a retry)


class World:
    """Rendered pods by (chart, component) plus the synthetic sources; builds matrix cases."""

    def __init__(self, objects):
        self.objects = objects
        self.policies = netpol.policies_from_objects(objects)
        # Host-network pods connect from their node's address: one inside the node CIDRs the values
        # declare (the first ipBlock of the policies), else NODE_IP.
        cidrs = [peer["ipBlock"]["cidr"] for p in self.policies for r in p["spec"].get("ingress") or []
                 for peer in r.get("from") or [] if "ipBlock" in peer]
        self.node_ip = str(next(ipaddress.ip_network(cidrs[0]).hosts())) if cidrs else NODE_IP
        self.pods = {}
        for pod in netpol.pods_from_objects(objects, NAMESPACE):
            if pod.host_network:
                pod.ip = self.node_ip
            key = (pod.labels.get("app.kubernetes.io/name"), pod.labels.get("app.kubernetes.io/component"))
            self.pods.setdefault(key, pod)
        self.pods["stranger"] = Pod("unlabelled-pod", NAMESPACE, {"app": "random"})
        self.pods["ingress"] = Pod("ingress-controller", INGRESS_NS, {"app.kubernetes.io/name": "ingress-nginx"})
        for chart in ("hdfs", "spark", "alluxio"):
            label = {f"{RELEASE}-{chart}-client": "true"}
            self.pods[f"client:{chart}"] = Pod(f"{chart}-client-pod", NAMESPACE, label)
            self.pods[f"far-client:{chart}"] = Pod(f"{chart}-client-pod-elsewhere", "elsewhere", label)
        self.cases = []
        self.namespaces = {}  # namespace -> labels, for namespaceSelector peers
        # Locality mode (global.locality): DataNodes, Spark workers and Alluxio workers on their nodes'
        # network. Every client port of every chart then admits the nodes (their addresses cannot
        # tell an executor from a DataNode), so a host-network source is a client everywhere.
        self.locality = all(self.pods[k].host_network for k in
                            (("hdfs", "datanode"), ("spark", "worker"), ("alluxio", "worker")) if k in self.pods) \
            and any(k in self.pods for k in (("spark", "worker"),))

    def node_client(self, src):
        """Whether ``src`` reaches the client ports as a node source (locality mode, host network)."""
        return self.locality and src in self.pods and self.pods[src].host_network

    def has(self, key):
        return key in self.pods

    def expect(self, src, dst, port, allowed=True):
        """Add a case when both pods exist in this profile (callers assert the core pods exist)."""
        if src in self.pods and dst in self.pods:
            self.cases.append((self.pods[src], self.pods[dst], port, allowed))

    def deny(self, src, dst, port):
        self.expect(src, dst, port, False)

    def failures(self):
        return netpol.check_matrix(self.cases, self.policies, self.namespaces)


def ingress_enabled(objects, component):
    return any(o["kind"] == "Ingress" and o["metadata"]["labels"].get("app.kubernetes.io/component") == component
               for o in objects)


def hdfs_matrix(w):
    nn, jn, zk, dn, test = (("hdfs", c) for c in ("namenode", "journalnode", "zookeeper", "datanode", "test"))
    assert w.has(nn) and w.has(dn), "every hdfs profile has NameNodes and DataNodes"
    host_dn = w.pods[dn].host_network
    web = "https" if "https" in w.pods[nn].ports else "http"  # security.tls switches every web port
    # Host-network DataNodes connect from node addresses: the NameNode RPC port then accepts
    # networkPolicy.nodeCIDRs (ipBlock), or every source when none is given.
    node_cidrs = any("ipBlock" in peer for p in w.policies for r in p["spec"].get("ingress") or []
                     for peer in r.get("from") or [])
    rpc_open = host_dn and not node_cidrs
    for port in ("rpc", web):
        w.expect(nn, nn, port)
        w.expect("client:hdfs", nn, port)
        for src in ("stranger", "far-client:hdfs", "ingress"):
            w.expect(src, nn, port, rpc_open and port == "rpc" or (src == "ingress" and port == web
                                                                    and ingress_enabled(w.objects, "namenode")))
    w.expect(dn, nn, "rpc")
    w.expect(dn, nn, web, w.node_client(dn))
    w.expect(test, nn, "rpc")
    if w.has(jn):
        w.expect(nn, nn, "zkfc")
        for src in (dn, "client:hdfs", test, "stranger"):
            w.deny(src, nn, "zkfc")
    for port in ("rpc", web):
        w.expect(nn, jn, port)
        w.expect(jn, jn, port)
        for src in (dn, zk, "client:hdfs", test, "stranger"):
            w.deny(src, jn, port)
    w.expect(nn, zk, "client")
    for port in ("follower", "election"):
        w.expect(zk, zk, port)
        w.deny(nn, zk, port)
    for src in (dn, jn, "client:hdfs", test, "stranger"):
        w.deny(src, zk, "client")
    for port in ("data", "ipc", web):
        w.expect(nn, dn, port)
        w.expect(dn, dn, port)
        w.expect("client:hdfs", dn, port)
        w.expect("stranger", dn, port, host_dn)  # host-network DataNodes are outside every policy
    w.expect(test, dn, "data")
    w.expect(jn, dn, "data", host_dn)


def spark_matrix(w):
    master, worker, zeppelin, rstudio, test = (("spark", c) for c in ("master", "worker", "zeppelin", "rstudio", "test"))
    assert w.has(master) and w.has(worker), "every spark profile has masters and workers"
    host_workers = w.pods[worker].host_network  # outside every policy
    for src in (worker, zeppelin, rstudio, test, "client:spark"):
        w.expect(src, master, "cluster")
    for src in ("stranger", "far-client:spark", "client:hdfs"):
        w.deny(src, master, "cluster")
    w.expect("client:spark", master, "http")
    w.expect(worker, master, "http", w.node_client(worker))
    w.deny("stranger", master, "http")
    w.expect("ingress", master, "http", ingress_enabled(w.objects, "master"))
    w.deny("ingress", master, "cluster")
    for port in ("cluster", "http"):
        w.expect(master, worker, port)
    for src in (worker, zeppelin, rstudio, test, "client:spark"):
        w.expect(src, worker, EXECUTOR_PORT)
    w.expect(master, worker, EXECUTOR_PORT, host_workers)
    for src in ("stranger", "far-client:spark", "ingress"):
        w.expect(src, worker, "cluster", host_workers)
        w.expect(src, worker, EXECUTOR_PORT, host_workers)
    reverse_proxy = any("spark.ui.reverseProxy true" in o.get("data", {}).get("spark-defaults.conf", "")
                        for o in find(w.objects, "ConfigMap"))
    for nb in (zeppelin, rstudio):
        w.expect("client:spark", nb, "http")
        w.expect("ingress", nb, "http", ingress_enabled(w.objects, nb[1]))
        for src in ("stranger", worker, master, "far-client:spark"):
            w.deny(src, nb, "http")
        # One driver and one block manager port per driver the pod may run (driver.maxDrivers).
        ports = w.pods[nb].ports if nb in w.pods else {}
        driver_ports = sorted(p for p in ports if p.startswith(("driver-", "blockmgr-")))
        assert not ports or len(driver_ports) >= 2, ports
        for port in driver_ports:
            w.expect(worker, nb, port)
            w.expect(master, nb, port, port.startswith("driver-"))  # the master calls a registered driver back
            for src in ("stranger", "client:spark", test):
                w.deny(src, nb, port)
        for prefix in ("driver-", "blockmgr-"):  # the port after each range stays closed
            last = max((number for name, number in ports.items() if name.startswith(prefix)), default=None)
            if last is not None:
                w.deny(worker, nb, last + 1)
        w.expect(master, nb, SPARK_UI_PORT, reverse_proxy)
        w.deny(worker, nb, SPARK_UI_PORT)


def alluxio_matrix(w):
    master, worker, fuse, test = (("alluxio", c) for c in ("master", "worker", "fuse", "test"))
    assert w.has(master) and w.has(worker), "every alluxio profile has masters and workers"
    host_workers = w.pods[worker].host_network
    node_cidrs = any("ipBlock" in peer for p in w.policies for r in p["spec"].get("ingress") or []
                     for peer in r.get("from") or [])
    for port in ("rpc", "job-rpc"):
        w.expect(worker, master, port)
        w.expect(master, master, port)
    for port in ("rpc", "web", "job-rpc", "job-web"):
        for src in ("client:alluxio", test, fuse):
            w.expect(src, master, port)
        for src in ("stranger", "far-client:alluxio"):
            w.expect(src, master, port, host_workers and not node_cidrs and port in ("rpc", "job-rpc"))
    w.expect(worker, master, "web", w.node_client(worker))
    if "embedded" in w.pods[master].ports:
        for port in ("embedded", "job-embedded"):
            w.expect(master, master, port)
            for src in (worker, "client:alluxio", test, "stranger"):
                w.deny(src, master, port)
    for port in ("rpc", "job-rpc", "job-data"):
        w.expect(worker, worker, port)
    for port in ("rpc", "web", "job-web"):
        for src in ("client:alluxio", test, fuse):
            w.expect(src, worker, port)
        w.expect("stranger", worker, port, host_workers)
    for port in ("job-rpc", "job-data"):
        w.expect("client:alluxio", worker, port, host_workers)
        w.expect(master, worker, port, host_workers)
    for src in (master, worker, "client:alluxio", "stranger"):  # FUSE pods accept no connections
        w.deny(src, fuse, 29999)


def umbrella_matrix(w):
    """Wiring between the subcharts: Spark and Alluxio pods are HDFS clients, Spark is an Alluxio
    client, Spark masters use the HDFS ZooKeeper when they recover through it; nothing else crosses."""
    sw, sm, sz, st = (("spark", c) for c in ("worker", "master", "zeppelin", "test"))
    am, aw, at = (("alluxio", c) for c in ("master", "worker", "test"))
    nn, jn, zk, dn = (("hdfs", c) for c in ("namenode", "journalnode", "zookeeper", "datanode"))
    for src in (sw, sm, sz, st):
        w.expect(src, nn, "rpc")
        w.expect(src, dn, "data")
        w.deny(src, jn, "rpc")
        w.deny(src, nn, "zkfc")
    w.expect(sz, nn, "http")  # WebHDFS of Zeppelin's file interpreter
    w.expect(sz, dn, "http")  # WebHDFS redirects reads to a DataNode
    w.deny(sw, zk, "client")
    if w.has(sm):
        recovers_on_hdfs_zk = f"{RELEASE}-hdfs-zookeeper-client" in w.pods[sm].labels
        w.expect(sm, zk, "client", recovers_on_hdfs_zk)
    alluxio_over_hdfs = w.has(am) and any(
        v.get("configMap", {}).get("name") == f"{RELEASE}-hdfs-config"
        for o in find(w.objects, "StatefulSet", component="master") if o["metadata"]["labels"]["app.kubernetes.io/name"] == "alluxio"
        for v in o["spec"]["template"]["spec"].get("volumes", []))
    for src in (am, aw, at):
        w.expect(src, nn, "rpc", alluxio_over_hdfs)
        w.expect(src, dn, "data", alluxio_over_hdfs)
        w.deny(src, jn, "rpc")
        w.deny(src, zk, "client")
    for src in (sw, sz, st):
        w.expect(src, am, "rpc")
        w.expect(src, aw, "rpc")
        w.deny(src, am, "embedded") if w.has(am) and "embedded" in w.pods[am].ports else None
    # In locality mode DataNodes and Alluxio workers share the nodes' addresses with the executors.
    host = {k: w.has(k) and w.pods[k].host_network for k in (sw, aw)}
    for src in (dn, nn, am, aw):
        w.expect(src, sm, "cluster", w.node_client(src))
        w.expect(src, sw, EXECUTOR_PORT, host[sw] or w.node_client(src))
    for src in (dn, nn):
        w.expect(src, am, "rpc", w.node_client(src))
        w.expect(src, aw, "rpc", host[aw] or w.node_client(src))


MATRICES = {"hdfs": [hdfs_matrix], "spark": [spark_matrix], "alluxio": [alluxio_matrix]}


def matrices_of(chart, world):
    if chart == "umbrella":
        out = [umbrella_matrix]
        for sub in ("hdfs", "spark", "alluxio"):
            if any(k[0] == sub for k in world.pods if isinstance(k, tuple)):
                out += MATRICES[sub]
        return out
    return MATRICES[chart]


CASES = [(chart, profile) for chart in ("hdfs", "spark", "alluxio", "umbrella") for profile, _ in chart_profiles(chart)]


@pytest.mark.parametrize("major", HELM_MAJORS)
@pytest.mark.parametrize("chart,profile", CASES)
def test_intended_traffic_matrix(renders, chart, profile, major):
    objects = renders.get(chart, profile, major)
    world = World(objects)
    assert world.policies, f"{chart} [{profile}]: NetworkPolicies are on by default"
    for matrix in matrices_of(chart, world):
        matrix(world)
    assert len(world.cases) >= 20, "the matrix must exercise the profile"
    assert world.failures() == []


@pytest.mark.parametrize("chart,profile", CASES)
def test_policies_are_ingress_only_and_name_existing_ports(renders, chart, profile):
    """Egress (DNS included) is never restricted; every named port of a rule exists on every pod the
    policy selects (a misspelt name would silently open nothing)."""
    objects = renders.get(chart, profile)
    pods = [p for p in netpol.pods_from_objects(objects, NAMESPACE) if not p.host_network]
    for policy in netpol.policies_from_objects(objects):
        spec = policy["spec"]
        assert spec["policyTypes"] == ["Ingress"] and "egress" not in spec, policy["metadata"]["name"]
        selected = [p for p in pods if netpol.selector_matches(spec["podSelector"], p.labels)]
        assert selected, f"{policy['metadata']['name']} selects no pod"
        for rule in spec.get("ingress") or []:
            for entry in rule.get("ports") or []:
                if isinstance(entry.get("port"), str):
                    missing = [p.name for p in selected if entry["port"] not in p.ports]
                    assert not missing, f"{policy['metadata']['name']}: port {entry['port']} missing on {missing}"


def test_matrix_fails_on_a_deliberately_broken_policy(renders):
    """The same matrix, on the default hdfs render with the NameNode's client rule widened to every
    source (its "from" removed) and the JournalNode policy dropped, reports exactly those paths."""
    import copy
    objects = copy.deepcopy(renders.get("hdfs", "defaults"))
    for obj in objects:
        if obj["kind"] == "NetworkPolicy" and obj["metadata"]["name"] == f"{RELEASE}-hdfs-namenode":
            for rule in obj["spec"]["ingress"]:
                if any(p.get("port") == "rpc" for p in rule.get("ports", [])) and len(rule["ports"]) == 2:
                    del rule["from"]
    objects = [o for o in objects if not (o["kind"] == "NetworkPolicy" and o["metadata"]["name"].endswith("journalnode"))]
    world = World(objects)
    hdfs_matrix(world)
    failures = world.failures()
    assert "unlabelled-pod -> StatefulSet/rt-hdfs-namenode:rpc: expected denied, got allowed" in failures
    assert "StatefulSet/rt-hdfs-datanode -> StatefulSet/rt-hdfs-journalnode:rpc: expected denied, got allowed" in failures
    assert all("namenode" in f or "journalnode" in f for f in failures)


def render_hdfs(set_values):
    return helm.render(ROOT / "charts" / "hdfs", set_values=set_values, release=RELEASE, namespace=NAMESPACE)


def test_allow_external_opens_only_the_client_ports():
    world = World(render_hdfs({"networkPolicy.allowExternal": "true"}))
    nn, jn, dn = ("hdfs", "namenode"), ("hdfs", "journalnode"), ("hdfs", "datanode")
    for dst, port in ((nn, "rpc"), (nn, "http"), (dn, "data")):
        world.expect("stranger", dst, port)
        world.expect("far-client:hdfs", dst, port)
    world.deny("stranger", jn, "rpc")
    world.deny("stranger", nn, "zkfc")
    assert world.failures() == []


def test_node_cidrs_narrow_the_host_network_datanode_rule():
    objects = render_hdfs({"datanode.kind": "DaemonSet", "datanode.hostNetwork": "true",
                           "datanode.volumePermissions.enabled": "true",
                           "networkPolicy.nodeCIDRs[0]": "10.20.0.0/16"})
    world = World(objects)
    assert not find(objects, "NetworkPolicy", name=f"{RELEASE}-hdfs-datanode"), "host-network pods ignore policies"
    nn, dn = ("hdfs", "namenode"), ("hdfs", "datanode")
    world.expect(dn, nn, "rpc")
    world.deny("stranger", nn, "rpc")
    world.pods["other-node"] = Pod("pod-on-another-network", NAMESPACE, {}, host_network=True, ip="192.168.1.1")
    world.deny("other-node", nn, "rpc")
    assert world.failures() == []


def test_extra_ingress_and_ingress_namespace_selector():
    objects = render_hdfs({"networkPolicy.extraIngress[0].namespaceSelector.matchLabels.team": "analytics",
                           "namenode.ingress.enabled": "true",
                           r"networkPolicy.ingressNamespaceSelector.matchLabels.kubernetes\.io/metadata\.name": "edge"})
    world = World(objects)
    world.namespaces = {"team-a": {"team": "analytics"}}
    nn = ("hdfs", "namenode")
    world.pods["analytics"] = Pod("pod-of-team-analytics", "team-a", {})
    world.pods["edge"] = Pod("edge-proxy", "edge", {})
    world.expect("analytics", nn, "rpc")
    world.deny("analytics", nn, "zkfc")
    world.deny("ingress", nn, "http")  # the selector names another namespace now
    world.expect("edge", nn, "http")
    world.deny("edge", nn, "rpc")
    assert world.failures() == []


def test_disabled_renders_no_policy():
    for chart in ("hdfs", "spark", "alluxio"):
        objects = helm.render(ROOT / "charts" / chart, set_values={"networkPolicy.enabled": "false"},
                              release=RELEASE, namespace=NAMESPACE)
        assert not find(objects, "NetworkPolicy"), chart


@pytest.mark.parametrize("cidrs", [None, "10.20.0.0/16"])
def test_host_network_alluxio_workers(cidrs):
    """Host-network workers: no worker policy (it would not apply); the master RPC ports accept the
    node CIDRs, or every source without them; the rest of the master stays closed."""
    values = {"worker.hostNetwork": "true", **({"networkPolicy.nodeCIDRs[0]": cidrs} if cidrs else {})}
    objects = helm.render(ROOT / "charts" / "alluxio", set_values=values, release=RELEASE, namespace=NAMESPACE)
    assert not find(objects, "NetworkPolicy", name=f"{RELEASE}-alluxio-worker")
    world = World(objects)
    alluxio_matrix(world)
    master = ("alluxio", "master")
    world.expect(("alluxio", "worker"), master, "rpc")
    world.expect("stranger", master, "rpc", cidrs is None)
    world.deny("stranger", master, "web")
    assert world.failures() == []


@pytest.mark.parametrize("node_cidrs", [True, False])
def test_locality_mode_admits_the_nodes(node_cidrs, tmp_path):
    """Locality mode (examples/stack-locality.yaml): executors on the host network reach the NameNodes,
    the Alluxio masters, the Spark master and the notebook drivers from their nodes' addresses. With
    global.locality.nodeCIDRs only those addresses do; without, the client ports accept any source
    (as NOTES warn), but the HDFS internals (JournalNodes, ZooKeeper, ZKFC) stay closed."""
    no_cidrs = tmp_path / "no-node-cidrs.yaml"
    no_cidrs.write_text("global:\n  locality:\n    nodeCIDRs: []\n")
    files = [ROOT / "examples" / "stack-locality.yaml", *([] if node_cidrs else [no_cidrs])]
    objects = helm.render(ROOT / "charts" / "umbrella", files, set_values={"spark.zeppelin.enabled": "true"},
                          release=RELEASE, namespace=NAMESPACE)
    world = World(objects)
    assert world.locality
    world.pods["outsider"] = Pod("host-network-pod-of-another-network", NAMESPACE, {}, host_network=True,
                                 ip="198.51.100.7")
    executors = ("spark", "worker")
    for dst, port in ((("hdfs", "namenode"), "rpc"), (("alluxio", "master"), "rpc"), (("spark", "master"), "cluster"),
                      (("spark", "zeppelin"), "driver-0"), (("spark", "zeppelin"), "blockmgr-0")):
        world.expect(executors, dst, port)
        world.expect("outsider", dst, port, not node_cidrs)
    for src in (executors, "outsider"):
        world.deny(src, ("hdfs", "journalnode"), "rpc")
        world.deny(src, ("hdfs", "zookeeper"), "client")
        world.deny(src, ("hdfs", "namenode"), "zkfc")
    assert len(world.cases) == 16 and world.failures() == []
