#!/usr/bin/env python3
"""topology-mapper: keep the HDFS rack map of files/scripts/topology.sh up to date.

Runs as a sidecar of every NameNode pod (Python 3 standard library only). Every
REFRESH_SECONDS it lists the cluster's Nodes and the Pods of its own namespace from the
Kubernetes API and writes TOPOLOGY_MAP_FILE, one "<address> <rack>" line per known address:

- the rack of a node is /<value of its ZONE_LABEL label, or "default-zone">/<node name>;
- every node's InternalIP and Hostname addresses and its name map to the node's rack;
- every pod that has an IP and is Pending (init containers running) or Running maps its IP,
  its pod name and its spec.hostname to the rack of the node it runs on. Finished pods are
  left out: their IP may already belong to another pod.

The file is replaced atomically, so topology.sh never reads half a map. On an API error the
previous map stays in place and the next refresh tries again.

Environment (defaults are the in-cluster values):
  KUBERNETES_API_URL   https://kubernetes.default.svc
  TOKEN_FILE           /var/run/secrets/kubernetes.io/serviceaccount/token (re-read every
                       refresh: projected tokens are rotated by the kubelet)
  CA_FILE              /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
  POD_NAMESPACE        namespace whose pods are mapped (default: the service account's
                       namespace file next to TOKEN_FILE)
  ZONE_LABEL           topology.kubernetes.io/zone
  REFRESH_SECONDS      60
  TOPOLOGY_MAP_FILE    /var/run/hdfs-topology/topology.map

Usage: mapper.py [--once | --check MAX_AGE_SECONDS]
  --once    refresh once and exit (0 when the map was written)
  --check   probe: exit 0 when the map exists and, if MAX_AGE_SECONDS > 0, is younger than that
"""
import json
import os
import ssl
import sys
import tempfile
import time
import urllib.parse
import urllib.request

SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
DEFAULT_ZONE = "default-zone"
PAGE_SIZE = 500
RUNNING_PHASES = ("Pending", "Running")


def log(message):
    """Print one timestamped log line on stdout (kubectl logs shows it)."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    print(f"{stamp} topology-mapper: {message}", flush=True)


class Settings:
    """The mapper's settings, read from the environment (see the module docstring)."""

    def __init__(self, environ=None):
        env = os.environ if environ is None else environ
        self.api_url = env.get("KUBERNETES_API_URL", "https://kubernetes.default.svc").rstrip("/")
        self.token_file = env.get("TOKEN_FILE", f"{SA_DIR}/token")
        self.ca_file = env.get("CA_FILE", f"{SA_DIR}/ca.crt")
        self.namespace = env.get("POD_NAMESPACE", "")
        self.zone_label = env.get("ZONE_LABEL", "topology.kubernetes.io/zone")
        self.refresh_seconds = int(env.get("REFRESH_SECONDS", "60"))
        self.map_file = env.get("TOPOLOGY_MAP_FILE", "/var/run/hdfs-topology/topology.map")
        if not self.namespace:
            ns_file = os.path.join(os.path.dirname(self.token_file), "namespace")
            with open(ns_file, encoding="utf-8") as handle:
                self.namespace = handle.read().strip()


def read_token(path):
    """Return the bearer token in ``path``; raise OSError/ValueError when unreadable or empty."""
    with open(path, encoding="utf-8") as handle:
        token = handle.read().strip()
    if not token:
        raise ValueError(f"{path} is empty")
    return token


def node_rack(node, zone_label):
    """Rack "/<zone>/<node name>" of a Node object (dict); zone "default-zone" without the label."""
    meta = node.get("metadata") or {}
    zone = (meta.get("labels") or {}).get(zone_label) or DEFAULT_ZONE
    return f"/{zone}/{meta.get('name', '')}"


def build_map(nodes_json, pods_json, zone_label):
    """Return {address: rack} from a NodeList and a PodList (dicts as the API returns them).

    Nodes: InternalIP, Hostname addresses and the node name. Pods: podIP(s), pod name and
    spec.hostname of every Pending or Running pod that has an IP and a node we know.
    """
    racks = {}
    node_racks = {}
    for node in nodes_json.get("items") or []:
        name = (node.get("metadata") or {}).get("name")
        if not name:
            continue
        rack = node_rack(node, zone_label)
        node_racks[name] = rack
        racks[name] = rack
        for address in (node.get("status") or {}).get("addresses") or []:
            if address.get("type") in ("InternalIP", "Hostname") and address.get("address"):
                racks[address["address"]] = rack
    for pod in pods_json.get("items") or []:
        status = pod.get("status") or {}
        spec = pod.get("spec") or {}
        rack = node_racks.get(spec.get("nodeName") or "")
        if rack is None or status.get("phase") not in RUNNING_PHASES:
            continue
        ips = [entry.get("ip") for entry in status.get("podIPs") or []] or [status.get("podIP")]
        ips = [ip for ip in ips if ip]
        if not ips:
            continue
        for ip in ips:
            racks[ip] = rack
        for name in ((pod.get("metadata") or {}).get("name"), spec.get("hostname")):
            if name:
                racks[name] = rack
    return racks


def format_map(racks):
    """The map file text: a comment line then "<address> <rack>" lines, sorted."""
    lines = ["# written by topology-mapper; <address> <rack>"]
    lines += [f"{address} {rack}" for address, rack in sorted(racks.items())]
    return "\n".join(lines) + "\n"


def write_map(path, racks):
    """Write the map to ``path`` atomically (temp file in the same directory, then os.replace)."""
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=".topology.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(format_map(racks))
        os.chmod(tmp, 0o644)  # the NameNode container may run as another user
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def ssl_context(settings):
    """TLS context trusting the cluster CA (None for plain-HTTP test URLs)."""
    if not settings.api_url.startswith("https://"):
        return None
    return ssl.create_default_context(cafile=settings.ca_file)


def api_list(settings, path, token, context):
    """GET every page of a list ``path`` (following ``continue``); return {"items": [...]}."""
    items = []
    cont = ""
    while True:
        query = {"limit": str(PAGE_SIZE)}
        if cont:
            query["continue"] = cont
        url = f"{settings.api_url}{path}?{urllib.parse.urlencode(query)}"
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}",
                                                        "Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=30, context=context) as response:
            page = json.load(response)
        items += page.get("items") or []
        cont = (page.get("metadata") or {}).get("continue") or ""
        if not cont:
            return {"items": items}


def refresh(settings):
    """List nodes and pods, write the map; return True on success, False (map kept) on error."""
    try:
        token = read_token(settings.token_file)
        context = ssl_context(settings)
        nodes = api_list(settings, "/api/v1/nodes", token, context)
        pods = api_list(settings, f"/api/v1/namespaces/{settings.namespace}/pods", token, context)
        racks = build_map(nodes, pods, settings.zone_label)
        write_map(settings.map_file, racks)
    except Exception as exc:  # noqa: BLE001 - any failure keeps the last good map
        log(f"refresh failed, keeping the previous map: {type(exc).__name__}: {exc}")
        return False
    log(f"map written: {len(nodes['items'])} nodes, {len(pods['items'])} pods, "
        f"{len(set(racks.values()))} racks, {len(racks)} addresses")
    return True


def check(path, max_age):
    """Probe: True when ``path`` exists and (max_age > 0) was written less than max_age s ago."""
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        return False
    return max_age <= 0 or time.time() - mtime < max_age


def main(argv):
    """Entry point; returns the exit code."""
    if len(argv) == 2 and argv[0] == "--check":
        return 0 if check(os.environ.get("TOPOLOGY_MAP_FILE", "/var/run/hdfs-topology/topology.map"),
                          float(argv[1])) else 1
    if argv not in ([], ["--once"]):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        settings = Settings()
        read_token(settings.token_file)
    except (OSError, ValueError) as exc:
        log(f"cannot start: {exc} (is the service account token mounted?)")
        return 1
    log(f"namespace {settings.namespace}, zone label {settings.zone_label}, "
        f"refresh every {settings.refresh_seconds}s, map {settings.map_file}")
    if argv == ["--once"]:
        return 0 if refresh(settings) else 1
    while True:
        refresh(settings)
        time.sleep(settings.refresh_seconds)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
