"""Running Helm 3 / Helm 4 (``helm template`` and ``helm lint``) from Python."""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import yaml

from chartsuite.errors import UsageError
from chartsuite.model.paths import TOOLS_BIN_DIR

DEFAULT_TIMEOUT = 300


class RenderError(Exception):
    """``helm template`` failed. Attributes: cmd (list[str]), returncode (int), stderr (str)."""

    def __init__(self, cmd: Sequence[str], returncode: int, stderr: str):
        self.cmd = list(cmd)
        self.returncode = returncode
        self.stderr = stderr
        super().__init__(f"{' '.join(self.cmd)} failed (exit {returncode}):\n{stderr.strip()}")


@functools.lru_cache(maxsize=None)
def helm_major(binary: str) -> int | None:
    """Major version a helm binary reports with ``helm version --short`` (``v4.1.4+g...`` -> 4).

    Args: binary: path or command name.  Returns: int, or None when it does not run.
    """
    try:
        out = subprocess.run([binary, "version", "--short"], capture_output=True, text=True,
                             timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    if out.startswith("v") and out[1:].split(".", 1)[0].isdigit():
        return int(out[1:].split(".", 1)[0])
    return None


def helm_binary(major: int) -> str:
    """Path of a Helm binary of the given major version.

    Order: env ``HELM3``/``HELM4``; ``.tools/helm{3,4}/helm`` (bin/setup puts them there);
    ``helm`` on PATH when its major version matches.
    Args: major: 3 or 4.  Returns: str path.
    Raises: UsageError with a hint to run bin/setup when none is found.
    """
    if major not in (3, 4):
        raise UsageError(f"unsupported Helm major version {major} (3 or 4)")
    env = os.environ.get(f"HELM{major}")
    if env:
        return env
    local = TOOLS_BIN_DIR / f"helm{major}" / "helm"
    if local.is_file() and os.access(local, os.X_OK):
        return str(local)
    on_path = shutil.which("helm")
    if on_path and helm_major(on_path) == major:
        return on_path
    raise UsageError(f"no Helm {major} binary: run bin/setup (it installs .tools/helm{major}/helm) "
                     f"or set HELM{major}=/path/to/helm")


def value_args(values_files: Iterable[Path | str], set_values) -> list[str]:
    args: list[str] = []
    for f in values_files:
        args += ["-f", str(f)]
    if isinstance(set_values, Mapping):
        for k, v in set_values.items():
            args += ["--set", f"{k}={v}"]
    elif set_values:
        for item in set_values:
            args += ["--set", str(item)]
    return args


def template_cmd(chart_dir, values_files=(), set_values=None, release="test",
                 namespace="default", major=4, kube_version=None, extra_args=()) -> list[str]:
    """The ``helm template`` command line render() runs (see render for the arguments)."""
    cmd = [helm_binary(major), "template", release, str(chart_dir), "--namespace", namespace]
    cmd += value_args(values_files, set_values)
    if kube_version:
        cmd += ["--kube-version", str(kube_version)]
    cmd += list(extra_args)
    return cmd


def parse_documents(text: str) -> list[dict]:
    """Split a multi-document YAML stream into objects, skipping empty documents.

    Args: text: ``helm template`` output.  Returns: list of dicts.
    Raises: RenderError when the output is not YAML or a document is not a mapping.
    """

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        docs = list(yaml.load_all(text, Loader=loader))
    except yaml.YAMLError as exc:
        raise RenderError(["helm", "template"], 0, f"output is not valid YAML: {exc}") from None
    out = []
    for doc in docs:
        if doc is None:
            continue
        if not isinstance(doc, dict):
            raise RenderError(["helm", "template"], 0, f"a rendered document is not a mapping: {doc!r:.80}")
        out.append(doc)
    return out


def render(chart_dir: Path | str, values_files: Iterable[Path | str] = (),
           set_values: Mapping[str, str] | Sequence[str] | None = None, release: str = "test",
           namespace: str = "default", major: int = 4, kube_version: str | None = None,
           extra_args: Sequence[str] = (), timeout: int = DEFAULT_TIMEOUT) -> list[dict]:
    """Render a chart with ``helm template`` and parse the objects.

    Args: chart_dir: chart directory; values_files: ``-f`` files in order; set_values: ``--set``
        pairs (mapping, or ``"k=v"`` strings); release/namespace: release name and namespace;
        major: Helm 3 or 4; kube_version: ``--kube-version`` (e.g. "1.29.0"); extra_args: more
        flags; timeout: seconds.
    Returns: list of object dicts (empty documents skipped), in Helm's output order.
    Raises: RenderError (with helm's stderr) when helm fails or times out; UsageError when no
        Helm binary of that major version is available.
    """
    cmd = template_cmd(chart_dir, values_files, set_values, release, namespace, major,
                       kube_version, extra_args)
    return parse_documents(run(cmd, timeout))


def run(cmd: list[str], timeout: int = DEFAULT_TIMEOUT) -> str:
    """Run a helm command; return its stdout. Raises RenderError (with stderr) on failure or timeout."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RenderError(cmd, -1, f"timed out after {timeout}s") from None
    if proc.returncode != 0:
        raise RenderError(cmd, proc.returncode, proc.stderr)
    return proc.stdout
