"""Each cluster process: its configuration files and its command line.

The settings are those seen to work on these machines (the project's notes on running a node here:
containerd 1.6 with
``restrict_oom_score_adj``, kubelet with ``failCgroupV1: false`` and ``cgroupDriver: cgroupfs``,
kube-proxy in iptables mode without touching the conntrack sysctls, ...); each setting's reason is
given where it is written. Every address and path comes from ``layout``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from chartsuite.cluster import layout, pki

CNI_BIN = "/usr/lib/cni"  # Debian's containernetworking-plugins


@dataclass(frozen=True)
class Component:
    """A process of the cluster: its name (also its log's) and its argv."""
    name: str
    argv: list[str]


def api_server_url() -> str:
    """The API server's URL as the node's programs reach it."""
    return f"https://{layout.NODE_IP}:{layout.API_PORT}"


def write_configs(dirs: layout.Dirs) -> None:
    """Write every configuration file and kubeconfig under ``dirs`` (the kubeconfigs name the
    certificates pki.create writes). Raises OSError when a file cannot be written."""
    etc, var, run = dirs.etc, dirs.var, dirs.run
    for folder in (etc, dirs.cni_conf, var, run, dirs.logs, dirs.local_volumes):
        folder.mkdir(parents=True, exist_ok=True)
    for stem in pki.CLIENTS:
        pki.kubeconfig(etc / f"{stem}.kubeconfig", dirs.pki, stem, api_server_url())
    # containerd 1.6 (config version 2). restrict_oom_score_adj: CAP_SYS_RESOURCE is missing here, so
    # runc fails to raise a container's oom_score_adj without it. Own root/state/socket/runc root so
    # nothing meets a system containerd; no ttrpc, debug or metrics listeners.
    (etc / "containerd.toml").write_text(f"""version = 2
root = "{var / 'containerd'}"
state = "{run / 'containerd'}"
[grpc]
  address = "{dirs.containerd_socket}"
[ttrpc]
  address = ""
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "{var / 'containerd-opt'}"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "{layout.PAUSE_IMAGE}"
  restrict_oom_score_adj = true
  disable_apparmor = true
  enable_selinux = false
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "{run / 'runc'}"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "{CNI_BIN}"
    conf_dir = "{dirs.cni_conf}"
    max_conf_num = 1
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = ""
""")
    # CNI: the bridge (created by cluster.up with the node address) and host-local IPAM; pods get a
    # route to the cluster range only, so nothing they send has a way out of the machine.
    conflist = {
        "cniVersion": "0.4.0", "name": "chartsuite",
        "plugins": [
            {"type": "bridge", "bridge": layout.BRIDGE, "isGateway": True, "ipMasq": False, "hairpinMode": True,
             "ipam": {"type": "host-local", "dataDir": str(var / "cni-ipam"),
                      "ranges": [[{"subnet": layout.POD_CIDR, "gateway": layout.NODE_IP}]],
                      "routes": [{"dst": layout.CLUSTER_RANGE}]}},
            {"type": "portmap", "capabilities": {"portMappings": True}, "snat": False},
        ],
    }
    (dirs.cni_conf / "10-chartsuite.conflist").write_text(json.dumps(conflist, indent=1))
    # The pods' resolver file: the cluster DNS only (the machine's resolver is never handed to pods).
    (etc / "resolv.conf").write_text(f"nameserver {layout.DNS_SERVICE_IP}\n")
    (etc / "kubelet.yaml").write_text(f"""apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# cgroup v1 hybrid machine: cgroupfs driver, and 1.35+ refuses cgroup v1 unless told not to.
failCgroupV1: false
cgroupDriver: cgroupfs
failSwapOn: false
containerRuntimeEndpoint: unix://{dirs.containerd_socket}
address: {layout.NODE_IP}
port: 10250
healthzBindAddress: 127.0.0.1
healthzPort: 10248
readOnlyPort: 0
authentication:
  anonymous: {{enabled: false}}
  webhook: {{enabled: true}}
  x509: {{clientCAFile: {dirs.pki / 'ca.crt'}}}
authorization: {{mode: Webhook}}
tlsCertFile: {dirs.pki / 'kubelet.crt'}
tlsPrivateKeyFile: {dirs.pki / 'kubelet.key'}
clusterDomain: {layout.CLUSTER_DOMAIN}
clusterDNS: [{layout.DNS_SERVICE_IP}]
resolvConf: {etc / 'resolv.conf'}
protectKernelDefaults: false
podLogsDir: {var / 'pod-logs'}
# The images cannot be pulled again here: never garbage-collect them.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {{memory.available: 200Mi, nodefs.available: 2%, imagefs.available: 2%, nodefs.inodesFree: 2%}}
serializeImagePulls: false
maxPods: 110
""")
    (etc / "kube-proxy.yaml").write_text(f"""apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
# No IPVS in this kernel; iptables mode. The conntrack settings 0 leave the machine's sysctls alone.
mode: iptables
clientConnection:
  kubeconfig: {etc / 'kube-proxy.kubeconfig'}
clusterCIDR: {layout.POD_CIDR}
bindAddress: {layout.NODE_IP}
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
hostnameOverride: {layout.NODE_NAME}
nodePortAddresses: [{layout.POD_CIDR}]
iptables:
  localhostNodePorts: false
  syncPeriod: 10s
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
  udpTimeout: 0s
  udpStreamTimeout: 0s
""")


def components(dirs: layout.Dirs) -> list[Component]:
    """The processes in start order (each waits for the previous ones' readiness in cluster.up)."""
    etc, p, var = dirs.etc, dirs.pki, dirs.var
    b = layout.binary
    return [
        Component("etcd", [str(b("etcd")), "--name", layout.NODE_NAME, "--data-dir", str(var / "etcd"),
                           "--listen-client-urls", f"http://127.0.0.1:{layout.ETCD_CLIENT_PORT}",
                           "--advertise-client-urls", f"http://127.0.0.1:{layout.ETCD_CLIENT_PORT}",
                           "--listen-peer-urls", f"http://127.0.0.1:{layout.ETCD_PEER_PORT}",
                           "--initial-advertise-peer-urls", f"http://127.0.0.1:{layout.ETCD_PEER_PORT}",
                           "--initial-cluster", f"{layout.NODE_NAME}=http://127.0.0.1:{layout.ETCD_PEER_PORT}",
                           "--log-level", "warn"]),
        Component("kube-apiserver", [
            str(b("kube-apiserver")), f"--etcd-servers=http://127.0.0.1:{layout.ETCD_CLIENT_PORT}",
            f"--bind-address={layout.NODE_IP}", f"--advertise-address={layout.NODE_IP}",
            f"--secure-port={layout.API_PORT}", f"--service-cluster-ip-range={layout.SERVICE_CIDR}",
            f"--client-ca-file={p / 'ca.crt'}", f"--tls-cert-file={p / 'apiserver.crt'}",
            f"--tls-private-key-file={p / 'apiserver.key'}",
            f"--kubelet-client-certificate={p / 'apiserver-kubelet-client.crt'}",
            f"--kubelet-client-key={p / 'apiserver-kubelet-client.key'}",
            f"--kubelet-certificate-authority={p / 'ca.crt'}",
            "--kubelet-preferred-address-types=InternalIP",
            "--service-account-issuer=https://kubernetes.default.svc",
            f"--service-account-key-file={p / 'sa.pub'}", f"--service-account-signing-key-file={p / 'sa.key'}",
            "--authorization-mode=Node,RBAC", "--allow-privileged=true", "--profiling=false",
            f"--cert-dir={var / 'apiserver-certs'}"]),
        Component("kube-controller-manager", [
            str(b("kube-controller-manager")), f"--kubeconfig={etc / 'kube-controller-manager.kubeconfig'}",
            f"--authentication-kubeconfig={etc / 'kube-controller-manager.kubeconfig'}",
            f"--authorization-kubeconfig={etc / 'kube-controller-manager.kubeconfig'}",
            "--leader-elect=false", "--use-service-account-credentials=true",
            f"--service-account-private-key-file={p / 'sa.key'}", f"--root-ca-file={p / 'ca.crt'}",
            f"--cluster-signing-cert-file={p / 'ca.crt'}", f"--cluster-signing-key-file={p / 'ca.key'}",
            f"--service-cluster-ip-range={layout.SERVICE_CIDR}", "--allocate-node-cidrs=true",
            f"--cluster-cidr={layout.POD_CIDR}", "--node-cidr-mask-size=24",
            "--controllers=*,-cloud-node-lifecycle", "--bind-address=127.0.0.1", "--profiling=false"]),
        Component("kube-scheduler", [
            str(b("kube-scheduler")), f"--kubeconfig={etc / 'kube-scheduler.kubeconfig'}",
            f"--authentication-kubeconfig={etc / 'kube-scheduler.kubeconfig'}",
            f"--authorization-kubeconfig={etc / 'kube-scheduler.kubeconfig'}",
            "--leader-elect=false", "--bind-address=127.0.0.1", "--profiling=false"]),
        Component("containerd", ["containerd", "--config", str(etc / "containerd.toml")]),
        Component("kubelet", [
            str(b("kubelet")), f"--config={etc / 'kubelet.yaml'}", f"--kubeconfig={etc / 'kubelet-client.kubeconfig'}",
            f"--hostname-override={layout.NODE_NAME}", f"--node-ip={layout.NODE_IP}",
            f"--root-dir={var / 'kubelet'}", f"--cert-dir={var / 'kubelet-pki'}"]),
        Component("kube-proxy", [str(b("kube-proxy")), f"--config={etc / 'kube-proxy.yaml'}"]),
        # kube-router as the NetworkPolicy enforcer only (iptables + ipset, both built into this
        # kernel; kube-network-policies needs nftables' queue statement, which this kernel lacks).
        Component("kube-router", [
            str(b("kube-router")), f"--kubeconfig={etc / 'kube-router.kubeconfig'}", "--run-firewall=true",
            "--run-router=false", "--run-service-proxy=false", "--enable-cni=false", "--enable-ipv6=false",
            f"--hostname-override={layout.NODE_NAME}", "--health-port=0", "--metrics-port=0"]),
    ]
