"""Where things are in the repository, and which charts are application charts."""
from __future__ import annotations

from pathlib import Path

import yaml

from chartsuite.errors import UsageError

REPO_ROOT = Path(__file__).resolve().parents[3]
CHARTS_DIR = REPO_ROOT / "charts"
EXAMPLES_DIR = REPO_ROOT / "examples"
TOOLS_BIN_DIR = REPO_ROOT / ".tools"


def chart_meta(chart_dir: Path | str) -> dict:
    """Read ``<chart_dir>/Chart.yaml``.

    Args: chart_dir: a chart directory.
    Returns: the Chart.yaml mapping (``{}`` when the file is empty).
    Raises: FileNotFoundError when there is no Chart.yaml; yaml.YAMLError when it does not parse;
        ValueError when its top level is not a mapping.
    """

    path = Path(chart_dir) / "Chart.yaml"
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: top level is not a mapping")
    return data


def is_library(chart_dir: Path | str) -> bool:
    """True when Chart.yaml says ``type: library`` (Helm: library charts render no objects).

    Args: chart_dir: a chart directory with a Chart.yaml.
    Returns: bool.  Raises: as chart_meta.
    """
    return chart_meta(chart_dir).get("type") == "library"


def application_chart_dirs(charts_dir: Path | None = None) -> list[Path]:
    """Every application chart (``type`` absent or ``application``) under charts_dir, sorted.

    Args: charts_dir: defaults to CHARTS_DIR.
    Returns: list of chart directories, whether or not they have a values.schema.json.
    Raises: as chart_meta for a broken Chart.yaml.
    """
    base = Path(charts_dir) if charts_dir else CHARTS_DIR
    if not base.is_dir():
        return []
    return [d for d in sorted(base.iterdir())
            if d.is_dir() and (d / "Chart.yaml").is_file() and not is_library(d)]


def chart_dirs(charts_dir: Path | None = None) -> list[Path]:
    """Application charts (not ``type: library``) that have a values.schema.json, sorted by name.

    Args: charts_dir: defaults to CHARTS_DIR.
    Returns: list of chart directories.  Raises: as chart_meta for a broken Chart.yaml.
    """
    return [d for d in application_chart_dirs(charts_dir) if (d / "values.schema.json").is_file()]


def chart_name(chart_dir: Path | str) -> str:
    """The chart's ``name`` from Chart.yaml (falls back to the directory name).

    Args: chart_dir: a chart directory.  Returns: str.  Raises: as chart_meta.
    """
    return str(chart_meta(chart_dir).get("name") or Path(chart_dir).name)


def find_chart_by_name(name: str, charts_dir: Path | None = None) -> Path | None:
    """The application chart directory whose Chart.yaml ``name`` is name (or whose dir is name).

    Args: name: chart name.  Returns: the directory, or None when no chart has that name.
    """
    for d in application_chart_dirs(charts_dir):
        try:
            if chart_name(d) == name:
                return d
        except Exception:  # a broken Chart.yaml is reported elsewhere
            continue
    d = (Path(charts_dir) if charts_dir else CHARTS_DIR) / name
    return d if (d / "Chart.yaml").is_file() else None


def display_path(path: Path | str) -> str:
    """path relative to REPO_ROOT when it is inside the repository, else as given.

    Args: path.  Returns: str.
    """
    p = Path(path)
    try:
        return str(p.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def chart_and_values(chart: str, values) -> Path:
    """Check the ``--chart DIR`` and values-file arguments of a command-line tool.

    Args: chart: chart directory as given; values: iterable of values-file paths (str or Path).
    Returns: the chart directory (Path). Raises: UsageError "<chart>: not a chart directory (no
    Chart.yaml)" or "<file>: no such file" (the first missing one)."""

    chart_dir = Path(chart)
    if not (chart_dir / "Chart.yaml").is_file():
        raise UsageError(f"{chart}: not a chart directory (no Chart.yaml)")
    for f in values:
        if not Path(f).is_file():
            raise UsageError(f"{f}: no such file")
    return chart_dir
