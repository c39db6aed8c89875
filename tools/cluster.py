#!/usr/bin/env python3
"""``python tools/cluster.py``: the cluster command (chartsuite.cli.cluster; installed as an entry point by
``pip install -e .``, which bin/setup runs)."""
from chartsuite.cli.cluster import main

if __name__ == "__main__":
    raise SystemExit(main())
