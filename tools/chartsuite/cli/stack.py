#!/usr/bin/env python3
"""Check the values file to install, then the whole suite, then install it after confirmation.

First the values file to install (``--install``, default examples/stack-kind-laptop.yaml, any path)
is linted and rendered, so a broken file of the user's fails before anything else. Then every
application chart and every profile (chart defaults, charts/<chart>/ci/*-values.yaml,
examples/*.yaml naming the chart): lint the values (schema + semantic rules), render with Helm 4
(and Helm 3 with ``--helm both``), validate the objects (strict Kubernetes schemas, references,
container resources/probes), print each profile's footprint (pods, CPU/memory requests and limits,
storage; tools/footprint.py); then checkov once over the Helm 4 renders (failed checks not on the
documented skip list, tests/render/checkov-skips.yaml, are problems). Then, when the current
kubeconfig context reaches a cluster, print the context, cluster and API server and ask before
installing (``--yes`` answers; without a terminal it is required), create the Secrets the values
file names but the cluster lacks and install with ``helm upgrade --install --wait --timeout 15m``
(rolled back on failure); with no cluster, say why the install was skipped and exit 0 if every check
passed. Options: chartsuite.cli.stack_options (``bin/stack --help``).
"""
from __future__ import annotations

import concurrent.futures as cf
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from kubernetes import client, config
from kubernetes.client.rest import ApiException
from kubernetes.config.config_exception import ConfigException

from chartsuite import helm
from chartsuite.checks import checkov_scan, footprint, manifests, password_secrets, values_lint
from chartsuite.cli import exit_with
from chartsuite.cli.stack_options import UMBRELLA_NAMESPACE, UMBRELLA_RELEASE, build_parser
from chartsuite.errors import UsageError
from chartsuite.model import paths
from chartsuite.model.paths import display_path
from chartsuite.model.profiles import chart_of_example
from chartsuite.model.yamlio import load_values

CHECK_NAMESPACE = UMBRELLA_NAMESPACE  # namespace of the checked renders (an install uses its own)


def say(msg: str) -> None:
    """Print a progress line (flushed, so it shows up live under CI)."""
    print(f"stack: {msg}", flush=True)


@dataclass
class Profile:
    """A chart plus the values files of one configuration (empty list: chart defaults)."""

    chart_dir: Path
    files: list[Path] = field(default_factory=list)

    @property
    def label(self) -> str:

        what = ", ".join(display_path(f) for f in self.files) or "defaults"
        return f"{self.chart_dir.name} [{what}]"


def discover_profiles() -> tuple[list[Profile], list[str]]:
    """Every (chart, values files) profile of the repo.  Returns: (profiles, usage errors)."""
    targets, errors = values_lint.discover()
    profiles = [Profile(t.chart_dir, [] if t.is_defaults else [p for p, _ in t.files]) for t in targets]
    return profiles, errors


def lint_profiles(profiles: list[Profile]) -> int:
    """Values lint of every profile (suite modules, no subprocess).  Returns: number of problems."""
    count = 0
    for prof in profiles:
        files = [(f, display_path(f)) for f in prof.files] or \
            [(prof.chart_dir / "values.yaml", display_path(prof.chart_dir / "values.yaml"))]
        target = values_lint.Target(prof.chart_dir, files, is_defaults=not prof.files)
        try:
            problems = values_lint.check_target(target)
        except UsageError as exc:
            say(f"lint {prof.label}: ERROR {exc}")
            count += 1
            continue
        for p in problems:
            say(f"  {p.format()}")
        count += len(problems)
        say(f"lint {prof.label}: {'ok' if not problems else f'{len(problems)} problems'}")
    return count


def render_and_check(prof: Profile, major: int, kube: tuple[str, ...], user_provided,
                     with_footprint: bool = False) -> tuple[str, list[str], float, list[dict], str | None]:
    """Render one profile with one Helm (namespace CHECK_NAMESPACE) and run every manifest check;
    with_footprint: also the profile's footprint totals line (chartsuite.checks.footprint, DaemonSets on 1 node).
    Returns: (label, problems, seconds, rendered objects ([] when the render failed), footprint
    line or None)."""

    start = time.monotonic()
    label = f"{prof.label} helm{major}"
    try:
        objects = helm.render(prof.chart_dir, prof.files, release=prof.chart_dir.name,
                              namespace=CHECK_NAMESPACE, major=major)
    except helm.RenderError as exc:
        return label, [f"render failed: {exc.stderr.strip()}"], time.monotonic() - start, [], None
    problems = manifests.check_objects(objects, kube, user_provided)
    line = None
    if with_footprint:
        try:
            line = footprint.totals_line(footprint.footprint(objects), prof.label)
        except ValueError as exc:
            problems.append(f"footprint: {exc}")
    return label, problems, time.monotonic() - start, objects, line


def print_render(result: tuple[str, list[str], float, list[dict], str | None]) -> int:
    """Print one render_and_check result: its problems, a summary line and its footprint line.
    Returns: the number of problems."""
    label, problems, secs, objects, footprint_line = result
    for p in problems:
        say(f"  {label}: {p}")
    say(f"render {label}: {len(objects)} objects, "
        f"{'ok' if not problems else f'{len(problems)} problems'} ({secs:.1f}s)")
    if footprint_line:
        say(footprint_line)
    return len(problems)


def checkov_problems(renders: dict[str, list[dict]]) -> list[str]:
    """checkov once over ``renders`` (profile label -> objects, rendered into CHECK_NAMESPACE with
    the chart name as release), judged against the skip list tests/render/checkov-skips.yaml and
    the charts' per-object skip annotations (chartsuite.checks.checkov_scan).
    Returns: one line per failed check not skipped (check ID, resource, profile); [] when clean.
    Raises: UsageError when checkov is missing (bin/setup installs it) or fails to run."""

    skips = checkov_scan.load_skips(checkov_scan.SKIPS_FILE)
    by_release: dict[str, dict[str, list[dict]]] = {}
    for label, objects in renders.items():
        by_release.setdefault(label.split(" ", 1)[0], {})[label] = objects
    with tempfile.TemporaryDirectory(prefix="stack-checkov-") as tmp:
        files = {}
        for release, profiles in by_release.items():  # write_scan_dir tags by release name
            sub = Path(tmp) / release
            sub.mkdir()
            files.update(checkov_scan.write_scan_dir(profiles, sub, CHECK_NAMESPACE, release))
        findings = checkov_scan.parse_report(checkov_scan.run_checkov(tmp), files)
    verdict = checkov_scan.evaluate(findings, skips, files)
    problems = verdict.failure_lines(files)
    passed = sum(1 for f in findings if f.status == "passed" and not files[f.file].twin)
    say(f"checkov: {len(renders)} renders, {passed} checks passed, {len(verdict.failures)} failed, "
        f"{sum(verdict.skipped_by_list.values())} skipped by the list and "
        f"{len(verdict.skipped_by_annotation)} by the charts' annotations, each with its reason")
    return problems


@dataclass
class ClusterTarget:
    """Where an install would go: the current kubeconfig context and whether its API server answers.

    reachable: GET /version answered; detail: the server version, or why not; context, cluster,
    server: the context's name, its cluster's name and the API server URL ("" when unknown)."""

    reachable: bool
    detail: str
    context: str = ""
    cluster: str = ""
    server: str = ""

    def describe(self) -> str:
        """One line naming the context, cluster and server, for the confirmation question."""
        return (f"kube-context '{self.context or '?'}' (cluster '{self.cluster or '?'}', "
                f"API server {self.server or '?'})")


def cluster_target(timeout: float = 5.0, config_file: str | None = None) -> ClusterTarget:
    """The current context of ``config_file`` (default: KUBECONFIG or ~/.kube/config; in a pod, its
    service account) and whether its API server answers GET /version within ``timeout`` seconds.
    Returns: ClusterTarget (never raises: a missing or broken kubeconfig is an unreachable target)."""
    context = cluster = ""
    try:
        config.load_kube_config(config_file=config_file)
        _, active = config.list_kube_config_contexts(config_file=config_file)
        context = active.get("name", "")
        cluster = (active.get("context") or {}).get("cluster", "")
    except (ConfigException, FileNotFoundError, OSError) as exc:
        try:
            config.load_incluster_config()
            context = cluster = "in-cluster"
        except ConfigException:
            return ClusterTarget(False, "no usable kubeconfig: "
                                 + (str(exc).splitlines()[0] if str(exc) else type(exc).__name__))
    server = client.Configuration.get_default_copy().host
    try:
        info = client.VersionApi().get_code(_request_timeout=timeout)
        return ClusterTarget(True, f"server {info.git_version}", context, cluster, server)
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return ClusterTarget(False, f"API server did not answer /version within {timeout:.0f}s: {text[:200]}",
                             context, cluster, server)


def confirm_install(question: str, yes: bool, stdin=None) -> bool | None:
    """Ask ``question`` (a y/N prompt on stdout) before an install into the current context.

    yes: --yes was given (no question); stdin: the file answers are read from (default sys.stdin).
    Returns: True to install, False when the user answered no, None when nobody can answer (stdin is
    not a terminal and --yes was not given)."""
    if yes:
        say(f"{question} yes (--yes)")
        return True
    stdin = sys.stdin if stdin is None else stdin
    if not stdin.isatty():
        return None
    print(f"stack: {question} [y/N] ", end="", flush=True)
    answer = stdin.readline().strip().lower()
    return answer in ("y", "yes")


def ensure_password_secrets(values_file: Path, namespace: str) -> None:
    """Create the namespace and every password Secret the values file expects but the cluster lacks
    (chartsuite.checks.password_secrets), with random passwords; print how to read them, never the values.
    Raises: kubernetes ApiException on API errors other than "not found"."""

    wanted = password_secrets.expected(load_values(values_file, str(values_file)))
    if not wanted:
        return
    core = client.CoreV1Api()
    try:
        core.read_namespace(namespace)
    except ApiException as exc:
        if exc.status != 404:
            raise
        core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=namespace)))
        say(f"created namespace {namespace}")
    for name, keys in sorted(wanted.items()):
        try:
            core.read_namespaced_secret(name, namespace)
            say(f"Secret {namespace}/{name} exists: using it")
            continue
        except ApiException as exc:
            if exc.status != 404:
                raise
        data = {k: password_secrets.random_password() for k in sorted(keys)}
        core.create_namespaced_secret(namespace, client.V1Secret(
            metadata=client.V1ObjectMeta(name=name, labels={"app.kubernetes.io/managed-by": "bigdata-stack-main-job"}),
            string_data=data))
        for key in sorted(keys):
            say(f"created Secret {namespace}/{name} with a random '{key}'; read it with: kubectl -n {namespace} "
                f"get secret {name} -o jsonpath='{{.data.{key}}}' | base64 -d")


def install(chart_dir: Path, values_file: Path, release: str, namespace: str, major: int) -> int:
    """``helm upgrade --install`` a profile and wait for it (rolls back on failure).
    Returns: helm's exit status."""

    binary = helm.helm_binary(major)
    rollback = "--rollback-on-failure" if major >= 4 else "--atomic"
    cmd = [binary, "upgrade", "--install", release, str(chart_dir), "-f", str(values_file),
           "--namespace", namespace, "--create-namespace", rollback, "--wait", "--timeout", "15m"]
    say("installing: " + " ".join(cmd))
    return subprocess.run(cmd).returncode


def install_profile(args) -> tuple[Profile, str, str]:
    """The profile ``--install`` names: (Profile(chart dir, [values file]), release, namespace).
    Raises: UsageError when the file or its chart does not exist."""
    values_file = Path(args.install)
    if not values_file.is_file():
        raise UsageError(f"--install {args.install}: no such file")
    chart_name = args.chart or chart_of_example(values_file)
    chart_dir = paths.find_chart_by_name(chart_name)
    if chart_dir is None:
        raise UsageError(f"no chart named '{chart_name}' for {args.install}")
    umbrella = chart_name == "umbrella"
    release = args.release or (UMBRELLA_RELEASE if umbrella else chart_name)
    namespace = args.namespace or (UMBRELLA_NAMESPACE if umbrella else chart_name)
    return Profile(chart_dir, [values_file.resolve()]), release, namespace


def same_profile(a: Profile, b: Profile) -> bool:
    """Whether two profiles are one chart with the same values files (paths compared resolved)."""
    return a.chart_dir.resolve() == b.chart_dir.resolve() and \
        [f.resolve() for f in a.files] == [f.resolve() for f in b.files]


def run(argv=None) -> int:
    """CLI entry point (options: chartsuite.cli.stack_options).
    Returns: exit status (0 ok or install declined, 1 problems, failed or unconfirmed install, 2 usage)."""

    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    kube = tuple(args.kube_versions or manifests.DEFAULT_KUBE_VERSIONS)
    majors = (4, 3) if args.helm == "both" else (int(args.helm),)
    started = time.monotonic()
    target, release, namespace = install_profile(args)

    say(f"step 1/4: the values file to install, {target.label}: lint, render with Helm {majors[0]}, validate")
    provided = {}

    def user_provided(prof: Profile):
        if prof.chart_dir not in provided:
            provided[prof.chart_dir] = manifests.load_user_provided(prof.chart_dir)
        return provided[prof.chart_dir] | manifests.user_provided_from_values(prof.files)

    failures = lint_profiles([target])
    target_objects: list[dict] = []
    if not failures:  # a render would only repeat the lint's problems, less precisely
        result = render_and_check(target, majors[0], kube, user_provided(target), True)
        failures += print_render(result)
        target_objects = result[3]
    if failures:
        say(f"{display_path(target.files[0])}: {failures} problems; fix them first (nothing else was checked, "
            "nothing installed)")
        return 1

    discovered, errors = discover_profiles()
    for e in errors:
        say(f"ERROR {e}")
    others = [p for p in discovered if not same_profile(p, target)]  # the target was checked in step 1
    say(f"{len(others) + 1} profiles in {len({p.chart_dir for p in [target, *others]})} charts")

    say("step 2/4: values lint of every profile (schema + semantic rules)")
    failures = len(errors) + lint_profiles(others)

    say(f"step 3/4: render every profile with Helm {' and '.join(map(str, majors))}, validate against "
        f"Kubernetes {', '.join(kube)}")
    jobs = [(target, major) for major in majors[1:]] + [(prof, major) for prof in others for major in majors]
    renders = {target.label: target_objects}
    with cf.ThreadPoolExecutor(max_workers=max(1, min(args.workers, 4))) as pool:
        futures = [pool.submit(render_and_check, prof, major, kube, user_provided(prof), major == majors[0])
                   for prof, major in jobs]
        for fut in cf.as_completed(futures):
            label, _, _, objects, _ = result = fut.result()
            failures += print_render(result)
            if label.endswith(f" helm{majors[0]}") and objects:
                renders[label.rsplit(" ", 1)[0]] = objects

    say(f"checkov over the Helm {majors[0]} renders (skip list with reasons: "
        f"{paths.display_path(checkov_scan.SKIPS_FILE)})")
    for p in checkov_problems(renders):
        say(f"  {p}")
        failures += 1
    say(f"checks done in {time.monotonic() - started:.1f}s: "
        f"{'all passed' if not failures else f'{failures} problems'}")
    if failures:
        say("install skipped: fix the problems above first")
        return 1

    say(f"step 4/4: install {target.label} as release {release} in namespace {namespace}")
    if args.no_install:
        say("--no-install given: skipped install")
        return 0
    cluster = cluster_target()
    if not cluster.reachable:
        where = f" through {cluster.describe()}" if cluster.context else ""
        say(f"no cluster reachable{where} ({cluster.detail}): skipped install")
        return 0
    say(f"cluster reachable: {cluster.describe()}, {cluster.detail}")
    answer = confirm_install(f"install release {release} into namespace {namespace} of {cluster.describe()}?",
                             args.yes)
    if answer is None:
        say("not installed: stdin is not a terminal, so nobody can confirm the kube-context above; "
            "run again with --yes to install there, or --no-install to only check")
        return 1
    if not answer:
        say("not installed: declined")
        return 0
    values_file = target.files[0]
    ensure_password_secrets(values_file, namespace)
    code = install(target.chart_dir, values_file, release, namespace, majors[0])
    say("install " + ("succeeded" if code == 0 else f"FAILED (helm exit {code})"))
    return 0 if code == 0 else 1


def main() -> None:
    """Run the CLI; exit statuses as in chartsuite.cli (usage errors 2, never a traceback)."""

    exit_with(run, "stack")


if __name__ == "__main__":
    main()
