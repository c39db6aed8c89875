"""Spark on a real cluster: master and workers ready and registered, SparkPi through `helm test`
(skipped on the image twins: no examples jar),
a job reading a file written to the HDFS of the same namespace, and Zeppelin and RStudio answering
on their ports, accepting the password of their Secret and rejecting a wrong one.

Sized for a one-node kind cluster: the chart's ci/minimal-values.yaml (1 small master, small
workers) with the `helm test` pod switched back on and notebooks made small (no PVCs, no R
packages installed at start)."""
import base64
import html.parser
import http.client
import json
import re
import secrets
import time
import urllib.parse

from pytest_helm_charts.k8s.stateful_set import wait_for_stateful_sets_to_run

from conftest import (HDFS_CLIENT_LABELS, HDFS_CONFIGMAP, HDFS_NAMESERVICE, ROOT, client_labels_values, hdfs_put_lines,
                      skip_where_twin_lacks)

RELEASE = "spark"  # release name == chart name: objects are "spark-master", "spark-worker", ...
MINIMAL = ROOT / "charts" / "spark" / "ci" / "minimal-values.yaml"
# Small CPU requests (scheduling only; limits unchanged): the live tier runs two test modules at once on
# a 2-CPU node.
SMALL = ["tests.enabled=true", "worker.replicaCount=2", "worker.resources.requests.cpu=100m"]
ZEPPELIN_PASSWORD = "live-zeppelin-password"
RSTUDIO_PASSWORD = "live-rstudio-password"


def install_spark(kube, kube_cluster, *set_values, values_files=()):
    kube.install(RELEASE, "spark", [MINIMAL, *values_files], [*SMALL, *set_values])
    wait_for_stateful_sets_to_run(kube_cluster.kube_client, [f"{RELEASE}-master", f"{RELEASE}-worker"],
                                  kube.namespace, timeout_sec=600)


def notebook_values(name, password):
    """--set values enabling one notebook, small, with a password and no PVC."""
    return [f"{name}.enabled=true", f"{name}.auth.password={password}", f"{name}.persistence.enabled=false",
            f"{name}.resources.requests.cpu=100m", f"{name}.resources.requests.memory=1Gi",
            f"{name}.resources.limits.cpu=1", f"{name}.resources.limits.memory=2Gi"]


def http_request(port, method, path, body=None, headers=None):
    """One request to 127.0.0.1:port, redirects NOT followed; returns (status, headers, text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read().decode(errors="replace")
    finally:
        conn.close()


def test_master_and_workers_ready(kube, kube_cluster):
    install_spark(kube, kube_cluster, "tests.enabled=false")
    # Both workers registered with the master (the master UI's JSON view).
    with kube.port_forward(f"svc/{RELEASE}-master", 8080) as port:
        def alive_workers():
            status, _, text = http_request(port, "GET", "/json/")
            state = json.loads(text) if status == 200 else {}
            return state.get("status") == "ALIVE" and state.get("aliveworkers") == 2 and state
        state = kube.wait_until(alive_workers, 180, what="an ALIVE master with 2 alive workers")
    assert state["cores"] >= 2, state


def test_sparkpi_helm_test_passes(kube, kube_cluster):
    # The chart's helm test runs SparkPi from the image's examples jar.
    skip_where_twin_lacks(kube, "apache-spark", "Paths")
    install_spark(kube, kube_cluster)
    run = kube.helm("test", RELEASE, "--logs", check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Pi is roughly 3.1" in run.stdout, run.stdout


def test_job_reads_file_written_to_hdfs(hdfs_release, kube_cluster, tmp_path):
    kube = hdfs_release
    lines = [f"line {i} of the live test" for i in range(1, 43)]
    path = "/live/spark/lines.txt"
    hdfs_put_lines(kube, path, lines)
    # The Spark pods (executors in the workers) carry the HDFS client label: the HDFS NetworkPolicies admit them.
    install_spark(kube, kube_cluster, f"hadoop.configMap={HDFS_CONFIGMAP}",
                  values_files=[client_labels_values(tmp_path, HDFS_CLIENT_LABELS)])

    # A client-mode driver in its own pod (the master pod's memory is sized for the master alone),
    # from the cluster's Spark image, with the chart's spark-defaults.conf and the HDFS client config.
    # As any external driver (chart README, "Security"): the Spark and HDFS client labels for the
    # NetworkPolicies, and the RPC secret from the chart's Secret appended to a copy of the configuration.
    image = kube.kubectl("get", "statefulset", f"{RELEASE}-master", "-o",
                         "jsonpath={.spec.template.spec.containers[0].image}").stdout
    scala = (f'val n = spark.read.textFile("hdfs://{HDFS_NAMESERVICE}{path}").count()\n'
             'println(s"LINE_COUNT=$n")\n'
             ':quit\n')
    spec = {
        "automountServiceAccountToken": False,
        "securityContext": {"runAsUser": 185, "runAsGroup": 185, "runAsNonRoot": True},
        "containers": [{
            "name": "driver", "image": image, "workingDir": "/tmp",
            "command": ["bash", "-ec", 'printf "%s" "$SCRIPT" > /tmp/count.scala\n'
                        'mkdir -p /tmp/conf && cp /etc/spark/conf-template/* /tmp/conf/\n'
                        'printf "spark.authenticate.secret %s\\n" "$_SPARK_AUTH_SECRET" >> /tmp/conf/spark-defaults.conf\n'
                        '/opt/spark/bin/spark-shell --conf spark.driver.host="$POD_IP" '
                        '--conf spark.driver.bindAddress=0.0.0.0 < /tmp/count.scala'],
            "env": [{"name": "SCRIPT", "value": scala},
                    {"name": "HOME", "value": "/tmp"},
                    {"name": "SPARK_CONF_DIR", "value": "/tmp/conf"},
                    {"name": "_SPARK_AUTH_SECRET",
                     "valueFrom": {"secretKeyRef": {"name": f"{RELEASE}-auth", "key": "spark-auth-secret"}}},
                    {"name": "HADOOP_CONF_DIR", "value": "/etc/hadoop/conf"},
                    {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}],
            "resources": {"requests": {"cpu": "100m", "memory": "1536Mi"},
                          "limits": {"cpu": "1", "memory": "1536Mi"}},
            "volumeMounts": [{"name": "spark-conf", "mountPath": "/etc/spark/conf-template", "readOnly": True},
                             {"name": "hadoop-conf", "mountPath": "/etc/hadoop/conf", "readOnly": True}],
        }],
        "volumes": [{"name": "spark-conf", "configMap": {"name": f"{RELEASE}-config"}},
                    {"name": "hadoop-conf", "configMap": {"name": HDFS_CONFIGMAP}}],
    }
    phase, logs = kube.run_pod("count-hdfs-lines", spec, timeout=600,
                               labels={f"{RELEASE}-client": "true", **HDFS_CLIENT_LABELS})
    assert phase == "Succeeded", logs
    # The REPL may print its prompt before the output: search, do not match whole lines.
    assert re.findall(r"LINE_COUNT=(\d+)", logs) == [str(len(lines))], logs


def test_zeppelin_answers_and_rejects_a_wrong_password(kube, kube_cluster):
    skip_where_twin_lacks(kube, "zeppelin", "Entrypoint")
    install_spark(kube, kube_cluster, *notebook_values("zeppelin", ZEPPELIN_PASSWORD))
    # The password lives in the chart's Secret, which is what the pod logs in with.
    password = kube.secret_value(f"{RELEASE}-zeppelin", "password")
    assert password == ZEPPELIN_PASSWORD
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    with kube.port_forward(f"svc/{RELEASE}-zeppelin", 8080) as port:
        status, _, text = http_request(port, "GET", "/api/version")
        assert status == 200 and json.loads(text)["status"] == "OK", text
        status, _, text = http_request(port, "POST", "/api/login", urllib.parse.urlencode(
            {"userName": "admin", "password": password + "-wrong"}), form)
        assert status == 403, (status, text)
        status, _, text = http_request(port, "POST", "/api/login", urllib.parse.urlencode(
            {"userName": "admin", "password": password}), form)
        assert status == 200, (status, text)
        assert json.loads(text)["body"]["principal"] == "admin", text


class _SignInPage(html.parser.HTMLParser):
    """The inputs of RStudio's sign-in form and its public-key-url meta tag."""

    def __init__(self):
        super().__init__()
        self.inputs, self.public_key_url = {}, "auth-public-key"

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.inputs[attrs["name"]] = attrs.get("value") or ""
        elif tag == "meta" and attrs.get("name") == "public-key-url" and attrs.get("content"):
            self.public_key_url = attrs["content"]


def _rsa_pkcs1_v15_encrypt_b64(plain, exponent_hex, modulus_hex):
    """What the sign-in page's encrypt.js does: RSA PKCS#1 v1.5 with the server's key, base64."""
    n, e = int(modulus_hex, 16), int(exponent_hex, 16)
    k = (n.bit_length() + 7) // 8
    padding = bytes(secrets.choice(range(1, 256)) for _ in range(k - 3 - len(plain)))
    block = int.from_bytes(b"\x00\x02" + padding + b"\x00" + plain, "big")
    return base64.b64encode(pow(block, e, n).to_bytes(k, "big")).decode()


def rstudio_sign_in(port, username, password):
    """Sign in as a browser does; returns (status, Location, cookie names set)."""
    status, headers, text = http_request(port, "GET", "/auth-sign-in")
    assert status == 200 and "auth-do-sign-in" in text, (status, text[:500])
    cookies = "; ".join(c.split(";")[0] for c in headers.get_all("Set-Cookie") or [])
    page = _SignInPage()
    page.feed(text)
    _, _, key = http_request(port, "GET", "/" + page.public_key_url.lstrip("/"), headers={"Cookie": cookies})
    exponent, modulus = key.strip().split(":", 1)
    form = {**page.inputs, "persist": "0", "appUri": "/", "clientPath": "/auth-sign-in",
            "v": _rsa_pkcs1_v15_encrypt_b64(f"{username}\n{password}".encode(), exponent, modulus)}
    status, headers, _ = http_request(port, "POST", "/auth-do-sign-in", urllib.parse.urlencode(form),
                                      {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies})
    set_names = {c.split("=", 1)[0].strip() for c in headers.get_all("Set-Cookie") or []}
    return status, headers.get("Location", ""), set_names


def test_rstudio_answers_and_rejects_a_wrong_password(kube, kube_cluster, tmp_path):
    skip_where_twin_lacks(kube, "rstudio", "Entrypoint and environment")
    # No R packages installed at start (sparklyr from CRAN takes minutes and needs the internet).
    no_packages = tmp_path / "no-r-packages.json"  # JSON is YAML
    no_packages.write_text(json.dumps({"rstudio": {"rPackages": []}}))
    install_spark(kube, kube_cluster, *notebook_values("rstudio", RSTUDIO_PASSWORD), values_files=[no_packages])
    password = kube.secret_value(f"{RELEASE}-rstudio", "password")
    assert password == RSTUDIO_PASSWORD
    with kube.port_forward(f"svc/{RELEASE}-rstudio", 8787) as port:
        # The right password signs in: a redirect without an error and the user-id session cookie.
        status, location, cookies = rstudio_sign_in(port, "rstudio", password)
        assert status == 302 and "error=" not in location and "user-id" in cookies, (status, location, cookies)
        # rserver throttles sign-in attempts of one user (auth-sign-in-throttle-seconds, default 5).
        time.sleep(6)
        status, location, cookies = rstudio_sign_in(port, "rstudio", password + "-wrong")
        assert status == 302 and "error=" in location and "user-id" not in cookies, (status, location, cookies)


def test_generated_secrets_survive_an_upgrade(kube, kube_cluster):
    """Zeppelin without a password and the RPC auth secret: generated at install, read back with
    lookup and kept by `helm upgrade` (an offline render cannot show this: it has no cluster)."""
    values = [v for v in notebook_values("zeppelin", "unused") if not v.startswith("zeppelin.auth.password")]
    # The secrets, not the pods, are the subject: no wait for readiness (the Zeppelin twin has no server).
    kube.install(RELEASE, "spark", [MINIMAL], [*SMALL, *values], wait=False)
    password = kube.secret_value(f"{RELEASE}-zeppelin", "password")
    rpc = kube.secret_value(f"{RELEASE}-auth", "spark-auth-secret")
    assert re.fullmatch(r"[A-Za-z0-9]{24}", password) and re.fullmatch(r"[A-Za-z0-9]{32}", rpc)
    kube.install(RELEASE, "spark", [MINIMAL], [*SMALL, *values, "worker.replicaCount=1"], wait=False)
    assert kube.secret_value(f"{RELEASE}-zeppelin", "password") == password
    assert kube.secret_value(f"{RELEASE}-auth", "spark-auth-secret") == rpc
