"""The spark chart's semantic rules (templates/validate.yaml) run by Helm on its real values.yaml, as
tools/lint_values.py runs them."""
import tempfile
from pathlib import Path

import pytest
import yaml
from chart_rules import rules_of
from conftest import ROOT

from chartsuite import helm
from chartsuite.helm import validation

defaults, problems = rules_of("spark")


def worker_env(*overrides):
    """{name: value} of the Spark worker container's env in a render with ``overrides`` (dicts)."""
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i, override in enumerate(overrides):
            files.append(Path(tmp) / f"v{i}.yaml")
            files[-1].write_text(yaml.safe_dump(override))
        objs = helm.render(ROOT / "charts" / "spark", files, extra_args=validation.REPORT_FLAGS)
    worker = next(o for o in objs if o["kind"] == "StatefulSet" and o["metadata"]["name"].endswith("-worker"))
    container = worker["spec"]["template"]["spec"]["containers"][0]
    return {e["name"]: e.get("value") for e in container.get("env", [])}



def test_defaults_are_clean(defaults):
    assert problems(defaults) == {}


def test_notebooks_with_passwords_are_clean(defaults):
    assert problems(defaults, {"zeppelin": {"enabled": True, "auth": {"password": "a"}},
                               "rstudio": {"enabled": True, "auth": {"existingSecret": "s"}}}) == {}


@pytest.mark.parametrize("masters", [2, 3])
def test_ha_needs_a_quorum(defaults, masters):
    p = problems(defaults, {"master": {"replicaCount": masters}})
    assert p["zookeeper.quorum"].message == (f"is required when master.replicaCount is {masters}: "
                                             "standby masters recover through ZooKeeper")
    assert p["zookeeper.quorum"].allowed == "host:port[,host:port...]"
    assert problems(defaults, {"master": {"replicaCount": masters}, "zookeeper": {"quorum": "zk-0:2181, zk-1:2181"}}) == {}


def test_single_master_needs_no_quorum(defaults):
    assert "zookeeper.quorum" not in problems(defaults, {"master": {"replicaCount": 1}})


def test_bad_quorum_entry(defaults):
    p = problems(defaults, {"master": {"replicaCount": 2}, "zookeeper": {"quorum": "zk-0:2181,zk-1"}})
    assert p["zookeeper.quorum"].message == "entry 'zk-1' is not host:port"


def test_executor_memory_must_fit_the_worker(defaults):
    # Defaults: 2 cores / executorCores 1 = 2 executors; 4096 MiB limit - 512 daemon - 256 worker
    # overhead - 2 x 384 executor overhead = 2560 MiB for executors, 1280 MiB each.
    assert "config.executorMemory" not in problems(defaults, {"config": {"executorMemory": "1280m"}})
    p = problems(defaults, {"config": {"executorMemory": "1281m"}})
    assert p["config.executorMemory"].message == (
        "2 executors of 1281 MiB do not fit a worker's Spark memory of 2560 MiB "
        "(memory limit 4096 MiB - daemonMemory 512 MiB - memoryOverhead 256 MiB + 2 executors x "
        "executorMemoryOverhead 384 MiB)")
    assert p["config.executorMemory"].allowed == "at most 1280m"
    # One executor of 2 cores per worker: one overhead, the whole share for it.
    assert "config.executorMemory" not in problems(defaults, {"config": {"executorMemory": "2944m", "executorCores": 2}})
    p = problems(defaults, {"config": {"executorMemory": "2945m", "executorCores": 2}})
    assert p["config.executorMemory"].allowed == "at most 2944m"


def test_each_executor_gets_its_own_overhead(defaults):
    """Before: one memoryOverhead per worker, however many executor JVMs it ran (issue: the memory
    overhead is per worker, not per executor): 4 cores and 4 executors of 1g in a 5Gi worker passed."""
    four = {"worker": {"resources": {"limits": {"cpu": "4", "memory": "5Gi"}, "requests": {"cpu": "4", "memory": "5Gi"}}},
            "config": {"executorMemory": "1g", "executorCores": 1}}
    p = problems(defaults, four)
    assert "4 executors of 1024 MiB do not fit a worker's Spark memory of 2816 MiB" in p["config.executorMemory"].message
    assert worker_env(four)["SPARK_WORKER_MEMORY"] == f"{5120 - 512 - 256 - 4 * 384}m"


def test_worker_memory_must_leave_room_for_executors(defaults):
    p = problems(defaults, {"worker": {"resources": {"limits": {"memory": "1Gi"}}}})
    assert p["worker.resources.limits.memory"].message == (
        "1024 MiB leaves no memory for executors after daemonMemory 512 MiB and memoryOverhead 256 MiB + "
        "2 executors x executorMemoryOverhead 384 MiB")
    assert p["worker.resources.limits.memory"].allowed == "more than 1536 MiB"
    assert "config.executorMemory" not in p


@pytest.mark.parametrize("limit, req, cores", [("2", "1", 2), ("2500m", "1", 2), (None, "3", 3),
                                                   ("500m", "100m", 1)])
def test_worker_cores(defaults, limit, req, cores):
    env = worker_env({"worker": {"resources": {"limits": {"cpu": limit}, "requests": {"cpu": req}}}})
    assert env["SPARK_WORKER_CORES"] == str(cores)


def test_executor_cores_must_fit_the_worker(defaults):
    p = problems(defaults, {"config": {"executorCores": 3}})
    assert p["config.executorCores"].message == \
        "3 exceeds a worker's 2 cores (worker.resources cpu limit, else request, rounded down)"
    assert p["config.executorCores"].allowed == "1..2"
    assert "config.executorCores" not in problems(defaults, {"config": {"executorCores": 2}})


def test_cores_max_must_be_positive(defaults):
    p = problems(defaults, {"config": {"coresMax": 0}})
    assert (p["config.coresMax"].message, p["config.coresMax"].allowed) == ("must be positive (got 0)", "1 or more")


def test_notebooks_without_password_are_clean(defaults):
    """An empty password is generated by the chart (templates/*/secret.yaml): no rule asks for one."""
    assert problems(defaults, {"zeppelin": {"enabled": True}, "rstudio": {"enabled": True}}) == {}


def test_auth_off_with_encryption_is_clean(defaults):
    """auth.encryption only applies with auth.enabled: switching authentication off needs nothing else."""
    assert problems(defaults, {"auth": {"enabled": False, "encryption": True}}) == {}


@pytest.mark.parametrize("comp", ["master", "worker"])
def test_memory_limits_required(defaults, comp):
    p = problems(defaults, {comp: {"resources": {"limits": {"memory": None}}}})
    assert p[f"{comp}.resources.limits.memory"].message == \
        "is required: the JVM heap is sized from the container memory limit"


def test_notebook_memory_limit_only_when_enabled(defaults):
    assert problems(defaults, {"rstudio": {"resources": {"limits": {"memory": None}}}}) == {}
    p = problems(defaults, {"rstudio": {"enabled": True, "auth": {"password": "x"},
                                        "resources": {"limits": {"memory": None}}}})
    assert "rstudio.resources.limits.memory" in p


@pytest.mark.parametrize("size, mib", [("8192m", 8192), ("8g", 8192), ("8G", 8192), ("1t", 1048576),
                                       ("9000", 9000), ("9437184k", 9216), ("08g", 8192)])
def test_jvm_sizes_are_read_as_spark_reads_them(defaults, size, mib):
    """spark.executor.memory sizes (Spark's JavaUtils.byteStringAs, MiB without a suffix; leading zeros
    do not matter: "01g" was read as 1 MiB before) as the executor-fit rule reads them."""
    p = problems(defaults, {"config": {"executorMemory": size}})
    assert f"executors of {mib} MiB do not fit" in p["config.executorMemory"].message


def test_notebook_driver_port_ranges_must_not_overlap(defaults):
    """Driver i binds port + i and blockManagerPort + i: with 4 drivers, 29413-29416 and 29414-29417 collide."""
    p = problems(defaults, {"zeppelin": {"enabled": True, "driver": {"port": 29413, "blockManagerPort": 29414}}})
    assert set(p) == {"zeppelin.driver.blockManagerPort"}
    assert "ports 29414-29417 overlap the driver ports 29413-29416" in p["zeppelin.driver.blockManagerPort"].message
    assert p["zeppelin.driver.blockManagerPort"].allowed == "a blockManagerPort below 29410 or from 29417"
    assert problems(defaults, {"zeppelin": {"enabled": True, "driver": {"blockManagerPort": 29417}}}) == {}
    assert problems(defaults, {"zeppelin": {"enabled": True, "driver": {"blockManagerPort": 29409}}}) == {}
    assert problems(defaults, {"zeppelin": {"enabled": True, "driver": {"blockManagerPort": 29414, "maxDrivers": 1}}}) == {}


def test_notebook_driver_port_ranges_stay_below_65536_and_off_the_ui(defaults):
    p = problems(defaults, {"rstudio": {"enabled": True, "driver": {"port": 65533, "maxDrivers": 4}}})
    assert set(p) == {"rstudio.driver.port"}
    assert "ports 65533-65536 go beyond 65535" in p["rstudio.driver.port"].message
    assert p["rstudio.driver.port"].allowed == "at most 65532"
    p = problems(defaults, {"rstudio": {"enabled": True, "driver": {"blockManagerPort": 8785}}})
    assert set(p) == {"rstudio.driver.blockManagerPort"}
    assert "ports 8785-8788 include the UI port 8787" in p["rstudio.driver.blockManagerPort"].message
    # A disabled notebook's ports are not checked.
    assert problems(defaults, {"rstudio": {"driver": {"blockManagerPort": 8785}}}) == {}


def test_zeppelin_must_run_in_group_0_with_the_apache_image(defaults):
    p = problems(defaults, {"zeppelin": {"enabled": True, "podSecurityContext": {"runAsGroup": 1000}}})
    assert set(p) == {"zeppelin.podSecurityContext.runAsGroup"}
    assert p["zeppelin.podSecurityContext.runAsGroup"].message.startswith(
        "1000 cannot work with the apache/zeppelin image: its /opt/zeppelin")
    assert p["zeppelin.podSecurityContext.runAsGroup"].allowed == "0"
    # A custom image may be built for another group; a disabled context sets no group.
    assert problems(defaults, {"zeppelin": {"enabled": True, "image": {"repository": "me/zeppelin"},
                                            "podSecurityContext": {"runAsGroup": 1000}}}) == {}
    assert problems(defaults, {"zeppelin": {"enabled": True, "containerSecurityContext":
                                            {"enabled": False, "runAsGroup": 1000}}}) == {}


def test_pyspark_driver_and_executors_must_run_one_python_minor_version(defaults):
    zeppelin = {"enabled": True}
    # Default: the Zeppelin image's environment, copied into the workers: one Python.
    assert problems(defaults, {"zeppelin": zeppelin}) == {}
    # python3 is 3.9 in apache/zeppelin:0.12.0 (conda first on PATH) and 3.8 in apache/spark:3.5.6.
    p = problems(defaults, {"zeppelin": {**zeppelin, "interpreter": {"python": "python3"}}})
    assert set(p) == {"zeppelin.interpreter.python"}
    assert p["zeppelin.interpreter.python"].message == (
        "python3 is Python 3.9 in the Zeppelin image apache/zeppelin:0.12.0 but 3.8 in the Spark image "
        "apache/spark:3.5.6 the executors run: PySpark refuses tasks from a driver of another minor version "
        "(PYTHON_VERSION_MISMATCH)")
    # Without the shared environment the workers have no /opt/conda.
    p = problems(defaults, {"zeppelin": {**zeppelin, "pythonEnvironment": {"shareWithWorkers": False}}})
    assert set(p) == {"zeppelin.pythonEnvironment.shareWithWorkers"}
    assert p["zeppelin.pythonEnvironment.shareWithWorkers"].message.startswith(
        "the executors run /opt/conda/envs/python_3_with_R/bin/python, which the Spark image apache/spark:3.5.6 "
        "does not have")
    # Ubuntu's 3.8 exists on the workers but not in the Zeppelin image.
    p = problems(defaults, {"zeppelin": {**zeppelin, "interpreter": {"python": "/usr/bin/python3.8"}}})
    assert set(p) == {"zeppelin.interpreter.python"}
    assert "is not a Python command of the Zeppelin image apache/zeppelin:0.12.0" in p["zeppelin.interpreter.python"].message
    assert "/opt/conda/envs/python_3_with_R/bin/python" in p["zeppelin.interpreter.python"].allowed
    # Images the chart's table does not know, or pinned by digest, are not judged.
    assert problems(defaults, {"zeppelin": {**zeppelin, "interpreter": {"python": "python3"},
                                            "image": {"tag": "0.12.1"}}}) == {}
    assert problems(defaults, {"image": {"digest": "sha256:" + "0" * 64},
                               "zeppelin": {**zeppelin, "interpreter": {"python": "python3"}}}) == {}
    # Zeppelin off: nothing to judge.
    assert problems(defaults, {"zeppelin": {"interpreter": {"python": "python3"}}}) == {}


def test_interpreter_properties_may_not_set_the_python_past_the_value(defaults):
    p = problems(defaults, {"zeppelin": {"enabled": True, "interpreter": {"sparkProperties": {
        "spark.pyspark.driver.python": "python3", "PYSPARK_PYTHON": "python3", "spark.executor.instances": 2}}}})
    assert set(p) == {"zeppelin.interpreter.sparkProperties.spark.pyspark.driver.python",
                      "zeppelin.interpreter.sparkProperties.PYSPARK_PYTHON"}
    assert p["zeppelin.interpreter.sparkProperties.PYSPARK_PYTHON"].allowed == "zeppelin.interpreter.python"


def test_the_python_table_covers_the_default_images():
    """files/images.yaml must know the images the chart installs by default, so a tag bump without
    its Python facts fails here rather than passing every values file unjudged."""
    chart = yaml.safe_load((ROOT / "charts" / "spark" / "values.yaml").read_text())
    facts = yaml.safe_load((ROOT / "charts" / "spark" / "files" / "images.yaml").read_text())
    table = {image: {str(k): str(v) for k, v in (f.get("python") or {}).items()} for image, f in facts.items()}
    for image in (chart["image"], chart["zeppelin"]["image"]):
        assert f"{image['repository']}:{image['tag']}" in table
    environment = chart["zeppelin"]["pythonEnvironment"]["path"]
    zeppelin = table[f"{chart['zeppelin']['image']['repository']}:{chart['zeppelin']['image']['tag']}"]
    assert f"{environment}/bin/python" in zeppelin


def test_zeppelin_refuses_a_spark_version_its_interpreter_does_not_accept(defaults):
    zeppelin = {"zeppelin": {"enabled": True}}
    p = problems(defaults, zeppelin, {"image": {"tag": "4.0.1-scala2.13-java17-ubuntu"}})
    assert set(p) == {"image.tag"}
    assert p["image.tag"].message == (
        "Spark 4.0.1 is outside the Spark versions the Spark interpreter of apache/zeppelin:0.12.0 accepts "
        "(3.3.0 <= version < 4.0.0); the notebooks run the Spark image's distribution on the Zeppelin image's Java 11")
    assert "image.tag" in problems(defaults, zeppelin, {"image": {"tag": "3.2.4"}})
    assert problems(defaults, zeppelin, {"image": {"tag": "3.3.0"}}) == {}
    assert problems(defaults, zeppelin, {"image": {"tag": "3.5.7-python3"}}) == {}
    # Without Zeppelin, a tag that is not a version, or a Zeppelin image the facts do not know: not judged.
    assert problems(defaults, {"image": {"tag": "4.0.1"}}) == {}
    assert problems(defaults, zeppelin, {"image": {"tag": "latest"}}) == {}
    assert problems(defaults, zeppelin, {"image": {"tag": "4.0.1"}, "zeppelin": {"image": {"tag": "0.13.0"}}}) == {}


def test_zeppelin_password_must_survive_the_shiro_users_line(defaults):
    p = problems(defaults, {"zeppelin": {"enabled": True, "auth": {"password": "s3cret,admin"}}})
    assert set(p) == {"zeppelin.auth.password"}
    assert p["zeppelin.auth.password"].message.startswith("contains a comma: shiro.ini's [users] line")
    assert "s3cret" not in p["zeppelin.auth.password"].message
    p = problems(defaults, {"zeppelin": {"enabled": True, "auth": {"password": " s3cret"}}})
    assert p["zeppelin.auth.password"].message == "begins or ends with whitespace, which shiro.ini drops"
    # From a Secret (checked at start), or with Zeppelin off: not judged here.
    assert problems(defaults, {"zeppelin": {"enabled": True, "auth": {"password": "a,b", "existingSecret": "s"}}}) == {}
    assert problems(defaults, {"zeppelin": {"auth": {"password": "a,b"}}}) == {}


def test_properties_the_chart_sets_itself_are_refused_in_extra_and_interpreter_properties(defaults):
    p = problems(defaults, {"configOverrides": {"spark-defaults.conf": {"spark.authenticate": False, "spark.eventLog.enabled": True}},
                            "zeppelin": {"enabled": True, "interpreter": {"sparkProperties": {"spark.master": "local[*]"}}}})
    assert set(p) == {"configOverrides.spark-defaults.conf.spark.authenticate", "zeppelin.interpreter.sparkProperties.spark.master"}
    assert p["configOverrides.spark-defaults.conf.spark.authenticate"].allowed == "auth.enabled"
    # The interpreter's properties are not judged while Zeppelin is off.
    assert problems(defaults, {"zeppelin": {"interpreter": {"sparkProperties": {"spark.master": "local[*]"}}}}) == {}


def test_executor_sizes_no_worker_can_host_are_refused_wherever_they_are_set(defaults):
    # Default worker: 2 cores; Spark memory from the 4Gi limit (see worker_memory_mib).
    spark_mib = int(worker_env()["SPARK_WORKER_MEMORY"].removesuffix("m"))
    p = problems(defaults, {"configOverrides": {"spark-defaults.conf": {"spark.executor.cores": "3", "spark.executor.memory": "1g"}},
                            "zeppelin": {"enabled": True, "interpreter": {"sparkProperties": {
                                "spark.executor.memory": f"{spark_mib + 1}m", "spark.executor.cores": 2}}}})
    assert set(p) == {"configOverrides.spark-defaults.conf.spark.executor.cores", "zeppelin.interpreter.sparkProperties.spark.executor.memory"}
    assert p["configOverrides.spark-defaults.conf.spark.executor.cores"].message == (
        "3 exceeds a worker's 2 cores: no worker can start such an executor, so the application waits for "
        "executors forever")
    assert p["zeppelin.interpreter.sparkProperties.spark.executor.memory"].allowed == f"at most {spark_mib}m"
    assert problems(defaults, {"configOverrides": {"spark-defaults.conf": {"spark.executor.memory": f"{spark_mib}m"}}}) == {}


def test_worker_cpu_must_be_whole_cores(defaults):
    p = problems(defaults, {"worker": {"resources": {"limits": {"cpu": "500m"}}}})
    assert set(p) == {"worker.resources.limits.cpu"}
    assert p["worker.resources.limits.cpu"].message == (
        "500m is not a whole number of cores: the worker would offer Spark 1 core (rounded down, at least 1) on "
        "500m of CPU")
    # The limit decides; a fractional request under a whole limit is fine.
    assert problems(defaults, {"worker": {"resources": {"limits": {"cpu": "2"}, "requests": {"cpu": "1500m"}}}}) == {}
    p = problems(defaults, {"worker": {"resources": {"limits": {"cpu": None}, "requests": {"cpu": "2500m"}}}})
    assert "offer Spark 2 cores" in p["worker.resources.requests.cpu"].message
