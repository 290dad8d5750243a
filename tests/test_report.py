"""The backtest report (local_lean/report), drawn from the results of real small backtests."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from local_lean.report import write_report
from local_lean.report.exposure import fills_from_order_events, rebuild_exposure, recorded_prices
from local_lean.report.forecast_log import held_out_reports
from local_lean.report.performance import (
    chart_series,
    monthly_return_table,
    rolling_sharpe,
    sharpe_ratio,
    worst_drawdowns,
)
from local_lean.report.results_folder import read_results_folder
from tests.report_helpers import (
    ALGORITHMS,
    SECTIONS,
    backtest_folder,
    main_result,
    run_local_lean,
    run_report_command,
)


class PageReader(HTMLParser):
    """The parts of report.html the tests check: section ids, statistics, notes of what's
    missing, and any reference to a file or address outside the page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.statistics: dict[str, dict[str, str]] = {}
        self.missing: list[str] = []
        self.external: list[str] = []
        self._table: str | None = None
        self._statistic: str | None = None
        self._in_missing = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "section":
            self.sections.append(attributes["id"])
        if "data-statistics" in attributes:
            self._table = attributes["data-statistics"]
            self.statistics[self._table] = {}
        if "data-statistic" in attributes:
            self._statistic = attributes["data-statistic"]
            self.statistics[self._table][self._statistic] = ""
        if "data-missing" in attributes:
            self._in_missing = True
            self.missing.append("")
        for name in ("src", "href", "xlink:href"):
            value = attributes.get(name) or ""
            if value and not value.startswith(("#", "data:")):
                self.external.append(value)

    def handle_endtag(self, tag):
        if tag == "td":
            self._statistic = None
        if tag == "p":
            self._in_missing = False

    def handle_data(self, data):
        if self._statistic is not None:
            self.statistics[self._table][self._statistic] += data
        if self._in_missing:
            self.missing[-1] += data


@pytest.fixture(scope="module")
def main_folder(tiny_main_report_folder) -> Path:
    """main.py over January 2020 with a tiny model: its folder, report.html written."""
    return tiny_main_report_folder


@pytest.fixture(scope="module")
def buy_and_hold_folder(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("buy_and_hold")
    return backtest_folder(output, str(ALGORITHMS / "buy_and_hold.py"), "--no-report")


def read_page(folder: Path) -> PageReader:
    return PageReader((folder / "report.html").read_text(encoding="utf-8"))


# ----- the report of main.py -------------------------------------------------------------------


def test_every_backtest_writes_its_report(main_folder):
    page = read_page(main_folder)
    assert page.sections == SECTIONS[:8] + ["forecasts"] + SECTIONS[8:]
    assert page.external == [], "the page must not reference anything outside itself"


def test_the_statistics_are_the_results_strings_in_their_order(main_folder):
    result = main_result(main_folder)
    page = read_page(main_folder)
    for key in ("statistics", "runtimeStatistics"):
        assert list(page.statistics[key].items()) == list(result[key].items())


def test_the_forecast_panel_lists_every_held_out_report_of_the_log(main_folder):
    log = (main_folder / "log.txt").read_text().splitlines()
    trained = [line for line in log if " Trained Bull (SPY) " in line]
    reports = held_out_reports(log)
    assert len(reports) == len(trained) == 2  # initialize and the January month end
    first = reports[0]
    # The 20 held-out closes hold 19 one-session intervals after the one-session gap.
    assert (first.key, first.ticker, first.days) == ("Bull", "SPY", 19)
    assert f"RMSE {first.rmse:.5f} vs naive {first.naive_rmse:.5f}" in trained[0]
    html = (main_folder / "report.html").read_text()
    assert f"{first.ratio:.3f}" in html


def test_exposure_rebuilt_from_the_fills_matches_leans_equity(main_folder):
    results = read_results_folder(main_folder)
    fills = fills_from_order_events(results.order_events)
    equity = chart_series(results.result["charts"], "Strategy Equity", "Equity")
    exposure = rebuild_exposure(fills, recorded_prices(fills, results.insights), equity, 100000)
    filled = [o for o in results.result["orders"].values() if o["status"] == "filled"]
    assert len(fills) == len(filled)
    assert set(exposure.by_security.columns) == {o["symbol"] for o in filled}
    # Holdings valued at the last recorded price stay close to LEAN's own portfolio value.
    assert exposure.largest_equity_difference < 0.03
    assert (exposure.long.iloc[-5:] > 0.5).all(), "main.py is invested at the end of January"


def test_a_buy_and_hold_reports_half_its_equity_in_spy(buy_and_hold_folder):
    results = read_results_folder(buy_and_hold_folder)
    fills = fills_from_order_events(results.order_events)
    equity = chart_series(results.result["charts"], "Strategy Equity", "Equity")
    benchmark = chart_series(results.result["charts"], "Benchmark", "Benchmark")
    exposure = rebuild_exposure(
        fills, recorded_prices(fills, [], {"SPY": benchmark}), equity, 50000
    )
    assert list(exposure.by_security.columns) == ["SPY"]
    # Ordered at the first close, filled at the next open: half the portfolio from then on.
    assert exposure.by_security["SPY"].iloc[0] == 0.0
    assert exposure.by_security["SPY"].iloc[1] == pytest.approx(0.5, abs=0.02)
    held = fills[0].quantity * benchmark / equity
    assert exposure.by_security["SPY"].iloc[1:].to_numpy() == pytest.approx(held.iloc[1:])
    # SPY, the benchmark, has a price every day: the rebuilt value is LEAN's to the cent.
    assert exposure.largest_equity_difference < 1e-6
    assert not (buy_and_hold_folder / "report.html").exists(), "--no-report skips it"


def test_the_report_command_writes_report_html(buy_and_hold_folder):
    result = run_report_command(buy_and_hold_folder)
    assert result.returncode == 0, result.stderr
    assert f"Report: {buy_and_hold_folder / 'report.html'}" in result.stdout
    page = read_page(buy_and_hold_folder)
    assert page.sections == SECTIONS
    assert "The algorithm emitted no insights." in page.missing
    assert "The algorithm plotted no charts of its own." in page.missing


# ----- figures computed by the report ----------------------------------------------------------


def test_worst_drawdowns_are_the_deepest_periods_first():
    days = pd.date_range("2021-01-01", periods=9, freq="D")
    equity = pd.Series([100, 90, 100, 110, 88, 99, 120, 114, 117], index=days, dtype=float)
    worst = worst_drawdowns(equity)
    assert [round(period.depth, 3) for period in worst] == [0.2, 0.1, 0.05]
    deepest = worst[0]
    assert (deepest.peak, deepest.trough, deepest.recovery) == (days[3], days[4], days[6])
    assert deepest.days == 3
    assert worst[2].recovery is None, "the last one is still under water"
    assert (worst[2].end, worst[2].days) == (days[-1], 2)


def test_monthly_returns_compound_from_month_end_to_month_end():
    equity = pd.Series(
        [100.0, 110.0, 99.0, 108.9],
        index=pd.to_datetime(["2020-12-31", "2021-01-29", "2021-02-26", "2021-03-31"]),
    )
    table = monthly_return_table(equity)
    assert table[2020][11] == pytest.approx(0.0)
    assert table[2021][:3] == pytest.approx([0.10, -0.10, 0.10])
    assert table[2021][3:] == [None] * 9


def test_the_rolling_sharpe_ratio_is_leans_over_six_months():
    days = pd.bdate_range("2020-01-01", "2021-06-30")
    returns = pd.Series([0.01, -0.004, 0.002, 0.003, -0.006] * 400)[: len(days)]
    equity = pd.Series(100 * (1 + returns.to_numpy()).cumprod(), index=days)
    rolling = rolling_sharpe(equity)
    assert rolling.index[0] >= pd.Timestamp("2020-07-01")
    window_end = rolling.index[-1]
    daily = equity.pct_change().dropna()
    window = daily[daily.index > window_end - pd.DateOffset(months=6)]
    assert rolling.iloc[-1] == pytest.approx(sharpe_ratio(window.to_numpy()))


# ----- bad input -------------------------------------------------------------------------------


def copy_results(folder: Path, destination: Path) -> Path:
    """A copy of a results folder without its report, to damage."""
    shutil.copytree(folder, destination, ignore=shutil.ignore_patterns("report.html"))
    return destination


def report_error(folder: Path) -> str:
    result = run_report_command(folder)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert not (folder / "report.html").exists()
    return result.stderr


def test_a_missing_folder_is_named(tmp_path):
    assert f"{tmp_path / 'nowhere'} is not a folder" in report_error(tmp_path / "nowhere")


def test_a_folder_without_results_says_how_to_make_them(tmp_path):
    message = report_error(tmp_path)
    assert "holds no backtest results" in message and "python -m local_lean main.py" in message


def test_a_project_folder_points_at_its_latest_backtest(tmp_path, buy_and_hold_folder):
    project = tmp_path / "project"
    shutil.copytree(buy_and_hold_folder.parent.parent, project)
    latest = project / "backtests" / buy_and_hold_folder.name
    assert f"its latest backtest is {latest}" in report_error(project)


def test_a_json_from_another_tool_is_refused(tmp_path):
    (tmp_path / "1234567890.json").write_text(json.dumps({"name": "prices", "rows": [1, 2]}))
    message = report_error(tmp_path)
    assert "is not a LEAN backtest result" in message and "found: name, rows" in message


def test_a_truncated_result_is_refused(tmp_path, buy_and_hold_folder):
    folder = copy_results(buy_and_hold_folder, tmp_path / "truncated")
    (path,) = (p for p in folder.glob("*.json") if p.stem.isdigit())
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    message = report_error(folder)
    assert f"{path} is not valid JSON (it ends early" in message
    assert "run the backtest again" in message


def test_two_results_in_one_folder_are_refused(tmp_path, buy_and_hold_folder):
    folder = copy_results(buy_and_hold_folder, tmp_path / "two")
    (path,) = (p for p in folder.glob("*.json") if p.stem.isdigit())
    shutil.copy(path, folder / "1111111111.json")
    assert "holds several backtest results" in report_error(folder)


def test_a_truncated_side_file_is_named_in_the_report(tmp_path, buy_and_hold_folder):
    folder = copy_results(buy_and_hold_folder, tmp_path / "side")
    (events,) = folder.glob("*-order-events.json")
    events.write_text(events.read_text()[:40])
    (folder / "log.txt").unlink()
    write_report(folder)
    html = (folder / "report.html").read_text()
    assert f"<code>{events.name}</code>: {events} is not valid JSON" in html
    assert "<code>log.txt</code>: absent" in html
    assert "fills come from the orders" in html, "exposure falls back to the orders"
    assert read_page(folder).sections == SECTIONS


NO_TRADES = """
from AlgorithmImports import *


class NoTradesAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 2, 26)
        self.add_equity("SPY", Resolution.DAILY)
"""


def test_a_backtest_without_trades_says_so(tmp_path):
    algorithm = tmp_path / "no_trades.py"
    algorithm.write_text(NO_TRADES)
    folder = backtest_folder(tmp_path / "out", str(algorithm))
    page = read_page(folder)
    assert page.sections == SECTIONS
    assert "No order was filled: the portfolio held only cash." in page.missing
    assert "The algorithm placed no orders." in page.missing
    assert "The equity never fell below a previous peak." in page.missing
    assert page.statistics["statistics"]["Total Orders"] == "0"


def test_a_one_day_backtest_says_what_it_lacks(tmp_path):
    folder = backtest_folder(
        tmp_path,
        str(ALGORITHMS / "buy_and_hold.py"),
        "--start",
        "2021-01-05",
        "--end",
        "2021-01-05",
    )
    page = read_page(folder)
    assert page.sections == SECTIONS
    one_sample = "The equity curve has 1 daily sample: this needs at least two."
    assert (
        page.missing.count(one_sample) == 6
    )  # returns, drawdown, months, years, rolling, exposure
    assert page.statistics["statistics"] == main_result(folder)["statistics"]
    html = (folder / "report.html").read_text()
    assert "<h3>1 order</h3>" in html and "<td>Largest</td><td>none</td>" in html


def test_a_runtime_error_is_shown_above_the_partial_results(tmp_path):
    output = tmp_path / "out"
    result = run_local_lean(
        str(ALGORITHMS / "raises_in_event.py"), "--output", str(output), "--no-progress"
    )
    assert result.returncode == 1
    (folder,) = (output / "backtests").iterdir()
    html = (folder / "report.html").read_text()
    assert 'id="runtime-error"' in html and "deliberate failure in trade" in html
    assert read_page(folder).sections == SECTIONS


def test_results_in_leans_own_shapes_are_drawn(tmp_path, buy_and_hold_folder):
    """LEAN writes symbols as objects and order statuses as numbers, and `lean backtest`
    writes no insights file: the same backtest in those shapes gives the same page."""
    folder = copy_results(buy_and_hold_folder, tmp_path / "lean")
    for side_file in ("*-order-events.json", "*-insights.json"):
        next(folder.glob(side_file)).unlink()
    (path,) = (p for p in folder.glob("*.json") if p.stem.isdigit())
    result = json.loads(path.read_text())
    for order in result["orders"].values():
        ticker = order["symbol"]
        order["symbol"] = {"value": ticker, "id": f"{ticker} R735QTJ8XC9X", "permtick": ticker}
        order["status"] = 3  # OrderStatus.Filled
    # LEAN's own "Capacity" chart, sampled with the equity.
    times = [
        point[0] for point in result["charts"]["Strategy Equity"]["series"]["Equity"]["values"]
    ]
    capacity = {"name": "Strategy Capacity", "unit": "$", "index": 0, "seriesType": 0,
                "values": [[time, 1.5e9] for time in times]}  # fmt: skip
    result["charts"]["Capacity"] = {"name": "Capacity", "series": {"Strategy Capacity": capacity}}
    path.write_text(json.dumps(result))
    write_report(folder)
    html = (folder / "report.html").read_text()
    page = read_page(folder)
    assert page.sections == SECTIONS[:8] + ["lean-charts"] + SECTIONS[8:]
    assert "<figcaption>Capacity</figcaption>" in html
    assert list(page.statistics["statistics"].items()) == list(result["statistics"].items())
    assert "fills come from the orders" in html
    assert "within 0.00% of LEAN's equity curve" in html, "SPY priced by the benchmark chart"
    assert "<td>SPY</td>" in html, "the order list shows the ticker"
