"""The Spark chart's rendered master and worker, run for real with the Spark distribution of the
`pyspark` package (pinned in requirements.txt, the version of the chart's apache/spark image): the master and a worker start from the rendered
commands, env and spark-defaults.conf (SPARK_CONF_DIR), the worker offers exactly the cores and
memory the chart derived from its resources, and a job submitted to the rendered master URL
returns the right answer (with auth.enabled=false). With the defaults the same cluster runs with Spark
RPC authentication and encryption from the rendered Secret: a driver configured by the chart's init container runs a job, drivers
without the secret (or with a wrong one) are turned away.

Substitutions: see harness.py and spark_pods.py (pod DNS names -> 127.0.0.x, mount paths -> work
dirs, /opt/spark/bin -> pyspark's bin/, pi.py for the SparkPi jar). Ports are moved to free ones
because tests run in parallel on one machine.
"""
import base64
import os
import signal
from pathlib import Path

import pytest

import spark_pods as sp
from harness import Cluster, wait_for, workload

pytestmark = pytest.mark.skipif(not sp.AVAILABLE, reason=sp.SKIP_REASON)


def render(tmp_path, **extra):
    ports = sp.free_ports()
    c = Cluster.render("spark", tmp_path, values_files=[sp.VALUES], set_values={**ports, **extra})
    c.ports = ports
    return c


@pytest.fixture
def cluster(tmp_path):
    # RPC authentication is on by default; this cluster runs with it switched off.
    c = render(tmp_path, **{"auth.enabled": "false"})
    yield c
    c.stop()


@pytest.fixture
def auth_cluster(tmp_path):
    # RPC authentication and encryption are the chart defaults (auth.* not set here).
    # tests.enabled: the helm test pod is the driver whose init container writes the driver config.
    c = render(tmp_path, **{"tests.enabled": "true"})
    yield c
    c.stop()


def start_master_and_worker(cluster):
    """Start the rendered master and worker; return (master Pod, master http port, master /json)."""
    master, _, _ = sp.start(cluster, sp.MASTER, "master")
    http = cluster.ports["master.service.ports.http"]
    wait_for(lambda: sp.master_json(master.ip, http), 90, what="master web UI", on_timeout=cluster.logs)
    sp.start(cluster, sp.WORKER, "worker")
    state = wait_for(lambda: (j := sp.master_json(master.ip, http)) and j.get("aliveworkers") == 1 and j,
                     90, what="worker registration", on_timeout=cluster.logs)
    return master, http, state


def test_rendered_master_and_worker_run_a_job(cluster, tmp_path):
    master, margv, _ = sp.start(cluster, sp.MASTER, "master")
    assert margv[:2] == [str(sp.SPARK_HOME / "bin" / "spark-class"), "org.apache.spark.deploy.master.Master"]
    assert margv[margv.index("--host") + 1] == master.ip
    http = cluster.ports["master.service.ports.http"]
    wait_for(lambda: sp.master_json(master.ip, http), 90, what="master web UI", on_timeout=cluster.logs)

    worker, wargv, wenv = sp.start(cluster, sp.WORKER, "worker")
    url = f"spark://{master.ip}:{cluster.ports['master.service.ports.cluster']}"
    assert wenv["SPARK_MASTER_URL"] == url and wargv[-1] == url
    assert wargv[wargv.index("--host") + 1] == worker.ip

    state = wait_for(lambda: (j := sp.master_json(master.ip, http)) and j.get("aliveworkers") == 1 and j,
                     90, what="worker registration", on_timeout=cluster.logs)
    # minimal-values: CPU limit 1 -> 1 core, 1 executor; 2Gi - 512Mi daemon - 256Mi worker overhead
    # - 384Mi for the executor's non-heap memory = 896 MiB.
    assert (state["cores"], state["memory"]) == (1, 896), state
    assert state["status"] == "ALIVE"

    conf_dir = Path(master.substitute("/etc/spark/conf"))
    defaults = (conf_dir / "spark-defaults.conf").read_text()
    assert f"spark.master {url}" in defaults
    assert "spark.authenticate" not in defaults
    run = sp.submit_pi(conf_dir, tmp_path)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:] + cluster.logs()
    assert "Pi is roughly 3.1" in run.stdout, run.stdout + run.stderr[-3000:]
    apps = sp.master_json(master.ip, http)["completedapps"]
    assert [a["name"] for a in apps] == ["PythonPi"] and apps[0]["cores"] == 1


def test_rpc_authentication_admits_the_chart_drivers_and_rejects_others(auth_cluster, tmp_path):
    cluster = auth_cluster
    secret = workload(cluster.objects, "Secret", "local-spark-auth")
    assert list(secret["data"]) == ["spark-auth-secret"]
    # Master and worker get the secret only as _SPARK_AUTH_SECRET (from the Secret); the worker
    # registering with the master is the first authenticated exchange.
    master, http, state = start_master_and_worker(cluster)
    assert state["status"] == "ALIVE"
    conf_dir = Path(master.substitute("/etc/spark/conf"))
    defaults = (conf_dir / "spark-defaults.conf").read_text()
    assert "spark.authenticate true" in defaults and "spark.network.crypto.enabled true" in defaults
    assert "spark.authenticate.secret" not in defaults

    # The chart's driver configuration: the helm test pod's spark-conf init container, run as rendered.
    test_pod = sp.run_init_container(cluster, sp.TEST_POD, "spark-conf")
    driver_conf = Path(test_pod.substitute("/spark-conf"))
    assert (driver_conf / "spark-env.sh").exists()
    assert oct((driver_conf / "spark-defaults.conf").stat().st_mode & 0o777) == "0o640"
    ok = sp.submit_pi(driver_conf, tmp_path)
    (tmp_path / "driver.log").write_text(ok.stdout + ok.stderr)
    assert ok.returncode == 0, ok.stdout[-3000:] + ok.stderr[-3000:] + cluster.logs()
    assert "Pi is roughly 3.1" in ok.stdout

    # Drivers without the secret: one with no authentication at all, one with a wrong secret. The
    # master refuses their connection: each logs the failed registration attempt (Spark's app client
    # would retry twice more, 20 s apart, before giving up; waiting for that proves nothing more),
    # and no application registers.
    # Each refusal is told by its cause: the master expects an authentication handshake the no-auth
    # driver never starts; the wrong secret fails the handshake (Spark then tries SASL, which fails too).
    cause = {"no-auth": "Expected SaslMessage", "wrong-secret": "New auth protocol failed"}
    bad = {}
    for name, edit in {
        "no-auth": lambda text: "\n".join(l for l in text.splitlines() if not l.startswith("spark.authenticate")
                                          and not l.startswith("spark.network.crypto")) + "\n",
        "wrong-secret": lambda text: text + "spark.authenticate.secret not-the-cluster-secret\n",
    }.items():
        d = tmp_path / name
        d.mkdir()
        (d / "spark-defaults.conf").write_text(edit(defaults))
        bad[name] = (sp.submit_pi(d, tmp_path, partitions=2, wait=False, log=tmp_path / f"{name}.out"),
                     tmp_path / f"{name}.out")
    try:
        for name, (proc, log) in bad.items():
            wait_for(lambda: "Failed to connect to master" in log.read_text() or proc.poll() is not None, 90,
                     what=f"the {name} driver's registration to be refused", on_timeout=cluster.logs)
            text = log.read_text()
            assert "Failed to connect to master" in text and cause[name] in text, (name, text[-3000:])
            assert "Pi is roughly" not in text, (name, text[-3000:])
    finally:
        for proc, _ in bad.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    state = sp.master_json(master.ip, http)
    assert [a["name"] for a in state["completedapps"]] == ["PythonPi"] and not state["activeapps"], state
    # The secret reached no log and no command line (the worker logs each executor's launch command).
    value = base64.b64decode(secret["data"]["spark-auth-secret"]).decode()
    assert "Launch command" in (tmp_path / f"{sp.WORKER}-0.log").read_text()
    assert not [p.name for p in tmp_path.glob("*.log") if value in p.read_text()]
