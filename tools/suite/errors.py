"""Errors and problem records shared by the tools."""
from __future__ import annotations

from dataclasses import asdict, dataclass


class UsageError(Exception):
    """The tool cannot do what was asked (missing file, unparseable YAML, unknown chart...).

    CLIs print the message and exit with status 2.
    """

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a values file.

    Fields: file (str, as the user named it), path (dotted values path, list indexes as ``[0]``),
    message (what is wrong), allowed (what is allowed; may be "").
    """

    file: str
    path: str
    message: str
    allowed: str = ""

    def format(self) -> str:
        """``FILE: path.to.value: what is wrong (what is allowed)``; the parenthesis is left out
        when allowed is empty.  Returns: str."""
        text = f"{self.file}: {self.path or '(root)'}: {self.message}"
        return f"{text} ({self.allowed})" if self.allowed else text

    def as_dict(self) -> dict:
        """``{"file", "path", "message", "allowed"}`` for JSON output.  Returns: dict of str."""
        return asdict(self)
