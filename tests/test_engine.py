"""The backtest loop as a whole: determinism, data sources, benchmark, errors, results."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.engine import BacktestSetupError, run_backtest
from local_lean.enums import Resolution
from local_lean.time_budget import TimeLimitSettings

ROOT = Path(__file__).resolve().parent.parent
ALGORITHMS = ROOT / "tests" / "algorithms"
LEAN_DATA = ROOT.parent / "shared" / "data" / "lean"


def main_json(results_path: Path) -> dict:
    file = next(p for p in results_path.glob("*.json") if p.stem.isdigit())
    return json.loads(file.read_text())


def without_run_specifics(result: dict) -> dict:
    """Drop what differs between identical runs: wall-clock timings and the run's timestamps."""
    result = dict(result)
    for key in ("time budget", "state"):
        result.pop(key, None)
    result["logs"] = [line for line in result["logs"] if not line.startswith("Time budget")]
    return result


def test_same_inputs_give_identical_results(tmp_path):
    paths = []
    for run in ("a", "b"):
        outcome = run_backtest(
            ALGORITHMS / "trivial_insights.py",
            output=tmp_path / run,
            end=dt.date(2021, 2, 15),
            log=lambda line: None,
            draw_charts=False,
        )
        assert outcome.succeeded, outcome.runtime_error
        paths.append(outcome.results_path)
    first, second = (without_run_specifics(main_json(p)) for p in paths)
    assert first["orders"] and first["insights"]
    assert first == second


class BuysSpyOnRealData(QCAlgorithm):
    def initialize(self) -> None:
        self.settings.seed_initial_prices = True  # prices on the first morning, as LEAN seeds
        self.set_start_date(2020, 3, 2)
        self.set_end_date(2020, 3, 31)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.schedule.on(
            self.date_rules.month_start(self.spy),
            self.time_rules.after_market_open(self.spy, 5),
            lambda: self.set_holdings(self.spy, 1.0),
        )


@pytest.mark.skipif(not LEAN_DATA.is_dir(), reason="LEAN sample data not present")
def test_a_backtest_on_leans_own_data_files():
    algorithm, outcome = run_algorithm(BuysSpyOnRealData, data=LEAN_DATA, fee_bps=0)
    assert outcome.succeeded, outcome.runtime_error
    record = outcome.record
    assert len(record.equity) == 22  # March 2020 sessions
    bars = pd.Series(dtype=float)
    from local_lean.data import open_price_source

    bars = open_price_source(LEAN_DATA).daily_bars("SPY")
    (order,) = record.orders
    # Placed at 09:35 on daily data: a MarketOnClose order, filled at that session's close.
    assert order["type"] == "market_on_close"
    assert order["fill_price"] == bars.loc[pd.Timestamp("2020-03-02"), "close"]
    # Fully invested: equity moves with SPY from the first close on.
    equity_returns = record.equity.pct_change().dropna().to_numpy()
    spy_returns = record.benchmark.pct_change().dropna().to_numpy()
    assert np.corrcoef(equity_returns, spy_returns)[0, 1] > 0.99
    assert record.benchmark_name == "SPY"


def test_without_spy_in_the_data_there_is_no_benchmark(tmp_path):
    dates = pd.bdate_range("2021-01-04", "2021-01-29")
    frame = pd.DataFrame(
        {"date": dates.strftime("%Y-%m-%d"), "open": 10.0, "high": 11.0, "low": 9.0,
         "close": 10.5, "volume": 1000},
    )  # fmt: skip
    frame.to_csv(tmp_path / "ABC.csv", index=False)

    class TradesAbc(QCAlgorithm):
        def initialize(self) -> None:
            self.set_start_date(2021, 1, 5)
            self.set_end_date(2021, 1, 29)
            self.abc = self.add_equity("ABC").symbol

        def on_data(self, data) -> None:
            if not self.portfolio.invested:
                self.market_order(self.abc, 100)

    algorithm, outcome = run_algorithm(TradesAbc, data=tmp_path)
    assert outcome.succeeded, outcome.runtime_error
    assert outcome.record.benchmark is None
    assert any("No benchmark: SPY" in line for line in outcome.record.logs)
    assert algorithm.portfolio["ABC"].quantity == 100


class EndsBeforeItStarts(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        self.set_end_date(2021, 2, 1)


def test_an_algorithm_whose_end_is_before_its_start_is_refused():
    with pytest.raises(BacktestSetupError, match="before the start date"):
        run_algorithm(EndsBeforeItStarts)


class FailsInInitialize(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 3, 1)
        raise RuntimeError("no luck")


def test_an_error_in_initialize_is_a_runtime_error_with_results(tmp_path):
    _, outcome = run_algorithm(FailsInInitialize, output=tmp_path)
    assert "RuntimeError: no luck at 2021-03-01 00:00:00" in outcome.runtime_error
    assert outcome.results_path is not None and outcome.results_path.is_dir()
    assert len(outcome.record.equity) == 0


class CallsEveryHook(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 1, 8)
        self.set_warm_up(dt.timedelta(days=7))
        self.add_equity("SPY")
        self.calls: list[tuple[str, dt.datetime, bool]] = []

    def on_warmup_finished(self) -> None:
        self.calls.append(("warm-up done", self.time, self.is_warming_up))

    def on_data(self, data) -> None:
        self.calls.append(("data", self.time, self.is_warming_up))

    def on_end_of_algorithm(self) -> None:
        self.calls.append(("end", self.time, self.is_warming_up))


def test_hooks_run_in_order_with_warm_up_by_timedelta():
    algorithm, outcome = run_algorithm(CallsEveryHook)
    assert outcome.succeeded, outcome.runtime_error
    names = [name for name, _, _ in algorithm.calls]
    warm = [t.date() for name, t, warming in algorithm.calls if name == "data" and warming]
    # Seven calendar days before 2021-01-04: sessions 2020-12-28 to 2020-12-31.
    assert warm == [dt.date(2020, 12, d) for d in (28, 29, 30, 31)]
    assert names.index("warm-up done") == 4
    assert names[-1] == "end" and names.count("data") == 9
    assert outcome.sessions == 5 and len(outcome.record.equity) == 5


class SlowTraining(QCAlgorithm):
    def initialize(self) -> None:
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 1, 8)
        self.add_equity("SPY")
        self.train(self.date_rules.every_day(), self.time_rules.at(8, 0), self.slow_fit)

    def slow_fit(self) -> None:
        # Far longer than the 0.06 s limit below, so that the timers that stop or warn come
        # during the fit even when a loaded machine wakes them late; in short sleeps, so that an
        # enforced limit stops it at once.
        done = time.perf_counter() + 1.0
        while time.perf_counter() < done:
            time.sleep(0.01)


def test_time_limits_apply_to_scheduled_training(tmp_path):
    strict = TimeLimitSettings(time_loop_maximum_minutes=0.001, enforce=True)
    _, outcome = run_algorithm(SlowTraining, time_limits=strict, output=tmp_path)
    assert "TimeLimitExceeded" in outcome.runtime_error
    assert "2021-01-04 08:00:00" in outcome.runtime_error
    assert outcome.results_path is not None
    budget = outcome.record.sections["time budget"]
    assert budget["lean_would_stop"] and budget["event_count"] == 1
    # Without enforcement the runner warns and goes on.
    warning = TimeLimitSettings(time_loop_maximum_minutes=0.001)
    _, outcome = run_algorithm(SlowTraining, time_limits=warning)
    assert outcome.succeeded and outcome.record.sections["time budget"]["event_count"] == 5
    assert outcome.record.sections["time budget"]["lean_would_stop"]
    assert any("2021-01-04" in line and "slow_fit" in line for line in outcome.record.logs)
