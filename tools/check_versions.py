#!/usr/bin/env python3
"""``python tools/check_versions.py``: the check-versions command (chartsuite.cli.check_versions; installed as an entry point by
``pip install -e .``, which bin/setup runs)."""
from chartsuite.cli.check_versions import main

if __name__ == "__main__":
    raise SystemExit(main())
