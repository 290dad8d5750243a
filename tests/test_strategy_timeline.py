"""main.py's timeline, read from its result files: every insight's forecast covers exactly the
interval its trades are held, from their fill at the decision day's close to the next
rebalance's fill at the next session's close."""

import datetime as dt
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from local_lean.engine import run_backtest
from local_lean.market_calendar import nyse_calendar

ROOT = Path(__file__).resolve().parent.parent
MAIN = ROOT / "main.py"
LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
NEW_YORK = ZoneInfo("America/New_York")

TINY_MODEL = {
    "history-bars": "200",
    "test-size": "10",
    "lookback": "10",
    "units": "4",
    "layers": "1",
    "epochs": "2",
    "retrain-epochs": "1",
    "jit-compile": "false",  # XLA's compile costs more than this model's training
}
TAG = re.compile(
    r"forecast (?P<forecast>[+-]\d+\.\d+) of (?P<ticker>\S+) from the close of "
    r"(?P<start>\d{4}-\d\d-\d\d) for (?P<sessions>\d+) session\(s\); closes through "
    r"(?P<through>\d{4}-\d\d-\d\d); target (?P<target>\S+)$"
)
START, END = dt.date(2020, 1, 1), dt.date(2020, 2, 29)


def backtest_files(output: Path, **options):
    outcome = run_backtest(
        MAIN,
        start=START,
        end=END,
        output=output,
        draw_charts=False,
        log=lambda line: None,
        **options,
    )
    assert outcome.succeeded, outcome.runtime_error
    folder = outcome.results_path
    insights_file = next(folder.glob("*-insights.json"))
    main_file = insights_file.with_name(insights_file.name.replace("-insights", ""))
    return json.loads(insights_file.read_text()), json.loads(main_file.read_text())["orders"]


def new_york(seconds_or_text) -> dt.datetime:
    if isinstance(seconds_or_text, str):
        moment = dt.datetime.fromisoformat(seconds_or_text.replace("Z", "+00:00"))
    else:
        moment = dt.datetime.fromtimestamp(seconds_or_text, dt.UTC)
    return moment.astimezone(NEW_YORK).replace(tzinfo=None)


def check_timeline(insights, orders, target="holding"):
    """The checks, from the files alone; returns how many insights had filled orders."""
    calendar = nyse_calendar()
    sessions = calendar.sessions(START - dt.timedelta(days=10), END + dt.timedelta(days=10))
    dates = [s.date for s in sessions]
    close_of = {s.date: s.close for s in sessions}

    fills_by_submission: dict[dt.datetime, set[dt.datetime]] = {}
    for order in orders.values():
        if order["status"] == "filled":
            submitted, filled = new_york(order["time"]), new_york(order["fillTime"])
            fills_by_submission.setdefault(submitted, set()).add(filled)
            # Every trade opens at the close of the session it was decided in.
            assert filled == close_of[submitted.date()], order

    assert insights, "the backtest emitted no insights"
    by_symbol: dict[str, list[dict]] = {}
    with_orders = 0
    for insight in insights:
        match = TAG.match(insight["tag"])
        assert match, insight["tag"]
        generated = new_york(insight["generatedTime"])
        decided = generated.date()
        start = dt.date.fromisoformat(match["start"])
        through = dt.date.fromisoformat(match["through"])
        sessions_ahead = int(match["sessions"])
        assert match["target"] == target
        # No look-ahead: the forecast used closes through the session before the decision.
        assert through == dates[dates.index(decided) - 1], insight
        if target == "holding":
            # The interval starts at the close that fills this decision's orders ...
            assert start == decided, insight
            fills = fills_by_submission.get(generated)
            if fills:
                assert fills == {close_of[start]}, insight
                with_orders += 1
        else:  # the post's target ends where the position starts
            assert start == through, insight
        # ... and ends one session later, at the close that fills the next decision's orders.
        # The insight itself closes at the midnight after its decision day (Expiry.END_OF_DAY),
        # so the next decision replaces it in one rebalance.
        end = dates[dates.index(start) + sessions_ahead] if start in dates else None
        closes = new_york(insight["closeTime"])
        assert closes == dt.datetime.combine(decided + dt.timedelta(days=1), dt.time()), insight
        insight["_interval"] = (start, end)
        by_symbol.setdefault(insight["symbol"], []).append(insight)

    for symbol_insights in by_symbol.values():
        symbol_insights.sort(key=lambda i: i["generatedTime"])
        for this, following in zip(symbol_insights, symbol_insights[1:], strict=False):
            if target == "holding":
                # The next rebalance's interval starts where this one's ends: held end to end.
                assert this["_interval"][1] == following["_interval"][0], (this, following)
    return with_orders


def test_holding_target_covers_fill_to_next_rebalance_on_the_synthetic_market(tmp_path):
    insights, orders = backtest_files(tmp_path, parameters=TINY_MODEL)
    checked = check_timeline(insights, orders)
    assert checked >= 10, "too few insights with filled orders to check the fills against"


@pytest.mark.skipif(not LEAN_DATA.is_dir(), reason="LEAN's sample data folder is absent")
def test_holding_target_covers_fill_to_next_rebalance_on_real_prices_with_cash_risk_off(tmp_path):
    parameters = {**TINY_MODEL, "risk-on": "QQQ, IWM", "risk-off": ""}
    insights, orders = backtest_files(tmp_path, data=LEAN_DATA, parameters=parameters)
    assert {insight["symbol"] for insight in insights} == {"QQQ", "IWM"}
    checked = check_timeline(insights, orders)
    assert checked >= 3, "too few insights with filled orders to check the fills against"


def test_the_posts_next_close_target_says_it_ends_where_the_position_starts(tmp_path):
    insights, orders = backtest_files(
        tmp_path, parameters={**TINY_MODEL, "forecast-target": "next-close"}
    )
    check_timeline(insights, orders, target="next-close")
