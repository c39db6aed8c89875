"""The exit-status contract shared by the command-line tools (lint_values, check_manifests,
footprint, stack): a usage error prints ``<prog>: error: <message>`` and exits 2, an unexpected
exception prints one line (never a traceback) and exits 2, Ctrl-C exits 130."""
from __future__ import annotations

import os
import sys
from typing import Callable

from chartsuite.errors import UsageError


def exit_with(run: Callable[[], int], prog: str) -> None:
    """Call ``run()`` (returns an exit status int) and exit with its status, mapping UsageError and
    any other exception to exit 2 with a one-line message on stderr. Never returns."""
    try:
        code = run()
    except UsageError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        # The reader went away (`... | head`): stop quietly, as Unix tools do; stdout must not be flushed again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 141
    except Exception as exc:  # noqa: BLE001 - last resort: no traceback for users
        print(f"{prog}: error: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        code = 2
    sys.exit(code)
