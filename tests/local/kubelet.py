"""A small kubelet and runc for tests/local: the pods a chart renders, run on this machine under the
conditions a real pod gets.

What a pod gets here, as from the kubelet and a container runtime (sources: the Kubernetes
documentation of volumes, security contexts, probes and the pod lifecycle, and the kubelet's
volume ownership code, pkg/volume/volume_linux.go):

- **Its own network namespace** with its own address on a bridge (198.18.128.0/17, one /24 per
  cluster; nothing is routed off the bridge), its own loopback, hostname = pod name. A pod with
  ``hostNetwork`` shares its node's namespace (a node is a network namespace too).
- **Names**: a per-pod ``/etc/hosts`` written as the kubelet writes it (localhost, then the pod's own
  ``<ip> <pod>.<subdomain>.<ns>.svc.<domain> <pod>``) followed by what the cluster DNS would answer:
  the pods of every StatefulSet behind a headless Service (with or without readiness, see
  ``publishNotReadyAddresses``), and ``<dashed-ip>.<service>...`` names for other pods behind a headless
  Service (the name CoreDNS gives their addresses both ways). The file is rewritten in place when pods
  come and go, so a bind-mounted copy stays current.
- **A container per process tree**: ``unshare`` gives each container its own mount, UTS, IPC and PID
  namespaces (the command is PID 1, as in a container); the root filesystem is a tmpfs with the
  machine's ``/usr``, ``/bin``, ``/lib`` read-only, ``/etc`` as a copy-on-write overlay holding the
  image's ``passwd``/``group``, and the image twin's own paths (``Image.paths``) as overlays; with
  ``readOnlyRootFilesystem`` all of that is remounted read-only. ``/dev/shm`` is a 64 MiB tmpfs as in
  a container.
- **Its user**: ``runAsUser``/``runAsGroup`` (else the image's user), supplementary groups from
  ``fsGroup`` and ``supplementalGroups``, no capabilities for a non-root user, ``no_new_privs`` when
  ``allowPrivilegeEscalation`` is false.
- **Volumes owned as the kubelet owns them**: ConfigMap and Secret volumes as read-only mounts with
  the ``..data`` symlink layout and ``defaultMode``; emptyDir ``0777`` (``medium: Memory``: a tmpfs of
  ``sizeLimit``); PersistentVolumeClaims (from ``volumeClaimTemplates``) a directory that outlives the
  pod, created ``root:root 0755`` as a provisioner creates it; hostPath ``DirectoryOrCreate`` created
  ``root:root 0755`` on the node. With ``fsGroup`` the kubelet then gives every volume but hostPath the
  group and ``g+rw`` (directories ``g+rwxs``), unless ``fsGroupChangePolicy: OnRootMismatch`` finds the
  root already right.
- **A memory limit** from ``resources.limits.memory`` (a cgroup v1 memory cgroup per container,
  mounted at ``/sys/fs/cgroup/memory`` inside it, as container runtimes do on cgroup v1), and a
  freezer cgroup per pod (``Pod.freeze``).
- **The kubelet's loop**: init containers in order until each succeeds, then the containers; a
  container that exits is restarted with the kubelet's back-off (10 s doubling to 300 s, scaled by
  ``Cluster.backoff_scale``); startup, liveness and readiness probes (exec through ``nsenter`` into the
  container, httpGet and tcpSocket from the node) with their timings; deletion with SIGTERM, the grace
  period and SIGKILL.

What it does not do: CPU limits, Services with cluster IPs (no kube-proxy), NetworkPolicies, image
pulls (images are ``Image`` twins: real software laid out as the image has it). Everything it creates
is undone by ``Cluster.close()``: processes (by PID), network namespaces, the bridge, cgroups.
"""
from __future__ import annotations

import atexit
import base64
import fcntl
import ipaddress
import json
import os
import shlex
import signal
import socket
import ssl
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from chartsuite.model import quantity

NETWORK = ipaddress.ip_network("198.18.128.0/17")
LOCK_DIR = Path("/tmp/bigdata-charts-kubelet")
BASE_DIRS = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32")
CGROUP_ROOT = Path("/sys/fs/cgroup")


def available():
    """(bool, reason): whether this machine can run pods (root, network namespaces, unshare,
    nsenter, overlayfs and cgroup v1 memory and freezer controllers)."""
    if os.geteuid() != 0:
        return False, "running pods needs root (network namespaces, mounts, cgroups)"
    for tool in ("ip", "unshare", "nsenter", "setpriv", "chroot"):
        if subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode:
            return False, f"'{tool}' is not installed (util-linux, iproute2, coreutils)"
    if "overlay" not in Path("/proc/filesystems").read_text():
        return False, "the kernel has no overlayfs"
    for ctl in ("memory", "freezer"):
        if not (CGROUP_ROOT / ctl / "cgroup.procs").exists():
            return False, f"no cgroup v1 '{ctl}' controller mounted at {CGROUP_ROOT / ctl}"
    return True, ""


def _run(*argv, check=True):
    """Run a command (list of str); return CompletedProcess. Raises RuntimeError with its output."""
    proc = subprocess.run(argv, capture_output=True, text=True)
    if check and proc.returncode:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")
    return proc


EXTRA_CGROUPS = ("cpu", "cpuacct", "cpuset")


def _own_cgroup(controller):
    """Path of this process's cgroup for a v1 controller (new cgroups nest under it)."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, ctls, path = line.split(":", 2)
        if controller in ctls.split(","):
            return CGROUP_ROOT / controller / path.lstrip("/")
    raise RuntimeError(f"this process has no {controller} cgroup")


# ------------------------------------------------------------------------------------------------
# Images
# ------------------------------------------------------------------------------------------------
@dataclass
class Image:
    """The twin of a container image: real software laid out at the image's paths.

    repository: the image name a pod spec references (``apache/hadoop``; registry and tag are
    compared by ``matches``); tag: the tag the twin reproduces; user/group: the image's USER
    (numeric); passwd/group_file: the image's /etc/passwd and /etc/group lines for its users;
    workdir: WORKDIR; env: the image's ENV; paths: {path in the image: directory on this machine};
    facts: where the reproduced facts are listed with their sources; passwd_mode: the mode of
    /etc/passwd (root:root; 0o664 where the image lets group 0 write it).
    """
    repository: str
    tag: str
    user: int
    group: int
    passwd: str
    group_file: str
    workdir: str = "/"
    env: dict = field(default_factory=dict)
    paths: dict = field(default_factory=dict)
    facts: str = ""
    passwd_mode: int = 0o644

    def matches(self, ref):
        """Whether an image reference (``docker.io/apache/hadoop:3.4.1``) names this image."""
        name = ref.split("@")[0]
        repo, _, tag = name.rpartition(":") if ":" in name.rsplit("/", 1)[-1] else (name, "", "")
        repo = repo.split("/", 1)[1] if repo.count("/") >= 1 and "." in repo.split("/")[0] else repo
        return repo == self.repository and tag in ("", self.tag)


# ------------------------------------------------------------------------------------------------
# Network
# ------------------------------------------------------------------------------------------------
class Network:
    """A bridge with one /24 of 198.18.128.0/17 (chosen under a lock, so parallel test workers and
    runs do not collide); network namespaces attached to it by veth pairs."""

    def __init__(self):
        LOCK_DIR.mkdir(parents=True, exist_ok=True)
        for index, subnet in enumerate(NETWORK.subnets(new_prefix=24)):
            lock = open(LOCK_DIR / f"net{index}.lock", "w")
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                lock.close()
                continue
            self.index, self.subnet, self._lock = index, subnet, lock
            break
        else:
            raise RuntimeError("no free /24 left in 198.18.128.0/17 for a test network")
        self.bridge = f"bdk{self.index}"
        self.gateway = str(self.subnet.network_address + 1)
        self._next_host = 10
        self._namespaces = []
        self._remove_leftovers()

        _run("ip", "link", "add", self.bridge, "type", "bridge")
        _run("ip", "addr", "add", f"{self.gateway}/24", "dev", self.bridge)
        _run("ip", "link", "set", self.bridge, "up")

    def _remove_leftovers(self):
        """Namespaces and links of this index left by a run that was killed (we hold its lock)."""
        for line in _run("ip", "netns", "list", check=False).stdout.splitlines():
            name = line.split()[0] if line.split() else ""
            if name.startswith(f"bdk{self.index}-"):
                _run("ip", "netns", "del", name, check=False)
        for line in _run("ip", "-o", "link", "show", check=False).stdout.splitlines():
            name = line.split(": ")[1].split("@")[0] if ": " in line else ""
            if name == self.bridge or name.startswith(f"bdk{self.index}h"):
                _run("ip", "link", "del", name, check=False)

    def add_namespace(self, label):
        """Create a network namespace attached to the bridge; return (namespace name, IP)."""
        host = self._next_host
        self._next_host += 1
        if host > 250:
            raise RuntimeError("test network full (240 namespaces)")
        ns = f"bdk{self.index}-{label}"[:40]
        ip = str(self.subnet.network_address + host)
        veth = f"bdk{self.index}h{host}"
        _run("ip", "netns", "del", ns, check=False)
        _run("ip", "netns", "add", ns)
        self._namespaces.append(ns)
        _run("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns)
        _run("ip", "link", "set", veth, "master", self.bridge, "up")
        _run("ip", "-n", ns, "addr", "add", f"{ip}/24", "dev", "eth0")
        _run("ip", "-n", ns, "link", "set", "eth0", "up")
        _run("ip", "-n", ns, "link", "set", "lo", "up")
        return ns, ip

    def remove_namespace(self, ns):
        """Delete a network namespace (its veth goes with it)."""
        _run("ip", "netns", "del", ns, check=False)
        if ns in self._namespaces:
            self._namespaces.remove(ns)

    def close(self):
        for ns in list(self._namespaces):
            self.remove_namespace(ns)
        _run("ip", "link", "del", self.bridge, check=False)
        self._lock.close()


# ------------------------------------------------------------------------------------------------
# Volumes
# ------------------------------------------------------------------------------------------------
def _octal(mode, default):
    return default if mode is None else int(mode)


def _write_atomic_volume(target, files, mode, uid=0, gid=0):
    """Lay out ConfigMap/Secret files as the kubelet's AtomicWriter does: a timestamped directory,
    the ``..data`` symlink to it and one symlink per key; an update swaps ``..data`` at once."""
    target.mkdir(parents=True, exist_ok=True)
    stamp = f"..{time.strftime('%Y_%m_%d_%H_%M_%S')}.{time.monotonic_ns()}"
    data_dir = target / stamp
    data_dir.mkdir()
    for rel, content in files.items():
        path = data_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        os.chown(path, uid, gid)
        path.chmod(mode)
    os.chmod(data_dir, 0o755)
    tmp_link = target / "..data_tmp"
    if tmp_link.is_symlink():
        tmp_link.unlink()
    tmp_link.symlink_to(stamp)
    old = os.readlink(target / "..data") if (target / "..data").is_symlink() else None
    os.replace(tmp_link, target / "..data")
    for rel in files:
        top = rel.split("/")[0]
        link = target / top
        if not link.is_symlink():
            link.symlink_to(f"..data/{top}")
    if old:
        subprocess.run(["rm", "-rf", str(target / old)])


def _apply_fs_group(path, gid, policy, read_only=False):
    """The kubelet's SetVolumeOwnership: group ``gid`` and ``g+rw`` (read-only volumes ``g+r``),
    directories also ``g+xs``, recursively, unless OnRootMismatch finds the root already right."""
    root_ok = os.stat(path).st_gid == gid and (os.stat(path).st_mode & 0o2070) == 0o2070
    if policy == "OnRootMismatch" and root_ok:
        return
    mask = 0o440 if read_only else 0o660
    for dirpath, dirnames, filenames in os.walk(path):
        for name in [*dirnames, *filenames, None]:
            p = os.path.join(dirpath, name) if name else dirpath
            if name and os.path.islink(p):
                continue
            st = os.lstat(p)
            os.lchown(p, -1, gid)
            m = st.st_mode & 0o7777 | mask
            if os.path.isdir(p):
                m |= 0o2110
            os.chmod(p, m)
        dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]


# ------------------------------------------------------------------------------------------------
# Cluster, nodes, pods
# ------------------------------------------------------------------------------------------------
class Node:
    """A simulated node: a network namespace of its own (its IP is the node IP that host-network
    pods use), a root for hostPath volumes and a directory for the PersistentVolumes bound to it."""

    def __init__(self, cluster, name):
        self.cluster = cluster
        self.name = name
        self.netns, self.ip = cluster.network.add_namespace(f"node-{name}")
        self.root = cluster.workdir / "nodes" / name / "root"
        self.volumes = cluster.workdir / "nodes" / name / "pv"
        self.root.mkdir(parents=True, exist_ok=True)
        self.volumes.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o755)

    def host_path(self, path):
        """This node's directory for a hostPath ``path``."""
        return self.root / path.lstrip("/")


class Cluster:
    """Pods of rendered manifests on simulated nodes. ``objects`` are the rendered objects (dicts);
    ConfigMaps and Secrets are read from them when a pod mounts one (``update_objects`` replaces them
    and rewrites mounted volumes, as the kubelet does within a minute)."""

    def __init__(self, workdir, objects, images, nodes=1, namespace="default", cluster_domain="cluster.local",
                 backoff_scale=1.0):
        ok, reason = available()
        if not ok:
            raise RuntimeError(reason)
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.workdir, 0o755)
        self.objects = list(objects)
        self.images = list(images)
        self.namespace = namespace
        self.domain = cluster_domain
        self.backoff_scale = backoff_scale
        self.lock = threading.RLock()
        self.pods = {}
        self.claims = {}          # claim name -> (node, directory)
        self.statefulsets = {}
        self.network = Network()
        self._cg_memory = _own_cgroup("memory") / f"bdk{self.network.index}"
        self._cg_freezer = _own_cgroup("freezer") / f"bdk{self.network.index}"
        # cpu, cpuacct and cpuset cgroups per pod too (no quota, every CPU), as a runtime puts each
        # container in every controller: /proc/self/cgroup then shows no CPU controller at the root,
        # which images test to know they run in a container (apache/zeppelin's bin/zeppelin.sh).
        # Optional: each only where this machine mounts it as a v1 controller of its own.
        extra = {}  # a hierarchy mounted for two controllers (cpu,cpuacct) is one cgroup
        for ctl in EXTRA_CGROUPS:
            if (CGROUP_ROOT / ctl / "cgroup.procs").exists():
                path = _own_cgroup(ctl) / f"bdk{self.network.index}"
                extra.setdefault(str(path.parent.resolve()), path)
        self._cg_extra = list(extra.values())
        for cg in self._cgroups():
            _remove_cgroup_tree(cg)
            cg.mkdir()
            if (cg / "cpuset.cpus").exists():  # an empty cpuset admits no process: take the parent's
                for f in ("cpuset.cpus", "cpuset.mems"):
                    (cg / f).write_text((cg.parent / f).read_text())
                (cg / "cgroup.clone_children").write_text("1")  # pods' cpusets copy these
        self._closed = False
        atexit.register(self.close)  # a test process that dies leaves no pods behind
        self.nodes = [Node(self, f"node{i}") for i in range(nodes)]

    # -- objects ------------------------------------------------------------------------------
    def object(self, kind, name):
        """The rendered object of ``kind``/``name``; KeyError when absent."""
        for obj in self.objects:
            if obj["kind"] == kind and obj["metadata"]["name"] == name:
                return obj
        raise KeyError(f"{kind}/{name} is not in the manifests")

    def update_objects(self, objects):
        """Replace the manifests (an upgrade); mounted ConfigMaps and Secrets of running pods get the
        new content (workloads are not changed: see ``StatefulSet.rolling_update``)."""
        with self.lock:
            self.objects = list(objects)
            for pod in self.pods.values():
                pod.refresh_projected_volumes()

    def image(self, ref):
        for image in self.images:
            if image.matches(ref):
                return image
        raise KeyError(f"no image twin for {ref} (twins: {[i.repository + ':' + i.tag for i in self.images]})")

    # -- DNS ----------------------------------------------------------------------------------
    def _headless_services(self):
        return {o["metadata"]["name"]: o for o in self.objects
                if o["kind"] == "Service" and o["spec"].get("clusterIP") == "None"}

    def dns_records(self):
        """[(ip, [names])] the cluster DNS would answer, both ways."""
        records = []
        services = self._headless_services()
        with self.lock:
            pods = list(self.pods.values())
        for pod in pods:
            if pod.ip is None or pod.host_network:
                continue
            svc = services.get(pod.subdomain or "")
            if pod.subdomain and svc is not None and (pod.ready or svc["spec"].get("publishNotReadyAddresses")):
                records.append((pod.ip, [f"{pod.hostname}.{pod.subdomain}.{self.namespace}.svc.{self.domain}"]))
                continue
            for name, svc in services.items():
                selector = svc["spec"].get("selector") or {}
                if selector and all(pod.labels.get(k) == v for k, v in selector.items()) and \
                        (pod.ready or svc["spec"].get("publishNotReadyAddresses")):
                    # The Service's own name answers with every selected pod (one per pod here: the
                    # notebook pods' driver Services).
                    records.append((pod.ip, [f"{pod.ip.replace('.', '-')}.{name}.{self.namespace}.svc.{self.domain}",
                                             f"{name}.{self.namespace}.svc.{self.domain}"]))
                    break
        for node in self.nodes:
            records.append((node.ip, [node.name]))
        return records

    def refresh_dns(self):
        """Rewrite every pod's /etc/hosts in place (bind mounts keep seeing the same file)."""
        with self.lock:
            pods = list(self.pods.values())
        records = self.dns_records()
        for pod in pods:
            pod.write_hosts(records)

    # -- pods ---------------------------------------------------------------------------------
    def node(self, name=None):
        if name is None:
            return self.nodes[0]
        return next(n for n in self.nodes if n.name == name)

    def claim(self, name, node):
        """The directory of PersistentVolumeClaim ``name``: created on first use on ``node``,
        ``root:root 0755`` as a provisioner creates it; kept when pods go (retained)."""
        with self.lock:
            if name not in self.claims:
                path = node.volumes / name
                path.mkdir(parents=True)
                os.chown(path, 0, 0)
                path.chmod(0o755)
                self.claims[name] = (node, path)
            return self.claims[name]

    def run_pod(self, name, spec, labels=None, node=None, hostname=None, subdomain=None, claims=None):
        """Create and start a pod from a pod spec (dict); return the Pod (its kubelet loop runs in a
        thread). claims: {volume name: claim name} for volumeClaimTemplates volumes."""
        with self.lock:
            if name in self.pods:
                raise RuntimeError(f"pod {name} exists")
            pod = Pod(self, name, spec, labels or {}, node or self.node(), hostname or name, subdomain, claims or {})
            self.pods[name] = pod
        pod.start()
        self.refresh_dns()
        return pod

    def delete_pod(self, name, grace=None, wait=True):
        """Delete a pod as ``kubectl delete pod`` does (preStop, SIGTERM, grace period, SIGKILL; grace=0
        is SIGKILL at once); its network namespace and emptyDirs go, claims stay."""
        with self.lock:
            pod = self.pods.get(name)
        if pod is None:
            return
        pod.terminate(grace, wait=wait)
        with self.lock:
            self.pods.pop(name, None)
        self.refresh_dns()

    def close(self):
        """Stop every pod (SIGKILL) and undo everything: namespaces, bridge, cgroups."""
        if self._closed:
            return
        self._closed = True
        for sts in list(self.statefulsets.values()):
            sts.stopped = True
        with self.lock:
            pods = list(self.pods.values())
        for pod in pods:
            pod.terminate(0)
        self.pods.clear()
        for cg in self._cgroups():
            _remove_cgroup_tree(cg)
        self.network.close()

    def _cgroups(self):
        """This cluster's parent cgroups (memory, freezer, cpu when mounted)."""
        return [self._cg_memory, self._cg_freezer, *self._cg_extra]

    def logs(self, tail=4000):
        """Every container's log (str), for failure messages."""
        out = []
        for path in sorted(self.workdir.glob("pods/*/logs/*.log")):
            text = path.read_text(errors="replace")
            out.append(f"--- {path.parent.parent.name}/{path.stem} ---\n{text[-tail:]}")
        return "\n".join(out)


def _remove_cgroup_tree(path):
    """Kill what is left in a cgroup tree and remove it, deepest first."""
    if not path.exists():
        return
    for sub in sorted((p for p in path.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True) + [path]:
        freezer = sub / "freezer.state"
        if freezer.exists():
            freezer.write_text("THAWED")
        for _ in range(50):
            pids = [int(p) for p in (sub / "cgroup.procs").read_text().split()] if (sub / "cgroup.procs").exists() else []
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            try:
                sub.rmdir()
                break
            except OSError:
                time.sleep(0.1)


class Container:
    """One running (or exited) container process of a pod."""

    def __init__(self, pod, spec, init):
        self.pod = pod
        self.spec = spec
        self.name = spec["name"]
        self.init = init
        self.proc = None
        self.restarts = -1
        self.exit_codes = []
        self.terminated = False  # exited and not restarted (restartPolicy Never/OnFailure)
        self.started = False   # startup probe passed
        self.ready = False
        self.started_at = None
        self.started_file = None
        self.log_path = pod.dir / "logs" / f"{self.name}.log"

    def host_pid(self, timeout=10):
        """The pid of the container's PID 1 as seen from this machine, once its root and mounts are set
        up (None when it is not running, or not set up within ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                return None
            try:
                children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
            except OSError:
                children = []
            if children and self.started_file is not None and self.started_file.exists():
                return int(children[0])
            time.sleep(0.02)
        return None

    def running(self):
        return self.proc is not None and self.proc.poll() is None


class Pod:
    """A pod: its network namespace, volumes, containers and the kubelet loop that runs them."""

    def __init__(self, cluster, name, spec, labels, node, hostname, subdomain, claims):
        self.cluster = cluster
        self.name = name
        self.spec = spec
        self.labels = labels
        self.node = node
        self.hostname = hostname
        self.subdomain = subdomain
        self.claims = claims
        self.host_network = bool(spec.get("hostNetwork"))
        self.dir = cluster.workdir / "pods" / f"{name}-{time.monotonic_ns()}"
        (self.dir / "logs").mkdir(parents=True)
        os.chmod(self.dir, 0o755)
        self.ip = None
        self.netns = None
        self.ready = False
        self.phase = "Pending"
        self.init_done = False
        self.stopping = threading.Event()
        self.containers = {}
        self.init_containers = [Container(self, c, True) for c in spec.get("initContainers", [])]
        self.main_containers = [Container(self, c, False) for c in spec.get("containers", [])]
        for c in self.init_containers + self.main_containers:
            self.containers[c.name] = c
        self.volume_dirs = {}
        self.freezer = cluster._cg_freezer / self.dir.name
        self.memory = cluster._cg_memory / self.dir.name
        self.extra_cgroups = [cg / self.dir.name for cg in cluster._cg_extra]
        self.hosts_file = self.dir / "etc" / "hosts"
        self.thread = None
        self.events = []

    # -- setup ----------------------------------------------------------------------------------
    def start(self):
        if self.host_network:
            self.netns, self.ip = self.node.netns, self.node.ip
            self.hostname = self.node.name
        else:
            self.netns, self.ip = self.cluster.network.add_namespace(self.name[-24:])
        self.freezer.mkdir()
        self.memory.mkdir()
        for cg in self.extra_cgroups:
            cg.mkdir()
        (self.dir / "etc").mkdir()
        self.hosts_file.write_text("")
        self._prepare_volumes()
        self.thread = threading.Thread(target=self._kubelet_loop, name=f"kubelet-{self.name}", daemon=True)
        self.thread.start()

    def event(self, text):
        self.events.append(f"{time.strftime('%H:%M:%S')} {text}")

    def write_hosts(self, records):
        lines = ["127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback"]
        if self.host_network:
            lines.append(f"{self.ip}\t{self.node.name}")
        else:
            fqdn = f"{self.hostname}.{self.subdomain}.{self.cluster.namespace}.svc.{self.cluster.domain}" if self.subdomain else None
            lines.append(f"{self.ip}\t{fqdn + ' ' if fqdn else ''}{self.hostname}")
        for ip, names in records:
            if ip != self.ip:
                lines.append(f"{ip}\t{' '.join(names)}")
        text = "\n".join(lines) + "\n"
        if not self.hosts_file.exists():  # the pod was torn down meanwhile
            return
        try:
            f = open(self.hosts_file, "r+")  # in place: the bind mounts see the same inode
        except FileNotFoundError:
            return
        with f:
            f.seek(0)
            f.write(text)
            f.truncate()

    def _security(self, container):
        """(uid, gid, supplementary groups, no_new_privs, read_only_root, image) of a container."""
        image = self.cluster.image(container["image"])
        psc = self.spec.get("securityContext") or {}
        csc = container.get("securityContext") or {}
        uid = csc.get("runAsUser", psc.get("runAsUser", image.user))
        gid = csc.get("runAsGroup", psc.get("runAsGroup", image.group if "runAsUser" not in csc and "runAsUser" not in psc else 0))
        if "runAsGroup" not in csc and "runAsGroup" not in psc and (csc.get("runAsUser", psc.get("runAsUser")) == image.user):
            gid = image.group
        groups = []
        if psc.get("fsGroup") is not None:
            groups.append(int(psc["fsGroup"]))
        groups += [int(g) for g in psc.get("supplementalGroups", [])]
        # Kubernetes also adds the groups the image's /etc/group lists for the user (policy Merge).
        user_name = next((ln.split(":")[0] for ln in image.passwd.splitlines() if ln.split(":")[2:3] == [str(uid)]), None)
        for line in image.group_file.splitlines():
            parts = line.split(":")
            if user_name and len(parts) == 4 and user_name in parts[3].split(","):
                groups.append(int(parts[2]))
        nnp = csc.get("allowPrivilegeEscalation") is False
        ro = bool(csc.get("readOnlyRootFilesystem"))
        return int(uid), int(gid), sorted(set(groups) - {int(gid)}), nnp, ro, image

    def _prepare_volumes(self):
        psc = self.spec.get("securityContext") or {}
        fs_group = psc.get("fsGroup")
        policy = psc.get("fsGroupChangePolicy", "Always")
        vols = self.dir / "volumes"
        vols.mkdir()
        for vol in self.spec.get("volumes", []):
            name = vol["name"]
            path = vols / name
            if "emptyDir" in vol:
                path.mkdir()
                os.chmod(path, 0o777)
                if (vol["emptyDir"] or {}).get("medium") == "Memory":
                    size = (vol["emptyDir"] or {}).get("sizeLimit")
                    opts = "mode=1777" + (f",size={int(quantity.parse_quantity(size))}" if size else "")
                    _run("mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(path))
                if fs_group is not None:
                    _apply_fs_group(path, int(fs_group), "Always")
            elif "configMap" in vol or "secret" in vol or "projected" in vol:
                self._write_projected(vol, path, fs_group)
            elif "hostPath" in vol:
                hp = vol["hostPath"]
                kind = hp.get("type", "")
                # A node's devices are this machine's (/dev/fuse for the FUSE pods).
                path = Path(hp["path"]) if kind in ("CharDevice", "BlockDevice") else self.node.host_path(hp["path"])
                if not path.exists():
                    if kind == "DirectoryOrCreate":
                        path.mkdir(parents=True)
                        os.chown(path, 0, 0)
                        path.chmod(0o755)
                    elif kind in ("Directory", "File", "Socket", "CharDevice", "BlockDevice"):
                        raise RuntimeError(f"pod {self.name}: hostPath {hp['path']} (type {kind}) does not exist on {self.node.name}")
                    else:
                        path.mkdir(parents=True)
            elif "persistentVolumeClaim" in vol or name in self.claims:
                claim = self.claims.get(name) or vol["persistentVolumeClaim"]["claimName"]
                node, path = self.cluster.claim(claim, self.node)
                if node is not self.node:
                    raise RuntimeError(f"pod {self.name}: claim {claim} is bound to {node.name}, pod is on {self.node.name}")
                if fs_group is not None:
                    _apply_fs_group(path, int(fs_group), policy)
            else:
                raise RuntimeError(f"pod {self.name}: volume type of {name} not supported here: {sorted(vol)}")
            self.volume_dirs[name] = path
        for name in self.claims:
            if name not in self.volume_dirs:
                node, path = self.cluster.claim(self.claims[name], self.node)
                if fs_group is not None:
                    _apply_fs_group(path, int(fs_group), policy)
                self.volume_dirs[name] = path

    def _projected_files(self, vol):
        if "projected" in vol:
            files = {}
            for source in vol["projected"].get("sources", []):
                if "serviceAccountToken" in source:
                    # The kubelet asks the API server for a token; this test cluster has none.
                    files[source["serviceAccountToken"]["path"]] = b"no-api-server-in-this-test-cluster"
                elif "downwardAPI" in source:
                    for item in source["downwardAPI"]["items"]:
                        field = item["fieldRef"]["fieldPath"]
                        files[item["path"]] = {"metadata.namespace": self.cluster.namespace,
                                               "metadata.name": self.name}[field].encode()
                else:
                    sub, _ = self._projected_files(source)
                    files.update(sub)
            return files, _octal(vol["projected"].get("defaultMode"), 0o644)
        if "configMap" in vol:
            src = vol["configMap"]
            obj = self.cluster.object("ConfigMap", src["name"]) if src["name"] != "kube-root-ca.crt" else {
                # Every namespace has it; this test cluster has no API server and no CA.
                "data": {"ca.crt": "# no API server in this test cluster\n"}}
            data = {k: v.encode() for k, v in (obj.get("data") or {}).items()}
            data.update({k: base64.b64decode(v) for k, v in (obj.get("binaryData") or {}).items()})
        else:
            src = vol["secret"]
            obj = self.cluster.object("Secret", src["secretName"])
            data = {k: base64.b64decode(v) for k, v in (obj.get("data") or {}).items()}
            data.update({k: v.encode() for k, v in (obj.get("stringData") or {}).items()})
        if src.get("items"):
            data = {item["path"]: data[item["key"]] for item in src["items"]}
        return data, _octal(src.get("defaultMode"), 0o644)

    def _write_projected(self, vol, path, fs_group):
        files, mode = self._projected_files(vol)
        gid = int(fs_group) if fs_group is not None else 0
        if fs_group is not None:
            mode |= 0o440
        _write_atomic_volume(path, files, mode, 0, gid)

    def refresh_projected_volumes(self):
        fs_group = (self.spec.get("securityContext") or {}).get("fsGroup")
        for vol in self.spec.get("volumes", []):
            if "configMap" in vol or "secret" in vol or "projected" in vol:
                self._write_projected(vol, self.volume_dirs[vol["name"]], fs_group)

    # -- running containers ----------------------------------------------------------------------
    def _env(self, container, image):
        env = dict(image.env)
        env["HOSTNAME"] = self.hostname
        env["KUBERNETES_SERVICE_HOST"] = "198.19.0.1"
        env["KUBERNETES_SERVICE_PORT"] = "443"
        resolved = {}
        for e in container.get("env", []):
            if "value" in e:
                value = _expand(str(e["value"]), resolved)
            else:
                ref = e.get("valueFrom", {})
                if "fieldRef" in ref:
                    value = {"metadata.name": self.name, "metadata.namespace": self.cluster.namespace,
                             "status.podIP": self.ip, "spec.nodeName": self.node.name,
                             "status.hostIP": self.node.ip}[ref["fieldRef"]["fieldPath"]]
                elif "secretKeyRef" in ref or "configMapKeyRef" in ref:
                    kind, key = ("Secret", "secretKeyRef") if "secretKeyRef" in ref else ("ConfigMap", "configMapKeyRef")
                    obj = self.cluster.object(kind, ref[key]["name"])
                    if kind == "Secret" and ref[key]["key"] in (obj.get("stringData") or {}):
                        value = obj["stringData"][ref[key]["key"]]
                    elif kind == "Secret":
                        value = base64.b64decode(obj["data"][ref[key]["key"]]).decode()
                    else:
                        value = obj["data"][ref[key]["key"]]
                elif "resourceFieldRef" in ref:
                    value = str(container.get("resources", {}).get("limits", {}).get(
                        ref["resourceFieldRef"]["resource"].split(".", 1)[1], ""))
                else:
                    raise RuntimeError(f"env {e['name']}: valueFrom {sorted(ref)} not supported here")
            resolved[e["name"]] = value
        env.update(resolved)
        return env, resolved

    def _setup_script(self, c, argv, env, uid, gid, groups, nnp, read_only, image, memcg):
        """The shell script that builds the container's root and execs its command as its user."""
        cdir = self.dir / "containers" / f"{c.name}-{c.restarts}"
        root = cdir / "root"
        root.mkdir(parents=True)
        q = shlex.quote
        lines = ["set -eu", f"R={q(str(root))}",
                 f"echo 0 > {q(str(memcg / 'cgroup.procs'))}",
                 f"echo 0 > {q(str(self.freezer / 'cgroup.procs'))}",
                 *[f"echo 0 > {q(str(cg / 'cgroup.procs'))}" for cg in self.extra_cgroups],
                 f"hostname {q(self.hostname)}",
                 'mount -t tmpfs -o mode=755 tmpfs "$R"']
        for d in BASE_DIRS:
            host = Path("/") / d
            if host.is_symlink():
                lines.append(f'ln -s {q(os.readlink(host))} "$R/{d}"')
            elif host.is_dir():
                lines += [f'mkdir "$R/{d}"', f'mount --rbind -o ro /{d} "$R/{d}"', f'mount -o remount,bind,ro "$R/{d}"']
        overlays = []

        def overlay(target, lower, label):
            up, wk = cdir / "upper" / label, cdir / "work" / label
            up.mkdir(parents=True)
            wk.mkdir(parents=True)
            overlays.append(target)
            return [f'mkdir -p "$R{target}"',
                    f'mount -t overlay overlay -o lowerdir={q(str(lower))},upperdir={q(str(up))},workdir={q(str(wk))} "$R{target}"']
        lines += overlay("/etc", "/etc", "etc")
        etc = cdir / "etc"
        etc.mkdir()
        (etc / "passwd").write_text(image.passwd)
        (etc / "group").write_text(image.group_file)
        (etc / "hostname").write_text(self.hostname + "\n")
        (etc / "resolv.conf").write_text("# no DNS server in this test cluster: names come from /etc/hosts\noptions timeout:1 attempts:1\n")
        for f in ("passwd", "group", "hostname", "resolv.conf"):
            lines.append(f'cp {q(str(etc / f))} "$R/etc/{f}"')
        lines.append(f'chmod {image.passwd_mode:o} "$R/etc/passwd"')
        lines += ['rm -f "$R/etc/hosts"; touch "$R/etc/hosts"', f'mount --bind {q(str(self.hosts_file))} "$R/etc/hosts"']
        for i, (path, host) in enumerate(sorted(image.paths.items())):
            if Path(host).is_file():  # a file of the image (/entrypoint.sh): bound read-only
                lines += [f'mkdir -p "$(dirname "$R{path}")"; touch "$R{path}"', f'mount --bind {q(host)} "$R{path}"',
                          f'mount -o remount,bind,ro "$R{path}"']
            else:
                lines += overlay(path, host, f"image{i}")
        # /tmp as every Debian/Ubuntu base image has it: 1777 (root 0755 would be unwritable for users).
        lines += ['mkdir -p "$R/proc" "$R/dev" "$R/sys" "$R/tmp" "$R/run"', 'chmod 1777 "$R/tmp"', 'mount -t proc proc "$R/proc"',
                  'mount -t tmpfs -o mode=755 tmpfs "$R/dev"']
        for dev in ("null", "zero", "full", "random", "urandom", "tty"):
            lines += [f'touch "$R/dev/{dev}"', f'mount --bind /dev/{dev} "$R/dev/{dev}"']
        lines += ['mkdir "$R/dev/shm" "$R/dev/pts"', 'mount -t tmpfs -o size=64m,mode=1777 shm "$R/dev/shm"',
                  'ln -s /proc/self/fd "$R/dev/fd"', 'ln -s /proc/self/fd/0 "$R/dev/stdin"',
                  'ln -s /proc/self/fd/1 "$R/dev/stdout"', 'ln -s /proc/self/fd/2 "$R/dev/stderr"',
                  # /sys without the machine's cgroup mounts; the container's own memory cgroup at
                  # /sys/fs/cgroup/memory (the only memory mount, so the JVM finds its limit).
                  'mount --bind /sys "$R/sys"', 'mount -o remount,bind,ro "$R/sys"',
                  'mount -t tmpfs -o mode=755 cgroup "$R/sys/fs/cgroup"', 'mkdir "$R/sys/fs/cgroup/memory"',
                  f'mount --bind {q(str(memcg))} "$R/sys/fs/cgroup/memory"',
                  'mount -o remount,bind,ro "$R/sys/fs/cgroup/memory"', 'mount -o remount,ro "$R/sys/fs/cgroup"']
        binds = []
        for m in c.spec.get("volumeMounts", []):
            src = self.volume_dirs[m["name"]]
            if m.get("subPath"):
                src = src / m["subPath"]
            target = m["mountPath"]
            is_file = src.is_file() or src.is_char_device() or (src.is_symlink() and not src.resolve().is_dir())
            # Mount points first, while the root is still writable (a runtime creates them in the
            # container's layer before it makes the root read-only).
            lines.append(f'mkdir -p "$(dirname "$R{target}")"; [ -e "$R{target}" ] || touch "$R{target}"' if is_file
                         else f'mkdir -p "$R{target}"')
            volume = next((v for v in self.spec.get("volumes", []) if v["name"] == m["name"]), {})
            binds.append((src, target, m.get("readOnly") or any(k in volume for k in ("configMap", "secret", "projected"))))
        if read_only:
            lines += [f'mount -o remount,ro "$R{t}"' for t in overlays]
            lines.append('mount -o remount,ro "$R"')
        for src, target, ro_mount in binds:
            lines.append(f'mount --bind {q(str(src))} "$R{target}"')
            if ro_mount:
                lines.append(f'mount -o remount,bind,ro "$R{target}"')
        workdir = c.spec.get("workingDir") or image.workdir
        setpriv = ["setpriv"]
        if uid != 0 or gid != 0 or groups:
            setpriv += [f"--reuid={uid}", f"--regid={gid}"]
            setpriv += [f"--groups={','.join(map(str, groups))}"] if groups else ["--clear-groups"]
        if nnp:
            setpriv.append("--no-new-privs")
        if uid != 0:
            setpriv += ["--inh-caps=-all", "--bounding-set=-all"]
        env_args = [f"{k}={v}" for k, v in env.items()]
        cmd = ["chroot", str(root), *setpriv, "--", "env", "-i", "-C", workdir, *env_args, *argv]
        # The container is set up: from here on, exec and probes may enter it.
        lines.append(f": > {q(str(cdir / 'started'))}")
        # runc's default process umask (OCI process.user.umask unset): 0022, whatever the caller's.
        lines.append("umask 0022")
        lines.append("exec " + " ".join(q(a) for a in cmd))
        script = cdir / "setup.sh"
        script.write_text("\n".join(lines) + "\n")
        return script

    def _argv(self, c, image, env):
        argv = list(c.spec.get("command") or image.env.get("__ENTRYPOINT__", "").split()) + list(c.spec.get("args", []))
        return [_expand(a, env) for a in argv]

    def _start_container(self, c):
        c.restarts += 1
        c.started = False
        c.ready = False
        uid, gid, groups, nnp, ro, image = self._security(c.spec)
        env, _ = self._env(c.spec, image)
        argv = self._argv(c, image, env)
        memcg = self.memory / f"{c.name}-{c.restarts}"
        memcg.mkdir()
        limit = (c.spec.get("resources") or {}).get("limits", {}).get("memory")
        if limit:
            (memcg / "memory.limit_in_bytes").write_text(str(int(quantity.parse_quantity(limit))))
        c.memcg = memcg
        script = self._setup_script(c, argv, env, uid, gid, groups, nnp, ro, image, memcg)
        c.started_file = script.parent / "started"
        log = open(c.log_path, "a")
        log.write(f"===== {time.strftime('%H:%M:%S')} start #{c.restarts}: {' '.join(argv)}\n")
        log.flush()
        # As runc's fixStdioPermissions: the container's stdout/stderr belong to its user, so a process
        # of the container may write to /proc/1/fd/1 (a preStop hook logging where kubectl logs shows it).
        os.chown(c.log_path, uid, gid)
        c.proc = subprocess.Popen(
            # nsenter rather than `ip netns exec`, which remounts /sys and hides the cgroup hierarchy.
            ["nsenter", f"--net=/run/netns/{self.netns}", "unshare", "--mount", "--uts", "--ipc", "--pid", "--fork",
             "--kill-child", "--propagation", "private", "--", "bash", str(script)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        c.started_at = time.monotonic()
        c.uid_gid = (uid, gid, groups, nnp, image)
        c.env = env
        self.event(f"started container {c.name} (#{c.restarts})")

    def exec(self, container, argv, timeout=60, user=None, env=None):
        """Run a command inside a running container (``kubectl exec``): its namespaces, root, user and
        env. Returns CompletedProcess (text)."""
        c = self.containers[container]
        pid = c.host_pid()
        if pid is None:
            raise RuntimeError(f"container {container} of {self.name} is not running")
        uid, gid, groups, nnp, image = c.uid_gid
        if user is not None:
            uid, gid, groups = user, user, []
        setpriv = ["setpriv"]
        if uid != 0 or gid != 0:
            setpriv += [f"--reuid={uid}", f"--regid={gid}"]
            setpriv += [f"--groups={','.join(map(str, groups))}"] if groups else ["--clear-groups"]
        full_env = dict(c.env)
        full_env.update(env or {})
        cmd = ["nsenter", "-t", str(pid), "-m", "-u", "-i", "-n", "-p", "-r", "-w", *setpriv, "--",
               "env", "-i", *[f"{k}={v}" for k, v in full_env.items()], *argv]
        memcg = c.memcg
        extra = self.extra_cgroups

        def join_cgroup():  # as runc exec: the process runs in the container's cgroups, umask 0022
            (memcg / "cgroup.procs").write_text("0")
            for cg in extra:
                (cg / "cgroup.procs").write_text("0")
            os.umask(0o022)
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, preexec_fn=join_cgroup)

    def _probe(self, c, probe):
        """Run one probe; True when it succeeds (its own timeoutSeconds)."""
        timeout = probe.get("timeoutSeconds", 1)
        if "exec" in probe:
            try:
                return self.exec(c.name, probe["exec"]["command"], timeout=timeout).returncode == 0
            except (subprocess.TimeoutExpired, RuntimeError):
                return False
        port = probe.get("httpGet", probe.get("tcpSocket", {})).get("port")
        if isinstance(port, str):
            port = next(p["containerPort"] for p in c.spec.get("ports", []) if p.get("name") == port)
        if "tcpSocket" in probe:
            try:
                with socket.create_connection((self.ip, port), timeout=timeout):
                    return True
            except OSError:
                return False
        if "httpGet" in probe:
            scheme = probe["httpGet"].get("scheme", "HTTP").lower()
            # As the kubelet: an HTTPS probe does not verify the server's certificate.
            context = ssl._create_unverified_context() if scheme == "https" else None
            try:
                with urllib.request.urlopen(f"{scheme}://{self.ip}:{port}{probe['httpGet'].get('path', '/')}",
                                            timeout=timeout, context=context) as resp:
                    return 200 <= resp.status < 400
            except OSError:
                return False
        raise RuntimeError(f"probe kind not supported: {sorted(probe)}")

    def _backoff(self, c):
        return min(300.0, 10.0 * 2 ** max(0, len(c.exit_codes) - 1)) * self.cluster.backoff_scale

    def _wait_exit(self, c, deadline=None):
        """Wait for a container to exit or the pod to stop; return its exit code or None."""
        while not self.stopping.is_set():
            rc = c.proc.poll()
            if rc is not None:
                return rc
            if deadline and time.monotonic() > deadline:
                return None
            time.sleep(0.2)
        return None

    def _kubelet_loop(self):
        try:
            self.phase = "Pending"
            for c in self.init_containers:
                while not self.stopping.is_set():
                    self._start_container(c)
                    rc = self._wait_exit(c)
                    if rc is None:
                        return
                    c.exit_codes.append(rc)
                    self.event(f"init container {c.name} exited {rc}")
                    if rc == 0:
                        break
                    if self.spec.get("restartPolicy", "Always") == "Never":
                        self.phase = "Failed"
                        self.event("pod Failed")
                        return
                    if self.stopping.wait(self._backoff(c)):
                        return
            self.init_done = True
            self.phase = "Running"
            for c in self.main_containers:
                self._start_container(c)
            next_probe = {}
            failures = {}
            while not self.stopping.is_set():
                now = time.monotonic()
                policy = self.spec.get("restartPolicy", "Always")
                if policy != "Always" and all(c.terminated for c in self.main_containers):
                    # restartPolicy Never/OnFailure: every container has finished for good.
                    self.phase = "Succeeded" if all(c.exit_codes[-1] == 0 for c in self.main_containers) else "Failed"
                    self.event(f"pod {self.phase}")
                    return
                for c in self.main_containers:
                    if c.terminated:
                        continue
                    rc = c.proc.poll()
                    if rc is not None:
                        if not hasattr(c, "restart_at"):
                            c.exit_codes.append(rc)
                            c.ready = False
                            self.event(f"container {c.name} exited {rc}")
                            if policy == "Never" or (policy == "OnFailure" and rc == 0):
                                c.terminated = True
                                continue
                            c.restart_at = now + self._backoff(c)
                        elif now >= c.restart_at:
                            del c.restart_at
                            self._start_container(c)
                        continue
                    for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
                        probe = c.spec.get(kind)
                        if kind == "startupProbe" and (probe is None or c.started):
                            c.started = True
                            continue
                        if kind != "startupProbe" and not c.started:
                            continue
                        if probe is None:
                            if kind == "readinessProbe":
                                c.ready = True
                            continue
                        key = (c.name, c.restarts, kind)
                        if key not in next_probe:
                            next_probe[key] = c.started_at + probe.get("initialDelaySeconds", 0)
                        if now < next_probe[key]:
                            continue
                        ok = self._probe(c, probe)
                        next_probe[key] = time.monotonic() + probe.get("periodSeconds", 10)
                        if ok:
                            failures[key] = 0
                            succ = failures.get(key + ("ok",), 0) + 1
                            failures[key + ("ok",)] = succ
                            if kind == "startupProbe":
                                c.started = True
                            elif kind == "readinessProbe" and succ >= probe.get("successThreshold", 1):
                                c.ready = True
                        else:
                            failures[key + ("ok",)] = 0
                            failures[key] = failures.get(key, 0) + 1
                            if failures[key] >= probe.get("failureThreshold", 3):
                                if kind == "readinessProbe":
                                    c.ready = False
                                else:
                                    self.event(f"{kind} of {c.name} failed {failures[key]} times: killing it")
                                    failures[key] = 0
                                    self._kill_container(c, signal.SIGTERM,
                                                         self.spec.get("terminationGracePeriodSeconds", 30))
                was_ready = self.ready
                self.ready = all(c.ready and c.running() for c in self.main_containers)
                if was_ready != self.ready:
                    self.event("ready" if self.ready else "not ready")
                    self.cluster.refresh_dns()
                time.sleep(0.2)
        except Exception as exc:  # pragma: no cover - surfaced through events and logs
            self.event(f"kubelet loop failed: {exc!r}")
            raise

    def _kill_container(self, c, sig, grace):
        pid = c.host_pid(timeout=1)
        if pid is not None and sig != signal.SIGKILL:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + grace
            while c.running() and time.monotonic() < deadline:
                time.sleep(0.1)
        if c.running():
            try:
                os.killpg(c.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if c.proc is not None:
            c.proc.wait(timeout=30)

    def terminate(self, grace=None, wait=True):
        """Stop the pod as the kubelet does (kuberuntime killContainersWithSyncResult): every running
        container at once, each in its own thread: its preStop hook, then SIGTERM with what is left of
        ``grace`` seconds (default the pod's terminationGracePeriodSeconds; at least 2 s after a hook,
        the kubelet's minimumGracePeriodInSeconds), then SIGKILL. One container's hook does not delay
        another container's SIGTERM. No container is restarted meanwhile. Then the pod's namespace and
        emptyDirs are torn down."""
        if grace is None:
            grace = self.spec.get("terminationGracePeriodSeconds", 30)
        self.thaw()
        deadline = time.monotonic() + grace
        self.stopping.set()

        def stop(c, hook):
            if hook and grace > 0 and c.running():
                try:
                    self.exec(c.name, hook["command"], timeout=max(1, deadline - time.monotonic()))
                except (subprocess.TimeoutExpired, RuntimeError):
                    pass
            if c.running():
                sig = signal.SIGKILL if grace == 0 else signal.SIGTERM
                left = deadline - time.monotonic()
                self._kill_container(c, sig, max(2.0, left) if hook else max(0.0, left))

        threads = []
        for c in self.init_containers + self.main_containers:
            hook = (c.spec.get("lifecycle") or {}).get("preStop", {}).get("exec") if c in self.main_containers else None
            t = threading.Thread(target=stop, args=(c, hook), name=f"stop-{self.name}-{c.name}")
            t.start()
            threads.append(t)
        for t in threads:
            t.join()
        if self.thread is not None:
            self.thread.join(timeout=30)
        self.ready = False
        self.phase = "Terminated"
        for cg in (self.memory, self.freezer, *self.extra_cgroups):
            _remove_cgroup_tree(cg)
        for vol in self.spec.get("volumes", []):
            path = self.volume_dirs.get(vol["name"])
            if path is not None and "emptyDir" in vol and (vol["emptyDir"] or {}).get("medium") == "Memory":
                _run("umount", "-l", str(path), check=False)
        if not self.host_network and self.netns:
            self.cluster.network.remove_namespace(self.netns)

    def freeze(self):
        """Freeze every process of the pod (cgroup freezer: as SIGSTOP to all of them)."""
        (self.freezer / "freezer.state").write_text("FROZEN")

    def thaw(self):
        state = self.freezer / "freezer.state"
        if state.exists():
            state.write_text("THAWED")

    def kill_process(self, container, sig=signal.SIGKILL):
        """Send a signal to a container's main process (``kill -9`` of the daemon)."""
        pid = self.containers[container].host_pid()
        if pid is None:
            raise RuntimeError(f"container {container} of {self.name} is not running")
        os.kill(pid, sig)

    def wait_ready(self, timeout):
        """Wait until the pod is Ready; raise TimeoutError with its events otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ready:
                return
            time.sleep(0.2)
        raise TimeoutError(f"pod {self.name} not ready after {timeout}s; events: {self.events[-10:]}")

    def wait_init(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.init_done:
            if self.events and "kubelet loop failed" in self.events[-1]:
                break
            time.sleep(0.2)
        if not self.init_done:
            raise TimeoutError(f"pod {self.name}: init containers not done after {timeout}s; events: {self.events[-10:]}")


def _expand(text, env):
    """Kubernetes' $(VAR) references (``$$`` escapes a ``$``; unknown references stay)."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("$$", i):
            out.append("$")
            i += 2
        elif text.startswith("$(", i) and ")" in text[i:]:
            end = text.index(")", i)
            name = text[i + 2:end]
            out.append(env.get(name, text[i:end + 1]))
            i = end + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


# ------------------------------------------------------------------------------------------------
# Controllers
# ------------------------------------------------------------------------------------------------
def template_hash(template):
    """A stable hash of a pod template (what makes the StatefulSet controller roll a pod)."""
    import hashlib
    return hashlib.sha256(json.dumps(template, sort_keys=True).encode()).hexdigest()[:16]


class StatefulSet:
    """The StatefulSet controller for one rendered StatefulSet: pods ``<name>-<i>`` with stable names,
    claims ``<template>-<name>-<i>``, a deleted pod recreated at once, rolling updates in reverse
    ordinal order that wait for each new pod to be Ready for ``minReadySeconds``."""

    def __init__(self, cluster, name, node_for=None):
        self.cluster = cluster
        self.name = name
        self.obj = cluster.object("StatefulSet", name)
        self.node_for = node_for or (lambda ordinal: cluster.nodes[ordinal % len(cluster.nodes)])
        self.stopped = False
        self.hashes = {}
        cluster.statefulsets[name] = self

    @property
    def replicas(self):
        return self.obj["spec"]["replicas"]

    def pod_name(self, ordinal):
        return f"{self.name}-{ordinal}"

    def pod(self, ordinal):
        return self.cluster.pods[self.pod_name(ordinal)]

    def create_pod(self, ordinal):
        spec = self.obj["spec"]
        template = spec["template"]
        claims = {t["metadata"]["name"]: f"{t['metadata']['name']}-{self.pod_name(ordinal)}"
                  for t in spec.get("volumeClaimTemplates", [])}
        node = self.node_for(ordinal)
        for claim in claims.values():  # a bound claim pins the pod to its node
            if claim in self.cluster.claims:
                node = self.cluster.claims[claim][0]
        pod = self.cluster.run_pod(self.pod_name(ordinal), template["spec"], template["metadata"].get("labels", {}),
                                   node=node, subdomain=spec.get("serviceName"), claims=claims)
        self.hashes[ordinal] = template_hash(template)
        return pod

    def start(self):
        """Create every pod (Parallel) or one after another once each is Ready (OrderedReady)."""
        parallel = self.obj["spec"].get("podManagementPolicy", "OrderedReady") == "Parallel"
        pods = []
        for i in range(self.replicas):
            pod = self.create_pod(i)
            pods.append(pod)
            if not parallel:
                pod.wait_ready(900)
        return pods

    def wait_ready(self, timeout=300):
        for i in range(self.replicas):
            self.pod(i).wait_ready(timeout)

    def delete_pod(self, ordinal, grace=None):
        """Delete pod ``ordinal``; the controller creates it again at once (new IP, same claims)."""
        self.cluster.delete_pod(self.pod_name(ordinal), grace=grace)
        if not self.stopped:
            return self.create_pod(ordinal)
        return None

    def scale(self, replicas, new_obj=None):
        """Scale to ``replicas`` (new_obj: the StatefulSet as re-rendered with that count): new ordinals
        are created, the highest ones deleted (their claims kept)."""
        old = self.replicas
        if new_obj is not None:
            self.obj = new_obj
        self.obj["spec"]["replicas"] = replicas
        for i in range(old, replicas):
            self.create_pod(i)
        for i in range(old - 1, replicas - 1, -1):
            self.cluster.delete_pod(self.pod_name(i))

    def rolling_update(self, new_obj, on_step=None, timeout=600):
        """Apply a new StatefulSet spec as the controller's RollingUpdate does: from the highest
        ordinal down, delete a pod whose template changed, create it from the new template, wait until
        it is Ready and has been for ``minReadySeconds``, then the next. Returns [(ordinal, seconds)]."""
        self.obj = new_obj
        new_hash = template_hash(new_obj["spec"]["template"])
        min_ready = new_obj["spec"].get("minReadySeconds", 0)
        steps = []
        for i in range(self.replicas - 1, -1, -1):
            if self.hashes.get(i) == new_hash:
                continue
            started = time.monotonic()
            self.cluster.delete_pod(self.pod_name(i))
            pod = self.create_pod(i)
            pod.wait_ready(timeout)
            ready_since = time.monotonic()
            while time.monotonic() - ready_since < min_ready:
                if not pod.ready:
                    pod.wait_ready(timeout)
                    ready_since = time.monotonic()
                time.sleep(0.2)
            steps.append((i, time.monotonic() - started))
            if on_step:
                on_step(i, pod)
        return steps


class Job:
    """The Job controller for one rendered Job (restartPolicy Never): a pod ``<name>-<n>`` of its
    template; a pod that fails is replaced by the next until one succeeds or ``backoffLimit`` + 1 have
    failed (the back-off between them, 10 s doubling, is scaled like the kubelet's)."""

    def __init__(self, cluster, name):
        self.cluster = cluster
        self.name = name
        self.obj = cluster.object("Job", name)
        self.attempts = []          # [(pod name, exit code)]
        self.logs = []              # the log of each finished pod (str)
        self.done = threading.Event()
        self.succeeded = False
        self._thread = None

    def start(self):
        """Run the Job's pods in the background; ``wait`` for the outcome."""
        self._thread = threading.Thread(target=self._run, name=f"job-{self.name}", daemon=True)
        self._thread.start()
        return self

    def _run(self):
        spec = self.obj["spec"]
        template = spec["template"]
        limit = spec.get("backoffLimit", 6)
        try:
            for n in range(limit + 1):
                if self.cluster._closed:
                    return
                pod = self.cluster.run_pod(f"{self.name}-{n}", template["spec"], template["metadata"].get("labels", {}))
                while pod.phase not in ("Succeeded", "Failed", "Terminated"):
                    time.sleep(0.2)
                container = pod.main_containers[0]
                rc = container.exit_codes[-1] if container.exit_codes else None
                self.attempts.append((pod.name, rc))
                self.logs.append(container.log_path.read_text(errors="replace") if container.log_path.exists() else "")
                self.cluster.delete_pod(pod.name, grace=0)
                if rc == 0:
                    self.succeeded = True
                    return
                if self.cluster._closed or n == limit:
                    return
                time.sleep(min(360.0, 10.0 * 2 ** n) * self.cluster.backoff_scale)
        finally:
            self.done.set()

    def wait(self, timeout=600):
        """Wait for the Job to finish; return True when it succeeded (TimeoutError otherwise)."""
        if not self.done.wait(timeout):
            raise TimeoutError(f"job {self.name} not finished within {timeout}s: attempts {self.attempts}")
        return self.succeeded
