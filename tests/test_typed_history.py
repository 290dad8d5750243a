"""LEAN's typed history, ``self.history[TradeBar](...)`` and ``self.history[QuoteBar](...)``:
bars instead of a DataFrame, the same prices as the DataFrame history, nothing from the future."""

import datetime as dt
from pathlib import Path

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.enums import Resolution
from local_lean.market_data import Slice, TradeBar, TradeBars
from local_lean.quote_bars import QuoteBar

LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
needs_sample = pytest.mark.skipif(
    not (LEAN_DATA / "equity" / "usa" / "minute" / "spy").is_dir(),
    reason="LEAN's sample data (../shared/data/lean) is not here",
)


class _AskOnce(QCAlgorithm):
    """Asks for history once, at its first on_data, with `ask(self)`; keeps the answer."""

    resolution = Resolution.DAILY
    start = (2024, 3, 4)
    end = (2024, 3, 8)

    def initialize(self) -> None:
        self.set_start_date(*self.start)
        self.set_end_date(*self.end)
        self.spy = self.add_equity("SPY", self.resolution).symbol
        self.answer = None

    def on_data(self, data: Slice) -> None:
        if self.answer is None:
            self.asked_at = self.time
            self.answer = self.ask()
            self.frame = self.history(self.spy, 5, self.resolution)

    def ask(self):
        return self.history[TradeBar](self.spy, 5, self.resolution)


def test_daily_trade_bars_are_the_frames_rows_oldest_first_and_before_now():
    algorithm, outcome = run_algorithm(_AskOnce)
    assert outcome.runtime_error is None
    bars, frame = algorithm.answer, algorithm.frame.loc[algorithm.spy]
    assert len(bars) == 5 and all(isinstance(bar, TradeBar) for bar in bars)
    assert [bar.end_time for bar in bars] == list(frame.index.to_pydatetime())
    assert [bar.close for bar in bars] == list(frame["close"])
    assert [bar.volume for bar in bars] == list(frame["volume"])
    assert all(bar.symbol == algorithm.spy for bar in bars)
    # a daily bar: the session's date at midnight to its close, and none ends after now
    assert all(bar.time == dt.datetime.combine(bar.end_time.date(), dt.time()) for bar in bars)
    assert bars[-1].end_time <= algorithm.asked_at


def test_several_symbols_give_one_dictionary_of_bars_per_time():
    class TwoSymbols(_AskOnce):
        def ask(self):
            self.tlt = self.add_equity("TLT", Resolution.DAILY).symbol
            return self.history[TradeBar]([self.spy, self.tlt], 3, Resolution.DAILY)

    algorithm, outcome = run_algorithm(TwoSymbols)
    assert outcome.runtime_error is None
    steps = algorithm.answer
    assert len(steps) == 3 and all(isinstance(step, TradeBars) for step in steps)
    for step in steps:
        assert set(step.keys()) == {algorithm.spy, algorithm.tlt}
        assert step[algorithm.spy].end_time == step["TLT"].end_time
    assert steps[0][algorithm.spy].end_time < steps[1][algorithm.spy].end_time


@pytest.mark.parametrize(
    ("data_type", "fix"), [(QuoteBar, "Resolution.MINUTE"), (dict, "history[TradeBar]")]
)
def test_a_type_the_data_lacks_is_a_clear_error(data_type, fix):
    class AskType(_AskOnce):
        def ask(self):
            return self.history[data_type](self.spy, 5, Resolution.DAILY)

    algorithm, outcome = run_algorithm(AskType)
    assert "history[" in outcome.runtime_error and fix in outcome.runtime_error


@needs_sample
def test_minute_quote_and_trade_bars_carry_the_frames_quote_and_trade_columns():
    class Minute(_AskOnce):
        resolution = Resolution.MINUTE
        start = end = (2013, 10, 8)

        def ask(self):
            self.trades = self.history[TradeBar](self.spy, 5)  # the subscription's resolution
            return self.history[QuoteBar](self.spy, 5, Resolution.MINUTE)

    algorithm, outcome = run_algorithm(Minute, data=LEAN_DATA)
    assert outcome.runtime_error is None
    quotes, trades = algorithm.answer, algorithm.trades
    frame = algorithm.frame.loc[algorithm.spy]
    assert [q.end_time for q in quotes] == list(frame.index.to_pydatetime())
    assert [q.bid.close for q in quotes] == list(frame["bidclose"])
    assert [q.ask.open for q in quotes] == list(frame["askopen"])
    assert [q.last_bid_size for q in quotes] == list(frame["bidsize"])
    assert [t.close for t in trades] == list(frame["close"])
    assert all(bar.end_time - bar.time == dt.timedelta(minutes=1) for bar in quotes + trades)
    assert quotes[-1].end_time == algorithm.asked_at
