"""A security's custom properties (LEAN's Security as a DynamicObject): cases from LEAN's
Tests/Common/Securities/SecurityTests.cs, in the Python forms LEAN's algorithms use."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import Resolution
from local_lean.indicators import ExponentialMovingAverage, SimpleMovingAverage
from local_lean.securities import Security
from local_lean.security_properties import InvalidCastError
from local_lean.symbols import equity_symbol

SPY = equity_symbol("SPY")


def new_security() -> Security:
    return Security(SPY, Resolution.DAILY, True)


def test_generic_interface_stores_and_reads_each_type():
    security = new_security()
    ema = ExponentialMovingAverage(10)
    values = {
        "Bool": (True, bool),
        "Integer": (1, int),
        "Double": (2.0, float),
        "Decimal": (decimal.Decimal("3.0"), decimal.Decimal),
        "String": ("string", str),
        "DateTime": (dt.datetime(2023, 6, 20), dt.datetime),
        "EMA": (ema, ExponentialMovingAverage),
    }
    for key, (value, _) in values.items():
        security.add(key, value)
    for key, (value, wanted) in values.items():
        assert security.try_get[wanted](key) == (True, value)
        assert security.get[wanted](key) == value
    assert security.get[ExponentialMovingAverage]("EMA") is ema
    assert security.try_get[bool]("NotAProperty") == (False, None)
    with pytest.raises(KeyError):
        security.get[bool]("NotAProperty")
    with pytest.raises(InvalidCastError):
        security.try_get[SimpleMovingAverage]("EMA")


def test_incompatible_type_names_the_key():
    security = new_security()
    security.set("StringProperty", "a string value")
    with pytest.raises(InvalidCastError, match="'StringProperty'"):
        security.get[decimal.Decimal]("StringProperty")


def test_dynamic_interface_and_indexer_share_the_store():
    security = new_security()
    security.slow_ema = ExponentialMovingAverage(30)
    security["bb"] = 5
    assert security.get[ExponentialMovingAverage]("slow_ema") is security.slow_ema
    assert security.bb == 5
    assert security["slow_ema"] is security.slow_ema
    with pytest.raises(AttributeError):
        security.not_a_property  # noqa: B018
    with pytest.raises(KeyError):
        security["NotAProperty"]  # noqa: B018
    # A name the security has is its own member, never a custom property.
    security.leverage = 3.0
    assert security.leverage == 3.0
    assert security.try_get[object]("leverage") == (False, None)


def test_remove_and_clear():
    security = new_security()
    security.add("Bool", True)
    security.add("DateTime", dt.datetime(2023, 6, 20))
    assert security.remove("Bool") is True
    assert security.try_get[bool]("Bool") == (False, None)
    assert security.remove("Bool") is False
    assert security.remove[dt.datetime]("DateTime") == (True, dt.datetime(2023, 6, 20))
    security.add("x", 1)
    security.clear()
    assert security.try_get[int]("x") == (False, None)
    with pytest.raises(AttributeError):
        security.x  # noqa: B018


class PlotsIndicators(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2020, 1, 2)
        self.set_end_date(2020, 1, 10)
        self.spy = self.add_equity("SPY", Resolution.DAILY)
        self.fast = self.ema(self.spy.symbol, 2)
        self.slow = self.sma(self.spy.symbol, 3)

    def on_data(self, data):
        self.plot("averages", self.fast, self.slow)


def test_plot_with_indicators_plots_each_current_value_by_name():
    algorithm, outcome = run_algorithm(PlotsIndicators)
    assert outcome.runtime_error is None
    chart = outcome.record.charts["averages"]
    assert set(chart) == {algorithm.fast.name, algorithm.slow.name}
    assert chart[algorithm.slow.name][-1][1] == pytest.approx(algorithm.slow.current.value)
    assert len(chart[algorithm.fast.name]) > 0
