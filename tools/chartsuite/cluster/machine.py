"""What the cluster changes on the machine, recorded before ``up`` and undone by ``down``.

A ``snapshot()`` reads the machine-wide state a Kubernetes node touches: the sysctls the kubelet,
kube-proxy and the CNI bridge plugin set (seen on these machines: ``vm.overcommit_memory``,
``kernel.panic``, ``kernel.panic_on_oops``, ``net.ipv4.ip_forward``, ...), the netfilter rules
(iptables in both backends, nftables tables, ipsets), network links, network namespaces, mounts, the
kubelet's cgroups and the fixed paths the programs use whatever their flags say (``/var/log/containers``,
``/var/lib/cni``, ``/run/containerd``, ...). ``down`` stops every process it started by PID, then
compares the machine with the snapshot taken before ``up`` and undoes each difference; the test
``tests/cluster/test_cluster_lifecycle.py`` runs up and down twice and compares snapshots. The
cluster is meant for a machine of its own (a CI runner): a network link, namespace or netfilter table
another program creates while the cluster runs is taken for the cluster's and removed too.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from chartsuite.cluster import layout

# Every sysctl a node's programs are known to set (kubelet: pkg/kubelet/cm/container_manager_linux.go
# setupKernelTunables; kube-proxy: conntrack and route_localnet; the CNI bridge plugin: ip_forward).
SYSCTLS = ("net.ipv4.ip_forward", "net.ipv4.conf.all.forwarding", "net.ipv4.conf.default.forwarding",
           "net.ipv4.conf.all.route_localnet", "net.bridge.bridge-nf-call-iptables",
           "net.bridge.bridge-nf-call-ip6tables", "vm.overcommit_memory", "vm.panic_on_oom", "kernel.panic",
           "kernel.panic_on_oops", "kernel.keys.root_maxkeys", "kernel.keys.root_maxbytes",
           "net.netfilter.nf_conntrack_max", "net.netfilter.nf_conntrack_tcp_timeout_established",
           "net.netfilter.nf_conntrack_tcp_timeout_close_wait", "net.netfilter.nf_conntrack_tcp_be_liberal",
           "net.netfilter.nf_conntrack_udp_timeout", "net.netfilter.nf_conntrack_udp_timeout_stream")
# Paths the programs use whatever their flags say; ``down`` removes those that ``up`` created.
FIXED_PATHS = ("/var/log/containers", "/var/log/pods", "/var/lib/cni", "/run/containerd", "/var/lib/kubelet",
               "/opt/containerd", "/etc/cni", "/var/lib/kube-router", "/run/kube-router", "/etc/kubernetes",
               "/var/lib/containerd", "/run/netns", "/var/run/netns")
CGROUP_ROOT = Path("/sys/fs/cgroup")
CGROUP_NAMES = ("kubepods", "kubepods.slice")
MOUNT_AREAS = ("/run/netns", "/var/run/netns", "/run/containerd", "/var/lib/kubelet", "/var/lib/cni")


SBIN_PATH = f"/usr/local/sbin:/usr/sbin:/sbin:{os.environ.get('PATH', '/usr/bin:/bin')}"
SBIN_ENV = {**os.environ, "PATH": SBIN_PATH}  # the environment every machine-level command runs with


def _run(*command: str, check: bool = False) -> str:
    """Run a command (found on PATH with the sbin folders first, where Debian puts iptables, nft,
    ipset) and return its stdout ('' when the program is missing, or failed and not ``check``).
    Raises subprocess.CalledProcessError when ``check`` and it fails."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=check,
                              env=SBIN_ENV)
    except FileNotFoundError:
        return ""
    return done.stdout if done.returncode == 0 or check else ""


def _sysctl_path(key: str) -> Path:
    return Path("/proc/sys") / key.replace(".", "/")


def read_sysctls() -> dict[str, str]:
    """The current value of each SYSCTLS key that exists ({key: value})."""
    values = {}
    for key in SYSCTLS:
        try:
            values[key] = _sysctl_path(key).read_text().strip()
        except OSError:
            continue
    return values


def _iptables(save: str) -> str:
    """``iptables-save``-style output without counters and comment lines (stable between reads)."""
    text = _run(save)
    lines = [re.sub(r"\[\d+:\d+\]", "[0:0]", line) for line in text.splitlines() if not line.startswith("#")]
    return "\n".join(lines)


def mounts() -> list[str]:
    """Mount points of this mount namespace, in mount order (from /proc/self/mountinfo)."""
    points = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        point = line.split()[4].replace("\\040", " ")
        points.append(point)
    return points


def cgroups() -> list[str]:
    """Kubernetes' cgroup folders that exist, as paths under /sys/fs/cgroup: ``<controller>/kubepods``
    on cgroup v1 (and the unified hierarchy of a hybrid machine), ``kubepods`` on cgroup v2."""
    found = []
    if not CGROUP_ROOT.is_dir():
        return found
    for name in CGROUP_NAMES:
        if (CGROUP_ROOT / name).is_dir():
            found.append(name)
    for controller in sorted(CGROUP_ROOT.iterdir()):
        for name in CGROUP_NAMES:
            if (controller / name).is_dir():
                found.append(str((controller / name).relative_to(CGROUP_ROOT)))
    return found


def snapshot() -> dict:
    """The machine state a node changes (dict of JSON-able values; see the module docstring)."""
    return {
        "sysctls": read_sysctls(),
        "iptables": _iptables("iptables-save"),
        "iptables_legacy": _iptables("iptables-legacy-save"),
        "ip6tables": _iptables("ip6tables-save"),
        "ip6tables_legacy": _iptables("ip6tables-legacy-save"),
        "nft_tables": sorted(_run("nft", "list", "tables").split("\n")),
        "ipsets": sorted(_run("ipset", "list", "-n").split()),
        "links": sorted(line.split(":")[1].strip().split("@")[0]
                        for line in _run("ip", "-o", "link", "show").splitlines()),
        "netns": sorted(line.split()[0] for line in _run("ip", "netns", "list").splitlines() if line.strip()),
        "mounts": mounts(),
        "cgroups": cgroups(),
        "paths": sorted(p for p in FIXED_PATHS if os.path.lexists(p)),
    }


def differences(before: dict, after: dict) -> dict:
    """{aspect: (before, after)} for every aspect of two snapshots that differs; mounts are compared
    as sets (the order of unrelated mounts may change)."""
    out = {}
    for key in before:
        a, b = before[key], after.get(key)
        if key == "mounts":
            a, b = sorted(set(a)), sorted(set(b or []))
        if a != b:
            out[key] = (a, b)
    return out


# ---- processes ---------------------------------------------------------------------------------------

def start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (/proc/PID/stat field 22), or None when it is
    gone: with the PID it identifies a process even after PIDs are reused."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[19])


@dataclass
class Process:
    """A process ``up`` started: its name, PID and start time."""
    name: str
    pid: int
    started: int

    def alive(self) -> bool:
        """Whether this very process still runs (same PID and start time, not a zombie)."""
        if start_time(self.pid) != self.started:
            return False
        try:
            state = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return state != "Z"

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM, then SIGKILL after ``timeout`` seconds; returns when the process is gone (or, for
        one that does not die within 10 s of SIGKILL, a process stuck in the kernel, gives up)."""
        for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10.0)):
            if not self.alive():
                return
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                return
            deadline = time.monotonic() + wait
            while self.alive() and time.monotonic() < deadline:
                time.sleep(0.1)


@dataclass
class State:
    """What ``up`` recorded for ``down``: the snapshot before it changed anything and the processes it
    started, in start order. Saved as JSON in the cluster folder."""
    before: dict
    processes: list[Process] = field(default_factory=list)

    def save(self, path: Path) -> None:
        """Write the state to ``path`` (JSON)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps({"before": self.before, "processes": [vars(p) for p in self.processes]},
                                      indent=1))
        os.replace(partial, path)

    @classmethod
    def load(cls, path: Path) -> "State | None":
        """The state saved at ``path``, or None when there is none."""
        if not path.is_file():
            return None
        doc = json.loads(path.read_text())
        return cls(before=doc["before"], processes=[Process(**p) for p in doc["processes"]])


def processes_using(marker: str) -> list[int]:
    """PIDs of processes whose command line contains ``marker`` (e.g. the containerd socket path a
    shim was given), this process excluded."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in cmdline:
            found.append(int(entry.name))
    return found


def kill_cgroup_tasks(before: list[str]) -> None:
    """SIGKILL every process left in the kubelet's cgroups that were not there before ``up`` (``before``:
    the snapshot's ``cgroups``): containers whose shim is gone. Another kubelet's cgroups are left alone."""
    for relative in set(cgroups()) - set(before):
        for procs in (CGROUP_ROOT / relative).rglob("cgroup.procs"):
            try:
                pids = [int(p) for p in procs.read_text().split()]
            except OSError:
                continue
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


# ---- undo ------------------------------------------------------------------------------------------------

def _remove_cgroup_tree(path: Path) -> None:
    """rmdir a cgroup folder and its children, deepest first (cgroup folders hold no files to delete)."""
    for child in sorted((p for p in path.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        for _ in range(50):
            try:
                child.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.1)
    try:
        path.rmdir()
    except OSError:
        pass


def restore(before: dict, cluster_root: Path, log=print) -> dict:
    """Undo every difference between the machine now and ``before`` (a ``snapshot()``), within what a
    node changes; returns the differences that remain afterwards (empty when all were undone), as
    ``differences`` gives them. ``log`` (a print-like callable) gets a line per sysctl it cannot restore.

    Order: mounts (deepest first) under the cluster folder and the fixed areas, network namespaces,
    links (the bridge, veths), netfilter (iptables tables restored from the snapshot, new nftables
    tables and ipsets removed), cgroups, sysctls, fixed paths created by the cluster.
    """
    now = snapshot()
    root = str(cluster_root)
    before_mounts = set(before["mounts"])
    areas = (root,) + MOUNT_AREAS
    for point in sorted((m for m in now["mounts"] if m not in before_mounts
                         and any(m == a or m.startswith(a + "/") for a in areas)),
                        key=lambda m: m.count("/"), reverse=True):
        subprocess.run(["umount", "-l", point], capture_output=True)
    for name in set(now["netns"]) - set(before["netns"]):
        subprocess.run(["ip", "netns", "delete", name], capture_output=True, env=SBIN_ENV)
    for link in set(now["links"]) - set(before["links"]):
        subprocess.run(["ip", "link", "delete", link], capture_output=True, env=SBIN_ENV)
    env = SBIN_ENV
    for family in ("iptables", "ip6tables"):
        for suffix, key in (("", family), ("-legacy", f"{family}_legacy")):
            binary, save = f"{family}{suffix}", f"{family}{suffix}-save"
            current = _iptables(save)
            if current == before[key] or not shutil.which(f"{binary}-restore", path=SBIN_PATH):
                continue
            current_tables = set(re.findall(r"^\*(\w+)", current, re.M))
            kept_tables = set(re.findall(r"^\*(\w+)", before[key], re.M))
            if before[key].strip():
                subprocess.run([f"{binary}-restore"], input=before[key] + "\n", text=True, capture_output=True, env=env)
            for table in current_tables - kept_tables:
                subprocess.run([binary, "-t", table, "-F"], capture_output=True, env=env)
                subprocess.run([binary, "-t", table, "-X"], capture_output=True, env=env)
    for table in set(_run("nft", "list", "tables").split("\n")) - set(before["nft_tables"]):
        if table.strip():
            subprocess.run(["nft", "delete", *table.split()], capture_output=True, env=env)
    for name in set(_run("ipset", "list", "-n").split()) - set(before["ipsets"]):
        subprocess.run(["ipset", "destroy", name], capture_output=True, env=env)
    for relative in set(cgroups()) - set(before["cgroups"]):
        _remove_cgroup_tree(CGROUP_ROOT / relative)
    for key, value in before["sysctls"].items():
        try:
            if _sysctl_path(key).read_text().strip() != value:
                _sysctl_path(key).write_text(value + "\n")
        except OSError as exc:
            log(f"cluster: could not restore sysctl {key}={value}: {exc}")
    for path in set(p for p in FIXED_PATHS if os.path.lexists(p)) - set(before["paths"]):
        if os.path.ismount(path):
            continue
        shutil.rmtree(path, ignore_errors=True)
    return differences(before, snapshot())
