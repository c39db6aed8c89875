#!/usr/bin/env python3
"""``python tools/gen_schemas.py``: the gen-schemas command (chartsuite.cli.gen_schemas; installed as an entry point by
``pip install -e .``, which bin/setup runs)."""
from chartsuite.cli.gen_schemas import main

if __name__ == "__main__":
    raise SystemExit(main())
