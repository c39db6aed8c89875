"""The Kubernetes versions this project supports and validates renders against."""

# Oldest first. The oldest is every chart's Chart.yaml kubeVersion floor (a test ties them) and the
# version of the Kubernetes schemas the values schemas copy; kubernetes-validate ships both versions'
# strict OpenAPI schemas.
DEFAULT_KUBE_VERSIONS = ("1.29.0", "1.35.0")
