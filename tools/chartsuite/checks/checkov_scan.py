"""checkov (https://www.checkov.io) over rendered manifests: many renders in one checkov process,
a skip list with a reason per check ID, and per-resource skip annotations that must still be needed.

How a scan works:

1. ``write_scan_dir`` writes each render (a "profile": one chart with one values file) to its own
   file. checkov's graph checks (``CKV2_K8S_*``, e.g. "every pod has a NetworkPolicy") join objects
   across ALL files by labels and names and ignore namespaces, so in these scan copies each
   profile's namespace and ``app.kubernetes.io/instance`` label get a profile tag, and a
   NetworkPolicy for every pod (``podSelector: {}``) selects that tagged label: a NetworkPolicy of
   one profile cannot cover the pods of another. For every object that carries checkov skip
   annotations (``checkov.io/skip<N>: <ID>=<reason>``, the per-resource suppression checkov reads),
   a twin without those annotations goes into a second file, so the scan also shows whether each
   annotated skip is still needed.
2. ``run_checkov`` runs checkov once over the directory (``--framework kubernetes -o json``) and
   ``parse_report`` turns its JSON into ``Finding`` records.
3. ``evaluate`` applies the skip list (``load_skips``: check ID -> reason) and returns a ``Verdict``:
   failed checks not on the list, listed IDs that fail nowhere (stale), annotation skips whose twin
   passes (stale) and profiles checkov did not scan.
"""
from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import yaml

from chartsuite.errors import UsageError
from chartsuite.model.paths import REPO_ROOT, TOOLS_BIN_DIR

SKIP_ANNOTATION_PREFIX = "checkov.io/skip"
INSTANCE_LABEL = "app.kubernetes.io/instance"
CHECK_ID = re.compile(r"^CKV2?_K8S_[0-9]+$")
TWIN_SUFFIX = "-unskipped"
DEFAULT_TIMEOUT = 600
# Check IDs skipped for every object, each with its reason (the test suite and bin/stack read it).
SKIPS_FILE = REPO_ROOT / "tests" / "render" / "checkov-skips.yaml"


def checkov_binary() -> str:
    """Path of the checkov program.

    Order: env ``CHECKOV``; ``.tools/checkov-venv/bin/checkov`` (bin/setup installs the version pinned
    in requirements-checkov.txt there); ``checkov`` on PATH.
    Returns: str path.  Raises: UsageError naming bin/setup when none is found.
    """
    env = os.environ.get("CHECKOV")
    if env:
        return env
    local = TOOLS_BIN_DIR / "checkov-venv" / "bin" / "checkov"
    if local.is_file() and os.access(local, os.X_OK):
        return str(local)
    on_path = shutil.which("checkov")
    if on_path:
        return on_path
    raise UsageError("no checkov: run bin/setup (it installs .tools/checkov-venv/bin/checkov) "
                     "or set CHECKOV=/path/to/checkov")


def load_skips(path: Path | str) -> dict[str, str]:
    """The skip list: a YAML mapping of checkov check ID (``CKV_K8S_<n>`` / ``CKV2_K8S_<n>``) to the
    reason it is skipped for every object.

    Args: path: the YAML file.
    Returns: dict ID -> reason (str, stripped).
    Raises: UsageError listing every problem: unreadable or not a mapping, an ID that is not a
        Kubernetes check ID, a reason that is missing, not text, or shorter than 20 characters
        (a reason has to say why, not just "n/a").
    """

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(f"{path}: cannot read the checkov skip list: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: the checkov skip list must be a mapping of check ID to reason")
    problems = []
    out = {}
    for check_id, reason in data.items():
        if not isinstance(check_id, str) or not CHECK_ID.match(check_id):
            problems.append(f"{path}: {check_id!r}: not a checkov Kubernetes check ID (CKV_K8S_<n> or CKV2_K8S_<n>)")
        elif not isinstance(reason, str) or len(reason.strip()) < 20:
            problems.append(f"{path}: {check_id}: needs its reason (text of at least 20 characters), got {reason!r}")
        else:
            out[check_id] = " ".join(reason.split())
    if problems:
        raise UsageError("\n".join(problems))
    return out


def annotation_skips(obj: Mapping) -> dict[str, str]:
    """The checkov skips an object carries in ``metadata.annotations``.

    checkov reads every annotation whose key contains ``checkov.io/skip`` and splits its value at
    ``=`` into check ID and reason (checkov/kubernetes/kubernetes_utils.py, checkov 3.3).
    Args: obj: a Kubernetes object.  Returns: dict ID -> reason ("" when the value has no ``=``).
    """
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    out = {}
    for key, value in annotations.items():
        if SKIP_ANNOTATION_PREFIX in str(key):
            check_id, _, reason = str(value).partition("=")
            out[check_id.strip()] = reason.strip()
    return out


def _without_skip_annotations(obj: dict) -> dict:
    out = copy.deepcopy(obj)
    meta = out.get("metadata") or {}
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items() if SKIP_ANNOTATION_PREFIX not in str(k)}
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    return out


def _isolate(obj: dict, namespace: str, release: str, tag: str) -> dict:
    """Scan copy of one object: _retag, and a NetworkPolicy selecting every pod (``podSelector: {}``)
    selects the pods of its own profile only (checkov would join it to the pods of every file)."""
    out = _retag(obj, namespace, release, tag)
    spec = out.get("spec") if out.get("kind") == "NetworkPolicy" else None
    if isinstance(spec, dict) and not (spec.get("podSelector") or {}):
        spec["podSelector"] = {"matchLabels": {INSTANCE_LABEL: f"{release}{tag}"}}
    return out


def _retag(node, namespace: str, release: str, tag: str):
    """Copy of node with every ``namespace: <namespace>`` and ``app.kubernetes.io/instance: <release>``
    (labels, selectors, RBAC subjects) suffixed with tag."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "namespace" and value == namespace:
                out[key] = f"{namespace}{tag}"
            elif key == INSTANCE_LABEL and value == release:
                out[key] = f"{release}{tag}"
            else:
                out[key] = _retag(value, namespace, release, tag)
        return out
    if isinstance(node, list):
        return [_retag(item, namespace, release, tag) for item in node]
    return node


@dataclass(frozen=True)
class ScanFile:
    """One file of a scan directory.  Fields: profile (the caller's name for the render), tag (the
    suffix its namespace and instance label got), twin (True for the copy without skip annotations)."""

    profile: str
    tag: str
    twin: bool = False


def write_scan_dir(profiles: Mapping[str, Sequence[dict]], directory: Path | str, namespace: str,
                   release: str) -> dict[str, ScanFile]:
    """Write one YAML file per profile (plus one per profile with skip-annotated objects: their
    twins without the annotations) into directory, isolated from each other as the module
    docstring explains.

    Args: profiles: profile name -> the rendered objects (not modified); directory: an existing,
        empty directory whose path has no hidden (dot) folder (checkov ignores those);
        namespace / release: what the renders used (``helm template --namespace``, release name).
    Returns: dict file name -> ScanFile.
    Raises: UsageError when the directory path is hidden from checkov.
    """

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    directory = Path(directory)
    if "/." in str(directory.resolve()):
        raise UsageError(f"{directory}: checkov skips paths inside hidden folders; scan elsewhere")
    files = {}
    for index, (profile, objects) in enumerate(profiles.items()):
        tag = f"--p{index:03d}"
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", profile)[:80]
        name = f"p{index:03d}-{slug}.yaml"
        docs = [_isolate(obj, namespace, release, tag) for obj in objects]
        (directory / name).write_text(yaml.dump_all(docs, Dumper=dumper, sort_keys=False), encoding="utf-8")
        files[name] = ScanFile(profile, tag)
        twins = [_isolate(_without_skip_annotations(o), namespace, release, tag + TWIN_SUFFIX)
                 for o in objects if annotation_skips(o)]
        if twins:
            twin_name = f"p{index:03d}-{slug}{TWIN_SUFFIX}.yaml"
            (directory / twin_name).write_text(yaml.dump_all(twins, Dumper=dumper, sort_keys=False), encoding="utf-8")
            files[twin_name] = ScanFile(profile, tag + TWIN_SUFFIX, twin=True)
    return files


def run_checkov(directory: Path | str, timeout: int = DEFAULT_TIMEOUT) -> dict:
    """Run checkov once over directory: ``--framework kubernetes -o json --compact --skip-download``
    (no download of guidelines or checks, so it runs offline).

    HELM_NAMESPACE is removed from checkov's environment: CKV_K8S_21 (default namespace) passes
    every object while it is set, whatever the object says.
    Args: directory; timeout: seconds.
    Returns: the JSON report (dict with ``results`` and ``summary``); a scan that found no
        resources returns ``{"results": {}, "summary": {...}}``.
    Raises: UsageError when checkov is missing, times out, exits with a status other than 0
        (no failed check) or 1 (failed checks), or prints something that is not its JSON report;
        the message holds the command and checkov's stderr.
    """
    cmd = [checkov_binary(), "-d", str(directory), "--framework", "kubernetes", "-o", "json",
           "--compact", "--skip-download"]
    env = {k: v for k, v in os.environ.items() if k != "HELM_NAMESPACE"}
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        raise UsageError(f"{' '.join(cmd)}: no result within {timeout} s") from None
    except OSError as exc:
        raise UsageError(f"{' '.join(cmd)}: cannot run checkov: {exc}") from None
    if proc.returncode not in (0, 1):
        raise UsageError(f"{' '.join(cmd)} failed (exit {proc.returncode}):\n{proc.stderr.strip()[-4000:]}")
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise UsageError(f"{' '.join(cmd)}: output is not JSON:\n{proc.stdout[:2000]}\n{proc.stderr[-2000:]}") from None
    if isinstance(report, list):  # one report per framework; only kubernetes ran
        report = next((r for r in report if r.get("check_type") == "kubernetes"), {})
    if not isinstance(report, dict):
        raise UsageError(f"{' '.join(cmd)}: unexpected JSON report: {str(report)[:500]}")
    report.setdefault("results", {})
    return report


@dataclass(frozen=True)
class Finding:
    """One check result.  Fields: check_id, check_name, status ("passed", "failed" or "skipped"),
    resource (checkov's id, ``Kind.namespace.name`` with the scan tags removed), file (name in
    the scan directory), reason (the skip annotation's reason for "skipped", else "")."""

    check_id: str
    check_name: str
    status: str
    resource: str
    file: str
    reason: str = ""


def _display_resource(resource: str, tag: str) -> str:
    resource = resource.replace(tag, "")
    # A pod template's id is Pod.<namespace>.<parent name>.<its labels>: keep the name.
    match = re.match(r"^(Pod\.[^.]+\.[^.]+)\..*/", resource)
    return f"{match.group(1)} (pod template)" if match else resource


def parse_report(report: Mapping, files: Mapping[str, ScanFile]) -> list[Finding]:
    """Findings of a run_checkov report for the files write_scan_dir wrote.

    Args: report: run_checkov's result; files: write_scan_dir's result.
    Returns: list of Finding (results of files not in files are left out).
    """
    out = []
    results = report.get("results") or {}
    for status in ("passed", "failed", "skipped"):
        for item in results.get(f"{status}_checks") or []:
            name = Path(item.get("file_path", "")).name
            scan_file = files.get(name)
            if scan_file is None:
                continue
            reason = (item.get("check_result") or {}).get("suppress_comment", "") if status == "skipped" else ""
            out.append(Finding(item["check_id"], item.get("check_name", ""), status,
                               _display_resource(item.get("resource", "?"), scan_file.tag), name, reason or ""))
    return out


@dataclass
class Verdict:
    """What evaluate found.  Fields: failures (Findings failed and not on the skip list),
    stale_skips (skip-list IDs that no profile fails), stale_annotations (Findings skipped by an
    annotation whose twin without annotations passes that check), unscanned (profiles checkov
    reported nothing for), skipped_by_list (ID -> number of failures the list skipped),
    skipped_by_annotation (the Findings annotations skipped)."""

    failures: list[Finding] = field(default_factory=list)
    stale_skips: list[str] = field(default_factory=list)
    stale_annotations: list[Finding] = field(default_factory=list)
    unscanned: list[str] = field(default_factory=list)
    skipped_by_list: dict[str, int] = field(default_factory=dict)
    skipped_by_annotation: list[Finding] = field(default_factory=list)

    def failure_lines(self, files: Mapping[str, ScanFile]) -> list[str]:
        """One line per failed check not skipped: ``ID (name) failed: resource in profile``.
        Args: files: write_scan_dir's result.  Returns: list of str."""
        return [f"{f.check_id} ({f.check_name}) failed: {f.resource} in {files[f.file].profile}"
                for f in self.failures]

    def problems(self, files: Mapping[str, ScanFile], skips_file: str = "the skip list") -> list[str]:
        """One line per problem, naming the check ID, the resource and the profile.

        Args: files: write_scan_dir's result; skips_file: how to name the skip list in messages.
        Returns: list of str (empty when the verdict is clean).
        """
        lines = self.failure_lines(files)
        for check_id in self.stale_skips:
            lines.append(f"{check_id} is in {skips_file} but no rendered profile fails it: remove it")
        for f in self.stale_annotations:
            lines.append(f"{f.check_id} is skipped by a checkov.io/skip annotation on {f.resource} in "
                         f"{files[f.file].profile}, but that object passes it without the annotation: remove the skip")
        for profile in self.unscanned:
            lines.append(f"checkov reported no result for {profile}: the file was not scanned")
        return lines


def evaluate(findings: Iterable[Finding], skips: Mapping[str, str], files: Mapping[str, ScanFile]) -> Verdict:
    """Apply the skip list to the findings of one scan.

    Rules: a failed check of a profile file is a failure unless its ID is in skips; an ID in skips
    must fail somewhere (else it is stale); every annotation skip of a profile file must fail in
    that object's twin (else it is stale); every profile file must have at least one result.
    Twins' own results count for nothing else.
    Args: findings: parse_report's result; skips: load_skips' result; files: write_scan_dir's result.
    Returns: Verdict.
    """
    findings = list(findings)
    verdict = Verdict()
    twin_failures = {(files[f.file].profile, f.resource, f.check_id)
                     for f in findings if files[f.file].twin and f.status == "failed"}
    seen_files = {f.file for f in findings}
    for f in findings:
        if files[f.file].twin:
            continue
        if f.status == "failed":
            if f.check_id in skips:
                verdict.skipped_by_list[f.check_id] = verdict.skipped_by_list.get(f.check_id, 0) + 1
            else:
                verdict.failures.append(f)
        elif f.status == "skipped":
            verdict.skipped_by_annotation.append(f)
            if (files[f.file].profile, f.resource, f.check_id) not in twin_failures:
                verdict.stale_annotations.append(f)
    verdict.stale_skips = sorted(set(skips) - set(verdict.skipped_by_list))
    verdict.unscanned = [s.profile for name, s in files.items() if not s.twin and name not in seen_files]
    return verdict
