"""Live tests: install the charts on a real cluster and exercise them.

The cluster comes from pytest-helm-charts' `--kubeconfig` option (or $KUBECONFIG, or
~/.kube/config). Reachability is probed once; when no cluster answers, every test in this
folder is skipped with one reason saying why. Each test gets its own namespace; releases are
installed with `helm upgrade --install --wait` and uninstalled afterwards (PVCs are kept by the
charts, so fixtures delete the namespace, which removes them).
"""
import base64
import contextlib
import json
import os
import pathlib
import re
import select
import subprocess
import time
import uuid

import pytest
import yaml
from polling import wait_for
from pytest_helm_charts.k8s.stateful_set import wait_for_stateful_sets_to_run

from chartsuite import helm as suite_helm
from chartsuite.cluster.layout import TWIN_NODE_LABEL  # bin/cluster's node label: the images are the twins

ROOT = pathlib.Path(__file__).resolve().parents[2]
LIVE_DIR = pathlib.Path(__file__).resolve().parent

# HDFS of the same namespace, for the charts that read it (Spark, Alluxio): release "hdfs" of the laptop example.
HDFS_RELEASE = "hdfs"
HDFS_LAPTOP = ROOT / "examples" / "hdfs-kind-laptop.yaml"
HDFS_CONFIGMAP = f"{HDFS_RELEASE}-config"  # the chart's client ConfigMap (core-site.xml, hdfs-site.xml)
HDFS_NAMESERVICE = HDFS_RELEASE  # the nameservice defaults to the release fullname
# Pod label the HDFS chart's NetworkPolicies (on by default) accept from clients: "<fullname>-client".
HDFS_CLIENT_LABELS = {f"{HDFS_RELEASE}-client": "true"}
# Edit log rolls every 30 s instead of 120 s: a restarted JournalNode is back in the write pipeline (ready)
# within that, so rolling restarts take minutes less (the value's documented purpose, charts/hdfs/values.yaml).
HDFS_LIVE_SETTINGS = ["ha.editLogRollPeriodSeconds=30"]


def client_labels_values(tmp_path, labels):
    """A values file (JSON is YAML) giving every object of a release, pods included, ``labels`` through
    commonLabels: how a release of another chart becomes a client of the HDFS NetworkPolicies."""
    path = tmp_path / f"client-labels-{uuid.uuid4().hex[:6]}.json"
    path.write_text(json.dumps({"commonLabels": labels}))
    return path


def kubectl_binary():
    """The kubectl bin/setup put in .tools/kubectl (the test cluster's version), else the one on PATH (str)."""
    import shutil
    local = ROOT / ".tools" / "kubectl" / "kubectl"
    return str(local) if local.exists() else (shutil.which("kubectl") or "kubectl")


def _kubeconfig(config):
    """Path of the kubeconfig to use (str) or None."""
    given = config.getoption("kubeconfig", default=None) or os.environ.get("KUBECONFIG")
    if given:
        return given
    default = pathlib.Path.home() / ".kube" / "config"
    return str(default) if default.exists() else None


def cluster_unreachable_reason(config):
    """None when a cluster answers `kubectl version` within 10 s, else the reason (str)."""
    kubeconfig = _kubeconfig(config)
    if not kubeconfig:
        return "no cluster: no --kubeconfig, $KUBECONFIG or ~/.kube/config"
    if not pathlib.Path(kubeconfig).exists():
        return f"no cluster: kubeconfig {kubeconfig} does not exist"
    try:
        run = subprocess.run([kubectl_binary(), "--kubeconfig", kubeconfig, "version", "--request-timeout=10s",
                              "-o", "json"], capture_output=True, text=True, timeout=20)
    except FileNotFoundError:
        return "no cluster: kubectl is not installed"
    except subprocess.TimeoutExpired:
        return f"no cluster: the API server of {kubeconfig} did not answer within 20 s"
    if run.returncode != 0 or '"serverVersion"' not in run.stdout:
        last = (run.stderr.strip().splitlines() or ["no server version"])[-1]
        return f"no cluster reachable with {kubeconfig}: {last}"
    return None


def pytest_collection_modifyitems(config, items):
    live = [i for i in items if LIVE_DIR in pathlib.Path(str(i.fspath)).parents]
    if not live:
        return
    reason = cluster_unreachable_reason(config)
    if reason and os.environ.get("CHARTSUITE_LIVE_REQUIRED") == "1":
        # bin/test --live brought a cluster up for these tests: not reaching it is a failure.
        raise pytest.UsageError(f"live tests: the cluster bin/test brought up is not reachable: {reason}")
    if reason:
        marker = pytest.mark.skip(reason=f"live tests need a Kubernetes cluster: {reason}")
        for item in live:
            item.add_marker(marker)




def runs_image_twins(kubeconfig):
    """Whether the cluster's node runs the image twins (bin/cluster's node label), bool."""
    run = subprocess.run([kubectl_binary(), "--kubeconfig", kubeconfig, "get", "nodes", "-l", f"{TWIN_NODE_LABEL}=true",
                          "-o", "name"], capture_output=True, text=True, timeout=60)
    return run.returncode == 0 and bool(run.stdout.strip())


def skip_where_twin_lacks(kube, twin, fact):
    """On a cluster of image twins (bin/cluster), skip the test when twin ``twin`` (a twins/ folder)
    does not reproduce ``fact`` (the name of one of its image.yaml facts); the reason quotes what its
    image.yaml says of it. On a cluster with the real images (kind, bin/kind-test) nothing happens."""
    if not runs_image_twins(kube.kubeconfig):
        return
    spec = yaml.safe_load((ROOT / "twins" / twin / "image.yaml").read_text())
    entry = next(f for f in spec["facts"] if f["fact"] == fact)
    pytest.skip(f"the {spec['image']}:{spec['tag']} twin lacks '{fact}': {entry['twin']} (twins/{twin}/image.yaml); "
                "bin/kind-test runs this with the real image")


class Kube:
    """kubectl and helm bound to one kubeconfig and namespace."""

    def __init__(self, kubeconfig, namespace):
        self.kubeconfig = kubeconfig
        self.namespace = namespace
        self.helm_bin = suite_helm.helm_binary(4)

    def kubectl(self, *args, check=True, timeout=300, stdin=None):
        """Run kubectl in the namespace; return CompletedProcess (text)."""
        cmd = [kubectl_binary(), "--kubeconfig", self.kubeconfig, "-n", self.namespace, *args]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=timeout, input=stdin)

    def exec(self, pod, container, *command, check=True, timeout=300):
        """Run a command in a container; return CompletedProcess (text)."""
        return self.kubectl("exec", pod, "-c", container, "--", *command, check=check, timeout=timeout)

    def helm(self, *args, check=True, timeout=1800):
        cmd = [self.helm_bin, "--kubeconfig", self.kubeconfig, "-n", self.namespace, *args]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=timeout)

    def install(self, release, chart, values_files=(), set_values=(), timeout="15m", wait=True):
        """helm upgrade --install; with ``wait`` (default) --wait and a rollback on failure. Fails the
        test with helm's output (and the namespace's events and logs) when helm fails."""
        args = ["upgrade", "--install", release, str(ROOT / "charts" / chart), "--timeout", timeout]
        if wait:
            args += ["--wait", "--rollback-on-failure"]
        for f in values_files:
            args += ["-f", str(f)]
        for s in set_values:
            args += ["--set", s]
        run = self.helm(*args, check=False)
        if run.returncode != 0:
            self.dump()
            raise AssertionError(f"helm install of {chart} failed:\n{run.stdout}\n{run.stderr}")
        return run

    def wait_until(self, predicate, timeout, interval=5, what="condition"):
        """Poll predicate() until it returns truthy; return its value or fail after timeout seconds
        (events and pod logs of the namespace printed first)."""
        return wait_for(predicate, timeout, interval, what, on_timeout=self.dump)

    def run_pod(self, name, spec, timeout=600, labels=None):
        """Create a Pod from `spec` (restartPolicy Never) with optional `labels` (dict), wait until it
        ends; return (phase, logs)."""
        manifest = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels or {}},
                    "spec": {"restartPolicy": "Never", **spec}}
        self.kubectl("apply", "-f", "-", stdin=json.dumps(manifest))

        def ended():
            phase = self.kubectl("get", "pod", name, "-o", "jsonpath={.status.phase}", check=False).stdout.strip()
            return phase if phase in ("Succeeded", "Failed") else None

        phase = self.wait_until(ended, timeout, what=f"pod {name} to finish")
        return phase, self.kubectl("logs", name, "--all-containers", check=False).stdout

    def secret_value(self, secret, key):
        """Decoded value of one key of a Secret (str)."""
        data = self.kubectl("get", "secret", secret, "-o", f"jsonpath={{.data.{key}}}").stdout
        return base64.b64decode(data).decode()

    @contextlib.contextmanager
    def port_forward(self, target, port, timeout=60):
        """`kubectl port-forward <target> :<port>` for the with-block; yields the local port (int)."""
        cmd = [kubectl_binary(), "--kubeconfig", self.kubeconfig, "-n", self.namespace, "port-forward",
               "--address", "127.0.0.1", target, f":{port}"]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + timeout
            local = None
            while local is None and time.monotonic() < deadline and proc.poll() is None:
                ready, _, _ = select.select([proc.stdout], [], [], 1)
                if ready:
                    found = re.search(r"127\.0\.0\.1:(\d+) ->", proc.stdout.readline())
                    local = int(found.group(1)) if found else None
            if local is None:
                proc.kill()
                pytest.fail(f"port-forward to {target}:{port} did not start: {proc.communicate()[1]}")
            yield local
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()

    def dump(self):
        """Print events and pod logs of the namespace (shown by pytest on failure)."""
        print(self.kubectl("get", "events", "--sort-by=.lastTimestamp", check=False).stdout)
        print(self.kubectl("get", "pods", "-o", "wide", check=False).stdout)
        print(self.kubectl("logs", "--all-containers", "--prefix", "--tail=200", "-l",
                           "app.kubernetes.io/managed-by=Helm", check=False).stdout)


@pytest.fixture(scope="module")
def kube_config(pytestconfig):
    """Overrides pytest-helm-charts' fixture: also accept ~/.kube/config."""
    return _kubeconfig(pytestconfig)


def _kube_in_fresh_namespace(pytestconfig):
    """Yield a Kube in a new namespace; afterwards uninstall its releases and delete the namespace
    (with everything in it)."""
    namespace = f"live-{uuid.uuid4().hex[:8]}"
    k = Kube(_kubeconfig(pytestconfig), namespace)
    subprocess.run([kubectl_binary(), "--kubeconfig", k.kubeconfig, "create", "namespace", namespace], check=True,
                   capture_output=True)
    yield k
    k.helm("uninstall", "--wait", *k.helm("list", "-q").stdout.split(), check=False)
    subprocess.run([kubectl_binary(), "--kubeconfig", k.kubeconfig, "delete", "namespace", namespace, "--wait=false"],
                   capture_output=True)


@pytest.fixture
def kube(pytestconfig, kube_cluster):
    """A Kube in a fresh namespace (deleted with everything in it after the test)."""
    yield from _kube_in_fresh_namespace(pytestconfig)


@pytest.fixture(scope="module")
def module_kube(pytestconfig, kube_cluster):
    """A Kube in a fresh namespace shared by the tests of one module (a scenario run in file order)."""
    yield from _kube_in_fresh_namespace(pytestconfig)


def install_hdfs(kube, kube_cluster):
    """HDFS (laptop example, release "hdfs") installed and running in ``kube``'s namespace; returns kube."""
    kube.install(HDFS_RELEASE, "hdfs", [HDFS_LAPTOP], HDFS_LIVE_SETTINGS)
    wait_for_stateful_sets_to_run(kube_cluster.kube_client,
                                  [f"{HDFS_RELEASE}-{c}" for c in ("namenode", "journalnode", "zookeeper", "datanode")],
                                  kube.namespace, timeout_sec=900)
    return kube


@pytest.fixture
def hdfs_release(kube, kube_cluster):
    """HDFS installed and running in the test's own namespace (install_hdfs); returns kube."""
    return install_hdfs(kube, kube_cluster)


def hdfs_put_lines(kube, path, lines, timeout=300):
    """Write `lines` (list of str, no newlines) to HDFS `path` with `hdfs dfs -put` from a NameNode pod.

    Retried until it succeeds: right after install the NameNodes may still be electing the active one.
    """
    text = "".join(f"{line}\n" for line in lines)
    script = ('set -e; f="$(mktemp)"; cat > "$f"; hdfs dfs -mkdir -p "$(dirname "$1")"; '
              'hdfs dfs -put -f "$f" "$1"; hdfs dfs -chmod -R a+rwx "$(dirname "$1")"; rm -f "$f"')

    def put():
        run = kube.kubectl("exec", "-i", f"{HDFS_RELEASE}-namenode-0", "-c", "namenode", "--", "bash", "-c", script,
                           "put", path, stdin=text, check=False)
        return run.returncode == 0

    kube.wait_until(put, timeout, interval=10, what=f"hdfs dfs -put {path}")
