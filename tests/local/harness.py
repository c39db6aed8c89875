"""Run what a chart renders, as its pods would, without a cluster.

A chart is rendered with Helm; for one pod of a workload the harness collects what the kubelet
would give the container: its command and args, its env (downward-API POD_NAME and pod IP
resolved), and the files of the ConfigMaps and Secrets it mounts. Then it lays them out under a
per-pod directory and runs the real program.

What differs from a pod, and why (each is a substitution, applied to commands, env values and
mounted files alike):
- Paths: a container's mount paths (/conf, /data, /opt/hdfs-scripts, ...) become directories
  under the pod's work dir.
- Addresses: every pod's stable DNS name (<pod>.<headless service>.<namespace>.svc.<domain>) becomes
  its own loopback address 127.0.0.<n>, so peers reach each other as they would in a cluster.
  Cluster.pod(..., map_addresses=False) keeps the names (Kerberos principals hold them); Java
  processes then resolve them through Cluster.hosts_file() (-Djdk.net.hosts.file).
Also as the kubelet does: a subPath mount is the one file, binary Secret keys (keytabs) are written
as they are, and expand_vars() expands $(VAR) references in env values and args.
Pods here share one network namespace, so a program that binds 0.0.0.0 must bind its own loopback
address instead; callers pass such edits explicitly (``edits``) and the tests name them.

Processes are started with bounded timeouts, their output goes to per-pod log files (printed when
a test fails) and Cluster.stop() kills everything it started.
"""
from __future__ import annotations

import base64
import os
import re
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from polling import wait_for  # noqa: F401 (re-exported: tests import it from the harness)
from chartsuite import helm

ROOT = Path(__file__).resolve().parents[2]


def workload(objects, kind, name):
    """The rendered object of ``kind``/``name`` (dict); KeyError when absent."""
    for obj in objects:
        if obj["kind"] == kind and obj["metadata"]["name"] == name:
            return obj
    raise KeyError(f"{kind}/{name} not in the render")


def pod_fqdns(objects, cluster_domain="cluster.local"):
    """{pod fqdn: pod name} for every StatefulSet pod in the render (ordered by appearance)."""
    out = {}
    for obj in objects:
        if obj["kind"] != "StatefulSet":
            continue
        name, ns = obj["metadata"]["name"], obj["metadata"]["namespace"]
        for i in range(obj["spec"]["replicas"]):
            out[f"{name}-{i}.{obj['spec']['serviceName']}.{ns}.svc.{cluster_domain}"] = f"{name}-{i}"
    return out


@dataclass
class Pod:
    """One pod of a rendered StatefulSet, laid out under ``workdir``."""
    name: str
    ip: str
    workdir: Path
    spec: dict
    objects: list
    substitutions: dict = field(default_factory=dict)

    def _volume_files(self, volume):
        """{relative path: bytes} of a ConfigMap/Secret volume, or None for other volume types."""
        if "configMap" in volume:
            cm = workload(self.objects, "ConfigMap", volume["configMap"]["name"])
            return {k: v.encode() for k, v in cm.get("data", {}).items()}
        if "secret" in volume:
            secret = workload(self.objects, "Secret", volume["secret"]["secretName"])
            files = {k: base64.b64decode(v) for k, v in secret.get("data", {}).items()}
            files.update({k: v.encode() for k, v in secret.get("stringData", {}).items()})
            return files
        return None

    def substitute(self, text):
        """Apply the path and address substitutions to a string in one pass (longest match first,
        so a replacement is never rewritten again)."""
        if not self.substitutions:
            return text
        pattern = re.compile("|".join(re.escape(k) for k in sorted(self.substitutions, key=len, reverse=True)))
        return pattern.sub(lambda m: self.substitutions[m.group(0)], text)

    def container(self, name, init=False):
        containers = self.spec.get("initContainers" if init else "containers", [])
        for c in containers:
            if c["name"] == name:
                return c
        raise KeyError(f"container {name} not in pod {self.name}")

    def prepare(self, container_name, init=False, edits=None):
        """Lay out the mounts of one container; return (argv list, env dict) ready to run.

        Env: literal values, the downward-API pod name and IP, and secretKeyRef values read from the
        rendered Secret.

        edits: {mounted file name: function(text) -> text} applied after substitution.
        """
        c = self.container(container_name, init)
        volumes = {v["name"]: v for v in self.spec.get("volumes", [])}
        for mount in c.get("volumeMounts", []):
            target = self.workdir / mount["mountPath"].lstrip("/")
            self.substitutions[mount["mountPath"]] = str(target)
        for mount in c.get("volumeMounts", []):
            target = Path(self.substitutions[mount["mountPath"]])
            files = self._volume_files(volumes[mount["name"]]) if mount["name"] in volumes else None
            if mount.get("subPath"):
                # One key of the volume mounted as a file at mountPath (e.g. /etc/krb5.conf).
                target.parent.mkdir(parents=True, exist_ok=True)
                files, target = {target.name: (files or {})[mount["subPath"]]}, target.parent
            target.mkdir(parents=True, exist_ok=True)
            for fname, data in (files or {}).items():
                path = target / fname
                if not _is_text(data):  # binary Secret keys (keytabs, keystores) as they are
                    path.write_bytes(data)
                    path.chmod(0o600)
                    continue
                text = self.substitute(data.decode())
                if edits and fname in edits:
                    text = edits[fname](text)
                path.write_text(text)
                path.chmod(0o755)
        env = {}
        for e in c.get("env", []):
            if "value" in e:
                env[e["name"]] = self.substitute(str(e["value"]))
            elif e.get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == "metadata.name":
                env[e["name"]] = self.name
            elif e.get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == "status.podIP":
                env[e["name"]] = self.ip
            elif "secretKeyRef" in e.get("valueFrom", {}):
                # As the kubelet does: the key's value from the rendered Secret (KeyError when absent).
                ref = e["valueFrom"]["secretKeyRef"]
                secret = workload(self.objects, "Secret", ref["name"])
                if ref["key"] in secret.get("stringData", {}):
                    env[e["name"]] = secret["stringData"][ref["key"]]
                else:
                    env[e["name"]] = base64.b64decode(secret["data"][ref["key"]]).decode()
        argv = [self.substitute(a) for a in c.get("command", []) + c.get("args", [])]
        return argv, env


def _is_text(data):
    """Whether mounted file content (bytes) is UTF-8 text the substitutions may apply to."""
    try:
        data.decode()
    except UnicodeDecodeError:
        return False
    return b"\0" not in data


def expand_vars(argv, env):
    """Kubernetes' dependent environment variables: $(NAME) in an env value refers to a variable
    defined earlier in the list, and in command/args to any of them; $$ escapes a literal $;
    unknown references stay as written. Returns (argv, env) expanded (source: the Kubernetes API
    reference, EnvVar.value and Container.args)."""
    pattern = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")

    def expand(text, known):
        return pattern.sub(lambda m: "$" if m.group(0) == "$$" else known.get(m.group(1), m.group(0)), text)
    out = {}
    for name, value in env.items():
        out[name] = expand(value, out)
    return [expand(a, out) for a in argv], out


class Cluster:
    """The pods of one render, each with its own loopback address and work dir."""

    def __init__(self, objects, workdir, first_ip=10):
        self.objects = objects
        self.workdir = Path(workdir)
        self.addresses = {}
        self.processes = {}
        for n, (fqdn, pod) in enumerate(pod_fqdns(objects).items()):
            self.addresses[fqdn] = (pod, f"127.0.0.{first_ip + n}")

    @classmethod
    def render(cls, chart, workdir, values_files=(), set_values=None, release="local", namespace="local"):
        """Render ``chart`` (name under charts/) with Helm 4 and return a Cluster."""
        objects = helm.render(ROOT / "charts" / chart, values_files, set_values=set_values, release=release,
                              namespace=namespace)
        return cls(objects, workdir)

    def ip(self, pod_name):
        for pod, ip in self.addresses.values():
            if pod == pod_name:
                return ip
        raise KeyError(pod_name)

    def pod(self, statefulset, ordinal, map_addresses=True):
        """A Pod for <statefulset>-<ordinal>, with DNS names mapped to loopback addresses.

        map_addresses=False keeps the DNS names as rendered (for names that must stay names, such
        as Kerberos principals and the hosts in them); Java processes then resolve them through
        hosts_file() (-Djdk.net.hosts.file)."""
        sts = workload(self.objects, "StatefulSet", statefulset)
        name = f"{statefulset}-{ordinal}"
        subs = {fqdn: ip for fqdn, (_, ip) in self.addresses.items()} if map_addresses else {}
        return Pod(name, self.ip(name), self.workdir / name, sts["spec"]["template"]["spec"], self.objects, subs)

    def hosts_file(self, path):
        """Write a hosts file mapping every pod's DNS name to its loopback address (for Java's
        -Djdk.net.hosts.file, which then resolves only the names listed); return its Path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("127.0.0.1 localhost\n" + "".join(f"{ip} {fqdn}\n" for fqdn, (_, ip) in self.addresses.items()))
        return path

    def start(self, key, argv, env, extra_path=(), log_name=None):
        """Start a process (key: any hashable id) with PATH extended by extra_path; return Popen."""
        log_path = self.workdir / f"{log_name or key}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        full_env = {"PATH": os.pathsep.join([*map(str, extra_path), os.environ.get("PATH", "/usr/bin:/bin")]),
                    "HOME": str(self.workdir), "LANG": "C.UTF-8", **env}
        log = open(log_path, "w")
        proc = subprocess.Popen(argv, env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        proc.log_path = log_path
        self.processes[key] = proc
        return proc

    def kill(self, key):
        """Kill one started process (its whole process group) and wait for it."""
        proc = self.processes.pop(key)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)

    def stop(self):
        for key in list(self.processes):
            self.kill(key)

    def logs(self):
        """All process logs (str), for failure messages."""
        out = []
        for path in sorted(self.workdir.glob("*.log")):
            out.append(f"--- {path.name} ---\n{path.read_text()[-4000:]}")
        return "\n".join(out)
