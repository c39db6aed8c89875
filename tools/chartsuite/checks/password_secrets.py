"""Password Secrets that a values file expects to exist before install.

An ``auth`` block (or any map with ``existingSecretPasswordKey``) that names ``existingSecret``
expects that Secret, with one key, in the release namespace: for the notebook logins
(zeppelin.auth, rstudio.auth) the key ``existingSecretPasswordKey`` (default ``password``); for the
Spark RPC authentication block (``auth`` of the spark chart, ``spark.auth`` of the umbrella) the key
``secretKey`` (default ``spark-auth-secret``). The main job (tools/stack.py) creates the missing
ones with random values before installing; it never prints or logs one. Without ``existingSecret``
the charts generate these values themselves and keep them across upgrades, so nothing is expected.
Other ``existingSecret`` fields (e.g. alluxio ufs.credentials: object-store keys) hold credentials
no job can invent and are not listed.
"""
from __future__ import annotations

import secrets

# Paths of the Spark RPC authentication block (charts/spark values.yaml "auth") in a spark or umbrella values file.
SPARK_RPC_AUTH_PATHS = {("auth",), ("spark", "auth")}


def expected(values: dict) -> dict[str, set[str]]:
    """Secrets the values expect: {secret name: set of keys}.

    Args: values: dict (a parsed values file). Returns: dict str -> set of str (empty when none). A map
    counts when it holds a non-empty string ``existingSecret`` and is an ``auth`` block or has
    ``existingSecretPasswordKey``; its key is ``secretKey`` (default ``spark-auth-secret``) for the Spark
    RPC block (SPARK_RPC_AUTH_PATHS), else ``existingSecretPasswordKey`` (default ``password``); the
    defaults are charts/spark/values.yaml's.  Raises: nothing."""
    found: dict[str, set[str]] = {}

    def walk(node, path):
        if isinstance(node, dict):
            name = node.get("existingSecret")
            if isinstance(name, str) and name and (path[-1:] == ("auth",) or "existingSecretPasswordKey" in node):
                if path in SPARK_RPC_AUTH_PATHS:
                    key = node.get("secretKey") or "spark-auth-secret"
                else:
                    key = node.get("existingSecretPasswordKey") or "password"
                found.setdefault(name, set()).add(str(key))
            for k, value in node.items():
                walk(value, path + (str(k),))
        elif isinstance(node, list):
            for item in node:
                walk(item, path + ("[]",))

    walk(values, ())
    return found


def random_password(nbytes: int = 18) -> str:
    """A URL-safe random password from ``nbytes`` random bytes (Python's secrets.token_urlsafe).

    Args: nbytes: int, bytes of randomness.  Returns: str, base64url without padding (about 1.3 x
        nbytes characters: 24 for the default 18)."""
    return secrets.token_urlsafe(nbytes)
