"""Fee and slippage models as LEAN's: set per security, applied to fills and to sizing, with
LEAN's formulas; MarketImpactSlippageModel draws .NET's seeded random numbers."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.data import open_price_source
from local_lean.enums import OrderStatus, Resolution
from local_lean.history import LocalHistoryProvider
from local_lean.models.dotnet_random import DotNetRandom
from local_lean.models.fees import (
    ConstantFeeModel,
    FeeModel,
    InteractiveBrokersFeeModel,
    OrderFeeParameters,
)
from local_lean.models.margin import (
    BuyingPowerModel,
    GetMaximumOrderQuantityResult,
    HasSufficientBuyingPowerForOrderResult,
    MaintenanceMargin,
    used_buying_power,
)
from local_lean.models.slippage import (
    ConstantSlippageModel,
    MarketImpactSlippageModel,
    NullSlippageModel,
    VolumeShareSlippageModel,
)
from local_lean.orders import CashAmount, OrderFee
from local_lean.securities import Security
from local_lean.symbols import equity_symbol

LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
needs_lean_data = pytest.mark.skipif(not LEAN_DATA.is_dir(), reason="LEAN sample data absent")


class Stub:
    """A security or an order, with only what a model reads."""

    def __init__(self, **values) -> None:
        self.__dict__.update(values)


class BuysWithModels(QCAlgorithm):
    """Buys `quantity` SPY once; `fee_model`/`slippage_model` go on SPY when given."""

    fee_model = None
    slippage_model = None
    quantity = 100

    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 5)
        self.set_cash(100_000)
        spy = self.add_equity("SPY", Resolution.DAILY)
        if self.fee_model is not None:
            spy.set_fee_model(self.fee_model)
        if self.slippage_model is not None:
            spy.set_slippage_model(self.slippage_model)
        self.fills = []

    def on_data(self, slice) -> None:
        if not self.fills and not self.transactions.get_open_orders():
            self.market_order("SPY", self.quantity)

    def on_order_event(self, order_event) -> None:
        if order_event.status == OrderStatus.FILLED:
            spy = self.securities["SPY"]
            self.fills.append((order_event, spy.open, spy.close, spy.volume))


def run(**attributes):
    algorithm, outcome = run_algorithm(type("Run", (BuysWithModels,), attributes))
    assert outcome.succeeded, outcome.runtime_error
    return algorithm, outcome


def test_constant_fee_model_charges_its_fee():
    algorithm, outcome = run(fee_model=ConstantFeeModel(2.5))
    ((event, *_),) = algorithm.fills
    assert event.order_fee.value.amount == 2.5
    assert algorithm.portfolio["SPY"].total_fees == 2.5
    assert outcome.record.orders[0]["fee"] == 2.5


def test_a_python_fee_model_sees_the_security_and_the_order():
    seen = []

    class PerShare(FeeModel):
        def get_order_fee(self, parameters: OrderFeeParameters) -> OrderFee:
            order = parameters.order
            seen.append((order.symbol.value, order.absolute_quantity, order.direction.name))
            return OrderFee(CashAmount(0.01 * parameters.order.absolute_quantity, "USD"))

    algorithm, _ = run(fee_model=PerShare())
    ((event, *_),) = algorithm.fills
    assert event.order_fee.value.amount == pytest.approx(1.0)
    assert ("SPY", 100, "BUY") in seen


def test_interactive_brokers_fee_model_per_share_minimum_and_cap():
    def fee(quantity, price=None):
        parameters = OrderFeeParameters(Stub(price=price or 50.0), Stub(quantity=quantity))
        return InteractiveBrokersFeeModel().get_order_fee(parameters).value.amount

    assert fee(100) == 1.0  # $0.50 a share-fee raised to the $1 minimum
    assert fee(1000) == 5.0  # $0.005 x 1000
    assert fee(-1000) == 5.0
    assert fee(1000, price=0.5) == 2.5  # capped at 0.5% of $500


def test_constant_slippage_moves_a_buy_up_by_a_share_of_the_price():
    algorithm, _ = run(slippage_model=ConstantSlippageModel(0.01))
    ((event, bar_open, close, _),) = algorithm.fills
    assert event.fill_price == pytest.approx(bar_open + 0.01 * close)


def test_a_sell_slips_down():
    algorithm, _ = run(slippage_model=ConstantSlippageModel(0.01), quantity=-10)
    ((event, bar_open, close, _),) = algorithm.fills
    assert event.fill_price == pytest.approx(bar_open - 0.01 * close)


def test_volume_share_slippage_formula():
    model = VolumeShareSlippageModel(volume_limit=0.025, price_impact=0.1)
    asset = Stub(price=100.0, volume=1_000_000.0, has_data=True)
    # 1% of the volume: 0.01^2 x 0.1 x price.
    assert model.get_slippage_approximation(asset, Stub(quantity=10_000)) == pytest.approx(0.001)
    # Capped at the volume limit.
    big = model.get_slippage_approximation(asset, Stub(quantity=1e9))
    assert big == pytest.approx(0.025**2 * 0.1 * 100)
    no_volume = Stub(price=100.0, volume=0.0, has_data=True)
    assert model.get_slippage_approximation(no_volume, Stub(quantity=1)) == pytest.approx(big)
    assert NullSlippageModel().get_slippage_approximation(asset, Stub(quantity=5)) == 0.0


def test_dotnet_random_gives_dotnets_sequence():
    # new Random(0).NextDouble() in .NET: 0.7262432699679598, 0.8173253595909687, ...
    zero = DotNetRandom(0)
    assert [zero.next_double() for _ in range(2)] == [0.7262432699679598, 0.8173253595909687]
    fifty = DotNetRandom(50)
    assert fifty.next_double() == pytest.approx(0.8475089794246056, abs=1e-15)
    with pytest.raises(ValueError, match="32-bit"):
        DotNetRandom(2**31)
    # new Random(0).Next(100) gives 72, 81, ... (the doubles above scaled and truncated)
    zero = DotNetRandom(0)
    assert [zero.next(100), zero.next(0, 100), zero.next(10, 10)] == [72, 81, 10]
    assert 0 <= DotNetRandom(7).next() < 2**31 - 1
    with pytest.raises(ValueError, match="min_value <= max_value"):
        zero.next(5, 4)
    with pytest.raises(TypeError, match="integers"):
        zero.next(1.5)
    with pytest.raises(TypeError, match="integer"):
        DotNetRandom(1.5)


class _Context:
    def __init__(self, visible_until: dt.date) -> None:
        self.visible_until = visible_until
        self._source = open_price_source(LEAN_DATA)

    def load_bars(self, symbol):
        return self._source.daily_bars(symbol.value)


@needs_lean_data
@pytest.mark.parametrize(
    ("ticker", "quantity", "expected"),
    [("SPY", 100, 0.0), ("SPY", 10_000, 0.5075), ("AIG", -100, 0.0808), ("AIG", 10_000, 3.8421)],
)
def test_market_impact_matches_leans_unit_test(ticker, quantity, expected):
    """LEAN's MarketImpactSlippageModelTests: at 2015-06-10 15:00, price 100, the daily bars
    through 2015-06-09 known; LEAN asserts these values within 0.005."""
    history = LocalHistoryProvider(_Context(dt.date(2015, 6, 10)))
    algorithm = Stub(time=dt.datetime(2015, 6, 10, 15), history_provider=history)
    asset = Stub(symbol=Stub(value=ticker), price=100.0, has_data=True)
    model = MarketImpactSlippageModel(algorithm)
    slippage = model.get_slippage_approximation(asset, Stub(quantity=quantity))
    assert slippage == pytest.approx(expected, abs=0.005)


@needs_lean_data
def test_market_impact_counts_the_volume_of_its_first_days_bar_twice():
    """LEAN creates the model's data during the fill of a time step: its history ends with
    that step's bar, and its consolidator receives the same bar again from the step's data, so
    the next day's average volume counts that day's volume twice (the close once)."""
    context = _Context(dt.date(2015, 6, 11))  # bars through 2015-06-10 known
    algorithm = Stub(time=dt.datetime(2015, 6, 10, 16), history_provider=None)
    algorithm.history_provider = LocalHistoryProvider(context)
    asset = Stub(symbol=Stub(value="SPY"), price=100.0, has_data=True)
    model = MarketImpactSlippageModel(algorithm, non_negative=False)
    model.get_slippage_approximation(asset, Stub(quantity=50_000))  # built on the 10th

    context.visible_until = dt.date(2015, 6, 12)  # the 11th's bar arrives
    algorithm.time = dt.datetime(2015, 6, 11, 16)
    slippage = model.get_slippage_approximation(asset, Stub(quantity=50_000))

    # LEAN's formula on the emitted bars (through the 10th), the 10th's volume doubled.
    bars = context.load_bars(Stub(value="SPY")).loc["2014-06-05":"2015-06-10"]
    closes = bars["close"].to_numpy()[-252:]
    volumes = bars["volume"].to_numpy()[-10:].copy()
    volumes[-1] *= 2
    returns = [(new - old) / old for old, new in zip(closes[:-1], closes[1:], strict=True)]
    mean = sum(returns) / len(returns)
    sigma = math.sqrt(sum((r - mean) ** 2 for r in returns) / (len(returns) - 1))
    average_volume = sum(volumes) / len(volumes)
    execution = 0.075 / 86_400 / (6.5 / 24)
    impact_time = execution + 1800 / 86_400 / (6.5 / 24)
    nu = 50_000 / execution / average_volume
    draws = DotNetRandom(50)
    for _ in range(5):  # the first approximation's draws
        draws.next_double()

    def gaussian():
        first, second = 1 - draws.next_double(), 1 - draws.next_double()
        return math.sqrt(-2 * math.log(first)) * math.cos(2 * math.pi * second)

    noise = sigma * math.sqrt(impact_time)
    permanent = sigma * execution * 0.314 * nu**0.891 + gaussian() * noise
    temporary = sigma * 0.142 * nu**0.6 + gaussian() * noise
    expected = (temporary + permanent * 0.5) * draws.next_double() * 100.0
    assert slippage == pytest.approx(expected, rel=1e-9)


def test_market_impact_needs_positive_times():
    with pytest.raises(ValueError, match="Latency cannot be less than or equal to 0"):
        MarketImpactSlippageModel(None, latency=0)
    with pytest.raises(ValueError, match="impactTime cannot be less than or equal to 0"):
        MarketImpactSlippageModel(None, impact_time=-1)


def test_bad_models_and_values_fail_clearly():
    security = Security(equity_symbol("SPY"), Resolution.DAILY, True)
    with pytest.raises(TypeError, match="get_order_fee"):
        security.set_fee_model(0.01)
    with pytest.raises(TypeError, match="get_slippage_approximation"):
        security.set_slippage_model(ConstantFeeModel(1))
    with pytest.raises(TypeError, match="shortable_quantity"):
        security.set_shortable_provider(object())
    with pytest.raises(ValueError, match=">= 1"):
        security.set_leverage(0.5)
    with pytest.raises(ValueError, match="finite fee"):
        ConstantFeeModel(float("nan"))
    with pytest.raises(ValueError, match="slippage_percent must be a finite number"):
        ConstantSlippageModel("1%")


def test_a_fee_model_returning_a_number_fails_clearly():
    class Wrong(FeeModel):
        def get_order_fee(self, parameters):
            return 1.0

    _, outcome = run_algorithm(type("Run", (BuysWithModels,), {"fee_model": Wrong()}))
    assert not outcome.succeeded
    assert "must return an OrderFee" in outcome.runtime_error


def test_security_margin_model_sets_the_leverage():
    from local_lean.errors import NotSupportedError
    from local_lean.models.margin import SecurityMarginModel

    security = Security(equity_symbol("SPY"), Resolution.DAILY, True)
    security.set_buying_power_model(SecurityMarginModel(4))
    assert security.leverage == 4.0
    assert security.buying_power_model.get_leverage(security) == 4.0

    class Custom(BuyingPowerModel):
        pass

    security.set_buying_power_model(Custom())
    assert isinstance(security.buying_power_model, Custom)
    with pytest.raises(NotSupportedError, match="BuyingPowerModel subclass"):
        security.set_buying_power_model(object())
    with pytest.raises(NotSupportedError, match="free buying power"):
        SecurityMarginModel(2, 0.05)
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        SecurityMarginModel(0.5)


def test_leverage_one_refuses_an_order_worth_more_than_the_cash():
    from local_lean.models.margin import SecurityMarginModel

    class Unlevered(BuysWithModels):
        quantity = 200  # about 1.5 times the cash at the synthetic SPY's price

        def initialize(self) -> None:
            super().initialize()
            self.securities["SPY"].set_buying_power_model(SecurityMarginModel(1))

    levered, _ = run(quantity=200)
    assert levered.portfolio["SPY"].quantity == 200
    unlevered, outcome = run_algorithm(Unlevered)
    assert outcome.succeeded, outcome.runtime_error
    assert unlevered.portfolio["SPY"].quantity == 0
    assert "Insufficient buying power" in outcome.record.orders[0]["message"]


class HundredsAndNoMarginCheck(BuyingPowerModel):
    """CustomBuyingPowerModelAlgorithm's model: sizes in hundreds of shares, takes every
    order, and reserves no margin."""

    def get_maximum_order_quantity_for_target_buying_power(self, parameters):
        quantity = super().get_maximum_order_quantity_for_target_buying_power(parameters).quantity
        return GetMaximumOrderQuantityResult(math.floor(quantity / 100) * 100)

    def has_sufficient_buying_power_for_order(self, parameters):
        return HasSufficientBuyingPowerForOrderResult(True)

    def get_maintenance_margin(self, parameters):
        return MaintenanceMargin(0)

    def get_reserved_buying_power_for_position(self, parameters):
        return parameters.result_in_account_currency(0)


class RefusesWithReason(BuyingPowerModel):
    def has_sufficient_buying_power_for_order(self, parameters):
        return HasSufficientBuyingPowerForOrderResult(False, f"no, order {parameters.order.id}")


class SizesWithModel(QCAlgorithm):
    model = None

    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 3, 5)
        self.set_cash(100_000)
        self.spy = self.add_equity("SPY", Resolution.DAILY)
        self.default_quantity = None

    def on_data(self, slice) -> None:
        if self.default_quantity is None:
            self.default_quantity = self.calculate_order_quantity("SPY", 1)
            self.spy.set_buying_power_model(self.model)
            self.sized = self.calculate_order_quantity("SPY", 1)
            self.ticket = self.market_order("SPY", self.sized * 10)  # 10 times the portfolio


def test_a_buying_power_model_subclass_replaces_the_rules_it_overrides():
    algorithm, outcome = run_algorithm(
        type("Run", (SizesWithModel,), {"model": HundredsAndNoMarginCheck()})
    )
    assert outcome.succeeded, outcome.runtime_error
    # super() gives LEAN's sizing, which the model rounds down to hundreds
    assert algorithm.sized == math.floor(algorithm.default_quantity / 100) * 100
    assert algorithm.sized % 100 == 0 and algorithm.sized > 0
    # no buying power check: ten times the portfolio is bought; no margin is reserved
    assert algorithm.ticket.status == OrderStatus.FILLED
    assert algorithm.portfolio["SPY"].quantity == algorithm.sized * 10
    assert algorithm.portfolio.total_margin_used == 0
    spy = algorithm.spy
    assert used_buying_power(spy, spy.buying_power_model) == 0
    assert used_buying_power(spy, None) == spy.holdings.absolute_holdings_value


def test_a_buying_power_model_refusal_carries_its_reason():
    algorithm, outcome = run_algorithm(
        type("Run", (SizesWithModel,), {"model": RefusesWithReason()})
    )
    assert outcome.succeeded, outcome.runtime_error
    assert algorithm.ticket.status == OrderStatus.INVALID
    assert "Reason: no, order 1." in outcome.record.orders[0]["message"]
    # the sizing it does not override stays LEAN's
    assert algorithm.sized == algorithm.default_quantity


class RecordsOrderIds(QCAlgorithm):
    """A fee model that records the id of each order it prices."""

    def initialize(self):
        self.set_start_date(2020, 1, 2)
        self.set_end_date(2020, 1, 8)
        self.priced_ids = []
        algorithm = self

        class IdRecordingFeeModel(FeeModel):
            def get_order_fee(self, parameters):
                algorithm.priced_ids.append(parameters.order.id)
                return OrderFee(CashAmount(1.0, "USD"))

        self.add_equity("SPY", Resolution.DAILY).set_fee_model(IdRecordingFeeModel())

    def on_data(self, data):
        if not self.portfolio.invested:
            self.set_holdings("SPY", 0.5)


def test_orders_being_sized_have_id_zero_as_leans_fee_estimate():
    algorithm, outcome = run_algorithm(RecordsOrderIds)
    assert outcome.runtime_error is None
    # set_holdings sizes with a MarketOrder LEAN never submits (id 0); the fill has the id 1.
    assert algorithm.priced_ids[0] == 0
    assert algorithm.priced_ids[-1] == 1
