"""Alluxio on a real cluster: masters and workers ready and registered, a file written and read
back through Alluxio, `helm test`, and HDFS (of the same namespace) as the root under storage:
files written to HDFS are visible through Alluxio, and files written through Alluxio land in HDFS.

Sized for a one-node kind cluster: 1 master (UFS journal on a 1Gi PVC, formatted once), 2 workers
with a 256Mi MEM tier. The `alluxio` CLI runs in a client pod (the `helm test` pod's spec with the
client label the NetworkPolicies admit), with its own small heap."""
import json
import re
import uuid

import pytest
import yaml
from pytest_helm_charts.k8s.stateful_set import wait_for_stateful_sets_to_run

from conftest import (HDFS_CLIENT_LABELS, HDFS_CONFIGMAP, HDFS_NAMESERVICE, HDFS_RELEASE, client_labels_values,
                      hdfs_put_lines)

RELEASE = "alluxio"  # release name == chart name: objects are "alluxio-master", "alluxio-worker", ...
CLIENT_POD = "alluxio-client"
WORKERS = 2
HDFS_ROOT = "/alluxio"  # hdfs.path: the HDFS directory mounted at the Alluxio root
SMALL = {
    "journal": {"format": {"runFormat": True}, "persistence": {"size": "1Gi"}},
    "master": {"resources": {"requests": {"cpu": "100m", "memory": "768Mi"},
                             "limits": {"cpu": "1", "memory": "1536Mi"}}},
    "jobMaster": {"resources": {"requests": {"cpu": "50m", "memory": "256Mi"},
                                "limits": {"cpu": "500m", "memory": "512Mi"}}},
    "worker": {"replicaCount": WORKERS,
               "resources": {"requests": {"cpu": "100m", "memory": "512Mi"},
                             "limits": {"cpu": "1", "memory": "1Gi"}}},
    "jobWorker": {"resources": {"requests": {"cpu": "50m", "memory": "256Mi"},
                                "limits": {"cpu": "500m", "memory": "512Mi"}}},
    "tieredStore": {"levels": [{"alias": "MEM", "dirs": [
        {"path": "/mnt/alluxio/mem", "quota": "256Mi", "volume": {"type": "emptyDir"}}]}]},
}


@pytest.fixture
def small_values(tmp_path):
    path = tmp_path / "alluxio-small.json"  # JSON is YAML
    path.write_text(json.dumps(SMALL))
    return path


def start_client_pod(kube):
    """A client pod as the chart's NetworkPolicies expect clients (label ``alluxio-client: "true"``):
    the release's `helm test` pod spec (the chart's configuration init container, image, user and
    mounts) with that label and a command that only waits; the CLI runs in it (alluxio_sh). The
    masters are not clients: the workers' policy admits no connection from them."""
    hooks = kube.helm("get", "hooks", RELEASE).stdout
    pod = next(d for d in yaml.safe_load_all(hooks) if d and d.get("kind") == "Pod")
    pod["metadata"] = {"name": CLIENT_POD, "labels": {**pod["metadata"].get("labels", {}), "alluxio-client": "true",
                                                      "app.kubernetes.io/component": "live-client"}}
    container = pod["spec"]["containers"][0]
    container["command"] = ["sleep", "infinity"]
    container["env"] = [e for e in container.get("env", []) if e["name"] != "ALLUXIO_USER_JAVA_OPTS"]
    container["resources"] = {"requests": {"cpu": "50m", "memory": "512Mi"}, "limits": {"cpu": "1", "memory": "768Mi"}}
    kube.kubectl("apply", "-f", "-", stdin=json.dumps(pod))
    kube.kubectl("wait", "--for=condition=Ready", f"pod/{CLIENT_POD}", "--timeout=300s")


def install_alluxio(kube, kube_cluster, values_file, set_values=(), extra_values_files=()):
    kube.install(RELEASE, "alluxio", [values_file, *extra_values_files], set_values)
    wait_for_stateful_sets_to_run(kube_cluster.kube_client, [f"{RELEASE}-master", f"{RELEASE}-worker"],
                                  kube.namespace, timeout_sec=600)
    start_client_pod(kube)

    def live_workers():
        report = alluxio_sh(kube, "alluxio fsadmin report summary")
        found = re.search(r"live workers:\s*(\d+)", report.stdout, re.IGNORECASE)
        return found and int(found.group(1)) == WORKERS
    kube.wait_until(live_workers, 300, interval=10, what=f"{WORKERS} live Alluxio workers")


def alluxio_sh(kube, script, stdin=None, user_opts=""):
    """Run a bash script in the client pod (start_client_pod), with `alluxio` the CLI (small heap,
    extra -D options)."""
    prelude = ('alluxio() { ALLUXIO_USER_JAVA_OPTS="${ALLUXIO_USER_JAVA_OPTS:-} -Xmx256m ' + user_opts + '" '
               '"${ALLUXIO_HOME:-/opt/alluxio}/bin/alluxio" "$@"; }\n')
    return kube.kubectl("exec", "-i", CLIENT_POD, "--", "bash", "-c", prelude + script,
                        stdin=stdin or "", check=False)


def test_masters_and_workers_ready_write_and_read_back(kube, kube_cluster, small_values):
    install_alluxio(kube, kube_cluster, small_values)
    content = "".join(f"alluxio live line {i}\n" for i in range(100))
    # MUST_CACHE: the block lands in a worker's MEM tier (no under storage is configured here).
    run = alluxio_sh(kube, 'set -e; f="$(mktemp)"; cat > "$f"; alluxio fs mkdir /live; '
                     'alluxio fs copyFromLocal "$f" /live/data.txt; rm -f "$f"',
                     stdin=content, user_opts="-Dalluxio.user.file.writetype.default=MUST_CACHE")
    assert run.returncode == 0, run.stdout + run.stderr
    run = alluxio_sh(kube, "alluxio fs cat /live/data.txt")
    assert run.returncode == 0 and run.stdout == content, run.stdout[-2000:] + run.stderr
    # Fully cached in Alluxio (FileInfo of `fs stat`).
    run = alluxio_sh(kube, "alluxio fs stat /live/data.txt")
    assert re.search(r"in(Alluxio|Memory)Percentage=100\b", run.stdout), run.stdout
    test = kube.helm("test", RELEASE, "--logs", check=False)
    assert test.returncode == 0, test.stdout + test.stderr


def test_hdfs_under_storage_visible_both_ways(hdfs_release, kube_cluster, small_values, tmp_path):
    kube = hdfs_release
    # The root directory exists (world-writable) before Alluxio mounts it, with a file in it.
    hdfs_put_lines(kube, f"{HDFS_ROOT}/before.txt", ["written to HDFS before Alluxio started"])
    # The Alluxio pods carry the HDFS client label: the HDFS NetworkPolicies admit them.
    install_alluxio(kube, kube_cluster, small_values,
                    [f"hdfs.configMap={HDFS_CONFIGMAP}", f"hdfs.nameservice={HDFS_NAMESERVICE}",
                     f"hdfs.path={HDFS_ROOT}"], [client_labels_values(tmp_path, HDFS_CLIENT_LABELS)])
    # metadata.sync.interval=0: Alluxio checks HDFS on every access instead of trusting its cache.
    sync = "-Dalluxio.user.file.metadata.sync.interval=0"

    run = alluxio_sh(kube, "alluxio fs cat /before.txt", user_opts=sync)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout == "written to HDFS before Alluxio started\n", run.stdout

    # A file written to HDFS while Alluxio runs, in a directory Alluxio has never seen.
    fresh = f"after-{uuid.uuid4().hex[:8]}"
    lines = [f"hdfs line {i}" for i in range(25)]
    hdfs_put_lines(kube, f"{HDFS_ROOT}/{fresh}/lines.txt", lines)
    run = alluxio_sh(kube, f"alluxio fs ls /{fresh}", user_opts=sync)
    assert run.returncode == 0 and "lines.txt" in run.stdout, run.stdout + run.stderr
    run = alluxio_sh(kube, f"alluxio fs cat /{fresh}/lines.txt", user_opts=sync)
    assert run.returncode == 0 and run.stdout.splitlines() == lines, run.stdout + run.stderr

    # And the other way: written through Alluxio (CACHE_THROUGH), read from HDFS.
    run = alluxio_sh(kube, 'set -e; f="$(mktemp)"; cat > "$f"; alluxio fs copyFromLocal "$f" /through.txt; '
                     'rm -f "$f"', stdin="written through Alluxio\n",
                     user_opts="-Dalluxio.user.file.writetype.default=CACHE_THROUGH")
    assert run.returncode == 0, run.stdout + run.stderr
    run = kube.exec(f"{HDFS_RELEASE}-namenode-0", "namenode", "hdfs", "dfs", "-cat", f"{HDFS_ROOT}/through.txt",
                    check=False)
    assert run.returncode == 0 and run.stdout == "written through Alluxio\n", run.stdout + run.stderr

