"""QCAlgorithm: the part of LEAN's algorithm API that daily US-equity algorithms use.

Names and signatures are LEAN's PEP8 ones (quantconnect-stubs). A name LEAN's QCAlgorithm has
but this runner does not simulate raises NotSupportedError; a name LEAN does not have raises
AttributeError, as in LEAN. The engine (engine.py) owns the clock and drives this class through
its `_context`; see README.md for the time semantics.
"""

from __future__ import annotations

import ast
import datetime as dt
import math
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from local_lean.enums import DataNormalizationMode, InsightDirection, Resolution, SecurityType
from local_lean.errors import NotSupportedError
from local_lean.framework.execution import ImmediateExecutionModel
from local_lean.framework.insights import Insight, to_utc
from local_lean.framework.portfolio_construction import (
    FREE_PORTFOLIO_VALUE_PERCENTAGE,
    NullPortfolioConstructionModel,
    PortfolioConstructionModel,
)
from local_lean.history import empty_history, history_frame
from local_lean.portfolio import OrderTicket, SecurityPortfolioManager
from local_lean.scheduling import DateRule, DateRules, ScheduleManager, TimeRule, TimeRules
from local_lean.securities import Security, SecurityManager
from local_lean.symbols import Symbol, equity_symbol

DEFAULT_START = dt.datetime(1998, 1, 1)
DEFAULT_CASH = 100_000.0


class UniverseSettings:
    """LEAN's ``universe_settings``: only the resolution matters here (daily)."""

    def __init__(self) -> None:
        self.resolution = Resolution.DAILY
        self.leverage = 1.0
        self.fill_forward = True
        self.extended_market_hours = False
        self.data_normalization_mode = DataNormalizationMode.ADJUSTED


class InsightManager(list):
    """Every insight emitted so far, oldest first (LEAN's ``self.insights``)."""

    def get_active_insights(self, utc_time: dt.datetime) -> list[Insight]:
        return [insight for insight in self if insight.is_active(utc_time)]

    def has_active_insights(self, symbol: Any, utc_time: dt.datetime) -> bool:
        return any(i.symbol == symbol and i.is_active(utc_time) for i in self)

    def get_insights(self, filter: Callable[[Insight], bool] | None = None) -> list[Insight]:
        return [insight for insight in self if filter is None or filter(insight)]

    @property
    def total_count(self) -> int:
        return len(self)


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
        self.bars: dict[Symbol, pd.DataFrame] = {}
        self.run_timed: Callable[[str, Callable[[], Any]], None] = lambda name, action: action()
        self.on_security_added: Callable[[Security], None] = lambda security: None
        # Fills orders that can fill now (during the session: at its open, synchronously).
        self.fill_now: Callable[[], None] = lambda: None
        self.framework_dirty = False
        self.overrides: dict[str, Any] = {}

    def load_bars(self, symbol: Symbol) -> pd.DataFrame | None:
        """The symbol's daily bars from the price source (cached); None when it has none."""
        if symbol in self.bars:
            return self.bars[symbol]
        frame = (
            self.source.daily_bars(symbol.value) if self.source.has_ticker(symbol.value) else None
        )
        if frame is not None:
            self.bars[symbol] = frame
        return frame

    def fill_session(self) -> dt.date:
        """The session whose open fills a market order placed now."""
        if self.session_date is None:
            return self.calendar.next_session(self.time.date() - dt.timedelta(days=1))
        if self.after_close:
            return self.calendar.next_session(self.session_date)
        return self.session_date


def _date_from(value: Any, *more: int) -> dt.datetime:
    if more:
        month, day = (int(part) for part in more)
        return dt.datetime(int(value), month, day)
    if isinstance(value, dt.datetime):
        return value.replace(hour=0, minute=0, second=0, microsecond=0)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    raise TypeError(f"expected a date or (year, month, day), got {value!r}")


class QCAlgorithm:
    """Base class of algorithms: subclass it and write ``initialize``."""

    def __init__(self) -> None:
        self._context: AlgorithmContext | None = None
        self._start_date = DEFAULT_START
        self._end_date: dt.datetime | None = None
        self._initial_cash = DEFAULT_CASH
        self._parameters: dict[str, str] = {}
        self._benchmark: Symbol | None = None
        self._warm_up: int | dt.timedelta | None = None
        self.securities = SecurityManager()
        self.portfolio = SecurityPortfolioManager(self.securities, DEFAULT_CASH)
        self.schedule = ScheduleManager()
        self.date_rules = DateRules()
        self.time_rules = TimeRules()
        self.universe_settings = UniverseSettings()
        self.insights = InsightManager()
        self.object_store: Any = None
        self._charts: dict[str, dict[str, list[tuple[dt.datetime, float]]]] = {}
        self._logs: list[str] = []
        self._portfolio_construction: PortfolioConstructionModel = NullPortfolioConstructionModel()
        self._execution: Any = ImmediateExecutionModel()
        self._warned_parameters: set[str] = set()
        self._parameters_read: set[str] = set()  # names asked for, to flag misspelt parameters

    # ----- engine hooks -------------------------------------------------------------------

    def _bind(self, context: AlgorithmContext, parameters: dict[str, str]) -> None:
        self._context = context
        self._parameters = dict(parameters)

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
        return self._start_date

    @property
    def end_date(self) -> dt.datetime:
        if self._end_date is not None:
            return self._end_date
        today = dt.datetime.combine(dt.date.today(), dt.time())
        return today - dt.timedelta(days=1)

    @property
    def live_mode(self) -> bool:
        """Always False: this is a backtest."""
        return False

    @property
    def is_warming_up(self) -> bool:
        return self._context is not None and self._context.warming_up

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
        self._start_date = start
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
        self._end_date = end

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
        self._initial_cash = float(starting_cash)
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
        self._warm_up = time_span

    def set_benchmark(self, symbol: Any) -> None:
        """Compare the equity curve with this ticker's prices (default SPY, as LEAN)."""
        if callable(symbol) and not isinstance(symbol, str):
            raise NotSupportedError("set_benchmark(function)", "pass a ticker or a Symbol")
        self._benchmark = _to_symbol(symbol)

    # ----- securities and data -------------------------------------------------------------

    def add_equity(
        self,
        ticker: Any,
        resolution: Any = None,
        market: str | None = None,
        fill_forward: bool = True,
        leverage: float = 1.0,
        extended_market_hours: bool = False,
        data_normalization_mode: Any = None,
    ) -> Security:
        """Add a US equity at daily resolution; returns its Security (``.symbol``, ``.price``).

        A ticker the price source lacks is added with no data (a warning is logged), as LEAN
        adds a security whose data files are missing.
        """
        _check_daily(resolution, "add_equity")
        if market not in (None, "usa"):
            raise NotSupportedError(f"add_equity(market={market!r})", "only US equities ('usa')")
        if extended_market_hours:
            raise NotSupportedError("extended_market_hours=True", "daily bars have none")
        _check_normalization(data_normalization_mode)
        if leverage not in (1, 1.0) and not (isinstance(leverage, float) and math.isnan(leverage)):
            raise NotSupportedError(f"leverage={leverage}", "the runner trades without leverage")
        symbol = _to_symbol(ticker)
        if symbol in self.securities:
            return self.securities[symbol]
        context = self._ctx
        bars = context.load_bars(symbol)
        security = Security(symbol, Resolution.DAILY, bars is not None)
        if bars is None:
            self.log(
                f"Warning: no data for {symbol.value} in {context.source.description}: it is added "
                "with no prices and cannot be traded"
            )
        self.securities.add(security)
        context.on_security_added(security)
        return security

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
        _check_normalization(kwargs.pop("data_normalization_mode", None))
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
            bars = context.load_bars(symbol)
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
        self._parameters_read.add(name)
        value = self._parameters.get(name)
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
        self._parameters_read.update(self._parameters)  # the algorithm sees every name
        return dict(self._parameters)

    def _unread_parameters(self) -> list[str]:
        """Parameters given (config.json, --parameter) that the algorithm never asked for."""
        return sorted(set(self._parameters) - self._parameters_read)

    def set_parameters(self, parameters: dict[str, str]) -> None:
        self._parameters = {str(k): str(v) for k, v in parameters.items()}

    def _write_log(self, message: Any) -> None:
        time = self._context.time if self._context is not None else DEFAULT_START
        line = f"{time:%Y-%m-%d %H:%M:%S} {message}"
        self._logs.append(line)
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
        points = self._charts.setdefault(str(chart), {}).setdefault(str(series), [])
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

    def emit_insights(self, *insights: Any) -> None:
        """Record insights (timed now, closing after their period in exchange hours). While
        warming up they are dropped, as in LEAN."""
        flat: list[Insight] = []
        for item in insights:
            if isinstance(item, Insight):
                flat.append(item)
            elif isinstance(item, Iterable):
                flat.extend(item)
            else:
                raise TypeError(f"emit_insights takes Insight objects, got {item!r}")
        for insight in flat:
            if not isinstance(insight, Insight):
                raise TypeError(f"emit_insights takes Insight objects, got {insight!r}")
        context = self._ctx
        if context.warming_up or context.initializing:
            return
        for insight in flat:
            security = self.securities.get(insight.symbol)
            if security is None:
                raise KeyError(
                    f"insight for {insight.symbol.value}, which was not added: call "
                    f"self.add_equity('{insight.symbol.value}') first"
                )
            insight._set_times(context.time, context.calendar.next_session)
            insight.reference_value = security.price
            self.insights.append(insight)
        if flat:
            context.framework_dirty = True

    # ----- orders ------------------------------------------------------------------------------

    def market_order(
        self,
        symbol: Any,
        quantity: float,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> OrderTicket:
        """Buy (quantity > 0) or sell at the market: fills at the open of the session in
        progress, or the next one after the close (README.md, "Market simulation")."""
        context = self._ctx
        if isinstance(quantity, bool) or not isinstance(quantity, int | float):
            raise TypeError(f"market_order needs a number of shares, got {quantity!r}")
        rejection = None
        if context.warming_up:
            rejection = "This operation is not allowed during warm up"
        elif context.initializing:
            rejection = "This operation is not allowed in initialize"
        quantity = float(math.trunc(quantity))
        ticket = self.portfolio._submit_market_order(
            _security_key(symbol),
            quantity,
            context.time,
            context.fill_session(),
            tag=tag or "",
            rejection=rejection,
        )
        context.fill_now()
        return ticket

    def set_holdings(
        self,
        symbol: Any,
        percentage: float,
        liquidate_existing_holdings: bool = False,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> list[OrderTicket]:
        """Order enough whole shares for `symbol` to be `percentage` of the portfolio value
        (less LEAN's 0.25% free-value buffer), at the latest known price."""
        if isinstance(symbol, list):
            raise NotSupportedError("set_holdings(list of PortfolioTarget)", "one symbol a call")
        tickets: list[OrderTicket] = []
        target = _security_key(symbol)
        if liquidate_existing_holdings:
            for other in list(self.securities.keys()):
                if other != target:
                    tickets.extend(self.liquidate(other, tag=tag))
        security = self.securities[target]
        if security.price <= 0:
            # Recorded as LEAN records it: an invalid order that says why.
            tickets.append(
                self.portfolio._submit_market_order(
                    security.symbol,
                    0,
                    self._ctx.time,
                    self._ctx.fill_session(),
                    tag=tag or "",
                    rejection=f"set_holdings: {security.symbol.value} has no price yet",
                )
            )
            return tickets
        value = self.portfolio.total_portfolio_value * (1 - FREE_PORTFOLIO_VALUE_PERCENTAGE)
        wanted = math.trunc(percentage * value / security.price)
        held = security.holdings.quantity + self.portfolio._open_quantity(security.symbol)
        if wanted - held != 0:
            tickets.append(self.market_order(target, wanted - held, tag=tag))
        return tickets

    def liquidate(
        self,
        symbol: Any = None,
        asynchronous: bool = False,
        tag: str = "Liquidated",
        order_properties: Any = None,
    ) -> list[OrderTicket]:
        """Sell (or cover) everything held in `symbol`, or in every security with no symbol."""
        symbols = list(self.securities.keys()) if symbol is None else _as_list(symbol)
        tickets = []
        for each in symbols:
            security = self.securities[_security_key(each)]
            held = security.holdings.quantity + self.portfolio._open_quantity(security.symbol)
            if held != 0:
                tickets.append(self.market_order(security.symbol, -held, tag=tag or "Liquidated"))
        return tickets

    # ----- names LEAN has that this runner does not ------------------------------------------

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails.
        if not name.startswith("_") and name in lean_qcalgorithm_names():
            raise NotSupportedError(
                f"QCAlgorithm.{name}",
                "local_lean runs daily US-equity algorithms only (see local_lean/README.md)",
            )
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")


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
            f"{where} with Resolution.{resolution.name}", "local_lean has daily data only"
        )
    raise TypeError(f"{where}: expected a Resolution, got {resolution!r}")


def _check_normalization(mode: Any) -> None:
    if mode is None or mode == DataNormalizationMode.ADJUSTED:
        return
    name = getattr(mode, "name", repr(mode))
    raise NotSupportedError(
        f"data_normalization_mode={name}", "prices are split- and dividend-adjusted"
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
    import importlib.util

    spec = importlib.util.find_spec("QuantConnect")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    stub = Path(next(iter(spec.submodule_search_locations))) / "Algorithm" / "__init__.pyi"
    if not stub.is_file():
        return frozenset()
    tree = ast.parse(stub.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "QCAlgorithm":
            names = set()
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    names.add(item.target.id)
                elif isinstance(item, ast.Assign):
                    names.update(t.id for t in item.targets if isinstance(t, ast.Name))
            return frozenset(n for n in names if not n.startswith("_"))
    return frozenset()


__all__ = ["AlgorithmContext", "InsightDirection", "QCAlgorithm", "lean_qcalgorithm_names"]
