"""tools/check_versions.py: chart version increments, SemVer ordering (semver.org 2.0.0 §11)."""
import subprocess

import pytest

from chartsuite.cli import check_versions as cv


@pytest.mark.parametrize("lower, higher", [
    ("0.1.0", "0.1.1"), ("0.1.9", "0.2.0"), ("1.9.9", "2.0.0"), ("1.0.0-alpha", "1.0.0"),
    ("1.0.0-alpha", "1.0.0-alpha.1"), ("1.0.0-alpha.1", "1.0.0-alpha.beta"), ("1.0.0-beta.2", "1.0.0-beta.11"),
    ("1.0.0-rc.1", "1.0.0"), ("0.9.0", "0.10.0"),
])
def test_semver_order(lower, higher):
    assert cv.parse_semver(lower) < cv.parse_semver(higher)


@pytest.mark.parametrize("bad", ["1.0", "01.0.0", "1.0.0-", "v1.0.0", "1.0.0-01", "", "None"])
def test_invalid_semver(bad):
    with pytest.raises(ValueError):
        cv.parse_semver(bad)


def _git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path):
    for chart in ("a", "b"):
        d = tmp_path / "charts" / chart / "templates"
        d.mkdir(parents=True)
        (d.parent / "Chart.yaml").write_text(f"apiVersion: v2\nname: {chart}\nversion: 1.2.3\n")
        (d / "cm.yaml").write_text("kind: ConfigMap\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "-c", "user.email=t@t", "-c", "user.name=t", "add", "-A")
    _git(tmp_path, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "base")
    return tmp_path


def test_unchanged_charts_pass(repo):
    assert cv.check("HEAD", cwd=repo) == []


def test_changed_chart_without_bump_fails(repo):
    (repo / "charts/a/templates/cm.yaml").write_text("kind: ConfigMap\nmetadata: {}\n")
    problems = cv.check("HEAD", cwd=repo)
    assert len(problems) == 1 and "charts/a" in problems[0] and "1.2.3" in problems[0]


def test_changed_chart_with_bump_passes(repo):
    (repo / "charts/a/templates/cm.yaml").write_text("kind: ConfigMap\nmetadata: {}\n")
    (repo / "charts/a/Chart.yaml").write_text("apiVersion: v2\nname: a\nversion: 1.2.4\n")
    assert cv.check("HEAD", cwd=repo) == []


def test_downgrade_and_invalid_versions_fail(repo):
    (repo / "charts/a/Chart.yaml").write_text("apiVersion: v2\nname: a\nversion: 1.2.2\n")
    (repo / "charts/b/Chart.yaml").write_text("apiVersion: v2\nname: b\nversion: 1.3\n")
    problems = cv.check("HEAD", cwd=repo)
    assert any("charts/a" in p and "not greater" in p for p in problems)
    assert any("charts/b" in p and "SemVer" in p for p in problems)


def test_new_chart_and_untracked_files(repo):
    new = repo / "charts" / "c"
    new.mkdir()
    (new / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    assert cv.check("HEAD", cwd=repo) == []
    (repo / "charts/b/templates/new.yaml").write_text("kind: Service\n")
    assert [p for p in cv.check("HEAD", cwd=repo) if "charts/b" in p]
