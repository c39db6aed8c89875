"""``up``, ``down`` and ``status`` of the single-node test cluster (see the package docstring).

``up`` records the machine (machine.snapshot) before it changes anything and saves that record at
once, so ``down`` can undo a start that failed half-way. Every start prints its progress and the
time of each phase.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

from chartsuite.cluster import addons, components, images, layout, machine, oci, pki

REQUIRED_PROGRAMS = ("containerd", "containerd-shim-runc-v2", "runc", "ctr", "iptables", "iptables-save",
                     "iptables-restore", "ipset", "nft", "ip", "openssl", "mmdebstrap", "umount")
BUILT_PROGRAMS = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy",
                  "kube-router", "coredns", "local-path-provisioner", "pause", "crictl")


class ClusterError(Exception):
    """The cluster could not be brought up or down; the message says which step and why."""


def kubectl_binary() -> str:
    """The kubectl bin/setup provides (.tools/kubectl/kubectl), else the one on PATH; '' when none."""
    local = layout.BINARIES / "kubectl" / "kubectl"
    if local.is_file():
        return str(local)
    return shutil.which("kubectl") or ""


def missing_requirements() -> list[str]:
    """Why this machine cannot run the cluster (list of str; empty when it can): not root, a program
    missing (Debian's containerd, runc, CNI plugins, iptables, ipset, nftables, mmdebstrap; the Go
    programs bin/setup --cluster builds), no cgroup filesystem, no bridge netfilter."""
    reasons = []
    if os.geteuid() != 0:
        reasons.append("not root (a kubelet, containerd and the bridge need root)")
    for program in REQUIRED_PROGRAMS:
        if not shutil.which(program) and not Path(f"/usr/sbin/{program}").exists():
            reasons.append(f"{program} not found (bin/setup --cluster installs it)")
    if not Path(components.CNI_BIN, "bridge").is_file():
        reasons.append(f"no CNI plugins in {components.CNI_BIN} (Debian's containernetworking-plugins)")
    for program in BUILT_PROGRAMS:
        if not layout.binary(program).is_file():
            reasons.append(f"{program} not built in .tools (bin/setup --cluster builds it)")
    if not kubectl_binary():
        reasons.append("no kubectl (bin/setup installs it)")
    if not Path("/sys/fs/cgroup/memory").is_dir() and not Path("/sys/fs/cgroup/cgroup.controllers").is_file():
        reasons.append("no cgroup filesystem at /sys/fs/cgroup")
    if not Path("/proc/sys/net/bridge/bridge-nf-call-iptables").exists():
        reasons.append("no bridge netfilter (br_netfilter) in this kernel: NetworkPolicies cannot be enforced")
    return reasons


class Cluster:
    """The cluster rooted at ``dirs`` (default ``.cluster`` in the repository)."""

    def __init__(self, root: Path = layout.DEFAULT_ROOT, log=print):
        """``root``: the cluster's folder (created by ``up``); ``log``: a print-like callable for progress."""
        self.dirs = layout.Dirs(Path(root).resolve())
        self.log = log

    # ---- helpers -------------------------------------------------------------------------------------
    def kubectl(self, *args: str, input: str | None = None, check: bool = True,
                timeout: float = 120) -> subprocess.CompletedProcess:
        """Run kubectl against the cluster as its admin and return the CompletedProcess (text).
        Raises ClusterError when ``check`` and it fails, subprocess.TimeoutExpired after ``timeout`` s."""
        done = subprocess.run([kubectl_binary(), f"--kubeconfig={self.dirs.kubeconfig}", *args], input=input,
                              capture_output=True, text=True, timeout=timeout)
        if check and done.returncode != 0:
            raise ClusterError(f"kubectl {' '.join(args)}: {done.stderr.strip() or done.stdout.strip()}")
        return done

    def _wait(self, what: str, ready, timeout: float, process: machine.Process | None = None) -> None:
        """Poll ``ready()`` every 0.5 s until it is true; ClusterError after ``timeout`` seconds or when
        ``process`` dies meanwhile (its log's tail is in the message)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if ready():
                    return
            except (OSError, subprocess.SubprocessError):
                pass
            if process is not None and not process.alive():
                raise ClusterError(f"{process.name} exited while waiting for {what}:\n{self._log_tail(process.name)}")
            time.sleep(0.5)
        raise ClusterError(f"timed out after {timeout:.0f} s waiting for {what}")

    def _log_tail(self, name: str, lines: int = 25) -> str:
        log = self.dirs.logs / f"{name}.log"
        if not log.is_file():
            return "(no log)"
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])

    def _start(self, state: machine.State, component: components.Component) -> machine.Process:
        """Start one component in its own session, its output in logs/<name>.log; record it in ``state``."""
        log = (self.dirs.logs / f"{component.name}.log").open("ab")
        env = machine.SBIN_ENV
        child = subprocess.Popen(component.argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                 start_new_session=True, env=env, cwd=self.dirs.root)
        log.close()
        started = None
        for _ in range(50):
            started = machine.start_time(child.pid)
            if started is not None:
                break
            time.sleep(0.01)
        process = machine.Process(component.name, child.pid, started or 0)
        state.processes.append(process)
        state.save(self.dirs.state_file)
        return process

    def _phase(self, name: str, started: float) -> float:
        now = time.monotonic()
        self.log(f"cluster: {name} ({now - started:.1f} s)")
        return now

    # ---- images ----------------------------------------------------------------------------------------
    def image_archive(self, twins: list[str]) -> Path:
        """Build (or keep when current) the OCI archive of every cluster image: the pause, CoreDNS,
        local-path-provisioner and base images and the twins named (those built in .tools/twins).
        Returns the archive's path. Raises subprocess.CalledProcessError when mmdebstrap fails,
        FileNotFoundError for a twin that is not built."""
        cache = layout.IMAGE_CACHE
        base = images.build_base(cache / "base.tar", log=self.log)
        entries = [
            (layout.PAUSE_IMAGE, layout.binary("pause"), "/pause", oci.ImageConfig(entrypoint=["/pause"])),
            (addons.COREDNS_IMAGE, layout.binary("coredns"), "/coredns",
             oci.ImageConfig(entrypoint=["/coredns"])),
            (addons.LOCAL_PATH_IMAGE, layout.binary("local-path-provisioner"), "/local-path-provisioner",
             oci.ImageConfig(entrypoint=["/local-path-provisioner"])),
        ]
        stamp_parts = [images.base_stamp(), images.file_stamp(*(e[1] for e in entries))]
        for twin in twins:
            stamp_parts.append((images.TWIN_BUILDS / twin / ".stamp").read_text().strip())
            stamp_parts.append(json.dumps(images.twin_definition(twin)["twin"], sort_keys=True))
        stamp = "\n".join(stamp_parts) + "\n" + "\n".join(twins)
        # One archive per set of twins (the live tier's and the lifecycle test's differ).
        key = hashlib.sha256("\n".join(twins).encode()).hexdigest()[:12]
        archive, stamp_file = cache / f"images-{key}.tar", cache / f"images-{key}.stamp"
        if archive.is_file() and stamp_file.is_file() and stamp_file.read_text() == stamp:
            return archive
        self.log(f"cluster: packing {len(twins)} image twins and 4 cluster images into one OCI archive ...")
        layout_images = []
        for reference, program, path, config in entries:
            layer = images.binary_layer(program, cache / "layers" / f"{program.name}.tar", path)
            layout_images.append(oci.Image(reference, [layer], config))
        layout_images.append(oci.Image(images.BASE_IMAGE, [base], oci.ImageConfig(cmd=["/bin/bash"])))
        for twin in twins:
            layer = images.twin_layer(twin, cache / "layers" / f"twin-{twin}.tar")
            layout_images.append(oci.Image(images.twin_reference(twin), [base, layer], images.twin_config(twin)))
        oci.write_layout(archive, layout_images)
        stamp_file.write_text(stamp)
        return archive

    # ---- up ------------------------------------------------------------------------------------------------
    def up(self, twins: list[str] | None = None, timeout: float = 180) -> None:
        """Start the cluster; returns when the node is Ready and CoreDNS and the provisioner run.

        Args:
            twins: the image twins to import (default: every twin built in .tools/twins).
            timeout: seconds each wait may take.
        Raises:
            ClusterError: a requirement is missing (the reasons listed), a step failed or timed out
                (the component's log tail included). What was started stays recorded for ``down``.
        """
        reasons = missing_requirements()
        if reasons:
            raise ClusterError("this machine cannot run the test cluster:\n  " + "\n  ".join(reasons))
        if machine.State.load(self.dirs.state_file) is not None:
            self.log("cluster: a previous cluster is recorded; taking it down first")
            if self.down():
                raise ClusterError("the previous cluster's changes could not all be undone (bin/cluster down lists "
                                   "them); fix those first")
        try:
            self._up(twins, timeout)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            detail = getattr(exc, "stderr", None) or ""
            if isinstance(detail, bytes):
                detail = detail.decode(errors="replace")
            raise ClusterError(f"{exc}\n{detail}".strip()) from None

    def _up(self, twins: list[str] | None, timeout: float) -> None:
        """The steps of ``up`` (which maps their errors to ClusterError)."""
        t0 = phase = time.monotonic()
        if twins is None:
            twins = [t for t in images.twin_names() if (images.TWIN_BUILDS / t / ".stamp").is_file()]
        archive = self.image_archive(twins)
        phase = self._phase("images ready", phase)
        for sub in ("var", "run", "logs", "etc", "pki"):
            shutil.rmtree(self.dirs.root / sub, ignore_errors=True)
        self.dirs.root.mkdir(parents=True, exist_ok=True)
        state = machine.State(before=machine.snapshot())
        state.save(self.dirs.state_file)
        pki.create(self.dirs.pki)
        components.write_configs(self.dirs)
        self._network()
        phase = self._phase("certificates, configuration, bridge and egress rule", phase)
        by_name = {c.name: c for c in components.components(self.dirs)}
        etcd = self._start(state, by_name["etcd"])
        api = self._start(state, by_name["kube-apiserver"])
        self._wait("the API server (/readyz)", lambda: self.kubectl("get", "--raw", "/readyz", check=False,
                                                                    timeout=10).returncode == 0, timeout, api)
        if not etcd.alive():
            raise ClusterError(f"etcd exited:\n{self._log_tail('etcd')}")
        phase = self._phase("etcd and API server ready", phase)
        for name in ("kube-controller-manager", "kube-scheduler"):
            self._start(state, by_name[name])
        containerd = self._start(state, by_name["containerd"])
        self._wait("containerd's socket", self.dirs.containerd_socket.exists, 60, containerd)
        ctr = shutil.which("ctr") or "ctr"
        images.import_archive(archive, ctr, str(self.dirs.containerd_socket))
        phase = self._phase(f"containerd up, images imported ({archive.stat().st_size >> 20} MiB)", phase)
        kubelet = self._start(state, by_name["kubelet"])
        self._wait("node Ready", self._node_ready, timeout, kubelet)
        # The live tests read this label: the images here are the image twins (their gaps skip tests).
        self.kubectl("label", "node", layout.NODE_NAME, f"{layout.TWIN_NODE_LABEL}=true", "--overwrite")
        phase = self._phase("kubelet registered, node Ready", phase)
        self._start(state, by_name["kube-proxy"])
        self._start(state, by_name["kube-router"])
        objects = addons.coredns() + addons.local_path(str(self.dirs.local_volumes))
        self.kubectl("apply", "-f", "-", input=json.dumps({"apiVersion": "v1", "kind": "List", "items": objects}))
        for namespace, deployment in (("kube-system", "coredns"), ("local-path-storage", "local-path-provisioner")):
            self.kubectl("rollout", "status", f"deployment/{deployment}", "-n", namespace, f"--timeout={int(timeout)}s",
                         timeout=timeout + 10)
        self._phase("kube-proxy, kube-router, CoreDNS and local-path-provisioner ready", phase)
        self.log(f"cluster: up in {time.monotonic() - t0:.1f} s; kubeconfig {self.dirs.kubeconfig}")

    def _node_ready(self) -> bool:
        done = self.kubectl("get", "node", layout.NODE_NAME, "-o",
                            "jsonpath={.status.conditions[?(@.type=='Ready')].status}", check=False, timeout=10)
        return done.returncode == 0 and done.stdout.strip() == "True"

    def _network(self) -> None:
        """The bridge with the node address, forwarding on (pod -> Service -> pod is routed by the node),
        bridged traffic through iptables (NetworkPolicies), and the egress guard: traffic forwarded from
        the bridge to anything outside the cluster range is dropped."""
        run = lambda *a: subprocess.run(a, check=True, capture_output=True)  # noqa: E731
        run("ip", "link", "add", layout.BRIDGE, "type", "bridge")
        run("ip", "addr", "add", f"{layout.NODE_IP}/24", "dev", layout.BRIDGE)
        run("ip", "link", "set", layout.BRIDGE, "up")
        Path("/proc/sys/net/ipv4/ip_forward").write_text("1\n")
        Path("/proc/sys/net/bridge/bridge-nf-call-iptables").write_text("1\n")
        run("iptables", "-N", layout.FIREWALL_CHAIN)
        run("iptables", "-A", layout.FIREWALL_CHAIN, "-d", layout.CLUSTER_RANGE, "-j", "RETURN")
        run("iptables", "-A", layout.FIREWALL_CHAIN, "-j", "DROP")
        run("iptables", "-I", "FORWARD", "1", "-i", layout.BRIDGE, "-j", layout.FIREWALL_CHAIN)

    # ---- down ----------------------------------------------------------------------------------------------
    def down(self) -> dict:
        """Stop everything ``up`` started and undo its changes; returns the machine differences that
        remain ({aspect: (before, now)}; empty when the machine is as before ``up``, and then the record
        is deleted; otherwise it is kept, so ``down`` can be run again). Without a recorded cluster it
        does nothing and returns {}. Raises OSError when the record cannot be read."""
        state = machine.State.load(self.dirs.state_file)
        if state is None:
            self.log("cluster: nothing recorded: no cluster to take down")
            return {}
        t0 = time.monotonic()
        by_name = {p.name: p for p in state.processes}
        for name in ("kube-router", "kube-proxy", "kubelet"):
            if name in by_name:
                by_name[name].stop()
        socket = self.dirs.containerd_socket
        crictl = str(layout.binary("crictl"))
        if "containerd" in by_name and by_name["containerd"].alive() and Path(crictl).is_file():
            endpoint = f"unix://{socket}"
            try:
                pods = subprocess.run([crictl, "-r", endpoint, "pods", "-q"], capture_output=True, text=True,
                                      timeout=60).stdout.split()
                for pod in pods:
                    subprocess.run([crictl, "-r", endpoint, "stopp", pod], capture_output=True, timeout=120)
                    subprocess.run([crictl, "-r", endpoint, "rmp", "-f", pod], capture_output=True, timeout=120)
            except subprocess.TimeoutExpired:
                self.log("cluster: the CRI did not answer in time; the containers are killed through their cgroups")
        for process in reversed(state.processes):
            process.stop()
        for pid in machine.processes_using(str(socket)):
            machine.Process("shim", pid, machine.start_time(pid) or 0).stop(timeout=5)
        machine.kill_cgroup_tasks(state.before["cgroups"])
        for cleanup in ([str(layout.binary("kube-proxy")), "--cleanup"],
                        [str(layout.binary("kube-router")), "--cleanup-config"]):
            if Path(cleanup[0]).is_file():
                try:
                    subprocess.run(cleanup, capture_output=True, timeout=60)
                except subprocess.TimeoutExpired:
                    self.log(f"cluster: {Path(cleanup[0]).name} {cleanup[1]} timed out; the snapshot restore follows")
        remaining = machine.restore(state.before, self.dirs.root, log=self.log)
        if not remaining:
            for sub in ("var", "run"):
                shutil.rmtree(self.dirs.root / sub, ignore_errors=True)
            self.dirs.state_file.unlink()
        self.log(f"cluster: down in {time.monotonic() - t0:.1f} s"
                 + ("" if not remaining else f"; NOT restored: {', '.join(sorted(remaining))}"))
        return remaining

    # ---- status --------------------------------------------------------------------------------------------
    def status(self) -> tuple[bool, list[str]]:
        """(running, lines): whether every recorded process runs and the node is Ready, and one line per
        process and for the node."""
        state = machine.State.load(self.dirs.state_file)
        if state is None:
            return False, ["no cluster recorded (bin/cluster up starts one)"]
        lines, running = [], True
        for process in state.processes:
            alive = process.alive()
            running &= alive
            lines.append(f"{process.name:<25} pid {process.pid:<8} {'running' if alive else 'NOT RUNNING'}")
        ready = False
        try:
            ready = self._node_ready()
        except (OSError, subprocess.SubprocessError):
            pass
        running &= ready
        lines.append(f"node {layout.NODE_NAME}: {'Ready' if ready else 'NOT Ready'}; kubeconfig {self.dirs.kubeconfig}")
        return running, lines
