"""Releasing the charts: changelogs, staged packages, repository index, OCI push."""
