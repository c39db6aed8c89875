"""Polling for the tests that wait on real processes or a real cluster (tests/local, tests/live)."""
import time


def wait_for(predicate, timeout, interval=0.25, what="condition", on_timeout=None):
    """Poll ``predicate()`` until it returns something truthy.

    Args: predicate: callable; timeout: seconds; interval: seconds between calls; what: words for
        the failure message; on_timeout: callable run on timeout, whose return value (str, or None)
        is appended to the message.
    Returns: the truthy value. Raises: AssertionError "timed out after <timeout>s waiting for <what>".
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            extra = on_timeout() if on_timeout else ""
            raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{extra or ''}")
        time.sleep(interval)
