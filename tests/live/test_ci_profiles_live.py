"""Chart-testing's install profiles (charts/<chart>/ci/*-values.yaml, what `ct install` installs) on a real
cluster: each profile below installed as it is, in one namespace, all at once (a release each), then
`helm test` of each, then uninstalled.

The profiles are those that fit beside another live test module on a 2-CPU node (their CPU requests,
tools/footprint.py) and that the image twins can run; `bin/kind-test` runs `ct install --all` with the
real images on a larger cluster."""
import subprocess

import pytest

from conftest import ROOT

# (chart, profile): 0.2 and 0.6 CPU of requests (footprint TOTAL).
PROFILES = [("hdfs", "nonha-values.yaml"), ("alluxio", "default-values.yaml")]


def test_profiles_install_and_pass_helm_test(kube):
    installs = {}
    for chart, profile in PROFILES:
        release = f"ci-{chart}-{profile.removesuffix('-values.yaml')}"
        command = [kube.helm_bin, "--kubeconfig", kube.kubeconfig, "-n", kube.namespace, "install", release,
                   str(ROOT / "charts" / chart), "-f", str(ROOT / "charts" / chart / "ci" / profile),
                   "--wait", "--timeout", "15m"]
        installs[release] = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    failed = {}
    for release, process in installs.items():
        output, _ = process.communicate(timeout=1000)
        if process.returncode != 0:
            failed[release] = output
    if failed:
        kube.dump()
        pytest.fail("helm install failed:\n" + "\n".join(f"{r}: {o}" for r, o in failed.items()))
    for release in installs:
        run = kube.helm("test", release, "--logs", check=False)
        assert run.returncode == 0, f"{release}: {run.stdout}{run.stderr}"
