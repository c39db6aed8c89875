"""The spark chart's semantic rules (tools/suite/rules/spark.py) on its real values.yaml."""
import copy

import pytest
import yaml

from _tools_path import ROOT
from suite import rules
from suite.merge import merge_values
from suite.rules import spark

VALUES = ROOT / "charts" / "spark" / "values.yaml"


@pytest.fixture(scope="module")
def defaults():
    return yaml.safe_load(VALUES.read_text())


def problems(defaults, *overrides):
    merged = merge_values(copy.deepcopy(defaults), *overrides)
    return {p.path: p for p in rules.check("spark", merged, "x.yaml")}


def test_registry():
    assert rules.rules_for("spark") is spark.check


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
    # Defaults: 4Gi limit - 512Mi daemon - 512Mi overhead = 3072 MiB for executors.
    assert "config.executorMemory" not in problems(defaults, {"config": {"executorMemory": "3g"}})
    assert "config.executorMemory" not in problems(defaults, {"config": {"executorMemory": "3072m"}})
    p = problems(defaults, {"config": {"executorMemory": "3073m"}})
    assert p["config.executorMemory"].message == (
        "3073 MiB does not fit a worker's Spark memory of 3072 MiB "
        "(memory limit 4096 MiB - daemonMemory 512 MiB - memoryOverhead 512 MiB)")
    assert p["config.executorMemory"].allowed == "at most 3072m"


def test_worker_memory_must_leave_room_for_executors(defaults):
    p = problems(defaults, {"worker": {"resources": {"limits": {"memory": "1Gi"}}}})
    assert p["worker.resources.limits.memory"].message == (
        "1024 MiB leaves no memory for executors after daemonMemory 512 MiB and memoryOverhead 512 MiB")
    assert p["worker.resources.limits.memory"].allowed == "more than 1024 MiB"
    assert "config.executorMemory" not in p


@pytest.mark.parametrize("limit, req, cores", [("2", "1", 2), ("2500m", "1", 2), (None, "3", 3),
                                                   ("500m", "100m", 1)])
def test_worker_cores(defaults, limit, req, cores):
    merged = merge_values(copy.deepcopy(defaults),
                          {"worker": {"resources": {"limits": {"cpu": limit}, "requests": {"cpu": req}}}})
    assert spark.worker_cores(merged) == cores


def test_executor_cores_must_fit_the_worker(defaults):
    p = problems(defaults, {"config": {"executorCores": 3}})
    assert p["config.executorCores"].message == \
        "3 exceeds a worker's 2 cores (worker.resources cpu limit, else request, rounded down)"
    assert p["config.executorCores"].allowed == "1..2"
    assert "config.executorCores" not in problems(defaults, {"config": {"executorCores": 2}})


def test_cores_max_must_be_positive(defaults):
    p = problems(defaults, {"config": {"coresMax": 0}})
    assert (p["config.coresMax"].message, p["config.coresMax"].allowed) == ("must be positive (got 0)", "1 or more")


@pytest.mark.parametrize("name", ["zeppelin", "rstudio"])
def test_notebooks_need_a_password_source(defaults, name):
    p = problems(defaults, {name: {"enabled": True}})
    assert p[f"{name}.auth.password"].message == (
        f"is required when {name}.enabled is true and {name}.auth.existingSecret is empty: "
        "there is no default password")
    assert problems(defaults, {name: {"enabled": False}}) == {}


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


@pytest.mark.parametrize("size, mib", [("512m", 512), ("2g", 2048), ("2G", 2048), ("1t", 1048576),
                                       ("1024", 1024), ("2048k", 2), ("2gb", None), ("-1g", None)])
def test_jvm_size(size, mib):
    assert spark.jvm_size_mib(size) == mib


def test_bad_quantity_is_reported(defaults):
    p = problems(defaults, {"worker": {"resources": {"requests": {"cpu": "-2"}}}})
    assert "worker.resources.requests.cpu" in p
