"""QCAlgorithm: the part of LEAN's algorithm API that daily US-equity algorithms use.

Names and signatures are LEAN's PEP8 ones (quantconnect-stubs). A name LEAN's QCAlgorithm has
but this runner does not simulate raises NotSupportedError; a name LEAN does not have raises
AttributeError, as in LEAN. The engine (engine.py) owns the clock and drives this class through
its `_context`; see README.md for the time semantics.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd

from local_lean.buying_power import zero_price_message
from local_lean.consolidators.algorithm import QCAlgorithmConsolidators
from local_lean.data import bars_in_mode, map_file_provider
from local_lean.enums import DataNormalizationMode, InsightDirection, Resolution, SecurityType
from local_lean.errors import NotSupportedError
from local_lean.framework.alpha import CompositeAlphaModel, NullAlphaModel
from local_lean.framework.execution import ImmediateExecutionModel
from local_lean.framework.insight_manager import InsightManager
from local_lean.framework.insights import (
    GeneratedInsightsCollection,
    Insight,
    InsightsGeneratedEvent,
    to_utc,
)
from local_lean.framework.pipeline import process_insights
from local_lean.framework.portfolio_construction import (
    NullPortfolioConstructionModel,
    PortfolioConstructionModel,
    PortfolioTarget,
)
from local_lean.framework.risk import CompositeRiskManagementModel, NullRiskManagementModel
from local_lean.framework.selection import UniverseSelectionModel
from local_lean.framework.universe import ManualUniverseSelectionModel
from local_lean.framework.universe_manager import UniverseManager
from local_lean.history import empty_history, history_frame
from local_lean.indicators.helpers import QCAlgorithmIndicators
from local_lean.lean_stubs import member_names
from local_lean.market_data import TradeBar
from local_lean.models.algorithm_models import QCAlgorithmModels
from local_lean.orders import (
    OrderDirection,
    OrderResponse,
    OrderResponseErrorCode,
    OrderTicket,
    OrderType,
    SubmitOrderRequest,
)
from local_lean.portfolio import SecurityPortfolioManager
from local_lean.priced_orders import TrailingStopOrder
from local_lean.scheduling import DateRule, DateRules, ScheduleManager, TimeRule, TimeRules
from local_lean.securities import Security, SecurityManager
from local_lean.settings import AlgorithmSettings
from local_lean.symbols import Symbol, equity_symbol
from local_lean.transactions import SecurityTransactionManager, TransactionHandler

DEFAULT_START = dt.datetime(1998, 1, 1)
DEFAULT_CASH = 100_000.0

# LEAN's MarketOnCloseOrder.SubmissionTimeBuffer.
MARKET_ON_CLOSE_SUBMISSION_BUFFER = dt.timedelta(minutes=15.5)

# LEAN's debug messages, logged once, when it converts a market order in a backtest.
MARKET_ORDER_WHILE_CLOSED_WARNING = (
    "Warning: market orders submitted while the market is closed are automatically converted "
    "into MarketOnOpen orders to fill at the next market open."
)
DAILY_MARKET_ORDER_WARNING = (
    "Warning: market orders on daily resolution data sent during market hours are "
    "automatically converted into MarketOnClose orders (or MarketOnOpen near the close) to "
    "avoid filling at the stale previous close. Note: in live trading this conversion is not "
    "applied, as the order fills at the current market price."
)


class UniverseSettings:
    """LEAN's ``universe_settings``: what securities a universe adds are created with (their
    leverage, normalisation mode, extended hours); they get daily bars whatever the resolution."""

    def __init__(self) -> None:
        self.resolution = Resolution.MINUTE  # LEAN's default; universes get daily bars here
        self.leverage = 0.0  # LEAN's Security.NullLeverage: the brokerage model's default
        self.fill_forward = True
        self.extended_market_hours = False
        self.data_normalization_mode = DataNormalizationMode.ADJUSTED
        # How long a universe keeps a security it stopped selecting (LEAN's default: a day).
        self.minimum_time_in_universe = dt.timedelta(days=1)


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

    def unread_parameters(self) -> list[str]:
        """Parameters given (config.json, --parameter) that the algorithm never asked for."""
        return sorted(set(self.parameters) - self.parameters_read)


@dataclass
class AlgorithmOutput:
    """What the algorithm writes for the results: log lines and its own charts."""

    logs: list[str] = field(default_factory=list)
    charts: dict[str, dict[str, list[tuple[dt.datetime, float]]]] = field(default_factory=dict)


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


class QCAlgorithm(QCAlgorithmIndicators, QCAlgorithmConsolidators, QCAlgorithmModels):
    """Base class of algorithms: subclass it and write ``initialize``.

    The indicator helpers (``self.sma``, ``register_indicator``...) come from
    local_lean/indicators/helpers.py, ``subscription_manager`` and the consolidator helpers
    from local_lean/consolidators/algorithm.py, the brokerage, risk-free rate and shorting
    methods from local_lean/models/algorithm_models.py."""

    def __init__(self) -> None:
        self._context: AlgorithmContext | None = None
        self._setup = AlgorithmSetup()
        self._output = AlgorithmOutput()
        self.securities = SecurityManager()
        self.settings = AlgorithmSettings()
        self.portfolio = SecurityPortfolioManager(self.securities, DEFAULT_CASH, self.settings)
        self.schedule = ScheduleManager()
        self.date_rules = DateRules()
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
        self._universe_models: list[Any] = []  # every model set or added, in order
        self._security_initializer: Any = None
        self._warned_parameters: set[str] = set()
        self._warned: dict[str, bool] = {}  # LEAN's one-time warnings already logged

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
        if "cash" in self._ctx.overrides if self._context else False:
            self.log(f"Cash {starting_cash:,} is overridden by the command line")
            return
        self._setup.cash = float(starting_cash)
        self.portfolio.cash = float(starting_cash)

    def set_warm_up(self, time_span: Any, resolution: Any = None) -> None:
        """Warm up over a number of daily bars or a timedelta before the start date: events
        run, ``is_warming_up`` is True, orders are rejected and insights are dropped."""
        self._require_initializing("set_warm_up")
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

    def set_benchmark(self, symbol: Any) -> None:
        """Compare the equity curve with this ticker's prices (default SPY, as LEAN)."""
        if callable(symbol) and not isinstance(symbol, str):
            raise NotSupportedError("set_benchmark(function)", "pass a ticker or a Symbol")
        self._setup.benchmark = _to_symbol(symbol)

    # ----- securities and data -------------------------------------------------------------

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
        """Add a US equity at daily resolution; returns its Security (``.symbol``, ``.price``).

        A ticker the price source lacks is added with no data (a warning is logged), as LEAN
        adds a security whose data files are missing.
        """
        _check_daily(resolution, "add_equity")
        if resolution is None and not self._warned.get("default resolution"):
            self._warned["default resolution"] = True
            self.debug(
                "Note: add_equity without a resolution subscribes to minute data in LEAN; "
                "local_lean has daily bars only, so this run uses daily bars. Pass "
                "Resolution.DAILY to get the same data in LEAN."
            )
        if market not in (None, "usa"):
            raise NotSupportedError(f"add_equity(market={market!r})", "only US equities ('usa')")
        if extended_market_hours:
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
        symbol = _to_symbol(ticker)
        if symbol in self.securities:
            return self.securities[symbol]
        context = self._ctx
        # LEAN's identifier: the security's first ticker and date, from the data's map files.
        symbol = equity_symbol(symbol.value, map_file_provider(context.source))
        mode = DataNormalizationMode(data_normalization_mode)
        bars = context.load_bars(symbol, mode)
        security = Security(symbol, Resolution.DAILY, bars is not None)
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

    def get_last_known_price(self, security: Any) -> TradeBar | None:
        """The latest daily bar the algorithm may see for the security (None without one)."""
        symbol = _to_symbol(security)
        context = self._ctx
        bars = context.load_bars(symbol)
        if bars is None:
            return None
        known = int(bars.index.searchsorted(pd.Timestamp(context.visible_until), side="left"))
        if known == 0:
            return None
        day = bars.index[known - 1].date()
        o, h, lo, c, v = (
            float(x) for x in bars.iloc[known - 1][["open", "high", "low", "close", "volume"]]
        )
        close = context.calendar.sessions(day, day)[0].close
        start = dt.datetime.combine(day, dt.time())
        return TradeBar(symbol, start, close, o, h, lo, c, v)

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
        _check_daily(resolution, "history")
        symbols = [_to_symbol(t) for t in _as_list(tickers)]
        context = self._ctx
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
            return self.schedule._add(date_rule, time_rule, action, is_training=True)
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
        """``plot(chart, series, value)`` or ``plot(series, value)`` (chart 'Strategy Equity')."""
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

    # ----- framework ---------------------------------------------------------------------------

    def set_portfolio_construction(self, portfolio_construction: Any) -> None:
        if not hasattr(portfolio_construction, "create_targets"):
            raise TypeError("set_portfolio_construction needs a portfolio construction model")
        self._portfolio_construction = portfolio_construction

    def set_execution(self, execution: Any) -> None:
        if not hasattr(execution, "execute"):
            raise TypeError("set_execution needs an execution model")
        self._execution = execution

    @property
    def portfolio_construction(self) -> Any:
        return self._portfolio_construction

    @property
    def execution(self) -> Any:
        return self._execution

    @property
    def alpha(self) -> Any:
        return self._alpha

    @property
    def risk_management(self) -> Any:
        return self._risk_management

    @property
    def universe_selection(self) -> Any:
        return self._universe_selection

    def set_alpha(self, alpha: Any) -> None:
        """The alpha model whose insights the framework trades (asked at each slice)."""
        if not hasattr(alpha, "update"):
            raise TypeError("set_alpha needs an alpha model (a class with update())")
        self._alpha = alpha

    def add_alpha(self, alpha: Any) -> None:
        """Another alpha model beside those set: their insights together."""
        if not hasattr(alpha, "update"):
            raise TypeError("add_alpha needs an alpha model (a class with update())")
        if isinstance(self._alpha, NullAlphaModel):
            self._alpha = alpha
        elif isinstance(self._alpha, CompositeAlphaModel):
            self._alpha.add_alpha(alpha)
        else:
            self._alpha = CompositeAlphaModel(self._alpha, alpha)

    def set_risk_management(self, risk_management: Any) -> None:
        if not hasattr(risk_management, "manage_risk"):
            raise TypeError("set_risk_management needs a risk management model")
        self._risk_management = risk_management

    def add_risk_management(self, risk_management: Any) -> None:
        if not hasattr(risk_management, "manage_risk"):
            raise TypeError("add_risk_management needs a risk management model")
        if isinstance(self._risk_management, NullRiskManagementModel):
            self._risk_management = risk_management
        elif isinstance(self._risk_management, CompositeRiskManagementModel):
            self._risk_management.add_risk_management(risk_management)
        else:
            self._risk_management = CompositeRiskManagementModel(
                self._risk_management, risk_management
            )

    def set_universe_selection(self, universe_selection: Any) -> None:
        """A ManualUniverseSelectionModel's symbols are added now, at daily resolution; a
        custom or scheduled model selects as the backtest runs (framework/selection.py)."""
        _require_manual_universe(universe_selection, "set_universe_selection")
        self._universe_selection = universe_selection
        self.add_universe_selection(universe_selection)

    def add_universe_selection(self, universe_selection: Any) -> None:
        _require_manual_universe(universe_selection, "add_universe_selection")
        self._universe_models.append(universe_selection)
        if self.universe_settings.resolution != Resolution.DAILY and not self._warned.get(
            "universe resolution"
        ):
            self._warned["universe resolution"] = True
            self.debug(
                "Note: universe_settings.resolution is "
                f"{getattr(self.universe_settings.resolution, 'name', '?')} (LEAN's default is "
                "minute); local_lean has daily bars only, so this run uses daily bars. Set "
                "universe_settings.resolution = Resolution.DAILY to get the same data in LEAN."
            )
        if isinstance(universe_selection, ManualUniverseSelectionModel):
            for symbol in universe_selection.symbols:
                self.add_equity(symbol, Resolution.DAILY)
            self._universe_manager._add_manual(universe_selection.symbols)

    @property
    def universe_manager(self) -> UniverseManager:
        """The algorithm's universes (one per manual universe selection model's symbols)."""
        return self._universe_manager

    def remove_security(self, symbol: Any, tag: str | None = None) -> bool:
        """LEAN's ``RemoveSecurity``: cancel the security's open orders (not while warming up),
        liquidate it, stop trading it; it leaves the algorithm, and reaches
        ``on_securities_changed`` as removed, at a time step once it has no holdings and no
        open orders. False for a security the algorithm never added."""
        security = self.securities.get(symbol)
        if security is None:
            return False
        tag = "Removed" if tag is None else tag
        if not self.is_warming_up:
            self.transactions.cancel_open_orders(security.symbol, tag)
        if security.invested:
            self.liquidate(security.symbol, tag=tag)
        security.is_tradable = False
        self._ctx.on_security_removal(security)
        return True

    def on_securities_changed(self, changes: Any) -> None:
        """Called at the first slice after securities were added (override if needed)."""

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

    @property
    def insights_generated(self) -> InsightsGeneratedEvent:
        """The event fired with each batch of generated insights: add handlers
        ``(algorithm, insights_collection)`` with ``+=``."""
        return self._insights_generated

    @insights_generated.setter
    def insights_generated(self, value: InsightsGeneratedEvent) -> None:
        # `+=` assigns the event back to itself; anything else would drop the handlers.
        if value is not self._insights_generated:
            raise TypeError(
                "insights_generated is an event: add handlers with "
                "self.insights_generated += handler"
            )

    def emit_insights(self, *insights: Any) -> None:
        """Record insights (timed now, closing after their period in exchange hours) and let
        the framework act on them. While warming up they are dropped, as in LEAN."""
        flat: list[Insight] = []
        for item in insights:
            if isinstance(item, Insight):
                flat.append(item)
            elif isinstance(item, Iterable):
                flat.extend(item)
            else:
                raise TypeError(f"emit_insights takes Insight objects, got {item!r}")
        if self._ctx.warming_up or self._ctx.initializing:
            return
        process_insights(self, record_insights(self, flat))

    # ----- orders ------------------------------------------------------------------------------
    # As LEAN's QCAlgorithm.Trading.cs: an order method builds a request, the pre-order checks
    # may refuse it (an Invalid ticket, no order id, an error in the log), and the transaction
    # handler takes the rest (transactions.py).

    @property
    def transactions(self) -> SecurityTransactionManager:
        """LEAN's ``self.transactions``: orders, tickets and cancellations."""
        handler = self._ctx.transactions
        if handler is None:
            raise RuntimeError("this algorithm has no transaction handler: run it in a backtest")
        return SecurityTransactionManager(handler)

    def on_order_event(self, order_event: Any) -> None:
        """Called with every order event: submitted, filled, canceled, invalid (override)."""

    def market_order(
        self,
        symbol: Any,
        quantity: float,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> OrderTicket:
        """Buy (quantity > 0) or sell at the market. On daily data a backtest converts it, as
        LEAN does: while the market is closed into a MarketOnOpen order (the next open), while
        it is open into a MarketOnClose order (today's close), or MarketOnOpen within the
        MarketOnClose submission buffer (15.5 minutes before the close)."""
        security = self._security_for_order(symbol)
        calendar = self._ctx.calendar
        if not calendar.is_open(self.time):
            ticket = self.market_on_open_order(security.symbol, quantity, asynchronous, tag)
            if not self._warned.get("closed market order") and _succeeded(ticket):
                self._warned["closed market order"] = True
                self.debug(MARKET_ORDER_WHILE_CLOSED_WARNING)
            return ticket
        if self._within_market_on_close_buffer():
            ticket = self.market_on_open_order(security.symbol, quantity, asynchronous, tag)
        else:
            ticket = self.market_on_close_order(security.symbol, quantity, asynchronous, tag)
        if not self._warned.get("daily market order") and _succeeded(ticket):
            self._warned["daily market order"] = True
            self.debug(DAILY_MARKET_ORDER_WARNING)
        return ticket

    def market_on_open_order(
        self,
        symbol: Any,
        quantity: float,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> OrderTicket:
        """An order filled at the next market open."""
        security = self._security_for_order(symbol)
        return self._submit(OrderType.MARKET_ON_OPEN, security, quantity, tag, asynchronous)

    def market_on_close_order(
        self,
        symbol: Any,
        quantity: float,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> OrderTicket:
        """An order filled at the next market close; refused within 15.5 minutes of it."""
        security = self._security_for_order(symbol)
        return self._submit(OrderType.MARKET_ON_CLOSE, security, quantity, tag, asynchronous)

    def limit_order(
        self,
        symbol: Any,
        quantity: float,
        limit_price: float,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> OrderTicket:
        """Buy at or below (sell at or above) `limit_price`; open until filled or canceled."""
        _require_default_properties(order_properties)
        security = self._security_for_order(symbol)
        return self._submit(
            OrderType.LIMIT, security, quantity, tag, asynchronous, limit_price=limit_price
        )

    def stop_market_order(
        self,
        symbol: Any,
        quantity: float,
        stop_price: float,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> OrderTicket:
        """Buy (sell) at the market once the price reaches `stop_price`."""
        _require_default_properties(order_properties)
        security = self._security_for_order(symbol)
        return self._submit(
            OrderType.STOP_MARKET, security, quantity, tag, asynchronous, stop_price=stop_price
        )

    def stop_limit_order(
        self,
        symbol: Any,
        quantity: float,
        stop_price: float,
        limit_price: float,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> OrderTicket:
        """A limit order at `limit_price` that opens once the price crosses `stop_price`."""
        _require_default_properties(order_properties)
        security = self._security_for_order(symbol)
        return self._submit(
            OrderType.STOP_LIMIT,
            security,
            quantity,
            tag,
            asynchronous,
            stop_price=stop_price,
            limit_price=limit_price,
        )

    def limit_if_touched_order(
        self,
        symbol: Any,
        quantity: float,
        trigger_price: float,
        limit_price: float,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> OrderTicket:
        """A limit order at `limit_price` that opens once the price touches `trigger_price`."""
        _require_default_properties(order_properties)
        security = self._security_for_order(symbol)
        return self._submit(
            OrderType.LIMIT_IF_TOUCHED,
            security,
            quantity,
            tag,
            asynchronous,
            trigger_price=trigger_price,
            limit_price=limit_price,
        )

    def trailing_stop_order(
        self, symbol: Any, quantity: float, *args: Any, **kwargs: Any
    ) -> OrderTicket:
        """A stop market order whose stop trails the price by `trailing_amount` (a fraction of
        the price when `trailing_as_percentage`). LEAN's two forms: (symbol, quantity,
        trailing_amount, trailing_as_percentage, ...) puts the stop that far from the current
        price; (symbol, quantity, stop_price, trailing_amount, trailing_as_percentage, ...)
        starts at `stop_price`."""
        names = ["trailing_amount", "trailing_as_percentage", "asynchronous", "tag"]
        if "stop_price" in kwargs or (len(args) > 1 and not isinstance(args[1], bool)):
            names.insert(0, "stop_price")
        names.append("order_properties")
        if len(args) > len(names):
            raise TypeError(f"trailing_stop_order takes at most {len(names) + 2} arguments")
        values = dict(zip(names, args, strict=False))
        for name, value in kwargs.items():
            if name not in names or name in values:
                raise TypeError(f"trailing_stop_order got an unexpected or repeated {name!r}")
            values[name] = value
        if "trailing_amount" not in values or "trailing_as_percentage" not in values:
            raise TypeError("trailing_stop_order needs trailing_amount and trailing_as_percentage")
        _require_default_properties(values.get("order_properties"))
        security = self._security_for_order(symbol)
        percentage = bool(values["trailing_as_percentage"])
        amount = values["trailing_amount"]
        stop_price = values.get("stop_price")
        if stop_price is None and isinstance(amount, int | float) and not isinstance(amount, bool):
            direction = OrderDirection.BUY if quantity > 0 else OrderDirection.SELL
            stop_price = TrailingStopOrder.calculate_stop_price(
                security.price, amount, percentage, direction
            )
        return self._submit(
            OrderType.TRAILING_STOP,
            security,
            quantity,
            values.get("tag", ""),
            values.get("asynchronous", False),
            trailing_as_percentage=percentage,
            trailing_amount=amount,
            stop_price=stop_price,
        )

    def order(self, symbol: Any, quantity: float, asynchronous: bool = False, tag: str = "",
              order_properties: Any = None) -> OrderTicket:  # fmt: skip
        """LEAN's ``order``: a market order."""
        return self.market_order(symbol, quantity, asynchronous, tag, order_properties)

    def calculate_order_quantity(self, symbol: Any, target: float) -> float:
        """Shares to order so that `symbol` becomes `target` of the portfolio's value."""
        target_ = PortfolioTarget.percent(self, symbol, float(target), return_delta_quantity=True)
        return 0.0 if target_ is None else target_.quantity

    def set_holdings(
        self,
        symbol: Any,
        percentage: float = 0.0,
        liquidate_existing_holdings: bool = False,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> list[OrderTicket]:
        """Order the whole shares that make `symbol` `percentage` of the portfolio value (LEAN's
        sizing: the value less the 0.25% free buffer, fees included), less open market and
        market-on-open orders; a list of PortfolioTarget sets several at once."""
        if isinstance(symbol, list):
            tickets: list[OrderTicket] = []
            if liquidate_existing_holdings:
                keep = {PortfolioTarget(t.symbol, 0).symbol for t in symbol}
                tickets.extend(self._liquidate_all_but(keep, tag))
            for target in symbol:
                tickets.extend(self.set_holdings(target.symbol, target.quantity, False, tag=tag))
            return tickets
        security = self._security_for_order(symbol)
        tickets = []
        if liquidate_existing_holdings:
            tickets.extend(self._liquidate_all_but({security.symbol}, tag))
        quantity = self.calculate_order_quantity(security.symbol, percentage)
        open_quantity = sum(
            ticket.quantity_remaining
            for ticket in self.transactions.get_open_order_tickets(security.symbol)
            if ticket.order_type in (OrderType.MARKET, OrderType.MARKET_ON_OPEN)
        )
        quantity -= open_quantity
        if abs(quantity) > 0:
            if self._ctx.calendar.is_open(self.time):
                tickets.append(self.market_order(security.symbol, quantity, asynchronous, tag))
            else:
                tickets.append(self.market_on_open_order(security.symbol, quantity, False, tag))
        return tickets

    def liquidate(
        self,
        symbol: Any = None,
        asynchronous: bool = False,
        tag: str = "Liquidated",
        order_properties: Any = None,
    ) -> list[OrderTicket]:
        """Cancel the open orders of `symbol` (every security when None) and sell or cover
        what is held, at the market."""
        if not self.settings.liquidate_enabled:
            self.debug(
                "Liquidate() is currently disabled by settings. To re-enable please set "
                "'Settings.LiquidateEnabled' to true"
            )
            return []
        if symbol is None:
            symbols = sorted(self.portfolio.keys(), key=lambda s: s.value)
        else:
            symbols = [_to_symbol(each) for each in _as_list(symbol)]
        tag = tag or "Liquidated"
        tickets: list[OrderTicket] = []
        for each in symbols:
            if each not in self.securities:
                if not self._warned.get("liquidate"):
                    self._warned["liquidate"] = True
                    self.debug(
                        f"Warning: liquidate ignored symbol '{each.value}' because it has not "
                        "been added to the algorithm. Add the security before liquidating it."
                    )
                continue
            open_orders = self.transactions.get_open_orders(each)
            held = self.portfolio[each].quantity
            if (
                len(open_orders) == 1
                and held != 0
                and open_orders[0].quantity == -held
                and open_orders[0].type == OrderType.MARKET
            ):
                continue
            pending_market = 0.0
            for order in open_orders:
                if order.type == OrderType.MARKET:
                    pending_market += self.transactions.get_order_ticket(
                        order.id
                    ).quantity_remaining
                else:
                    self.transactions.cancel_order(order.id, tag)
            if held != 0:
                tickets.append(self.market_order(each, -held - pending_market, asynchronous, tag))
        return tickets

    def _liquidate_all_but(self, keep: set[Symbol], tag: str) -> list[OrderTicket]:
        others = [s for s in sorted(self.portfolio.keys(), key=lambda s: s.value) if s not in keep]
        return self.liquidate(others, tag=tag) if others else []

    def _security_for_order(self, symbol: Any) -> Security:
        return self.securities[_security_key(symbol)]

    def _within_market_on_close_buffer(self) -> bool:
        """True when a MarketOnClose order placed now would be too late for the next close."""
        next_close = self._ctx.calendar.next_close_after(self.time)
        return self.time > next_close - MARKET_ON_CLOSE_SUBMISSION_BUFFER

    def _submit(
        self,
        order_type: OrderType,
        security: Security,
        quantity: Any,
        tag: str,
        asynchronous: bool = False,
        trailing_as_percentage: bool = False,
        **prices: float,
    ) -> OrderTicket:
        """Run LEAN's pre-order checks, then hand the order to the transaction handler."""
        if isinstance(quantity, bool) or not isinstance(quantity, int | float):
            raise TypeError(f"an order needs a number of shares, got {quantity!r}")
        if not math.isfinite(quantity):
            raise ValueError(f"an order needs a finite number of shares, got {quantity!r}")
        for name, price in prices.items():
            if isinstance(price, bool) or not isinstance(price, int | float):
                raise TypeError(f"{name} must be a number, got {price!r}")
            if not math.isfinite(price):
                raise ValueError(f"{name} must be a finite number, got {price!r}")
        request = SubmitOrderRequest(
            order_type=order_type,
            security_type=security.symbol.security_type,
            symbol=security.symbol,
            quantity=float(math.trunc(quantity)),  # rounded toward zero to whole shares
            stop_price=prices.get("stop_price", 0.0),
            limit_price=prices.get("limit_price", 0.0),
            trigger_price=prices.get("trigger_price", 0.0),
            trailing_amount=prices.get("trailing_amount", 0.0),
            trailing_as_percentage=trailing_as_percentage,
            time=self.utc_time,  # request times are UTC, as in LEAN
            tag=tag or "",
            asynchronous=asynchronous,
        )
        problem = self._pre_order_check(request, security)
        if problem is not None:
            request.set_response(problem)
            self.error(problem.error_message)
            return OrderTicket(request, None)
        handler = self._ctx.transactions
        if handler is None:
            raise RuntimeError("orders need a backtest: run the algorithm with local_lean")
        return handler.submit(request)

    def _pre_order_check(
        self, request: SubmitOrderRequest, security: Security
    ) -> OrderResponse | None:
        """LEAN's ``PreOrderChecksImpl``, for the cases US equities on daily data meet."""
        codes = OrderResponseErrorCode
        if self.is_warming_up or self._ctx.initializing:
            return OrderResponse(
                0,
                codes.ALGORITHM_WARMING_UP,
                "This operation is not allowed in Initialize or during warm up: "
                "OrderRequest.Submit. Please move this code to the OnWarmupFinished() method.",
            )
        if request.quantity == 0:
            return OrderResponse(
                0,
                codes.ORDER_QUANTITY_ZERO,
                "Unable to submit order with id 0 that has zero quantity.",
            )
        if not security.is_tradable:
            return OrderResponse(
                0,
                codes.NON_TRADABLE_SECURITY,
                f"The security with symbol '{security.symbol.value}' is marked as non-tradable.",
            )
        if security.price == 0:
            return OrderResponse(0, codes.SECURITY_PRICE_ZERO, zero_price_message(security.symbol))
        if not security.has_data:
            return OrderResponse(
                0,
                codes.SECURITY_HAS_NO_DATA,
                "There is no data for this symbol yet, please check the security.HasData flag "
                "to ensure there is at least one data point.",
            )
        if (
            request.order_type == OrderType.MARKET_ON_CLOSE
            and self._within_market_on_close_buffer()
        ):
            return OrderResponse(
                0,
                codes.MARKET_ON_CLOSE_ORDER_TOO_LATE,
                "MarketOnClose orders must be placed within 00:15:30 before market close. "
                "Override this TimeSpan buffer by setting "
                "Orders.MarketOnCloseOrder.SubmissionTimeBuffer in QCAlgorithm.Initialize().",
            )
        return None

    # ----- names LEAN has that this runner does not ------------------------------------------

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails.
        if not name.startswith("_") and name in lean_qcalgorithm_names():
            raise NotSupportedError(
                f"QCAlgorithm.{name}",
                "local_lean runs daily US-equity algorithms only (see local_lean/README.md)",
            )
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")


def record_insights(algorithm: QCAlgorithm, insights: list[Any]) -> list[Insight]:
    """Time emitted or generated insights (now, closing after their period), note the price
    then, and add them to ``algorithm.insights`` (LEAN's ``InitializeInsights``)."""
    context = algorithm._ctx
    for insight in insights:
        if not isinstance(insight, Insight):
            raise TypeError(f"insights must be Insight objects, got {insight!r}")
        security = algorithm.securities.get(insight.symbol)
        if security is None:
            raise KeyError(
                f"insight for {insight.symbol.value}, which was not added: call "
                f"self.add_equity('{insight.symbol.value}') first"
            )
    for insight in insights:
        security = algorithm.securities[insight.symbol]
        insight._set_times(context.time, context.calendar)
        insight.reference_value = security.price
        algorithm.insights._add(insight)
    if insights:
        generated = GeneratedInsightsCollection(to_utc(context.time), insights)
        algorithm._insights_generated(algorithm, generated)
    return list(insights)


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


def _to_symbol(value: Any) -> Symbol:
    if isinstance(value, Security):
        return value.symbol
    if isinstance(value, Symbol):
        return value
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("a ticker cannot be empty")
        return equity_symbol(value)
    raise TypeError(f"expected a ticker string or a Symbol, got {value!r}")


def _require_manual_universe(model: Any, method: str) -> None:
    if not isinstance(model, ManualUniverseSelectionModel | UniverseSelectionModel):
        raise NotSupportedError(
            f"{method}({type(model).__name__})",
            "only ManualUniverseSelectionModel, CustomUniverseSelectionModel and "
            "ScheduledUniverseSelectionModel are simulated",
        )


def _require_default_properties(order_properties: Any) -> None:
    """Orders with prices live until filled or canceled (LEAN's default time in force); other
    properties would change that, and are refused rather than ignored."""
    if order_properties is not None:
        raise NotSupportedError(
            "order_properties on orders with prices",
            "they are good till canceled; leave order_properties out and cancel the order",
        )


def _succeeded(ticket: OrderTicket) -> bool:
    response = ticket.submit_request.response
    return response is not None and response.is_success


def _security_key(value: Any) -> Any:
    return value.symbol if isinstance(value, Security) else value


def _as_list(value: Any) -> list:
    if isinstance(value, str | Security):
        return [value]
    if isinstance(value, Iterable):
        return list(value)
    return [value]


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
    "record_insights",
    "lean_qcalgorithm_names",
]
