"""Shortable providers and risk-free rate models as LEAN's: the shortable check of sell orders
with LEAN's message, and the algorithm's risk-free rate model feeding the statistics."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.data.auxiliary import use_data_source
from local_lean.data.lean_folder import LeanDataFolder
from local_lean.enums import OrderStatus, Resolution
from local_lean.models.interest_rates import (
    FuncRiskFreeRateInterestRateModel,
    InterestRateProvider,
    MarginInterestRateModel,
    MarginInterestRateParameters,
    ShortMarginInterestRateModel,
    statistics_rate_model,
)
from local_lean.models.shortable import LocalDiskShortableProvider, NullShortableProvider
from local_lean.orders import OrderResponseErrorCode
from local_lean.results import lean_statistics
from local_lean.securities import Security
from local_lean.symbols import equity_symbol


class FiftyShares(NullShortableProvider):
    def shortable_quantity(self, symbol, local_time):
        return 50


class Shorts(QCAlgorithm):
    """Sells `quantities` of SPY, one order a day, with a provider allowing 50 shares."""

    quantities = [-30]
    provider = FiftyShares()

    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 10)
        self.set_cash(100_000)
        self.spy = self.add_equity("SPY", Resolution.DAILY)
        if self.provider is not None:
            self.spy.set_shortable_provider(self.provider)
        self.plan = list(self.quantities)
        self.tickets = []
        self.checks = []

    def on_data(self, slice) -> None:
        if self.plan:
            self.checks.append((self.shortable("SPY", 30), self.shortable_quantity("SPY")))
            self.tickets.append(self.sell("SPY", abs(self.plan.pop(0))))


def run(**attributes):
    algorithm, outcome = run_algorithm(type("Run", (Shorts,), attributes))
    assert outcome.succeeded, outcome.runtime_error
    return algorithm, outcome


def test_sells_within_the_shortable_quantity_fill():
    algorithm, _ = run(quantities=[-30, -20])
    assert [t.status for t in algorithm.tickets] == [OrderStatus.FILLED, OrderStatus.FILLED]
    assert algorithm.portfolio["SPY"].quantity == -50
    assert algorithm.checks[0] == (True, 50)
    assert algorithm.checks[1] == (False, 50)  # 30 held short + 30 more would pass 50


def test_a_sell_past_the_shortable_quantity_is_invalid_with_leans_message():
    algorithm, outcome = run(quantities=[-30, -30])
    first, second = algorithm.tickets
    assert first.status == OrderStatus.FILLED
    assert second.status == OrderStatus.INVALID
    response = second.submit_request.response
    assert response.error_code == OrderResponseErrorCode.EXCEEDS_SHORTABLE_QUANTITY
    assert response.error_message == (
        "Order exceeds shortable quantity 50 for Symbol SPY requested -30)"
    )
    assert len(outcome.record.orders) == 2  # the refused order exists, as in LEAN


def test_without_a_provider_shorting_is_unlimited():
    algorithm, _ = run(quantities=[-100], provider=None)
    assert algorithm.tickets[0].status == OrderStatus.FILLED
    assert algorithm.checks == [(True, 0)]
    assert algorithm.spy.shortable_provider.fee_rate(algorithm.spy.symbol, None) == 0.0


class Holds(QCAlgorithm):
    """Holds SPY; `rate_model` (when given) is the risk-free rate model."""

    rate_model = None

    def initialize(self) -> None:
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 3, 31)
        self.set_cash(100_000)
        self.add_equity("SPY", Resolution.DAILY)
        if self.rate_model is not None:
            self.set_risk_free_interest_rate_model(self.rate_model)

    def on_data(self, slice) -> None:
        if not self.portfolio.invested:
            self.set_holdings("SPY", 1)


def sharpe(rate_model) -> float:
    _, outcome = run_algorithm(type("Run", (Holds,), {"rate_model": rate_model}))
    assert outcome.succeeded, outcome.runtime_error
    return float(lean_statistics(outcome.record)["Sharpe Ratio"])


def test_the_risk_free_rate_model_feeds_the_statistics():
    default = sharpe(None)
    assert sharpe(InterestRateProvider()) == default  # LEAN's default, set explicitly
    assert sharpe(FuncRiskFreeRateInterestRateModel(lambda time: 0.0)) != default
    high = sharpe(FuncRiskFreeRateInterestRateModel(lambda time: 0.5))
    assert high < default


def test_func_model_calls_the_function_with_a_datetime():
    seen = []
    model = FuncRiskFreeRateInterestRateModel(lambda time: seen.append(time) or 0.02)
    assert model.get_interest_rate(dt.date(2020, 5, 28)) == 0.02
    assert seen == [dt.datetime(2020, 5, 28)]
    averaged = statistics_rate_model(model).average_rate([dt.date(2020, 1, 1)] * 2)
    assert float(averaged) == pytest.approx(0.02)
    assert statistics_rate_model(None) is None


def test_bad_rate_models_fail_clearly():
    with pytest.raises(TypeError, match="function of a datetime"):
        FuncRiskFreeRateInterestRateModel(0.02)
    with pytest.raises(TypeError, match="get_interest_rate"):
        Holds().set_risk_free_interest_rate_model(0.02)
    wrong = statistics_rate_model(FuncRiskFreeRateInterestRateModel(lambda time: "2%"))
    with pytest.raises(TypeError, match="must return a number"):
        wrong.average_rate([dt.date(2020, 1, 2)])


# ----- LocalDiskShortableProvider (LEAN's ShortableProviderTests cases) ---------------------

LEAN_SHORTABLE_FILES = {
    # LEAN's Tests/TestData/equity/usa/shortable files
    "testbrokerage/symbols/aapl.csv": "20201221,2000\n20201222,4000\n",
    "testbrokerage/symbols/goog.csv": "20201221,5000\n20201222,10000\n",
    "testinteractivebrokers/symbols/aapl.csv": (
        "#DATE,AVAILABLE,REBATERATE,FEERATE\n20201221,2000,5.0700,0.2500\n"
        "20201222,4000,5.0900,0.3000\n"
    ),
    "testinteractivebrokers/symbols/goog.csv": (
        "20201221,5000,5.1700,0.3500\n20201222,10000,5.1900,0.4000\n"
    ),
}


@pytest.fixture
def lean_folder_with_shortable_files(tmp_path):
    daily = tmp_path / "equity" / "usa" / "daily"
    daily.mkdir(parents=True)
    with zipfile.ZipFile(daily / "spy.zip", "w"):
        pass  # a LEAN data folder holds daily zips; the provider reads only its own files
    for name, text in LEAN_SHORTABLE_FILES.items():
        path = tmp_path / "equity" / "usa" / "shortable" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    use_data_source(LeanDataFolder(tmp_path))
    yield tmp_path
    use_data_source(None)


@pytest.mark.parametrize(
    "brokerage, expected",
    [
        (
            "testinteractivebrokers",
            {
                "AAPL": [(2000, 0.0507, 0.0025), (4000, 0.0509, 0.003)],
                "GOOG": [(5000, 0.0517, 0.0035), (10000, 0.0519, 0.004)],
                "BAC": [(None, 0, 0), (None, 0, 0)],  # no file: shortable, rates 0
            },
        ),
        (
            "TestBrokerage",  # the name is lower-cased, as LEAN's
            {
                "AAPL": [(2000, 0, 0), (4000, 0, 0)],
                "GOOG": [(5000, 0, 0), (10000, 0, 0)],
                "BAC": [(None, 0, 0), (None, 0, 0)],
            },
        ),
    ],
)
def test_local_disk_shortable_provider_reads_the_brokerages_files(
    lean_folder_with_shortable_files, brokerage, expected
):
    provider = LocalDiskShortableProvider(brokerage)
    days = [dt.datetime(2020, 12, 21), dt.datetime(2020, 12, 22, 10)]
    for ticker, rows in expected.items():
        symbol = equity_symbol(ticker)
        for day, (quantity, rebate, fee) in zip(days, rows, strict=True):
            assert provider.shortable_quantity(symbol, day) == quantity
            assert provider.rebate_rate(symbol, day) == pytest.approx(rebate)
            assert provider.fee_rate(symbol, day) == pytest.approx(fee)
    # a day the file lacks: no limit
    assert provider.shortable_quantity(equity_symbol("AAPL"), dt.datetime(2020, 12, 23)) is None


def test_local_disk_shortable_provider_names_a_bad_line(lean_folder_with_shortable_files):
    bad = lean_folder_with_shortable_files / "equity/usa/shortable/bad/symbols/spy.csv"
    bad.parent.mkdir(parents=True)
    bad.write_text("2020-12-21,100\n")
    with pytest.raises(ValueError, match=r"spy.csv, line 1: a shortable line is yyyyMMdd"):
        LocalDiskShortableProvider("bad").shortable_quantity(
            equity_symbol("SPY"), dt.datetime(2020, 12, 21)
        )
    with pytest.raises(TypeError, match="brokerage's folder name"):
        LocalDiskShortableProvider("")


# ----- margin interest rate models ----------------------------------------------------------------

LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
needs_hour_data = pytest.mark.skipif(
    not (LEAN_DATA / "equity" / "usa" / "hour" / "spy.zip").is_file(),
    reason="LEAN's sample data (../shared/data/lean) is not here",
)


class OnePercentOfCash:
    """CustomMarginInterestRateModelAlgorithm's model: 1% of the cash while long."""

    def __init__(self) -> None:
        self.times: list = []

    def apply_margin_interest_rate(self, parameters: MarginInterestRateParameters) -> None:
        security = parameters.security
        value = security.holdings.get_quantity_value(security.holdings.quantity)
        self.times.append((parameters.time, value.amount))
        if value.amount > 0:
            value.cash.add_amount(0.01 * value.cash.amount)


class HoursWithInterest(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 8)
        self.model = OnePercentOfCash()
        self.spy = self.add_equity("SPY", Resolution.HOUR)
        self.spy.set_margin_interest_rate_model(self.model)
        self.seen = []

    def on_data(self, data) -> None:
        self.seen.append((self.time, len(self.model.times)))
        if not self.portfolio.invested:
            self.market_order("SPY", 10)
            self.cash_after_order = self.portfolio.cash


def test_a_margin_interest_rate_model_needs_its_method():
    security = Security(equity_symbol("SPY"), Resolution.HOUR, True)
    with pytest.raises(TypeError, match="apply_margin_interest_rate"):
        security.set_margin_interest_rate_model(object())


@needs_hour_data
def test_a_margin_interest_rate_model_applies_hourly_before_on_data():
    algorithm, outcome = run_algorithm(HoursWithInterest, data=LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    times = [time for time, _ in algorithm.model.times]
    # once in each hourly time step, before on_data sees it
    assert times == [time for time, _ in algorithm.seen]
    assert all(count == index + 1 for index, (_, count) in enumerate(algorithm.seen))
    # the cash the model adds to is the portfolio's
    charged = sum(1 for _, value in algorithm.model.times if value > 0)
    assert charged == len(times) - 1  # every step after the purchase
    assert algorithm.portfolio.cash == pytest.approx(algorithm.cash_after_order * 1.01**charged)


def test_margin_interest_needs_intraday_data_and_a_model():
    class Daily(QCAlgorithm):
        def initialize(self) -> None:
            self.set_start_date(2021, 3, 1)
            self.set_end_date(2021, 3, 2)
            spy = self.add_equity("SPY", Resolution.DAILY)
            assert spy.margin_interest_rate_model is MarginInterestRateModel.NULL
            spy.set_margin_interest_rate_model(OnePercentOfCash())

    _, outcome = run_algorithm(Daily)
    assert "margin interest on minute and hour data" in outcome.runtime_error


class UpdatesPastTheShortableQuantity(QCAlgorithm):
    """A far limit sale of 30 SPY with 50 shortable, then updates of its quantity."""

    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 3)
        self.set_cash(100_000)
        self.spy = self.add_equity("SPY", Resolution.DAILY)
        self.spy.set_shortable_provider(FiftyShares())
        self.responses = None

    def on_data(self, slice) -> None:
        if self.responses is None:
            ticket = self.limit_order("SPY", -30, self.spy.price * 3)
            self.responses = [ticket.update_quantity(-60), ticket.update_quantity(-50)]


def test_an_update_past_the_shortable_quantity_is_refused_with_leans_code():
    algorithm, outcome = run_algorithm(UpdatesPastTheShortableQuantity)
    assert outcome.succeeded, outcome.runtime_error
    refused, allowed = algorithm.responses
    assert refused.error_code == OrderResponseErrorCode.EXCEEDS_SHORTABLE_QUANTITY
    assert refused.error_message == (
        "Order exceeds shortable quantity 50 for Symbol SPY requested -30)"
    )
    # the order's own quantity is left out of the open orders: -50 fits the 50 shares
    assert allowed.is_success


class ShortRates(NullShortableProvider):
    def fee_rate(self, symbol, local_time):
        return 0.05

    def rebate_rate(self, symbol, local_time):
        return 0.01


class ShortAndLong(QCAlgorithm):
    """ShortInterestFeeRegressionAlgorithm on a provider of fixed rates: SPY short, AAPL long."""

    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.short = self.add_equity("SPY", Resolution.HOUR)
        self.long = self.add_equity("AAPL", Resolution.HOUR)
        for security in (self.short, self.long):
            security.set_shortable_provider(ShortRates())
            security.margin_interest_rate_model = ShortMarginInterestRateModel()
        self.cash_after_orders = None

    def on_data(self, data) -> None:
        if not self.portfolio.invested:
            self.set_holdings("SPY", -0.5)
            self.set_holdings("AAPL", 0.5)
            self.cash_after_orders = self.portfolio.cash


@needs_hour_data
def test_short_margin_interest_charges_shorts_and_pays_longs_daily():
    algorithm, outcome = run_algorithm(ShortAndLong, data=LEAN_DATA)
    assert outcome.succeeded, outcome.runtime_error
    paid = algorithm.short.margin_interest_rate_model.amount
    earned = algorithm.long.margin_interest_rate_model.amount
    assert paid < 0 < earned
    # once a day after the first: four days of 5% (short) and 1% (long) a year over 360 days
    spy_value = algorithm.short.holdings.holdings_value
    assert paid == pytest.approx(4 * 0.05 * spy_value / 360, rel=0.02)
    assert algorithm.portfolio.cash == pytest.approx(algorithm.cash_after_orders + paid + earned)
