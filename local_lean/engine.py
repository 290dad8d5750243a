"""The backtest loop: NYSE sessions, scheduled events, daily bars, fills, insights, results.

For each session T (local_lean/README.md, "Time semantics"):

1. scheduled events before the open, during the session, then at the close time, each at its
   own time (orders they place are queued by the transaction handler);
2. the close: T's daily bars arrive. Prices update, the transaction handler fills what those
   bars fill (MarketOnClose orders at T's close, MarketOnOpen orders at T's open), ``on_data``
   runs, the framework rebalances if due (LEAN's ``OnFrameworkData``), equity is recorded;
3. events after the close. Minute and hour subscriptions add a time step at each bar's end
   (local_lean/intraday_clock.py). Insights whose close time passed are scored after each time
   step. Every scheduled event and ``train`` call runs through TimeBudget.run (`_run_timed`).

Bad dates and data that ends before the backtest are refused when ``initialize`` first trains
(`_check_before_training`), so they cost no training. Ctrl-C and SIGTERM end the run as a runtime
error does: results up to the last completed session, and where it stopped (interrupts.py).
"""

from __future__ import annotations

import datetime as dt
import time as wall_clock
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from local_lean.algorithm import AlgorithmContext, QCAlgorithm, bind_algorithm
from local_lean.algorithm.framework import notify_execution_model
from local_lean.algorithm.indicators import feed_registered_indicators
from local_lean.backtest_plan import (
    BacktestSetupError,
    check_data_covers_dates,
    session_span,
    unread_parameters_warning,
    warm_up_sessions,
)
from local_lean.consolidators import feed_consolidators, scan_past_consolidators
from local_lean.corporate_events import CorporateEventSchedule, apply_events, notify_renames
from local_lean.data import PriceSource, open_price_source
from local_lean.data.auxiliary import use_data_source
from local_lean.data_gaps import long_gap_warning, long_gaps
from local_lean.enums import DelistingType
from local_lean.errors import AlgorithmError, runtime_error_text
from local_lean.fills import DailyBar
from local_lean.framework.membership import UniverseMembership
from local_lean.interrupts import BacktestInterrupted, as_interruption
from local_lean.intraday_clock import IntradayClock
from local_lean.market_calendar import CachedCalendar, nyse_calendar
from local_lean.market_data import Slice, TradeBar, TradeBars
from local_lean.models.fees import BasisPointsFeeModel, InteractiveBrokersFeeModel
from local_lean.object_store import ObjectStore
from local_lean.order_list_hash import lean_submission_of
from local_lean.output_folders import object_store_folder, write_results_kept
from local_lean.recorder import BacktestRecorder
from local_lean.scheduling import end_of_day_step, events_due, events_due_between, prepare_schedule
from local_lean.securities import Security, remove_security, update_price
from local_lean.seeding import last_known_row
from local_lean.symbols import Symbol
from local_lean.time_budget import TimeBudget, TimeLimitSettings
from local_lean.transactions import TransactionHandler
from local_lean.volatility import warm_up_volatility_model


@dataclass
class BacktestOptions:
    """How to run: overrides of the algorithm's own settings and where things go."""

    data: str | Path | PriceSource | None = None  # PriceSource: one already open
    start: dt.date | None = None
    end: dt.date | None = None
    cash: float | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    output: Path | None = None
    storage: Path | None = None
    shared_storage: dict[str, Path] = field(default_factory=dict)  # ObjectStore's shared_folders
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
    # Why the results are not under the output folder asked for (they went elsewhere).
    results_problem: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.runtime_error is None


@dataclass
class _SecurityBars:
    """A security's bars as arrays, with a date -> bar map for per-session lookups."""

    security: Security
    rows: dict[dt.date, list[float]]  # the day's open high low close volume, as floats
    values: np.ndarray  # open high low close volume


class BacktestEngine:
    """Runs one algorithm instance over NYSE sessions."""

    def __init__(self, algorithm: QCAlgorithm, options: BacktestOptions) -> None:
        self.algorithm = algorithm
        self.options = options
        self.calendar = CachedCalendar(nyse_calendar())
        self.source = open_price_source(options.data, seed=options.seed)
        use_data_source(self.source)  # what factor file providers and Symbol.cusip... read
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
        self.transactions.submission_of = partial(lean_submission_of, self.source)
        self.context.transactions = self.transactions
        self.budget = TimeBudget(options.time_limits, log=self._runner_log)
        self.recorder = BacktestRecorder(algorithm, self.context, algorithm.log, self._build_record)
        self.intraday = IntradayClock(algorithm, self.context, self.transactions, self.recorder)
        self.events = CorporateEventSchedule(self.source, self.calendar)
        self._arrays: dict[Symbol, _SecurityBars] = {}
        self._last_session_date = dt.date.min  # set by _plan_sessions
        self._first_session_date = dt.date.min  # set by _plan_sessions
        self.timings = {"initialize": 0.0, "loop": 0.0, "results": 0.0}
        self.sessions_run = 0
        self._progress: Any = None
        self._checked_before_training = False
        self._membership = UniverseMembership(self.source)
        self._pending_removals: list[Security] = []  # remove_security's, until they are flat
        self._removed: dict[str, Symbol] = {}  # securities that left every universe
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
        # Folders that cannot be written are refused now, not after hours of training.
        storage = object_store_folder(options.output, options.storage)
        algorithm.object_store = ObjectStore(storage, options.shared_storage)
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
        if warning := long_gap_warning(security.symbol.value, long_gaps(bars.index)):
            self.algorithm.log(warning)
        if security.symbol in self.context.intraday_subscriptions:  # prices: intraday_clock
            initializing, day = self.context.initializing, self.context.session_date
            return self.events.add_security(security.symbol, bars, None if initializing else day)
        dates = bars.index.date
        values = bars[["open", "high", "low", "close", "volume"]].to_numpy(dtype="float64")
        self._arrays[security.symbol] = _SecurityBars(
            security=security,
            rows=dict(zip(dates, values.tolist(), strict=True)),
            values=values,
        )
        # LEAN seeds the last known price only when settings.seed_initial_prices is set.
        seed = last_known_row(bars.index, self.context.visible_until, self.calendar)
        if self.algorithm.settings.seed_initial_prices and seed is not None:
            o, h, lo, c, v = (float(x) for x in self._arrays[security.symbol].values[seed])
            update_price(security, self.context.close_of(dates[seed]), o, h, lo, c, v)
        subscribed_on = None if self.context.initializing else self.context.session_date
        self.events.add_security(security.symbol, bars, subscribed_on)

    def _run_timed(self, name: str, action: Callable[[], Any]) -> None:
        """The one place scheduled events and training run: timed against LEAN's limits."""
        if self.context.initializing:
            self._check_before_training()
        self.budget.run(name, self.context.time, action)

    # ----- the run -------------------------------------------------------------------------------

    def run(self) -> BacktestOutcome:
        algorithm, context = self.algorithm, self.context
        error: str | None = None
        interrupted: BacktestInterrupted | None = None
        started = wall_clock.perf_counter()
        try:
            try:
                algorithm.initialize()
            finally:
                context.initializing = False
                self.timings["initialize"] = wall_clock.perf_counter() - started
            unread = unread_parameters_warning(context.setup.unread_parameters())
            if unread is not None:
                algorithm.log(unread)
            self._warm_up_volatility_models()
            sessions, warm_up = self._plan_sessions()
            check_data_covers_dates(
                context.bars, sessions, self.source.description, warn=algorithm.log
            )
            self.recorder.prepare_benchmark(self.source.description)
            loop_started = wall_clock.perf_counter()
            self._loop(sessions, warm_up)
            self.timings["loop"] = wall_clock.perf_counter() - loop_started
        except BacktestSetupError:
            raise
        except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM: keep what was simulated
            interrupted = as_interruption(exc)
            error = self._interruption_text(interrupted)
        except SystemExit as exc:  # sys.exit() in the algorithm: LEAN's runtime error too
            error = runtime_error_text(exc, context.time, ended_the_process=True)
        except BaseException as exc:  # the algorithm's runtime error: keep what was simulated
            error = runtime_error_text(exc, context.time)
        finally:
            if self._progress is not None:
                self._progress.close()
                self._progress = None
        self.budget.end_time_step()
        if error is None:
            try:
                algorithm.on_end_of_algorithm()
            except KeyboardInterrupt as exc:
                interrupted = as_interruption(exc)
                error = self._interruption_text(interrupted)
            except SystemExit as exc:
                error = runtime_error_text(exc, context.time, ended_the_process=True)
            except Exception as exc:  # noqa: BLE001 - reported as LEAN's runtime error
                error = runtime_error_text(exc, context.time)
        self.budget_line = self.budget.budget_line()
        context.output.logs.append(self.budget_line)
        results_started = wall_clock.perf_counter()
        record = self._build_record(error)
        path, results_problem = None, None
        if self.options.output is not None:
            path, results_problem = write_results_kept(
                record, self.options.output, self.options.draw_charts
            )
        self.timings["results"] = wall_clock.perf_counter() - results_started
        return BacktestOutcome(
            record,
            path,
            error,
            self.sessions_run,
            self.timings,
            self.budget_line,
            interrupted_by=None if interrupted is None else interrupted.signal_name,
            results_problem=results_problem,
        )

    # ----- checks before any work: bad dates and data fail before the first training --------

    def _session_span(self) -> list:
        """The NYSE sessions from the algorithm's start to its end; BacktestSetupError if none."""
        start, end = self.algorithm.start_date.date(), self.algorithm.end_date.date()
        return session_span(self.calendar, start, end)

    def _check_before_training(self) -> None:
        """Run once, when initialize first trains or runs an event: the dates and data known so
        far must make a backtest, so that a mistake costs no training time."""
        if self._checked_before_training:
            return
        self._checked_before_training = True
        check_data_covers_dates(self.context.bars, self._session_span(), self.source.description)

    def _interruption_text(self, interrupted: BacktestInterrupted) -> str:
        stopped = self.context.time
        last = self.recorder.last_recorded_date()
        covered = (
            f"the results cover the sessions up to {last}"
            if last is not None
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
        warm_up = warm_up_sessions(
            self.calendar, algorithm.start_date.date(), self.context.setup.warm_up
        )
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

    def _loop(self, sessions: list, warm_up: int) -> None:
        algorithm, context = self.algorithm, self.context
        if context.quit_requested:  # quit() in initialize: LEAN runs no time step at all
            return
        overrides_on_data = type(algorithm).on_data is not QCAlgorithm.on_data
        if self.options.progress:
            from tqdm import tqdm

            self._progress = tqdm(total=len(sessions) - warm_up, unit="day", desc="Backtest")
        context.warming_up = warm_up > 0
        if not context.warming_up:  # LEAN calls it without a warm-up too, before any data
            algorithm.on_warmup_finished()
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
            if self.events.has_events(day, session.date):
                midnight = dt.datetime.combine(day, dt.time())
                steps.append((midnight, partial(self._midnight_slice, day, overrides_on_data)))
        steps.extend((item.time, partial(self._event, item)) for item in until_close)
        end_of_day = self._end_of_day_step(session)
        if end_of_day is not None:
            steps.append(end_of_day)
            steps.sort(key=lambda step: step[0])  # stable: events at that time run first
        steps.append(close := (session.close, partial(self._close, session, overrides_on_data)))
        steps.extend((item.time, partial(self._event, item)) for item in after_close)
        steps.sort(key=lambda step: step[0])  # stable: selections first at equal times
        if self.intraday.subscribed:  # a time step at each minute or hour bar's end
            steps = self.intraday.with_time_steps(session, steps, close, overrides_on_data)
        for time, action in steps:
            self._step(time, action)
            if context.quit_requested:  # LEAN stops after the time step in which quit() ran
                return

    def _step(self, time: dt.datetime, action: Callable[[], None]) -> None:
        self.context.time = time
        self.budget.start_time_step(time)
        with self.budget.watching_time_step():  # LEAN's isolator watches the whole time loop
            if not self.context.warming_up:
                removed = self._flat_pending_removals()
                changed = self._membership.notify_changes(self.algorithm, removed)
                if changed and self.context.current_slice is None:  # LEAN's slice of changes
                    self.context.current_slice = Slice(time, TradeBars())
            action()
        self.recorder.score_insights(time)

    def _universe_selections(self, session: Any) -> list:
        """The (time, action) steps of the changing universes that select on `session`."""
        models_at: dict[dt.datetime, list] = {}  # the universes selecting at each time
        models = self.context.setup.universe_models
        for time, model in self._membership.selection_steps(models, session, self.algorithm):
            models_at.setdefault(time, []).append(model)
        return [(time, partial(self._select_universe, at)) for time, at in models_at.items()]

    def _select_universe(self, models: list) -> None:
        """Universes select: their new and removed securities reach the framework in this
        time step."""
        time, warming_up = self.context.time, self.context.warming_up
        self._membership.select(self.algorithm, models, time, self._remove_security, warming_up)

    def _remove_security(self, symbol: Symbol) -> None:
        """A security no universe holds leaves the algorithm: no more bars or prices."""
        self._arrays.pop(symbol, None)
        self._removed[symbol.value] = symbol  # its orders still count in the results
        self._membership.forget(symbol)
        remove_security(self.algorithm.securities, symbol)

    def _flat_pending_removals(self) -> list[Security]:
        """The securities remove_security asked to remove that hold nothing and have no open
        order any more: they leave now (LEAN's pending removals wait the same way)."""
        open_symbols = {order.symbol for order in self.transactions.open_orders()}
        flat = [
            security
            for security in self._pending_removals
            if not security.invested and security.symbol not in open_symbols
        ]
        for security in flat:
            self._pending_removals.remove(security)
            self._remove_security(security.symbol)
        return flat

    def _event(self, due: Any) -> None:
        self._run_timed(due.event.name, due.event.callback)

    def _order_event(self, event: Any) -> None:
        notify_execution_model(self.algorithm, event)
        self.algorithm.on_order_event(event)

    def _midnight_slice(self, day: dt.date, overrides_on_data: bool) -> None:
        """The dividends going ex on `day`, its splits and delistings reach the algorithm at
        midnight, in a slice of their own, after they are applied (local_lean/
        corporate_events.py: cash and holdings move only for RAW and SPLIT_ADJUSTED prices; a
        delisted security stops being tradable and its position is closed)."""
        algorithm, context = self.algorithm, self.context
        dividends, splits, delistings, renames = self.events.events_on(
            day, algorithm.securities, self._first_session_date, context.time
        )
        if not dividends and not splits and not delistings and not renames:
            return
        for delisting in delistings.values():
            if delisting.type == DelistingType.DELISTED:
                security = algorithm.securities[delisting.symbol]
                security.is_delisted, security.is_tradable = True, False
                self.transactions.liquidate_delisted(delisting.symbol)
        apply_events(algorithm, dividends, splits)
        # consolidators due before this slice
        scan_past_consolidators(algorithm.subscription_manager, context, context.time)
        context.current_slice = Slice(
            context.time, TradeBars(), dividends, splits, delistings, symbol_changed_events=renames
        )
        notify_renames(algorithm, renames)
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
        algorithm.on_framework_data(context.current_slice)
        self.transactions.process_synchronous_events()

    def _close(self, session: Any, overrides_on_data: bool) -> None:
        """T's daily bars arrive: prices, fills, ``on_data``, the framework, equity."""
        algorithm, context = self.algorithm, self.context
        # LEAN first scans the consolidators whose bars ended before this slice.
        scan_past_consolidators(algorithm.subscription_manager, context, session.close)
        bars = TradeBars()
        daily_bars: dict[Symbol, DailyBar] = {}
        start = dt.datetime.combine(session.date, dt.time())
        for symbol, arrays in self._arrays.items():
            row = arrays.rows.get(session.date)
            if row is None:
                continue
            o, h, lo, c, v = row
            update_price(arrays.security, session.close, o, h, lo, c, v)
            daily_bars[symbol] = DailyBar(session.open, session.close, o, h, lo, c, v)
            bars[symbol] = bar = TradeBar(symbol, start, session.close, o, h, lo, c, v)
            # LEAN's Security.UpdateConsumersMarketPrice: the volatility model sees each bar.
            arrays.security.volatility_model.update(arrays.security, bar)
        context.after_close = True
        context.visible_until = session.date + dt.timedelta(days=1)
        self.transactions.process_fills(daily_bars)
        # LEAN updates the indicators registered for automatic updates before on_data.
        feed_registered_indicators(algorithm, daily_bars)
        # And the consolidators added through subscription_manager, also before on_data.
        feed_consolidators(algorithm.subscription_manager, daily_bars)
        if bars:
            context.current_slice = Slice(session.close, bars)
            if overrides_on_data:
                algorithm.on_data(context.current_slice)
            algorithm.on_framework_data(context.current_slice)
        # Once on_data returned LEAN applies the pending order updates and scans the open orders.
        self.transactions.process_synchronous_events()
        if not context.warming_up:
            self.recorder.record_close(session.close, session.date)

    def _end_of_day_step(self, session: Any) -> tuple[dt.datetime, Callable[[], None]] | None:
        """LEAN's end-of-day events, 10 minutes before the close, when the algorithm defines
        ``on_end_of_day``: with a symbol parameter, once per security; without, once."""
        if type(self.algorithm).on_end_of_day is QCAlgorithm.on_end_of_day:
            return None
        return end_of_day_step(self.algorithm, session, self._run_timed)

    def _warm_up_volatility_models(self) -> None:
        """LEAN's ProcessVolatilityHistoryRequirements, once ``initialize`` has run: each
        security's volatility model gets the history it asks for."""
        for security in self.algorithm.securities.values():
            model = security.volatility_model
            requests = model.get_history_requirements(security, self.algorithm.utc_time)
            warm_up_volatility_model(model, self.algorithm.history_provider, security, requests)

    # ----- results -------------------------------------------------------------------------------

    def _build_record(self, runtime_error: str | None) -> Any:
        securities = self.algorithm.securities
        traded = [*self._removed.values(), *securities]
        return self.recorder.build_record(
            runtime_error,
            transactions=self.transactions,
            sections={"time budget": self.budget.summary()},
            source_description=self.source.description,
            sessions_run=self.sessions_run,
            identifiers={symbol.value: str(symbol.id) for symbol in traded},
            raw_splits=self.events.raw_split_factors(securities),
        )


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
