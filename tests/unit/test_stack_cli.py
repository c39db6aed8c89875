"""The main job's user-facing behaviour (bin/stack, chartsuite.cli.stack): --help answers without the
set-up, the values file to install is checked before anything else, and an install into the current
kube-context needs a confirmation (a terminal answer or --yes)."""
import io
import os
import subprocess

import yaml

from chartsuite.cli import stack
from harness import ROOT


def test_help_answers_without_the_set_up():
    """bin/stack --help prints the options from the standard library alone: no bin/setup line."""
    run = subprocess.run([str(ROOT / "bin" / "stack"), "--help"], capture_output=True, text=True, timeout=60,
                         env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")})
    assert run.returncode == 0, run.stderr
    assert "--yes" in run.stdout and "--install VALUES" in run.stdout, run.stdout
    assert "setup:" not in run.stdout + run.stderr


def test_a_broken_values_file_to_install_stops_before_the_suite(tmp_path, capsys):
    """A user's file outside the repository with a typo: its problem is named with its line, and no
    other profile is checked (step 2 never starts)."""
    bad = tmp_path / "mine.yaml"
    bad.write_text("hdfs:\n  namenode:\n    replicaCont: 2\n")
    assert stack.run(["--install", str(bad), "--no-install"]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:3:5: hdfs.namenode.replicaCont: unknown key, did you mean replicaCount?" in out, out
    assert "step 2/4" not in out, out
    assert "nothing else was checked" in out, out


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_an_install_needs_a_confirmation(capsys):
    question = "install release stack into namespace bigdata of kube-context 'prod'?"
    assert stack.confirm_install(question, yes=True, stdin=io.StringIO("")) is True
    assert stack.confirm_install(question, yes=False, stdin=io.StringIO("y\n")) is None  # not a terminal
    assert stack.confirm_install(question, yes=False, stdin=_Terminal("y\n")) is True
    assert stack.confirm_install(question, yes=False, stdin=_Terminal("yes\n")) is True
    assert stack.confirm_install(question, yes=False, stdin=_Terminal("\n")) is False
    assert stack.confirm_install(question, yes=False, stdin=_Terminal("n\n")) is False
    assert question in capsys.readouterr().out


def test_the_target_names_the_context_cluster_and_server(tmp_path):
    """The current context of a kubeconfig whose API server does not answer (a closed loopback port):
    not reachable, and still named, so the user sees where an install would have gone."""
    kubeconfig = tmp_path / "config"
    kubeconfig.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "lab",
        "clusters": [{"name": "lab-cluster", "cluster": {"server": "https://127.0.0.1:9"}}],
        "users": [{"name": "u", "user": {"token": "t"}}],
        "contexts": [{"name": "lab", "context": {"cluster": "lab-cluster", "user": "u"}},
                     {"name": "other", "context": {"cluster": "lab-cluster", "user": "u"}}]}))
    target = stack.cluster_target(timeout=2, config_file=str(kubeconfig))
    assert not target.reachable
    assert (target.context, target.cluster, target.server) == ("lab", "lab-cluster", "https://127.0.0.1:9")
    assert target.describe() == "kube-context 'lab' (cluster 'lab-cluster', API server https://127.0.0.1:9)"
    assert "did not answer /version" in target.detail
