"""What chart-testing and `helm package` do to our symlinked library chart: `helm dependency build`
writes common-<version>.tgz next to the charts/common symlink; the chart must still lint and
render, and a package must hold the library chart exactly once (the .tgz is .helmignore'd)."""
import shutil
import subprocess
import tarfile

import pytest
import yaml

from conftest import HELM_MAJORS, ROOT, application_charts
from chartsuite import helm
import helm_commands


@pytest.mark.parametrize("major", HELM_MAJORS)
@pytest.mark.parametrize("chart", application_charts())
def test_dependency_build_then_lint_render_and_package(tmp_path, chart, major):
    charts = tmp_path / "charts"
    shutil.copytree(ROOT / "charts", charts, symlinks=True)
    binary = helm.helm_binary(major)
    run = lambda *a: subprocess.run([binary, *a], capture_output=True, text=True)  # noqa: E731
    assert run("dependency", "build", str(charts / chart)).returncode == 0
    assert (charts / chart / "charts" / "common").is_symlink()
    ok, output = helm_commands.lint(charts / chart, major=major)
    assert ok, output
    assert helm.render(charts / chart, major=major)
    packaged = run("package", str(charts / chart), "-d", str(tmp_path / "out"))
    assert packaged.returncode == 0, packaged.stderr
    (archive,) = (tmp_path / "out").glob("*.tgz")
    names = tarfile.open(archive).getnames()
    deps = [d["name"] for d in yaml.safe_load((charts / chart / "Chart.yaml").read_text())["dependencies"]]
    for dep in deps:  # each dependency exactly once, as a directory (no duplicate .tgz)
        assert names.count(f"{chart}/charts/{dep}/Chart.yaml") == 1, (dep, names)
    assert not [n for n in names if n.endswith(".tgz")]
