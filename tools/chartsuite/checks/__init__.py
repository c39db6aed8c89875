"""Checks on values and rendered manifests: schema explanations, manifest policies, footprint,
upgrade safety, checkov."""
