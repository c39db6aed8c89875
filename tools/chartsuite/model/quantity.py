"""Kubernetes resource quantities (``500m``, ``2``, ``1.5Gi``, ``512Mi``, ``1e3``, ``10G``).

Source: k8s.io/apimachinery/pkg/api/resource (quantity.go), serialization format:
``<quantity> ::= <signedNumber><suffix>``; suffix: binary SI ``Ki Mi Gi Ti Pi Ei``, decimal SI
``n u m "" k M G T P E``, or a decimal exponent ``e<signedNumber>`` / ``E<signedNumber>``.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": Decimal(1),
            "k": Decimal("1e3"), "M": Decimal("1e6"), "G": Decimal("1e9"), "T": Decimal("1e12"),
            "P": Decimal("1e15"), "E": Decimal("1e18")}
_RE = re.compile(
    r"^(?P<sign>[+-]?)(?P<num>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
    r"(?:(?P<bin>Ki|Mi|Gi|Ti|Pi|Ei)|(?P<exp>[eE][+-]?[0-9]+)|(?P<dec>[numkMGTPE]?))$"
)


def parse_quantity(value) -> Decimal:
    """Parse a Kubernetes quantity.

    Args: value: str (``"1.5Gi"``), int or float (YAML ``cpu: 2`` / ``cpu: 0.5``).
    Returns: Decimal in base units (bytes for memory/storage, cores for CPU): ``"500m"`` -> 0.5,
        ``"1Ki"`` -> 1024, ``"1e3"`` -> 1000.
    Raises: ValueError when the value is not a quantity (wrong type, bad syntax) or is negative.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"not a quantity: {value!r}")
    if isinstance(value, (int, float)):
        text = repr(value) if isinstance(value, float) else str(value)
    else:
        text = value.strip()
    m = _RE.match(text)
    if not m:
        raise ValueError(f"not a quantity: {value!r}")
    try:
        number = Decimal(m.group("num"))
    except InvalidOperation:  # pragma: no cover - the regex admits only valid numbers
        raise ValueError(f"not a quantity: {value!r}") from None
    if m.group("bin"):
        result = number * _BINARY[m.group("bin")]
    elif m.group("exp"):
        result = number.scaleb(int(m.group("exp")[1:]))
    else:
        result = number * _DECIMAL[m.group("dec") or ""]
    if m.group("sign") == "-" and result != 0:
        raise ValueError(f"negative quantity: {value!r}")
    return result
