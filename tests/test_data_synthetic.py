"""The synthetic market: deterministic, listed at real dates, correlated like the real funds."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from local_lean.data import SyntheticMarket
from local_lean.data.synthetic import LISTINGS
from local_lean.errors import MissingDataError
from local_lean.market_calendar import nyse_calendar

SECTORS = ["XLB", "XLE", "XLF", "XLI", "XLK", "XLP", "XLU", "XLV", "XLY"]
LONG_TREASURIES = ["IEF", "SHY", "TLT", "IEI", "TLH", "BIL", "SPTL", "TMF", "SCHO", "SCHR"]
LONG_TREASURIES += ["SPTS", "GOVT"]
INVERSE_TREASURIES = ["SHV", "TBT", "TBF", "TMV"]


@pytest.fixture(scope="module")
def market():
    return SyntheticMarket(seed=0)


@pytest.fixture(scope="module")
def returns(market):
    closes = pd.DataFrame({ticker: market.daily_bars(ticker)["close"] for ticker in LISTINGS})
    return closes.pct_change(fill_method=None)


def test_offers_the_strategy_universe_and_common_tickers(market):
    for ticker in ["SPY", "QQQ", "IWM", "AAPL", *SECTORS, *LONG_TREASURIES, *INVERSE_TREASURIES]:
        assert market.has_ticker(ticker.lower())


def test_same_seed_same_bars_and_other_seed_other_bars(market):
    again = SyntheticMarket(seed=0)
    pd.testing.assert_frame_equal(market.daily_bars("XLK"), again.daily_bars("XLK"))
    other = SyntheticMarket(seed=1).daily_bars("XLK")
    assert not np.allclose(other["close"].to_numpy(), market.daily_bars("XLK")["close"].to_numpy())


def test_bars_do_not_depend_on_what_was_asked_before():
    first = SyntheticMarket(seed=5)
    first.daily_bars("TLT")
    second = SyntheticMarket(seed=5)
    pd.testing.assert_frame_equal(first.daily_bars("SPY"), second.daily_bars("SPY"))


def test_same_numbers_in_another_process(market):
    code = (
        "from local_lean.data import SyntheticMarket;"
        "print(repr(float(SyntheticMarket(seed=0).daily_bars('TBT')['close'].sum())))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert float(result.stdout) == float(market.daily_bars("TBT")["close"].sum())


@pytest.mark.parametrize("ticker", ["SPY", "XLK", "TLT", "BIL", "TBT", "TMF", "GOVT"])
def test_each_ticker_starts_at_its_first_trading_day(market, ticker):
    first_day = LISTINGS[ticker].first_day
    expected = first_day if nyse_calendar().is_session(first_day) else None
    expected = expected or nyse_calendar().next_session(first_day)
    assert market.daily_bars(ticker).index[0] == pd.Timestamp(expected)


def test_listing_dates_match_the_funds(market):
    assert market.daily_bars("XLE").index[0] == pd.Timestamp("1998-12-22")
    assert market.daily_bars("TLT").index[0].year == 2002
    assert market.daily_bars("SPTS").index[0].year == 2011
    assert market.daily_bars("SPY").index[0] == pd.Timestamp("1998-01-02")
    assert market.daily_bars("SPY").index[-1] >= pd.Timestamp("2030-12-30")


def test_only_nyse_sessions(market):
    dates = market.daily_bars("SPY").index
    sessions = nyse_calendar().session_dates(dates[0].date(), dates[-1].date())
    assert [day.date() for day in dates] == sessions


def test_ohlc_consistent_and_volume_positive(market):
    for ticker in LISTINGS:
        bars = market.daily_bars(ticker)
        assert (bars["low"] <= bars[["open", "close"]].min(axis=1)).all(), ticker
        assert (bars["high"] >= bars[["open", "close"]].max(axis=1)).all(), ticker
        assert (bars["low"] > 0).all() and (bars["volume"] > 0).all(), ticker


def test_sectors_move_with_spy(returns):
    for sector in SECTORS:
        assert returns[sector].corr(returns["SPY"]) > 0.5, sector


def test_treasuries_move_against_spy_and_inverse_funds_against_tlt(returns):
    assert returns["TLT"].corr(returns["SPY"]) < 0
    assert returns["TBT"].corr(returns["TLT"]) < -0.95
    assert returns["TMV"].corr(returns["TLT"]) < -0.95
    assert returns["TMF"].corr(returns["TLT"]) > 0.95


def test_volatility_follows_duration_and_leverage(returns):
    volatility = returns.std() * np.sqrt(252)
    assert 0.12 < volatility["SPY"] < 0.28
    assert volatility["BIL"] < volatility["SHY"] < volatility["IEF"] < volatility["TLT"]
    assert volatility["TMF"] == pytest.approx(3 * volatility["TLT"], rel=0.1)
    assert volatility["TBT"] == pytest.approx(2 * volatility["TLT"], rel=0.1)
    assert volatility["SHV"] < 0.01


def test_volatility_clusters(returns):
    spy = returns["SPY"].dropna().abs()
    assert spy.autocorr(lag=1) > 0.05  # calm and stormy days come in runs


def test_unknown_ticker_lists_what_is_offered(market):
    with pytest.raises(MissingDataError, match="no ticker MSFT; it offers AAPL, BIL"):
        market.daily_bars("MSFT")
    assert not market.has_ticker("MSFT")
