#!/usr/bin/env python3
"""``python tools/release_charts.py``: the release-charts command (chartsuite.cli.release_charts; installed as an entry point by
``pip install -e .``, which bin/setup runs)."""
from chartsuite.cli.release_charts import main

if __name__ == "__main__":
    raise SystemExit(main())
