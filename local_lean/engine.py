"""The backtest loop: NYSE sessions, scheduled events, daily bars, fills, insights, results.

For each session T (local_lean/README.md, "Time semantics"):

1. scheduled events before the open, during the session, then at the close time, each at its
   own time (orders they place are queued by the transaction handler);
2. the close: T's daily bars arrive. Prices update, the transaction handler fills what those
   bars fill (MarketOnClose orders at T's close, MarketOnOpen orders at T's open), ``on_data``
   runs, the framework rebalances if due (LEAN's ``OnFrameworkData``), equity is recorded;
3. events after the close.

Insights whose close time passed are scored after each time step. Every scheduled event and
every ``train`` call runs through TimeBudget.run (`_run_timed`).

Bad dates and data that ends before the backtest are refused when ``initialize`` first trains
(`_check_before_training`), so they cost no training. Ctrl-C and SIGTERM end the run as a runtime
error does: results up to the last completed session, and where it stopped (local_lean/
interrupts.py).
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from local_lean.algorithm import AlgorithmContext, QCAlgorithm, bind_algorithm, record_insights
from local_lean.capacity import CapacityStatistics, estimate_capacity, fills_from_orders
from local_lean.consolidators import feed_consolidators, scan_past_consolidators
from local_lean.corporate_events import apply_dividend, apply_split, split_events
from local_lean.data import (
    bars_in_mode,
    delisting_date_of,
    dividend_rows_of,
    lean_decimal_close_of,
    open_price_source,
    split_rows_of,
)
from local_lean.data.auxiliary import use_data_source
from local_lean.enums import DataNormalizationMode, DelistingType, SplitType
from local_lean.errors import AlgorithmError, LocalLeanError
from local_lean.fills import DailyBar
from local_lean.framework.alpha import SecurityChanges
from local_lean.framework.insights import (
    Insight,
    direction_word,
    emitted_times,
    insight_outcome,
    to_utc,
)
from local_lean.framework.membership import UniverseMembership
from local_lean.framework.pipeline import notify_security_changes, process_insights
from local_lean.framework.selection import UniverseSelectionModel
from local_lean.indicators.helpers import feed_registered_indicators
from local_lean.interrupts import BacktestInterrupted
from local_lean.market_calendar import nyse_calendar
from local_lean.market_data import (
    Delisting,
    Delistings,
    Dividend,
    Dividends,
    Slice,
    Split,
    Splits,
    TradeBar,
    TradeBars,
)
from local_lean.models.fees import fee_models_description
from local_lean.models.interest_rates import statistics_rate_model
from local_lean.object_store import ObjectStore
from local_lean.order_list_hash import OrderSubmission, order_list_hash, submission_of
from local_lean.portfolio import BasisPointsFeeModel, InteractiveBrokersFeeModel
from local_lean.scheduling import events_due, events_due_between, prepare_schedule
from local_lean.securities import Security, update_price
from local_lean.symbols import Symbol, equity_symbol
from local_lean.time_budget import TimeBudget, TimeLimitSettings
from local_lean.transactions import TransactionHandler
from local_lean.volatility import warm_up_volatility_model

DEFAULT_BENCHMARK = "SPY"
# LEAN's ScheduledEvent.SecurityEndOfDayDelta: OnEndOfDay runs this long before the close.
END_OF_DAY_DELTA = dt.timedelta(minutes=10)


class BacktestSetupError(LocalLeanError, ValueError):
    """The backtest cannot start: bad dates, cash or data (a usage error, exit status 2)."""


@dataclass
class BacktestOptions:
    """How to run: overrides of the algorithm's own settings and where things go."""

    data: str | Path | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    cash: float | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    output: Path | None = None
    storage: Path | None = None
    fee_bps: float | None = None  # None: LEAN's default Interactive Brokers fee model
    seed: int = 0
    time_limits: TimeLimitSettings = field(default_factory=TimeLimitSettings)
    progress: bool = False
    draw_charts: bool = True
    log: Callable[[str], None] = print


@dataclass
class BacktestOutcome:
    """What a run produced: the record, where results went, and whether the algorithm failed."""

    record: Any
    results_path: Path | None
    runtime_error: str | None
    sessions: int
    timings: dict[str, float]
    budget_line: str
    interrupted_by: str | None = None  # "SIGINT" or "SIGTERM" when a signal stopped the run

    @property
    def succeeded(self) -> bool:
        return self.runtime_error is None


@dataclass
class _SecurityBars:
    """A security's bars as arrays, with a date -> row map for per-session lookups."""

    security: Security
    rows: dict[dt.date, int]
    values: np.ndarray  # open high low close volume


class _ScoredInsight:
    __slots__ = ("insight", "final_price", "closed")

    def __init__(self, insight: Insight) -> None:
        self.insight = insight
        self.final_price: float | None = None
        self.closed = False


class _CachedCalendar:
    """The NYSE calendar with next_session remembered (asked once per insight)."""

    def __init__(self, calendar: Any) -> None:
        self._calendar = calendar
        self._next: dict[dt.date, dt.date] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._calendar, name)

    def next_session(self, day: dt.date) -> dt.date:
        following = self._next.get(day)
        if following is None:
            following = self._next[day] = self._calendar.next_session(day)
        return following


class BacktestEngine:
    """Runs one algorithm instance over NYSE sessions."""

    def __init__(self, algorithm: QCAlgorithm, options: BacktestOptions) -> None:
        self.algorithm = algorithm
        self.options = options
        self.calendar = _CachedCalendar(nyse_calendar())
        self.source = open_price_source(options.data, seed=options.seed)
        use_data_source(self.source)  # what the algorithm's factor file providers read
        self.log_lines: list[str] = []
        self.context = AlgorithmContext(self.calendar, self.source, self._emit_log)
        self.context.run_timed = self._run_timed
        self.context.on_security_added = self._security_added
        self.context.on_security_removal = lambda security: self._pending_removals.append(security)
        self.transactions = TransactionHandler(
            algorithm.securities,
            algorithm.portfolio,
            clock=lambda: self.context.time,
            next_close_after=self.calendar.next_close_after,
            on_order_event=self._order_event,
            log_error=algorithm.error,
            is_warming_up=lambda: self.context.warming_up,
            is_open=self.calendar.is_open,
        )
        self.transactions.submission_of = self._submission_of
        self.context.transactions = self.transactions
        self.budget = TimeBudget(options.time_limits, log=self._runner_log)
        self._arrays: dict[Symbol, _SecurityBars] = {}
        self._dividends: dict[dt.date, list[Dividend]] = {}  # by ex-date
        self._last_session_date = dt.date.min  # set by _plan_sessions
        self._first_session_date = dt.date.min  # set by _plan_sessions
        # The session each security was added on (None: in initialize, the first session).
        self._subscribed_on: dict[Symbol, dt.date | None] = {}
        self._splits: dict[dt.date, list[Split]] = {}  # by the date of their midnight slice
        self._delistings: dict[dt.date, list[Delisting]] = {}  # by their midnight's date
        self._notified: set[Symbol] = set()  # securities the framework was told about
        self._scored: list[_ScoredInsight] = []
        self._closing: list[tuple[dt.datetime, int, _ScoredInsight]] = []
        self.equity: dict[pd.Timestamp, float] = {}
        self.benchmark_prices: dict[pd.Timestamp, float] = {}
        self._benchmark_closes: dict[dt.date, float] | None = None  # set by _prepare_benchmark
        self.timings = {"initialize": 0.0, "loop": 0.0, "results": 0.0}
        self.sessions_run = 0
        self._progress: Any = None
        self._checked_before_training = False
        self._membership = UniverseMembership()
        self._removed: dict[str, Symbol] = {}  # securities that left every universe
        self._pending_removals: list[Security] = []  # remove_security's, until they are flat
        self._selected_once = False  # the first selection runs at the start date
        self._overrides_on_algorithm()

    # ----- setup ---------------------------------------------------------------------------------

    def _overrides_on_algorithm(self) -> None:
        options, algorithm, context = self.options, self.algorithm, self.context
        bind_algorithm(algorithm, context, options.parameters)
        if options.start is not None:
            context.overrides["start"] = options.start
            context.setup.start = dt.datetime.combine(options.start, dt.time())
        if options.end is not None:
            context.overrides["end"] = options.end
            context.setup.end = dt.datetime.combine(options.end, dt.time())
        if options.cash is not None:
            context.overrides["cash"] = options.cash
            context.setup.cash = float(options.cash)
            algorithm.portfolio.cash = float(options.cash)
        if options.fee_bps is not None:
            algorithm.portfolio.fee_model = BasisPointsFeeModel(options.fee_bps)
        else:
            algorithm.portfolio.fee_model = InteractiveBrokersFeeModel()
        if options.storage is not None:
            storage = Path(options.storage)
        elif options.output is not None:
            storage = Path(options.output) / "storage"
        else:  # nowhere to keep it: a fresh folder, so runs never share models by accident
            storage = Path(tempfile.mkdtemp(prefix="local-lean-storage-"))
        algorithm.object_store = ObjectStore(storage)
        self._set_clock(context.setup.start, context.setup.start.date())

    def _set_clock(self, time: dt.datetime, visible_until: dt.date) -> None:
        self.context.time = time
        self.context.visible_until = visible_until

    def _emit_log(self, line: str) -> None:
        self.log_lines.append(line)
        if self._progress is not None:
            self._progress.write(line)
        else:
            self.options.log(line)

    def _runner_log(self, line: str) -> None:
        """The runner's own messages (time-limit warnings) go to the log like LEAN's."""
        self.context.output.logs.append(line)
        self._emit_log(line)

    def _security_added(self, security: Security) -> None:
        bars = self.context.bars.get(security.symbol)
        if bars is None:
            return
        dates = bars.index.date
        self._arrays[security.symbol] = _SecurityBars(
            security=security,
            rows={day: row for row, day in enumerate(dates)},
            values=bars[["open", "high", "low", "close", "volume"]].to_numpy(dtype="float64"),
        )
        # Seed the price with the last bar the algorithm may already see.
        known = int(bars.index.searchsorted(pd.Timestamp(self.context.visible_until), side="left"))
        if known > 0:
            day = dates[known - 1]
            o, h, lo, c, v = (float(x) for x in self._arrays[security.symbol].values[known - 1])
            update_price(security, self._close_of(day), o, h, lo, c, v)
        self._subscribed_on[security.symbol] = (
            None if self.context.initializing else self.context.session_date
        )
        self._add_dividends(security.symbol)
        self._add_delisting(security.symbol, bars)
        rows = split_rows_of(self.source, security.symbol.value)
        if rows:
            raw = bars_in_mode(self.source, security.symbol.value, "RAW")["close"]

            def raw_close_before(day: dt.date) -> float:
                position = int(raw.index.searchsorted(pd.Timestamp(day), side="left"))
                return float(raw.iloc[position - 1]) if position > 0 else 0.0

            for day, split in split_events(rows, security.symbol, self.calendar, raw_close_before):
                self._splits.setdefault(day, []).append(split)

    def _add_delisting(self, symbol: Symbol, bars: pd.DataFrame) -> None:
        """A delisted security's events, as LEAN's DelistingEventProvider sends them: a WARNING
        at the midnight of its last trading day, then DELISTED at the next midnight (delivered
        before the next session), each with the last close."""
        last_day = delisting_date_of(self.source, symbol.value)
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
        first, last = self.calendar.first_day, self.calendar.last_day
        for day_before, reference, ratio in dividend_rows_of(self.source, symbol.value):
            if not first <= day_before < last:
                continue
            ex_date = self.calendar.next_session(day_before)
            amount = Decimal(repr(reference)) - Decimal(repr(reference)) * Decimal(repr(ratio))
            distribution = float(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))
            midnight = dt.datetime.combine(ex_date, dt.time())
            self._dividends.setdefault(ex_date, []).append(
                Dividend(symbol, midnight, distribution, reference)
            )

    def _close_of(self, day: dt.date) -> dt.datetime:
        if self.calendar.first_day <= day <= self.calendar.last_day and self.calendar.is_session(
            day
        ):
            return self.calendar.sessions(day, day)[0].close
        return dt.datetime.combine(day, dt.time(16))

    def _run_timed(self, name: str, action: Callable[[], Any]) -> None:
        """The one place scheduled events and training run: timed against LEAN's limits."""
        if self.context.initializing:
            self._check_before_training()
        self.budget.run(name, self.context.time, action)

    # ----- the run -------------------------------------------------------------------------------

    def run(self) -> BacktestOutcome:
        from local_lean.results import write_results

        algorithm, context = self.algorithm, self.context
        error: str | None = None
        interrupted: BacktestInterrupted | None = None
        started = _now()
        try:
            try:
                algorithm.initialize()
            finally:
                context.initializing = False
                self.timings["initialize"] = _now() - started
            self._warn_unread_parameters()
            self._warm_up_volatility_models()
            sessions, warm_up = self._plan_sessions()
            self._check_data_covers_dates(sessions, final=True)
            self._prepare_benchmark()
            loop_started = _now()
            self._loop(sessions, warm_up)
            self.timings["loop"] = _now() - loop_started
        except BacktestSetupError:
            raise
        except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM: keep what was simulated
            interrupted = _as_interruption(exc)
            error = self._interruption_text(interrupted)
        except BaseException as exc:  # the algorithm's runtime error: keep what was simulated
            if isinstance(exc, SystemExit):
                raise
            error = _runtime_error_text(exc, context.time)
        finally:
            if self._progress is not None:
                self._progress.close()
                self._progress = None
        self.budget.end_time_step()
        if error is None:
            try:
                algorithm.on_end_of_algorithm()
            except KeyboardInterrupt as exc:
                interrupted = _as_interruption(exc)
                error = self._interruption_text(interrupted)
            except Exception as exc:  # noqa: BLE001 - reported as LEAN's runtime error
                error = _runtime_error_text(exc, context.time)
        self.budget_line = self.budget.budget_line()
        context.output.logs.append(self.budget_line)
        results_started = _now()
        record = self.build_record(error)
        path = None
        if self.options.output is not None:
            path = write_results(record, self.options.output, draw_charts=self.options.draw_charts)
        self.timings["results"] = _now() - results_started
        return BacktestOutcome(
            record,
            path,
            error,
            self.sessions_run,
            self.timings,
            self.budget_line,
            interrupted_by=None if interrupted is None else interrupted.signal_name,
        )

    # ----- checks before any work: bad dates and data fail before the first training --------

    def _session_span(self) -> list:
        """The NYSE sessions from the algorithm's start to its end; BacktestSetupError if none."""
        algorithm = self.algorithm
        start = algorithm.start_date.date()
        end = algorithm.end_date.date()
        if end < start:
            raise BacktestSetupError(
                f"the end date {end} is before the start date {start}: set an end date on or "
                "after the start date"
            )
        first, last = self.calendar.first_day, self.calendar.last_day
        if start < first or end > last:
            raise BacktestSetupError(
                f"dates {start}..{end} are outside the NYSE calendar's span {first}..{last}"
            )
        sessions = self.calendar.sessions(start, end)
        if not sessions:
            raise BacktestSetupError(
                f"there is no NYSE session between {start} and {end} (weekends and holidays "
                "only): widen the dates"
            )
        return sessions

    def _check_before_training(self) -> None:
        """Run once, when initialize first trains or runs an event: the dates and data known so
        far must make a backtest, so that a mistake costs no training time."""
        if self._checked_before_training:
            return
        self._checked_before_training = True
        self._check_data_covers_dates(self._session_span(), final=False)

    def _check_data_covers_dates(self, sessions: list, final: bool) -> None:
        """Refuse a backtest whose securities' data all end before it starts; with `final`, log
        a warning for each security whose data ends before the backtest does."""
        first_session, last_session = sessions[0].date, sessions[-1].date
        last_bars = {
            symbol.value: frame.index[-1].date()
            for symbol, frame in self.context.bars.items()
            if len(frame)
        }
        ended = {ticker: day for ticker, day in last_bars.items() if day < first_session}
        if last_bars and len(ended) == len(last_bars):
            listed = ", ".join(f"{ticker} on {day}" for ticker, day in sorted(ended.items()))
            raise BacktestSetupError(
                f"the data ends before the backtest starts on {first_session}: {listed} "
                f"({self.source.description}). Choose dates within the data, or add newer data"
            )
        if not final:
            return
        for ticker, day in sorted(last_bars.items()):
            if day < last_session:
                self.algorithm.log(
                    f"WARNING: the data of {ticker} ends on {day}, before the backtest's last "
                    f"session {last_session}: {ticker} has no prices after {day}"
                )

    def _warn_unread_parameters(self) -> None:
        unread = self.context.setup.unread_parameters()
        if unread:
            names = ", ".join(f"'{name}'" for name in unread)
            self.algorithm.log(
                f"WARNING: parameter(s) {names} (config.json or --parameter) were never read by "
                "the algorithm's initialize: check the spelling against its get_parameter names"
            )

    def _interruption_text(self, interrupted: BacktestInterrupted) -> str:
        stopped = self.context.time
        covered = (
            f"the results cover the sessions up to {max(self.equity).date()}"
            if self.equity
            else "no session had completed"
        )
        return (
            f"Interrupted by {interrupted.signal_name} at simulated time "
            f"{stopped:%Y-%m-%d %H:%M:%S} New York time; {covered}"
        )

    def _plan_sessions(self) -> tuple[list, int]:
        algorithm = self.algorithm
        sessions = self._session_span()
        first, last = self.calendar.first_day, self.calendar.last_day
        end = algorithm.end_date.date()
        warm_up = self._warm_up_sessions(algorithm.start_date.date())
        everything = warm_up + sessions
        # Date rules see whole months around the backtest (month_end needs the month's end).
        span_start = max(first, everything[0].date.replace(day=1) - dt.timedelta(days=7))
        month_after = (end.replace(day=1) + dt.timedelta(days=40)).replace(day=1)
        span_end = min(last, month_after + dt.timedelta(days=7))
        prepare_schedule(algorithm.schedule, self.calendar.sessions(span_start, span_end))
        # Calendar-day events run from the start date (or the warm-up's first session) on.
        first_day = min(algorithm.start_date.date(), everything[0].date)
        self._last_session_date = first_day - dt.timedelta(days=1)
        self._first_session_date = everything[0].date
        return everything, len(warm_up)

    def _warm_up_sessions(self, start: dt.date) -> list:
        period = self.context.setup.warm_up
        if not period:
            return []
        if isinstance(period, dt.timedelta):
            first = (dt.datetime.combine(start, dt.time()) - period).date()
            first = max(first, self.calendar.first_day)
            return [s for s in self.calendar.sessions(first, start) if s.date < start]
        dates: list = []
        day = start
        for _ in range(period):
            day = self.calendar.previous_session(day)
            dates.append(day)
        return self.calendar.sessions(dates[-1], dates[0]) if dates else []

    def _prepare_benchmark(self) -> None:
        symbol = self.context.setup.benchmark or equity_symbol(DEFAULT_BENCHMARK)
        self.benchmark_symbol = symbol
        # LEAN's benchmark is a security of its own, fed in the default ADJUSTED prices
        # whatever the algorithm's subscription to it (SecurityService.CreateBenchmarkSecurity)
        bars = self.context.bars_in_mode(symbol, DataNormalizationMode.ADJUSTED)
        self._benchmark_closes = None
        if bars is None:
            self.algorithm.log(f"No benchmark: {symbol.value} is not in {self.source.description}")
            return
        start, end = self.algorithm.start_date.date(), self.algorithm.end_date.date()
        if not len(bars) or bars.index[-1].date() < start or bars.index[0].date() > end:
            span = f"{bars.index[0].date()}..{bars.index[-1].date()}" if len(bars) else "no bars"
            self.algorithm.log(
                f"No benchmark: the data of {symbol.value} ({span}) has no close between "
                f"{start} and {end}"
            )
            return
        self._benchmark_closes = dict(zip(bars.index.date, bars["close"].to_numpy(), strict=True))

    def _loop(self, sessions: list, warm_up: int) -> None:
        algorithm, context = self.algorithm, self.context
        if context.quit_requested:  # quit() in initialize: LEAN runs no time step at all
            return
        overrides_on_data = type(algorithm).on_data is not QCAlgorithm.on_data
        if self.options.progress:
            from tqdm import tqdm

            self._progress = tqdm(total=len(sessions) - warm_up, unit="day", desc="Backtest")
        context.warming_up = warm_up > 0
        for number, session in enumerate(sessions):
            if number == warm_up and warm_up > 0:
                context.warming_up = False
                self._set_clock(session.open.replace(hour=0, minute=0), session.date)
                algorithm.on_warmup_finished()
            self._run_session(session, overrides_on_data)
            if number >= warm_up:
                self.sessions_run += 1
                if self._progress is not None:
                    self._progress.update(1)
            if context.quit_requested:
                break

    def _run_session(self, session: Any, overrides_on_data: bool) -> None:
        algorithm, context = self.algorithm, self.context
        context.session_date = session.date
        context.after_close = False
        context.visible_until = session.date
        due = events_due(algorithm.schedule, session)
        until_close = [d for d in due if d.time <= session.close]
        after_close = [d for d in due if d.time > session.close]
        # Events of the calendar days since the previous session (weekends, holidays; LEAN
        # runs rules without a symbol on those days) come first, seeing that session's data.
        previous = self._last_session_date
        steps = self._universe_selections(session)
        steps += [
            (item.time, partial(self._event, item))
            for item in events_due_between(algorithm.schedule, previous, session.date)
        ]
        self._last_session_date = session.date
        # LEAN's slices of dividends, splits and delistings, at the midnight of their day (a
        # delisting's may fall on a weekend: it comes before this session).
        for days_back in range((session.date - previous).days - 1, -1, -1):
            day = session.date - dt.timedelta(days=days_back)
            if self._has_midnight_events(day, session.date):
                midnight = dt.datetime.combine(day, dt.time())
                steps.append((midnight, partial(self._midnight_slice, day, overrides_on_data)))
        steps.extend((item.time, partial(self._event, item)) for item in until_close)
        end_of_day = self._end_of_day_step(session)
        if end_of_day is not None:
            steps.append(end_of_day)
            steps.sort(key=lambda step: step[0])  # stable: events at that time run first
        steps.append((session.close, partial(self._close, session, overrides_on_data)))
        steps.extend((item.time, partial(self._event, item)) for item in after_close)
        steps.sort(key=lambda step: step[0])  # stable: selections first at equal times
        for time, action in steps:
            self._step(time, action)
            if context.quit_requested:  # LEAN stops after the time step in which quit() ran
                return

    def _step(self, time: dt.datetime, action: Callable[[], None]) -> None:
        self.context.time = time
        self.budget.start_time_step(time)
        if not self.context.warming_up:
            self._notify_security_changes()
        action()
        self._score_insights(time)

    def _universe_selections(self, session: Any) -> list:
        """The (time, action) steps of the changing universes that select on `session`."""
        algorithm = self.algorithm
        steps = []
        first = not self._selected_once
        self._selected_once = True
        for model in algorithm._universe_models:
            if not isinstance(model, UniverseSelectionModel):
                continue
            for time in model._selection_times(session, first, algorithm.start_date):
                steps.append((time, partial(self._select_universe, model)))
        return steps

    def _select_universe(self, model: Any) -> None:
        """A universe selects: its new and removed securities reach the framework in this
        time step."""
        algorithm = self.algorithm
        removed = self._membership.apply(algorithm, model, self.context.time, self._remove_security)
        if self.context.warming_up:
            return
        added = [s for s in algorithm.securities.values() if s.symbol not in self._notified]
        self._notified.update(security.symbol for security in added)
        if added or removed:
            notify_security_changes(algorithm, SecurityChanges(added, removed))

    def _remove_security(self, symbol: Symbol) -> None:
        """A security no universe holds leaves the algorithm: no more bars or prices."""
        self._arrays.pop(symbol, None)
        self._notified.discard(symbol)
        self._removed[symbol.value] = symbol  # its orders still count in the results
        self.algorithm.securities._remove(symbol)

    def _event(self, due: Any) -> None:
        self._run_timed(due.event.name, due.event.callback)

    def _order_event(self, event: Any) -> None:
        self.algorithm.on_order_event(event)

    def _notify_security_changes(self) -> None:
        """Securities added since the last time step reach the framework models and
        ``on_securities_changed`` at the start of the next one, as LEAN's SecurityChanges do
        (those added in ``initialize`` at the first time step)."""
        removed = self._flat_pending_removals()
        securities = self.algorithm.securities
        if len(securities) == len(self._notified) and not removed:
            return
        added = [s for s in securities.values() if s.symbol not in self._notified]
        if added or removed:
            self._notified.update(security.symbol for security in added)
            notify_security_changes(self.algorithm, SecurityChanges(added, removed))

    def _flat_pending_removals(self) -> list[Security]:
        """The securities remove_security asked to remove that hold nothing and have no open
        order any more: they leave now (LEAN's pending removals wait the same way)."""
        flat = [
            security
            for security in self._pending_removals
            if not security.invested
            and not any(o.symbol == security.symbol for o in self.transactions.open_orders())
        ]
        for security in flat:
            self._pending_removals.remove(security)
            self._remove_security(security.symbol)
        return flat

    def _framework_data(self, data: Slice) -> None:
        """LEAN's ``OnFrameworkData``: the alpha model's insights, then the framework's path
        from insights to orders (which also acts on expiries and the rebalance period)."""
        algorithm = self.algorithm
        # The insight score function scores at each time step, warm-up included (LEAN's Step).
        algorithm.insights.step(to_utc(self.context.time))
        if self.context.warming_up:
            return
        generated = list(algorithm.alpha.update(algorithm, data) or [])
        process_insights(algorithm, record_insights(algorithm, generated))

    def _has_midnight_events(self, day: dt.date, session_date: dt.date) -> bool:
        if day in self._delistings:
            return True
        return day == session_date and (day in self._dividends or day in self._splits)

    def _midnight_slice(self, day: dt.date, overrides_on_data: bool) -> None:
        """The dividends going ex on `day`, its splits and delistings reach the algorithm at
        midnight, in a slice of their own, after they are applied (local_lean/
        corporate_events.py: cash and holdings move only for RAW and SPLIT_ADJUSTED prices; a
        delisted security stops being tradable and its position is closed)."""
        algorithm, context = self.algorithm, self.context
        dividends = Dividends()
        for dividend in self._dividends.get(day, []):
            # LEAN learns of a dividend on the trading day before it, so a subscription's
            # first day never brings one.
            first = self._subscribed_on.get(dividend.symbol) or self._first_session_date
            if dividend.symbol in algorithm.securities and day > first:
                dividends[dividend.symbol] = Dividend(
                    dividend.symbol, context.time, dividend.distribution, dividend.reference_price
                )
        splits = Splits()
        for split in self._splits.get(day, []):
            if split.symbol in algorithm.securities:
                splits[split.symbol] = split
        delistings = Delistings()
        for delisting in self._delistings.get(day, []):
            if delisting.symbol in algorithm.securities:
                delistings[delisting.symbol] = delisting
        if not dividends and not splits and not delistings:
            return
        for delisting in delistings.values():
            if delisting.type == DelistingType.DELISTED:
                security = algorithm.securities[delisting.symbol]
                security.is_delisted, security.is_tradable = True, False
                self.transactions.liquidate_delisted(delisting.symbol)
        for dividend in dividends.values():
            apply_dividend(algorithm, dividend)
        for split in splits.values():
            apply_split(algorithm, split)
        scan_past_consolidators(algorithm, context.time)  # consolidators due before this slice
        context.current_slice = Slice(context.time, TradeBars(), dividends, splits, delistings)
        # LEAN's time step: pending order updates are applied before and after on_data
        self.transactions.process_synchronous_events()
        if splits:
            algorithm.on_splits(splits)
        if dividends:
            algorithm.on_dividends(dividends)
        if delistings:
            algorithm.on_delistings(delistings)
        if overrides_on_data:
            algorithm.on_data(context.current_slice)
        self._framework_data(context.current_slice)
        self.transactions.process_synchronous_events()

    def _close(self, session: Any, overrides_on_data: bool) -> None:
        """T's daily bars arrive: prices, fills, ``on_data``, the framework, equity."""
        algorithm, context = self.algorithm, self.context
        # LEAN first scans the consolidators whose bars ended before this slice.
        scan_past_consolidators(algorithm, session.close)
        bars = TradeBars()
        daily_bars: dict[Symbol, DailyBar] = {}
        start = dt.datetime.combine(session.date, dt.time())
        for symbol, arrays in self._arrays.items():
            row = arrays.rows.get(session.date)
            if row is None:
                continue
            o, h, lo, c, v = arrays.values[row].tolist()
            update_price(arrays.security, session.close, o, h, lo, c, v)
            daily_bars[symbol] = DailyBar(session.open, session.close, o, h, lo, c, v)
            bars[symbol] = TradeBar(symbol, start, session.close, o, h, lo, c, v)
            # LEAN's Security.UpdateConsumersMarketPrice: the volatility model sees each bar.
            arrays.security.volatility_model.update(arrays.security, bars[symbol])
        context.after_close = True
        context.visible_until = session.date + dt.timedelta(days=1)
        self.transactions.process_fills(daily_bars)
        # LEAN updates the indicators registered for automatic updates before on_data.
        feed_registered_indicators(algorithm, daily_bars)
        # And the consolidators added through subscription_manager, also before on_data.
        feed_consolidators(algorithm, daily_bars)
        if bars:
            context.current_slice = Slice(session.close, bars)
            if overrides_on_data:
                algorithm.on_data(context.current_slice)
            self._framework_data(context.current_slice)
        # Once on_data returned LEAN applies the pending order updates and scans the open orders.
        self.transactions.process_synchronous_events()
        if not context.warming_up:
            stamp = pd.Timestamp(session.close)
            self.equity[stamp] = algorithm.portfolio.total_portfolio_value
            if self._benchmark_closes is not None:
                price = self._benchmark_closes.get(session.date)
                if price is not None:
                    self.benchmark_prices[stamp] = float(price)

    def _end_of_day_step(self, session: Any) -> tuple[dt.datetime, Callable[[], None]] | None:
        """LEAN's end-of-day events, 10 minutes before the close, when the algorithm defines
        ``on_end_of_day``: with a symbol parameter, once per security; without, once."""
        on_end_of_day = type(self.algorithm).on_end_of_day
        if on_end_of_day is QCAlgorithm.on_end_of_day:
            return None
        import inspect

        per_symbol = len(inspect.signature(on_end_of_day).parameters) > 1

        def run() -> None:
            if not per_symbol:
                self._run_timed("OnEndOfDay", self.algorithm.on_end_of_day)
                return
            for symbol in list(self.algorithm.securities.keys()):
                self._run_timed(
                    f"OnEndOfDay {symbol.value}", partial(self.algorithm.on_end_of_day, symbol)
                )

        return session.close - END_OF_DAY_DELTA, run

    def _warm_up_volatility_models(self) -> None:
        """LEAN's ProcessVolatilityHistoryRequirements, once ``initialize`` has run: each
        security's volatility model gets the history it asks for."""
        for security in self.algorithm.securities.values():
            model = security.volatility_model
            requests = model.get_history_requirements(security, self.algorithm.utc_time)
            warm_up_volatility_model(model, self.algorithm, security, requests)

    # ----- insights and the framework ----------------------------------------------------------

    def _score_insights(self, time: dt.datetime) -> None:
        insights = self.algorithm.insights
        while len(self._scored) < len(insights):
            scored = _ScoredInsight(insights[len(self._scored)])
            self._scored.append(scored)
            _, closes = emitted_times(scored.insight)
            heapq.heappush(self._closing, (closes, len(self._scored), scored))
        while self._closing and self._closing[0][0] <= time:
            _, _, scored = heapq.heappop(self._closing)
            security = self.algorithm.securities.get(scored.insight.symbol)
            scored.final_price = None if security is None else security.price
            scored.closed = True

    # ----- results -------------------------------------------------------------------------------

    def build_record(self, runtime_error: str | None) -> Any:
        from local_lean.results import BacktestRecord

        algorithm = self.algorithm
        portfolio = algorithm.portfolio
        equity = pd.Series(self.equity, dtype="float64", name="equity")
        equity.index.name = "time"
        benchmark = None
        if self.benchmark_prices:
            benchmark = pd.Series(self.benchmark_prices, dtype="float64", name="benchmark")
            benchmark.index.name = "time"
        end = algorithm.end_date.date()
        if runtime_error is not None and len(equity):
            end = equity.index[-1].date()  # partial results end where the algorithm stopped
        sections = {"time budget": self.budget.summary()}
        sections["simulation"] = {
            "data source": self.source.description,
            "fee model": fee_models_description(portfolio.fee_model, algorithm.securities),
            "sessions": self.sessions_run,
            "fills": "as LEAN on daily data: market orders placed while the market is open "
            "fill at that session's close (MarketOnClose), within 15.5 minutes of the close or "
            "while it is closed at the next open (MarketOnOpen)",
        }
        return BacktestRecord(
            algorithm_name=type(algorithm).__name__,
            start=algorithm.start_date.date(),
            end=end,
            initial_cash=self.context.setup.cash,
            equity=equity,
            benchmark=benchmark,
            benchmark_name=self.benchmark_symbol.value if benchmark is not None else None,
            charts=self.context.output.charts,
            orders=self.transactions.order_records(),
            order_events=list(self.transactions.event_records),
            insights=[_insight_record(s) for s in self._all_scored()],
            logs=list(self.context.output.logs),
            parameters=dict(self.context.setup.parameters),
            runtime_error=runtime_error,
            sections=sections,
            benchmark_before_start=self._benchmark_before_start(),
            capacity=self._capacity(equity, end),
            risk_free_rate=statistics_rate_model(algorithm._risk_free_model),
            order_list_hash=self._order_list_hash(),
        )

    def _capacity(self, equity: pd.Series, end: dt.date) -> CapacityStatistics:
        """LEAN's capacity estimate from the fills and the traded securities' daily bars."""
        from local_lean.results import no_capacity_estimate

        fills = fills_from_orders(self.transactions.order_records())
        if not fills or equity.empty:
            return no_capacity_estimate()
        traded = {fill.symbol for fill in fills}
        securities = self.algorithm.securities
        return estimate_capacity(
            fills,
            {s.value: bars for s, bars in self.context.bars.items() if s.value in traded},
            equity,
            start_date=self.algorithm.start_date.date(),
            end_date=end,
            identifiers={
                symbol.value: str(symbol.id) for symbol in [*self._removed.values(), *securities]
            },
            splits=self._raw_splits(),
        )

    def _raw_splits(self) -> dict[str, dict[dt.date, float]]:
        """The split factors that changed RAW holdings, by ticker and session (for capacity)."""
        splits: dict[str, dict[dt.date, float]] = {}
        for day, events in self._splits.items():
            for split in events:
                security = self.algorithm.securities.get(split.symbol)
                if (
                    split.type == SplitType.SPLIT_OCCURRED
                    and security is not None
                    and security.data_normalization_mode == DataNormalizationMode.RAW
                ):
                    splits.setdefault(split.symbol.value, {})[day] = split.split_factor
        return splits

    # --- statistics inputs (LEAN seeds its benchmark with the bar before the start) -----------

    def _submission_of(self, security: Any) -> OrderSubmission:
        """An order's submission record, its last price the decimal LEAN holds for the
        security's latest bar when the data is a LEAN folder and that bar is the file's."""
        if security.local_time is None:
            return submission_of(security)
        day = (security.local_time - dt.timedelta(microseconds=1)).date()  # the bar's day
        mode = DataNormalizationMode(security.data_normalization_mode).name
        close = lean_decimal_close_of(self.source, security.symbol.value, day, mode)
        if close is None or not math.isclose(float(close), security.close, rel_tol=1e-9):
            return submission_of(security)
        return submission_of(security, last_price=close)

    def _order_list_hash(self) -> str:
        """LEAN's OrderListHash of the backtest's orders."""
        return order_list_hash(self.transactions.orders.values(), self.transactions.submissions)

    def _benchmark_before_start(self) -> float | None:
        if not self._benchmark_closes:
            return None
        start = self.algorithm.start_date.date()
        earlier = [day for day in self._benchmark_closes if day < start]
        return float(self._benchmark_closes[max(earlier)]) if earlier else None

    def _all_scored(self) -> list[_ScoredInsight]:
        insights = self.algorithm.insights
        while len(self._scored) < len(insights):
            self._scored.append(_ScoredInsight(insights[len(self._scored)]))
        return self._scored


def _insight_record(scored: _ScoredInsight) -> dict[str, Any]:
    insight = scored.insight
    generated, closes = emitted_times(insight)
    reference = insight.reference_value
    final = scored.final_price
    outcome = (
        insight_outcome(insight.direction, reference, final)
        if scored.closed and final is not None
        else "open"
    )
    if outcome != "open" and insight.direction != 0:
        insight.reference_value_final = final or 0.0
    return {
        "symbol": insight.symbol.value,
        "generated_time": generated,
        "close_time": closes,
        "direction": direction_word(insight.direction),
        "period": insight.period.total_seconds() if insight.period else None,
        "reference_price": reference,
        "close_price": final,
        "outcome": outcome,
        "tag": insight.tag,
    }


def _as_interruption(exc: KeyboardInterrupt) -> BacktestInterrupted:
    # A plain KeyboardInterrupt (no handler installed, e.g. in a notebook) is a Ctrl-C.
    return exc if isinstance(exc, BacktestInterrupted) else BacktestInterrupted()


def _runtime_error_text(exc: BaseException, simulated_time: dt.datetime) -> str:
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return (
        f"Runtime Error: {type(exc).__name__}: {exc} at {simulated_time:%Y-%m-%d %H:%M:%S} "
        f"New York time\n{trace}"
    )


def _now() -> float:
    import time

    return time.perf_counter()


def run_backtest(algorithm: str | Path | type, **options: Any) -> BacktestOutcome:
    """Run an algorithm (a .py path or a QCAlgorithm subclass) and return the outcome.

    Options are those of BacktestOptions (data, start, end, cash, parameters, output, storage,
    fee_bps, seed, time_limits, progress, draw_charts, log). With a path, config.json beside it
    supplies parameters, which ``parameters`` overrides.
    """
    from local_lean.loader import load_algorithm_class, read_project_parameters

    settings = BacktestOptions(**options)
    if isinstance(algorithm, str | Path):
        parameters = read_project_parameters(Path(algorithm))
        parameters.update(settings.parameters)
        settings.parameters = parameters
        algorithm_class = load_algorithm_class(algorithm)
    else:
        algorithm_class = algorithm
        from local_lean.loader import install_algorithm_imports

        install_algorithm_imports()
    if settings.output is not None:
        settings.output = Path(settings.output)
    instance = algorithm_class()
    return BacktestEngine(instance, settings).run()


__all__ = [
    "AlgorithmError",
    "BacktestEngine",
    "BacktestOptions",
    "BacktestOutcome",
    "BacktestSetupError",
    "run_backtest",
]
