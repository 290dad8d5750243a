"""LEAN's statistics: the samples its results handler takes, its formulas checked against the
numbers of LEAN's own statistics tests (Tests/Common/Statistics), and .NET's rounding and
printing."""

import datetime
import math
import random
import zipfile
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from local_lean.statistics import (
    PortfolioStatistics,
    annual_performance,
    closing_profit_loss,
    compute_portfolio_statistics,
    compute_statistics,
    decimal_from_double,
    drawdown_metrics,
    format_decimal,
    format_double,
    format_money,
    format_statistics,
    lean_samples,
    observed_sharpe_ratio,
    portfolio_statistics,
    probabilistic_sharpe_ratio,
    sample_kurtosis,
    sample_skewness,
    tracking_error,
)

LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
needs_lean_data = pytest.mark.skipif(
    not (LEAN_DATA / "equity" / "usa" / "daily" / "spy.zip").exists(),
    reason="LEAN's sample data folder is absent",
)

UTC = datetime.UTC


class ConstantRate:
    """A constant risk-free rate (LEAN's ``ConstantRiskFreeRateInterestRateModel``)."""

    def __init__(self, rate: str) -> None:
        self.rate = Decimal(rate)

    def average_rate(self, days):
        return self.rate


def _same_decimal(actual: Decimal, expected: str, digits: int = 25) -> bool:
    """Equal to ``digits`` significant digits: .NET's decimal keeps up to 29 significant digits
    (a 96-bit integer), this context 28, so the last digits of a long quotient can differ."""
    expected_value = Decimal(expected)
    scale = Decimal(1).scaleb(expected_value.adjusted() - digits)
    return abs(actual - expected_value) <= scale


# --- PortfolioStatisticsTests ---------------------------------------------------------------

# An option bought for 8000 expires worthless, then SPY gains 10800 (LEAN's test trades).
_OPTION_TRADES = [
    (datetime.datetime(2015, 8, 6, 15, 50), Decimal(-8000)),
    (datetime.datetime(2015, 8, 6, 16, 0), Decimal(10800)),
]


def _option_assignment_statistics(performance, benchmark, days_per_year=252, win=True):
    return portfolio_statistics(
        profit_loss=_OPTION_TRADES,
        equity=[],
        portfolio_turnover=[],
        performance=performance,
        benchmark=benchmark,
        starting_capital=Decimal(100000),
        risk_free_rate=ConstantRate("0"),  # no equity dates: LEAN averages no rates to 0
        trading_days_per_year=days_per_year,
        win_count=2 if win else 1,
        loss_count=0 if win else 1,
    )


@pytest.mark.parametrize("win", [True, False])
def test_win_and_loss_rates_as_leans_option_assignment_test(win):
    stats = _option_assignment_statistics([0.0, 0.0], [0.0, 0.0], win=win)

    assert stats.win_rate == (Decimal(1) if win else Decimal("0.5"))
    assert stats.loss_rate == (Decimal(0) if win else Decimal("0.5"))
    assert _same_decimal(stats.average_win_rate, "0.1173913043478260869565217391")
    assert stats.average_loss_rate == Decimal("-0.08")
    assert _same_decimal(stats.profit_loss_ratio, "1.4673913043478260869565217388")


@pytest.mark.parametrize(
    ("days_per_year", "variance", "deviation", "sharpe", "tracking", "psr"),
    [
        (202, "0.00589787137120101", "0.0767976000354244", "-3.0952570635188",
         "0.167632655086644", "0.252197874915608"),
        (252, "0.00735774052248839", "0.0857772727620108", "-3.3486737318423",
         "0.187233350684845", "0.257146306116665"),
        (365, "0.0106570448043979", "0.103232963748978", "-3.75507953923657",
         "0.225335372429895", "0.264390639112978"),
    ],
)  # fmt: skip
def test_portfolio_statistics_equal_leans_for_each_trading_days_per_year(
    days_per_year, variance, deviation, sharpe, tracking, psr
):
    performance = [-0.009025132, 0.003653969, 0, 0]
    benchmark = [
        -0.011587791300935783,
        0.00054375782787618543,
        0.022165997700413956,
        0.006263266301918822,
    ]
    stats = _option_assignment_statistics(performance, benchmark, days_per_year)

    # The doubles became decimals with 15 significant digits, so these are exact.
    assert stats.annual_variance == Decimal(variance)
    assert stats.annual_standard_deviation == Decimal(deviation)
    assert stats.sharpe_ratio == Decimal(sharpe)
    assert stats.tracking_error == Decimal(tracking)
    assert stats.probabilistic_sharpe_ratio == Decimal(psr)


def test_below_two_samples_only_equity_and_turnover_are_set():
    time = datetime.datetime(2021, 1, 4, 21, tzinfo=UTC)
    stats = portfolio_statistics(
        profit_loss=_OPTION_TRADES,
        equity=[(time, Decimal(100)), (time + datetime.timedelta(days=1), Decimal(90))],
        portfolio_turnover=[(time, Decimal("0.5")), (time, Decimal("0.25"))],
        performance=[0.01],
        benchmark=[0.01, 0.02],
        starting_capital=Decimal(100),
        risk_free_rate=ConstantRate("0.01"),
    )

    assert (stats.start_equity, stats.end_equity) == (Decimal(100), Decimal(90))
    assert stats.portfolio_turnover == Decimal("0.375")
    assert stats.total_net_profit == stats.drawdown == stats.sharpe_ratio == stats.win_rate == 0


def test_a_risk_free_rate_above_the_return_turns_sharpe_and_psr_down():
    # LEAN's SharpeRatioAndProbabilisticSharpeRatioStayConsistent, with a fixed series.
    draws = random.Random(42)
    performance = [0.00018 + 0.00016 * draws.gauss() for _ in range(500)]
    start = datetime.datetime(2023, 1, 1, tzinfo=UTC)
    equity = [(start + datetime.timedelta(days=day), Decimal(1_000_000)) for day in range(500)]

    def build(rate):
        return portfolio_statistics(
            profit_loss=[],
            equity=equity,
            portfolio_turnover=[],
            performance=performance,
            benchmark=performance,
            starting_capital=Decimal(1_000_000),
            risk_free_rate=ConstantRate(rate),
        )

    gross, excess = build("0"), build("0.068")
    assert gross.sharpe_ratio > 0 and gross.probabilistic_sharpe_ratio > Decimal("0.5")
    assert excess.sharpe_ratio < 0 and excess.probabilistic_sharpe_ratio < Decimal("0.1")


# --- DrawdownRecoveryTests --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "recovery"),
    [
        ([100, 90, 100], 2),
        ([100, 90, 95, 100], 3),
        ([100, 90, 100, 90, 100], 2),
        ([100, 90, 100, 90, 80, 100], 3),
        ([100, 90, 95, 90, 100], 4),
        ([100, 90, 80, 70], 0),
        ([100, 90, 95, 90], 0),
        ([50, 100, 98, 99, 100], 3),
        ([100, 100, 100], 0),
        ([100], 0),
        ([], 0),
        ([100, 98, 100, 101, 100, 99], 2),
        ([100, 97, 99, 97, 100], 4),
    ],
)
def test_drawdown_recovery_equals_leans_cases(values, recovery):
    start = datetime.datetime(2025, 1, 1)
    equity = [(start + datetime.timedelta(days=i), Decimal(v)) for i, v in enumerate(values)]

    assert drawdown_metrics(equity)[1] == recovery


def test_drawdown_is_rounded_to_three_decimals_of_a_fraction_and_keeps_its_scale():
    start = datetime.datetime(2025, 1, 1)
    equity = [(start, Decimal(100000)), (start + datetime.timedelta(days=1), Decimal(99200))]

    drawdown, recovery = drawdown_metrics(equity)

    assert format_decimal(drawdown) == "0.008" and recovery == 0


def test_recovery_counts_whole_days_between_exact_sample_times():
    # Peak at midnight, back at the high at 16:00 three days later: 3.67 days, printed as 3.
    start = datetime.datetime(2025, 1, 1)
    equity = [
        (start, Decimal(100)),
        (start + datetime.timedelta(hours=16), Decimal(95)),
        (start + datetime.timedelta(days=3, hours=16), Decimal(100)),
    ]

    assert drawdown_metrics(equity)[1] == 3


# --- ProbabilisticSharpeRatioTests, TrackingErrorTests, AnnualPerformanceTests ---------------


def test_probabilistic_sharpe_ratio_equals_leans_cases():
    good = [0.01, 0.02, 0.01, 0, 0, 3]
    bad = [0, 0, 0, -0.1, 0, 0.01, 0]

    assert probabilistic_sharpe_ratio(good, observed_sharpe_ratio(good)) == pytest.approx(0.5)
    beats = probabilistic_sharpe_ratio(good, observed_sharpe_ratio(bad))
    loses = probabilistic_sharpe_ratio(bad, observed_sharpe_ratio(good))
    assert beats == pytest.approx(1, abs=1e-3) and loses == pytest.approx(0, abs=1e-3)
    assert probabilistic_sharpe_ratio([0, 0, 0], observed_sharpe_ratio([0, 0, 0])) == 0
    # A flat equity (no trades, 40 samples): LEAN's skewness is NaN, so its PSR prints 0%
    # (IndicatorHistoryAlgorithm publishes "0%").
    assert probabilistic_sharpe_ratio([0.0] * 40, 1 / math.sqrt(252)) == 0
    gross = probabilistic_sharpe_ratio(good, 1 / math.sqrt(252))
    excess = probabilistic_sharpe_ratio(good, 1 / math.sqrt(252), 0.6)
    assert gross > 0.5 > excess
    assert observed_sharpe_ratio([0.02, 0.04], 0.03) == pytest.approx(0, abs=1e-12)


def test_skewness_and_kurtosis_are_mathnets_unbiased_estimators():
    # one change among four: skewness 2, excess kurtosis 4 (closed form)
    assert sample_skewness([0, 0, 1, 0]) == pytest.approx(2)
    assert sample_kurtosis([0, 0, 1, 0]) == pytest.approx(4)
    generator = random.Random(7)
    values = [generator.gauss(0, 1) for _ in range(50)]
    assert sample_skewness(values) == pytest.approx(pd.Series(values).skew(), abs=1e-12)
    assert sample_kurtosis(values) == pytest.approx(pd.Series(values).kurt(), abs=1e-12)
    # undefined below three (skewness) and four (kurtosis) values, or without variance
    assert math.isnan(sample_skewness([1, 2])) and math.isnan(sample_kurtosis([1, 2, 3]))
    assert math.isnan(sample_skewness([5] * 6)) and math.isnan(sample_kurtosis([5] * 6))


def test_kurtosis_of_small_daily_changes_is_not_taken_for_zero():
    # a day of +0.023% among flat days: pandas' kurt calls the squared variance (under 1e-14)
    # zero and gives 0; MathNet, and so LEAN, gives the scale-free value 4
    small = [0, 0, 0.0002322251, 0]
    assert sample_kurtosis(small) == pytest.approx(4)
    # so the PSR depends on the changes relative to the rate only, not on their scale
    # (LEAN's TrailingStopOrderRegressionAlgorithm publishes 66.249% for these changes at
    # a 0.75% yearly rate)
    rate = 0.0075 / 252
    scaled = [value * 1e4 for value in small]
    benchmark = 1 / math.sqrt(252)  # a Sharpe ratio: scale-free
    psr = probabilistic_sharpe_ratio(small, benchmark, rate)
    assert psr == pytest.approx(
        probabilistic_sharpe_ratio(scaled, benchmark, rate * 1e4), abs=1e-12
    )
    assert round(psr * 100, 3) == 66.249


def test_tracking_error_equals_leans_cases():
    assert tracking_error([0.5] * 252, [0.5] * 252, 252) == 0
    assert tracking_error([-350.0] * 252, [-175.0] * 252, 252) == 0
    assert tracking_error([0.0] * 252, [0.0] * 252, 252) == 0
    assert tracking_error([0.1, 0.2], [0.1], 252) == 0  # unequal lengths


def test_annual_performance_equals_leans_cases():
    assert annual_performance([0.5] * 176 + [1.5] * 176, 4) == 15.0
    assert annual_performance([0.0] * 252, 252) == 0.0


def _daily_closes(ticker: str) -> list[tuple[datetime.date, Decimal]]:
    """Raw closes of LEAN's daily zip (prices are integers scaled by 10,000)."""
    with zipfile.ZipFile(LEAN_DATA / "equity" / "usa" / "daily" / f"{ticker}.zip") as archive:
        text = archive.read(f"{ticker}.csv").decode()
    rows = [line.split(",") for line in text.splitlines() if line.strip()]
    return [
        (datetime.datetime.strptime(row[0], "%Y%m%d %H:%M").date(), Decimal(row[4]) / 10000)
        for row in rows
    ]


def _daily_changes(closes, start=None, end=None):
    """Close-to-close changes of the bars whose end (the next midnight, as LEAN's test parses
    them) lies between ``start`` and ``end``."""
    changes = []
    for (_, previous), (day, close) in zip(closes, closes[1:], strict=False):
        bar_end = day + datetime.timedelta(days=1)
        if (start and bar_end < start) or (end and bar_end > end):
            continue
        changes.append(float(close / previous - 1))
    return changes


@needs_lean_data
def test_annual_performance_of_spy_equals_leans_test():
    spy = _daily_closes("spy")

    assert annual_performance(_daily_changes(spy), 252) == pytest.approx(0.082859685889996371)
    bear = _daily_changes(spy, datetime.date(2008, 5, 1), datetime.date(2009, 1, 1))
    assert annual_performance(bear, 252) == pytest.approx(-0.41546561808009674)
    bull = _daily_changes(spy, datetime.date(2017, 1, 1), datetime.date(2018, 1, 1))
    assert annual_performance(bull, 252) == pytest.approx(0.19741738320179447)


@needs_lean_data
def test_tracking_error_of_aapl_against_spy_equals_leans_test():
    spy, aapl = _daily_changes(_daily_closes("spy")), _daily_changes(_daily_closes("aapl"))

    assert tracking_error(aapl[:252], spy[:252], 252) == pytest.approx(0.52780899407691173)


# --- LEAN's samples ---------------------------------------------------------------------------


def _closes(*days_and_values):
    index = pd.DatetimeIndex(
        [pd.Timestamp(day) + pd.Timedelta(hours=16) for day, _ in days_and_values]
    )
    return pd.Series([value for _, value in days_and_values], index=index, dtype=float)


def test_samples_are_taken_every_calendar_midnight_and_at_the_last_close():
    # Thursday to Tuesday: the weekend's midnights repeat Friday's close.
    equity = _closes(("2021-01-07", 100_500), ("2021-01-08", 101_000), ("2021-01-11", 99_990))
    benchmark = _closes(("2021-01-07", 380), ("2021-01-08", 381.5), ("2021-01-11", 379.123456))

    samples = lean_samples(
        equity,
        benchmark,
        [],
        initial_cash=100_000,
        start=datetime.date(2021, 1, 7),
        end=datetime.date(2021, 1, 11),
    )

    new_york_midnights = ["2021-01-07", "2021-01-08", "2021-01-09", "2021-01-10", "2021-01-11"]
    times = [pd.Timestamp(day, tz="America/New_York") for day in new_york_midnights]
    times.append(pd.Timestamp("2021-01-11 16:00", tz="America/New_York"))
    assert [pd.Timestamp(t) for t, _ in samples.performance] == times
    assert [str(v) for _, v in samples.benchmark] == [
        "0",
        "380",
        "381.5",
        "381.5",
        "381.5",
        "379.1235",
    ]
    # Percent change from the previous sample, rounded to 10 decimals, then kept as LEAN's
    # ChartPoint keeps it (7 significant digits: 0.4975124378 is 0.4975124); day 0 is 0.
    assert [str(v) for _, v in samples.performance] == ["0", "0.5", "0.4975124", "0", "0", "-1"]
    # The equity series also has a point at each close.
    assert len(samples.equity) == 5 + 3 and samples.equity[-1][1] == Decimal("99990.0000")


def test_turnover_is_sampled_from_the_second_sample_on_with_the_value_traded_since():
    equity = _closes(("2021-01-04", 100_000), ("2021-01-05", 100_000), ("2021-01-06", 100_000))
    order = {
        "id": 1,
        "symbol": "SPY",
        "quantity": 100,
        "fill_price": 400.0,
        "fill_time": datetime.datetime(2021, 1, 5, 16),
        "fee": 1.0,
        "status": "filled",
    }

    samples = lean_samples(
        equity,
        None,
        [order],
        initial_cash=100_000,
        start=datetime.date(2021, 1, 4),
        end=datetime.date(2021, 1, 6),
    )

    # Midnights of the 5th and 6th, then the last close; the fill shows at the 6th's midnight.
    assert [str(v) for _, v in samples.portfolio_turnover] == ["0", "0.4", "0"]


def test_performance_and_turnover_samples_keep_leans_chart_point_rounding():
    # LEAN's ChartPoint setter keeps SmartRounding(y), and the statistics read the daily
    # performance and turnover from those points: 7 significant digits. The closes are
    # BasicTemplateAlgorithm's first three (688 SPY bought at 144.78172417 on the first day).
    equity = _closes(
        ("2013-10-07", 99_978.714106976),
        ("2013-10-08", 98_824.679691424),
        ("2013-10-09", 98_878.217370496),
    )
    order = {"id": 1, "symbol": "SPY", "quantity": 688, "fill_price": 144.78172417,
             "fill_time": datetime.datetime(2013, 10, 7, 9, 31), "fee": 3.44,
             "status": "filled"}  # fmt: skip

    samples = lean_samples(
        equity,
        None,
        [order],
        initial_cash=100_000,
        start=datetime.date(2013, 10, 7),
        end=datetime.date(2013, 10, 9),
    )

    # Unrounded: -0.0212858930, -1.1542801144, 0.0541744018 (percent).
    assert [str(v) for _, v in samples.performance] == ["0", "-0.02128589", "-1.15428", "0.0541744"]
    # 99609.82622896 traded / 99978.714106976 = 0.99631033584...: 7 digits kept.
    assert [str(v) for _, v in samples.portfolio_turnover] == ["0.9963103", "0", "0"]


def test_closes_within_the_resample_period_add_no_equity_point():
    # Twelve years: LEAN spaces equity points by the span / 4000 (26.3 hours here), so a close
    # a day after the last point gets none; the midnight samples still carry its value.
    equity = _closes(
        ("2004-01-02", 100_000),
        ("2004-01-05", 100_100),
        ("2004-01-06", 100_200),
        ("2004-01-07", 100_300),
    )

    samples = lean_samples(
        equity,
        None,
        [],
        initial_cash=100_000,
        start=datetime.date(2004, 1, 1),
        end=datetime.date(2016, 1, 1),
    )

    times = {pd.Timestamp(time).tz_convert("America/New_York") for time, _ in samples.equity}
    closes = [pd.Timestamp(f"2004-01-0{day} 16:00", tz="America/New_York") for day in (5, 6, 7)]
    assert closes[0] in times and closes[1] not in times and closes[2] in times
    midnight = pd.Timestamp("2004-01-07 00:00", tz="America/New_York")
    assert dict(samples.equity)[midnight.tz_convert("UTC").to_pydatetime()] == Decimal("100200")


class RecordingRate:
    """A risk-free model that records the dates LEAN's statistics ask it to average."""

    def __init__(self) -> None:
        self.days: list[datetime.date] = []

    def average_rate(self, days):
        self.days = list(days)
        return Decimal(0)


def test_the_risk_free_rate_is_averaged_over_every_equity_point_by_its_utc_date():
    # PortfolioStatistics: GetAverageRiskFreeRate(equity.Select(x => x.Key)) takes one rate per
    # "Strategy Equity" point (its UTC date), so a session day with a midnight sample and a
    # close point counts twice. The first point is the day-0 sample at the start date's
    # midnight, kept even when that day is a holiday (2015-01-01); a 3-year backtest spaces
    # equity points 6.6 hours apart, so each close gets one.
    equity = _closes(("2015-01-02", 100_000), ("2015-01-05", 100_500), ("2015-01-06", 101_000))
    rate = RecordingRate()

    compute_portfolio_statistics(
        equity,
        equity,
        [],
        initial_cash=100_000,
        start=datetime.date(2015, 1, 1),
        end=datetime.date(2018, 1, 1),
        risk_free_rate=rate,
    )

    day = datetime.date
    midnights = [day(2015, 1, d) for d in range(1, 7)]  # Thursday 1st (holiday) to Tuesday 6th
    closes = [day(2015, 1, 2), day(2015, 1, 5), day(2015, 1, 6)]
    assert rate.days == sorted(midnights + closes)


# --- the whole chain and the printed strings --------------------------------------------------


def test_basic_template_daily_curve_gives_leans_published_statistics():
    # LEAN's BasicTemplateDailyAlgorithm: 697 SPY bought at the 2013-10-09 open, equity and SPY
    # closes as the runner records them.
    days = ["2013-10-08", "2013-10-09", "2013-10-10", "2013-10-11", "2013-10-14", "2013-10-15",
            "2013-10-16", "2013-10-17"]  # fmt: skip
    values = [100000.0, 99845.853815, 102057.560011, 102696.363436, 103142.320544,
              102346.829487, 103750.991731, 104486.218314]  # fmt: skip
    spy = [143.07841, 143.156226, 146.329406, 147.24591, 147.885734, 146.744427, 148.759007,
           149.813851]  # fmt: skip
    order = {
        "id": 1,
        "symbol": "SPY",
        "time": datetime.datetime(2013, 10, 8, 16),
        "quantity": 697.0,
        "fill_price": 143.372382812,
        "fill_time": datetime.datetime(2013, 10, 9, 16),
        "fee": 3.485,
        "status": "filled",
    }

    statistics = compute_statistics(
        _closes(*zip(days, values, strict=True)),
        _closes(*zip(days, spy, strict=True)),
        [order],
        initial_cash=100000,
        start=datetime.date(2013, 10, 8),
        end=datetime.date(2013, 10, 17),
    )

    assert statistics == {
        "Total Orders": "1",
        "Average Win": "0%",
        "Average Loss": "0%",
        "Compounding Annual Return": "424.375%",
        "Drawdown": "0.800%",
        "Expectancy": "0",
        "Start Equity": "100000",
        "End Equity": "104486.22",
        "Net Profit": "4.486%",
        "Sharpe Ratio": "17.304",
        "Sortino Ratio": "35.217",
        "Probabilistic Sharpe Ratio": "96.710%",
        "Loss Rate": "0%",
        "Win Rate": "0%",
        "Profit-Loss Ratio": "0",
        "Alpha": "-0.249",
        "Beta": "1.015",
        "Annual Standard Deviation": "0.141",
        "Annual Variance": "0.02",
        "Information Ratio": "-19",
        "Tracking Error": "0.011",
        "Treynor Ratio": "2.403",
        "Total Fees": "$3.49",
        "Estimated Strategy Capacity": "$0",
        "Lowest Capacity Asset": "",
        "Portfolio Turnover": "10.01%",
        "Drawdown Recovery": "1",
    }


def test_a_round_trip_gives_trade_statistics_as_lean():
    equity = _closes(("2021-01-04", 100_000), ("2021-01-05", 100_990), ("2021-01-06", 100_980))
    buy = {"id": 1, "symbol": "SPY", "quantity": 100, "fill_price": 400.0, "fee": 1.0,
           "fill_time": datetime.datetime(2021, 1, 4, 16), "status": "filled"}  # fmt: skip
    sell = {"id": 2, "symbol": "SPY", "quantity": -100, "fill_price": 410.0, "fee": 1.0,
            "fill_time": datetime.datetime(2021, 1, 5, 16), "status": "filled"}  # fmt: skip

    statistics = compute_statistics(equity, None, [buy, sell], initial_cash=100_000)

    # One closing fill: (410 - 400) x 100 less twice its $1 fee = 998, a win of 0.998%.
    assert closing_profit_loss([buy, sell])[0][1] == Decimal("998.0")
    assert statistics["Win Rate"] == "100%" and statistics["Loss Rate"] == "0%"
    assert statistics["Average Win"] == "1.00%" and statistics["Average Loss"] == "0%"
    assert statistics["Profit-Loss Ratio"] == "0" and statistics["Expectancy"] == "0"
    assert statistics["Total Fees"] == "$2.00" and statistics["Total Orders"] == "2"


def test_closing_fills_are_measured_against_the_average_price_less_twice_the_fee():
    def fill(quantity, price, hour):
        return {"symbol": "SPY", "quantity": quantity, "fill_price": price, "fee": 1.0,
                "fill_time": datetime.datetime(2021, 1, 4, hour), "status": "filled"}  # fmt: skip

    # Buy 10 at 100 and 10 at 110 (average 105); sell 15 at 120; sell 10 at 90 (5 close, 5 open
    # short at 90); buy 5 at 80 closes the short.
    orders = [fill(10, 100.0, 9), fill(10, 110.0, 10), fill(-15, 120.0, 11),
              fill(-10, 90.0, 12), fill(5, 80.0, 13)]  # fmt: skip

    profits = [profit for _, profit in closing_profit_loss(orders)]

    assert profits == [Decimal(15 * 15 - 2), Decimal(-15 * 5 - 2), Decimal(10 * 5 - 2)]


def test_equity_points_drop_trailing_zeros_as_leans_smart_rounding():
    # LEAN's equity chart stores SmartRounding(TotalPortfolioValue): trailing zeros dropped,
    # then 4 decimals, so a value of 93054.5000 (prices x 0.0001) ends as "93054.5", as
    # RawDataRegressionAlgorithm publishes; a value with more decimals keeps 4 of them.
    fill = {"id": 1, "symbol": "SPY", "quantity": 10, "fill_price": 400.0, "fee": 1.0,
            "fill_time": datetime.datetime(2021, 1, 5, 16), "status": "filled"}  # fmt: skip
    whole = _closes(("2021-01-04", 100_000), ("2021-01-05", 104_000), ("2021-01-06", 104_000))
    half = _closes(("2021-01-04", 100_000), ("2021-01-05", 93_054.5), ("2021-01-06", 93_054.5))
    long = _closes(
        ("2021-01-04", 100_000), ("2021-01-05", 98_919.5987), ("2021-01-06", 98_919.5987)
    )

    assert compute_statistics(whole, None, [fill], initial_cash=100_000)["End Equity"] == "104000"
    assert compute_statistics(whole, None, [], initial_cash=100_000)["End Equity"] == "104000"
    assert compute_statistics(half, None, [fill], initial_cash=100_000)["End Equity"] == "93054.5"
    assert compute_statistics(long, None, [fill], initial_cash=100_000)["End Equity"] == "98919.60"


def test_rejected_and_canceled_orders_count_as_orders_but_not_as_fills():
    equity = _closes(("2021-01-04", 100_000), ("2021-01-05", 100_000), ("2021-01-06", 100_000))
    rejected = {"id": 1, "symbol": "SPY", "quantity": 1000, "fill_price": None, "fee": 0.0,
                "status": "invalid"}  # fmt: skip

    statistics = compute_statistics(equity, None, [rejected], initial_cash=100_000)

    assert statistics["Total Orders"] == "1" and statistics["Portfolio Turnover"] == "0%"


# --- .NET numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [(17.304, "17.304"), (-19.0, "-19"), (0.02, "0.02"), (-0.0, "-0"), (0.0, "0"),
     (1e15, "1E+15"), (1.5e-6, "1.5E-06")],
)  # fmt: skip
def test_doubles_print_as_dotnet_prints_them(value, text):
    assert format_double(value) == text


def test_decimals_keep_their_scale_and_money_rounds_halves_away_from_zero():
    assert format_decimal(Decimal("0.800")) == "0.800"
    assert format_decimal(Decimal("-0.000")) == "0.000"
    assert format_decimal(Decimal("1E+5")) == "100000"
    assert format_money(Decimal("3.485")) == "3.49"
    assert format_money(Decimal("2.5")) == "2.50"


def test_a_double_becomes_a_decimal_of_15_significant_digits():
    assert decimal_from_double(4.243749827732919) == Decimal("4.24374982773292")
    assert decimal_from_double(0.1) == Decimal("0.1")
    assert decimal_from_double(100.0) == Decimal("100")
    with pytest.raises(ValueError, match="decimal"):
        decimal_from_double(math.nan)


# --- bad input --------------------------------------------------------------------------------


def test_equity_must_be_a_series():
    with pytest.raises(TypeError, match="pandas Series"):
        compute_portfolio_statistics([1.0, 2.0], None, [], initial_cash=1.0)


def test_a_missing_equity_value_is_named_with_its_time():
    equity = _closes(("2021-01-04", 100_000), ("2021-01-05", math.nan))

    with pytest.raises(
        ValueError, match="equity has a value that is not a finite number at 2021-01-05"
    ):
        compute_statistics(equity, None, [], initial_cash=100_000)


def test_an_empty_curve_gives_zeros_and_the_starting_cash():
    statistics = compute_statistics(pd.Series([], dtype=float), None, [], initial_cash=50_000)

    assert statistics["Start Equity"] == "50000" and statistics["End Equity"] == "0"
    assert statistics["Sharpe Ratio"] == "0" and statistics["Net Profit"] == "0%"


def test_a_flat_equity_curve_has_no_probabilistic_sharpe_ratio():
    # MathNet's skewness of a constant series is NaN (pandas says 0): LEAN reports 0%.
    from local_lean.statistics import probabilistic_sharpe_ratio

    assert probabilistic_sharpe_ratio([0.0] * 5, 1 / 252**0.5) == 0.0


@pytest.mark.parametrize("name", ["Alpha", "Beta", "Sharpe Ratio", "Treynor Ratio"])
def test_a_small_negative_double_statistic_prints_negative_zero_as_lean(name):
    # StatisticsBuilder rounds these as doubles: Math.Round(-0.0001, 3) is -0, printed "-0"
    # (LEAN publishes "Alpha": "-0" and "Beta": "-0" for some of its regression algorithms)
    field = {"Alpha": "alpha", "Beta": "beta", "Sharpe Ratio": "sharpe_ratio"}.get(
        name, "treynor_ratio"
    )
    stats = PortfolioStatistics(**{field: Decimal("-0.0001")})

    printed = format_statistics(stats, total_orders=0, total_fees=Decimal(0))

    assert printed[name] == "-0"
    assert (
        format_statistics(
            PortfolioStatistics(**{field: Decimal("0.0001")}), total_orders=0, total_fees=Decimal(0)
        )[name]
        == "0"
    )
