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
    message (what is wrong), allowed (what is allowed; may be ""), line and col (1-based place in the
    file where the value, or the closest enclosing key the file sets, is written; 0 when unknown).
    """

    file: str
    path: str
    message: str
    allowed: str = ""
    line: int = 0
    col: int = 0

    def format(self) -> str:
        """``FILE:LINE:COL: path.to.value: what is wrong (what is allowed)``; ``:LINE:COL`` is left out
        when unknown (line 0), the parenthesis when allowed is empty, and an empty path reads ``(root)``.
        Args: none.  Returns: str."""
        where = f"{self.file}:{self.line}:{self.col}" if self.line else self.file
        text = f"{where}: {self.path or '(root)'}: {self.message}"
        return f"{text} ({self.allowed})" if self.allowed else text

    def as_dict(self) -> dict:
        """``{"file", "path", "message", "allowed", "line", "col"}`` for JSON output (dataclasses.asdict).

        Args: none.  Returns: dict: file, path, message, allowed as str; line and col as int (1-based, 0
            when unknown)."""
        return asdict(self)
