#!/usr/bin/env python3
"""Write every chart's values.schema.json from its builder in tools/chartsuite/schemas/.

Usage: python tools/gen_schemas.py [--check]
  --check  exit 1 (listing the files) when a committed schema differs from its builder.
"""
import argparse
import importlib
import json
import sys

import yaml

from chartsuite.model import paths, subcharts
from chartsuite.model.paths import REPO_ROOT
from chartsuite.schemas import blocks

ROOT = REPO_ROOT



def render(chart):
    """Return the schema text (str, JSON indented by 2 with a trailing newline) of ``chart`` (str): the
    builder's schema (chartsuite.schemas.<chart>.schema()) with every key the chart's values.yaml sets
    required (chartsuite.schemas.blocks.require_defaults), except the sections of local subcharts.

    Raises: ModuleNotFoundError when chartsuite.schemas has no such builder; OSError when
    charts/<chart>/values.yaml is missing; yaml.YAMLError when it does not parse."""

    module = importlib.import_module(f"chartsuite.schemas.{chart}")
    chart_dir = ROOT / "charts" / chart
    defaults = yaml.safe_load((chart_dir / "values.yaml").read_text()) or {}
    # Helm always fills a subchart's section with that chart's defaults, so it is never missing.
    sections = {sub.name for sub in subcharts.dependencies(chart_dir)}
    schema = blocks.require_defaults(module.schema(), defaults, skip=sections)
    return json.dumps(schema, indent=2) + "\n"


def main(argv=None):
    """Write or check the schemas of every application chart (paths.application_chart_dirs).

    Args: argv: list of str, or None for sys.argv[1:] (``[--check]``).
    Returns: exit status int: 0, or 1 with --check when a committed schema is missing or differs
        (listed on stdout).  Raises: as render."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    stale = []
    for chart in (d.name for d in paths.application_chart_dirs()):
        path = ROOT / "charts" / chart / "values.schema.json"
        text = render(chart)
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path.relative_to(ROOT)))
        else:
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print("out of date (run python tools/gen_schemas.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
