"""Universe selection models whose members change over time (LEAN's
``CustomUniverseSelectionModel`` and ``ScheduledUniverseSelectionModel``).

The engine asks each model when it selects on a session (``_selection_times``) and, at that
time, which symbols it selects (``_select``); symbols new to the algorithm are added at daily
resolution and reach the framework models as ``SecurityChanges``. A symbol that leaves every
universe is removed from the algorithm (framework/membership.py).

- CustomUniverseSelectionModel(name, selector): ``selector(time)`` returns tickers; it runs at
  midnight of the start date and of every trading session after (LEAN's daily custom
  universe), with the New York time.
- ScheduledUniverseSelectionModel(date_rule, time_rule, selector): ``selector(utc_time)``
  returns Symbols (or tickers); it runs when the rules fire, with the UTC time (LEAN's
  default time zone for scheduled universes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from local_lean.enums import SecurityType
from local_lean.errors import NotSupportedError
from local_lean.framework.insights import to_utc
from local_lean.market_calendar import nyse_calendar
from local_lean.scheduling import DateRule, TimeRule, rule_dates, rule_time
from local_lean.symbols import Symbol, equity_symbol


def _as_symbols(selected: Any, model: str) -> list[Symbol]:
    """A selector's result as Symbols; LEAN's ``Universe.Unchanged`` is not offered."""
    if selected is None:
        raise TypeError(f"{model}'s selector returned None: return a list of symbols")
    if isinstance(selected, str | Symbol):
        selected = [selected]
    if not isinstance(selected, Iterable):
        raise TypeError(f"{model}'s selector must return a list of symbols, got {selected!r}")
    symbols: list[Symbol] = []
    for item in selected:
        if isinstance(item, str):
            item = equity_symbol(item)
        if not isinstance(item, Symbol):
            raise TypeError(f"{model}'s selector returned {item!r}: expected tickers or Symbols")
        if item not in symbols:
            symbols.append(item)
    return symbols


class UniverseSelectionModel:
    """Base of the selection models the engine re-runs."""

    def _selection_times(self, session: Any, first: bool, start: dt.datetime) -> list:
        """When the model selects on `session` (New York times; `first`: the backtest's
        first session, which starts at `start`)."""
        raise NotImplementedError

    def _select(self, algorithm: Any, time: dt.datetime) -> list[Symbol]:
        raise NotImplementedError


class CustomUniverseSelectionModel(UniverseSelectionModel):
    """Tickers from ``selector(time)`` each day: ``CustomUniverseSelectionModel(name,
    selector)``; a Python subclass may override ``select(algorithm, date)`` instead."""

    def __init__(self, *args: Any) -> None:
        if len(args) == 2:
            name, selector = args
        elif len(args) == 6:
            security_type, name, market, selector, _settings, interval = args
            if security_type != SecurityType.EQUITY or market not in ("usa", None):
                raise NotSupportedError(
                    f"CustomUniverseSelectionModel({security_type!r}, market={market!r})",
                    "only US equities (SecurityType.EQUITY, Market.USA)",
                )
            if interval != dt.timedelta(days=1):
                raise NotSupportedError(
                    f"CustomUniverseSelectionModel(interval={interval!r})",
                    "daily data: pass timedelta(days=1)",
                )
        else:
            raise TypeError(
                "CustomUniverseSelectionModel takes (name, selector) or (security_type, name, "
                "market, selector, universe_settings, interval)"
            )
        if selector is not None and not callable(selector):
            raise TypeError(
                f"CustomUniverseSelectionModel's selector must be callable: {selector!r}"
            )
        self._name = str(name)
        self._selector = selector

    def select(self, algorithm: Any, date: dt.datetime) -> list[Any]:
        """The tickers selected at `date` (the selector's answer)."""
        if self._selector is None:
            raise ValueError("CustomUniverseSelectionModel needs a selector (or override select)")
        return self._selector(date)

    def _selection_times(self, session: Any, first: bool, start: dt.datetime) -> list:
        midnight = dt.datetime.combine(session.date, dt.time())
        # LEAN's first selection is at the start, even when that is not a trading day.
        return [start, midnight] if first and start < midnight else [midnight]

    def _select(self, algorithm: Any, time: dt.datetime) -> list[Symbol]:
        return _as_symbols(self.select(algorithm, time), "CustomUniverseSelectionModel")

    def __str__(self) -> str:
        return f"{self._name}-EQUITY-USA"


class InceptionDateUniverseSelectionModel(CustomUniverseSelectionModel):
    """Adds each ticker from its inception date on (``{ticker: date}``, taken in the order
    given; a ticker waits for those before it) and keeps every ticker added."""

    def __init__(self, name: str, tickers_by_date: Any) -> None:
        super().__init__(name, None)
        if not hasattr(tickers_by_date, "items"):
            raise TypeError(
                "InceptionDateUniverseSelectionModel needs a dict of tickers and their "
                f"inception dates, got {tickers_by_date!r}"
            )
        self._queue: list[tuple[str, dt.datetime]] = []
        for ticker, date in tickers_by_date.items():
            if not isinstance(date, dt.date):
                raise TypeError(f"the inception date of {ticker} must be a date, got {date!r}")
            if not isinstance(date, dt.datetime):
                date = dt.datetime.combine(date, dt.time())
            self._queue.append((str(ticker), date))
        self._symbols: list[str] = []

    def select(self, algorithm: Any, date: dt.datetime) -> list[Any]:
        """The tickers whose inception date has come, in the order given. (LEAN answers
        ``Universe.Unchanged`` on a day that adds none; the same list changes nothing.)"""
        while self._queue and self._queue[0][1] <= date:
            self._symbols.append(self._queue.pop(0)[0])
        return list(self._symbols)


class ScheduledUniverseSelectionModel(UniverseSelectionModel):
    """Symbols from ``selector(utc_time)`` when the date and time rules fire."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args and isinstance(args[0], str | dt.tzinfo):
            raise NotSupportedError(
                "ScheduledUniverseSelectionModel(time_zone, ...)",
                "pass (date_rule, time_rule, selector): the selector gets the UTC time",
            )
        names = ("date_rule", "time_rule", "selector", "settings")
        values = dict(zip(names, args, strict=False))
        values.update(kwargs)
        date_rule, time_rule = values.get("date_rule"), values.get("time_rule")
        selector = values.get("selector")
        if not isinstance(date_rule, DateRule) or not isinstance(time_rule, TimeRule):
            raise TypeError(
                "ScheduledUniverseSelectionModel takes self.date_rules.<rule>, "
                "self.time_rules.<rule> and a selector function"
            )
        if not callable(selector):
            raise ValueError(
                f"Unable to create a scheduled universe selector from {selector!r}: it is not a "
                "function. Please provide a function that takes the firing date time and "
                "returns the selected symbols."
            )
        self._date_rule = date_rule
        self._time_rule = time_rule
        self._selector = selector
        self._dates: set[dt.date] | None = None

    def _selection_times(self, session: Any, first: bool, start: dt.datetime) -> list:
        if self._dates is None:
            calendar = nyse_calendar()
            # From the first session visited (warm-up sessions come before the start).
            first_day = min(start.date(), session.date)
            self._dates = rule_dates(self._date_rule, calendar, first_day, calendar.last_day)
        if session.date not in self._dates:
            return []
        return [rule_time(self._time_rule, session)]

    def _select(self, algorithm: Any, time: dt.datetime) -> list[Symbol]:
        return _as_symbols(self._selector(to_utc(time)), "ScheduledUniverseSelectionModel")


def selection_times(model: UniverseSelectionModel, session: Any, first: bool, start: Any) -> list:
    """When `model` selects on `session` (New York times; `first`: the backtest's first
    session, which starts at `start`)."""
    return model._selection_times(session, first, start)


def selected_symbols(model: UniverseSelectionModel, algorithm: Any, time: dt.datetime) -> list:
    """The Symbols `model` selects at `time`."""
    return model._select(algorithm, time)


__all__ = [
    "selected_symbols",
    "selection_times",
    "CustomUniverseSelectionModel",
    "InceptionDateUniverseSelectionModel",
    "ScheduledUniverseSelectionModel",
    "UniverseSelectionModel",
]
