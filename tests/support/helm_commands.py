"""Helm commands only the tests run: ``helm install --dry-run=client`` (for NOTES.txt) and
``helm lint --strict`` (built on chartsuite.helm)."""
from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Iterable

from chartsuite.helm import DEFAULT_TIMEOUT, value_args, helm_binary, parse_documents, run


def install_dry_run(chart_dir: Path | str, values_files: Iterable[Path | str] = (), release: str = "test",
                    namespace: str = "default", major: int = 4,
                    timeout: int = DEFAULT_TIMEOUT) -> tuple[list[dict], str]:
    """``helm install --dry-run=client``: the objects and the rendered NOTES.txt of an install.

    ``helm template`` does not render NOTES.txt; this does, with no cluster (``lookup`` returns
    nothing, as in a first install). Args: as render(). Returns: (objects, notes text; "" when the
    chart has no NOTES.txt). Raises: RenderError when helm fails or times out; UsageError without Helm.
    """
    cmd = [helm_binary(major), "install", release, str(chart_dir), "--namespace", namespace,
           "--dry-run=client"] + value_args(values_files, None)
    out = run(cmd, timeout)
    notes = out.split("\nNOTES:\n", 1)[1] if "\nNOTES:\n" in out else ""
    manifest = out.split("\nMANIFEST:\n", 1)[1] if "\nMANIFEST:\n" in out else ""
    manifest = manifest.split("\nNOTES:\n", 1)[0]
    return parse_documents(manifest), notes


def lint(chart_dir: Path | str, values_files: Iterable[Path | str] = (), major: int = 4,
         timeout: int = DEFAULT_TIMEOUT) -> tuple[bool, str]:
    """``helm lint --strict`` a chart with the given values files.

    Args: chart_dir; values_files: ``-f`` files; major: 3 or 4; timeout: seconds.
    Returns: (ok, combined stdout+stderr).  Raises: UsageError when no Helm binary is available.
    """
    cmd = [helm_binary(major), "lint", "--strict", str(chart_dir)] + value_args(values_files, None)
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, f"helm lint timed out after {timeout}s"
    return proc.returncode == 0, (proc.stdout + proc.stderr)
