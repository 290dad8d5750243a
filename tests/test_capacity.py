"""LEAN's strategy capacity estimate: the arithmetic on hand-made inputs, and LEAN's published
"Estimated Strategy Capacity" of daily regression algorithms, reproduced end to end."""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd
import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.capacity import (
    CapacityStatistics,
    Fill,
    capacity_over_time,
    estimate_capacity,
    fills_from_orders,
    format_capacity,
)
from local_lean.data import open_price_source
from local_lean.enums import Resolution

SHARED_LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
needs_shared_data = pytest.mark.skipif(
    not (SHARED_LEAN_DATA / "equity" / "usa" / "daily" / "spy.zip").is_file(),
    reason="LEAN's sample data (../shared/data/lean) is absent",
)

# The week of 2024-01-08 (Monday) to 2024-01-12 (Friday): five sessions closing at 16:00.
SESSIONS = pd.bdate_range("2024-01-08", "2024-01-12")
START, END = datetime.date(2024, 1, 8), datetime.date(2024, 1, 12)
IDS = {"AAA": "AAA 2T", "BBB": "BBB 2T"}


def bars(closes: list[float], volumes: list[float], days: pd.DatetimeIndex = SESSIONS):
    frame = pd.DataFrame({"open": closes, "high": closes, "low": closes, "close": closes})
    frame["volume"] = volumes
    frame.index = pd.DatetimeIndex(days, name="date")
    return frame


def values(amount: float = 10_000.0, days: pd.DatetimeIndex = SESSIONS) -> pd.Series:
    return pd.Series(amount, index=days + pd.Timedelta(hours=16), dtype="float64")


def fill(day: str, quantity: float, price: float = 100.0, symbol="AAA", order_id=1) -> Fill:
    # Orders placed after a close fill at the next session: the runner stamps them at the open.
    time = datetime.datetime.fromisoformat(day).replace(hour=9, minute=30)
    return Fill(symbol, time, quantity, price, order_id)


def estimate(fills, daily_bars, portfolio_values=None, **options) -> CapacityStatistics:
    options.setdefault("start_date", START)
    options.setdefault("end_date", END)
    options.setdefault("identifiers", IDS)
    if portfolio_values is None:
        portfolio_values = values()
    return estimate_capacity(fills, daily_bars, portfolio_values, **options)


def leans_final(snapshot: float, last: float) -> float:
    """The two forced snapshots at the end: 0.33 x new + 0.66 x previous, twice."""
    once = 0.33 * last + 0.66 * snapshot
    return 0.33 * last + 0.66 * once


# --- printing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "capacity, printed",
    [
        (1_180_160_000.0, "$1200000000.00"),  # BasicTemplateDailyAlgorithm's
        (950_800_000.0, "$950000000.00"),
        (0.0, "$0"),
        (499.99, "$0"),  # rounds to 0 thousand
        (500.0, "$1000.00"),  # half a thousand rounds away from zero
        (1_250_000_000.0, "$1200000000.00"),  # 2 significant digits: half to even
        (1_350_000_000.0, "$1400000000.00"),
        (1_250_500_000.0, "$1300000000.00"),
        (996_000.0, "$1000000.00"),
        (4_449.0, "$4000.00"),
    ],
)
def test_capacity_prints_as_lean_rounds_it(capacity, printed):
    assert format_capacity(capacity) == printed


def test_the_currency_symbol_is_the_accounts():
    assert format_capacity(12_345.0, "€") == "€12000.00"


# --- the arithmetic ---------------------------------------------------------------------------


def test_one_fill_hand_computed():
    # 10 shares at 100 on Tuesday; Tuesday's bar: close 100, volume 1,000,000. The snapshot
    # period is 4 days (start to end), so the snapshot is due Friday; the portfolio is 10,000.
    daily = {"AAA": bars([100.0] * 5, [1e6] * 5)}
    result = estimate([fill("2024-01-09", 10)], daily)
    per_trade = 100.0 * 1e6 * 0.05  # close x volume x LEAN's hour factor, one trade
    friday = per_trade / 1.0  # all of the period's sales were AAA's
    last = per_trade / (10 * 100.0 / 10_000.0)  # no sales since: 10% of the portfolio
    assert leans_final(friday, last) == pytest.approx(29_568_000.0)
    assert result == CapacityStatistics("$30000000.00", "AAA 2T")


def test_the_capacity_chart_has_each_snapshot_rounded_to_thousands():
    # The one-fill case above: Friday 10:00 (hourly step), then the two forced at the close.
    daily = {"AAA": bars([100.0] * 5, [1e6] * 5)}
    chart = capacity_over_time(
        [fill("2024-01-09", 10)], daily, values(), start_date=START, end_date=END
    )
    friday = pd.Timestamp("2024-01-12")
    assert list(chart.index) == [friday + pd.Timedelta(hours=h) for h in (10, 16, 16)]
    assert list(chart) == [5_000_000.0, 19_800_000.0, 29_568_000.0]


def test_a_fill_counts_at_its_sessions_close_whether_stamped_at_the_open_or_the_close():
    # LEAN fills daily-data orders when the session's bar arrives, at its close: a fill stamped
    # 09:30 (filled at the open) and one stamped 16:00 (LEAN's stamp) are the same event.
    daily = {"AAA": bars([100.0] * 5, [1e6, 1e6, 3e6, 1e6, 1e6])}
    at_open = fill("2024-01-09", 10)
    at_close = Fill("AAA", datetime.datetime(2024, 1, 9, 16), 10, 100.0, 1)
    assert estimate([at_open], daily) == estimate([at_close], daily)
    one_day_later = Fill("AAA", datetime.datetime(2024, 1, 9, 16, 1), 10, 100.0, 1)
    assert estimate([one_day_later], daily) != estimate([at_close], daily)


def test_nothing_traded_prints_zero_and_no_asset():
    assert estimate([], {"AAA": bars([100.0] * 5, [1e6] * 5)}) == ("$0", "")


def test_fills_in_one_step_are_discounted_as_fast_trading():
    # Two fills in the same step: the second comes 0 minutes after the first, so the bar's
    # volume counts at LEAN's minimum discount 0.2, shared by 2 trades.
    daily = {"AAA": bars([100.0] * 5, [1e6] * 5)}
    fills = [fill("2024-01-09", 10, order_id=1), fill("2024-01-09", 10, order_id=2)]
    per_trade = 100.0 * 1e6 * 0.2 * 0.05 / 2
    friday = per_trade / 1.0
    last = per_trade / (20 * 100.0 / 10_000.0)
    expected = format_capacity(leans_final(friday, last))
    assert estimate(fills, daily).estimated_strategy_capacity == expected == "$1600000.00"


def test_the_lowest_capacity_asset_is_the_one_with_the_least_dollar_volume():
    daily = {"AAA": bars([100.0] * 5, [1e6] * 5), "BBB": bars([50.0] * 5, [1e5] * 5)}
    fills = [fill("2024-01-09", 10), fill("2024-01-09", 20, price=50.0, symbol="BBB")]
    bbb = 50.0 * 1e5 * 0.05
    friday = bbb / 0.5  # BBB: 1,000 of the period's 2,000 of sales
    last = bbb / (20 * 50.0 / 10_000.0)
    result = estimate(fills, daily)
    assert result == CapacityStatistics(format_capacity(leans_final(friday, last)), "BBB 2T")


def test_a_fill_on_the_snapshot_day_falls_after_the_snapshot_with_hourly_steps():
    # 10 shares on Tuesday, 10 more on Friday, the snapshot day; Friday's volume is 4,000,000.
    # The end reprocesses Friday twice, so Friday's bar counts 1, 2, then 3 times.
    daily = {"AAA": bars([100.0] * 5, [1e6, 1e6, 1e6, 1e6, 4e6])}
    fills = [fill("2024-01-09", 10, order_id=1), fill("2024-01-12", 10, order_id=2)]
    tuesday, friday = 100.0 * 1e6 * 0.05, 100.0 * 4e6 * 0.05  # dollar volume x hour factor
    # LEAN's hourly benchmark steps: the snapshot is taken Friday 10:00, before Friday's fill
    # (only Tuesday's sales and bar); Friday's fill then starts a new period of one trade.
    snapshot = tuesday / 1
    first_forced = 0.33 * (2 * friday / 1) + 0.66 * snapshot  # Friday's sales are all AAA's
    hourly = 0.33 * (3 * friday / 1 / 0.2) + 0.66 * first_forced  # no sales: 20% held
    # Daily steps only: the snapshot is at Friday's close, after the fill (2 trades).
    snapshot = (tuesday + friday) / 2
    first_forced = 0.33 * ((tuesday + 2 * friday) / 2 / 0.2) + 0.66 * snapshot
    daily_only = 0.33 * ((tuesday + 3 * friday) / 2 / 0.2) + 0.66 * first_forced
    assert (format_capacity(hourly), format_capacity(daily_only)) == (
        "$110000000.00",
        "$84000000.00",
    )
    assert estimate(fills, daily).estimated_strategy_capacity == "$110000000.00"
    assert estimate(fills, daily, hourly_benchmark=False).estimated_strategy_capacity == (
        "$84000000.00"
    )


def test_a_security_neither_held_nor_traded_for_30_days_leaves_the_estimate():
    # AAA (thin) is bought and sold in January; BBB (liquid) is held from February. AAA is the
    # lowest-capacity asset until a snapshot 30 days after its last fill drops it.
    days = pd.bdate_range("2024-01-08", "2024-03-29")
    thin = bars([100.0] * len(days), [1e4] * len(days), days)
    liquid = bars([100.0] * len(days), [1e7] * len(days), days)
    fills = [
        fill("2024-01-09", 10, order_id=1),
        fill("2024-01-10", -10, order_id=2),
        fill("2024-02-01", 50, symbol="BBB", order_id=3),
    ]
    daily = {"AAA": thin, "BBB": liquid}
    february_5 = days[days <= "2024-02-05"]
    until_february_5 = estimate(
        fills,
        daily,
        values(days=february_5),
        start_date=days[0].date(),
        end_date=february_5[-1].date(),
    )
    assert until_february_5.lowest_capacity_asset == "AAA 2T"
    whole = estimate(
        fills, daily, values(days=days), start_date=days[0].date(), end_date=days[-1].date()
    )
    assert whole.lowest_capacity_asset == "BBB 2T"


def test_fills_from_a_backtest_record_keep_only_filled_orders():
    filled_at = datetime.datetime(2024, 1, 9, 9, 30)
    orders = [
        {
            "id": 1,
            "symbol": "AAA",
            "quantity": 10.0,
            "fill_price": 100.0,
            "fill_time": filled_at,
            "fee": 1.0,
            "status": "filled",
        },
        {
            "id": 2,
            "symbol": "AAA",
            "quantity": 5.0,
            "fill_price": None,
            "fill_time": None,
            "fee": 0.0,
            "status": "invalid",
        },
    ]
    assert fills_from_orders(orders) == [Fill("AAA", filled_at, 10.0, 100.0, 1)]
    orders[0]["fill_time"] = None
    with pytest.raises(ValueError, match="order 1 has no fill_time"):
        fills_from_orders(orders)


# --- bad input --------------------------------------------------------------------------------


def test_bad_input_is_named():
    daily = {"AAA": bars([100.0] * 5, [1e6] * 5)}
    with pytest.raises(ValueError, match="after the last session close"):
        estimate([fill("2024-01-15", 10)], daily)
    with pytest.raises(ValueError, match="BBB was traded .* no bars"):
        estimate([fill("2024-01-09", 10, symbol="BBB")], daily)
    with pytest.raises(ValueError, match="AAA was traded .* no SecurityIdentifier"):
        estimate([fill("2024-01-09", 10)], daily, identifiers={})
    with pytest.raises(ValueError, match="bad price or quantity"):
        estimate([fill("2024-01-09", 10, price=float("nan"))], daily)
    with pytest.raises(ValueError, match="end_date .* before start_date"):
        estimate([], daily, end_date=datetime.date(2024, 1, 1))
    with pytest.raises(ValueError, match="pandas Series indexed by session close times"):
        estimate([], daily, portfolio_values=pd.Series([1.0, 2.0]))
    with pytest.raises(ValueError, match="naive New York times"):
        estimate([], daily, portfolio_values=values().tz_localize("UTC"))
    with pytest.raises(ValueError, match="no value at 2024-01-10 16:00"):
        estimate([], daily, portfolio_values=values().where(values().index.day != 10))
    with pytest.raises(ValueError, match="close and volume columns"):
        estimate([fill("2024-01-09", 10)], {"AAA": daily["AAA"].drop(columns="volume")})


# --- LEAN's published values, end to end on LEAN's sample data ----------------------------------


def published_capacity(algorithm_class: type) -> CapacityStatistics:
    """Run the algorithm on LEAN's data and estimate as the results must: fills from the
    record, bars from the data, identifiers from the algorithm's securities."""
    algorithm, outcome = run_algorithm(algorithm_class, data=SHARED_LEAN_DATA)
    assert outcome.succeeded
    record = outcome.record
    fills = fills_from_orders(record.orders)
    source = open_price_source(SHARED_LEAN_DATA)
    identifiers = {s.value: str(s.id) for s in algorithm.securities}
    return estimate_capacity(
        fills,
        {ticker: source.daily_bars(ticker) for ticker in identifiers},
        record.equity,
        start_date=algorithm.start_date.date(),
        end_date=algorithm.end_date.date(),
        identifiers=identifiers,
    )


class BasicTemplateDaily(QCAlgorithm):
    """LEAN's BasicTemplateDailyAlgorithm: all in SPY on the first bar."""

    def initialize(self):
        self.set_start_date(2013, 10, 8)
        self.set_end_date(2013, 10, 17)
        self.set_cash(100000)
        self.add_equity("SPY", Resolution.DAILY)

    def on_data(self, data):
        if not self.portfolio.invested:
            self.set_holdings("SPY", 1)


class HundredSpyShares(QCAlgorithm):
    """LEAN's CustomBrokerageModelRegressionAlgorithm as far as fills go: 100 SPY on the first
    bar (its AIG order is refused by that algorithm's brokerage model and never fills)."""

    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.add_equity("SPY", Resolution.DAILY)

    def on_data(self, data):
        if not self.portfolio.invested:
            self.market_order("SPY", 100)


class ExponentialAverage:
    """LEAN's EMA: the mean of the first `period` values, then value x k + previous x (1 - k)."""

    def __init__(self, period: int) -> None:
        self.period, self.k = period, 2.0 / (period + 1)
        self.samples, self.first_values, self.value = 0, [], 0.0

    def update(self, value: float) -> bool:
        self.samples += 1
        if self.samples <= self.period:
            self.first_values.append(value)
        if self.samples == self.period:
            self.value = sum(self.first_values) / self.period
        elif self.samples > self.period:
            self.value = value * self.k + self.value * (1 - self.k)
        return self.samples >= self.period


class MacdTrend(QCAlgorithm):
    """LEAN's MACDTrendAlgorithm: MACD(12, 26, 9) of SPY's daily closes, in above +0.25% of the
    fast average, out below -0.25%, 2004 to 2015 (84 fills)."""

    def initialize(self):
        self.set_start_date(2004, 1, 1)
        self.set_end_date(2015, 1, 1)
        self.set_cash(100000)
        self.add_equity("SPY", Resolution.DAILY)
        self.fast, self.slow, self.signal = (ExponentialAverage(n) for n in (12, 26, 9))

    def on_data(self, data):
        if not data.bars.contains_key("SPY"):  # an ex-dividend date's midnight slice
            return
        close = data["SPY"].close
        fast_ready, slow_ready = self.fast.update(close), self.slow.update(close)
        macd = self.fast.value - self.slow.value
        if not (fast_ready and slow_ready and self.signal.update(macd)):
            return
        quantity = self.portfolio["SPY"].quantity
        delta = (macd - self.signal.value) / self.fast.value
        if quantity <= 0 and delta > 0.0025:
            self.set_holdings("SPY", 1.0)
        elif quantity >= 0 and delta < -0.0025:
            self.sell_signal()

    def sell_signal(self):
        self.liquidate("SPY")


class MacdLongShort(MacdTrend):
    """LEAN's ConvertToFrameworkAlgorithm as far as orders go: the same MACD, but short instead
    of flat (its insights go to the null portfolio model and trade nothing); 85 fills."""

    def sell_signal(self):
        self.set_holdings("SPY", -1.0)


class DisplacedRibbon(QCAlgorithm):
    """LEAN's DisplacedMovingAverageRibbon as it runs: its ribbon is SPY's close 5, 10, ... 30
    sessions ago (the registered indicators are the delays; the moving average never updates);
    in when the ribbon rises, out when it falls, 2009 to 2015 (7 fills)."""

    def initialize(self):
        self.set_start_date(2009, 1, 1)
        self.set_end_date(2015, 1, 1)
        self.add_equity("SPY", Resolution.DAILY)
        self.closes = []

    def on_data(self, data):
        if not data.bars.contains_key("SPY"):  # an ex-dividend date's midnight slice
            return
        self.closes.append(data["SPY"].close)
        if len(self.closes) <= 30:
            return
        ribbon = [self.closes[-1 - 5 * n] for n in range(1, 7)]
        pairs = list(zip(ribbon, ribbon[1:], strict=False))
        quantity = self.portfolio["SPY"].quantity
        if quantity <= 0 and all(newer >= older for newer, older in pairs):
            self.set_holdings("SPY", 1.0)
        elif quantity > 0 and all(newer <= older for newer, older in pairs):
            self.liquidate("SPY")


@needs_shared_data
@pytest.mark.parametrize(
    "algorithm_class, capacity",
    [
        (BasicTemplateDaily, "$1200000000.00"),
        (HundredSpyShares, "$5300000000.00"),
        (MacdTrend, "$950000000.00"),
        (MacdLongShort, "$1400000000.00"),
        (DisplacedRibbon, "$1100000000.00"),
    ],
)
def test_leans_published_capacity(algorithm_class, capacity):
    assert published_capacity(algorithm_class) == (capacity, "SPY R735QTJ8XC9X")
