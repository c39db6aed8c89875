"""HDFS rack awareness: the topology script (files/scripts/topology.sh) and the topology-mapper
(files/topology/mapper.py).

topology.sh runs under bash exactly as Hadoop's ScriptBasedMapping runs it (executed with the
addresses as arguments) against a temp map file. mapper.py is imported for build_map, and run as
a process against a tiny fake Kubernetes API on 127.0.0.1 (plain HTTP through KUBERNETES_API_URL).
"""
import importlib.util
import json
import os
import stat
import subprocess
import sys
import time

import pytest

from script_sandbox import REPO, SCRIPTS, HttpServer

TOPOLOGY = SCRIPTS / "topology.sh"
MAPPER = REPO / "charts" / "hdfs" / "files" / "topology" / "mapper.py"
ZONE = "topology.kubernetes.io/zone"


def load_mapper():
    spec = importlib.util.spec_from_file_location("hdfs_topology_mapper", MAPPER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mapper = load_mapper()


# --------------------------------------------------------------------------------------
# topology.sh
# --------------------------------------------------------------------------------------
def run_topology(map_file, *args, extra_env=None):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TOPOLOGY_MAP_FILE": str(map_file)}
    env.update(extra_env or {})
    # Hadoop does not add `bash -euo pipefail`: run it the way the NameNode does.
    return subprocess.run(["bash", str(TOPOLOGY), *args], env=env, capture_output=True, text=True,
                          timeout=30)


@pytest.fixture
def map_file(tmp_path):
    path = tmp_path / "topology.map"
    path.write_text("# written by topology-mapper\n"
                    "10.0.0.1 /zone-a/node-1\n"
                    "node-1 /zone-a/node-1\n"
                    "\n"
                    "10.244.1.7 /zone-b/node-2\n"
                    "rt-hdfs-datanode-0 /zone-b/node-2\n"
                    "10.0.0.2 /zone-b/node-2")  # last line without a newline
    return path


def test_known_addresses_get_their_racks_in_order(map_file):
    result = run_topology(map_file, "10.244.1.7", "10.0.0.1", "node-1", "10.0.0.2")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "/zone-b/node-2 /zone-a/node-1 /zone-a/node-1 /zone-b/node-2\n"


def test_an_unknown_address_fails_the_call_so_hadoop_caches_nothing(map_file):
    """Hadoop caches every answer for good (CachedDNSToSwitchMapping) and nothing when the script
    fails: an address the map does not know yet must not get a rack it would keep."""
    result = run_topology(map_file, "10.9.9.9", "10.0.0.1", "unknown-host")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "no rack known yet for: 10.9.9.9 unknown-host" in result.stderr


def test_fqdn_falls_back_to_the_short_name(map_file):
    fqdn = "rt-hdfs-datanode-0.rt-hdfs-datanode-headless.bigdata.svc.cluster.local"
    assert run_topology(map_file, fqdn).stdout == "/zone-b/node-2\n"


def test_missing_map_file_answers_nothing(tmp_path):
    result = run_topology(tmp_path / "absent.map", "10.0.0.1", "10.0.0.2", "h")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "not readable yet" in result.stderr


def test_no_arguments_prints_an_empty_line(map_file):
    result = run_topology(map_file)
    assert (result.returncode, result.stdout) == (0, "\n")


def test_hundred_arguments_keep_their_order(tmp_path):
    path = tmp_path / "topology.map"
    # a big map, as in a large cluster: 2000 addresses
    path.write_text("".join(f"10.1.{i // 250}.{i % 250} /zone-{i % 3}/node-{i % 40}\n" for i in range(2000)))
    args = [f"10.1.{i // 250}.{i % 250}" for i in range(1999, 1899, -1)]
    started = time.monotonic()
    result = run_topology(path, *args)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    racks = result.stdout.rstrip("\n").split(" ")
    assert len(racks) == 100
    for arg, rack in zip(args, racks):
        i = int(arg.split(".")[2]) * 250 + int(arg.split(".")[3])
        assert rack == f"/zone-{i % 3}/node-{i % 40}"
    assert elapsed < 5, f"topology.sh took {elapsed:.1f}s for 100 addresses"
    # One unknown address among them: no answer for any (Hadoop then asks again later).
    args[50] = "192.168.0.1"
    assert run_topology(path, *args).returncode == 1


def test_topology_script_passes_shellcheck():
    if not any(os.access(os.path.join(d, "shellcheck"), os.X_OK) for d in os.environ["PATH"].split(os.pathsep)):
        pytest.skip("shellcheck not installed")
    result = subprocess.run(["shellcheck", "-x", str(TOPOLOGY)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


# --------------------------------------------------------------------------------------
# mapper.build_map
# --------------------------------------------------------------------------------------
def node(name, ip, zone=None, hostname=None):
    labels = {"kubernetes.io/hostname": name}
    if zone:
        labels[ZONE] = zone
    addresses = [{"type": "InternalIP", "address": ip}, {"type": "ExternalIP", "address": "203.0.113.9"}]
    if hostname:
        addresses.append({"type": "Hostname", "address": hostname})
    return {"metadata": {"name": name, "labels": labels}, "status": {"addresses": addresses}}


def pod(name, node_name, ip, phase="Running", hostname=None):
    spec = {"nodeName": node_name}
    if hostname:
        spec["hostname"] = hostname
    status = {"phase": phase}
    if ip:
        status["podIP"] = ip
        status["podIPs"] = [{"ip": ip}]
    return {"metadata": {"name": name}, "spec": spec, "status": status}


NODES = {"items": [node("node-1", "10.0.0.1", zone="zone-a", hostname="node-1.lan"),
                   node("node-2", "10.0.0.2")]}
PODS = {"items": [
    pod("rt-hdfs-datanode-0", "node-1", "10.244.1.5", hostname="rt-hdfs-datanode-0"),
    pod("spark-exec-1", "node-2", "10.244.2.9"),
    pod("starting", "node-2", None, phase="Pending"),           # no IP yet
    pod("initialising", "node-1", "10.244.1.6", phase="Pending"),  # init containers running
    pod("done", "node-1", "10.244.1.7", phase="Succeeded"),      # finished: IP may be reused
    pod("failed", "node-2", "10.244.2.8", phase="Failed"),
    pod("unscheduled", "", None, phase="Pending"),
]}


def test_build_map_nodes_with_and_without_zone_label():
    racks = mapper.build_map(NODES, {"items": []}, ZONE)
    assert racks == {"node-1": "/zone-a/node-1", "10.0.0.1": "/zone-a/node-1", "node-1.lan": "/zone-a/node-1",
                     "node-2": "/default-zone/node-2", "10.0.0.2": "/default-zone/node-2"}


def test_build_map_pods_follow_their_node():
    racks = mapper.build_map(NODES, PODS, ZONE)
    assert racks["10.244.1.5"] == racks["rt-hdfs-datanode-0"] == "/zone-a/node-1"
    assert racks["10.244.2.9"] == racks["spark-exec-1"] == "/default-zone/node-2"
    assert racks["10.244.1.6"] == "/zone-a/node-1"
    for absent in ("starting", "done", "10.244.1.7", "failed", "10.244.2.8", "unscheduled", "203.0.113.9"):
        assert absent not in racks


def test_build_map_other_zone_label_and_empty_lists():
    racks = mapper.build_map({"items": [node("n", "10.0.0.3", zone="z")]}, {"items": None}, "example.com/zone")
    assert racks == {"n": "/default-zone/n", "10.0.0.3": "/default-zone/n"}
    assert mapper.build_map({}, {}, ZONE) == {}


def test_every_rack_has_the_same_depth():
    racks = mapper.build_map(NODES, PODS, ZONE)
    assert {r.count("/") for r in racks.values()} == {2}


# --------------------------------------------------------------------------------------
# mapper.py against a fake API server
# --------------------------------------------------------------------------------------
class FakeApi:
    """Answers /api/v1/nodes and /api/v1/namespaces/<ns>/pods; records requests and auth."""

    def __init__(self, namespace="bigdata"):
        self.namespace = namespace
        self.nodes, self.pods = NODES, PODS
        self.fail = False
        self.paths = []
        self.server = HttpServer(self.respond)

    def respond(self, path):
        self.paths.append(path)
        if self.fail:
            return 500, json.dumps({"kind": "Status", "message": "etcd is sad"})
        base = path.split("?", 1)[0]
        if base == "/api/v1/nodes":
            return 200, json.dumps(self.nodes)
        if base == f"/api/v1/namespaces/{self.namespace}/pods":
            return 200, json.dumps(self.pods)
        return 404, json.dumps({"kind": "Status", "message": f"no {base}"})


@pytest.fixture
def api():
    fake = FakeApi()
    yield fake
    fake.server.close()


def mapper_env(tmp_path, api, **extra):
    token = tmp_path / "token"
    if not token.exists():
        token.write_text("secret-token\n")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "KUBERNETES_API_URL": f"http://{api.server.address}",
           "TOKEN_FILE": str(token), "CA_FILE": str(tmp_path / "ca.crt"),
           "POD_NAMESPACE": "bigdata", "TOPOLOGY_MAP_FILE": str(tmp_path / "map" / "topology.map"),
           "ZONE_LABEL": ZONE, "REFRESH_SECONDS": "60"}
    env.update(extra)
    (tmp_path / "map").mkdir(exist_ok=True)
    return env


def run_mapper(env, *args):
    return subprocess.run([sys.executable, str(MAPPER), *args], env=env, capture_output=True, text=True,
                          timeout=30)


def read_map(path):
    lines = [line for line in path.read_text().splitlines() if line and not line.startswith("#")]
    return dict(line.split(" ", 1) for line in lines)


def test_refresh_writes_the_map_the_script_reads(tmp_path, api):
    env = mapper_env(tmp_path, api)
    result = run_mapper(env, "--once")
    assert result.returncode == 0, result.stdout + result.stderr
    map_path = tmp_path / "map" / "topology.map"
    assert read_map(map_path) == mapper.build_map(NODES, PODS, ZONE)
    assert stat.S_IMODE(map_path.stat().st_mode) == 0o644  # readable by the NameNode's user
    assert os.listdir(tmp_path / "map") == ["topology.map"]  # no temp file left behind
    assert "map written: 2 nodes, 7 pods" in result.stdout
    assert {p.split("?")[0] for p in api.paths} == {"/api/v1/nodes", "/api/v1/namespaces/bigdata/pods"}
    # the script answers from the mapper's file
    answer = run_topology(map_path, "10.244.1.5", "10.244.2.9")
    assert answer.stdout == "/zone-a/node-1 /default-zone/node-2\n"


def test_requests_carry_the_token(tmp_path, api, monkeypatch):
    import http.server

    seen = []
    original = http.server.BaseHTTPRequestHandler.parse_request

    def parse_request(handler):
        ok = original(handler)
        seen.append(handler.headers.get("Authorization"))
        return ok

    monkeypatch.setattr(http.server.BaseHTTPRequestHandler, "parse_request", parse_request)
    assert run_mapper(mapper_env(tmp_path, api), "--once").returncode == 0
    assert seen and set(seen) == {"Bearer secret-token"}


def test_api_error_keeps_the_previous_map(tmp_path, api):
    env = mapper_env(tmp_path, api)
    assert run_mapper(env, "--once").returncode == 0
    map_path = tmp_path / "map" / "topology.map"
    before = map_path.read_text()
    api.fail = True
    result = run_mapper(env, "--once")
    assert result.returncode == 1
    assert "refresh failed, keeping the previous map" in result.stdout
    assert map_path.read_text() == before
    assert os.listdir(tmp_path / "map") == ["topology.map"]


def test_refresh_follows_list_pages(tmp_path, api):
    pages = {"": {"metadata": {"continue": "p2"}, "items": NODES["items"][:1]},
             "p2": {"metadata": {}, "items": NODES["items"][1:]}}
    respond = api.respond

    def paged(path):
        if path.startswith("/api/v1/nodes"):
            api.paths.append(path)
            cont = path.split("continue=")[1] if "continue=" in path else ""
            return 200, json.dumps(pages[cont])
        return respond(path)

    api.server.httpd.respond = paged
    assert run_mapper(mapper_env(tmp_path, api), "--once").returncode == 0
    assert read_map(tmp_path / "map" / "topology.map")["10.0.0.2"] == "/default-zone/node-2"


def test_startup_fails_without_a_token(tmp_path, api):
    env = mapper_env(tmp_path, api, TOKEN_FILE=str(tmp_path / "missing-token"))
    result = run_mapper(env)
    assert result.returncode == 1
    assert "cannot start" in result.stdout
    assert not (tmp_path / "map" / "topology.map").exists()


def test_check_probe(tmp_path):
    map_path = tmp_path / "topology.map"
    env = {"PATH": os.environ.get("PATH", ""), "TOPOLOGY_MAP_FILE": str(map_path)}
    assert run_mapper(env, "--check", "0").returncode == 1
    map_path.write_text("10.0.0.1 /a/b\n")
    assert run_mapper(env, "--check", "0").returncode == 0
    assert run_mapper(env, "--check", "180").returncode == 0
    old = time.time() - 600
    os.utime(map_path, (old, old))
    assert run_mapper(env, "--check", "180").returncode == 1
    assert run_mapper(env, "--check", "0").returncode == 0
