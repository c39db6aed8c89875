"""Packaging the charts for release: a staged copy of each chart, ``helm package``, and a check of
the archive that comes out.

Why a staged copy: the charts embed their dependencies as symlinks (``charts/<chart>/charts/common ->
../../common``), which ``helm package`` follows, and ``helm dependency build`` leaves ``charts/*.tgz``
archives beside them: packaging the working tree after a dependency build put every subchart in the
umbrella's archive twice (42 duplicate tar entries, issue 18). The stage copies each chart with its
dependencies as plain directories and without dependency archives, and adds what a release needs and
the working tree keeps in one place elsewhere:

- Chart.yaml ``home`` and the chart's own ``sources`` entry: the repository URL the release is built
  from (``--source-url``, or the ``origin`` remote), pointing at the release tag;
- ``artifacthub.io/changes``: the version's entry in the chart's CHANGELOG.md (chartsuite.release.changelog);
- ``artifacthub.io/images``: the images the chart's profiles run (Artifact Hub's security
  scanner reads this list: https://artifacthub.io/docs/topics/annotations/helm/);
- ``artifacthub.io/license`` and the repository's LICENSE file;
- README links to repository files outside the chart, rewritten to the release tag's URLs.

Tags follow chart-releaser's ``<chart>-<version>`` (https://github.com/helm/chart-releaser).
"""
from __future__ import annotations

import concurrent.futures
import io
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml
from ruamel.yaml import YAML

from chartsuite import helm
from chartsuite.checks.manifests import pod_specs
from chartsuite.errors import UsageError
from chartsuite.model import paths, profiles
from chartsuite.release import changelog

LICENSE_ID = "Apache-2.0"  # SPDX id of the repository's LICENSE file
FIXTURES = ("user-provided.yaml", "ci/")  # test inputs that must not ship (.helmignore excludes them)
_LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")


@dataclass
class Packaged:
    """One packaged chart. Fields: chart (name), version, tag (``<chart>-<version>``), archive
    (Path of the .tgz), entries (number of tar members), subcharts (embedded chart paths, e.g.
    ``umbrella/charts/hdfs/charts/common``), images (list of image references), problems (list of
    str from inspect; empty when the archive is fit to publish)."""

    chart: str
    version: str
    tag: str
    archive: Path
    entries: int = 0
    subcharts: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def release_tag(chart_dir: Path | str) -> str:
    """The release tag of a chart at its current version: ``<name>-<version>`` (chart-releaser).

    Args: chart_dir: a chart directory.  Returns: str.  Raises: as paths.chart_meta."""
    meta = paths.chart_meta(chart_dir)
    return f"{meta['name']}-{meta['version']}"


def source_url(explicit: str | None = None, root: Path = paths.REPO_ROOT) -> str:
    """The public URL of the repository a release is built from, without a trailing slash.

    Args: explicit: a URL given by the caller (``--source-url``; the release workflow passes
        ``${{ github.server_url }}/${{ github.repository }}``); root: the git checkout.
    Returns: an ``https://`` URL: explicit, else the ``origin`` remote (``git@host:o/r.git``,
        ``ssh://git@host:22/o/r`` and ``https://user:token@host/o/r.git`` all become ``https://host/o/r``).
    Raises: UsageError when neither gives an https URL (charts are not released with a placeholder)."""
    url = explicit
    if not url:
        proc = subprocess.run(["git", "remote", "get-url", "origin"], cwd=root, capture_output=True, text=True)
        url = proc.stdout.strip() if proc.returncode == 0 else ""
        ssh = re.match(r"^ssh://(?:[^@/]+@)?([^:/]+)(?::\d+)?/(.+)$", url) or re.match(r"^[^@/]+@([^:/]+):(.+)$", url)
        if ssh:
            url = f"https://{ssh[1]}/{ssh[2]}"
    # No credentials in a published URL (https://user:token@host/... as a CI checkout may have it).
    url = re.sub(r"^https://[^@/]*@", "https://", re.sub(r"\.git$", "", (url or "").rstrip("/")))
    if not url.startswith("https://"):
        raise UsageError("no repository URL for the charts' home and sources: pass --source-url "
                         "https://<host>/<owner>/<repo> (the checkout has no https or ssh 'origin' remote)")
    return url


def chart_images(chart_dir: Path | str, root: Path = paths.REPO_ROOT) -> list[dict]:
    """Every container image a chart runs in its defaults, its ci profiles and its examples (so the
    optional components' images are listed too: Zeppelin, RStudio, the master router).

    Args: chart_dir: a chart directory under root/charts; root: the repository.
    Returns: [{"name": the image's repository name, "image": reference}] sorted by reference, one per
        distinct reference (Artifact Hub's ``artifacthub.io/images`` entries).
    Raises: helm.RenderError when a profile does not render; UsageError without Helm 4."""
    chart_dir = Path(chart_dir)
    name = paths.chart_name(chart_dir)

    def images_of(values: Path | None) -> set[str]:
        found = set()
        for obj in helm.render(chart_dir, [values] if values else [], release=name, major=4):
            for _meta, spec in pod_specs(obj):
                for section in ("initContainers", "containers"):
                    found.update(c["image"] for c in spec.get(section) or [])
        return found

    chosen = profiles.chart_profiles(chart_dir.name, root)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        images = set().union(*pool.map(images_of, [values for _profile, values in chosen]))
    return [{"name": image.rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0], "image": image}
            for image in sorted(images)]


def _ignore_dependency_archives(directory: str, names: list[str]) -> list[str]:
    """shutil.copytree ignore: ``charts/*.tgz`` (a dependency build's archives; the stage embeds
    every dependency as a directory)."""
    return [n for n in names if Path(directory).name == "charts" and n.endswith(".tgz")]


def _rewrite_links(readme: str, chart_dir: Path, root: Path, base_url: str) -> str:
    """README text with each relative link that leaves the chart directory pointed at base_url
    (``<url>/blob/<tag>/<path>``, ``tree`` for directories); links inside the chart stay relative."""
    chart_dir, root = chart_dir.resolve(), root.resolve()

    def fix(match: re.Match) -> str:
        target = match["target"]
        if re.match(r"^[a-z][a-z0-9+.-]*:|^#", target):
            return match[0]
        path, _, anchor = target.partition("#")
        resolved = (chart_dir / path).resolve()
        if resolved == chart_dir or chart_dir in resolved.parents:
            return match[0]
        try:
            relative = resolved.relative_to(root).as_posix()
        except ValueError:
            raise UsageError(f"{chart_dir / 'README.md'}: link {target!r} leaves the repository") from None
        if not resolved.exists():
            raise UsageError(f"{chart_dir / 'README.md'}: link {target!r} points at a missing file")
        kind = "tree" if resolved.is_dir() else "blob"
        return f"]({base_url.replace('/blob/', f'/{kind}/')}/{relative}{'#' + anchor if anchor else ''})"

    return _LINK.sub(fix, readme)


def stage(chart_dir: Path | str, dest: Path | str, url: str, root: Path = paths.REPO_ROOT) -> Path:
    """Copy a chart for packaging and add its release metadata (module docstring).

    Args: chart_dir: the chart in the working tree; dest: an empty or missing directory (the copy
        goes to dest/<chart>); url: source_url(); root: the repository (its LICENSE file).
    Returns: Path of the staged chart directory.
    Raises: UsageError for a missing CHANGELOG entry for the chart's version, a README link to a
        missing file, or a missing LICENSE; helm.RenderError when the defaults do not render."""
    chart_dir = Path(chart_dir)
    name = paths.chart_name(chart_dir)
    staged = Path(dest) / name
    if staged.exists():
        shutil.rmtree(staged)
    shutil.copytree(chart_dir, staged, symlinks=False, ignore=_ignore_dependency_archives)
    license_file = Path(root) / "LICENSE"
    if not license_file.is_file():
        raise UsageError(f"{license_file}: missing (the packages ship it)")
    shutil.copyfile(license_file, staged / "LICENSE")

    tag = release_tag(chart_dir)
    version = paths.chart_meta(chart_dir)["version"]
    changes = changelog.changes_for(chart_dir / "CHANGELOG.md", version)
    rt = YAML()
    rt.preserve_quotes = True
    rt.width = 4096
    meta = rt.load((chart_dir / "Chart.yaml").read_text(encoding="utf-8"))
    meta["home"] = url
    own_source = f"{url}/tree/{tag}/{chart_dir.resolve().relative_to(Path(root).resolve()).as_posix()}"
    meta["sources"] = [own_source] + [s for s in (meta.get("sources") or []) if s != own_source]
    annotations = meta.get("annotations") or {}
    annotations["artifacthub.io/license"] = LICENSE_ID
    annotations["artifacthub.io/changes"] = yaml.safe_dump(
        [{"kind": c.kind, "description": c.description} for c in changes], sort_keys=False, width=4096)
    if not paths.is_library(chart_dir):
        annotations["artifacthub.io/images"] = yaml.safe_dump(chart_images(chart_dir, Path(root)), sort_keys=False)
    meta["annotations"] = annotations
    buffer = io.StringIO()
    rt.dump(meta, buffer)
    (staged / "Chart.yaml").write_text(buffer.getvalue(), encoding="utf-8")

    readme = chart_dir / "README.md"
    if readme.is_file():
        (staged / "README.md").write_text(
            _rewrite_links(readme.read_text(encoding="utf-8"), chart_dir, Path(root), f"{url}/blob/{tag}"),
            encoding="utf-8")
    return staged


def package(staged: Path | str, destination: Path | str) -> Path:
    """``helm package`` (Helm 4) a staged chart.

    Args: staged: stage()'s directory; destination: directory for the archive (created).
    Returns: Path of ``<name>-<version>.tgz``.
    Raises: helm.RenderError with Helm's message when packaging fails."""
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    helm.run([helm.helm_binary(4), "package", str(staged), "--destination", str(destination)])
    meta = paths.chart_meta(staged)
    return destination / f"{meta['name']}-{meta['version']}.tgz"


def _expected_subcharts(chart_dir: Path, prefix: str) -> list[str]:
    """Archive paths of every chart a chart embeds, recursively (from the Chart.yaml dependencies)."""
    out = []
    for dep in paths.chart_meta(chart_dir).get("dependencies") or []:
        sub = f"{prefix}/charts/{dep['name']}"
        out.append(sub)
        out += _expected_subcharts(chart_dir / "charts" / dep["name"], sub)
    return out


def inspect(archive: Path | str, chart_dir: Path | str) -> Packaged:
    """Check a packaged chart against the working-tree chart it came from.

    Checks: every tar member once; every dependency (recursively) embedded once, as a directory, and
    nothing else under ``charts/``; no ``.tgz`` inside; no test fixture (FIXTURES); Chart.yaml with
    home, sources, the Artifact Hub changes/license (and images for application charts) annotations;
    a LICENSE file; every relative README link resolving to a member of the archive.
    Args: archive: the .tgz; chart_dir: the chart in the working tree.
    Returns: Packaged with problems (empty list when the archive is fit to publish).
    Raises: tarfile.TarError for an unreadable archive."""
    chart_dir = Path(chart_dir)
    meta = paths.chart_meta(chart_dir)
    name, version = meta["name"], meta["version"]
    result = Packaged(name, version, f"{name}-{version}", Path(archive))
    with tarfile.open(archive, "r:gz") as tar:
        members = tar.getnames()
        files = {m: tar.extractfile(m).read().decode("utf-8", "replace")
                 for m in members if m.endswith(("Chart.yaml", "README.md"))}
    result.entries = len(members)
    duplicates = sorted({m for m in members if members.count(m) > 1})
    if duplicates:
        result.problems.append(f"{len(duplicates)} tar entries written more than once, e.g. {duplicates[:3]}")
    present = sorted({str(PurePosixPath(m).parent) for m in set(members) if m.endswith("/Chart.yaml")} - {name})
    result.subcharts = present
    expected = sorted(_expected_subcharts(chart_dir, name))
    if present != expected:
        result.problems.append(f"embedded charts {present}, expected each dependency once: {expected}")
    for member in set(members):
        parts = PurePosixPath(member).parts
        if member.endswith(".tgz"):
            result.problems.append(f"{member}: an archive inside the package (a stale dependency build)")
        for fixture in FIXTURES:
            if (fixture.endswith("/") and fixture[:-1] in parts[:-1]) or parts[-1] == fixture:
                result.problems.append(f"{member}: a test fixture in the package (.helmignore)")
    top = yaml.safe_load(files.get(f"{name}/Chart.yaml", "")) or {}
    annotations = top.get("annotations") or {}
    wanted = ["artifacthub.io/changes", "artifacthub.io/license"]
    if top.get("type") != "library":
        wanted.append("artifacthub.io/images")
    for key in [k for k in ("home", "sources") if not top.get(k)] + [k for k in wanted if k not in annotations]:
        result.problems.append(f"{name}/Chart.yaml: no {key}")
    result.images = [i["image"] for i in yaml.safe_load(annotations.get("artifacthub.io/images") or "[]")]
    if f"{name}/LICENSE" not in members:
        result.problems.append(f"{name}/LICENSE: missing")
    for member, text in files.items():
        if not member.endswith("README.md"):
            continue
        base = PurePosixPath(member).parent
        for match in _LINK.finditer(text):
            target = match["target"].partition("#")[0]
            if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target):
                continue
            resolved = PurePosixPath(*_normalise(base / target))
            if str(resolved) not in members and not any(m.startswith(f"{resolved}/") for m in members):
                result.problems.append(f"{member}: link {match['target']!r} to a file the package lacks")
    return result


def _normalise(path: PurePosixPath) -> list[str]:
    """The parts of a relative archive path with ``.`` and ``..`` resolved."""
    out: list[str] = []
    for part in path.parts:
        if part == "..":
            if out:
                out.pop()
        elif part != ".":
            out.append(part)
    return out


def index(destination: Path | str, url: str, merge: Path | str | None = None) -> Path:
    """``helm repo index`` over the archives in destination (a classic chart repository).

    Args: destination: directory of .tgz files; url: the URL the archives are served from;
        merge: an existing index.yaml whose entries are kept (a repository's earlier releases).
    Returns: Path of destination/index.yaml.  Raises: helm.RenderError with Helm's message."""
    cmd = [helm.helm_binary(4), "repo", "index", str(destination), "--url", url]
    if merge:
        cmd += ["--merge", str(merge)]
    helm.run(cmd)
    return Path(destination) / "index.yaml"


def every_chart(charts_dir: Path = paths.CHARTS_DIR) -> list[Path]:
    """Every chart a release publishes: each directory under charts/ with a Chart.yaml, the library
    chart included (its package is what other repositories' charts depend on).

    Args: charts_dir: the charts folder.  Returns: sorted list of Path."""
    return [d for d in sorted(Path(charts_dir).iterdir()) if (d / "Chart.yaml").is_file()]


def check_registry(registry: str) -> str:
    """The registry argument, checked.  Args: registry: ``oci://<host>/<namespace>``.
    Returns: it, without a trailing slash.  Raises: UsageError for anything else."""
    if not registry.startswith("oci://"):
        raise UsageError(f"{registry!r}: an OCI registry is named oci://<host>/<namespace>")
    return registry.rstrip("/")


def push_all(results: list[Packaged], registry: str, plain_http: bool = False) -> list[str]:
    """push() every packaged chart, in order.

    Args: results: Packaged (their archives); registry, plain_http: as push.
    Returns: the pushed references.  Raises: UsageError with Helm's message at the first failure."""
    pushed = []
    for result in results:
        try:
            pushed.append(push(result.archive, registry, plain_http))
        except helm.RenderError as exc:
            raise UsageError(f"helm push {result.archive.name}: {exc.stderr.strip()}") from None
    return pushed


def push(archive: Path | str, registry: str, plain_http: bool = False) -> str:
    """``helm push`` an archive to an OCI registry.

    Args: archive: a .tgz; registry: ``oci://<host>/<namespace>``; plain_http: no TLS (a loopback
        test registry). Returns: the pushed reference ``<registry>/<chart>:<version>``.
    Raises: UsageError for a registry that is not ``oci://``; helm.RenderError with Helm's message."""
    registry = check_registry(registry)
    cmd = [helm.helm_binary(4), "push", str(archive), registry]
    if plain_http:
        cmd.append("--plain-http")
    helm.run(cmd)
    with tarfile.open(archive, "r:gz") as tar:
        top = next(m for m in tar.getnames() if m.count("/") == 1 and m.endswith("/Chart.yaml"))
        meta = yaml.safe_load(tar.extractfile(top).read())
    return f"{registry}/{meta['name']}:{meta['version']}"


def package_charts(chart_dirs: list[Path], destination: Path | str, url: str, say=lambda _msg: None) -> list[Packaged]:
    """Stage, package and inspect each chart (stage, package, inspect).

    Args: chart_dirs: chart directories; destination: directory for the archives; url: source_url();
        say: progress callable(str).
    Returns: list of Packaged, one per chart, in order (check ``problems`` before publishing).
    Raises: UsageError as stage, or with Helm's message when packaging fails."""
    results = []
    with tempfile.TemporaryDirectory(prefix="package-charts-") as tmp:
        for number, chart_dir in enumerate(chart_dirs, 1):
            say(f"[{number}/{len(chart_dirs)}] {chart_dir.name}: staging and packaging ...")
            try:
                archive = package(stage(chart_dir, Path(tmp), url), destination)
            except helm.RenderError as exc:
                raise UsageError(f"{chart_dir.name}: {exc.stderr.strip() or exc}") from None
            results.append(inspect(archive, chart_dir))
    return results


def describe(result: Packaged) -> list[str]:
    """Report lines for one packaged chart: a summary line, then one indented line per problem.

    Args: result: a Packaged.  Returns: list of str."""
    status = "ok" if not result.problems else f"{len(result.problems)} problem(s)"
    head = (f"{paths.display_path(result.archive)}: {status}: {result.entries} entries, "
            f"{result.archive.stat().st_size / 1024:.0f} KiB, embeds {len(result.subcharts)} chart(s), "
            f"{len(result.images)} image(s)")
    return [head] + [f"  {p}" for p in result.problems]
