from decimal import Decimal

import pytest

from chartsuite.model.quantity import parse_quantity


@pytest.mark.parametrize("text, expected", [
    ("500m", Decimal("0.5")),
    ("2", Decimal(2)),
    (2, Decimal(2)),
    (0.25, Decimal("0.25")),
    ("1.5Gi", Decimal(3 * 2**29)),
    ("512Mi", Decimal(512 * 2**20)),
    ("1Ki", Decimal(1024)),
    ("1e3", Decimal(1000)),
    ("1E-3", Decimal("0.001")),
    ("10G", Decimal(10**10)),
    ("100k", Decimal(100000)),
    (".5", Decimal("0.5")),
    ("+1M", Decimal(10**6)),
    ("0", Decimal(0)),
])
def test_parses_kubernetes_quantities(text, expected):
    assert parse_quantity(text) == expected


@pytest.mark.parametrize("text", ["-1", "-500m", "1gi", "10GB", "1Gib", "", "abc", "1.2.3", "Gi",
                                  None, True, [1], {"a": 1}, "1 Gi"])
def test_rejects_negative_and_unparseable(text):
    with pytest.raises(ValueError):
        parse_quantity(text)
