"""LEAN's enumerations that daily-equity algorithms use, with LEAN's PEP8 member names."""

import datetime as dt
from enum import IntEnum


class Resolution(IntEnum):
    TICK = 0
    SECOND = 1
    MINUTE = 2
    HOUR = 3
    DAILY = 4


# LEAN's Resolution.ToTimeSpan() (Common/Extensions.cs) for the resolutions with a bar period.
RESOLUTION_TIME_SPANS = {
    Resolution.SECOND: dt.timedelta(seconds=1),
    Resolution.MINUTE: dt.timedelta(minutes=1),
    Resolution.HOUR: dt.timedelta(hours=1),
    Resolution.DAILY: dt.timedelta(days=1),
}


class SecurityType(IntEnum):
    BASE = 0
    EQUITY = 1
    # The other types are named (brokerage models map them to markets); only equities trade.
    OPTION = 2
    COMMODITY = 3
    FOREX = 4
    FUTURE = 5
    CFD = 6
    CRYPTO = 7
    FUTURE_OPTION = 8
    INDEX = 9
    INDEX_OPTION = 10
    CRYPTO_FUTURE = 11


class InsightDirection(IntEnum):
    DOWN = -1
    FLAT = 0
    UP = 1


class InsightType(IntEnum):
    PRICE = 0
    VOLATILITY = 1


class InsightScoreType(IntEnum):
    DIRECTION = 0
    MAGNITUDE = 1


class DataNormalizationMode(IntEnum):
    RAW = 0
    ADJUSTED = 1
    SPLIT_ADJUSTED = 2
    TOTAL_RETURN = 3
    SCALED_RAW = 7  # history only: raw prices scaled to the request's end date


class DelistingType(IntEnum):
    """LEAN's DelistingType: a warning on the delisting date, then the delisting itself."""

    WARNING = 0
    DELISTED = 1


class SplitType(IntEnum):
    """LEAN's SplitType: a warning the session before a split, then the split itself."""

    WARNING = 0
    SPLIT_OCCURRED = 1


class Market:
    """Market names are plain lower-case strings in LEAN."""

    USA = "usa"
    # Other markets LEAN names (brokerage models' default markets); only "usa" has data here.
    CME = "cme"
    OANDA = "oanda"
    COINBASE = "coinbase"
    BINANCE = "binance"


class OrderStatus(IntEnum):
    NEW = 0
    SUBMITTED = 1
    PARTIALLY_FILLED = 2
    FILLED = 3
    CANCELED = 5
    NONE = 6
    INVALID = 7
    CANCEL_PENDING = 8
    UPDATE_SUBMITTED = 9

    # LEAN's OrderExtensions, which Python calls on the status itself.
    def is_closed(self) -> bool:
        """Filled, canceled or invalid: the order will not change again."""
        return self in (OrderStatus.FILLED, OrderStatus.CANCELED, OrderStatus.INVALID)

    def is_open(self) -> bool:
        return not self.is_closed()

    def is_fill(self) -> bool:
        """Filled or partially filled."""
        return self in (OrderStatus.FILLED, OrderStatus.PARTIALLY_FILLED)


class PortfolioBias(IntEnum):
    SHORT = -1
    LONG_SHORT = 0
    LONG = 1


class DayOfWeek(IntEnum):
    """.NET's ``System.DayOfWeek`` (Sunday is 0), which LEAN's date rules take."""

    SUNDAY = 0
    MONDAY = 1
    TUESDAY = 2
    WEDNESDAY = 3
    THURSDAY = 4
    FRIDAY = 5
    SATURDAY = 6
