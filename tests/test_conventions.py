"""LEAN's time and number conventions, from their definitions in LEAN's source.

``Extensions.SmartRounding`` (Common/Extensions.cs): the decimal normalised, then
``Math.Round(input, 4)`` above 1,000, else ``RoundToSignificantDigits(7)`` (``Math.Round``
rounds half to even) normalised. The algorithm's clock is naive New York time.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from local_lean.conventions import (
    Extensions,
    format_decimal,
    from_utc,
    price_text,
    round_to_significant_digits,
    smart_rounding,
    to_aware_utc,
    to_utc,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234.567891"), "1234.5679"),  # above 1,000: 4 decimals
        (Decimal("1234.56785"), "1234.5678"),  # half to even
        (Decimal("1234.50000"), "1234.5"),  # normalised first
        (Decimal("999.1234567"), "999.1235"),  # 7 significant digits
        (Decimal("0.000123456789"), "0.0001234568"),
        (Decimal("-12.3456789"), "-12.34568"),  # the rule is on the value, not its size
        (Decimal("100.0000"), "100"),
        (Decimal("0"), "0"),
    ],
)
def test_smart_rounding_is_leans(value, expected):
    assert format_decimal(smart_rounding(value)) == expected


def test_a_float_is_rounded_as_its_shortest_decimal_and_a_non_finite_one_is_zero():
    assert smart_rounding(0.1 + 0.2) == Decimal("0.3")
    assert smart_rounding(float("nan")) == 0
    assert price_text(185.30000000000001) == "185.3"
    assert price_text(-0.0) == "0"


def test_new_york_time_and_utc_across_the_clock_changes():
    winter, summer = dt.datetime(2021, 1, 4, 9, 30), dt.datetime(2021, 7, 1, 9, 30)
    assert to_utc(winter) == dt.datetime(2021, 1, 4, 14, 30)  # EST: UTC-5
    assert to_utc(summer) == dt.datetime(2021, 7, 1, 13, 30)  # EDT: UTC-4
    assert from_utc(to_utc(summer)) == summer
    assert from_utc(dt.datetime(2021, 7, 1, 13, 30, tzinfo=dt.UTC)) == summer
    assert to_aware_utc(winter) == dt.datetime(2021, 1, 4, 14, 30, tzinfo=dt.UTC)


def test_the_repeated_hour_of_the_autumn_clock_change_keeps_its_fold():
    first = dt.datetime(2021, 11, 7, 1, 30)  # EDT, UTC-4
    second = first.replace(fold=1)  # EST, UTC-5: equal to `first` as a naive time
    assert to_utc(first) == dt.datetime(2021, 11, 7, 5, 30)
    assert to_utc(second) == dt.datetime(2021, 11, 7, 6, 30)
    assert to_utc(first) == dt.datetime(2021, 11, 7, 5, 30)


@pytest.mark.parametrize(
    "value, digits, text",
    [  # LEAN's ExtensionsTests.RoundToSignificantDigits cases
        (0.072842, 3, "0.0728"),
        (0.0019999, 2, "0.0020"),
        (0.01234568423, 6, "0.0123457"),
    ],
)
def test_round_to_significant_digits_as_leans_extension(value, digits, text):
    assert format_decimal(round_to_significant_digits(value, digits)) == text
    assert Extensions.round_to_significant_digits(value, digits) == float(text)


def test_round_to_significant_digits_rounds_halves_to_even_and_refuses_bad_digits():
    assert Extensions.round_to_significant_digits(0, 3) == 0
    assert Extensions.round_to_significant_digits(1.25, 2) == 1.2  # Math.Round: to even
    assert Extensions.round_to_significant_digits(-143.6134, 5) == -143.61
    with pytest.raises(ValueError, match="digits >= 0"):
        Extensions.round_to_significant_digits(1.5, -1)
