"""Backtests on minute and hour bars: the clock, slices, fills as LEAN's EquityFillModel, the
subscription's resolution, and bad intraday data."""

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.conventions import to_utc
from local_lean.data.exchange_hours import UsEquityExchangeHours
from local_lean.enums import Resolution, SecurityType
from local_lean.errors import MissingDataWarning
from local_lean.fills import Fill
from local_lean.intraday_fills import IntradayFillModel, IntradayPrices
from local_lean.market_data import Slice, TradeBar
from local_lean.orders import OrderEvent, OrderStatus, OrderType, SubmitOrderRequest
from local_lean.priced_orders import MarketOnCloseOrder, create_order
from local_lean.quote_bars import Bar, QuoteBar
from local_lean.symbols import equity_symbol

LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
needs_sample = pytest.mark.skipif(
    not (LEAN_DATA / "equity" / "usa" / "minute" / "spy").is_dir(),
    reason="LEAN's sample data (../shared/data/lean) is not here",
)
MINUTE = dt.timedelta(minutes=1)
SPY = equity_symbol("SPY")


def at(clock: str, day: str = "2013-10-07") -> dt.datetime:
    return dt.datetime.strptime(f"{day} {clock}", "%Y-%m-%d %H:%M")


class _Week(QCAlgorithm):
    """A week of SPY minute bars; subclasses trade."""

    resolution = Resolution.MINUTE

    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.set_cash(100000)
        self.spy = self.add_equity("SPY", self.resolution).symbol
        self.seen: list = []  # (time, slice) of every on_data
        self.events: list = []

    def on_data(self, data: Slice) -> None:
        self.seen.append((self.time, data))

    def on_order_event(self, order_event: OrderEvent) -> None:
        if order_event.status == OrderStatus.FILLED:
            self.events.append((self.time, order_event))


# -- the clock and the slices -----------------------------------------------------------------


@needs_sample
def test_each_minute_bar_reaches_on_data_at_its_end_time_with_its_quote_bar():
    algorithm, outcome = run_algorithm(_Week, data=LEAN_DATA)

    assert outcome.runtime_error is None
    times = [time for time, _ in algorithm.seen]
    assert len(times) == 5 * 390 and times == sorted(set(times))
    assert times[0] == at("09:31") and times[389] == at("16:00")
    first = algorithm.seen[0][1]
    bar, quote = first.bars[algorithm.spy], first.quote_bars[algorithm.spy]
    assert (bar.time, bar.end_time) == (at("09:30"), at("09:31"))
    assert (quote.time, quote.end_time) == (at("09:30"), at("09:31"))
    assert first[algorithm.spy] is bar
    assert quote.bid.close < quote.ask.close


@needs_sample
def test_a_market_order_fills_at_once_at_the_ask_or_the_bid_of_the_latest_quote_bar():
    class BuyThenSell(_Week):
        def on_data(self, data: Slice) -> None:
            super().on_data(data)
            if len(self.seen) == 1:
                self.quote_at_buy = data.quote_bars[self.spy]
                self.market_order(self.spy, 10)
            elif len(self.seen) == 30:
                self.quote_at_sell = data.quote_bars[self.spy]
                self.market_order(self.spy, -10)

    algorithm, outcome = run_algorithm(BuyThenSell, data=LEAN_DATA)

    assert outcome.runtime_error is None
    (buy_time, buy), (sell_time, sell) = algorithm.events
    assert (buy_time, buy.fill_price) == (at("09:31"), algorithm.quote_at_buy.ask.close)
    assert (sell_time, sell.fill_price) == (at("10:00"), algorithm.quote_at_sell.bid.close)
    orders = algorithm.transactions.get_orders()
    assert [order.type for order in orders] == [OrderType.MARKET, OrderType.MARKET]


@needs_sample
def test_a_market_order_placed_at_the_close_becomes_market_on_open_as_lean_converts_it():
    class AtTheClose(_Week):
        def on_data(self, data: Slice) -> None:
            super().on_data(data)
            if self.time == at("16:00"):  # the session's last bar: the exchange is closed
                self.market_order(self.spy, 10)

    algorithm, outcome = run_algorithm(AtTheClose, data=LEAN_DATA)

    assert outcome.runtime_error is None
    (order,) = algorithm.transactions.get_orders()
    assert order.type == OrderType.MARKET_ON_OPEN
    (fill_time, fill) = algorithm.events[0]
    next_open = algorithm.seen[390][1].bars[algorithm.spy]  # Tuesday's first minute bar
    assert fill_time == at("09:31", "2013-10-08")
    assert fill.fill_price == next_open.open


@needs_sample
def test_market_on_open_and_on_close_orders_fill_at_the_auctions_bars():
    class Auctions(_Week):
        def on_data(self, data: Slice) -> None:
            super().on_data(data)
            if self.time == at("10:00"):
                self.market_on_close_order(self.spy, 10)
                self.market_on_open_order(self.spy, -10)
            if self.time in (at("16:00"), at("09:31", "2013-10-08")):
                self.bar_then = data.bars[self.spy]
                self.seen_at_fill = getattr(self, "seen_at_fill", []) + [self.bar_then]

    algorithm, outcome = run_algorithm(Auctions, data=LEAN_DATA)

    assert outcome.runtime_error is None
    (close_time, on_close), (open_time, on_open) = algorithm.events
    closing_bar, opening_bar = algorithm.seen_at_fill
    assert (close_time, on_close.fill_price) == (at("16:00"), closing_bar.close)
    assert (open_time, on_open.fill_price) == (at("09:31", "2013-10-08"), opening_bar.open)


@needs_sample
def test_a_limit_order_waits_for_a_later_bar_that_trades_through_it():
    class Limit(_Week):
        def on_data(self, data: Slice) -> None:
            super().on_data(data)
            if len(self.seen) == 1:
                self.limit = round(data.bars[self.spy].close - 0.10, 2)
                self.limit_order(self.spy, 10, self.limit)

    algorithm, outcome = run_algorithm(Limit, data=LEAN_DATA)

    assert outcome.runtime_error is None
    ((fill_time, fill),) = algorithm.events
    bar = next(data.bars[algorithm.spy] for time, data in algorithm.seen if time == fill_time)
    assert fill_time > at("09:31") and bar.low < algorithm.limit
    assert fill.fill_price == min(algorithm.limit, bar.open)
    earlier = [data.bars[algorithm.spy].low for time, data in algorithm.seen if time < fill_time]
    assert all(low >= algorithm.limit for low in earlier[1:])


@needs_sample
def test_hour_bars_end_on_the_hour_and_market_orders_fill_at_the_trade_close():
    class Hourly(_Week):
        resolution = Resolution.HOUR

        def on_data(self, data: Slice) -> None:
            super().on_data(data)
            if len(self.seen) == 1:
                self.bar_at_buy = data.bars[self.spy]
                self.market_order(self.spy, 10)

    algorithm, outcome = run_algorithm(Hourly, data=LEAN_DATA)

    assert outcome.runtime_error is None
    times = [time for time, _ in algorithm.seen]
    assert times[:7] == [at(f"{hour}:00") for hour in range(10, 17)]
    assert not any(len(data.quote_bars) for _, data in algorithm.seen)  # trades only at hour
    ((time, fill),) = algorithm.events
    assert (time, fill.fill_price) == (at("10:00"), algorithm.bar_at_buy.close)
    assert "order filled using TradeBar data" in fill.message


# -- the fill model's stale-price rules (EquityFillModel.MarketFill) ---------------------------


def _prices(period: dt.timedelta, ended: dt.datetime, quotes: bool = True) -> IntradayPrices:
    prices = IntradayPrices(period, False, UsEquityExchangeHours())
    trade = TradeBar(SPY, ended - period, ended, 10.0, 10.5, 9.5, 10.2, 1000)
    quote = QuoteBar(SPY, ended - period, ended, Bar(10, 10, 10, 10.1), 5, Bar(10, 10, 10, 10.3), 5)
    prices.update(trade, quote if quotes else None)
    return prices


def _market_fill(prices: IntradayPrices, quantity: int, placed: dt.datetime) -> Fill | None:
    order = create_market_order(quantity, placed)
    return IntradayFillModel().fill(order, prices, at("16:00"), now=placed)


def create_market_order(quantity: int, placed: dt.datetime):
    request = SubmitOrderRequest(
        OrderType.MARKET, SecurityType.EQUITY, SPY, quantity, 0, 0, to_utc(placed), ""
    )
    return create_order(request, 1, request.time, 10.2)


def test_a_fresh_quote_fills_a_purchase_at_the_ask_and_a_sale_at_the_bid():
    prices = _prices(MINUTE, at("10:00"))

    assert _market_fill(prices, 10, at("10:00")) == Fill(10.3, at("10:00"))
    assert _market_fill(prices, -10, at("10:30")) == Fill(10.1, at("10:30"))


def test_minute_data_older_than_the_stale_span_makes_a_market_order_wait():
    prices = _prices(MINUTE, at("10:00"))

    assert _market_fill(prices, 10, at("11:00")) is not None  # one hour: still fresh
    assert _market_fill(prices, 10, at("11:01")) is None  # stale, and more than a bar behind


def test_without_quotes_the_trade_close_fills_with_leans_warning():
    prices = _prices(MINUTE, at("10:00"), quotes=False)

    fill = _market_fill(prices, 10, at("10:00"))

    assert fill.price == 10.2
    assert fill.message == (
        "Warning: No quote information available at 10/07/2013 10:00:00 America/New_York, "
        "order filled using TradeBar data"
    )


def test_a_market_order_does_not_fill_while_the_exchange_is_closed():
    prices = _prices(MINUTE, at("16:00"))

    assert _market_fill(prices, 10, at("16:00")) is not None  # within the bar that just ended
    assert _market_fill(prices, 10, at("16:01")) is None


# -- the subscription's resolution ---------------------------------------------------------------


class _DefaultResolution(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 8)
        self.security = self.add_equity("SPY")


@needs_sample
def test_add_equity_without_a_resolution_subscribes_minute_bars_where_the_folder_has_them():
    algorithm, outcome = run_algorithm(_DefaultResolution, data=LEAN_DATA)

    assert outcome.runtime_error is None
    assert algorithm.security.resolution == Resolution.MINUTE


class _NoMinuteFiles(QCAlgorithm):
    """QQQ has daily bars in LEAN's sample folder but no minute files."""

    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 8)
        self.spy = self.add_equity("SPY").symbol
        self.qqq = self.add_equity("QQQ")
        self.mornings: list = []
        self.schedule.on(self.date_rules.every_day(), self.time_rules.at(9, 31), self.morning)

    def morning(self) -> None:
        bars = self.current_slice.bars  # a slice from the first time step on, bars or none
        opens = self.history(self.qqq.symbol, 2, Resolution.DAILY).loc["QQQ"]["open"]
        self.mornings.append((self.qqq.symbol in bars, self.spy in bars, len(opens)))
        self.market_order(self.qqq.symbol, 10)


@needs_sample
def test_a_ticker_without_minute_files_is_subscribed_as_in_lean_and_gets_no_bars():
    with pytest.warns(MissingDataWarning, match="QQQ: 2 minute trade file"):
        algorithm, outcome = run_algorithm(_NoMinuteFiles, data=LEAN_DATA)

    assert outcome.runtime_error is None
    assert algorithm.qqq.resolution == Resolution.MINUTE
    assert any("no minute files for QQQ" in line for line in outcome.record.logs)
    # no QQQ bar ever, SPY's each minute; daily history of QQQ still reads its daily file
    assert algorithm.mornings == [(False, True, 2), (False, True, 2)]
    assert algorithm.qqq.price == 0 and not algorithm.portfolio["QQQ"].invested
    assert all(order["status"] != "filled" for order in outcome.record.orders)


def test_the_current_slice_is_an_empty_slice_before_the_first_bar_as_in_lean():
    class ReadsTheSliceAtTheOpen(_DefaultResolution):
        def initialize(self) -> None:
            super().initialize()
            self.slices: list = []
            self.schedule.on(self.date_rules.every_day(), self.time_rules.at(9, 31), self.look)

        def look(self) -> None:
            self.slices.append((self.time, len(self.current_slice.bars)))

    algorithm, outcome = run_algorithm(ReadsTheSliceAtTheOpen)  # daily bars arrive at 16:00

    assert outcome.runtime_error is None
    assert algorithm.slices == [(at("09:31"), 0), (at("09:31", "2013-10-08"), 1)]


def test_add_equity_without_a_resolution_gets_daily_bars_from_a_daily_only_source():
    algorithm, outcome = run_algorithm(_DefaultResolution)

    assert outcome.runtime_error is None
    assert algorithm.security.resolution == Resolution.DAILY


def test_minute_bars_from_the_synthetic_market_stop_with_the_fix():
    class MinuteOnSynthetic(_DefaultResolution):
        def initialize(self) -> None:
            self.set_start_date(2013, 10, 7)
            self.add_equity("SPY", Resolution.MINUTE)

    _, outcome = run_algorithm(MinuteOnSynthetic)

    assert "Resolution.MINUTE" in outcome.runtime_error
    assert "pass Resolution.DAILY" in outcome.runtime_error
    assert "--data a LEAN data folder" in outcome.runtime_error


# -- bad intraday data --------------------------------------------------------------------------


def _copy_spy(root: Path, days: list[str]) -> Path:
    """A LEAN folder with SPY's daily, factor and map files and some minute days."""
    usa = root / "equity" / "usa"
    for folder in ("daily", "factor_files", "map_files"):
        (usa / folder).mkdir(parents=True)
    shutil.copy(LEAN_DATA / "equity/usa/daily/spy.zip", usa / "daily")
    shutil.copy(LEAN_DATA / "equity/usa/factor_files/spy.csv", usa / "factor_files")
    shutil.copy(LEAN_DATA / "equity/usa/map_files/spy.csv", usa / "map_files")
    minute = usa / "minute" / "spy"
    minute.mkdir(parents=True)
    for day in days:
        for kind in ("trade", "quote"):
            shutil.copy(LEAN_DATA / f"equity/usa/minute/spy/{day}_{kind}.zip", minute)
    return root


class _TwoDays(_Week):
    def initialize(self) -> None:
        super().initialize()
        self.set_end_date(2013, 10, 8)


@needs_sample
def test_a_truncated_minute_zip_stops_the_backtest_naming_the_file(tmp_path):
    root = _copy_spy(tmp_path, ["20131007", "20131008"])
    damaged = root / "equity/usa/minute/spy/20131008_trade.zip"
    damaged.write_bytes(damaged.read_bytes()[:200])

    algorithm, outcome = run_algorithm(_TwoDays, data=root)

    assert "20131008_trade.zip" in outcome.runtime_error
    assert not [time for time, _ in algorithm.seen if time.day == 8]  # none of its bars


@needs_sample
def test_a_missing_minute_day_is_filled_forward_with_a_warning(tmp_path):
    root = _copy_spy(tmp_path, ["20131007"])

    with pytest.warns(MissingDataWarning, match="20131008_trade.zip"):
        algorithm, outcome = run_algorithm(_TwoDays, data=root)

    assert outcome.runtime_error is None
    second_day = [data.bars[algorithm.spy] for time, data in algorithm.seen if time.day == 8]
    assert len(second_day) == 390 and all(bar.is_fill_forward for bar in second_day)


@needs_sample
def test_minute_rows_out_of_order_stop_the_backtest_naming_the_file(tmp_path):
    root = _copy_spy(tmp_path, ["20131007", "20131008"])
    path = root / "equity/usa/minute/spy/20131008_trade.zip"
    with zipfile.ZipFile(path) as archive:
        name = archive.namelist()[0]
        lines = archive.read(name).decode().splitlines()
    lines[10], lines[11] = lines[11], lines[10]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(name, "\n".join(lines) + "\n")

    _, outcome = run_algorithm(_TwoDays, data=root)

    assert "20131008_trade.zip" in outcome.runtime_error
    assert "order" in outcome.runtime_error


# -- history at minute and hour resolution ------------------------------------------------------


@needs_sample
def test_minute_history_holds_the_bars_ended_by_now_with_their_quote_columns():
    class History(_Week):
        def initialize(self) -> None:
            super().initialize()
            self.before_start = self.history(self.spy, 3, Resolution.MINUTE)

        def on_data(self, data: Slice) -> None:
            super().on_data(data)
            if self.time == at("10:00"):
                self.at_ten = self.history(self.spy, 5)  # the subscription's resolution
                self.span = self.history(self.spy, dt.timedelta(minutes=10), Resolution.HOUR)

    algorithm, outcome = run_algorithm(History, data=LEAN_DATA)

    assert outcome.runtime_error is None
    ends = list(algorithm.before_start.loc[algorithm.spy].index)
    assert ends == [at(f"15:{minute}", "2013-10-04") for minute in (58, 59)] + [
        at("16:00", "2013-10-04")
    ]
    frame = algorithm.at_ten.loc[algorithm.spy]
    assert list(frame.index) == [at(f"09:{minute}") for minute in (56, 57, 58, 59)] + [at("10:00")]
    assert {"askclose", "bidclose", "close", "volume"} <= set(frame.columns)
    bar_at_ten = next(
        data.bars[algorithm.spy] for time, data in algorithm.seen if time == at("10:00")
    )
    assert frame["close"].iloc[-1] == bar_at_ten.close
    assert list(algorithm.span.loc[algorithm.spy].index) == [at("10:00")]
    assert "askclose" not in algorithm.span.columns  # hour bars: trades only


def test_a_function_benchmark_is_sampled_at_each_close():
    class FunctionBenchmark(QCAlgorithm):
        def initialize(self) -> None:
            self.set_start_date(2013, 10, 7)
            self.set_end_date(2013, 10, 11)
            self.set_benchmark(lambda time: 100.0 + time.day)
            self.add_equity("SPY", Resolution.DAILY)

    _, outcome = run_algorithm(FunctionBenchmark)

    assert outcome.runtime_error is None
    benchmark = outcome.record.benchmark
    assert list(benchmark.to_numpy()) == [100.0 + day for day in range(7, 12)]
    assert [time.day for time in benchmark.index] == list(range(7, 12))


@needs_sample
def test_a_quit_inside_a_session_samples_the_benchmark_at_that_time():
    class QuitAtTen(_Week):
        resolution = Resolution.HOUR

        def on_data(self, data: Slice) -> None:
            super().on_data(data)
            if self.time == at("10:00", "2013-10-09"):
                self.price_at_quit = self.securities[self.spy].price
                self.quit()

    algorithm, outcome = run_algorithm(QuitAtTen, data=LEAN_DATA)

    assert outcome.runtime_error is None
    benchmark = outcome.record.benchmark
    # the closes of the sessions before, then SPY's price when the run stopped (LEAN's
    # benchmark has its price then), not the close of the day before again
    assert list(benchmark.index) == [at("16:00", "2013-10-07"), at("16:00", "2013-10-08")] + [
        at("10:00", "2013-10-09")
    ]
    assert benchmark.iloc[-1] == algorithm.price_at_quit != benchmark.iloc[-2]


@needs_sample
def test_after_hours_steps_leave_the_benchmark_at_the_close():
    class AfterHours(QCAlgorithm):
        def initialize(self) -> None:
            self.set_start_date(2013, 10, 7)
            self.set_end_date(2013, 10, 7)
            self.add_equity("SPY", Resolution.MINUTE, extended_market_hours=True)

    algorithm, outcome = run_algorithm(AfterHours, data=LEAN_DATA)

    assert outcome.runtime_error is None
    assert outcome.record.equity.index[-1] > at("16:00")  # post-market steps ran
    benchmark = outcome.record.benchmark
    assert list(benchmark.index) == [at("16:00")]  # LEAN's benchmark has regular hours only


@needs_sample
def test_market_on_close_orders_follow_the_submission_buffer_and_fill_after_hours_placed():
    class Buffer(_Week):
        def initialize(self) -> None:
            super().initialize()
            self.set_end_date(2013, 10, 8)
            MarketOnCloseOrder.submission_time_buffer = dt.timedelta(minutes=10)
            self.schedule.on(self.date_rules.today, self.time_rules.at(17, 0), self.after_hours)
            self.tickets = {}

        def after_hours(self) -> None:
            self.tickets["17:00"] = self.market_on_close_order(self.spy, 1)

        def on_data(self, data: Slice) -> None:
            super().on_data(data)
            if self.time in (at("15:49"), at("15:51")):
                self.tickets[f"{self.time:%H:%M}"] = self.market_on_close_order(self.spy, 1)

    try:
        algorithm, outcome = run_algorithm(Buffer, data=LEAN_DATA)
    finally:
        MarketOnCloseOrder.submission_time_buffer = (
            MarketOnCloseOrder.DEFAULT_SUBMISSION_TIME_BUFFER
        )

    assert outcome.runtime_error is None
    tickets = algorithm.tickets
    assert tickets["15:49"].status == OrderStatus.FILLED
    assert tickets["15:51"].status == OrderStatus.INVALID
    assert (
        "within 00:10:00 before market close"
        in tickets["15:51"].submit_request.response.error_message
    )
    assert tickets["17:00"].status == OrderStatus.FILLED
    fill_times = [time for time, event in algorithm.events]
    assert fill_times == [at("16:00"), at("16:00", "2013-10-08")]


# -- consolidators, indicators and warm-up on minute data -----------------------------------


@needs_sample
def test_minute_bars_consolidate_into_any_period_and_into_the_sessions_daily_bar():
    class Consolidating(_Week):
        def initialize(self) -> None:
            super().initialize()
            self.half_hours, self.days = [], []
            self.consolidate(self.spy, dt.timedelta(minutes=30), self.half_hours.append)
            self.consolidate(self.spy, Resolution.DAILY, self.days.append)
            self.ema_minute = self.ema(self.spy, 10)
            self.sma_daily = self.sma(self.spy, 2, Resolution.DAILY)

    algorithm, outcome = run_algorithm(Consolidating, data=LEAN_DATA)

    assert outcome.runtime_error is None
    first = algorithm.half_hours[0]
    assert (first.time, first.end_time) == (at("09:30"), at("10:00"))
    minutes = [data.bars[algorithm.spy] for time, data in algorithm.seen if time <= at("10:00")]
    assert first.open == minutes[0].open and first.close == minutes[-1].close
    assert first.high == max(bar.high for bar in minutes)
    assert first.volume == sum(bar.volume for bar in minutes)
    day = algorithm.days[0]
    assert (day.time, day.end_time) == (at("09:30"), at("16:00"))
    assert len(algorithm.days) == 5
    closes = [day.close for day in algorithm.days]
    assert algorithm.sma_daily.current.value == pytest.approx(sum(closes[-2:]) / 2)
    assert algorithm.ema_minute.name == "EMA(10,SPY_min)"
    assert algorithm.sma_daily.name == "SMA(2,SPY_day)"
    assert algorithm.ema_minute.samples == 5 * 390


@needs_sample
def test_a_consolidator_finer_than_the_data_is_refused():
    class TooFine(_Week):
        resolution = Resolution.HOUR

        def initialize(self) -> None:
            super().initialize()
            self.consolidate(self.spy, dt.timedelta(minutes=30), lambda bar: None)

    _, outcome = run_algorithm(TooFine, data=LEAN_DATA)

    assert "registered for Hour data" in outcome.runtime_error


@needs_sample
def test_on_warmup_finished_runs_once_with_or_without_a_warm_up():
    class WarmUp(_Week):
        warm_up = None

        def initialize(self) -> None:
            super().initialize()
            self.calls = []
            if self.warm_up is not None:
                self.set_warmup(self.warm_up, Resolution.MINUTE)

        def on_warmup_finished(self) -> None:
            self.calls.append((self.time, self.is_warming_up))

        def on_data(self, data: Slice) -> None:
            if self.is_warming_up:
                self.warming = getattr(self, "warming", 0) + 1
            super().on_data(data)

    class WithWarmUp(WarmUp):
        warm_up = 400  # minute bars: two sessions back

    without, outcome = run_algorithm(WarmUp, data=LEAN_DATA)
    assert outcome.runtime_error is None
    assert without.calls == [(dt.datetime(2013, 10, 7), False)]

    with_warm_up, outcome = run_algorithm(WithWarmUp, data=LEAN_DATA)
    assert outcome.runtime_error is None
    assert len(with_warm_up.calls) == 1 and with_warm_up.calls[0][1] is False
    assert with_warm_up.warming > 0


@needs_sample
def test_a_long_positions_unrealized_profit_is_what_selling_at_the_bid_would_make():
    class Long(_Week):
        def on_data(self, data: Slice) -> None:
            super().on_data(data)
            if len(self.seen) == 1:
                self.market_order(self.spy, 100)
            elif not hasattr(self, "expected") and (
                data.quote_bars[self.spy].bid.close != data.bars[self.spy].close
            ):
                quote = data.quote_bars[self.spy]
                holding = self.portfolio[self.spy]
                # LEAN's TotalCloseProfit: sold at the bid, less the closing order's fee (IB's
                # $1 minimum for 100 shares).
                self.expected = (quote.bid.close - holding.average_price) * 100 - 1.0
                self.unrealized = holding.unrealized_profit
                self.at_last_trade = (data.bars[self.spy].close - holding.average_price) * 100

    algorithm, outcome = run_algorithm(Long, data=LEAN_DATA)

    assert outcome.runtime_error is None
    assert algorithm.unrealized == pytest.approx(algorithm.expected)
    assert algorithm.unrealized != pytest.approx(algorithm.at_last_trade)


def test_a_trailing_stop_sale_is_priced_from_the_bid_side_of_the_quote_bar():
    prices = IntradayPrices(MINUTE, False, UsEquityExchangeHours())
    trade = TradeBar(SPY, at("10:00"), at("10:01"), 10.0, 10.2, 9.95, 10.1, 1000)
    bid = Bar(9.9, 9.95, 9.7, 9.8)  # the bid fell through the stop; the trades did not
    quote = QuoteBar(SPY, at("10:00"), at("10:01"), bid, 5, Bar(10.1, 10.3, 10.0, 10.2), 5)
    prices.update(trade, quote)
    request = SubmitOrderRequest(
        OrderType.TRAILING_STOP,
        SecurityType.EQUITY,
        SPY,
        -10,
        9.9,
        0,
        0,  # trigger price
        0.5,  # trailing amount
        False,
        to_utc(at("09:59")),
        "",
    )
    order = create_order(request, 1, request.time, 10.0)

    fill = IntradayFillModel().fill(order, prices, at("16:00"), now=at("10:01"))

    assert fill is not None and fill.price == min(9.9, bid.close)
    assert trade.low > 9.9  # the trade bar alone would not have filled it


def test_a_limit_if_touched_sale_touches_on_the_trades_and_fills_at_the_bid():
    prices = IntradayPrices(MINUTE, False, UsEquityExchangeHours())
    trade = TradeBar(SPY, at("10:00"), at("10:01"), 10.0, 10.6, 9.95, 10.1, 1000)
    bid = Bar(10.3, 10.45, 10.25, 10.4)
    quote = QuoteBar(SPY, at("10:00"), at("10:01"), bid, 5, Bar(10.4, 10.5, 10.3, 10.45), 5)
    prices.update(trade, quote)

    def order_with(limit_price: float):
        request = SubmitOrderRequest(
            OrderType.LIMIT_IF_TOUCHED, SecurityType.EQUITY, SPY, -10, 0, limit_price, 10.5,
            to_utc(at("09:59")), "",
        )  # fmt: skip
        return create_order(request, 1, request.time, 10.0)

    # LEAN's LimitIfTouchedFill: the trade bar's high touched the trigger (10.5); the current
    # bid (10.4), not the trade close (10.1), is the price the limit is checked against
    fill = IntradayFillModel().fill(order_with(10.2), prices, at("16:00"), now=at("10:01"))
    assert fill is not None and fill.price == bid.close
    armed = order_with(10.45)
    assert IntradayFillModel().fill(armed, prices, at("16:00"), now=at("10:01")) is None
    assert armed.trigger_touched  # it stays armed for the next bars
