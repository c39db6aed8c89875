"""A release as the release workflow makes it, on this machine: tools/release_charts.py against a
bare git repository (the remote: tags and the gh-pages chart repository) and a real OCI registry (the
CNCF Distribution registry that bin/setup builds, on a loopback port). Then a user's side with Helm 4:
`helm repo add` of the chart repository served over loopback HTTP, `helm pull oci://`, and the
packaged umbrella renders the same objects as the working tree. A second run releases nothing."""
import contextlib
import functools
import http.server
import io
import os
import socket
import subprocess
import sys
import tarfile
import threading
import time
import urllib.request

import pytest
import yaml

from conftest import ROOT
from chartsuite import helm
from chartsuite.release import publish

REGISTRY = ROOT / ".tools" / "registry" / "registry"
pytestmark = pytest.mark.skipif(not REGISTRY.is_file(), reason="the Distribution registry is not built (bin/setup builds it with Go)")
CHARTS = sorted(d.name for d in (ROOT / "charts").iterdir() if (d / "Chart.yaml").is_file())


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def registry(tmp_path):
    """The Distribution registry on a loopback port, storage under tmp_path; stopped by its PID."""
    port = free_port()
    config = tmp_path / "registry.yaml"
    config.write_text(yaml.safe_dump({"version": 0.1, "log": {"level": "warn"},
                                      "storage": {"filesystem": {"rootdirectory": str(tmp_path / "blobs")}},
                                      "http": {"addr": f"127.0.0.1:{port}"}}))
    log = open(tmp_path / "registry.log", "w")
    proc = subprocess.Popen([str(REGISTRY), "serve", str(config)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/", timeout=2)
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "registry.log").read_text()
                time.sleep(0.2)
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@contextlib.contextmanager
def http_server(directory):
    """A static HTTP server of directory on a loopback port (GitHub Pages' role)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def without_random(objects):
    """Rendered objects with what differs between two renders of the same chart left out: generated
    Secret values (randAlphaNum) and the checksums of them in pod template annotations."""
    text = yaml.safe_dump(objects, sort_keys=True)
    out = yaml.safe_load(text)
    for obj in out:
        if obj["kind"] == "Secret":
            obj.pop("data", None)
            obj.pop("stringData", None)
        template = (obj.get("spec") or {}).get("template") or {}
        annotations = (template.get("metadata") or {}).get("annotations") or {}
        for key in [k for k in annotations if k.startswith("checksum/")]:
            del annotations[key]
    return out


def rebuild_with_version(archive, version, scratch):
    """A copy of a packaged chart with another version, as common-<version>.tgz beside scratch."""
    out = scratch.with_name(f"{archive.name.split('-')[0]}-{version}.tgz")
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read() if member.isfile() else None
            if member.name.count("/") == 1 and member.name.endswith("/Chart.yaml"):
                meta = yaml.safe_load(data)
                meta["version"] = version
                data = yaml.safe_dump(meta).encode()
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data) if data is not None else None)
    return out


def release(*args):
    return subprocess.run([sys.executable, str(ROOT / "tools" / "release_charts.py"), *args],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)


def user_helm(tmp_path, *args):
    """Helm 4 with its own config and cache (a user's machine, not this checkout's)."""
    env = {**os.environ, "HELM_CONFIG_HOME": str(tmp_path / "helm-config"), "HELM_CACHE_HOME": str(tmp_path / "helm-cache"),
           "HELM_DATA_HOME": str(tmp_path / "helm-data")}
    r = subprocess.run([helm.helm_binary(4), *args], capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert r.returncode == 0, f"helm {' '.join(args)}:\n{r.stdout}{r.stderr}"
    return r.stdout


def test_release_publishes_every_chart_once_and_users_install_from_both_repositories(tmp_path, record_property):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    pages = tmp_path / "pages"
    with registry(tmp_path) as host, http_server(pages) as pages_url:
        # --allow-dirty: a developer's checkout may have uncommitted changes; CI runs a clean clone.
        # The remote as a path relative to the checkout, as `git remote add` would take it.
        common = ["--remote", os.path.relpath(remote, ROOT), "--pages-url", pages_url, "--source-url", "https://github.com/o/r",
                  "--destination", str(tmp_path / "dist"), "--allow-dirty"]
        started = time.monotonic()
        first = release(*common, "--registry", f"oci://{host}/charts", "--plain-http")
        seconds = time.monotonic() - started
        assert first.returncode == 0, first.stdout + first.stderr
        versions = {c: yaml.safe_load((ROOT / "charts" / c / "Chart.yaml").read_text())["version"] for c in CHARTS}
        tags = subprocess.run(["git", "ls-remote", "--tags", str(remote)], capture_output=True, text=True).stdout
        head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
        for chart, version in versions.items():
            assert f"{head}\trefs/tags/{chart}-{version}" in tags, tags
            assert f"pushed oci://{host}/charts/{chart}:{version}" in first.stdout

        # The chart repository branch, served as GitHub Pages would serve it.
        subprocess.run(["git", "clone", "-q", "--branch", "gh-pages", str(remote), str(pages)], check=True)
        index = yaml.safe_load((pages / "index.yaml").read_text())
        assert sorted(index["entries"]) == CHARTS
        for chart, entries in index["entries"].items():
            assert [e["version"] for e in entries] == [versions[chart]]
            assert entries[0]["urls"] == [f"{pages_url}/{chart}-{versions[chart]}.tgz"]
        user_helm(tmp_path, "repo", "add", "bigdata", pages_url)
        from_repo = helm.parse_documents(user_helm(tmp_path, "template", "stack", "bigdata/umbrella", "--namespace", "default"))
        working_tree = helm.render(ROOT / "charts" / "umbrella", release="stack", major=4)
        assert without_random(from_repo) == without_random(working_tree)

        # The OCI registry: pull and look inside.
        (tmp_path / "pulled").mkdir()
        user_helm(tmp_path, "pull", f"oci://{host}/charts/umbrella", "--version", versions["umbrella"], "--plain-http",
                  "--destination", str(tmp_path / "pulled"))
        archive = tmp_path / "pulled" / f"umbrella-{versions['umbrella']}.tgz"
        names = tarfile.open(archive).getnames()
        assert len(names) == len(set(names))
        meta = yaml.safe_load(tarfile.open(archive).extractfile("umbrella/Chart.yaml"))
        assert meta["home"] == "https://github.com/o/r"
        assert meta["sources"][0] == f"https://github.com/o/r/tree/umbrella-{versions['umbrella']}/charts/umbrella"

        # Once per version: a second run finds every tag and publishes nothing.
        pages_head = subprocess.run(["git", "ls-remote", str(remote), "refs/heads/gh-pages"], capture_output=True, text=True).stdout
        second = release(*common)
        assert second.returncode == 0, second.stdout + second.stderr
        assert "nothing to release" in second.stderr
        assert subprocess.run(["git", "ls-remote", str(remote), "refs/heads/gh-pages"], capture_output=True,
                              text=True).stdout == pages_head
        # A later release adds its archive and index entry; the earlier entries stay as they were.
        later = tmp_path / "later" / f"common-{versions['common']}-later.tgz"
        later.parent.mkdir()
        rebuild_with_version(tmp_path / "dist" / f"common-{versions['common']}.tgz", "99.0.0", later)
        publish.publish_pages([later.with_name("common-99.0.0.tgz")], str(remote), "gh-pages", pages_url)
        subprocess.run(["git", "pull", "-q", "origin", "gh-pages"], cwd=pages, check=True)
        merged = yaml.safe_load((pages / "index.yaml").read_text())
        assert [e["version"] for e in merged["entries"]["common"]] == ["99.0.0", versions["common"]]
        assert merged["entries"]["common"][1] == index["entries"]["common"][0]
        assert merged["entries"]["hdfs"] == index["entries"]["hdfs"]
    sizes = {p.name: p.stat().st_size for p in (tmp_path / "dist").glob("*.tgz")}
    record_property("measured", f"release of {len(CHARTS)} charts (package, inspect, OCI push, gh-pages index, tags): "
                                f"{seconds:.1f} s; archives " + ", ".join(f"{n} {s / 1024:.0f} KiB" for n, s in sorted(sizes.items())))


def test_a_chart_version_without_a_changelog_entry_is_refused_before_packaging(tmp_path):
    """In a copy of the charts (this checkout is left alone): stage() refuses the version, so the
    release command stops (exit 2) before its first push."""
    import shutil
    from chartsuite.errors import UsageError
    from chartsuite.release import package as pkg
    shutil.copytree(ROOT / "charts", tmp_path / "charts", symlinks=True)
    shutil.copy(ROOT / "LICENSE", tmp_path / "LICENSE")
    changelog = tmp_path / "charts" / "common" / "CHANGELOG.md"
    version = yaml.safe_load((tmp_path / "charts" / "common" / "Chart.yaml").read_text())["version"]
    changelog.write_text(changelog.read_text().replace(f"## {version}\n", "## 0.0.0-not-this\n", 1))
    with pytest.raises(UsageError, match=f"no changes listed under '## {version}'"):
        pkg.package_charts([tmp_path / "charts" / "common"], tmp_path / "dist", "https://github.com/o/r")
    assert not (tmp_path / "dist").exists() or not list((tmp_path / "dist").iterdir())
