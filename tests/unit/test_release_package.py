"""The release tooling's pure parts: the CHANGELOG parser (Keep a Changelog 1.1.0 -> Artifact Hub
change kinds) and the inspection of a packaged chart, run on archives built here with each defect."""
import io
import re
import tarfile

import pytest
import yaml

from harness import ROOT
from chartsuite.errors import UsageError
from chartsuite.release import changelog
from chartsuite.release import package as pkg

CHANGELOG = """# Changelog

## Unreleased

### Added
- Something not released yet

## [1.2.0] - 2026-12-01

### Added
- A new value
  that continues here
### Fixed
- A crash at start

## 1.1.0
### Security
- A patched image
"""


def test_changelog_versions_kinds_and_continued_items(tmp_path):
    path = tmp_path / "CHANGELOG.md"
    path.write_text(CHANGELOG)
    versions = changelog.parse(path)
    assert list(versions) == ["Unreleased", "1.2.0", "1.1.0"]
    assert changelog.changes_for(path, "1.2.0") == [changelog.Change("added", "A new value that continues here"),
                                                    changelog.Change("fixed", "A crash at start")]
    assert changelog.changes_for(path, "1.1.0") == [changelog.Change("security", "A patched image")]


@pytest.mark.parametrize("text, message", [
    ("## 1.0.0\n### Improved\n- x\n", "CHANGELOG.md:2: section 'Improved' is not a Keep a Changelog kind"),
    ("- x\n", "CHANGELOG.md:1: a change item outside"),
    ("## 1.0.0\n### Added\n- x\n## 1.0.0\n", "CHANGELOG.md:4: version 1.0.0 has a second heading"),
])
def test_changelog_mistakes_name_the_line(tmp_path, text, message):
    path = tmp_path / "CHANGELOG.md"
    path.write_text(text)
    with pytest.raises(UsageError, match=message.replace(".", r"\.")):
        changelog.parse(path)


def test_a_version_without_an_entry_is_not_released(tmp_path):
    path = tmp_path / "CHANGELOG.md"
    path.write_text(CHANGELOG)
    with pytest.raises(UsageError, match=r"no changes listed under '## 2\.0\.0'"):
        changelog.changes_for(path, "2.0.0")


@pytest.mark.parametrize("chart", ["common", "hdfs", "spark", "alluxio", "umbrella"])
def test_every_chart_has_a_changelog_entry_for_its_version(chart):
    version = yaml.safe_load((ROOT / "charts" / chart / "Chart.yaml").read_text())["version"]
    assert changelog.changes_for(ROOT / "charts" / chart / "CHANGELOG.md", version)


def _archive(path, members):
    """A .tgz with the given (name, text) members, in order (names may repeat)."""
    with tarfile.open(path, "w:gz") as tar:
        for name, text in members:
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _chart_dir(tmp_path):
    """A chart 'app' that depends on 'lib' (the working-tree side of the inspection)."""
    chart = tmp_path / "src" / "app"
    (chart / "charts" / "lib").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(yaml.safe_dump({"apiVersion": "v2", "name": "app", "version": "1.0.0",
                                                      "dependencies": [{"name": "lib", "version": "1.0.0"}]}))
    (chart / "charts" / "lib" / "Chart.yaml").write_text(yaml.safe_dump({"name": "lib", "version": "1.0.0"}))
    return chart


GOOD_META = yaml.safe_dump({"apiVersion": "v2", "name": "app", "version": "1.0.0", "home": "https://h",
                            "sources": ["https://s"], "annotations": {
                                "artifacthub.io/changes": "- kind: added\n  description: x\n",
                                "artifacthub.io/license": "Apache-2.0",
                                "artifacthub.io/images": "- name: a\n  image: a:1\n"}})
GOOD = [("app/Chart.yaml", GOOD_META), ("app/LICENSE", "license"), ("app/README.md", "see [values](values.yaml)"),
        ("app/values.yaml", "{}"), ("app/charts/lib/Chart.yaml", "name: lib")]


def test_a_clean_archive_passes(tmp_path):
    result = pkg.inspect(_archive(tmp_path / "app-1.0.0.tgz", GOOD), _chart_dir(tmp_path))
    assert result.problems == []
    assert result.subcharts == ["app/charts/lib"] and result.images == ["a:1"] and result.entries == 5


@pytest.mark.parametrize("change, problem", [
    (lambda m: m + [("app/charts/lib/Chart.yaml", "name: lib")], "tar entries written more than once"),
    (lambda m: m + [("app/charts/lib-1.0.0.tgz", "x")], "an archive inside the package"),
    (lambda m: m + [("app/charts/lib-1.0.0.tgz", "x"), ("app/charts/other/Chart.yaml", "name: other")],
     "expected each dependency once"),
    (lambda m: [x for x in m if x[0] != "app/charts/lib/Chart.yaml"], "expected each dependency once"),
    (lambda m: m + [("app/ci/big-values.yaml", "{}")], "app/ci/big-values.yaml: a test fixture"),
    (lambda m: m + [("app/user-provided.yaml", "[]")], "app/user-provided.yaml: a test fixture"),
    (lambda m: [x for x in m if x[0] != "app/LICENSE"], "app/LICENSE: missing"),
    (lambda m: m + [("app/charts/lib/README.md", "[x](../../../examples/a.yaml)")], "to a file the package lacks"),
    (lambda m: [("app/Chart.yaml", GOOD_META.replace("home: https://h\n", ""))] + m[1:], "app/Chart.yaml: no home"),
    (lambda m: [("app/Chart.yaml", GOOD_META.replace("artifacthub.io/images", "x"))] + m[1:],
     "no artifacthub.io/images"),
])
def test_each_defect_of_an_archive_is_found(tmp_path, change, problem):
    result = pkg.inspect(_archive(tmp_path / "app-1.0.0.tgz", change(list(GOOD))), _chart_dir(tmp_path))
    assert any(problem in p for p in result.problems), result.problems


def test_readme_links_leaving_the_chart_point_at_the_release_tag(tmp_path):
    text = (ROOT / "charts" / "umbrella" / "README.md").read_text()
    out = pkg._rewrite_links(text, ROOT / "charts" / "umbrella", ROOT, "https://github.com/o/r/blob/umbrella-1.0.0")
    assert "](../../examples/" not in out
    assert "](https://github.com/o/r/blob/umbrella-1.0.0/examples/stack-locality.yaml)" in out
    assert pkg._rewrite_links("[v](values.yaml) [w](https://x) [a](#top)", ROOT / "charts" / "umbrella", ROOT,
                              "https://u/blob/t") == "[v](values.yaml) [w](https://x) [a](#top)"
    with pytest.raises(UsageError, match="points at a missing file"):
        pkg._rewrite_links("[m](../../nope.md)", ROOT / "charts" / "umbrella", ROOT, "https://u/blob/t")


@pytest.mark.parametrize("remote, url", [
    ("git@github.com:owner/repo.git", "https://github.com/owner/repo"),
    ("https://github.com/owner/repo.git", "https://github.com/owner/repo"),
    ("ssh://git@github.com:22/owner/repo.git", "https://github.com/owner/repo"),
    ("https://x-access-token:secret@github.com/owner/repo", "https://github.com/owner/repo"),
])
def test_source_url_from_the_origin_remote(tmp_path, remote, url):
    import subprocess
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "remote", "add", "origin", remote], cwd=tmp_path, check=True)
    assert pkg.source_url(None, root=tmp_path) == url
    assert pkg.source_url("https://example.org/x/", root=tmp_path) == "https://example.org/x"


def test_no_source_url_is_refused_not_invented(tmp_path):
    import subprocess
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    with pytest.raises(UsageError, match="pass --source-url"):
        pkg.source_url(None, root=tmp_path)


@pytest.mark.parametrize("text, message", [
    ("## 0.2.0 (2026-01-01)\n### Fixed\n- x\n", "CHANGELOG.md:1: heading '## 0.2.0 (2026-01-01)' is neither"),
    ("## 0.2.0\n### Fixed\n* x\n", "CHANGELOG.md:3: a change item starts with '- '"),
])
def test_changelog_lines_it_cannot_place_are_refused_not_dropped(tmp_path, text, message):
    path = tmp_path / "CHANGELOG.md"
    path.write_text(text)
    with pytest.raises(UsageError, match=re.escape(message)):
        changelog.parse(path)
