#!/usr/bin/env python3
"""``python tools/gen_readme.py``: the gen-readme command (chartsuite.cli.gen_readme; installed as an entry point by
``pip install -e .``, which bin/setup runs)."""
from chartsuite.cli.gen_readme import main

if __name__ == "__main__":
    raise SystemExit(main())
