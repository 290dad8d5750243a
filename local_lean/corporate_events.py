"""Splits, dividends, delistings and renames: when LEAN sends them, and what they do.

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
- A rename (a map file's new ticker) comes at the midnight of the first session under the new
  ticker, as a ``SymbolChangedEvent`` keyed by the security's symbol, which does not change;
  LEAN then cancels the security's open orders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import pandas as pd

from local_lean.data import (
    bars_in_mode,
    delisting_date_of,
    dividend_rows_of,
    split_rows_of,
    ticker_changes_of,
)
from local_lean.enums import DataNormalizationMode, DelistingType, SplitType
from local_lean.errors import NotSupportedError
from local_lean.market_data import (
    Delisting,
    Delistings,
    Dividend,
    Dividends,
    Split,
    Splits,
    SymbolChangedEvent,
    SymbolChangedEvents,
)
from local_lean.securities import active_security, mark_holdings_value_changed
from local_lean.symbols import Symbol
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


def apply_events(algorithm: Any, dividends: Dividends, splits: Splits) -> None:
    """A midnight slice's dividends, then its splits, applied to the portfolio."""
    for dividend in dividends.values():
        apply_dividend(algorithm, dividend)
    for split in splits.values():
        apply_split(algorithm, split)


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
    mark_holdings_value_changed()
    holding.average_price = float(Decimal(repr(holding.average_price)) * factor)
    if not security.has_data:  # no price yet: LEAN values the fraction at the split price
        algorithm.portfolio.cash += left_over * split.reference_price * split.split_factor
        return
    f = split.split_factor
    security.open, security.high = security.open * f, security.high * f
    security.low, security.close = security.low * f, security.close * f
    security.volume = round(security.volume / f)
    mark_holdings_value_changed()
    algorithm.portfolio.cash += left_over * security.price


def _warm_up_after_event(algorithm: Any, security: Any) -> None:
    # LEAN's ApplySplitOrDividendToVolatilityModel: RAW equities only, with the model's own
    # history requirements (none for IndicatorVolatilityModel).
    if security.data_normalization_mode != DataNormalizationMode.RAW:
        return
    model = security.volatility_model
    requests = model.get_history_requirements(security, algorithm.utc_time)
    warm_up_volatility_model(
        model, algorithm.history_provider, security, requests, DataNormalizationMode.RAW
    )


class CorporateEventSchedule:
    """The dividends, splits and delistings of the securities a backtest adds, by the day of
    the midnight slice LEAN sends them in (from a LEAN folder's factor and map files)."""

    def __init__(self, source: Any, calendar: Any) -> None:
        self._source = source
        self._calendar = calendar
        self._dividends: dict[dt.date, list[Dividend]] = {}  # by ex-date
        self._splits: dict[dt.date, list[Split]] = {}  # by the date of their midnight slice
        self._delistings: dict[dt.date, list[Delisting]] = {}  # by their midnight's date
        self._renames: dict[dt.date, list[SymbolChangedEvent]] = {}  # by the new ticker's day
        # The session each security was added on (None: in initialize, the first session).
        self._subscribed_on: dict[Symbol, dt.date | None] = {}

    def add_security(
        self, symbol: Symbol, bars: pd.DataFrame, subscribed_on: dt.date | None
    ) -> None:
        """Schedule the events of a security the algorithm added (`bars`: its daily bars)."""
        self._subscribed_on[symbol] = subscribed_on
        self._add_dividends(symbol)
        self._add_delisting(symbol, bars)
        self._add_renames(symbol)
        rows = split_rows_of(self._source, symbol.value)
        if not rows:
            return
        raw = bars_in_mode(self._source, symbol.value, "RAW")["close"]

        def raw_close_before(day: dt.date) -> float:
            position = int(raw.index.searchsorted(pd.Timestamp(day), side="left"))
            return float(raw.iloc[position - 1]) if position > 0 else 0.0

        for day, split in split_events(rows, symbol, self._calendar, raw_close_before):
            self._splits.setdefault(day, []).append(split)

    def has_events(self, day: dt.date, session_date: dt.date) -> bool:
        """Whether a midnight slice is due on `day`, before the session of `session_date` (a
        delisting's may fall on a weekend; dividends and splits come on session days)."""
        if day in self._delistings:
            return True
        return day == session_date and (
            day in self._dividends or day in self._splits or day in self._renames
        )

    def events_on(
        self, day: dt.date, securities: Any, first_session: dt.date, time: dt.datetime
    ) -> tuple[Dividends, Splits, Delistings, SymbolChangedEvents]:
        """The dividends, splits, delistings and renames of `day` for the securities the
        algorithm still holds, stamped `time`."""
        dividends = Dividends()
        for dividend in self._dividends.get(day, []):
            # LEAN learns of a dividend on the trading day before it, so a subscription's
            # first day never brings one.
            first = self._subscribed_on.get(dividend.symbol) or first_session
            if active_security(securities, dividend.symbol) is not None and day > first:
                dividends[dividend.symbol] = Dividend(
                    dividend.symbol, time, dividend.distribution, dividend.reference_price
                )
        splits = Splits()
        for split in self._splits.get(day, []):
            if active_security(securities, split.symbol) is not None:
                splits[split.symbol] = split
        delistings = Delistings()
        for delisting in self._delistings.get(day, []):
            if active_security(securities, delisting.symbol) is not None:
                delistings[delisting.symbol] = delisting
        renames = SymbolChangedEvents()
        for rename in self._renames.get(day, []):
            # LEAN maps a subscription's ticker at its start: a rename on or before its first
            # day is no event (MappingEventProvider.Initialize, then GetEvents each new day).
            first = self._subscribed_on.get(rename.symbol) or first_session
            if active_security(securities, rename.symbol) is not None and day > first:
                renames[rename.symbol] = SymbolChangedEvent(
                    rename.symbol, time, rename.old_symbol, rename.new_symbol
                )
        return dividends, splits, delistings, renames

    def raw_split_factors(self, securities: Any) -> dict[str, dict[dt.date, float]]:
        """The split factors that changed RAW holdings, by ticker and session (for capacity)."""
        factors: dict[str, dict[dt.date, float]] = {}
        for day, events in self._splits.items():
            for split in events:
                security = securities.get(split.symbol)
                if (
                    split.type == SplitType.SPLIT_OCCURRED
                    and security is not None
                    and security.data_normalization_mode == DataNormalizationMode.RAW
                ):
                    factors.setdefault(split.symbol.value, {})[day] = split.split_factor
        return factors

    def _add_delisting(self, symbol: Symbol, bars: pd.DataFrame) -> None:
        """A delisted security's events, as LEAN's DelistingEventProvider sends them: a WARNING
        at the midnight of its last trading day, then DELISTED at the next midnight (delivered
        before the next session), each with the last close."""
        last_day = delisting_date_of(self._source, symbol.value)
        if last_day is None:
            return
        known = bars[bars.index.date <= last_day]
        price = float(known["close"].iloc[-1]) if len(known) else 0.0
        for day, kind in (
            (last_day, DelistingType.WARNING),
            (last_day + dt.timedelta(days=1), DelistingType.DELISTED),
        ):
            midnight = dt.datetime.combine(day, dt.time())
            self._delistings.setdefault(day, []).append(Delisting(symbol, midnight, price, kind))

    def _add_dividends(self, symbol: Symbol) -> None:
        """The security's dividends by ex-date: the trading day after the factor row, with
        LEAN's distribution (reference price less its product with the price factor ratio,
        rounded to cents as .NET rounds decimals: half to even)."""
        first, last = self._calendar.first_day, self._calendar.last_day
        for day_before, reference, ratio in dividend_rows_of(self._source, symbol.value):
            if not first <= day_before < last:
                continue
            ex_date = self._calendar.next_session(day_before)
            amount = Decimal(repr(reference)) - Decimal(repr(reference)) * Decimal(repr(ratio))
            distribution = float(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))
            midnight = dt.datetime.combine(ex_date, dt.time())
            self._dividends.setdefault(ex_date, []).append(
                Dividend(symbol, midnight, distribution, reference)
            )

    def _add_renames(self, symbol: Symbol) -> None:
        """The security's ticker changes, on the first session under the new ticker (LEAN's
        MappingEventProvider: the mapped ticker of each new tradable date, from the map file)."""
        first, last = self._calendar.first_day, self._calendar.last_day
        for last_old_day, old, new in ticker_changes_of(self._source, symbol.value):
            if not first <= last_old_day < last:
                continue
            day = self._calendar.next_session(last_old_day)
            midnight = dt.datetime.combine(day, dt.time())
            self._renames.setdefault(day, []).append(SymbolChangedEvent(symbol, midnight, old, new))


def notify_renames(algorithm: Any, renames: SymbolChangedEvents) -> None:
    """LEAN's AlgorithmManager on a slice with renames: ``on_symbol_changed_events``, then every
    open order of a renamed security is cancelled."""
    if not renames:
        return
    algorithm.on_symbol_changed_events(renames)
    for symbol in list(dict.keys(renames)):  # a TradeBars iterates key-value pairs
        for ticket in algorithm.transactions.get_open_order_tickets(symbol):
            ticket.cancel("Open order cancelled on symbol changed event")
