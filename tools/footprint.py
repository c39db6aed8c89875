#!/usr/bin/env python3
"""``python tools/footprint.py``: the footprint command (chartsuite.cli.footprint; installed as an entry point by
``pip install -e .``, which bin/setup runs)."""
from chartsuite.cli.footprint import main

if __name__ == "__main__":
    raise SystemExit(main())
