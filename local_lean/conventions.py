"""LEAN's time and number conventions, in one place for every module of the runner.

Time: the algorithm's clock is naive New York time (LEAN's default algorithm time zone) and
LEAN's ``*_utc`` properties are naive UTC times; the conversions between the two live here.

Numbers: LEAN computes money and prices in .NET decimals and some statistics in doubles, and
prints each as .NET does. The helpers below reproduce those conversions, roundings and
formats (``(decimal)double``, ``Math.Round``, ``decimal.Normalize()``, ``ToString()``) and
LEAN's ``Extensions.SmartRounding`` (``Common/Extensions.cs``).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

#: LEAN's default algorithm time zone (and the exchange time zone of US equities).
NEW_YORK = ZoneInfo("America/New_York")
UTC = dt.UTC

_ZERO = Decimal(0)

#: ``decimal.MaxValue``: 2**96 - 1. LEAN cannot hold cash beyond it (the cast overflows).
DECIMAL_MAX_VALUE = 79228162514264337593543950335
# .NET's decimal has at most 28 digits after the point.
_MAX_DECIMAL_SCALE = 28


# --- time ---------------------------------------------------------------------------------------


def to_utc(local: dt.datetime) -> dt.datetime:
    """Naive New York time -> naive UTC time (LEAN's ``*_utc`` properties are naive UTC)."""
    # Equal naive times hash alike whatever their fold, so the repeated hour of the autumn
    # clock change is converted afresh.
    return _to_utc(local) if local.fold else _remembered_to_utc(local)


def from_utc(utc: dt.datetime) -> dt.datetime:
    """Naive UTC time (or any aware time) -> naive New York time."""
    return _from_utc(utc) if utc.tzinfo is not None else _remembered_from_utc(utc)


def _to_utc(local: dt.datetime) -> dt.datetime:
    return local.replace(tzinfo=NEW_YORK).astimezone(UTC).replace(tzinfo=None)


def _from_utc(utc: dt.datetime) -> dt.datetime:
    aware = utc if utc.tzinfo is not None else utc.replace(tzinfo=UTC)
    return aware.astimezone(NEW_YORK).replace(tzinfo=None)


# A backtest converts the same few thousand times (session opens and closes, insight close
# times) again and again: the conversions of naive times are remembered.
_remembered_to_utc = functools.lru_cache(maxsize=1 << 16)(_to_utc)
_remembered_from_utc = functools.lru_cache(maxsize=1 << 16)(_from_utc)


def to_aware_utc(local: dt.datetime) -> dt.datetime:
    """Naive New York time -> the same instant as an aware UTC time."""
    return local.replace(tzinfo=NEW_YORK).astimezone(UTC)


# --- .NET numbers -------------------------------------------------------------------------------


def money_limit_problem(amount: float) -> str | None:
    """Why ``amount`` cannot be cash in LEAN (beyond .NET's decimal), or None when it can."""
    if amount > DECIMAL_MAX_VALUE:
        return (
            f"{amount:g} is beyond the largest amount LEAN's decimal holds "
            f"({DECIMAL_MAX_VALUE:.3g}): give a smaller amount"
        )
    return None


def decimal_from_double(value: float) -> Decimal:
    """``(decimal)value`` in .NET: the double scaled by a power of ten to a 15-digit integer
    (in double arithmetic), rounded half to even, trailing zeros dropped (``VarDecFromR8``)."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"cannot convert {value} to a decimal (LEAN's SafeDecimalCast)")
    if value == 0:
        return _ZERO
    scaled = abs(value)
    binary_exponent = math.frexp(scaled)[1]  # .NET's exponent bias is 1022, as frexp's
    power = 14 - ((binary_exponent * 19728) >> 16)  # 19728 / 2**16 ~ log10(2)
    if power >= 0:
        power = min(power, _MAX_DECIMAL_SCALE)
        scaled *= float(f"1e{power}")
    elif power != -1 or scaled >= 1e15:
        scaled /= float(f"1e{-power}")
    else:
        power = 0
    if scaled < 1e14 and power < _MAX_DECIMAL_SCALE:
        scaled *= 10
        power += 1
    mantissa = int(scaled)
    remainder = scaled - mantissa
    if remainder > 0.5 or (remainder == 0.5 and mantissa % 2):
        mantissa += 1
    if mantissa == 0:
        return _ZERO
    while power > 0 and mantissa % 10 == 0:
        mantissa //= 10
        power -= 1
    return Decimal(-mantissa if value < 0 else mantissa).scaleb(-power)


def decimal_of(value: object) -> Decimal:
    """A runner number (float or int) as the decimal it stands for (its shortest form)."""
    if isinstance(value, Decimal):
        return value
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        raise ValueError(f"a backtest amount must be finite, got {value!r}")
    return Decimal(int(number)) if number.is_integer() else Decimal(repr(number))


def normalize(value: Decimal) -> Decimal:
    """``decimal.Normalize()`` in .NET: trailing zeros dropped, never an exponent form, and no
    negative zero."""
    if value == 0:
        return _ZERO
    sign, digits, exponent = value.as_tuple()
    while exponent < 0 and len(digits) > 1 and digits[-1] == 0:  # type: ignore[operator]
        digits, exponent = digits[:-1], exponent + 1  # type: ignore[operator]
    return Decimal((sign, digits, exponent))


def dotnet_round(value: Decimal, decimals: int) -> Decimal:
    """``Math.Round(decimal, decimals)``: half to even, a smaller scale is kept as it is."""
    if value.as_tuple().exponent >= -decimals:  # type: ignore[operator]
        return value
    return value.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_EVEN)


def round_double(value: float, decimals: int) -> float:
    """``Math.Round(double, decimals)``: scaled, rounded half to even, scaled back; a small
    negative number rounds to -0, as in .NET (LEAN prints "-0" for it)."""
    power = 10.0**decimals
    return math.copysign(round(value * power) / power, value)


def smart_rounding(value: float | Decimal) -> Decimal:
    """LEAN's ``Extensions.SmartRounding``: trailing zeros dropped, then 4 decimals above 1,000,
    else 7 significant digits. A float is first read as its shortest decimal form; a value
    that is not finite rounds to 0."""
    if not isinstance(value, Decimal):
        if not math.isfinite(value):
            return _ZERO
        value = decimal_of(value)
    normalized = normalize(value)
    if normalized > 1000:
        return dotnet_round(normalized, 4)
    if normalized == 0:
        return _ZERO
    # RoundToSignificantDigits: the power of ten from the double's Log10, as LEAN takes it.
    digits = math.floor(math.log10(abs(float(normalized)))) + 1
    return normalize(dotnet_round(normalized, max(0, 7 - digits)))


def format_decimal(value: Decimal) -> str:
    """A decimal as .NET prints it: every digit of its scale, never an exponent ("0.800")."""
    text = format(value, "f")
    return text.lstrip("-") if value == 0 else text


def format_double(value: float) -> str:
    """A double as .NET prints it: the shortest form that reads back ("0.02", "-19", "-0")."""
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    if abs(value) >= 1e15 or abs(value) < 1e-5:
        mantissa, exponent = f"{value:.17e}".split("e")
        shortest = repr(value).split("e")[0]
        digits = shortest if "e" in repr(value) else mantissa.rstrip("0").rstrip(".")
        return f"{digits}E{int(exponent):+03d}"
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


def format_money(value: Decimal) -> str:
    """``ToString("0.00")`` of a decimal: two decimals, halves rounded away from zero."""
    return format_decimal(value.quantize(Decimal("0.01"), ROUND_HALF_UP))


def decimal_text(value: float) -> str:
    """A runner float as .NET prints a decimal: no exponent, no trailing zeros ("-0" is "0")."""
    text = f"{value:.12f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def price_text(value: float | Decimal) -> str:
    """A price in LEAN's messages: ``SmartRounding`` printed as a decimal ("185.3", "0")."""
    return format_decimal(normalize(smart_rounding(value)))


def round_to_significant_digits(value: float | Decimal, digits: int) -> Decimal:
    """LEAN's ``Extensions.RoundToSignificantDigits(decimal, digits)``: the value divided by
    the power of ten above it, rounded half to even to `digits` decimals, scaled back."""
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 0:
        raise ValueError(f"round_to_significant_digits needs digits >= 0, got {digits!r}")
    number = decimal_of(value)
    if number == 0:
        return _ZERO
    scale = Decimal(10) ** (math.floor(math.log10(abs(float(number)))) + 1)
    return scale * (number / scale).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_EVEN)


class Extensions:
    """LEAN's static ``QuantConnect.Extensions`` helpers algorithms call (the number one)."""

    @staticmethod
    def round_to_significant_digits(d: float, digits: int) -> float:
        """`d` rounded to `digits` significant figures (LEAN's ``RoundToSignificantDigits``)."""
        return float(round_to_significant_digits(d, digits))


__all__ = [
    "DECIMAL_MAX_VALUE",
    "Extensions",
    "NEW_YORK",
    "money_limit_problem",
    "UTC",
    "decimal_from_double",
    "decimal_of",
    "decimal_text",
    "dotnet_round",
    "format_decimal",
    "format_double",
    "format_money",
    "from_utc",
    "normalize",
    "price_text",
    "round_double",
    "round_to_significant_digits",
    "smart_rounding",
    "to_aware_utc",
    "to_utc",
]
