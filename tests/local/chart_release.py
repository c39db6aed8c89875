"""A chart release run as pods: the chart rendered with Helm (as ``helm install`` would), its
workloads created on the simulated nodes of tests/local/kubelet.py with the image twins of
tests/local/twins.py, and what a test does with a release: pods by component, logs, a client pod made
from the chart's own ``helm test`` pod, the ``helm test`` pod itself. Chart-specific helpers live in
the chart's module (hdfs_pods.py, alluxio_pods.py)."""
from __future__ import annotations

import contextlib
import copy
import time
from pathlib import Path

import kubelet
import twins
from polling import wait_for
from chartsuite import helm

ROOT = Path(__file__).resolve().parents[2]


def available(images):
    """(bool, reason): whether pods of these image twins (names) can run here (kubelet and twins)."""
    ok, reason = kubelet.available()
    if not ok:
        return ok, reason
    for name in images:
        ok, reason = twins.available(name)
        if not ok:
            return ok, reason
    return True, ""


@contextlib.contextmanager
def running(release, components, timeout=300):
    """Install ``release`` (a ChartRelease), wait until the pods of ``components`` are Ready, yield it
    (its ``install_seconds`` says how long that took), close it on exit."""
    started = time.monotonic()
    try:
        release.install()
        release.wait_ready(components, timeout=timeout)
        release.install_seconds = time.monotonic() - started
        yield release
    finally:
        release.close()


class ChartRelease:
    """A rendered release of ``chart`` running as pods.

    workdir: folder for pods and volumes; chart: folder name under charts/; images: names of the
    image twins its pods use; release/namespace: as ``helm install``; values_files: extra values
    files (paths); set_values: {dotted key: value} as ``--set``; nodes: simulated nodes (StatefulSet
    pods are spread over them by ordinal, DaemonSet pods run on each); backoff_scale: the kubelet's
    restart back-off multiplier.
    """

    # Name suffix of the chart's helm test pod, from which client() and helm_test() make their pods
    # (a chart module sets its own: "hdfs-test", "alluxio-test", "-test-sparkpi").
    TEST_POD = "-test"
    # Charts whose workloads are keyed "<chart>-<component>" (sts, pods): an umbrella release has two
    # "master" and two "worker" components (Spark's and Alluxio's).
    PREFIXED_CHARTS = ()

    def __init__(self, workdir, chart, images, release, namespace="bigdata", values_files=(), set_values=None,
                 nodes=1, backoff_scale=0.2):
        self.release = release
        self.namespace = namespace
        self.values_files = list(values_files)
        self.set_values = dict(set_values or {})
        self.chart = chart
        self.objects = self.render()
        self.cluster = kubelet.Cluster(workdir, self.objects, [twins.image(n) for n in images], nodes=nodes,
                                       namespace=namespace, backoff_scale=backoff_scale)
        self.statefulsets = {}
        self.daemonset_pods = []
        self.jobs = {}
        self._clients = {}

    def wait_ready(self, components, timeout=300):
        """Wait until every pod of the components (names) is Ready; raises TimeoutError."""
        deadline = time.monotonic() + timeout
        for component in components:
            for pod in self.pods(component):
                pod.wait_ready(max(1.0, deadline - time.monotonic()))

    def render(self, set_values=None, values_files=None):
        """Render the chart (Helm 4) with this release's values plus ``set_values``; return objects."""
        values = dict(self.set_values)
        values.update(set_values or {})
        return helm.render(ROOT / "charts" / self.chart, list(values_files or self.values_files),
                           set_values=values, release=self.release, namespace=self.namespace)

    def configure(self, set_values=None, extra_objects=()):
        """Before install: render again with more values (e.g. addresses known only once the
        cluster's network exists) and add objects a user creates (Secrets)."""
        self.set_values.update(set_values or {})
        self.objects = self.render() + list(extra_objects)
        self.cluster.update_objects(self.objects)

    def object(self, kind, suffix):
        """The rendered object of ``kind`` whose name ends with ``suffix`` (e.g. "namenode")."""
        matches = [o for o in self.objects if o["kind"] == kind and o["metadata"]["name"].endswith(suffix)]
        if len(matches) != 1:
            raise KeyError(f"{kind} *{suffix}: {len(matches)} matches")
        return matches[0]

    def name(self, component):
        """The full name of a component's workload (``<release>-hdfs-namenode`` or as rendered)."""
        return next(o["metadata"]["name"] for o in self.objects
                    if o["kind"] in ("StatefulSet", "DaemonSet")
                    and o["metadata"]["labels"].get("app.kubernetes.io/component") == component)

    def install(self, components=None):
        """Create every workload at once, as ``helm install`` does (no ordering between them)."""
        for obj in self.objects:
            labels = obj["metadata"].get("labels", {})
            component = labels.get("app.kubernetes.io/component")
            if labels.get("app.kubernetes.io/name") in self.PREFIXED_CHARTS:
                component = f"{labels['app.kubernetes.io/name']}-{component}"
            if components is not None and component not in components:
                continue
            if obj["kind"] == "StatefulSet":
                sts = kubelet.StatefulSet(self.cluster, obj["metadata"]["name"])
                self.statefulsets[component] = sts
                sts.start()
            elif obj["kind"] == "Job":
                self.jobs[component] = kubelet.Job(self.cluster, obj["metadata"]["name"]).start()
            elif obj["kind"] == "DaemonSet":
                template = obj["spec"]["template"]
                for node in self.cluster.nodes:
                    name = f"{obj['metadata']['name']}-{node.name}"
                    self.daemonset_pods.append(self.cluster.run_pod(
                        name, template["spec"], template["metadata"].get("labels", {}), node=node))
        return self

    def run_deployment(self, component, timeout=300, patch=None):
        """Start one pod of a component's Deployment from its pod template, as the ReplicaSet
        controller would (``<deployment>-<n>``, the template's labels), and wait until its init
        containers are done and its main containers run. patch: a function changing the pod spec
        (dict) in place first, for a spec the chart no longer renders. Returns the Pod."""
        obj = next(o for o in self.objects if o["kind"] == "Deployment"
                   and o["metadata"]["labels"].get("app.kubernetes.io/component") == component)
        template = obj["spec"]["template"]
        spec = copy.deepcopy(template["spec"])
        if patch:
            patch(spec)
        pod = self.cluster.run_pod(f"{obj['metadata']['name']}-{int(time.time() * 1000) % 100000}",
                                   spec, template["metadata"].get("labels", {}))
        pod.wait_init(timeout)
        for c in pod.main_containers:
            wait_for(lambda c=c: c.host_pid(timeout=0.1), timeout=60, what=f"container {c.name} of {pod.name} running")
        return pod

    def sts(self, component):
        return self.statefulsets[component]

    def log(self, pod, container):
        """The log of a pod's container (all its restarts), str; "" before its first start."""
        path = pod.containers[container].log_path
        return path.read_text(errors="replace") if path.exists() else ""

    def pods(self, component):
        """The current pods of a component (StatefulSet ordinals, or the DaemonSet's pods)."""
        if component in self.statefulsets:
            sts = self.statefulsets[component]
            return [self.cluster.pods[sts.pod_name(i)] for i in range(sts.replicas)
                    if sts.pod_name(i) in self.cluster.pods]
        return [p for p in self.daemonset_pods if p.name in self.cluster.pods]

    def close(self):
        self.cluster.close()

    def test_pod(self, suffix="-test"):
        """The rendered helm test Pod whose name ends with ``suffix`` (an umbrella has one per chart:
        "hdfs-test", "alluxio-test")."""
        return next(o for o in self.objects if o["kind"] == "Pod" and o["metadata"]["name"].endswith(suffix))

    def client(self, suffix=None):
        """A pod made from the chart's helm test pod (same image, configuration, user), left
        running (``sleep``) so that commands can be run in it with ``exec``; one per test pod
        (suffix: the test pod's name suffix, default TEST_POD)."""
        suffix = suffix or self.TEST_POD
        pod = self._clients.get(suffix)
        if pod is None or pod.name not in self.cluster.pods:
            spec = copy.deepcopy(self.test_pod(suffix)["spec"])
            spec["containers"][0]["command"] = ["sleep", "infinity"]
            spec["restartPolicy"] = "Always"
            pod = self.cluster.run_pod(f"{self.release}-client-{int(time.time() * 1000) % 100000}", spec,
                                       {"app.kubernetes.io/component": "client"})
            self._clients[suffix] = pod
            wait_for(lambda: pod.containers[spec["containers"][0]["name"]].host_pid(timeout=0.1),
                     timeout=60, what="client pod running")
        return pod

    def wait_job(self, component, timeout=600):
        """Wait for the Job of ``component`` to finish; return (succeeded, the log of each pod it ran)."""
        job = self.jobs[component]
        job.wait(timeout)
        return job.succeeded, job.logs

    def helm_test(self, timeout=300, suffix=None):
        """Run the chart's helm test pod (suffix: its name suffix, default TEST_POD) to completion;
        return (exit code, its log)."""
        test = self.test_pod(suffix or self.TEST_POD)
        spec = copy.deepcopy(test["spec"])
        pod = self.cluster.run_pod(test["metadata"]["name"], spec, test["metadata"].get("labels", {}))
        container = pod.main_containers[0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if container.exit_codes:
                break
            if container.proc is not None and container.proc.poll() is not None:
                container.exit_codes.append(container.proc.returncode)
                break
            time.sleep(0.5)
        log = container.log_path.read_text(errors="replace")
        rc = container.exit_codes[0] if container.exit_codes else None
        self.cluster.delete_pod(pod.name, grace=0)
        return rc, log

    def upgrade_daemonset(self, set_values):
        """``helm upgrade`` with more values for a DaemonSet release: the objects re-rendered and
        applied, and each of the DaemonSet's pods replaced by one of the new template on its node (as
        the DaemonSet controller's rolling update does, here all at once). Returns the new pods."""
        self.set_values.update(set_values)
        self.objects = self.render()
        self.cluster.update_objects(self.objects)
        daemonset = next(o for o in self.objects if o["kind"] == "DaemonSet")
        for pod in list(self.daemonset_pods):
            if pod.name in self.cluster.pods:
                self.cluster.delete_pod(pod.name)
        template = daemonset["spec"]["template"]
        self.daemonset_pods = [
            self.cluster.run_pod(f"{daemonset['metadata']['name']}-{node.name}", template["spec"],
                                 template["metadata"].get("labels", {}), node=node)
            for node in self.cluster.nodes]
        return self.daemonset_pods
