"""Password Secrets that a values file expects to exist before install.

A component's ``auth`` block that names ``existingSecret`` (and ``existingSecretPasswordKey``,
default ``password``) expects that Secret with that key in the release namespace. The main job
(tools/stack.py) creates the missing ones with random passwords before installing, so a laptop
install needs no manual step; it never prints or logs a password.
"""
from __future__ import annotations

import secrets


def expected(values: dict) -> dict[str, set[str]]:
    """Secrets the values expect: {secret name: set of keys}, from every map (at any depth) holding
    ``existingSecret`` with a non-empty string and, optionally, ``existingSecretPasswordKey``.
    Args: values dict (a parsed values file). Returns: dict (empty when none)."""
    found: dict[str, set[str]] = {}

    def walk(node):
        if isinstance(node, dict):
            name = node.get("existingSecret")
            if isinstance(name, str) and name:
                found.setdefault(name, set()).add(str(node.get("existingSecretPasswordKey") or "password"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(values)
    return found


def random_password(nbytes: int = 18) -> str:
    """A URL-safe random password (str) from ``nbytes`` random bytes (Python's secrets module)."""
    return secrets.token_urlsafe(nbytes)
