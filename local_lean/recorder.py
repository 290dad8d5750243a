"""What a backtest leaves behind, recorded as the engine runs it.

The engine feeds the recorder at each time step and each session close; the recorder keeps the
equity after each close (LEAN's results handler samples it), the benchmark's closes, and the
insights with their outcomes, and finally builds the ``BacktestRecord`` that results.py writes:
charts, orders, order events, logs, statistics inputs and the capacity estimate.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable
from typing import Any

import pandas as pd

from local_lean.capacity import (
    CapacityStatistics,
    TimeStepCapacity,
    estimate_capacity,
    fills_from_orders,
)
from local_lean.data.exchange_hours import UsEquityExchangeHours
from local_lean.enums import DataNormalizationMode
from local_lean.framework.insights import (
    Insight,
    direction_word,
    emitted_times,
    insight_outcome,
)
from local_lean.models.benchmarks import FuncBenchmark
from local_lean.models.fees import fee_models_description
from local_lean.models.interest_rates import statistics_rate_model
from local_lean.order_list_hash import order_list_hash
from local_lean.symbols import Symbol, equity_symbol

#: LEAN's default benchmark.
DEFAULT_BENCHMARK = "SPY"

# How LEAN fills market orders on daily data, as the results' "simulation" section says it.
_DAILY_FILLS = (
    "as LEAN on daily data: market orders placed while the market is open fill at that "
    "session's close (MarketOnClose), within 15.5 minutes of the close or while it is closed "
    "at the next open (MarketOnOpen)"
)


class _ScoredInsight:
    """An insight and, once its close time passed, the price it closed at."""

    __slots__ = ("insight", "final_price", "closed")

    def __init__(self, insight: Insight) -> None:
        self.insight = insight
        self.final_price: float | None = None
        self.closed = False


class BacktestRecorder:
    """Equity, benchmark and insight outcomes of one backtest, and the record built from them."""

    def __init__(
        self,
        algorithm: Any,
        context: Any,
        log: Any,
        build_record: Callable[[str | None], Any] | None = None,
    ) -> None:
        self._algorithm = algorithm
        self._context = context
        if build_record is not None:  # the engine's record builder: the statistics so far
            context.statistics_now = lambda: self.statistics_so_far(build_record)
        self._log = log  # the algorithm's log: benchmark notes go where LEAN puts them
        self._so_far = False  # whether a record is built for the statistics so far
        self.equity: dict[pd.Timestamp, float] = {}
        # LEAN's capacity estimate when the intraday clock feeds it at each time step
        self.time_step_capacity: TimeStepCapacity | None = None
        self.benchmark_prices: dict[pd.Timestamp, float] = {}
        self.benchmark_symbol: Symbol = equity_symbol(DEFAULT_BENCHMARK)
        self._benchmark_closes: dict[dt.date, float] | None = None
        self._benchmark_function: Any = None  # set_benchmark(function): its values
        self._hours = UsEquityExchangeHours()
        self._scored: list[_ScoredInsight] = []
        self._closing: list[tuple[dt.datetime, int, _ScoredInsight]] = []

    # ----- the benchmark ------------------------------------------------------------------------

    def prepare_benchmark(self, source_description: str) -> None:
        """Read the benchmark's daily closes (the algorithm's ``set_benchmark``, else SPY); a
        benchmark without data in the backtest's span is noted in the log and left out."""
        algorithm = self._algorithm
        symbol = (
            self._context.setup.benchmark
            or self._brokerage_benchmark()
            or equity_symbol(DEFAULT_BENCHMARK)
        )
        self._benchmark_function = None
        if callable(symbol) and not isinstance(symbol, Symbol):  # LEAN's FuncBenchmark
            self._benchmark_function = symbol
            self._benchmark_closes = None
            return
        self.benchmark_symbol = symbol
        # LEAN's benchmark is a security of its own, fed in the default ADJUSTED prices
        # whatever the algorithm's subscription to it (SecurityService.CreateBenchmarkSecurity)
        bars = self._context.bars_in_mode(symbol, DataNormalizationMode.ADJUSTED)
        self._benchmark_closes = None
        if bars is None:
            self._log(f"No benchmark: {symbol.value} is not in {source_description}")
            return
        start, end = algorithm.start_date.date(), algorithm.end_date.date()
        if not len(bars) or bars.index[-1].date() < start or bars.index[0].date() > end:
            span = f"{bars.index[0].date()}..{bars.index[-1].date()}" if len(bars) else "no bars"
            self._log(
                f"No benchmark: the data of {symbol.value} ({span}) has no close between "
                f"{start} and {end}"
            )
            return
        self._benchmark_closes = dict(zip(bars.index.date, bars["close"].to_numpy(), strict=True))

    def _brokerage_benchmark(self) -> Any:
        """The benchmark of the algorithm's brokerage model, where it gives one that is not
        SPY (LEAN's ``BrokerageModel.GetBenchmark``): a ``FuncBenchmark``'s function."""
        transactions = self._context.transactions
        model = transactions.brokerage_model if transactions is not None else None
        get_benchmark = getattr(model, "get_benchmark", None)
        if not callable(get_benchmark):
            return None
        benchmark = get_benchmark(self._algorithm.securities)
        if isinstance(benchmark, FuncBenchmark):
            return benchmark.evaluate
        if benchmark is None or isinstance(benchmark, Symbol | str):
            return benchmark if not isinstance(benchmark, str) else equity_symbol(benchmark)
        raise TypeError(
            f"{type(model).__name__}.get_benchmark must return a FuncBenchmark, a Symbol or a "
            f"ticker, got {benchmark!r}"
        )

    def benchmark_before_start(self) -> float | None:
        """The benchmark's last close before the start (LEAN seeds its benchmark with it)."""
        if self._benchmark_function is not None:
            return float(self._benchmark_function(self._algorithm.start_date))
        if not self._benchmark_closes:
            return None
        start = self._algorithm.start_date.date()
        earlier = [day for day in self._benchmark_closes if day < start]
        return float(self._benchmark_closes[max(earlier)]) if earlier else None

    # ----- what the engine feeds ----------------------------------------------------------------

    def record_time_step(self, time: dt.datetime) -> None:
        """The portfolio's value after a minute or hour time step: LEAN's results handler
        samples its equity chart every resample period, whose points the drawdown uses
        (``statistics.lean_samples`` picks them)."""
        if not self._context.warming_up:
            self.equity[pd.Timestamp(time)] = self._algorithm.portfolio.total_portfolio_value

    def record_close(self, close: dt.datetime, session_date: dt.date) -> None:
        """The portfolio's value after a session's close, and the benchmark's close then."""
        stamp = pd.Timestamp(close)
        self.equity[stamp] = self._algorithm.portfolio.total_portfolio_value
        if self._benchmark_function is not None:  # its value at the sample's time
            self.benchmark_prices[stamp] = float(self._benchmark_function(close))
        if self._benchmark_closes is not None:
            price = self._benchmark_closes.get(session_date)
            if price is not None:
                self.benchmark_prices[stamp] = float(price)

    def score_insights(self, time: dt.datetime) -> None:
        """Note the price of each insight whose close time has come (its outcome's price)."""
        insights = self._algorithm.insights
        while len(self._scored) < len(insights):
            scored = _ScoredInsight(insights[len(self._scored)])
            self._scored.append(scored)
            _, closes = emitted_times(scored.insight)
            heapq.heappush(self._closing, (closes, len(self._scored), scored))
        while self._closing and self._closing[0][0] <= time:
            _, _, scored = heapq.heappop(self._closing)
            security = self._algorithm.securities.get(scored.insight.symbol)
            scored.final_price = None if security is None else security.price
            scored.closed = True

    def _sample_benchmark_at_stop(self, last: pd.Timestamp) -> None:
        """A run that stopped inside a regular session (``quit``, an error) ends with the
        benchmark's price then, as LEAN's benchmark feed (regular hours only) has it: taken
        from the algorithm's own subscription to the benchmark where that gives it in the
        benchmark's adjusted prices (without one, the last close stands)."""
        if self._benchmark_closes is None or last in self.benchmark_prices:
            return
        end = last.to_pydatetime()
        if not self._hours.is_open_during_bar(end - dt.timedelta(minutes=1), end, False):
            return
        security = self._algorithm.securities.get(self.benchmark_symbol)
        if security is None or not security.has_data:
            return
        mode = getattr(security, "data_normalization_mode", DataNormalizationMode.ADJUSTED)
        if mode == DataNormalizationMode.ADJUSTED:
            self.benchmark_prices[last] = float(security.price)

    def last_recorded_date(self) -> dt.date | None:
        """The date of the last session whose equity was recorded (None before the first)."""
        return max(self.equity).date() if self.equity else None

    # ----- the record ---------------------------------------------------------------------------

    def statistics_so_far(self, build_record: Callable[[str | None], Any]) -> dict[str, str]:
        """LEAN's statistics of the run so far (``self.statistics`` during the run), from the
        record `build_record` makes now; the capacity estimate is read as it stands (the
        final passes LEAN makes at the end are not made)."""
        from local_lean.results import lean_statistics

        self._so_far = True
        try:
            return lean_statistics(build_record(None))
        finally:
            self._so_far = False

    def build_record(
        self,
        runtime_error: str | None,
        *,
        transactions: Any,
        sections: dict[str, Any],
        source_description: str,
        sessions_run: int,
        identifiers: dict[str, str],
        raw_splits: dict[str, dict[dt.date, float]],
    ) -> Any:
        """The BacktestRecord of the run: what results.py writes and statistics read.
        `identifiers` maps every ticker the run traded (removed ones too) to its LEAN id;
        `raw_splits` the split factors that changed RAW holdings, for the capacity estimate."""
        from local_lean.results import BacktestRecord

        algorithm, context = self._algorithm, self._context
        equity = pd.Series(self.equity, dtype="float64", name="equity")
        equity.index.name = "time"
        if len(equity):
            self._sample_benchmark_at_stop(equity.index[-1])
        benchmark = None
        if self.benchmark_prices:
            benchmark = pd.Series(self.benchmark_prices, dtype="float64", name="benchmark")
            benchmark.index.name = "time"
        end = algorithm.end_date.date()
        if runtime_error is not None and len(equity):
            end = equity.index[-1].date()  # partial results end where the algorithm stopped
        sections = dict(sections)
        sections["simulation"] = {
            "data source": source_description,
            "fee model": fee_models_description(
                algorithm.portfolio.fee_model, algorithm.securities
            ),
            "sessions": sessions_run,
            "fills": _DAILY_FILLS,
        }
        orders = transactions.order_records()
        return BacktestRecord(
            algorithm_name=type(algorithm).__name__,
            start=algorithm.start_date.date(),
            end=end,
            initial_cash=context.setup.cash,
            equity=equity,
            benchmark=benchmark,
            benchmark_name=self.benchmark_symbol.value if benchmark is not None else None,
            charts=context.output.charts,
            orders=orders,
            order_events=list(transactions.event_records),
            insights=[_insight_record(s) for s in self._all_scored()],
            logs=list(context.output.logs),
            parameters=dict(context.setup.parameters),
            runtime_error=runtime_error,
            sections=sections,
            benchmark_before_start=self.benchmark_before_start(),
            capacity=self._capacity(orders, equity, end, identifiers, raw_splits),
            risk_free_rate=statistics_rate_model(algorithm.risk_free_interest_rate_model),
            order_list_hash=order_list_hash(transactions.orders.values(), transactions.submissions),
            summary_statistics=dict(context.output.summary_statistics),
        )

    def _capacity(
        self,
        orders: list[dict[str, Any]],
        equity: pd.Series,
        end: dt.date,
        identifiers: dict[str, str],
        raw_splits: dict[str, dict[dt.date, float]],
    ) -> CapacityStatistics:
        """LEAN's capacity estimate from the fills and the traded securities' daily bars."""
        from local_lean.results import no_capacity_estimate

        if self.time_step_capacity is not None:  # minute or hour data: fed at each step
            return self.time_step_capacity.statistics(identifiers, final=not self._so_far)
        fills = fills_from_orders(orders)
        if not fills or equity.empty:
            return no_capacity_estimate()
        traded = {fill.symbol for fill in fills}
        return estimate_capacity(
            fills,
            {s.value: bars for s, bars in self._context.bars.items() if s.value in traded},
            equity,
            start_date=self._algorithm.start_date.date(),
            end_date=end,
            identifiers=identifiers,
            splits=raw_splits,
        )

    def _all_scored(self) -> list[_ScoredInsight]:
        insights = self._algorithm.insights
        while len(self._scored) < len(insights):
            self._scored.append(_ScoredInsight(insights[len(self._scored)]))
        return self._scored


def _insight_record(scored: _ScoredInsight) -> dict[str, Any]:
    insight = scored.insight
    generated, closes = emitted_times(insight)
    direction, period = insight.direction, insight.period  # properties: read once
    reference = insight.reference_value
    final = scored.final_price
    outcome = (
        insight_outcome(direction, reference, final)
        if scored.closed and final is not None
        else "open"
    )
    if outcome != "open" and direction != 0:
        insight.reference_value_final = final or 0.0
    return {
        "symbol": insight.symbol.value,
        "generated_time": generated,
        "close_time": closes,
        "direction": direction_word(direction),
        "period": period.total_seconds() if period else None,
        "reference_price": reference,
        "close_price": final,
        "outcome": outcome,
        "tag": insight.tag,
    }


__all__ = ["DEFAULT_BENCHMARK", "BacktestRecorder"]
