#!/usr/bin/env python3
"""``python tools/lint_values.py``: the lint-values command (chartsuite.cli.lint_values; installed as an entry point by
``pip install -e .``, which bin/setup runs)."""
from chartsuite.cli.lint_values import main

if __name__ == "__main__":
    raise SystemExit(main())
