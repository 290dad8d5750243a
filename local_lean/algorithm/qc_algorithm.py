"""QCAlgorithm: the part of LEAN's algorithm API that daily US-equity algorithms use.

Names and signatures are LEAN's PEP8 ones (quantconnect-stubs). A name LEAN's QCAlgorithm has
but this runner does not simulate raises NotSupportedError; a name LEAN does not have raises
AttributeError, as in LEAN. The engine (engine.py) owns the clock and drives this class through
its `_context`; see README.md for the time semantics.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd

from local_lean.algorithm.consolidators import QCAlgorithmConsolidators
from local_lean.algorithm.framework import QCAlgorithmFramework
from local_lean.algorithm.indicators import QCAlgorithmIndicators
from local_lean.algorithm.models import QCAlgorithmModels
from local_lean.algorithm.trading import QCAlgorithmTrading
from local_lean.commands import (
    BROADCAST_DISABLED_WARNING,
    check_command_type,
    command_fields,
    command_link,
)
from local_lean.conventions import money_limit_problem
from local_lean.data import bars_in_mode, map_file_provider
from local_lean.enums import DataNormalizationMode, InsightDirection, Resolution, SecurityType
from local_lean.errors import NotSupportedError
from local_lean.framework.alpha import NullAlphaModel
from local_lean.framework.execution import ImmediateExecutionModel
from local_lean.framework.insight_manager import InsightManager
from local_lean.framework.insights import (
    InsightsGeneratedEvent,
    to_utc,
)
from local_lean.framework.portfolio_construction import (
    NullPortfolioConstructionModel,
    PortfolioConstructionModel,
)
from local_lean.framework.risk import NullRiskManagementModel
from local_lean.framework.universe_manager import UniverseManager
from local_lean.history import LocalHistoryProvider, empty_history, history_frame
from local_lean.intraday_history import intraday_history, last_known_intraday_bars
from local_lean.lean_members import LeanMembers
from local_lean.lean_stubs import member_names, member_return_types
from local_lean.market_data import TradeBar
from local_lean.notifications import NotificationManager
from local_lean.portfolio import SecurityPortfolioManager
from local_lean.scheduling import (
    DateRule,
    DateRules,
    ScheduleManager,
    TimeRule,
    TimeRules,
    add_training,
)
from local_lean.securities import (
    Security,
    SecurityManager,
    active_security,
    use_default_fee_model,
)
from local_lean.seeding import SEED_LOOKBACK_BARS, last_known_row
from local_lean.settings import AlgorithmSettings, UniverseSettings
from local_lean.statistics_results import (
    StatisticsResults,
    summary_statistic_text,
    with_custom_statistics,
)
from local_lean.subscriptions import (
    IntradaySubscription,
    has_minute_files,
    subscription_resolution,
)
from local_lean.symbol_conversion import (
    alias_ticker,
    as_symbol,
    forget_ticker_aliases,
    one_or_many,
)
from local_lean.symbols import Symbol, equity_symbol
from local_lean.transactions import TransactionHandler
from local_lean.typed_history import TypedHistory

DEFAULT_START = dt.datetime(1998, 1, 1)
DEFAULT_CASH = 100_000.0


@dataclass
class AlgorithmSetup:
    """What ``initialize`` set, or the command line overrode: the engine reads it from here."""

    start: dt.datetime = DEFAULT_START
    end: dt.datetime | None = None
    cash: float = DEFAULT_CASH
    warm_up: int | dt.timedelta | None = None
    benchmark: Symbol | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    # Names the algorithm asked for, so that misspelt parameters can be flagged.
    parameters_read: set[str] = field(default_factory=set)
    # The universe selection models set or added, in order (the engine runs their selections).
    universe_models: list[Any] = field(default_factory=list)

    def unread_parameters(self) -> list[str]:
        """Parameters given (config.json, --parameter) that the algorithm never asked for."""
        return sorted(set(self.parameters) - self.parameters_read)


@dataclass
class AlgorithmOutput:
    """What the algorithm writes for the results: log lines and its own charts."""

    logs: list[str] = field(default_factory=list)
    charts: dict[str, dict[str, list[tuple[dt.datetime, float]]]] = field(default_factory=dict)
    summary_statistics: dict[str, str] = field(default_factory=dict)  # set_summary_statistic


class AlgorithmContext:
    """What the engine tells the algorithm: the clock, the data and the services.

    `visible_until` is exclusive: bars dated before it are known (T during day T before the
    close; T+1 once T's close was processed).
    """

    def __init__(self, calendar: Any, source: Any, log: Callable[[str], None]) -> None:
        self.calendar = calendar
        self.source = source
        self.emit_log = log
        self.time = DEFAULT_START
        self.visible_until = DEFAULT_START.date()
        # LEAN's statistics of the backtest so far (the engine computes them)
        self.statistics_now: Callable[[], dict[str, str]] = dict
        self.session_date: dt.date | None = None  # the session the clock is in
        self.after_close = False
        self.initializing = True
        self.warming_up = False
        self.bars: dict[Symbol, pd.DataFrame] = {}  # each subscription's bars, in its mode
        self.modes: dict[Symbol, Any] = {}  # each subscription's DataNormalizationMode
        self._normalized: dict[tuple, pd.DataFrame] = {}
        self.run_timed: Callable[[str, Callable[[], Any]], None] = lambda name, action: action()
        self.on_security_added: Callable[[Security], None] = lambda security: None
        # remove_security asked for the security to leave (the engine removes it once flat).
        self.on_security_removal: Callable[[Security], None] = lambda security: None
        # The engine's transaction handler: it owns orders, fills and order events.
        self.transactions: TransactionHandler | None = None
        self.current_slice: Any = None  # the latest Slice, set when a session's bars arrive
        self.quit_requested = False  # the algorithm called quit(): stop after this time step
        # the minute and hour subscriptions of add_equity (the others get daily bars)
        self.intraday_subscriptions: dict[Symbol, IntradaySubscription] = {}
        # Shared with the algorithm by bind_algorithm: its settings and what it wrote.
        self.setup = AlgorithmSetup()
        self.output = AlgorithmOutput()
        self.overrides: dict[str, Any] = {}

    def load_bars(self, symbol: Symbol, mode: Any = None) -> pd.DataFrame | None:
        """The symbol's daily bars from the price source (cached), normalised as its
        subscription (`mode`, when it is added; ADJUSTED by default); None when it has none."""
        if mode is not None and self.modes.get(symbol) != mode:
            self.bars.pop(symbol, None)  # e.g. history read before add_equity: ADJUSTED
            self.modes[symbol] = mode
        if symbol in self.bars:
            return self.bars[symbol]
        mode = self.modes.get(symbol, DataNormalizationMode.ADJUSTED)
        frame = self.bars_in_mode(symbol, mode)
        if frame is not None:
            self.bars[symbol] = frame
        return frame

    def bars_in_mode(
        self, symbol: Symbol, mode: Any, reference_date: dt.date | None = None
    ) -> pd.DataFrame | None:
        """The symbol's bars normalised as `mode` (a DataNormalizationMode; SCALED_RAW is scaled
        to `reference_date`); None when the source has no such ticker."""
        if not self.source.has_ticker(symbol.value):
            return None
        name = DataNormalizationMode(mode).name
        key = (symbol.value, name, reference_date if name == "SCALED_RAW" else None)
        if key not in self._normalized:
            self._normalized[key] = bars_in_mode(self.source, symbol.value, name, reference_date)
        return self._normalized[key]

    def close_of(self, day: dt.date) -> dt.datetime:
        """The close of the session on `day` (16:00 when the calendar does not know it)."""
        calendar = self.calendar
        if calendar.first_day <= day <= calendar.last_day and calendar.is_session(day):
            return calendar.sessions(day, day)[0].close
        return dt.datetime.combine(day, dt.time(16))


def _date_from(value: Any, *more: int) -> dt.datetime:
    if more:
        month, day = (int(part) for part in more)
        return dt.datetime(int(value), month, day)
    if isinstance(value, dt.datetime):
        return value.replace(hour=0, minute=0, second=0, microsecond=0)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    raise TypeError(f"expected a date or (year, month, day), got {value!r}")


# What to use instead of the LEAN members algorithms reach for most that the runner lacks.
QCALGORITHM_ALTERNATIVES = {
    "add_forex": "local_lean simulates US equities: use add_equity",
    "add_crypto": "local_lean simulates US equities: use add_equity",
    "add_crypto_future": "local_lean simulates US equities: use add_equity",
    "add_cfd": "local_lean simulates US equities: use add_equity",
    "add_index": "local_lean simulates US equities: use add_equity (an ETF such as SPY)",
    "add_future": "local_lean simulates US equities: use add_equity",
    "add_future_contract": "local_lean simulates US equities: use add_equity",
    "add_option": "local_lean simulates US equities: use add_equity",
    "add_option_contract": "local_lean simulates US equities: use add_equity",
    "add_index_option": "local_lean simulates US equities: use add_equity",
    "add_data": "custom data is not simulated: use add_equity with a CSV or LEAN data folder",
    "add_universe": "use add_universe_selection with a ManualUniverseSelectionModel, "
    "CustomUniverseSelectionModel or ScheduledUniverseSelectionModel",
    "benchmark": "add the benchmark's ticker with add_equity and read its price (set it "
    "with self.set_benchmark(ticker); the results hold its series)",
    "brokerage_name": "use self.brokerage_model",
    "is_market_open": "use self.time and the NYSE calendar (daily data: sessions only)",
    "download": "read files from the project folder or self.object_store",
    "fundamentals": "fundamental data is not simulated",
    "bracket_order": "place a limit_order and a stop_market_order and cancel one when the "
    "other fills (on_order_event)",
    "combo_market_order": "place one market_order per leg",
    "combo_limit_order": "place one limit_order per leg",
    "combo_leg_limit_order": "place one limit_order per leg",
    "exercise_option": "options are not simulated",
    "add_chart": "use self.plot(chart, series, value)",
    "add_series": "use self.plot(chart, series, value)",
}


class QCAlgorithm(
    QCAlgorithmTrading,
    QCAlgorithmFramework,
    QCAlgorithmIndicators,
    QCAlgorithmConsolidators,
    QCAlgorithmModels,
    LeanMembers,
    lean_class="QuantConnect.Algorithm.QCAlgorithm",
    alternatives=QCALGORITHM_ALTERNATIVES,
    hint="local_lean runs daily US-equity algorithms only (see local_lean/README.md)",
):
    """Base class of algorithms: subclass it and write ``initialize``.

    The indicator helpers (``self.sma``, ``register_indicator``...) come from
    local_lean/indicators/helpers.py, ``subscription_manager`` and the consolidator helpers
    from local_lean/consolidators/algorithm.py, the brokerage, risk-free rate and shorting
    methods from local_lean/models/algorithm_models.py."""

    def __init__(self) -> None:
        forget_ticker_aliases()  # LEAN's SymbolCache starts empty with each algorithm
        self._context: AlgorithmContext | None = None
        self._setup = AlgorithmSetup()
        self._output = AlgorithmOutput()
        self.securities = SecurityManager()
        self.settings = AlgorithmSettings()
        self.portfolio = SecurityPortfolioManager(self.securities, DEFAULT_CASH, self.settings)
        self.schedule = ScheduleManager()
        self.date_rules = DateRules(lambda: self.time)
        self.time_rules = TimeRules()
        self.universe_settings = UniverseSettings()
        self.insights = InsightManager(self)
        self._insights_generated = InsightsGeneratedEvent()
        self.object_store: Any = None
        self._portfolio_construction: PortfolioConstructionModel = NullPortfolioConstructionModel()
        self._execution: Any = ImmediateExecutionModel()
        self._alpha: Any = NullAlphaModel()
        self._risk_management: Any = NullRiskManagementModel()
        self._universe_selection: Any = None
        self._universe_manager = UniverseManager(self.securities)
        self._security_initializer: Any = None
        self._warned_parameters: set[str] = set()
        self._warned: dict[str, bool] = {}  # LEAN's one-time warnings already logged
        self._registered_commands: dict[str, type] = {}  # add_command's, by class name
        self.project_id = 0  # LEAN's ProjectId: 0 outside QuantConnect; link() names it
        self.notify = NotificationManager()

    # ----- engine hooks -------------------------------------------------------------------

    @property
    def _ctx(self) -> AlgorithmContext:
        if self._context is None:
            raise RuntimeError(
                "this algorithm is not attached to a backtest: run it with "
                "`python -m local_lean <algorithm.py>` or local_lean.run_backtest"
            )
        return self._context

    # ----- lifecycle: methods algorithms override ------------------------------------------

    def initialize(self) -> None:
        """Set dates, cash, securities and schedules (override this)."""

    def on_data(self, slice: Any) -> None:
        """Called at each session's close with that session's bars (override if needed)."""

    def on_end_of_algorithm(self) -> None:
        """Called once after the last session (override if needed)."""

    def on_warmup_finished(self) -> None:
        """Called once when warm-up ends (override if needed)."""

    # LEAN calls these before on_data, each with the slice's events of its kind when there are
    # any (AlgorithmManager: splits, then dividends, then delistings); override if needed.
    def on_splits(self, splits: Any) -> None:
        """The slice's splits (warnings and occurrences)."""

    def on_dividends(self, dividends: Any) -> None:
        """The slice's dividends, once they were paid."""

    def on_delistings(self, delistings: Any) -> None:
        """The slice's delisting warnings and delistings."""

    def on_symbol_changed_events(self, symbols_changed: Any) -> None:
        """The slice's ticker changes (the runner trades each ticker as it is named; none come)."""

    def on_end_of_day(self, symbol: Any = None) -> None:
        """Called 10 minutes before each close, once per security when the override takes a
        symbol (override if needed)."""

    # ----- time ------------------------------------------------------------------------------

    @property
    def time(self) -> dt.datetime:
        """The simulated time: naive New York time (the algorithm's time zone)."""
        return self._ctx.time

    @property
    def utc_time(self) -> dt.datetime:
        return to_utc(self._ctx.time)

    @property
    def start_date(self) -> dt.datetime:
        return self._setup.start

    @property
    def end_date(self) -> dt.datetime:
        if self._setup.end is not None:
            return self._setup.end
        today = dt.datetime.combine(dt.date.today(), dt.time())
        return today - dt.timedelta(days=1)

    @property
    def live_mode(self) -> bool:
        """Always False: this is a backtest."""
        return False

    @property
    def is_warming_up(self) -> bool:
        return self._context is not None and self._context.warming_up

    @property
    def current_slice(self) -> Any:
        """The latest slice of data: the last session's bars (None before the first close)."""
        return self._ctx.current_slice

    def quit(self, message: str = "") -> None:
        """Stop the algorithm after the current time step (LEAN's ``Quit``); the backtest
        ends there, ``on_end_of_algorithm`` runs and the results are written."""
        self.debug(f"Quit(): {message}")
        self._ctx.quit_requested = True

    def _require_initializing(self, what: str) -> None:
        if self._context is not None and not self._context.initializing:
            raise RuntimeError(f"{what} can only be called in initialize (as in LEAN)")

    def set_start_date(self, year: Any, month: int | None = None, day: int | None = None) -> None:
        """``set_start_date(date)`` or ``set_start_date(year, month, day)``."""
        self._require_initializing("set_start_date")
        start = _date_from(year) if month is None else _date_from(year, month, day or 1)
        if "start" in self._ctx.overrides if self._context else False:
            self.log(f"Start date {start:%Y-%m-%d} is overridden by the command line")
            return
        self._setup.start = start
        if self._context is not None:
            # Initialize runs at the start date: history sees the bars before it.
            self._context.time = start
            self._context.visible_until = start.date()

    def set_end_date(self, year: Any, month: int | None = None, day: int | None = None) -> None:
        """``set_end_date(date)`` or ``set_end_date(year, month, day)``."""
        self._require_initializing("set_end_date")
        end = _date_from(year) if month is None else _date_from(year, month, day or 1)
        if "end" in self._ctx.overrides if self._context else False:
            self.log(f"End date {end:%Y-%m-%d} is overridden by the command line")
            return
        self._setup.end = end

    def set_cash(self, starting_cash: Any, *more: Any) -> None:
        """Starting cash in US dollars (``set_cash(100000)``)."""
        self._require_initializing("set_cash")
        if more:
            raise NotSupportedError("set_cash(symbol, cash, conversion_rate)", "only USD cash")
        if (
            not isinstance(starting_cash, int | float)
            or not math.isfinite(starting_cash)
            or starting_cash < 0
        ):
            raise ValueError(f"set_cash needs a finite amount >= 0, got {starting_cash!r}")
        if problem := money_limit_problem(starting_cash):
            raise ValueError(f"set_cash: {problem}")
        if "cash" in self._ctx.overrides if self._context else False:
            self.log(f"Cash {starting_cash:,} is overridden by the command line")
            return
        self._setup.cash = float(starting_cash)
        self.portfolio.cash = float(starting_cash)

    def set_warm_up(self, time_span: Any, resolution: Any = None) -> None:
        """Warm up over a number of daily bars or a timedelta before the start date: events
        run, ``is_warming_up`` is True, orders are rejected and insights are dropped."""
        self._require_initializing("set_warm_up")
        if resolution in (Resolution.MINUTE, Resolution.HOUR) and isinstance(time_span, int):
            # the sessions that hold that many bars (LEAN starts at the bar itself)
            per_session = 390 if resolution == Resolution.MINUTE else 7
            time_span = -(-time_span // per_session) if time_span > 0 else 0
            resolution = None
        elif resolution in (Resolution.MINUTE, Resolution.HOUR):
            resolution = None  # a period of time: the same sessions at any resolution
        _check_daily(resolution, "set_warm_up")
        if isinstance(time_span, dt.timedelta):
            if time_span < dt.timedelta(0):
                raise ValueError(f"set_warm_up needs a positive period, got {time_span}")
        elif isinstance(time_span, int) and not isinstance(time_span, bool):
            if time_span < 0:
                raise ValueError(f"set_warm_up needs a bar count >= 0, got {time_span}")
        else:
            raise TypeError(f"set_warm_up takes a bar count or a timedelta, got {time_span!r}")
        self._setup.warm_up = time_span

    def set_warmup(self, time_span: Any, resolution: Any = None) -> None:
        """LEAN's other spelling of ``set_warm_up``."""
        self.set_warm_up(time_span, resolution)

    def set_benchmark(self, symbol: Any) -> None:
        """Compare the equity curve with this ticker's prices (default SPY, as LEAN), or with
        the values of a function of the time (LEAN's FuncBenchmark)."""
        if callable(symbol) and not isinstance(symbol, str):
            self._setup.benchmark = symbol
            return
        self._setup.benchmark = as_symbol(symbol)

    # ----- securities and data -------------------------------------------------------------

    def _note_no_minute_files(self, ticker: str) -> None:
        """Say once per ticker that LEAN's default minute subscription finds no minute files
        for it (its daily file, if any, still serves history at daily resolution)."""
        source = self._ctx.source
        if has_minute_files(source, ticker) or not source.has_ticker(ticker):
            return
        self.debug(
            f"Warning: add_equity({ticker!r}) without a resolution subscribes to minute data, as "
            f"in LEAN, and {source.description} has no minute files for {ticker}: as in LEAN it "
            "gets no bars, prices or fills in this run (daily history still works). Pass "
            "Resolution.DAILY to trade its daily bars."
        )

    def add_equity(
        self,
        ticker: Any,
        resolution: Any = None,
        market: str | None = None,
        fill_forward: bool = True,
        leverage: float = 0.0,
        extended_market_hours: bool = False,
        data_normalization_mode: Any = None,
    ) -> Security:
        """Add a US equity; returns its Security (``.symbol``, ``.price``). Without a resolution
        it is minute, as in LEAN, where the data has minute bars for it, else daily.

        A ticker the price source lacks is added with no data (a warning is logged), as LEAN
        adds a security whose data files are missing.
        """
        context = self._ctx
        asked = resolution
        resolution = subscription_resolution(
            context.source, as_symbol(ticker).value, resolution, "add_equity"
        )
        if asked is None and resolution == Resolution.DAILY and not self._warned.get("default"):
            self._warned["default"] = True
            self.debug(
                "Note: add_equity without a resolution subscribes to minute data in LEAN; "
                f"{context.source.description} has no minute bars for it, so this run uses "
                "daily bars. Pass Resolution.DAILY to get the same data in LEAN."
            )
        if asked is None and resolution == Resolution.MINUTE:
            self._note_no_minute_files(as_symbol(ticker).value)
        if market not in (None, "usa"):
            raise NotSupportedError(f"add_equity(market={market!r})", "only US equities ('usa')")
        if extended_market_hours and resolution == Resolution.DAILY:
            raise NotSupportedError("extended_market_hours=True", "daily bars have none")
        if data_normalization_mode is None:  # LEAN's default: the universe settings' mode
            data_normalization_mode = self.universe_settings.data_normalization_mode
        _check_normalization(data_normalization_mode)
        # LEAN's Security.NULL_LEVERAGE (0) means the brokerage model's default (2).
        if isinstance(leverage, bool) or not isinstance(leverage, int | float):
            raise TypeError(f"leverage must be a number, got {leverage!r}")
        if math.isnan(leverage):
            leverage = 0.0
        if leverage < 0 or math.isinf(leverage):
            raise ValueError(
                f"leverage must be a finite number > 0 (or 0: the default), got {leverage}"
            )
        symbol = as_symbol(ticker)
        existing = active_security(self.securities, symbol)
        if existing is not None:
            return existing
        # LEAN's identifier: the security's first ticker and date, from the data's map files.
        symbol = equity_symbol(symbol.value, map_file_provider(context.source))
        # Another ticker of the same security (a rename in the map files: "QQQQ" and "QQQ")
        # is the same SecurityIdentifier, so LEAN's Securities find the security already there.
        for existing in self.securities.values():
            if existing.symbol.id == symbol.id:
                alias_ticker(symbol.value, existing.symbol)
                return existing
        mode = DataNormalizationMode(data_normalization_mode)
        bars = context.load_bars(symbol, mode)
        if resolution != Resolution.DAILY:
            context.intraday_subscriptions[symbol] = IntradaySubscription(
                resolution, bool(extended_market_hours), bool(fill_forward)
            )
        security = Security(symbol, resolution, bars is not None)
        use_default_fee_model(security, lambda: self.portfolio.fee_model)
        self._security_created(security, leverage_given=leverage > 0)
        security._data_normalization_mode = mode
        if leverage > 0:
            security.leverage = float(leverage)
        if bars is None:
            self.log(
                f"Warning: no data for {symbol.value} in {context.source.description}: it is added "
                "with no prices and cannot be traded"
            )
        self.securities.add(security)
        context.on_security_added(security)
        if self._security_initializer is not None:
            self._security_initializer(security)
        return security

    def remove_security(self, symbol: Any, tag: str | None = None) -> bool:
        """LEAN's ``RemoveSecurity``: cancel the security's open orders (not while warming up),
        liquidate it, stop trading it; it leaves the algorithm, and reaches
        ``on_securities_changed`` as removed, at a time step once it has no holdings and no
        open orders. False for a security the algorithm never added; True for one already
        removed, as LEAN looks in the complete collection."""
        security = self.securities.get(symbol)
        if security is None:
            return False
        if active_security(self.securities, security.symbol) is None:
            return True
        tag = "Removed" if tag is None else tag
        if not self.is_warming_up:
            self.transactions.cancel_open_orders(security.symbol, tag)
        if security.invested:
            self.liquidate(security.symbol, tag=tag)
        security.is_tradable = False
        self._ctx.on_security_removal(security)
        return True

    def set_security_initializer(self, security_initializer: Any) -> None:
        """A function (or an object with ``initialize(security)``) run on every security the
        algorithm adds from now on, as LEAN runs it when it creates the security."""
        initialize = getattr(security_initializer, "initialize", security_initializer)
        if not callable(initialize):
            raise TypeError(
                "set_security_initializer takes a function of the security (or an object with "
                f"initialize(security)), got {security_initializer!r}"
            )
        self._security_initializer = initialize

    def add_security_initializer(self, security_initializer: Any) -> None:
        """Run another initializer (a function of the security, or an object with
        ``initialize(security)``) after the current one on every security added from now on
        (LEAN's CompositeSecurityInitializer)."""
        current = self._security_initializer
        self.set_security_initializer(security_initializer)
        added = self._security_initializer
        if current is not None:
            self._security_initializer = lambda security: (current(security), added(security))

    def get_last_known_price(self, security: Any) -> TradeBar | None:
        """The latest daily bar the algorithm may see for the security within LEAN's seed
        lookback (the last 50 sessions, see local_lean/seeding.py); None without one."""
        symbol = as_symbol(security)
        context = self._ctx
        bars = context.load_bars(symbol)
        if bars is None:
            return None
        row = last_known_row(bars.index, context.visible_until, context.calendar)
        if row is None:
            return None
        day = bars.index[row].date()
        o, h, lo, c, v = (
            float(x) for x in bars.iloc[row][["open", "high", "low", "close", "volume"]]
        )
        close = context.close_of(day)
        start = dt.datetime.combine(day, dt.time())
        return TradeBar(symbol, start, close, o, h, lo, c, v)

    def get_last_known_prices(self, security: Any) -> list[TradeBar]:
        """LEAN's ``GetLastKnownPrices`` of one security or symbol, what ``FuncSecuritySeeder``
        takes: for a minute or hour subscription its latest trade bar and (minute) quote bar
        among the last 5 bars; else, or without them, its last known daily bar (see
        local_lean/seeding.py); an empty list without any."""
        if isinstance(security, list | tuple | set):
            raise NotSupportedError(
                "get_last_known_prices of several securities", "ask for one security at a time"
            )
        symbol = as_symbol(security)
        subscription = self._ctx.intraday_subscriptions.get(symbol)
        if subscription is not None:  # LEAN asks at the subscription's resolution first
            bars = last_known_intraday_bars(
                self._ctx, symbol, subscription.resolution, SEED_LOOKBACK_BARS
            )
            if bars:
                return bars
        bar = self.get_last_known_price(security)
        return [] if bar is None else [bar]

    def add_security(self, *args: Any, **kwargs: Any) -> Security:
        """``add_security(SecurityType.EQUITY, ticker, resolution)`` for equities only."""
        if args and isinstance(args[0], SecurityType):
            if args[0] != SecurityType.EQUITY:
                raise NotSupportedError(f"add_security({args[0].name})", "US equities only")
            args = args[1:]
        return self.add_equity(*args, **kwargs)

    @property
    def history(self) -> _History:
        """``self.history(symbols, periods | timedelta | start, end, resolution)`` -> DataFrame."""
        return _History(self)

    @property
    def history_provider(self) -> LocalHistoryProvider:
        """The provider LEAN's warm-ups read (volatility models): the bars known now."""
        return LocalHistoryProvider(self._ctx)

    def _history(self, tickers: Any, *args: Any, **kwargs: Any) -> pd.DataFrame:
        if isinstance(tickers, type):
            raise NotSupportedError("history(type, ...)", "only TradeBar history of equities")
        resolution = kwargs.pop("resolution", None)
        kwargs.pop("fill_forward", None)
        kwargs.pop("extended_market_hours", None)
        kwargs.pop("data_mapping_mode", None)
        kwargs.pop("contract_depth_offset", None)
        mode = kwargs.pop("data_normalization_mode", None)
        _check_normalization(mode)
        if kwargs.pop("flatten", False):
            raise NotSupportedError("history(..., flatten=True)")
        if kwargs:
            raise TypeError(f"history() got unexpected arguments {sorted(kwargs)}")
        if not args:
            raise TypeError("history() needs a number of bars, a timedelta, or start and end")
        first, rest = args[0], list(args[1:])
        if isinstance(first, dt.date) and rest and isinstance(rest[0], dt.date):
            start, end = first, rest.pop(0)
            window: tuple = ("range", start, end)
        elif isinstance(first, dt.timedelta):
            window = ("span", first)
        elif isinstance(first, int) and not isinstance(first, bool):
            if first < 0:
                raise ValueError(f"history needs a bar count >= 0, got {first}")
            window = ("count", first)
        else:
            raise TypeError(
                f"history() takes a bar count, a timedelta or a start and end date, got {first!r}"
            )
        if rest:
            resolution = rest.pop(0)
        if rest:
            raise TypeError("history() got too many positional arguments")
        symbols = [as_symbol(t) for t in one_or_many(tickers)]
        context = self._ctx
        if resolution is None:  # LEAN: the subscription's resolution
            resolution = self._history_resolution(symbols, resolution)
        if resolution in (Resolution.MINUTE, Resolution.HOUR):
            subscription_resolution(context.source, symbols[0].value, resolution, "history")
            known = [self.securities[s].symbol if s in self.securities else s for s in symbols]
            return intraday_history(context, known, window, resolution, mode)
        _check_daily(resolution, "history")
        frames = {}
        for symbol in symbols:
            # The subscription's mode, unless the request names one (LEAN's history).
            bars = context.load_bars(symbol) if mode is None else context.bars_in_mode(symbol, mode)
            if bars is not None:
                frames[symbol] = bars
        if not frames:
            return empty_history()
        end_before = context.visible_until
        if window[0] == "count":
            return history_frame(frames, end_before, window[1])
        if window[0] == "span":
            first_day = (context.time - window[1]).date()
            return _date_window(frames, first_day, end_before)
        start, end = _date_from(window[1]).date(), _date_from(window[2]).date()
        return _date_window(frames, start, min(end, end_before))

    def _history_resolution(self, tickers: Any, resolution: Any) -> Any:
        """The resolution a history request reads: the one asked for, else the first intraday
        subscription's among the symbols, else daily (LEAN: the subscription's resolution)."""
        if resolution is not None:
            return resolution
        subscriptions = self._ctx.intraday_subscriptions
        subscribed = [subscriptions.get(as_symbol(t)) for t in one_or_many(tickers)]
        return next((sub.resolution for sub in subscribed if sub), Resolution.DAILY)

    # ----- scheduling and training --------------------------------------------------------

    def train(self, *args: Any) -> Any:
        """``train(action)`` runs `action` now; ``train(date_rule, time_rule, action)`` schedules
        it. Both are timed against LEAN's time limits."""
        if len(args) == 1:
            action = args[0]
            if not callable(action):
                raise TypeError(f"train needs a callable, got {action!r}")
            name = f"Train {getattr(action, '__name__', 'action')} (now)"
            self._ctx.run_timed(name, action)
            return None
        if len(args) == 3:
            date_rule, time_rule, action = args
            if not isinstance(date_rule, DateRule) or not isinstance(time_rule, TimeRule):
                raise TypeError(
                    "train(date_rule, time_rule, action) takes rules from date_rules and time_rules"
                )
            return add_training(self.schedule, date_rule, time_rule, action)
        raise TypeError("train takes (action) or (date_rule, time_rule, action)")

    # ----- parameters, logging and charts --------------------------------------------------

    def get_parameter(self, name: str, default_value: Any = None) -> Any:
        """The parameter's string value (config.json / --parameter), or `default_value`. With an
        int or float default the value is converted; an unparsable value gives the default, as
        in LEAN (and a warning in the log)."""
        self._setup.parameters_read.add(name)
        value = self._setup.parameters.get(name)
        if value is None:
            return default_value
        if isinstance(default_value, bool) or not isinstance(default_value, int | float):
            return value
        kind = int if isinstance(default_value, int) else float
        try:
            return kind(value)
        except ValueError:
            if name not in self._warned_parameters:
                self._warned_parameters.add(name)
                self.log(
                    f"Warning: parameter '{name}' = '{value}' is not {kind.__name__}: using the "
                    f"default {default_value!r}"
                )
            return default_value

    def get_parameters(self) -> dict[str, str]:
        self._setup.parameters_read.update(self._setup.parameters)  # it sees every name
        return dict(self._setup.parameters)

    def set_parameters(self, parameters: dict[str, str]) -> None:
        self._setup.parameters = {str(k): str(v) for k, v in parameters.items()}

    def _write_log(self, message: Any) -> None:
        time = self._context.time if self._context is not None else DEFAULT_START
        line = f"{time:%Y-%m-%d %H:%M:%S} {message}"
        self._output.logs.append(line)
        if self._context is not None:
            self._context.emit_log(line)

    def debug(self, message: Any) -> None:
        self._write_log(message)

    def log(self, message: Any) -> None:
        self._write_log(message)

    def error(self, message: Any) -> None:
        self._write_log(f"ERROR: {message}")

    def plot(self, chart: str, series: Any, value: Any = None, *more: Any) -> None:
        """``plot(chart, series, value)`` or ``plot(series, value)`` (chart 'Strategy Equity');
        ``plot(chart, *indicators)`` plots each indicator's current value as a series named
        after the indicator, as LEAN's ``Plot(string chart, params IndicatorBase[])``."""
        if not isinstance(series, str) and hasattr(series, "current") and hasattr(series, "name"):
            for indicator in (series, value, *more):
                if indicator is not None:
                    self.plot(chart, indicator.name, indicator.current.value)
            return
        if more:
            raise NotSupportedError("plot with candles or indicators", "plot one value")
        if value is None:
            chart, series, value = "Strategy Equity", chart, series
        if not isinstance(value, int | float) or isinstance(value, bool):
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise TypeError(f"plot needs a number, got {value!r}") from None
        points = self._output.charts.setdefault(str(chart), {}).setdefault(str(series), [])
        points.append((self.time, float(value)))

    # ----- commands (local_lean/commands.py) -----------------------------------------------

    def add_command(self, type: Any) -> None:
        """Register a command class (one with ``run(algorithm)``) by its name."""
        self._registered_commands[check_command_type(type)] = type

    def link(self, command: Any) -> str:
        """The QuantConnect link that creates `command` (a command object or a dict)."""
        return command_link(self.project_id, command, set(self._registered_commands))

    def broadcast_command(self, command: Any) -> Any:
        """Nothing is broadcast from a backtest: LEAN's one-time warning, and None."""
        command_fields(command)  # the same errors as a link for an object it cannot read
        if not self._warned.get("broadcast commands"):
            self._warned["broadcast commands"] = True
            self.debug(BROADCAST_DISABLED_WARNING)
        return None

    def on_command(self, data: Any) -> bool | None:
        """A command without a registered class (LEAN's default: True)."""
        return True

    # ----- statistics (local_lean/statistics_results.py) -----------------------------------

    @property
    def statistics(self) -> StatisticsResults:
        """LEAN's statistics of the backtest so far, then the custom summary statistics."""
        computed = self._ctx.statistics_now()
        return StatisticsResults(with_custom_statistics(computed, self._output.summary_statistics))

    def set_summary_statistic(self, name: str, value: Any) -> None:
        """A custom statistic for the summary and the results' statistics."""
        name, text = summary_statistic_text(name, value)
        self._output.summary_statistics[name] = text

    # ----- industry-standard identifiers (LEAN's QCAlgorithm.CUSIP(Symbol) and the others) ----

    def cusip(self, symbol: Any) -> Any:
        """The CUSIP of `symbol` (None without one in the data's security database)."""
        return _identifier_of(symbol, "cusip")

    def composite_figi(self, symbol: Any) -> Any:
        return _identifier_of(symbol, "composite_figi")

    def sedol(self, symbol: Any) -> Any:
        return _identifier_of(symbol, "sedol")

    def isin(self, symbol: Any) -> Any:
        return _identifier_of(symbol, "isin")

    def cik(self, symbol: Any) -> Any:
        return _identifier_of(symbol, "cik")

    @property
    def account_currency(self) -> str:
        """The account's currency: US dollars (the runner's account holds USD only)."""
        return "USD"

    # ----- names LEAN has that this runner does not ------------------------------------------

    @classmethod
    def _lean_alternative(cls, name: str) -> str | None:
        """LEAN's indicator helpers the runner lacks: the indicators it offers instead."""
        returned = member_return_types("QuantConnect.Algorithm", "QCAlgorithm").get(name, ())
        if any(t.startswith("QuantConnect.Indicators.") for t in returned):
            return (
                "use one of the indicator helpers offered (sma, ema, macd, bb, rsi, atr, roc, "
                "std, var, mom, max, min, lwma, sum, identity, arima, c, trin, adr, advr) or a "
                "PythonIndicator"
            )
        return None


def bind_algorithm(
    algorithm: QCAlgorithm, context: AlgorithmContext, parameters: dict[str, str]
) -> None:
    """Attach an algorithm to the engine's context: the one handshake between the two. The
    context then shares the algorithm's setup and output, which the engine reads."""
    algorithm._context = context
    algorithm._setup.parameters = dict(parameters)
    context.setup = algorithm._setup
    context.output = algorithm._output


class _History:
    """The callable ``self.history``: LEAN binds it as an object with __call__ overloads."""

    def __init__(self, algorithm: QCAlgorithm) -> None:
        self._algorithm = algorithm

    def __call__(self, tickers: Any, *args: Any, **kwargs: Any) -> pd.DataFrame:
        return self._algorithm._history(tickers, *args, **kwargs)

    def __getitem__(self, data_type: type) -> TypedHistory:
        """``self.history[TradeBar](...)``: LEAN's generic overloads, bars instead of a frame."""
        algorithm = self._algorithm
        return TypedHistory(data_type, algorithm._history, algorithm._history_resolution)


# ----- helpers --------------------------------------------------------------------------------


def _check_daily(resolution: Any, where: str) -> None:
    if resolution is None or resolution == Resolution.DAILY:
        return
    if isinstance(resolution, Resolution):
        raise NotSupportedError(
            f"{where} with Resolution.{resolution.name}",
            "local_lean has daily data only: pass Resolution.DAILY (or run the algorithm with "
            "`lean backtest` for intraday data)",
        )
    raise TypeError(f"{where}: expected a Resolution, got {resolution!r}")


# The modes simulated for daily equities; the others (TOTAL_RETURN, the futures modes) are not.
SUPPORTED_NORMALIZATION_MODES = (
    DataNormalizationMode.RAW,
    DataNormalizationMode.ADJUSTED,
    DataNormalizationMode.SPLIT_ADJUSTED,
)


def _check_normalization(mode: Any) -> None:
    """None (the default) or a simulated DataNormalizationMode; else a clear error."""
    if mode is None:
        return
    if isinstance(mode, bool) or not isinstance(mode, int):
        raise TypeError(f"expected a DataNormalizationMode, got {mode!r}")
    if mode not in SUPPORTED_NORMALIZATION_MODES:
        name = getattr(mode, "name", repr(mode))
        raise NotSupportedError(
            f"data_normalization_mode={name}",
            "local_lean simulates RAW, ADJUSTED (the default) and SPLIT_ADJUSTED prices",
        )


def _date_window(frames: dict, first_day: dt.date, end_before: dt.date) -> pd.DataFrame:
    """History of the bars dated from `first_day` up to (not including) `end_before`."""
    start = pd.Timestamp(first_day)
    counts = {}
    for symbol, bars in frames.items():
        stop = int(bars.index.searchsorted(pd.Timestamp(end_before), side="left"))
        begin = int(bars.index.searchsorted(start, side="left"))
        counts[symbol] = max(0, stop - begin)
    if not any(counts.values()):
        return empty_history()
    parts = [history_frame({s: frames[s]}, end_before, n) for s, n in counts.items() if n > 0]
    return pd.concat(parts) if len(parts) > 1 else parts[0]


def _identifier_of(symbol: Any, name: str) -> Any:
    """A Symbol's (or Security's) identifier `name`; LEAN's other overload, an identifier to
    its Symbol, is not simulated."""
    if isinstance(symbol, str) and not isinstance(symbol, Symbol) or isinstance(symbol, int):
        raise NotSupportedError(
            f"QCAlgorithm.{name}({symbol!r}) (from an identifier to its Symbol)",
            f"pass a Symbol to get its {name}, e.g. self.{name}(self.add_equity('AAPL').symbol)",
        )
    return getattr(as_symbol(symbol), name)


@lru_cache(maxsize=1)
def lean_qcalgorithm_names() -> frozenset[str]:
    """Public member names of LEAN's QCAlgorithm, read from quantconnect-stubs (empty when the
    stubs are not installed: every unknown name is then an AttributeError)."""
    return member_names("QuantConnect.Algorithm", "QCAlgorithm")


__all__ = [
    "AlgorithmContext",
    "AlgorithmOutput",
    "AlgorithmSetup",
    "InsightDirection",
    "QCAlgorithm",
    "bind_algorithm",
    "lean_qcalgorithm_names",
]
