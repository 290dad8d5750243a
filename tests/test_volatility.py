"""Volatility models as LEAN's Common/Securities/Volatility: what each computes from the bars it
is given, how a security feeds its model, warm-up with past bars, and clear errors."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from pathlib import Path

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import DataNormalizationMode, Resolution
from local_lean.errors import NotSupportedError
from local_lean.indicators import SimpleMovingAverage
from local_lean.market_data import TradeBar
from local_lean.securities import Security
from local_lean.symbols import equity_symbol
from local_lean.volatility import (
    BaseVolatilityModel,
    IndicatorVolatilityModel,
    RelativeStandardDeviationVolatilityModel,
    StandardDeviationOfReturnsVolatilityModel,
    VolatilityModel,
    VolatilityModelExtensions,
)

LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
SPY = equity_symbol("SPY")


def _bar(day: int, close: float) -> TradeBar:
    start = dt.datetime(2021, 1, day)
    return TradeBar(SPY, start, start.replace(hour=16), close, close, close, close, 1000)


def test_the_null_model_is_every_securitys_default():
    security = Security(SPY, Resolution.DAILY, True)
    assert security.volatility_model is VolatilityModel.NULL
    assert security.volatility_model.volatility == 0
    assert BaseVolatilityModel().get_history_requirements(security, dt.datetime(2021, 1, 1)) == []


def test_standard_deviation_of_returns_is_annualised_over_its_window():
    model = StandardDeviationOfReturnsVolatilityModel(3)
    closes = [100.0, 101.0, 99.0, 102.0, 103.0]
    for day, close in enumerate(closes, start=4):
        model.update(None, _bar(day, close))
    returns = [b / a - 1 for a, b in zip(closes, closes[1:], strict=False)][-3:]
    assert model.volatility == pytest.approx(statistics.stdev(returns) * math.sqrt(252))
    # A bar less than a day after the last update is ignored.
    model.update(
        None, TradeBar(SPY, dt.datetime(2021, 1, 8), dt.datetime(2021, 1, 8, 17), *[1] * 5)
    )
    assert model.volatility == pytest.approx(statistics.stdev(returns) * math.sqrt(252))


def test_standard_deviation_of_returns_takes_30_daily_periods_from_a_resolution():
    model = StandardDeviationOfReturnsVolatilityModel(Resolution.DAILY)
    security = Security(SPY, Resolution.DAILY, True)
    (request,) = model.get_history_requirements(security, dt.datetime(2021, 1, 1))
    assert request.bar_count == 31


def test_relative_standard_deviation_is_the_deviation_over_the_mean():
    model = RelativeStandardDeviationVolatilityModel(dt.timedelta(days=1), 3)
    for day, close in enumerate([10.0, 11.0, 12.0, 13.0], start=4):
        model.update(None, _bar(day, close))
    window = [11.0, 12.0, 13.0]
    assert model.volatility == pytest.approx(statistics.stdev(window) / statistics.fmean(window))


def test_an_indicator_model_reports_its_indicator_and_calls_the_update_function():
    sma = SimpleMovingAverage(2)
    seen = []

    def update(security, data, indicator):
        seen.append(data.close)
        indicator.update(data.end_time, data.close)

    model = IndicatorVolatilityModel(sma, update)
    model.update(None, _bar(4, 10.0))
    model.update(None, _bar(5, 20.0))
    assert seen == [10.0, 20.0] and model.volatility == 15.0


def test_bad_arguments_fail_with_the_problem_named():
    with pytest.raises(ValueError, match="greater than or equal to 2"):
        StandardDeviationOfReturnsVolatilityModel(1)
    with pytest.raises(NotSupportedError, match="Resolution.MINUTE"):
        StandardDeviationOfReturnsVolatilityModel(10, Resolution.MINUTE)
    with pytest.raises(TypeError, match="needs an indicator"):
        IndicatorVolatilityModel(42)
    with pytest.raises(TypeError, match="must be a function"):
        IndicatorVolatilityModel(SimpleMovingAverage(2), "update")
    with pytest.raises(TypeError, match="timedelta"):
        RelativeStandardDeviationVolatilityModel(5, 3)
    with pytest.raises(NotSupportedError, match="with the algorithm"):
        VolatilityModelExtensions.warm_up(VolatilityModel.NULL, object(), None, None, 5, None)
    security = Security(SPY, Resolution.DAILY, True)
    with pytest.raises(TypeError, match="volatility model"):
        security.set_volatility_model(object())


class WarmsUpItsModel(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2014, 6, 10)
        self.set_end_date(2014, 6, 11)
        self.aapl = self.add_equity(
            "AAPL", Resolution.DAILY, data_normalization_mode=DataNormalizationMode.RAW
        )
        self.returns_model = StandardDeviationOfReturnsVolatilityModel(5)
        self.aapl.set_volatility_model(self.returns_model)
        self.sma = SimpleMovingAverage(3)
        self.fed = []

        def feed(security, data, indicator):
            self.fed.append((data.time.date(), round(data.close, 4)))
            indicator.update(data.end_time, data.close)

        self.indicator_model = IndicatorVolatilityModel(self.sma, feed)

    def on_data(self, slice) -> None:
        if not self.fed:
            VolatilityModelExtensions.warm_up(
                self.indicator_model, self, self.aapl, Resolution.DAILY, 3,
                DataNormalizationMode.RAW,
            )  # fmt: skip
            self.volatility_after_start = self.returns_model.volatility


@pytest.mark.skipif(not (LEAN_DATA / "equity").is_dir(), reason="LEAN sample data absent")
def test_warm_up_feeds_the_last_bars_scaled_to_today_when_raw():
    algorithm, outcome = run_algorithm(WarmsUpItsModel, data=LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    # At the 2014-06-10 close: the bars of 06-06 (before the 7-for-1 split, scaled), 06-09 and
    # 06-10, raw.
    assert algorithm.fed[:3] == [
        (dt.date(2014, 6, 6), round(645.57 * 0.1428572, 4)),
        (dt.date(2014, 6, 9), 93.70),
        (dt.date(2014, 6, 10), 94.25),
    ]
    # The returns model was warmed up at the start (6 bars for 5 returns, scaled: the split is
    # no jump), then got the 06-10 bar.
    assert 0 < algorithm.volatility_after_start < 0.5
