"""Upgrade safety: changes between two renders of a chart that ``helm upgrade`` cannot apply.

Kubernetes rejects an update that changes an immutable field (Helm 3's three-way merge patch and
Helm 4's server-side apply both end in such an update), so the release fails and an operator must
delete the object by hand. Sources (Kubernetes API reference and
kubernetes/kubernetes pkg/apis/{apps,core,batch}/validation/validation.go):

- apps/v1 StatefulSetSpec: only ``replicas``, ``ordinals``, ``template``, ``updateStrategy``,
  ``persistentVolumeClaimRetentionPolicy`` and ``minReadySeconds`` may change
  (ValidateStatefulSetUpdate: "updates to statefulset spec for fields other than ... are
  forbidden"), so ``selector``, ``serviceName``, ``volumeClaimTemplates`` and
  ``podManagementPolicy`` are immutable.
- apps/v1 DeploymentSpec / DaemonSetSpec ``selector``: "It must match the pod template's labels"
  and is immutable in apps/v1 (ValidateDeploymentUpdate / ValidateDaemonSetUpdate:
  "field is immutable").
- core/v1 ServiceSpec ``clusterIP``: "cannot be updated"; a Service switches between headless
  (``None``) and an allocated IP only by delete and create; ``type: ExternalName`` has no
  cluster IP, so changing to or from it is the same switch.
- core/v1 PersistentVolumeClaimSpec: after creation only ``resources.requests`` may change, and
  storage only upwards ("field can not be less than previous value"); ``accessModes`` and
  ``storageClassName`` are immutable (ValidatePersistentVolumeClaimUpdate).
- batch/v1 JobSpec ``template``: immutable (ValidateJobSpecUpdate), except for hooks: Helm
  deletes a hook before creating it again (default ``helm.sh/hook-delete-policy:
  before-hook-creation``), so hook objects are skipped altogether.

A StatefulSet with volumeClaimTemplates that disappears (removed or renamed) leaves its
PersistentVolumeClaims behind: that is reported as a ``note:`` line, which does not fail.
"""
from __future__ import annotations

import concurrent.futures
import copy
import io
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import yaml

from chartsuite import helm
from chartsuite.errors import UsageError
from chartsuite.model import profiles
from chartsuite.model.paths import REPO_ROOT
from chartsuite.model.quantity import parse_quantity

HOOK_ANNOTATION = "helm.sh/hook"


def _key(obj: dict) -> tuple[str, str, str]:
    meta = obj.get("metadata") or {}
    return (str(obj.get("kind", "")), str(meta.get("namespace") or ""), str(meta.get("name", "")))


def _is_hook(obj: dict) -> bool:
    return HOOK_ANNOTATION in ((obj.get("metadata") or {}).get("annotations") or {})


def _get(obj, path: str):
    """obj["a"]["b"]... for a dotted path; None when any step is missing."""
    for part in path.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def _show(value) -> str:
    if value is None:
        return "(unset)"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def _label(obj_key: tuple[str, str, str]) -> str:
    kind, _ns, name = obj_key
    return f"{kind}/{name}"


def _field(label: str, field: str, old, new) -> str:
    return f"{label}: {field} changed: {_show(old)} -> {_show(new)}"


def _same_quantity(a, b) -> bool:
    try:
        return parse_quantity(a) == parse_quantity(b)
    except (ValueError, TypeError, ArithmeticError):
        return a == b


def _claim_problems(label: str, prefix: str, old: dict, new: dict, growable: bool) -> list[str]:
    """Problems between two PVC specs (``growable``: storage may grow, as for a standalone PVC)."""
    out = []
    for name in ("accessModes", "storageClassName"):
        if _get(old, name) != _get(new, name):
            out.append(_field(label, f"{prefix}{name}", _get(old, name), _get(new, name)))
    field = "resources.requests.storage"
    o, n = _get(old, field), _get(new, field)
    if o != n and not _same_quantity(o, n):
        shrink = True
        if growable and o is not None and n is not None:
            try:
                shrink = parse_quantity(n) < parse_quantity(o)
            except (ValueError, TypeError, ArithmeticError):
                shrink = True
        if shrink:
            what = "shrunk" if growable else "changed"
            out.append(f"{label}: {prefix}{field} {what}: {_show(o)} -> {_show(n)}")
    return out


def _rest_of_claim(template: dict) -> dict:
    """A claim template without the fields _claim_problems compares (quantities are compared by
    value there: 1Gi == 1024Mi)."""

    rest = copy.deepcopy(template)
    spec = rest.get("spec")
    if isinstance(spec, dict):
        for key in ("accessModes", "storageClassName", "selector"):
            spec.pop(key, None)
        requests = _get(spec, "resources.requests")
        if isinstance(requests, dict):
            requests.pop("storage", None)
    return rest


def _statefulset(label: str, old: dict, new: dict) -> list[str]:
    out = []
    os_, ns = old.get("spec") or {}, new.get("spec") or {}
    for name in ("selector", "serviceName", "podManagementPolicy"):
        if os_.get(name) != ns.get(name):
            out.append(_field(label, f"spec.{name}", os_.get(name), ns.get(name)))
    old_t = {_get(t, "metadata.name"): t for t in os_.get("volumeClaimTemplates") or []}
    new_t = {_get(t, "metadata.name"): t for t in ns.get("volumeClaimTemplates") or []}
    if list(old_t) != list(new_t):
        out.append(_field(label, "spec.volumeClaimTemplates names", list(old_t), list(new_t)))
    for name in old_t.keys() & new_t.keys():
        o, n = old_t[name], new_t[name]
        prefix = f"spec.volumeClaimTemplates[{name}].spec."
        found = _claim_problems(label, prefix, o.get("spec") or {}, n.get("spec") or {}, growable=False)
        if _get(o, "spec.selector") != _get(n, "spec.selector"):
            found.append(_field(label, prefix + "selector", _get(o, "spec.selector"), _get(n, "spec.selector")))
        ro, rn = _rest_of_claim(o), _rest_of_claim(n)
        if not found and ro != rn:  # the API rejects any other difference in a template too
            changed = sorted(k for k in (ro.keys() | rn.keys()) if ro.get(k) != rn.get(k))
            found.append(f"{label}: spec.volumeClaimTemplates[{name}] changed ({', '.join(changed)}): "
                         f"{_show(o)} -> {_show(n)}")
        out += found
    return out


def _service_mode(spec: dict) -> str:
    if spec.get("type") == "ExternalName":
        return "ExternalName"
    return "headless" if spec.get("clusterIP") == "None" else "ClusterIP"


def _service(label: str, old: dict, new: dict) -> list[str]:
    os_, ns = old.get("spec") or {}, new.get("spec") or {}
    out = []
    om, nm = _service_mode(os_), _service_mode(ns)
    if om != nm:
        if "ExternalName" in (om, nm):
            out.append(_field(label, "spec.type", os_.get("type", "ClusterIP"), ns.get("type", "ClusterIP")))
        else:
            out.append(f"{label}: spec.clusterIP changed ({om} -> {nm}): "
                       f"{_show(os_.get('clusterIP'))} -> {_show(ns.get('clusterIP'))}")
    elif os_.get("clusterIP") not in (None, "", "None") and os_.get("clusterIP") != ns.get("clusterIP") \
            and ns.get("clusterIP") not in (None, ""):
        out.append(_field(label, "spec.clusterIP", os_.get("clusterIP"), ns.get("clusterIP")))
    return out


def immutable_changes(old_objects: Iterable[dict], new_objects: Iterable[dict]) -> list[str]:
    """Changes from old_objects to new_objects that Kubernetes rejects on update (rules and sources:
    this module's docstring, from kubernetes/kubernetes pkg/apis/{apps,core,batch}/validation).

    Objects are paired by (kind, namespace, name); objects only on one side are creations or
    deletions, which Helm performs itself, except that a removed StatefulSet with
    volumeClaimTemplates gives a ``note: ...`` line (its PVCs stay behind). Helm hooks are skipped.
    Args: old_objects, new_objects: iterables of rendered objects (dicts; other items are ignored).
    Returns: list of str ``Kind/name: field changed: old -> new``, in (kind, namespace, name) order,
        notes last; callers count only the lines not starting with ``note:`` as failures (is_note)."""
    old = {_key(o): o for o in old_objects if isinstance(o, dict) and not _is_hook(o)}
    new = {_key(o): o for o in new_objects if isinstance(o, dict) and not _is_hook(o)}
    out: list[str] = []
    for key in sorted(old.keys() & new.keys()):
        o, n, label = old[key], new[key], _label(key)
        kind = key[0]
        if kind == "StatefulSet":
            out += _statefulset(label, o, n)
        elif kind in ("Deployment", "DaemonSet"):
            if _get(o, "spec.selector") != _get(n, "spec.selector"):
                out.append(_field(label, "spec.selector", _get(o, "spec.selector"), _get(n, "spec.selector")))
        elif kind == "Service":
            out += _service(label, o, n)
        elif kind == "PersistentVolumeClaim":
            out += _claim_problems(label, "spec.", o.get("spec") or {}, n.get("spec") or {}, growable=True)
        elif kind == "Job":
            if _get(o, "spec.template") != _get(n, "spec.template"):
                out.append(f"{label}: spec.template changed (a Job's pod template is immutable; "
                           f"make it a hook or give the Job a new name)")
    for key in sorted(old.keys() - new.keys()):
        if key[0] == "StatefulSet" and _get(old[key], "spec.volumeClaimTemplates"):
            names = [_get(t, "metadata.name") for t in _get(old[key], "spec.volumeClaimTemplates")]
            out.append(f"note: {_label(key)} removed: the PersistentVolumeClaims of its "
                       f"volumeClaimTemplates {_show(names)} are left behind (data orphaned)")
    return out


def is_note(message: str) -> bool:
    """True for a warning line (``note: ...``) that does not fail the check.

    Args: message: str.  Returns: bool."""
    return message.startswith("note:")


# --- rendering a chart as it was at an earlier commit -------------------------------------------

RELEASE = "upgrade"
NAMESPACE = "upgrade"


def git(*args: str, cwd: Path | str = REPO_ROOT) -> str:
    """Run git.  Args: args: git arguments (str); cwd: directory, default REPO_ROOT.
    Returns: stdout (str).  Raises: subprocess.CalledProcessError on a non-zero exit."""
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


def chart_paths(chart: str, root: Path = REPO_ROOT) -> list[str]:
    """Repository paths a chart's rendering depends on: charts/<chart>, charts/common, and every
    chart it embeds through a symlink under charts/<chart>/charts/ (recursively).

    Args: chart: chart directory name; root: repository root (default REPO_ROOT).
    Returns: sorted list of ``charts/<name>`` strings."""
    charts_dir = (Path(root) / "charts").resolve()
    seen: set[str] = set()
    todo = [chart, "common"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        sub = charts_dir / name / "charts"
        if sub.is_dir():
            for entry in sub.iterdir():
                target = entry.resolve()
                if target.parent == charts_dir:
                    todo.append(target.name)
    return sorted(f"charts/{n}" for n in seen)


def base_revision(chart: str, root: Path = REPO_ROOT) -> str:
    """The chart's version on main before the change under test.

    When charts/<chart> (or a chart it embeds, charts/common included: chart_paths) has uncommitted
    changes, or no commit touched them: HEAD. Otherwise the parent of the most recent commit that
    touched those paths.
    Args: chart: chart directory name; root: repository root.
    Returns: a revision (commit id or "HEAD").
    Raises: UsageError when no commit before the change exists (the chart came with the first commit);
        subprocess.CalledProcessError when git status or log fails (e.g. root is not a repository)."""
    paths = chart_paths(chart, root)
    if git("status", "--porcelain", "--", *paths, cwd=root).strip():
        return "HEAD"
    last = git("log", "-1", "--format=%H", "--", *paths, cwd=root).strip()
    if not last:
        return "HEAD"
    try:
        return git("rev-parse", "--verify", "--quiet", f"{last}^", cwd=root).strip()
    except subprocess.CalledProcessError:
        raise UsageError(f"{chart}: {last[:12]} is the first commit, there is no earlier version") from None


VERSION = re.compile(r"^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$")


def released_revision(chart: str, version: str, root: Path = REPO_ROOT) -> str:
    """The revision of a chart's released version: its release tag ``<chart>-<version>``
    (chartsuite.release) when the checkout has it, else the last commit whose
    charts/<chart>/Chart.yaml had that version (the commit before the one that changed it).

    Args: chart: chart directory name; version: e.g. "0.2.0" (a leading "v" is dropped); root:
        repository root.
    Returns: a revision (tag name or commit id).
    Raises: UsageError when neither exists, or when the version is the chart's current, unreleased
        one (no tag: there is nothing earlier to compare with)."""
    version = version.removeprefix("v")
    tag = f"{chart}-{version}"
    try:
        git("rev-parse", "--verify", "--quiet", f"refs/tags/{tag}", cwd=root)
        return tag
    except subprocess.CalledProcessError:
        pass
    newer = None  # the commit after the one being looked at (history is listed newest first)
    for commit in git("log", "--format=%H", "--", f"charts/{chart}/Chart.yaml", cwd=root).split():
        try:
            meta = yaml.safe_load(git("show", f"{commit}:charts/{chart}/Chart.yaml", cwd=root)) or {}
        except (subprocess.CalledProcessError, yaml.YAMLError):
            meta = {}
        if str(meta.get("version")) == version:
            if newer is None:
                raise UsageError(f"{chart}: {version} is the chart's current version and has no tag "
                                 f"{tag}: there is no released {version} to compare with")
            return f"{newer}^"
        newer = commit
    raise UsageError(f"{chart}: no tag {tag} and no commit where charts/{chart}/Chart.yaml has version {version}")


def chart_exists_at(rev: str, chart: str, root: Path = REPO_ROOT) -> bool:
    """True when charts/<chart>/Chart.yaml exists at rev (any git failure counts as absent).

    Args: rev: a revision; chart: chart directory name; root: repository root.  Returns: bool."""
    try:
        git("cat-file", "-e", f"{rev}:charts/{chart}/Chart.yaml", cwd=root)
        return True
    except subprocess.CalledProcessError:
        return False


def extract_charts(rev: str, dest: Path, root: Path = REPO_ROOT) -> Path:
    """``git archive <rev> charts`` unpacked under dest (symlinks kept).

    Args: rev: a revision; dest: directory (Path or str; created when missing); root: repository root.
    Returns: dest/charts (Path).
    Raises: UsageError when git fails (unknown revision, no charts/ there)."""
    proc = subprocess.run(["git", "archive", "--format=tar", rev, "charts"], cwd=root,
                          capture_output=True)
    if proc.returncode != 0:
        raise UsageError(f"git archive {rev} charts failed: {proc.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as tar:
        try:
            tar.extractall(dest, filter="tar")
        except TypeError:  # Python without extraction filters
            tar.extractall(dest)
    return Path(dest) / "charts"


@dataclass
class ProfileResult:
    """One profile's comparison. status: "compared", "not comparable" (the old chart could not
    render these values; reason says why) or "error" (the current chart failed to render)."""

    chart: str
    profile: str
    status: str
    problems: list[str] = field(default_factory=list)
    reason: str = ""

    @property
    def failures(self) -> list[str]:
        """The problems that fail the check (not ``note:`` lines).  Returns: list of str."""
        return [p for p in self.problems if not is_note(p)]


@dataclass
class ChartResult:
    """A chart's comparison against base (skipped with a reason when it did not exist there)."""

    chart: str
    base: str
    profiles: list[ProfileResult] = field(default_factory=list)
    skipped: str = ""


def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip() and not ln.startswith("level=")]
    if not lines:
        return "(no output)"
    i = next((n for n, ln in enumerate(lines) if ln.startswith("Error")), 0)
    text = lines[i]
    if text.endswith(":") and i + 1 < len(lines):  # the schema error puts the reason on the next lines
        text += " " + " ".join(lines[i + 1:i + 3])
    return text[:400]


def check_charts(charts: list[str], base: str | None = None, root: Path = REPO_ROOT,
                 workers: int = 3, progress=None) -> list[ChartResult]:
    """Render every profile of every chart at its base revision and in the working tree (Helm 4,
    release and namespace "upgrade", values files from the working tree) and compare them
    (immutable_changes).

    Args: charts: chart directory names; base: revision for all charts, or a released version
        ("0.2.0": released_revision per chart) (default: base_revision
        per chart; a chart whose base_revision raises UsageError gets a skipped ChartResult); root:
        repository root; workers: parallel renders (int); progress: callable(str) for progress lines.
    Returns: list of ChartResult in the order of charts.
    Raises: UsageError for a missing Helm 4 (helm.helm_binary) or a failing git archive;
        subprocess.CalledProcessError when a revision does not resolve to a commit (callers check
        --base first)."""

    say = progress or (lambda _msg: None)
    root = Path(root)
    helm.helm_binary(4)  # UsageError early when there is no Helm 4
    results: list[ChartResult] = []
    with tempfile.TemporaryDirectory(prefix="check-upgrade-") as tmp:
        trees: dict[str, Path] = {}
        jobs = []  # (ChartResult, profile, old chart dir, values)
        for chart in charts:
            try:
                if base and VERSION.match(base):
                    rev = released_revision(chart, base, root)
                else:
                    rev = base or base_revision(chart, root)
            except UsageError as exc:
                results.append(ChartResult(chart, "", skipped=str(exc)))
                continue
            commit = git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", cwd=root).strip()
            result = ChartResult(chart, f"{rev} ({commit[:12]})" if rev != commit else commit[:12])
            results.append(result)
            if not chart_exists_at(commit, chart, root):
                result.skipped = f"charts/{chart} did not exist at {result.base}"
                continue
            if commit not in trees:
                trees[commit] = extract_charts(commit, Path(tmp) / commit, root)
            for profile, values in profiles.chart_profiles(chart, root):
                jobs.append((result, profile, trees[commit] / chart, values))

        def render(chart_dir, values):
            try:
                return helm.render(chart_dir, [values] if values else [], release=RELEASE,
                                   namespace=NAMESPACE, major=4)
            except helm.RenderError as err:
                return err

        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [(job, pool.submit(render, job[2], job[3]),
                        pool.submit(render, root / "charts" / job[0].chart, job[3])) for job in jobs]
            for (result, profile, _old_dir, _values), old_f, new_f in futures:
                old, new = old_f.result(), new_f.result()
                if isinstance(new, Exception):
                    pr = ProfileResult(result.chart, profile, "error",
                                       reason=f"current chart does not render: {_first_line(new.stderr)}")
                elif isinstance(old, Exception):
                    pr = ProfileResult(result.chart, profile, "not comparable",
                                       reason=f"chart at base does not render these values: "
                                              f"{_first_line(old.stderr)}")
                else:
                    pr = ProfileResult(result.chart, profile, "compared",
                                       problems=immutable_changes(old, new))
                result.profiles.append(pr)
                say(f"{result.chart} [{profile}]: {pr.status}"
                    + (f", {len(pr.failures)} immutable change(s)" if pr.failures else "")
                    + (f" ({pr.reason})" if pr.reason else ""))
    return results
