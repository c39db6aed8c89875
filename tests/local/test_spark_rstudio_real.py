"""The RStudio pod of the spark chart, for real as far as it can run here: the rendered Deployment's pod
runs on tests/local/kubelet.py; its install-r-packages init container runs R (the rocker/rstudio twin:
Debian's R 4.2 in place of the image's 4.4.2, the image's rstudio user 1000:1000) as the chart renders
it, installing from the offline repository volume the chart mounts (rstudio.rRepository.volume: a
hostPath holding a CRAN-like repository this test builds with R) into the library on the home volume;
then a JVM driver is started from the RStudio container's environment as sparklyr starts one
(spark-submit with SPARK_HOME, SPARK_CONF_DIR and the driver settings of SPARK_SUBMIT_OPTS), against the
chart's real master and worker.

What is not real: sparklyr itself (CRAN is not reachable here: a package of this test stands in for it
in the repository) and its sparklyr.Shell class (spark-shell's Scala REPL is the JVM driver instead);
RStudio Server and the image's s6 init (the main container only waits: cont-init's Renviron.site is not
written, the container's environment is used as it would be copied there).
"""
import shutil
import subprocess
import time

import pytest

import chart_release
import spark_release
from polling import wait_for

ok, reason = spark_release.available()
if ok:
    ok, reason = chart_release.available(("apache-spark", "rstudio"))
if ok and not shutil.which("Rscript"):
    ok, reason = False, "no Rscript (bin/setup installs Debian's r-base-core for the rocker/rstudio twin)"
pytestmark = [pytest.mark.skipif(not ok, reason=reason), pytest.mark.xdist_group("spark-real")]

REPOSITORY = "/srv/r-repository"
VALUES = {"worker.replicaCount": "1", "worker.resources.limits.cpu": "1", "worker.resources.requests.cpu": "1",
          "worker.resources.limits.memory": "2Gi", "worker.resources.requests.memory": "2Gi",
          "config.executorMemory": "512m", "config.executorCores": "1", "config.coresMax": "1",
          "config.driverMemory": "512m", "master.readinessProbe.periodSeconds": "2",
          "worker.readinessProbe.periodSeconds": "2",
          "rstudio.enabled": "true", "rstudio.auth.password": "rstudio-test", "rstudio.rPackages[0]": "chartcheck",
          "rstudio.rRepository.volume.hostPath.path": REPOSITORY,
          "rstudio.rRepository.volume.hostPath.type": "Directory",
          # No RStudio Server in the twin: nothing answers on 8787.
          "rstudio.startupProbe.enabled": "false", "rstudio.livenessProbe.enabled": "false",
          "rstudio.readinessProbe.enabled": "false"}


def build_repository(folder):
    """A CRAN-like repository (src/contrib with PACKAGES) holding one source package, chartcheck 0.1."""
    source = folder / "chartcheck"
    (source / "R").mkdir(parents=True)
    (source / "DESCRIPTION").write_text(
        "Package: chartcheck\nVersion: 0.1\nTitle: Stand-in for sparklyr in the chart's tests\n"
        "Description: Proves the offline install path.\nAuthors@R: person('Chart', 'Tests', role = c('aut', 'cre'), "
        "email = 'tests@example.invalid')\nLicense: MIT\n")
    (source / "NAMESPACE").write_text("export(hello)\n")
    (source / "R" / "hello.R").write_text('hello <- function() "chartcheck loaded"\n')
    contrib = folder / "repo" / "src" / "contrib"
    contrib.mkdir(parents=True)
    subprocess.run(["R", "CMD", "build", "--no-manual", "--no-build-vignettes", str(source)], cwd=contrib,
                   check=True, capture_output=True, timeout=120)
    subprocess.run(["Rscript", "-e", f"tools::write_PACKAGES('{contrib}', type = 'source')"], check=True,
                   capture_output=True, timeout=120)
    return folder / "repo"


def start(spark, patch_env=None):
    """One pod of the RStudio Deployment (its main container only waits, see the module docstring);
    returns it once its init containers ran, or after 90 s when they keep failing."""
    def patch(spec):
        main = spec["containers"][0]
        main["command"] = ["sleep", "infinity"]
        for c in spec["initContainers"]:
            if c["name"] == "install-r-packages" and patch_env:
                c["env"] = [e for e in c["env"] if e["name"] not in patch_env] + \
                    [{"name": k, "value": v} for k, v in patch_env.items()]
    try:
        return spark.run_deployment("rstudio", timeout=90, patch=patch)
    except TimeoutError:
        return next(p for n, p in spark.cluster.pods.items() if "-rstudio-" in n and not p.init_done)


def test_r_packages_install_once_offline_and_a_jvm_driver_runs_from_the_rstudio_environment(tmp_path, record_property):
    repository = build_repository(tmp_path / "r-build")
    release = spark_release.SparkRelease(tmp_path / "release", set_values=VALUES, images=("apache-spark", "rstudio"))
    with chart_release.running(release, ("master", "worker"), timeout=240) as spark:
        shutil.copytree(repository, spark.cluster.nodes[0].host_path(REPOSITORY))
        started = time.monotonic()
        first = start(spark)
        took = time.monotonic() - started
        log = spark.log(first, "install-r-packages")
        assert first.init_done, log
        assert "install-r-packages: installing chartcheck into /home/rstudio/R/library from file:///opt/r-repository" in log, log
        # The session user (uid 1000) loads it from the library on the home volume.
        r = first.exec("rstudio", ["bash", "-c", "Rscript -e 'library(chartcheck); cat(hello())'"], user=1000,
                       env={"HOME": "/home/rstudio"})
        assert r.returncode == 0 and "chartcheck loaded" in r.stdout, r.stdout + r.stderr
        owner = first.exec("rstudio", ["stat", "-c", "%u:%g", "/home/rstudio/R/library/chartcheck"]).stdout.strip()
        assert owner == "1000:1000", owner
        spark.cluster.delete_pod(first.name, grace=1)

        # A new pod on the same home volume: nothing to install.
        second = start(spark)
        log = spark.log(second, "install-r-packages")
        assert second.init_done and "install-r-packages: present in /home/rstudio/R/library: chartcheck" in log, log
        assert "installing" not in log, log

        # A JVM driver from the RStudio container's environment, as sparklyr starts one (spark-submit of its
        # shell class; here spark-shell's), as the session user: executors call back on the driver ports.
        job = ('println("RESULT " + sc.parallelize(1 to 100, 4).map(_ * 2).sum.toLong)\n'
               'println("DRIVER " + sc.getConf.get("spark.driver.host") + ":" + sc.getConf.get("spark.driver.port") + '
               '" auth=" + sc.getConf.get("spark.authenticate"))\nSystem.exit(0)\n')
        driver = second.exec("rstudio", ["bash", "-c", f"printf '%s' '{job}' | $SPARK_HOME/bin/spark-shell "
                                         "--master \"$SPARK_MASTER_URL\" 2>&1"],
                             user=1000, env={"HOME": "/home/rstudio"}, timeout=300)
        out = driver.stdout + driver.stderr
        assert "RESULT 10100" in out, out[-3000:]
        assert "DRIVER spark-rstudio-driver.bigdata.svc.cluster.local:29413 auth=true" in out, out[-3000:]
        spark.cluster.delete_pod(second.name, grace=1)

        # A package the repository lacks stops the start (rPackagesRequired), saying which one.
        third = start(spark, patch_env={"R_PACKAGES": "chartcheck notthere"})
        wait_for(lambda: "not installed: notthere" in spark.log(third, "install-r-packages"), timeout=90,
                 interval=1, what="install-r-packages to report the missing package",
                 on_timeout=lambda: spark.log(third, "install-r-packages"))
        assert not third.init_done
        spark.cluster.delete_pod(third.name, grace=1)
        record_property("measured", f"RStudio pod (twin): offline install of one R package from the repository "
                                    f"volume, pod started in {took:.0f} s; second start installs nothing")
