"""Splits and dividends: when LEAN sends them, and what they do to the portfolio.

As LEAN's ``AlgorithmManager`` (HandleDividends, then HandleSplits, before ``on_data``) and
``SecurityPortfolioManager.ApplyDividend`` / ``ApplySplit``:

- Events come from a LEAN folder's factor files, in a slice of their own at midnight: a split
  WARNING at the midnight of the factor row's date (the session before the split), the split
  (SPLIT_OCCURRED) and the dividend at the midnight of the next session.
- A dividend pays `quantity x distribution` in cash to a RAW or SPLIT_ADJUSTED security (the
  ADJUSTED prices already hold it).
- A split changes a RAW security's holding: quantity / factor (whole shares, the fraction paid
  in cash at the split price), average price x factor, and the last known prices x factor.
  Adjusted modes need nothing: their prices are split-adjusted already.
- Then, for RAW securities, the volatility model is warmed up again (its own history needs).
- While warming up, holdings are left alone, as in LEAN.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from local_lean.enums import DataNormalizationMode, SplitType
from local_lean.errors import NotSupportedError
from local_lean.market_data import Split
from local_lean.volatility import warm_up_volatility_model

# Modes whose prices leave dividends out, so that the cash must come in (LEAN's ApplyDividend).
_DIVIDEND_CASH_MODES = (DataNormalizationMode.RAW, DataNormalizationMode.SPLIT_ADJUSTED)


def split_events(
    rows: list[tuple[dt.date, float, float]],
    symbol: Any,
    calendar: Any,
    raw_close_before: Callable[[dt.date], float] = lambda day: 0.0,
) -> list[tuple[dt.date, Split]]:
    """(session date, Split) for each factor-file split row (day before, reference, factor):
    the warning at that day's midnight, priced at the raw close before it (LEAN's last raw
    price), and the split at the next session's, priced at the row's reference price."""
    events = []
    first, last = calendar.first_day, calendar.last_day
    for day_before, reference, factor in rows:
        if not first <= day_before < last:
            continue
        split_day = calendar.next_session(day_before)
        warning_time = dt.datetime.combine(day_before, dt.time())
        split_time = dt.datetime.combine(split_day, dt.time())
        last_raw = raw_close_before(day_before)
        events.append(
            (day_before, Split(symbol, warning_time, last_raw, factor, SplitType.WARNING))
        )
        events.append(
            (split_day, Split(symbol, split_time, reference, factor, SplitType.SPLIT_OCCURRED))
        )
    return events


def apply_dividend(algorithm: Any, dividend: Any) -> None:
    """Pay the dividend in cash to a RAW or SPLIT_ADJUSTED holding (not while warming up)."""
    security = algorithm.securities[dividend.symbol]
    mode = security.data_normalization_mode
    if not algorithm.is_warming_up and mode in _DIVIDEND_CASH_MODES:
        total = security.holdings.quantity * dividend.distribution
        algorithm.portfolio.cash += total
        security.holdings.add_new_dividend(total)  # LEAN's ApplyDividend counts it as profit
    _warm_up_after_event(algorithm, security)


def apply_split(algorithm: Any, split: Split) -> None:
    """Apply a SPLIT_OCCURRED event to a RAW security's holding and prices."""
    if split.type != SplitType.SPLIT_OCCURRED:
        return
    security = algorithm.securities[split.symbol]
    if security.data_normalization_mode != DataNormalizationMode.RAW:
        return
    if not algorithm.is_warming_up:
        if algorithm.transactions.get_open_orders(split.symbol):
            raise NotSupportedError(
                f"a split of {split.symbol.value} with open orders on RAW data",
                "LEAN would resize those orders; place them after the split, or use ADJUSTED "
                "prices (the default)",
            )
        _split_holding(algorithm, security, split)
    _warm_up_after_event(algorithm, security)


def _split_holding(algorithm: Any, security: Any, split: Split) -> None:
    holding = security.holdings
    factor = Decimal(repr(split.split_factor))
    quantity = Decimal(repr(holding.quantity)) / factor
    whole = int(quantity)  # toward zero, as LEAN's (int) cast
    left_over = float(quantity - whole)
    holding.quantity = float(whole)
    holding.average_price = float(Decimal(repr(holding.average_price)) * factor)
    if not security.has_data:  # no price yet: LEAN values the fraction at the split price
        algorithm.portfolio.cash += left_over * split.reference_price * split.split_factor
        return
    f = split.split_factor
    security.open, security.high = security.open * f, security.high * f
    security.low, security.close = security.low * f, security.close * f
    security.volume = round(security.volume / f)
    algorithm.portfolio.cash += left_over * security.price


def _warm_up_after_event(algorithm: Any, security: Any) -> None:
    # LEAN's ApplySplitOrDividendToVolatilityModel: RAW equities only, with the model's own
    # history requirements (none for IndicatorVolatilityModel).
    if security.data_normalization_mode != DataNormalizationMode.RAW:
        return
    model = security.volatility_model
    requests = model.get_history_requirements(security, algorithm.utc_time)
    warm_up_volatility_model(model, algorithm, security, requests, DataNormalizationMode.RAW)
