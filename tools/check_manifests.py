#!/usr/bin/env python3
"""``python tools/check_manifests.py``: the check-manifests command (chartsuite.cli.check_manifests; installed as an entry point by
``pip install -e .``, which bin/setup runs)."""
from chartsuite.cli.check_manifests import main

if __name__ == "__main__":
    raise SystemExit(main())
