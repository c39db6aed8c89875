"""Where the test cluster lives: its addresses, ports, folders and names, each defined once.

Addresses come from 198.18.0.0/15 (RFC 2544's benchmarking range), never from the private ranges:
pods 198.18.0.0/24 on the bridge ``csbr0`` whose address 198.18.0.1 is the node's, Services
198.19.0.0/16 (the API server's ClusterIP 198.19.0.1, cluster DNS 198.19.0.10). Pods are routed
only to 198.18.0.0/15; a FORWARD rule drops what would leave the bridge for anywhere else.
Ports are the components' usual ones except the API server's (16443) and etcd's (23790/23800), so
they cannot meet a real cluster's on the same machine.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from chartsuite.model import paths

CLUSTER_RANGE = "198.18.0.0/15"
POD_CIDR = "198.18.0.0/24"
NODE_IP = "198.18.0.1"
SERVICE_CIDR = "198.19.0.0/16"
API_SERVICE_IP = "198.19.0.1"
DNS_SERVICE_IP = "198.19.0.10"
BRIDGE = "csbr0"
NODE_NAME = "chartsuite-node"
CLUSTER_DOMAIN = "cluster.local"
API_PORT = 16443
ETCD_CLIENT_PORT = 23790
ETCD_PEER_PORT = 23800
FIREWALL_CHAIN = "CHARTSUITE-EGRESS"

PAUSE_IMAGE = "chartsuite.local/pause:1"
# The node's label saying its images are the image twins (tests/live/conftest.py reads it).
TWIN_NODE_LABEL = "chartsuite.local/image-twins"


@dataclass(frozen=True)
class Dirs:
    """The cluster's folders under one root (default ``<repo>/.cluster``): everything it writes,
    except what the kernel and the programs keep in fixed places (machine.py lists those)."""
    root: Path

    @property
    def pki(self) -> Path:
        """Certificates and keys (pki.py)."""
        return self.root / "pki"

    @property
    def etc(self) -> Path:
        """Configuration files and kubeconfigs."""
        return self.root / "etc"

    @property
    def cni_conf(self) -> Path:
        """The CNI configuration folder (one conflist)."""
        return self.root / "etc" / "cni"

    @property
    def var(self) -> Path:
        """Data: etcd, containerd's content and snapshots, the kubelet's root, local volumes."""
        return self.root / "var"

    @property
    def run(self) -> Path:
        """Sockets and runtime state (containerd, runc)."""
        return self.root / "run"

    @property
    def logs(self) -> Path:
        """One log per process."""
        return self.root / "logs"

    @property
    def state_file(self) -> Path:
        """What ``up`` started and changed, for ``down`` (machine.State)."""
        return self.root / "state.json"

    @property
    def containerd_socket(self) -> Path:
        """containerd's gRPC socket."""
        return self.run / "containerd.sock"

    @property
    def kubeconfig(self) -> Path:
        """The cluster-admin kubeconfig users and tests take (``bin/cluster kubeconfig`` prints it)."""
        return self.etc / "admin.kubeconfig"

    @property
    def local_volumes(self) -> Path:
        """Where local-path-provisioner creates the PersistentVolumes' folders."""
        return self.var / "local-path"


DEFAULT_ROOT = paths.REPO_ROOT / ".cluster"
BINARIES = paths.REPO_ROOT / ".tools"
IMAGE_CACHE = paths.REPO_ROOT / ".tools" / "cluster-images"


def binary(name: str) -> Path:
    """Path of a program bin/setup builds (``.tools/<dir>/<name>``): the Kubernetes programs are in
    ``.tools/kubernetes``, the others in ``.tools/<name>``."""
    kubernetes = {"kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy"}
    if name in kubernetes:
        return BINARIES / "kubernetes" / name
    return BINARIES / name / name


def module_version(program: str, module: str) -> str:
    """The version of ``module`` that ``tools/go/<program>/go.mod`` requires (e.g. ``v1.14.7``): the one
    place each built program's version is written. Raises LookupError when go.mod does not require it."""
    text = (paths.REPO_ROOT / "tools" / "go" / program / "go.mod").read_text()
    for line in text.splitlines():
        fields = line.split()
        if fields[:1] == ["require"]:
            fields = fields[1:]
        if len(fields) >= 2 and fields[0] == module:
            return fields[1]
    raise LookupError(f"tools/go/{program}/go.mod does not require {module}")
