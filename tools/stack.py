#!/usr/bin/env python3
"""``python tools/stack.py``: the stack command (chartsuite.cli.stack; installed as an entry point by
``pip install -e .``, which bin/setup runs)."""
from chartsuite.cli.stack import main

if __name__ == "__main__":
    raise SystemExit(main())
