"""Python tooling of the chart suite: values linting, rendering and manifest checks.

Modules (one job each): paths, errors, yamlio, merge, quantity, schema_check, rules, helm, manifests.
"""
