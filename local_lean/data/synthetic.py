"""A built-in synthetic market: deterministic daily bars for the ETFs the strategy trades.

It lets `main.py` run with no data download. Prices are invented, not a forecast of anything,
but shaped like the real instruments:

- One market factor with GARCH(1,1) volatility clustering (about 18% a year, drift about 7%)
  drives SPY; QQQ, IWM, AAPL and the nine sector SPDRs load on it with a beta and add their own
  noise, so they move with SPY (daily correlation 0.6-0.9).
- One interest-rate factor, mildly positively correlated with the market's shocks, drives the
  Treasury ETFs: a fund's daily return is carry minus duration x yield change, so BIL/SHV barely
  move and TLT/SPTL swing about 1% a day, falling when rates rise, which is also when stocks tend
  to rise: Treasuries are negatively correlated with SPY.
- The leveraged and inverse funds follow a long Treasury index's daily return exactly:
  TMF +3x, TBF -1x, TBT -2x, TMV -3x (less a daily fee), compounding daily as the real ones do.

Every series is generated once over a fixed span (1998-01-02 .. 2030-12-31, NYSE sessions) from
a seed, so the bars of a day never depend on the range a backtest asks for, and each ticker is
cut at its real first trading day (table `LISTINGS`, dates to within a few days). Per-ticker
random streams are seeded with zlib.crc32 of the ticker and seed, stable across processes
(numpy's PCG64 normal and lognormal streams have been unchanged since numpy 1.17).
"""

from __future__ import annotations

import datetime
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from local_lean.data.bars import make_bar_frame
from local_lean.errors import MissingDataError
from local_lean.market_calendar import nyse_calendar

ORIGIN = datetime.date(1998, 1, 2)
LAST_DAY = datetime.date(2030, 12, 31)

MARKET_DAILY_VOL = 0.0113  # ~18% a year
MARKET_DAILY_DRIFT = 0.07 / 252
GARCH_ALPHA, GARCH_BETA = 0.08, 0.90
RATE_DAILY_VOL = 0.0006  # a long yield moves ~6 basis points a day
RATE_MARKET_LOADING = 0.35  # yields rise on good equity days: bonds fall when stocks rise
LEVERAGED_DAILY_FEE = 0.0095 / 252


@dataclass(frozen=True)
class Equity:
    """A stock or equity ETF: return = beta x market + own noise."""

    first_day: datetime.date
    start_price: float  # virtual price on ORIGIN, before the listing cut
    beta: float
    own_vol: float  # daily volatility of the ticker's own noise
    own_drift: float  # yearly drift added to beta x market drift
    volume: float  # typical shares a day


@dataclass(frozen=True)
class Treasury:
    """A Treasury fund: return = carry - duration x yield change + small tracking noise."""

    first_day: datetime.date
    start_price: float
    duration: float  # years
    carry: float  # yearly yield earned
    volume: float


@dataclass(frozen=True)
class LeveragedTreasury:
    """A daily-reset fund returning `leverage` x the long Treasury index each day."""

    first_day: datetime.date
    start_price: float
    leverage: float
    volume: float


D = datetime.date
LONG_TREASURY_INDEX = Treasury(ORIGIN, 100.0, 17.0, 0.045, 0.0)  # what TMF/TBT/TBF/TMV track

# First trading days, to within days. BIL, SPTS, GOVT and TBF were checked against the sponsors'
# and fund-data pages; the others are the funds' well-known launch dates.
LISTINGS: dict[str, Equity | Treasury | LeveragedTreasury] = {
    "SPY": Equity(D(1998, 1, 2), 97.0, 1.0, 0.0005, 0.0, 80e6),  # listed 1993-01-29
    "QQQ": Equity(D(1999, 3, 10), 50.0, 1.2, 0.006, 0.02, 50e6),
    "IWM": Equity(D(2000, 5, 26), 45.0, 1.1, 0.006, -0.01, 30e6),
    "AAPL": Equity(D(1998, 1, 2), 0.13, 1.2, 0.018, 0.10, 120e6),  # adjusted, listed 1980
    "XLB": Equity(D(1998, 12, 22), 22.0, 1.05, 0.007, 0.0, 8e6),
    "XLE": Equity(D(1998, 12, 22), 24.0, 0.9, 0.011, 0.0, 20e6),
    "XLF": Equity(D(1998, 12, 22), 18.0, 1.15, 0.008, -0.01, 50e6),
    "XLI": Equity(D(1998, 12, 22), 25.0, 1.0, 0.005, 0.0, 10e6),
    "XLK": Equity(D(1998, 12, 22), 30.0, 1.2, 0.007, 0.03, 10e6),
    "XLP": Equity(D(1998, 12, 22), 24.0, 0.6, 0.005, 0.01, 10e6),
    "XLU": Equity(D(1998, 12, 22), 28.0, 0.55, 0.008, 0.01, 12e6),
    "XLV": Equity(D(1998, 12, 22), 27.0, 0.75, 0.006, 0.02, 9e6),
    "XLY": Equity(D(1998, 12, 22), 25.0, 1.1, 0.006, 0.01, 5e6),
    "SHY": Treasury(D(2002, 7, 26), 80.0, 1.9, 0.025, 3e6),
    "IEF": Treasury(D(2002, 7, 26), 80.0, 7.5, 0.035, 6e6),
    "TLT": Treasury(D(2002, 7, 26), 80.0, 17.0, 0.045, 15e6),
    "IEI": Treasury(D(2007, 1, 11), 100.0, 4.5, 0.03, 1e6),
    "TLH": Treasury(D(2007, 1, 11), 100.0, 13.0, 0.04, 5e5),
    "SHV": Treasury(D(2007, 1, 11), 110.0, 0.35, 0.02, 2e6),
    "BIL": Treasury(D(2007, 5, 25), 91.0, 0.12, 0.018, 5e6),
    "SPTL": Treasury(D(2007, 5, 25), 30.0, 16.0, 0.045, 2e6),
    "SCHO": Treasury(D(2010, 8, 5), 50.0, 1.9, 0.022, 1e6),
    "SCHR": Treasury(D(2010, 8, 5), 50.0, 5.5, 0.03, 6e5),
    "SPTS": Treasury(D(2011, 11, 30), 30.0, 1.9, 0.022, 1e6),
    "GOVT": Treasury(D(2012, 2, 16), 25.0, 6.0, 0.03, 4e6),
    "TBT": LeveragedTreasury(D(2008, 5, 1), 300.0, -2.0, 3e6),
    "TMF": LeveragedTreasury(D(2009, 4, 16), 60.0, 3.0, 2e6),
    "TMV": LeveragedTreasury(D(2009, 4, 16), 600.0, -3.0, 1e6),
    "TBF": LeveragedTreasury(D(2009, 8, 18), 60.0, -1.0, 1e6),
}


def stable_seed(*parts: object) -> int:
    """A seed that is the same in every process (Python's hash() is salted per process)."""
    return zlib.crc32("/".join(map(str, parts)).encode("utf-8"))


class SyntheticMarket:
    """A PriceSource inventing bars for the tickers in LISTINGS, deterministic for a seed."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = int(seed)
        self.description = f"built-in synthetic market (seed {self.seed})"
        self._dates = pd.DatetimeIndex(nyse_calendar().session_dates(ORIGIN, LAST_DAY))
        self._market_returns, self._rate_changes = self._factors()
        self._cache: dict[str, pd.DataFrame] = {}

    @staticmethod
    def tickers() -> list[str]:
        """The tickers this market offers."""
        return sorted(LISTINGS)

    def has_ticker(self, ticker: str) -> bool:
        return ticker.strip().upper() in LISTINGS

    def daily_bars(self, ticker: str) -> pd.DataFrame:
        """All bars of `ticker` from its first trading day to 2030-12-31."""
        key = ticker.strip().upper()
        if key not in LISTINGS:
            raise MissingDataError(
                f"the synthetic market has no ticker {key}; it offers {', '.join(self.tickers())}."
                " Pass a data folder for other tickers"
            )
        if key not in self._cache:
            self._cache[key] = self._bars(key)
        return self._cache[key]

    def _factors(self) -> tuple[np.ndarray, np.ndarray]:
        """Market returns with GARCH(1,1) clustering, and daily changes of a long yield."""
        rng = np.random.default_rng(stable_seed("market", self.seed))
        count = len(self._dates)
        market_shocks = rng.standard_normal(count)
        long_run_variance = MARKET_DAILY_VOL**2
        omega = long_run_variance * (1 - GARCH_ALPHA - GARCH_BETA)
        variance = long_run_variance
        market = np.empty(count)
        for day in range(count):
            shock = np.sqrt(variance) * market_shocks[day]
            market[day] = MARKET_DAILY_DRIFT + shock
            variance = omega + GARCH_ALPHA * shock**2 + GARCH_BETA * variance
        rate_shocks = RATE_MARKET_LOADING * market_shocks + np.sqrt(
            1 - RATE_MARKET_LOADING**2
        ) * rng.standard_normal(count)
        rate_changes = RATE_DAILY_VOL * rate_shocks
        return market, rate_changes

    def _daily_returns(self, listing: Equity | Treasury | LeveragedTreasury, rng) -> np.ndarray:
        count = len(self._dates)
        if isinstance(listing, Equity):
            own = listing.own_drift / 252 + listing.own_vol * rng.standard_normal(count)
            return listing.beta * self._market_returns + own
        if isinstance(listing, Treasury):
            tracking = 0.00003 * rng.standard_normal(count)
            return self._treasury_returns(listing) + tracking
        index = self._treasury_returns(LONG_TREASURY_INDEX)
        return listing.leverage * index - LEVERAGED_DAILY_FEE

    def _treasury_returns(self, listing: Treasury) -> np.ndarray:
        return listing.carry / 252 - listing.duration * self._rate_changes

    def _bars(self, ticker: str) -> pd.DataFrame:
        listing = LISTINGS[ticker]
        rng = np.random.default_rng(stable_seed(ticker, self.seed))
        returns = np.clip(self._daily_returns(listing, rng), -0.5, 1.0)
        close = listing.start_price * np.cumprod(1 + returns)
        previous_close = np.concatenate([[listing.start_price], close[:-1]])
        typical_move = np.abs(returns).mean() + 1e-5
        count = len(close)
        gap = 0.3 * typical_move * rng.standard_normal(count)
        open_ = previous_close * (1 + np.clip(gap, -0.2, 0.2))
        wick_up = np.abs(rng.standard_normal(count)) * 0.6 * typical_move
        wick_down = np.abs(rng.standard_normal(count)) * 0.6 * typical_move
        high = np.maximum(open_, close) * (1 + wick_up)
        low = np.minimum(open_, close) * (1 - np.minimum(wick_down, 0.5))
        # Busy days trade more: volume rises with the size of the move.
        activity = 1 + 2 * np.abs(returns) / typical_move
        volume = np.round(listing.volume * activity / 3 * rng.lognormal(0, 0.25, count)) + 100
        values = np.column_stack([open_, high, low, close, volume])
        listed = self._dates >= pd.Timestamp(listing.first_day)
        return make_bar_frame(self._dates[listed], values[listed])
