#!/usr/bin/env python3
"""``python tools/package_charts.py``: the package-charts command (chartsuite.cli.package_charts; installed as an entry point by
``pip install -e .``, which bin/setup runs)."""
from chartsuite.cli.package_charts import main

if __name__ == "__main__":
    raise SystemExit(main())
