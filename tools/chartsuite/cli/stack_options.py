"""The stack command's options, with the standard library only: ``bin/stack --help`` answers from
here without the set-up (no virtual environment, Helm or checkov needed).

  python3 -m chartsuite.cli.stack_options --help   (PYTHONPATH=tools; what bin/stack --help runs)
"""
from __future__ import annotations

import argparse

from chartsuite.model.kube import DEFAULT_KUBE_VERSIONS  # standard library only

DEFAULT_INSTALL = "examples/stack-kind-laptop.yaml"
UMBRELLA_RELEASE = "stack"  # release and namespace of an umbrella install (another chart: its name)
UMBRELLA_NAMESPACE = "bigdata"

DESCRIPTION = """\
The main job. First the values file to install (--install) is linted, rendered and validated; then
every chart profile of the repository (chart defaults, charts/<chart>/ci/*-values.yaml,
examples/*.yaml) is linted, rendered with Helm 4 (and Helm 3), validated against strict Kubernetes
schemas, sized (footprint) and scanned with checkov. When all of that passes and the current
kubeconfig context reaches a cluster, the command prints the context, cluster and API server, asks
before installing (or needs --yes when nobody can answer), creates the Secrets the values file names
but the cluster lacks, and runs helm upgrade --install --wait (rolled back on failure)."""

EPILOG = """\
set-up: bin/stack first runs `bin/setup --tools` (a Python virtual environment with the pinned
requirements, checkov, Helm 3 and Helm 4 under .tools/); it installs no Debian packages (those are
for bin/test, see README.md). --help needs none of it.

exit status: 0 checks passed (and the install, when one ran, succeeded; or it was declined),
1 a problem was found, the install failed or was not confirmed, 2 usage error."""


def build_parser() -> argparse.ArgumentParser:
    """The stack command's argument parser (prog "stack").  Returns: argparse.ArgumentParser whose
    namespace has helm ("3"|"4"|"both"), kube_versions (list[str] | None), install (str path),
    chart, release, namespace (str | None), no_install and yes (bool), workers (int)."""
    parser = argparse.ArgumentParser(prog="stack", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--helm", choices=("3", "4", "both"), default="both",
                        help="Helm versions to render with (default both; the install uses the first: 4)")
    parser.add_argument("--kube-version", action="append", dest="kube_versions", metavar="X.Y",
                        help="Kubernetes version to validate against (repeatable; default "
                             + " and ".join(DEFAULT_KUBE_VERSIONS) + ")")
    parser.add_argument("--install", default=DEFAULT_INSTALL, metavar="VALUES",
                        help=f"values file to check first and install when a cluster is reachable "
                             f"(default {DEFAULT_INSTALL})")
    parser.add_argument("--chart", help="chart of --install (default: its '# chart:' comment, else umbrella)")
    parser.add_argument("--release", help=f"release name (default: {UMBRELLA_RELEASE} for the umbrella, else the "
                                          "chart name)")
    parser.add_argument("--namespace", help=f"namespace (default: {UMBRELLA_NAMESPACE} for the umbrella, else the "
                                            "chart name)")
    parser.add_argument("--no-install", action="store_true", help="only check, never install")
    parser.add_argument("--yes", "-y", action="store_true",
                        help="install into the current kube-context without asking (needed when stdin is not a terminal)")
    parser.add_argument("--workers", type=int, default=3, help="parallel renders (default 3)")
    return parser


if __name__ == "__main__":
    build_parser().parse_args()
