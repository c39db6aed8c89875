#!/usr/bin/env python3
"""``python tools/check_upgrade.py``: the check-upgrade command (chartsuite.cli.check_upgrade; installed as an entry point by
``pip install -e .``, which bin/setup runs)."""
from chartsuite.cli.check_upgrade import main

if __name__ == "__main__":
    raise SystemExit(main())
