"""Fill models set on a security (LEAN's ``FillModel``): called with LEAN's arguments for that
security's orders only, their events applied; the base methods give the runner's own fills."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.conventions import NEW_YORK, Extensions
from local_lean.enums import OrderStatus, Resolution
from local_lean.market_data import TradeBar
from local_lean.orders import CashAmount, OrderDirection, OrderEvent, OrderFee, OrderType
from local_lean.quote_bars import QuoteBar
from local_lean.security_cache import Tick
from local_lean.user_fill_models import (
    EquityFillModel,
    Fill,
    FillModel,
    FillModelParameters,
    ImmediateFillModel,
    Prices,
)

LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
needs_lean_data = pytest.mark.skipif(
    not (LEAN_DATA / "equity" / "usa" / "hour" / "spy.zip").is_file(),
    reason="LEAN sample data absent",
)


class TradesWithModel(QCAlgorithm):
    """Buys 100 SPY on the first bar, sells them three days later; `models` (ticker -> fill
    model) go on their securities. Keeps every fill event and what SPY's cache held."""

    models: dict = {}
    resolution = Resolution.HOUR
    tickers = ("SPY",)

    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.set_cash(100_000)
        for ticker in self.tickers:
            security = self.add_equity(ticker, self.resolution)
            if ticker in self.models:
                security.set_fill_model(self.models[ticker])
        self.fills = []
        self.cached = []

    def on_data(self, slice) -> None:
        spy = self.securities["SPY"]
        self.cached.append((self.time, spy.cache.get_data(TradeBar), spy.cache.get_data(QuoteBar)))
        if self.transactions.get_open_orders():
            return
        if not self.portfolio.invested and not self.fills:
            for ticker in self.tickers:
                self.market_order(ticker, 100)
        elif self.portfolio.invested and self.time.day >= 10:
            for ticker in self.tickers:
                self.market_order(ticker, -100)

    def on_order_event(self, order_event) -> None:
        if order_event.status == OrderStatus.FILLED:
            self.fills.append(order_event)


def run(**attributes):
    algorithm, outcome = run_algorithm(type("Run", (TradesWithModel,), attributes), data=LEAN_DATA)
    return algorithm, outcome


def fill_rows(algorithm):
    return [
        (e.symbol.value, e.utc_time, e.fill_price, e.fill_quantity, e.order_fee.value.amount)
        for e in algorithm.fills
    ]


@needs_lean_data
@pytest.mark.parametrize("resolution", [Resolution.HOUR, Resolution.DAILY])
@pytest.mark.parametrize("base", [FillModel, EquityFillModel, ImmediateFillModel])
def test_the_base_models_fill_as_the_runner_does(base, resolution):
    plain, plain_outcome = run(resolution=resolution)
    modelled, outcome = run(models={"SPY": base()}, resolution=resolution)
    assert plain_outcome.succeeded and outcome.succeeded, outcome.runtime_error
    assert len(plain.fills) == 2
    assert fill_rows(modelled) == fill_rows(plain)


@needs_lean_data
def test_an_overridden_market_fill_is_called_with_the_security_and_order_and_applied():
    calls = []

    class Marked(ImmediateFillModel):
        def market_fill(self, asset, order):
            fill = super().market_fill(asset, order)
            calls.append((asset.symbol.value, order.id, order.type, self.parameters.order))
            fill.fill_price = 150.0 if order.quantity > 0 else 160.0
            fill.order_fee = OrderFee(CashAmount(5.0, "USD"))
            return fill

    algorithm, outcome = run(models={"SPY": Marked()})
    assert outcome.succeeded, outcome.runtime_error
    assert [(c[0], c[1], c[2]) for c in calls] == [
        ("SPY", 1, OrderType.MARKET),
        ("SPY", 2, OrderType.MARKET),
    ]
    assert [c[3].id for c in calls] == [1, 2]
    assert [(e.fill_price, e.order_fee.value.amount) for e in algorithm.fills] == [
        (150.0, 5.0),
        (160.0, 5.0),
    ]
    # the portfolio took the model's prices and fees: 100 shares bought at 150, sold at 160
    assert algorithm.portfolio["SPY"].total_fees == 10.0
    assert algorithm.portfolio.cash == pytest.approx(100_000 + 100 * (160 - 150) - 10)


@needs_lean_data
def test_a_fill_without_a_fee_pays_the_fee_models():
    class Repriced(EquityFillModel):
        def market_fill(self, asset, order):
            fill = super().market_fill(asset, order)
            fill.fill_price = 150.0
            return fill

    plain, _ = run()
    algorithm, outcome = run(models={"SPY": Repriced()})
    assert outcome.succeeded, outcome.runtime_error
    assert [e.order_fee.value.amount for e in algorithm.fills] == [
        e.order_fee.value.amount for e in plain.fills
    ]
    assert all(e.order_fee.value.amount > 0 for e in algorithm.fills)


@needs_lean_data
@pytest.mark.parametrize("resolution", [Resolution.MINUTE, Resolution.HOUR])
def test_get_prices_reads_the_side_an_order_trades_against(resolution):
    seen = []

    class Priced(EquityFillModel):
        def market_fill(self, asset, order):
            quote = asset.cache.get_data(QuoteBar)
            trade = asset.cache.get_data(TradeBar)
            prices = {d: self.get_prices(asset, d) for d in OrderDirection}
            seen.append((order.direction, quote, trade, prices, asset.price))
            return super().market_fill(asset, order)

    _, outcome = run(models={"SPY": Priced()}, resolution=resolution)
    assert outcome.succeeded, outcome.runtime_error
    assert len(seen) >= 2
    for _, quote, trade, prices, price in seen:
        if resolution == Resolution.MINUTE:  # minute data has quotes: the ask buys, the bid sells
            for direction, side in (
                (OrderDirection.BUY, quote.ask),
                (OrderDirection.SELL, quote.bid),
            ):
                got = prices[direction]
                assert (got.time, got.end_time) == (quote.time, quote.end_time)
                assert (got.current, got.open, got.high, got.low, got.close) == (
                    side.close,
                    side.open,
                    side.high,
                    side.low,
                    side.close,
                )
        else:  # hour data: trades only, whatever the direction
            assert quote is None
            for direction in (OrderDirection.BUY, OrderDirection.SELL):
                got = prices[direction]
                assert (got.end_time, got.current, got.high) == (
                    trade.end_time,
                    trade.close,
                    trade.high,
                )
        assert prices[OrderDirection.HOLD].current == price


def test_prices_take_the_current_price_for_a_missing_one():
    prices = Prices(dt.datetime(2013, 10, 7), dt.datetime(2013, 10, 8), 10.0, high=12.0)
    assert (prices.current, prices.open, prices.high, prices.low, prices.close) == (
        10.0,
        10.0,
        12.0,
        10.0,
        10.0,
    )


@needs_lean_data
def test_only_the_securities_with_a_model_ask_it():
    seen = []

    class Counting(EquityFillModel):
        def fill(self, parameters: FillModelParameters) -> Fill:
            seen.append(parameters.security.symbol.value)
            assert parameters.stale_price_time_span == dt.timedelta(hours=1)
            assert list(parameters.securities_for_orders) == [parameters.order]
            return super().fill(parameters)

    algorithm, outcome = run(models={"AAPL": Counting()}, tickers=("SPY", "AAPL"))
    assert outcome.succeeded, outcome.runtime_error
    assert set(seen) == {"AAPL"}
    assert len(algorithm.fills) == 4


@needs_lean_data
def test_an_empty_fill_leaves_the_order_open():
    class Never(EquityFillModel):
        def fill(self, parameters):
            return Fill([])

    algorithm, outcome = run(models={"SPY": Never()})
    assert outcome.succeeded, outcome.runtime_error
    assert algorithm.fills == []
    assert [o.status for o in algorithm.transactions.get_open_orders()] == [OrderStatus.SUBMITTED]


@needs_lean_data
def test_a_partial_fill_is_refused_naming_it():
    class Half(ImmediateFillModel):
        def market_fill(self, asset, order):
            fill = super().market_fill(asset, order)
            fill.fill_quantity = order.quantity / 2
            fill.status = OrderStatus.PARTIALLY_FILLED
            return fill

    _, outcome = run(models={"SPY": Half()})
    assert not outcome.succeeded
    assert "NotSupportedError" in outcome.runtime_error
    assert "partial fills are not simulated" in outcome.runtime_error
    assert "PARTIALLY_FILLED event filling 50 of order 1's 100" in outcome.runtime_error


@needs_lean_data
def test_fill_must_return_a_fill():
    class Wrong(EquityFillModel):
        def fill(self, parameters):
            return None

    _, outcome = run(models={"SPY": Wrong()})
    assert not outcome.succeeded
    assert "Wrong.fill must return a Fill" in outcome.runtime_error


@needs_lean_data
def test_the_cache_holds_the_latest_bars():
    algorithm, outcome = run()
    assert outcome.succeeded
    time, trade, quote = algorithm.cached[0]
    assert trade.end_time == time and trade.close > 0
    assert quote is None  # LEAN keeps only trades at hour resolution
    daily, outcome = run(resolution=Resolution.DAILY)
    time, trade, _ = daily.cached[0]
    assert (trade.time, trade.end_time) == (dt.datetime(2013, 10, 7), time)


def test_the_cache_names_what_it_holds():
    class Holds(QCAlgorithm):
        def initialize(self):
            self.set_start_date(2021, 3, 1)
            self.set_end_date(2021, 3, 2)
            self.spy = self.add_equity("SPY", Resolution.DAILY)

    algorithm, outcome = run_algorithm(Holds)
    assert outcome.succeeded
    assert algorithm.spy.cache.get_data(Tick) is None
    with pytest.raises(TypeError, match="TradeBar and QuoteBar"):
        algorithm.spy.cache.get_data(int)
    assert algorithm.spy.exchange.time_zone == NEW_YORK
    assert isinstance(algorithm.spy.fill_model, EquityFillModel)
    with pytest.raises(TypeError, match="fill\\(parameters\\)"):
        algorithm.spy.set_fill_model(object())


def test_fill_holds_order_events():
    event = OrderEvent(
        order_id=1, symbol=None, utc_time=dt.datetime(2013, 10, 7), status=0, quantity=1
    )
    assert list(Fill(event)) == [event]
    assert len(Fill([event, event])) == 2
    assert len(Fill([])) == 0
    with pytest.raises(TypeError, match="Fill takes OrderEvents"):
        Fill([1.5])


def test_the_base_methods_need_a_backtests_order():
    model = FillModel()
    with pytest.raises(RuntimeError, match=r"must call super\(\).fill\(parameters\)"):
        model.market_fill(None, None)


def test_utc_conversions_follow_the_time_zone():
    # 2013-10-07 is daylight saving time in New York (UTC-4); 2013-12-02 is not (UTC-5)
    assert Extensions.convert_from_utc(dt.datetime(2013, 10, 7, 13, 30), NEW_YORK) == dt.datetime(
        2013, 10, 7, 9, 30
    )
    assert Extensions.convert_from_utc(dt.datetime(2013, 12, 2, 14, 30), NEW_YORK) == dt.datetime(
        2013, 12, 2, 9, 30
    )
    assert Extensions.convert_to_utc(dt.datetime(2013, 12, 2, 9, 30), NEW_YORK) == dt.datetime(
        2013, 12, 2, 14, 30
    )
    aware = dt.datetime(2013, 10, 7, 13, 30, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="naive UTC datetime"):
        Extensions.convert_from_utc(aware, NEW_YORK)
    with pytest.raises(ValueError, match="naive local datetime"):
        Extensions.convert_to_utc(aware, NEW_YORK)
