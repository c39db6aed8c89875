"""The public CI configuration, checked offline: the workflow is valid YAML, uses only known real
actions pinned to exact versions, and runs only commands that exist in this repository; ct.yaml is
complete; the live suite collects and skips with one clear reason when no cluster is reachable."""
import os
import pathlib
import re
import subprocess
import sys

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
ACTIONLINT = ROOT / ".tools" / "actionlint" / "actionlint"

# Actions the workflows may use, each a real published action (owner/repo), pinned to an exact
# released version. Bump here and in the workflow together.
KNOWN_ACTIONS = {
    "actions/checkout": "v4.2.2",
    "actions/setup-python": "v5.3.0",
    "azure/setup-helm": "v4.3.0",
    "helm/chart-testing-action": "v2.7.0",
    "helm/kind-action": "v1.12.0",
}


def steps(workflow):
    doc = yaml.safe_load(workflow.read_text())
    for job in doc["jobs"].values():
        yield from job["steps"]


def test_there_is_a_workflow():
    assert {w.name for w in WORKFLOWS} >= {"ci.yaml", "release.yaml"}


@pytest.mark.skipif(not ACTIONLINT.is_file(), reason="actionlint is not built (bin/setup builds it with Go)")
def test_actionlint_passes_every_workflow():
    r = subprocess.run([str(ACTIONLINT), "-no-color", *map(str, WORKFLOWS)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.skipif(not ACTIONLINT.is_file(), reason="actionlint is not built (bin/setup builds it with Go)")
def test_actionlint_finds_a_broken_workflow(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "broken.yaml"
    broken.parent.mkdir(parents=True)
    text = (ROOT / ".github" / "workflows" / "ci.yaml").read_text().replace("needs: lint", "needs: lnit")
    broken.write_text(text.replace("${{ github.event.repository.default_branch }}", "${{ github.event.repository.default_branch "))
    r = subprocess.run([str(ACTIONLINT), "-no-color", str(broken)], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert '"lnit"' in r.stdout and "[job-needs]" in r.stdout, r.stdout
    assert "[expression]" in r.stdout or "[syntax-check]" in r.stdout, r.stdout


def test_release_workflow_publishes_through_the_release_command():
    doc = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yaml").read_text())
    assert doc["permissions"] == {"contents": "write", "packages": "write"}
    runs = " ".join(s.get("run", "") for s in doc["jobs"]["release"]["steps"])
    assert "tools/release_charts.py" in runs and "--registry" in runs and "--pages-url" in runs


def test_ci_workflow_structure():
    doc = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yaml").read_text())
    triggers = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` key as True
    assert "pull_request" in triggers and "push" in triggers
    assert set(doc["jobs"]) == {"lint", "install"}
    assert doc["jobs"]["install"]["needs"] == "lint"
    for job in doc["jobs"].values():
        assert job["timeout-minutes"] <= 90 and job["steps"]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_known_and_pinned(workflow):
    used = [s["uses"] for s in steps(workflow) if "uses" in s]
    assert used
    for ref in used:
        name, _, version = ref.partition("@")
        assert name in KNOWN_ACTIONS, f"unknown action {ref}"
        assert version == KNOWN_ACTIONS[name], f"{ref}: pin {KNOWN_ACTIONS[name]}"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_run_steps_use_real_commands(workflow):
    for step in steps(workflow):
        for path in re.findall(r"(?:^|\s)((?:bin|tools|tests)/[\w./-]+)", step.get("run", "")):
            target = ROOT / path
            assert target.exists(), f"step {step.get('name')!r} runs {path}, which does not exist"
            if path.startswith("bin/"):
                assert os.access(target, os.X_OK), f"{path} is not executable"
        for ct_call in re.findall(r"\bct (?:lint|install)\b[^\n]*", step.get("run", "")):
            assert "--config ct.yaml" in ct_call


def test_ct_yaml_is_complete():
    ct = yaml.safe_load((ROOT / "ct.yaml").read_text())
    assert ct["target-branch"] == "main" and ct["check-version-increment"] is True
    assert all((ROOT / d).is_dir() for d in ct["chart-dirs"])
    assert (ROOT / ct["lint-conf"]).is_file() and (ROOT / ct["chart-yaml-schema"]).is_file()
    library = {p.parent.name for p in (ROOT / "charts").glob("*/Chart.yaml")
               if yaml.safe_load(p.read_text()).get("type") == "library"}
    assert library and library <= set(ct["excluded-charts"])


def test_live_suite_skips_cleanly_without_a_cluster(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    env["HOME"] = str(tmp_path)  # no ~/.kube/config
    run = subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "tests" / "live"), "-q", "-rs",
                          "-p", "no:xdist", "-p", "no:cacheprovider"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"\b\d+ skipped\b", run.stdout) and "passed" not in run.stdout and "failed" not in run.stdout
    reasons = set(re.findall(r"SKIPPED \[\d+\] [^:]+: (.*)", run.stdout))
    assert len(reasons) == 1 and "live tests need a Kubernetes cluster" in reasons.pop()


def test_live_suite_names_an_unusable_kubeconfig(tmp_path):
    bogus = tmp_path / "kubeconfig"
    bogus.write_text("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1'}\n"
                     "contexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\n"
                     "users:\n- name: u\n  user: {token: x}\n")
    run = subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "tests" / "live"), "-q", "-rs",
                          "-p", "no:xdist", "-p", "no:cacheprovider", "--kubeconfig", str(bogus)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"no cluster reachable with {bogus}" in run.stdout
