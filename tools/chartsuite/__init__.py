"""Python tooling of the chart suite: values linting, rendering and manifest checks.

Layers (each imports only the ones above it):
  errors   Problem and UsageError, shared by all.
  model    repository paths and profile discovery, YAML loading with positions, Helm-style merging,
           subchart values, Kubernetes quantities.
  helm     running Helm 3/4 (render, lint, install --dry-run); ``helm.validation`` reads the charts'
           semantic rules (templates/validate.yaml) from a report-mode render.
  checks   schema explanations, rendered-manifest policies, footprint, upgrade safety, checkov.
  schemas  the values.schema.json builder (types and descriptions of every value).
  cli      the commands (lint-values, check-manifests, check-upgrade, check-versions, footprint, stack,
           gen-readme, gen-schemas): argument parsing and output only. Each also runs as
           ``python tools/<name>.py``.
"""
