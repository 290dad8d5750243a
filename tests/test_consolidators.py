"""Consolidators (LEAN's Common/Data/Consolidators): the bars they make from given inputs, the
data_consolidated event, subscription_manager, and the engine feeding them before on_data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from local_lean.algorithm import QCAlgorithm
from local_lean.consolidators import (
    BarDirection,
    ClassicRenkoConsolidator,
    RangeBar,
    RangeConsolidator,
    RenkoBar,
    RenkoConsolidator,
    RenkoType,
)
from local_lean.enums import Resolution
from local_lean.errors import NotSupportedError
from local_lean.indicators import Identity, SimpleMovingAverage
from local_lean.market_data import TradeBar
from local_lean.quote_bars import QuoteBar
from local_lean.symbols import equity_symbol
from tests.runner_helpers import run_algorithm

SPY = equity_symbol("SPY")
DAY = dt.datetime(2020, 1, 2, 9, 30)


def bar(close: float, day: int = 0, volume: float = 10.0, **prices: float) -> TradeBar:
    time = DAY + dt.timedelta(days=day)
    return TradeBar(
        SPY,
        time,
        time.replace(hour=16),
        prices.get("open", close),
        prices.get("high", close),
        prices.get("low", close),
        close,
        volume,
    )


def collect(consolidator) -> list:
    produced = []
    consolidator.data_consolidated += lambda sender, consolidated: produced.append(consolidated)
    return produced


# ----- ClassicRenkoConsolidator ----------------------------------------------------------------


def test_renko_bricks_open_on_a_multiple_of_the_brick_and_close_a_brick_away():
    renko = ClassicRenkoConsolidator(2.5)
    bricks = collect(renko)

    for day, close in enumerate([101.0, 105.0, 104.0, 102.4]):
        renko.update(bar(close, day))

    assert [(b.open, b.close, b.direction) for b in bricks] == [
        (102.5, 105.0, BarDirection.RISING),  # opens at ceil(101 / 2.5) * 2.5
        (105.0, 102.5, BarDirection.FALLING),  # the next opens where the last closed
    ]
    first = bricks[0]
    assert isinstance(first, RenkoBar) and first.is_closed and first.type == RenkoType.CLASSIC
    assert (first.time, first.end_time) == (DAY, DAY + dt.timedelta(days=1))  # inputs' starts
    assert first.volume == 20.0 and first.spread == 2.5
    assert renko.consolidated is bricks[-1]
    assert renko.working_data.open == 102.5 and not renko.working_data.is_closed


def test_renko_without_even_bars_opens_at_the_first_value():
    renko = ClassicRenkoConsolidator(2.5, even_bars=False)
    bricks = collect(renko)

    renko.update(bar(101.0))
    renko.update(bar(103.5, 1))

    assert [(b.open, b.close) for b in bricks] == [(101.0, 103.5)]


def test_renko_selectors_pick_the_value_and_the_volume():
    renko = ClassicRenkoConsolidator(1.0, lambda b: b.high, lambda b: 2 * b.volume)
    bricks = collect(renko)

    renko.update(bar(10.0, high=10.0))
    renko.update(bar(10.2, 1, high=11.0))

    assert [(b.open, b.close, b.volume) for b in bricks] == [(10.0, 11.0, 40.0)]


def test_renko_decimal_edges_close_exactly_as_in_lean():
    # 0.1 + 0.2 is not 0.3 in floats; in LEAN's decimals a value of 0.3 closes a 0.1 brick
    # opened at 0.2 (opened at ceil(0.15 / 0.1) * 0.1).
    renko = ClassicRenkoConsolidator(0.1)
    bricks = collect(renko)

    renko.update(bar(0.15))
    renko.update(bar(0.3, 1))

    assert [(b.open, b.close) for b in bricks] == [(0.2, 0.3)]


def test_renko_reset_forgets_the_last_close():
    renko = ClassicRenkoConsolidator(2.5)
    bricks = collect(renko)
    renko.update(bar(101.0))
    renko.update(bar(105.0, 1))

    renko.reset()
    renko.update(bar(106.0, 2))

    assert renko.consolidated is None and renko.working_data.open == 107.5
    assert len(bricks) == 1


@pytest.mark.parametrize("size", [0, -1.0, 1e-30, float("nan")])
def test_renko_refuses_a_brick_that_is_not_positive(size):
    with pytest.raises(ValueError, match="bar size must be positve"):
        ClassicRenkoConsolidator(size)


def test_renko_refuses_a_selector_that_is_not_a_function_or_returns_no_number():
    with pytest.raises(TypeError, match="Unable to convert parameter selector"):
        ClassicRenkoConsolidator(2.5, "close")
    renko = ClassicRenkoConsolidator(2.5, lambda b: "high")
    with pytest.raises(TypeError, match="selector returned 'high'"):
        renko.update(bar(10.0))


def test_renko_keeps_leans_obsolete_type_overload():
    assert ClassicRenkoConsolidator(2.5, RenkoType.CLASSIC).type == RenkoType.CLASSIC
    with pytest.raises(ValueError, match="RenkoConsolidator type if RenkoType is not Classic"):
        ClassicRenkoConsolidator(2.5, RenkoType.WICKED)


# ----- RangeConsolidator -----------------------------------------------------------------------


def test_range_bars_span_exactly_the_range_and_jumps_make_phantom_bars():
    ranges = RangeConsolidator(100)  # $1.00 for a US equity
    produced = collect(ranges)

    ranges.update(bar(100.3, volume=1))  # opens at ceil(100.3 / 1.00) = 101
    ranges.update(bar(100.5, 1, volume=2))
    ranges.update(bar(102.2, 2, volume=4))  # closes 100.50-101.50; the next opens at 101.51
    ranges.update(bar(105.0, 3, volume=8))  # three more bars close on one jump

    assert ranges.range == 100 and ranges.range_size == 1.0
    assert [(b.open, b.low, b.high, b.close) for b in produced] == [
        (101.0, 100.5, 101.5, 101.5),
        (101.51, 101.51, 102.51, 102.51),
        (102.52, 102.52, 103.52, 103.52),
        (103.53, 103.53, 104.53, 104.53),
    ]
    assert all(isinstance(b, RangeBar) and b.is_closed for b in produced)
    # The bar the jump skipped over entirely (a phantom bar) gets no volume.
    assert [b.volume for b in produced] == [3, 4, 0, 0]
    working = ranges.working_data
    assert (working.open, working.high, working.volume) == (104.54, 105.0, 8)


def test_range_bars_falling_open_a_cent_below_the_last_low():
    ranges = RangeConsolidator(50)
    produced = collect(ranges)

    ranges.update(bar(20.0))
    ranges.update(bar(19.2, 1))

    assert [(b.high, b.low, b.close) for b in produced] == [(20.0, 19.5, 19.5)]
    assert ranges.working_data.open == 19.49


@pytest.mark.parametrize("value", [0, -5, 1.5, True])
def test_range_refuses_a_range_that_is_not_a_whole_positive_count(value):
    with pytest.raises(ValueError, match="whole number of minimum price variations"):
        RangeConsolidator(value)


# ----- the event ------------------------------------------------------------------------------


def test_handlers_are_added_with_plus_equals_and_removed_with_minus_equals():
    renko = ClassicRenkoConsolidator(1.0)
    calls = []

    def handler(sender, brick):
        calls.append((sender, brick.close))

    renko.data_consolidated += handler
    renko.update(bar(10.0))
    renko.update(bar(11.0, 1))
    renko.data_consolidated -= handler
    renko.update(bar(12.0, 2))

    assert calls == [(renko, 11.0)]
    with pytest.raises(TypeError, match="data_consolidated \\+= handler"):
        renko.data_consolidated = handler
    with pytest.raises(TypeError, match="must be callables"):
        renko.data_consolidated += 3


# ----- subscription_manager and the engine ------------------------------------------------------


class RenkoAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2020, 1, 1)
        self.set_end_date(2020, 3, 31)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.bricks = []
        self.seen_in_on_data = []
        self.consolidator = ClassicRenkoConsolidator(1.0)
        self.consolidator.data_consolidated += self.on_brick
        self.subscription_manager.add_consolidator("SPY", self.consolidator)

    def on_brick(self, sender, brick):
        self.bricks.append((self.time, brick))

    def on_data(self, slice):
        # Each close's bricks were made before on_data gets that close's slice.
        self.seen_in_on_data.append((self.time, len(self.bricks)))


def test_the_engine_feeds_consolidators_each_close_before_on_data():
    algorithm, outcome = run_algorithm(RenkoAlgorithm)

    assert outcome.runtime_error is None
    assert algorithm.bricks, "no brick in a quarter of synthetic SPY moving more than $1"
    for time, brick in algorithm.bricks:
        assert time.hour == 16 and brick.symbol == algorithm.spy
        assert brick.time.hour == 9 and brick.time.minute == 30  # a daily bar's start
        # Its last input is the bar that closed when it fired.
        assert brick.end_time.date() == time.date()
    counts = dict(algorithm.seen_in_on_data)
    for time, _ in algorithm.bricks:
        assert counts[time] >= sum(1 for t, _ in algorithm.bricks if t <= time)


class SubscriptionsAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2020, 1, 1)
        self.set_end_date(2020, 1, 10)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.add_equity("QQQ", Resolution.DAILY)
        manager = self.subscription_manager
        self.configs = manager.subscription_data_config_service.get_subscription_data_configs(
            self.spy
        )
        self.all_configs = manager.subscriptions
        self.unknown = manager.subscription_data_config_service.get_subscription_data_configs("IWM")
        self.removed = ClassicRenkoConsolidator(0.01)
        self.removed.data_consolidated += self.on_brick
        manager.add_consolidator(self.spy, self.removed)
        manager.remove_consolidator(self.spy, self.removed)
        self.bricks = 0

    def on_brick(self, sender, brick):
        self.bricks += 1


def test_subscription_manager_lists_one_daily_trade_bar_feed_per_security():
    algorithm, outcome = run_algorithm(SubscriptionsAlgorithm)

    assert outcome.runtime_error is None
    (config,) = algorithm.configs
    assert config.symbol == algorithm.spy and config.resolution == Resolution.DAILY
    assert config.type is TradeBar and config.increment == dt.timedelta(days=1)
    assert [c.symbol.value for c in algorithm.all_configs] == ["SPY", "QQQ"]
    assert algorithm.unknown == []
    # A removed consolidator gets no more bars and has no handlers left.
    assert algorithm.bricks == 0 and config.consolidators.count == 0
    assert len(algorithm.removed.data_consolidated) == 0


class NotSubscribedAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2020, 1, 1)
        self.set_end_date(2020, 1, 10)
        self.subscription_manager.add_consolidator("SPY", ClassicRenkoConsolidator(1.0))


class NotAConsolidatorAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2020, 1, 1)
        self.set_end_date(2020, 1, 10)
        self.add_equity("SPY", Resolution.DAILY)
        self.subscription_manager.add_consolidator("SPY", lambda bar: bar)


@pytest.mark.parametrize(
    ("algorithm_class", "message"),
    [
        (NotSubscribedAlgorithm, "Please subscribe to this symbol before adding a consolidator"),
        (NotAConsolidatorAlgorithm, "is not a consolidator: pass one such as"),
    ],
)
def test_add_consolidator_refuses_what_lean_refuses(algorithm_class, message):
    _, outcome = run_algorithm(algorithm_class)

    assert outcome.runtime_error is not None and message in outcome.runtime_error


# ----- RenkoConsolidator (wicked bricks) and consolidate's bar-type form -----------------------


def test_wicked_renko_bricks_keep_their_wicks_and_reverse_past_the_last_open():
    renko = RenkoConsolidator(1.0)
    bricks = collect(renko)

    for day, close in enumerate([10.2, 11.5, 12.3, 10.4, 9.5]):
        renko.update(bar(close, day))

    assert [(b.open, b.high, b.low, b.close) for b in bricks] == [
        (10.0, 11.0, 10.0, 11.0),  # the first price rounds to the nearest brick, 10
        (11.0, 12.0, 11.0, 12.0),
        (11.0, 12.3, 10.0, 10.0),  # a reversal from the last open, 11, with the high's wick
    ]
    assert all(b.type == RenkoType.WICKED and b.volume == 0 for b in bricks)
    days = [DAY + dt.timedelta(days=n) for n in range(5)]
    assert [(b.time, b.end_time) for b in bricks] == [
        (days[0], days[1]),
        (days[1], days[2]),
        (days[2], days[4]),
    ]
    assert renko.working_data.close == 10.0
    with pytest.raises(ValueError, match="cannot be updated"):
        bricks[0].update(DAY, 12.0, 0)


def test_closest_multiple_rounds_halves_to_even_as_dotnet():
    # The remainder, below one brick, rounds: a half goes to 0, the even neighbour.
    assert RenkoConsolidator.get_closest_multiple(10.5, 1.0) == 10.0
    assert RenkoConsolidator.get_closest_multiple(11.5, 1.0) == 11.0
    assert RenkoConsolidator.get_closest_multiple(11.6, 1.0) == 12.0
    assert RenkoConsolidator.get_closest_multiple(12.6, 0.25) == 12.5
    with pytest.raises(ValueError, match="strictly greater than zero"):
        RenkoConsolidator(0)


class SizedConsolidateAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2020, 1, 1)
        self.set_end_date(2020, 3, 31)
        self.add_equity("SPY", Resolution.DAILY)
        self.made = {
            RenkoBar: self.consolidate(RenkoBar, "SPY", 1.0, None, lambda bar: None),
            RangeBar: self.consolidate(RangeBar, "SPY", 100, None, lambda bar: None),
            TradeBar: self.consolidate(TradeBar, "SPY", 5, None, self.on_five),
        }
        self.fives = []

    def on_five(self, bar):
        self.fives.append(bar)


def test_consolidate_by_bar_type_makes_leans_sized_consolidators():
    algorithm, outcome = run_algorithm(SizedConsolidateAlgorithm)

    assert outcome.runtime_error is None
    assert isinstance(algorithm.made[RenkoBar], RenkoConsolidator)
    assert isinstance(algorithm.made[RangeBar], RangeConsolidator)
    assert algorithm.made[RangeBar].range == 100
    assert algorithm.fives and all(
        (b.end_time - b.time).days in range(4, 10) for b in algorithm.fives
    )


# ----- resolve_consolidator, and unregister_indicator removing an indicator's consolidators ---


LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
needs_minute_sample = pytest.mark.skipif(
    not (LEAN_DATA / "equity" / "usa" / "minute" / "spy").is_dir(),
    reason="LEAN's sample data (../shared/data/lean) is not here",
)


class _MinuteIdentities(QCAlgorithm):
    """An Identity at the subscription's own (minute) resolution and a daily SMA, each through
    a consolidator from resolve_consolidator; the identity is unregistered after two sessions."""

    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 10)
        self.spy = self.add_equity("SPY", Resolution.MINUTE).symbol
        self.own = self.resolve_consolidator(self.spy, None)
        self.daily = self.resolve_consolidator(self.spy, Resolution.DAILY)
        self.price = Identity("spy")
        self.sma = SimpleMovingAverage(2)
        self.register_indicator(self.spy, self.price, self.own)
        self.register_indicator(self.spy, self.sma, self.daily)
        self.counts: list[int] = []
        self.identity_updates = 0
        self.price.updated += self.count_update

    def count_update(self, sender, point) -> None:
        self.identity_updates += 1

    def on_data(self, slice) -> None:
        if self.time == dt.datetime(2013, 10, 8, 16):  # after the second session's last bar
            self.unregister_indicator(self.price)

    def on_end_of_day(self, symbol) -> None:
        subscription = self.subscription_manager.subscriptions[0]
        self.counts.append(subscription.consolidators.count)


@needs_minute_sample
def test_resolve_consolidator_and_unregister_indicator_removing_its_consolidator():
    from local_lean.consolidators.period import IdentityDataConsolidator, SessionBarConsolidator

    algorithm, outcome = run_algorithm(_MinuteIdentities, data=LEAN_DATA)

    assert outcome.runtime_error is None
    assert isinstance(algorithm.own, IdentityDataConsolidator)  # the data's own minute bars
    assert isinstance(algorithm.daily, SessionBarConsolidator)  # a session of minute bars
    # both consolidators count on the subscription until the identity is unregistered
    assert algorithm.counts == [2, 2, 1, 1]
    assert algorithm.identity_updates == 2 * 390  # two sessions of minute bars, then none
    assert algorithm.sma.samples == 4


def test_resolve_consolidator_refuses_what_lean_refuses():
    class Daily(QCAlgorithm):
        def initialize(self) -> None:
            self.set_start_date(2020, 1, 2)
            self.set_end_date(2020, 1, 3)
            spy = self.add_equity("SPY", Resolution.DAILY).symbol
            self.own = self.resolve_consolidator(spy, None)
            with pytest.raises(ValueError, match="Consolidators require higher resolution"):
                self.resolve_consolidator(spy, Resolution.HOUR)
            with pytest.raises(NotSupportedError, match="TradeBar"):
                self.resolve_consolidator(spy, None, QuoteBar)
            with pytest.raises(ValueError, match="register to receive data"):
                self.resolve_consolidator("QQQ", Resolution.DAILY)

    algorithm, outcome = run_algorithm(Daily)

    assert outcome.runtime_error is None
    assert type(algorithm.own).__name__ == "IdentityDataConsolidator"
