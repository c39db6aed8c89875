"""Bad values for the spark chart's rules (templates/validate.yaml): each breaks at least one rule,
and the failing render (helm install/template) and the report tools/lint_values.py reads carry the
same lines, under Helm 3 and Helm 4."""

import pytest

from conftest import HELM_MAJORS, ROOT
from rules_modes import assert_modes_agree, lint_paths
from chartsuite import helm

CHART = ROOT / "charts" / "spark"

BAD = {
    "ha-without-quorum": {"master": {"replicaCount": 2}},
    "ha-bad-quorum": {"master": {"replicaCount": 3}, "zookeeper": {"quorum": "zk-0:2181,zk-1"}},
    "executor-memory-too-big": {"config": {"executorMemory": "4g"}},
    "executor-cores-too-many": {"config": {"executorCores": 3}},
    "worker-memory-all-overhead": {"worker": {"resources": {"limits": {"memory": "1Gi"}}}},
    "no-worker-memory-limit": {"worker": {"resources": {"limits": {"memory": None}}}},
    "no-master-memory-limit": {"master": {"resources": {"limits": {"memory": None}}}},
    "cores-max-zero": {"config": {"coresMax": 0}},
    "kerberos-without-principal-keytab-krb5": {"kerberos": {"enabled": True}},
    # The defaults before Zeppelin ran in group 0.
    "zeppelin-group-1000": {"zeppelin": {"enabled": True, "podSecurityContext": {"runAsGroup": 1000},
                                         "containerSecurityContext": {"runAsGroup": 1000}}},
    # The defaults before the driver port ranges: driver 29413, block manager 29414 (one port apart).
    "driver-port-ranges-overlap": {"zeppelin": {"enabled": True, "driver": {"blockManagerPort": 29414}}},
    # The defaults before driver and executors shared one Python: python3 is conda's 3.9 in the Zeppelin
    # pod, Ubuntu's 3.8 on the workers.
    "zeppelin-python3-mismatch": {"zeppelin": {"enabled": True, "interpreter": {"python": "python3"}}},
    "zeppelin-python-not-shared": {"zeppelin": {"enabled": True, "pythonEnvironment": {"shareWithWorkers": False}}},
    "zeppelin-python-not-in-the-image": {"zeppelin": {"enabled": True, "interpreter": {"python": "/usr/bin/python3.8"}}},
    "zeppelin-python-through-properties": {"zeppelin": {"enabled": True, "interpreter": {
        "sparkProperties": {"spark.pyspark.python": "python3", "PYSPARK_DRIVER_PYTHON": "python3"}}}},
    "zeppelin-on-spark-4": {"image": {"tag": "4.0.1"}, "zeppelin": {"enabled": True}},
    "zeppelin-on-spark-3-2": {"image": {"tag": "3.2.4-scala2.12-java11-ubuntu"}, "zeppelin": {"enabled": True}},
    "zeppelin-password-comma-and-space": {"zeppelin": {"enabled": True, "auth": {"password": "secret,admin "}}},
    "old-config-extra": {"config": {"extra": {"spark.eventLog.enabled": True}}},
    "history-server-without-log-directory": {"historyServer": {"enabled": True}},
    "extra-turns-auth-off": {"configOverrides": {"spark-defaults.conf": {"spark.authenticate": False, "spark.master": "local[*]",
                                                  "spark.authenticate.secret": "x"}}},
    "overrides-no-worker-can-host": {"configOverrides": {"spark-defaults.conf": {"spark.executor.cores": "3"}},
                                     "zeppelin": {"enabled": True, "interpreter": {"sparkProperties": {
                                         "spark.executor.memory": "8g", "spark.executor.cores": 4}}}},
    "worker-half-a-core": {"worker": {"resources": {"limits": {"cpu": "500m"}}}},
    "worker-one-and-a-half-cores": {"worker": {"resources": {"limits": {"cpu": None}, "requests": {"cpu": 1.5}}}},
    "driver-ports-beyond-65535": {"rstudio": {"enabled": True, "driver": {"port": 65534, "maxDrivers": 4}}},
    "driver-ports-include-the-ui": {"zeppelin": {"enabled": True, "driver": {"port": 8078}},
                                    "rstudio": {"enabled": True, "driver": {"blockManagerPort": 8785}}},
    "everything-at-once": {"master": {"replicaCount": 2}, "config": {"executorMemory": "8g", "executorCores": 4},
                           "zeppelin": {"enabled": True, "resources": {"limits": {"memory": None}}},
                           "rstudio": {"enabled": True}},
}


@pytest.mark.parametrize("major", HELM_MAJORS)
@pytest.mark.parametrize("case", sorted(BAD))
def test_failing_render_and_lint_report_carry_the_same_problems(case, major, tmp_path):
    assert_modes_agree("spark", BAD[case], major, tmp_path)


def test_defaults_pass_both():
    assert lint_paths("spark", {}) == set()
    helm.render(CHART)
