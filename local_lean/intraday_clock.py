"""The time steps of minute and hour subscriptions, inside the engine's sessions.

The engine walks NYSE sessions (``engine.py``); a session's steps are its scheduled events and
the close. When the algorithm subscribed minute or hour bars (``subscriptions.py``), this
module adds a time step at the end of each bar (LEAN stamps a bar with its end time and sends
it then), merging the bars of every subscription that end at one time into one slice, as LEAN's
synchronizer does. Each step does what LEAN's ``AlgorithmManager`` does with a time slice:

1. scan the consolidators whose bars ended before it (``ScanPastConsolidators``);
2. update the securities from the slice's trade and quote bars (a fill-forward copy moves no
   price and is not cached for fills, as ``SecurityCache`` ignores it);
3. fill the open orders that these bars fill (``ProcessSynchronousEvents``);
4. run the scheduled events due at exactly this time (``RealTimeHandler.SetTime``: after the
   prices moved, before ``on_data``; ``current_slice`` is already this step's, as LEAN sets
   it first); events due between two steps are steps of their own, which see the previous
   prices and slice (``ScanPastEvents``);
5. feed the registered indicators and the consolidators, then ``on_data`` and the framework;
6. process the order requests ``on_data`` made.

The session's close step (equity recorded, daily bars of daily subscriptions) runs after the
time step that ends at the close. Bars come from ``data/intraday_stream.py``, a day at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from local_lean.algorithm.indicators import feed_indicators_with_bars
from local_lean.capacity import TimeStepCapacity
from local_lean.consolidators import feed_intraday_consolidators, scan_past_consolidators
from local_lean.data.exchange_hours import UsEquityExchangeHours
from local_lean.data.intraday_stream import IntradayBarStream
from local_lean.intraday_fills import IntradayPrices
from local_lean.market_data import Slice, TradeBars
from local_lean.models.interest_rates import apply_margin_interest_rates
from local_lean.models.margin import used_buying_power
from local_lean.quote_bars import QuoteBars
from local_lean.securities import (
    Security,
    SecurityManager,
    active_security,
    custom_buying_power_model,
    update_price,
    update_quote,
)
from local_lean.security_data_filter import filtered_bars
from local_lean.security_session import feed_sessions
from local_lean.subscriptions import IntradaySubscription
from local_lean.symbols import Symbol

Step = tuple[dt.datetime, Callable[[], None]]


class _BarQueue:
    """One stream's bars, pulled a day at a time (the next bar is held back)."""

    def __init__(self, stream: IntradayBarStream) -> None:
        self._bars: Iterator[Any] = iter(stream)
        self._next: Any = None
        self._done = False

    def until(self, end: dt.datetime) -> list[Any]:
        """The bars ending at or before `end` not taken yet."""
        taken = []
        while not self._done:
            if self._next is None:
                self._next = next(self._bars, None)
                if self._next is None:
                    self._done = True
                    break
            if self._next.end_time > end:
                break
            taken.append(self._next)
            self._next = None
        return taken


class IntradayClock:
    """The minute and hour time steps of a backtest's intraday subscriptions."""

    def __init__(
        self,
        algorithm: Any,
        context: Any,
        transactions: Any,
        recorder: Any,
        hours: UsEquityExchangeHours | None = None,
    ) -> None:
        self.algorithm = algorithm
        self.context = context
        self.transactions = transactions
        self.recorder = recorder  # takes the equity after each time step
        self.hours = hours or UsEquityExchangeHours()
        self._queues: dict[Symbol, list[tuple[str, _BarQueue]]] = {}
        self._prices: dict[Symbol, IntradayPrices] = {}
        self.bars_sent = 0  # trade and quote bars sent to the algorithm, for the benchmarks
        self._events_seen = 0  # the order events already given to the capacity estimate
        self._started = False  # whether the first session's streams are open
        self._next_security_model_scan = dt.datetime.min  # LEAN scans the models hourly

    @property
    def subscribed(self) -> bool:
        """Whether the algorithm has any minute or hour subscription."""
        return bool(self.context.intraday_subscriptions)

    def with_time_steps(
        self, session: Any, steps: list[Step], close: Step, overrides_on_data: bool
    ) -> list[Step]:
        """The session's steps with a time step at the end of each bar; events due at exactly
        a step's time run inside it, and the close step after the step ending at the close."""
        slices = self._session_slices(session.date)
        if not slices:
            return steps
        due_at: dict[dt.datetime, list[Callable[[], None]]] = {}
        kept: list[Step] = []
        for step in steps:
            if step[0] in slices and step is not close:
                due_at.setdefault(step[0], []).append(step[1])
            else:
                kept.append(step)
        time_steps = [
            (time, partial(self._time_step, time, *bars, due_at.get(time, []), overrides_on_data))
            for time, bars in slices.items()
        ]
        ordered = [(time, 0, action) for time, action in time_steps]
        ordered += [(time, 1, action) for time, action in kept]
        ordered.sort(key=lambda item: (item[0], item[1]))  # stable within each kind
        return [(time, action) for time, _, action in ordered]

    # ----- the data ------------------------------------------------------------------------------

    def _session_slices(self, day: dt.date) -> dict[dt.datetime, tuple[TradeBars, QuoteBars]]:
        """The bars ending on `day` (up to the next midnight), by end time, oldest first."""
        self._open_new_subscriptions(day)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
        slices: dict[dt.datetime, tuple[TradeBars, QuoteBars]] = {}
        for symbol, queues in self._queues.items():
            for tick_type, queue in queues:
                for bar in queue.until(end):
                    trades, quotes = slices.setdefault(bar.end_time, (TradeBars(), QuoteBars()))
                    (trades if tick_type == "trade" else quotes)[symbol] = bar
        return dict(sorted(slices.items()))

    def _open_new_subscriptions(self, day: dt.date) -> None:
        """Streams for the subscriptions added since the last session, from now on."""
        subscriptions: dict[Symbol, IntradaySubscription] = self.context.intraday_subscriptions
        for symbol, subscription in subscriptions.items():
            if symbol in self._queues or symbol not in self.algorithm.securities:
                continue
            security = self.algorithm.securities[symbol]
            start = dt.datetime.combine(day, dt.time())
            if self._started and self.context.time > start:  # added during the backtest
                start = self.context.time
            end = dt.datetime.combine(self.algorithm.end_date.date(), dt.time(23, 59, 59))
            tick_types = ["trade", "quote"] if subscription.has_quotes else ["trade"]
            self._queues[symbol] = [
                (
                    tick_type,
                    _BarQueue(
                        IntradayBarStream(
                            self.context.source,
                            symbol,
                            subscription.resolution,
                            start,
                            end,
                            tick_type=tick_type,
                            normalization=security.data_normalization_mode,
                            extended_market_hours=subscription.extended_market_hours,
                            fill_forward=subscription.fill_forward,
                            hours=self.hours,
                        )
                    ),
                )
                for tick_type in tick_types
            ]
            prices = IntradayPrices(
                subscription.period, subscription.extended_market_hours, self.hours
            )
            self._prices[symbol] = prices
            self.transactions.track_intraday(symbol, prices)
        self._started = True

    # ----- one time step -------------------------------------------------------------------------

    def _time_step(
        self,
        time: dt.datetime,
        trades: TradeBars,
        quotes: QuoteBars,
        due: list[Callable[[], None]],
        overrides_on_data: bool,
    ) -> None:
        algorithm, context = self.algorithm, self.context
        scan_past_consolidators(algorithm.subscription_manager, context, time)
        securities = algorithm.securities
        trades, quotes = _of_securities(trades, securities), _of_securities(quotes, securities)
        trades, quotes = filtered_bars(trades, securities), filtered_bars(quotes, securities)
        feed_sessions(securities, trades, time)
        # LEAN's AlgorithmManager sets the current slice before the prices and the events
        context.current_slice = Slice(time, trades, quote_bars=quotes)
        for symbol in {*dict.keys(trades), *dict.keys(quotes)}:
            trade, quote = dict.get(trades, symbol), dict.get(quotes, symbol)
            self._prices[symbol].update(trade, quote)
            if trade is not None and not trade.is_fill_forward:
                o, h, lo, c, v = trade.open, trade.high, trade.low, trade.close, trade.volume
                update_price(securities[symbol], time, o, h, lo, c, v)
            if quote is not None and not quote.is_fill_forward:
                bid, ask = quote.bid, quote.ask
                update_quote(
                    securities[symbol],
                    bid.close if bid is not None else 0.0,
                    ask.close if ask is not None else 0.0,
                    quote.last_bid_size,
                    quote.last_ask_size,
                )
        self.bars_sent += len(trades) + len(quotes)
        if time >= self._next_security_model_scan:  # LEAN's hourly scan of security models
            apply_margin_interest_rates(securities.values(), time)
            hour = time.replace(minute=0, second=0, microsecond=0)
            self._next_security_model_scan = hour + dt.timedelta(hours=1)
        self.transactions.process_synchronous_events()
        for action in due:
            action()
        feed_indicators_with_bars(algorithm, trades)
        feed_intraday_consolidators(algorithm.subscription_manager, trades, time, quotes)
        if overrides_on_data and (trades or quotes):  # LEAN: only when Slice.HasData
            algorithm.on_data(context.current_slice)
        algorithm.on_framework_data(context.current_slice)
        self.transactions.process_synchronous_events()
        self.recorder.record_time_step(time)
        if not context.warming_up:
            self._update_capacity(time, trades, quotes)

    def _update_capacity(self, time: dt.datetime, trades: TradeBars, quotes: QuoteBars) -> None:
        """LEAN's capacity estimate after the step: the step's fills, then its bars (a quote
        bar stands in for a missing trade bar, its volume the mean of the last sizes)."""
        recorder = self.recorder
        if recorder.time_step_capacity is None:
            start, end = self.algorithm.start_date.date(), self.algorithm.end_date.date()
            recorder.time_step_capacity = TimeStepCapacity(start, end)
        capacity = recorder.time_step_capacity
        records = self.transactions.event_records
        for record in records[self._events_seen :]:
            if record["status"] == "filled":
                capacity.on_fill(
                    record["symbol"], record["time"], record["fill_price"], record["fill_quantity"]
                )
        self._events_seen = len(records)
        bars = {
            symbol.value: (bar.close, bar.volume, bar.period) for symbol, bar in dict.items(trades)
        }
        for symbol, quote in dict.items(quotes):
            if symbol.value not in bars:
                volume = (quote.last_bid_size + quote.last_ask_size) / 2
                bars[symbol.value] = (quote.close, volume, quote.period)
        securities = self.algorithm.securities.values()
        capacity.after_time_step(
            time,
            bars,
            self.algorithm.portfolio.total_portfolio_value,
            {s.symbol.value: _capacity_quantity(s) for s in securities},
            {s.symbol.value: s.price for s in securities},
        )


def _of_securities(bars: TradeBars, securities: SecurityManager) -> TradeBars:
    """`bars` without those of securities that left the algorithm: as LEAN ends a removed
    security's subscription, its later bars reach neither the slice nor the capacity estimate
    (they stay in the stream, for the security may be added again)."""
    if all(active_security(securities, symbol) is not None for symbol in dict.keys(bars)):
        return bars
    kept = type(bars)()
    for symbol, bar in dict.items(bars):
        if active_security(securities, symbol) is not None:
            kept[symbol] = bar
    return kept


def _capacity_quantity(security: Security) -> float:
    """The holding's quantity, or, where the algorithm's buying power model says what the
    position reserves, the quantity worth the buying power it uses (LEAN's estimate reads the
    model's reserved buying power times the leverage)."""
    model = custom_buying_power_model(security)
    if model is None or security.price == 0:
        return security.holdings.quantity
    return used_buying_power(security, model) / security.price


__all__ = ["IntradayClock"]
