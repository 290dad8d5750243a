"""LEAN's "Estimated Strategy Capacity" and "Lowest Capacity Asset", for daily US equities.

A port of the behaviour of LEAN's `Common/CapacityEstimate.cs` and `Common/SymbolCapacity.cs`,
fed as `Engine/Results/BacktestingResultHandler.cs` and `Engine/AlgorithmManager.cs` feed them:

- Every fill is an order event for its security (`SymbolCapacity.OnOrderEvent`): it adds the
  traded dollar value to the security's sale volume, counts a trade, and sets a discount for
  fast trading, 2 x (minutes since the security's previous fill) / 390, kept within [0.2, 1].
- After each time step (`AlgorithmManager` calls the results handler after `on_data`), each
  security with a recent fill adds the dollar volume of its bar in that step (close x volume x
  the discount) when the step is the fill's own, and stops watching after that. Daily equity
  bars span the session (09:30 to the close: LEAN's daily precise end times), so LEAN treats
  them as hour bars: a fill's bar counts when the step's time is the fill's time rounded up to
  the hour, and the security's capacity is that sum x 0.05 (the hour factor) per trade.
- Every `snapshot period` (7 days, less for backtests shorter than 8 days, at least 1) and once
  at the end, the security with the smallest capacity is the lowest-capacity asset and sets a
  new estimate: its capacity per trade divided by the larger of its share of the period's sale
  volume and its share of the portfolio value; after the first snapshot each estimate is
  0.33 x new + 0.66 x previous (LEAN's weights, which sum to 0.99). A security not held and
  not traded for 30 days leaves the estimate; the others start a new period.
- The result is rounded to the nearest 1,000 (away from zero), then to 2 significant digits
  (half to even) and printed with 2 decimals: `$1200000000.00`; `$0` and an empty asset when
  nothing traded.

`estimate_capacity` gives the two statistics; `capacity_over_time` the estimate after each
snapshot, for LEAN's "Capacity" chart ("Strategy Capacity" series).

LEAN's time steps: fills of daily-data orders happen at a session's close (the step where that
session's daily bar arrives). LEAN's default benchmark, SPY, is subscribed at hour resolution in
backtests, so LEAN's loop also steps through each session's hours (10:00 ... the close) when the
benchmark has hour data, as it does on QuantConnect and in LEAN's repository: a snapshot due on
a session is then taken at 10:00, before that session's fills, with the portfolio valued at the
previous close. `hourly_benchmark=False` models a loop with daily steps only (snapshots at the
close, after that session's fills). At the end LEAN processes the last step twice more, each
time forcing a snapshot (when the algorithm ends, and when the results handler exits), so the
last estimate is weighted in twice and a fill on the last session counts its bar three times;
this port does the same.

Not ported (LEAN does these at other resolutions or for other assets): minute, second and tick
bars (their timeouts from the average dollar volume and scale factors 0.20 and 0.50), hourly
data subscribed by the algorithm (factor 0.05 with the same hour rule), quote bars (forex and
CFD volumes from fixed constants), daily bars without precise end times
(`settings.daily_precise_end_time = False`: LEAN's daily rule and factor 0.02), currency
conversion and contract multipliers (1 for US equities in US dollars), and fill-forward bars
(for daily data they never change the result: the fill's own session always has a real bar).
"""

from __future__ import annotations

import bisect
import datetime
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

import pandas as pd

from local_lean.conventions import NEW_YORK, to_aware_utc

UTC = datetime.UTC

# LEAN's constants (SymbolCapacity.cs, CapacityEstimate.cs).
HOUR_RESOLUTION_SCALE_FACTOR = 0.05  # daily equity bars count as hour bars (see the docstring)
MINUTE_RESOLUTION_SCALE_FACTOR = 0.20
MINUTE_DOLLAR_VOLUME_SCALE = 6_000_000.0  # a minute bar's timeout: this / average dollar volume
FAST_TRADING_VOLUME_SCALING_FACTOR = 2.0
MINUTES_PER_TRADING_DAY = 390.0
MINIMUM_FAST_TRADING_DISCOUNT = 0.20
CAPACITY_EFFECT_PERIOD = datetime.timedelta(days=30)
LONGEST_SNAPSHOT_PERIOD_DAYS = 7
NEW_ESTIMATE_WEIGHT = 0.33
PREVIOUS_ESTIMATE_WEIGHT = 0.66
FORCED_FINAL_PASSES = 2
# LEAN's first hourly bar of a session ends at 10:00 (it covers 09:30-10:00).
FIRST_HOURLY_STEP = datetime.time(10, 0)


@dataclass(frozen=True)
class Fill:
    """One filled order: `time` is naive New York time, `quantity` signed (negative sells)."""

    symbol: str
    time: datetime.datetime
    quantity: float
    price: float
    order_id: int


class CapacityStatistics(NamedTuple):
    """LEAN's two statistics, as LEAN prints them."""

    estimated_strategy_capacity: str  # e.g. "$1200000000.00"; "$0" when nothing traded
    lowest_capacity_asset: str  # e.g. "SPY R735QTJ8XC9X"; "" when nothing traded


def fills_from_orders(orders: Iterable[Mapping[str, Any]]) -> list[Fill]:
    """The fills of a backtest record's orders (`BacktestRecord.orders`: dicts with id, symbol,
    fill_time, quantity, fill_price, status); orders that did not fill are left out."""
    fills = []
    for order in orders:
        if order.get("status") != "filled":
            continue
        fill_time = order.get("fill_time")
        if not isinstance(fill_time, datetime.datetime):
            raise ValueError(f"filled order {order.get('id')} has no fill_time: {order!r}")
        fills.append(
            Fill(
                symbol=str(order["symbol"]),
                time=fill_time,
                quantity=float(order["quantity"]),
                price=float(order["fill_price"]),
                order_id=int(order["id"]),
            )
        )
    return fills


def estimate_capacity(
    fills: Sequence[Fill],
    daily_bars: Mapping[str, pd.DataFrame],
    portfolio_values: pd.Series,
    *,
    start_date: datetime.date,
    end_date: datetime.date,
    identifiers: Mapping[str, str],
    hourly_benchmark: bool = True,
    currency_symbol: str = "$",
    splits: Mapping[str, Mapping[datetime.date, float]] | None = None,
) -> CapacityStatistics:
    """LEAN's capacity statistics of a daily backtest.

    `fills`: the algorithm's fills, in any order. `daily_bars`: each traded ticker's bars as
    `local_lean.data` returns them (DatetimeIndex of session dates, columns open, high, low,
    close, volume). `portfolio_values`: the total portfolio value at each session close of the
    backtest (naive New York times, after that session's fills and `on_data`, as
    `BacktestRecord.equity`); its index is the backtest's time steps. `start_date`, `end_date`:
    the algorithm's. `identifiers`: each traded ticker's SecurityIdentifier string
    (`str(symbol.id)`). `hourly_benchmark`: see the module docstring. `splits`: for
    securities whose holdings splits change (RAW prices), each ticker's split factor by the
    session it takes effect (the holding becomes whole shares of quantity / factor).

    A fill is processed at the first session close at or after its time (where LEAN fills
    orders on daily data). Raises ValueError naming the fill or ticker when a fill lies after
    the last close, a traded ticker has no bars or no identifier, or the inputs are malformed.
    """
    _check_identifiers(fills, identifiers)
    estimate = _simulate(
        fills, daily_bars, portfolio_values, start_date, end_date, hourly_benchmark, splits
    )
    printed = format_capacity(estimate.capacity, currency_symbol)
    if estimate.lowest_capacity_asset is None:
        return CapacityStatistics(printed, "")
    return CapacityStatistics(printed, identifiers[estimate.lowest_capacity_asset])


def capacity_over_time(
    fills: Sequence[Fill],
    daily_bars: Mapping[str, pd.DataFrame],
    portfolio_values: pd.Series,
    *,
    start_date: datetime.date,
    end_date: datetime.date,
    hourly_benchmark: bool = True,
) -> pd.Series:
    """The estimate after each snapshot, rounded to 1,000 as LEAN's "Capacity" chart shows it
    (`CapacityEstimate.Capacity`), indexed by the snapshot's naive New York time (the last
    close for the two snapshots at the end). LEAN samples the chart at each daily sample: its
    value then is the last snapshot's before that time (0 before the first). Same arguments
    and errors as `estimate_capacity`."""
    estimate = _simulate(
        fills, daily_bars, portfolio_values, start_date, end_date, hourly_benchmark
    )
    times = [time.astimezone(NEW_YORK).replace(tzinfo=None) for time, _ in estimate.history]
    rounded = [_round_to_thousands(capacity) for _, capacity in estimate.history]
    return pd.Series(
        [float(value) for value in rounded],
        index=pd.DatetimeIndex(times, name="time"),
        dtype="float64",
        name="Strategy Capacity",
    )


def _simulate(
    fills: Sequence[Fill],
    daily_bars: Mapping[str, pd.DataFrame],
    portfolio_values: pd.Series,
    start_date: datetime.date,
    end_date: datetime.date,
    hourly_benchmark: bool,
    splits: Mapping[str, Mapping[datetime.date, float]] | None = None,
) -> _CapacityEstimate:
    """Feed LEAN's estimate the backtest's time steps, fills and bars, as LEAN's engine does."""
    steps = _session_closes(portfolio_values)
    _check_inputs(fills, daily_bars, steps, start_date, end_date)
    fills_by_step = _fills_by_step(fills, steps)
    bars = {ticker: _BarLookup(ticker, daily_bars[ticker]) for ticker in fills_by_step.tickers}
    bar_maps = [(ticker, lookup.bar_by_date) for ticker, lookup in bars.items()]
    estimate = _CapacityEstimate(start_date, end_date)
    holdings: dict[str, float] = {}
    previous_value: float | None = None
    values_at_closes: list[float] = portfolio_values.to_numpy(dtype="float64").tolist()
    for close, value in zip(steps, values_at_closes, strict=True):
        session = close.date()
        for ticker in holdings:  # a split at this session's midnight (RAW holdings)
            factor = (splits or {}).get(ticker, {}).get(session)
            if factor:
                holdings[ticker] = float(int(holdings[ticker] / factor))
        if hourly_benchmark and previous_value is not None:
            # The session's first hourly step: no daily bars yet, holdings at the last close.
            morning = to_aware_utc(datetime.datetime.combine(session, FIRST_HOURLY_STEP))
            prices = {t: bars[t].close_before(session) for t in holdings}
            estimate.update(morning, {}, previous_value, holdings, prices)
        for fill in fills_by_step.at(close):
            estimate.on_fill(fill.symbol, to_aware_utc(close), fill.price, fill.quantity)
            holdings[fill.symbol] = holdings.get(fill.symbol, 0.0) + fill.quantity
        todays_bars = {t: bar_by_date.get(session) for t, bar_by_date in bar_maps}
        prices = {t: bars[t].close_on_or_before(session) for t in holdings}
        estimate.update(to_aware_utc(close), todays_bars, value, holdings, prices)
        previous_value = value
    if steps:
        # After the last step LEAN forces a snapshot twice, with the last step's data: once when
        # the algorithm ends (AlgorithmManager) and once when the results handler exits.
        for _ in range(FORCED_FINAL_PASSES):
            estimate.update(
                to_aware_utc(steps[-1]), todays_bars, value, holdings, prices, force=True
            )
    return estimate


class TimeStepCapacity:
    """LEAN's estimate fed as the engine steps through minute or hour bars: each fill as it
    happens, then after each time step the bars of that step (``CapacityEstimate``)."""

    def __init__(self, start_date: datetime.date, end_date: datetime.date) -> None:
        self._estimate = _CapacityEstimate(start_date, end_date)
        self._last_step: tuple | None = None

    def on_fill(self, ticker: str, time: datetime.datetime, price: float, quantity: float) -> None:
        """A fill at `time` (naive New York time)."""
        self._estimate.on_fill(ticker, to_aware_utc(time), price, quantity)

    def after_time_step(
        self,
        time: datetime.datetime,
        bars: Mapping[str, tuple[float, float, datetime.timedelta]],
        portfolio_value: float,
        holdings: Mapping[str, float],
        prices: Mapping[str, float],
    ) -> None:
        """The step at `time` (naive New York time) ended: `bars` maps tickers to the (close,
        volume, period) of their trade bar in it; `holdings` and `prices` the portfolio's."""
        self._last_step = (to_aware_utc(time), bars, portfolio_value, holdings, prices)
        self._estimate.update(*self._last_step)

    def statistics(
        self, identifiers: Mapping[str, str], currency_symbol: str = "$", final: bool = True
    ):
        """The capacity statistics once the run ended: LEAN forces two more snapshots with the
        last step's data (when the algorithm ends and when its results handler exits). With
        `final` False, the estimate so far, changing nothing (the runtime statistics)."""
        if final and self._last_step is not None:
            for _ in range(FORCED_FINAL_PASSES):
                self._estimate.update(*self._last_step, force=True)
            self._last_step = None
        estimate = self._estimate
        printed = format_capacity(estimate.capacity, currency_symbol)
        if estimate.lowest_capacity_asset is None:
            return CapacityStatistics(printed, "")
        return CapacityStatistics(printed, identifiers[estimate.lowest_capacity_asset])


def format_capacity(capacity: float, currency_symbol: str = "$") -> str:
    """LEAN's printed capacity: rounded to 1,000 away from zero (`CapacityEstimate.Capacity`),
    then to 2 significant digits, half to even (`RoundToSignificantDigits`), 2 decimals; a
    capacity that rounds to zero prints as "0"."""
    rounded = _round_to_thousands(capacity)
    if rounded == 0:
        return f"{currency_symbol}0"
    scale = Decimal(10) ** (math.floor(math.log10(abs(rounded))) + 1)
    significant = (rounded / scale).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    return f"{currency_symbol}{scale * significant:.2f}"


def _round_to_thousands(capacity: float) -> Decimal:
    """LEAN's `DiscretelyRoundBy(1000)`: the nearest multiple of 1,000, halves away from zero."""
    return (Decimal(capacity) / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 1000


# --- LEAN's per-security and portfolio estimates ------------------------------------------------


class _SymbolCapacity:
    """One traded security's part of the estimate (LEAN's SymbolCapacity, daily equity bars)."""

    def __init__(self, ticker: str) -> None:
        self.ticker = ticker
        self.sale_volume = 0.0
        self.trades = 0
        self.previous_fill: datetime.datetime | None = None
        self._dollar_volume = 0.0
        self._scale_factor = 0.0  # set when a bar is first counted
        self._fast_trading_discount = 0.0
        self._reset_pending = False
        # minute bars: the average dollar volume per minute over the last two bars
        self._average_dollar_volume = 0.0
        self._previous_time: datetime.datetime | None = None
        self._previous_volume = 0.0

    @property
    def market_capacity_dollar_volume(self) -> float:
        return self._dollar_volume * self._scale_factor

    def on_fill(self, time: datetime.datetime, price: float, quantity: float) -> None:
        self.sale_volume += price * abs(quantity)
        # The first fill counts as one day after a previous one, so it is not discounted.
        previous = self.previous_fill or time - datetime.timedelta(days=1)
        minutes = (time - previous).total_seconds() / 60
        discount = FAST_TRADING_VOLUME_SCALING_FACTOR * minutes / MINUTES_PER_TRADING_DAY
        self._fast_trading_discount = min(1.0, max(MINIMUM_FAST_TRADING_DISCOUNT, discount))
        if self._reset_pending:
            self._dollar_volume = 0.0
            self.trades = 0
            self._reset_pending = False
        self.trades += 1
        self.previous_fill = time

    def count_bar(self, now: datetime.datetime, bar: tuple[float, float] | None) -> bool:
        """Add the bar's dollar volume if `now` is the last fill's step; True when done."""
        if bar is None or bar[1] == 0:
            return False
        if len(bar) == 3:  # a minute or hour bar of the step, with its period
            return self._count_intraday_bar(now, *bar)
        close, volume = bar[0], bar[1]
        counted = self.previous_fill is not None and now == _round_up_to_hour(self.previous_fill)
        if counted:
            self._scale_factor = HOUR_RESOLUTION_SCALE_FACTOR
            self._dollar_volume += close * self._fast_trading_discount * volume
        return not counted

    def _count_intraday_bar(
        self, now: datetime.datetime, close: float, volume: float, period: datetime.timedelta
    ) -> bool:
        """LEAN's UpdateMarketCapacity for a minute or hour bar: a minute bar counts while
        `now` is within a timeout of the last fill that shrinks as the average dollar volume
        grows (1 to 120 minutes), an hour bar when `now` is the fill's time rounded up to the
        hour; True when done."""
        minutes = (now - (self._previous_time or now)).total_seconds() / 60
        if self._previous_time is None or minutes == 0:
            self._average_dollar_volume = close * volume
        else:
            self._average_dollar_volume = close * (volume + self._previous_volume) / minutes
        self._previous_time, self._previous_volume = now, volume
        if self.previous_fill is None:
            return True
        if period >= datetime.timedelta(hours=1):
            counted = now == _round_up_to_hour(self.previous_fill)
            factor = HOUR_RESOLUTION_SCALE_FACTOR
        else:
            average = self._average_dollar_volume
            k = MINUTE_DOLLAR_VOLUME_SCALE / average if average != 0 else 10.0
            timeout = 120 if k > 120 else int(max(1.0, k))
            counted = now <= self.previous_fill + datetime.timedelta(minutes=timeout)
            factor = MINUTE_RESOLUTION_SCALE_FACTOR
        if counted:
            self._scale_factor = factor
            self._dollar_volume += close * self._fast_trading_discount * volume
        return not counted

    def start_new_period(self) -> None:
        self._reset_pending = True
        self.sale_volume = 0.0

    def should_leave(self, now: datetime.datetime, invested: bool) -> bool:
        assert self.previous_fill is not None  # only traded securities are tracked
        return not invested and now >= self.previous_fill + CAPACITY_EFFECT_PERIOD


class _CapacityEstimate:
    """The portfolio's estimate (LEAN's CapacityEstimate)."""

    def __init__(self, start_date: datetime.date, end_date: datetime.date) -> None:
        # LEAN: max(min(days from start to the end date's last instant - 1, 7), 1) days; with
        # whole dates this is the number of days from start to end, within [1, 7].
        period_days = min(max((end_date - start_date).days, 1), LONGEST_SNAPSHOT_PERIOD_DAYS)
        self._snapshot_period = datetime.timedelta(days=period_days)
        self._next_snapshot_date = start_date + self._snapshot_period
        self._by_symbol = _InsertionOrderedSlots()
        self._watched: set[str] = set()
        self.capacity = 0.0
        self.lowest_capacity_asset: str | None = None
        self.history: list[tuple[datetime.datetime, float]] = []  # (UTC time, estimate)

    def on_fill(self, ticker: str, time: datetime.datetime, price: float, quantity: float) -> None:
        capacity = self._by_symbol.get(ticker)
        if capacity is None:
            capacity = _SymbolCapacity(ticker)
            self._by_symbol.add(ticker, capacity)
        capacity.on_fill(time, price, quantity)
        self._watched.add(ticker)

    def update(
        self,
        now: datetime.datetime,
        bars: Mapping[str, tuple[float, float] | None],
        portfolio_value: float,
        holdings: Mapping[str, float],
        prices: Mapping[str, float],
        force: bool = False,
    ) -> None:
        """One time step (LEAN's UpdateMarketCapacity): `bars` maps tickers to the (close,
        volume) of their bar in this step, `holdings` to quantities, `prices` to last closes."""
        for ticker in sorted(self._watched):
            capacity = self._by_symbol.get(ticker)
            if capacity is not None and capacity.count_bar(now, bars.get(ticker)):
                self._watched.discard(ticker)
        today = now.date()
        due = today >= self._next_snapshot_date and len(self._by_symbol) > 0
        if not (force or due):
            return
        if portfolio_value == 0 or len(self._by_symbol) == 0:
            return
        self._snapshot(now, portfolio_value, holdings, prices)
        self._next_snapshot_date = today + self._snapshot_period

    def _snapshot(
        self,
        now: datetime.datetime,
        portfolio_value: float,
        holdings: Mapping[str, float],
        prices: Mapping[str, float],
    ) -> None:
        capacities = self._by_symbol.values()
        total_sale_volume = sum(c.sale_volume for c in capacities)
        # min() keeps the first of equal values, as LEAN's stable OrderBy(...).First().
        smallest = min(capacities, key=lambda c: c.market_capacity_dollar_volume)
        self.lowest_capacity_asset = smallest.ticker
        share_of_sales = smallest.sale_volume / total_sale_volume if total_sale_volume else 0.0
        quantity = holdings.get(smallest.ticker, 0.0)
        holdings_value = abs(quantity * prices[smallest.ticker]) if quantity else 0.0
        share_of_holdings = holdings_value / portfolio_value
        scaling = max(share_of_sales, share_of_holdings)
        per_trade = smallest.market_capacity_dollar_volume / smallest.trades
        new_capacity = self.capacity if scaling == 0 else per_trade / scaling
        if self.capacity != 0:
            new_capacity = NEW_ESTIMATE_WEIGHT * new_capacity + PREVIOUS_ESTIMATE_WEIGHT * (
                self.capacity
            )
        self.capacity = new_capacity
        self.history.append((now, new_capacity))
        for capacity in list(capacities):
            if capacity.should_leave(now, holdings.get(capacity.ticker, 0.0) != 0):
                self._by_symbol.remove(capacity.ticker)
                self._watched.discard(capacity.ticker)
            else:
                capacity.start_new_period()


class _InsertionOrderedSlots:
    """A map iterated in the order of .NET's Dictionary, which LEAN's tie-break follows: a new
    key takes the slot of the most recently removed one, otherwise goes last."""

    def __init__(self) -> None:
        self._slots: list[_SymbolCapacity | None] = []
        self._slot_of: dict[str, int] = {}
        self._free: list[int] = []

    def __len__(self) -> int:
        return len(self._slot_of)

    def get(self, ticker: str) -> _SymbolCapacity | None:
        slot = self._slot_of.get(ticker)
        return None if slot is None else self._slots[slot]

    def add(self, ticker: str, capacity: _SymbolCapacity) -> None:
        if self._free:
            slot = self._free.pop()
            self._slots[slot] = capacity
        else:
            slot = len(self._slots)
            self._slots.append(capacity)
        self._slot_of[ticker] = slot

    def remove(self, ticker: str) -> None:
        slot = self._slot_of.pop(ticker)
        self._slots[slot] = None
        self._free.append(slot)

    def values(self) -> list[_SymbolCapacity]:
        return [capacity for capacity in self._slots if capacity is not None]


# --- inputs ---------------------------------------------------------------------------------------


class _BarLookup:
    """One ticker's daily closes and volumes by session date."""

    def __init__(self, ticker: str, bars: pd.DataFrame) -> None:
        missing = {"close", "volume"} - set(bars.columns)
        if missing or not isinstance(bars.index, pd.DatetimeIndex):
            raise ValueError(
                f"daily bars of {ticker} need a DatetimeIndex of session dates and close and "
                f"volume columns (as local_lean.data returns them); missing {sorted(missing)}"
            )
        if not bars.index.is_monotonic_increasing:
            raise ValueError(f"daily bars of {ticker} must be sorted by date, oldest first")
        # Python dates and floats: the lookups run for every traded ticker at every session.
        self._dates: list[datetime.date] = list(bars.index.normalize().date)
        self._closes: list[float] = bars["close"].to_numpy(dtype="float64").tolist()
        self._volumes: list[float] = bars["volume"].to_numpy(dtype="float64").tolist()
        # The (close, volume) of each session's first row, by session date.
        self.bar_by_date: dict[datetime.date, tuple[float, float]] = {}
        # For a date with bars, the answers of the two searches below: the close of its last
        # row, and the close of the row before its first (0.0 for the first date).
        self._last_close_of: dict[datetime.date, float] = {}
        self._close_before: dict[datetime.date, float] = {}
        previous = 0.0
        for day, close, volume in zip(self._dates, self._closes, self._volumes, strict=True):
            self.bar_by_date.setdefault(day, (close, volume))
            self._last_close_of[day] = close
            self._close_before.setdefault(day, previous)
            previous = close

    def close_on_or_before(self, session: datetime.date) -> float:
        close = self._last_close_of.get(session)
        if close is not None:
            return close
        position = bisect.bisect_right(self._dates, session)
        return self._closes[position - 1] if position else 0.0

    def close_before(self, session: datetime.date) -> float:
        close = self._close_before.get(session)
        if close is not None:
            return close
        position = bisect.bisect_left(self._dates, session)
        return self._closes[position - 1] if position else 0.0


class _FillsByStep:
    def __init__(self) -> None:
        self._by_close: dict[datetime.datetime, list[Fill]] = {}
        self.tickers: list[str] = []

    def add(self, close: datetime.datetime, fill: Fill) -> None:
        self._by_close.setdefault(close, []).append(fill)
        if fill.symbol not in self.tickers:
            self.tickers.append(fill.symbol)

    def at(self, close: datetime.datetime) -> list[Fill]:
        return self._by_close.get(close, [])


def _fills_by_step(fills: Sequence[Fill], steps: list[datetime.datetime]) -> _FillsByStep:
    """Each fill at the first session close at or after its time, in time then order-id order."""
    grouped = _FillsByStep()
    for fill in sorted(fills, key=lambda f: (f.time, f.order_id)):
        position = bisect.bisect_left(steps, fill.time)
        if position == len(steps):
            raise ValueError(
                f"fill of order {fill.order_id} ({fill.symbol}) at {fill.time} is after the last "
                f"session close with a portfolio value ({steps[-1] if steps else 'none'}); pass "
                "the portfolio value of every session close of the backtest"
            )
        grouped.add(steps[position], fill)
    return grouped


def _session_closes(portfolio_values: pd.Series) -> list[datetime.datetime]:
    if not isinstance(portfolio_values, pd.Series) or not isinstance(
        portfolio_values.index, pd.DatetimeIndex
    ):
        raise ValueError(
            "portfolio_values must be a pandas Series indexed by session close times "
            "(naive New York time), as BacktestRecord.equity"
        )
    index = portfolio_values.index
    if index.tz is not None:
        raise ValueError("portfolio_values' times must be naive New York times, without a zone")
    if not index.is_monotonic_increasing or index.has_duplicates:
        raise ValueError("portfolio_values' times must be unique and increasing")
    if portfolio_values.isna().any():
        first = portfolio_values.index[portfolio_values.isna().argmax()]
        raise ValueError(f"portfolio_values has no value at {first}; pass a number for each close")
    return [time.to_pydatetime() for time in index]


def _check_identifiers(fills: Sequence[Fill], identifiers: Mapping[str, str]) -> None:
    for fill in fills:
        if fill.symbol not in identifiers:
            raise ValueError(
                f"{fill.symbol} was traded (order {fill.order_id}) but identifiers has no "
                "SecurityIdentifier for it; pass str(symbol.id) of every traded ticker"
            )


def _check_inputs(
    fills: Sequence[Fill],
    daily_bars: Mapping[str, pd.DataFrame],
    steps: list[datetime.datetime],
    start_date: datetime.date,
    end_date: datetime.date,
) -> None:
    if end_date < start_date:
        raise ValueError(f"end_date {end_date} is before start_date {start_date}")
    for fill in fills:
        if fill.symbol not in daily_bars:
            raise ValueError(
                f"{fill.symbol} was traded (order {fill.order_id}) but daily_bars has no bars "
                "for it; pass the daily bars of every traded ticker"
            )
        if not (math.isfinite(fill.price) and fill.price > 0 and math.isfinite(fill.quantity)):
            raise ValueError(f"fill of order {fill.order_id} has a bad price or quantity: {fill}")
    if fills and not steps:
        raise ValueError("there are fills but portfolio_values is empty")


def _round_up_to_hour(time: datetime.datetime) -> datetime.datetime:
    floor = time.replace(minute=0, second=0, microsecond=0)
    return floor if floor == time else floor + datetime.timedelta(hours=1)
