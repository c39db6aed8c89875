"""Builders of the charts' values.schema.json files (JSON Schema draft-07).

Each chart has a module here (``hdfs.py``, ...) whose ``schema()`` returns the
chart's schema as a dict built from the shared blocks in ``blocks.py``.
``python tools/gen_schemas.py`` writes them to ``charts/<chart>/values.schema.json``;
the test suite fails when a committed schema differs from its builder.
"""
