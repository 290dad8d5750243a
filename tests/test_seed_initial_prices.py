"""Initial prices as LEAN's: a new security has no price until its first bar unless
`settings.seed_initial_prices` is set (Common/AlgorithmSettings.cs, false by default; checked
when the security is created, Common/Securities/SecurityService.cs InitializeSecurity), or a
security initializer seeds it (BrokerageModelSecurityInitializer with a FuncSecuritySeeder).
The seed is the last bar within LEAN's GetLastKnownPrices lookback (5, then 10, then 50 daily
bars: Algorithm/QCAlgorithm.History.cs). An order for a security with price 0 is refused with
LEAN's SecurityPriceZero response (QCAlgorithm.Trading.cs PreOrderChecks)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import OrderStatus, Resolution
from local_lean.orders import OrderResponseErrorCode
from local_lean.security_initializers import BrokerageModelSecurityInitializer, FuncSecuritySeeder

START = dt.date(2021, 6, 1)


def _write_ticker(folder, ticker: str, last_day: dt.date, close: float) -> pd.DataFrame:
    days = pd.bdate_range("2021-01-04", last_day)
    frame = pd.DataFrame(
        {
            "date": days.strftime("%Y-%m-%d"),
            "open": close,
            "high": close + 1,
            "low": close - 1,
            "close": [close + 0.01 * i for i in range(len(days))],
            "volume": 1_000_000,
        }
    )
    frame.to_csv(folder / f"{ticker}.csv", index=False)
    return frame


def _csv_market(tmp_path):
    """SPY trading through the test; RECENT whose last bar is 10 sessions before the start;
    OLD whose last bar is about 80 sessions before it."""
    spy = _write_ticker(tmp_path, "SPY", dt.date(2021, 6, 30), 400.0)
    recent = _write_ticker(tmp_path, "RECENT", dt.date(2021, 5, 17), 50.0)
    _write_ticker(tmp_path, "OLD", dt.date(2021, 2, 5), 20.0)
    return spy, recent


class BuysOnTheFirstMorning(QCAlgorithm):
    seed = False

    def initialize(self) -> None:
        self.set_start_date(START)
        self.set_end_date(2021, 6, 4)
        self.settings.seed_initial_prices = self.seed
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.recent = self.add_equity("RECENT", Resolution.DAILY).symbol
        self.old = self.add_equity("OLD", Resolution.DAILY).symbol
        self.prices_at_start = {
            s.value: self.securities[s].price for s in (self.spy, self.recent, self.old)
        }
        self.tickets = []
        self.schedule.on(self.date_rules.on(2021, 6, 1), self.time_rules.at(9, 35), self.buy_spy)

    def buy_spy(self) -> None:
        self.tickets.append(self.market_order(self.spy, 10))


class SeedsInitialPrices(BuysOnTheFirstMorning):
    seed = True


def test_without_the_setting_a_new_security_has_no_price_and_orders_are_refused(tmp_path):
    _csv_market(tmp_path)
    algorithm, outcome = run_algorithm(BuysOnTheFirstMorning, data=tmp_path)
    assert outcome.succeeded, outcome.runtime_error
    assert algorithm.prices_at_start == {"SPY": 0, "RECENT": 0, "OLD": 0}
    (ticket,) = algorithm.tickets
    assert ticket.status == OrderStatus.INVALID
    response = ticket.get_most_recent_order_response()
    assert response.error_code == OrderResponseErrorCode.SECURITY_PRICE_ZERO
    assert response.error_message.startswith(
        "SPY: The security does not have an accurate price as it has not yet received a bar "
        "of data."
    )
    # the first bar (the first session's close) gives the price
    assert algorithm.securities["SPY"].price > 0


def test_the_setting_seeds_the_last_bar_within_leans_lookback(tmp_path):
    spy, recent = _csv_market(tmp_path)
    algorithm, outcome = run_algorithm(SeedsInitialPrices, data=tmp_path)
    assert outcome.succeeded, outcome.runtime_error
    spy_before_start = spy[spy["date"] < START.isoformat()]["close"].iloc[-1]
    assert algorithm.prices_at_start["SPY"] == spy_before_start
    assert algorithm.prices_at_start["RECENT"] == recent["close"].iloc[-1]  # 10 sessions old
    assert algorithm.prices_at_start["OLD"] == 0  # its last bar is older than 50 sessions
    (ticket,) = algorithm.tickets
    assert ticket.status == OrderStatus.FILLED


class SeedsThroughAnInitializer(BuysOnTheFirstMorning):
    def initialize(self) -> None:
        self.set_security_initializer(
            BrokerageModelSecurityInitializer(
                self.brokerage_model, FuncSecuritySeeder(self.get_last_known_prices)
            )
        )
        super().initialize()


def test_a_security_initializer_with_a_func_seeder_seeds_as_leans(tmp_path):
    spy, recent = _csv_market(tmp_path)
    algorithm, outcome = run_algorithm(SeedsThroughAnInitializer, data=tmp_path)
    assert outcome.succeeded, outcome.runtime_error
    assert (
        algorithm.prices_at_start["SPY"] == spy[spy["date"] < START.isoformat()]["close"].iloc[-1]
    )
    assert algorithm.prices_at_start["RECENT"] == recent["close"].iloc[-1]
    assert algorithm.prices_at_start["OLD"] == 0
    assert algorithm.tickets[0].status == OrderStatus.FILLED


def test_a_seeder_needs_a_function():
    try:
        FuncSecuritySeeder(42)
    except TypeError as error:
        assert "get_last_known_prices" in str(error)
    else:
        raise AssertionError("FuncSecuritySeeder(42) was accepted")
