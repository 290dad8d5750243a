"""The results folder: the lean CLI's layout, LEAN's JSON keys and shapes, strict JSON."""

import datetime
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from local_lean.enums import InsightDirection
from local_lean.results import (
    BacktestRecord,
    CapacityStatistics,
    EncodedJson,
    build_charts,
    dumps_indented,
    lean_statistics,
    summarize,
    summarize_insights,
    to_json_value,
    unix_seconds,
    write_results,
)

STAMP = datetime.datetime(2026, 1, 2, 3, 4, 5)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _refuse_constant(name):
    raise ValueError(f"non-standard JSON constant {name}")


def _load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"), parse_constant=_refuse_constant)


def _record(runtime_error=None, sections=None) -> BacktestRecord:
    closes = pd.DatetimeIndex(
        [
            pd.Timestamp(day) + pd.Timedelta(hours=16)
            for day in pd.bdate_range("2021-01-04", periods=6)
        ]
    )
    equity = pd.Series(
        [100_000, 101_000, 99_000, 102_000, 103_000, 104_000], index=closes, dtype=float
    )
    benchmark = pd.Series([370.0, 372.0, 369.0, 371.0, 375.0, 376.0], index=closes)
    day = datetime.timedelta(days=1)
    return BacktestRecord(
        algorithm_name="LSTM macro",
        start=datetime.date(2021, 1, 4),
        end=datetime.date(2021, 1, 11),
        initial_cash=100_000.0,
        equity=equity,
        benchmark=benchmark,
        benchmark_name="SPY",
        charts={
            "Forecast": {
                "SPY forecast": [(closes[0].to_pydatetime(), 371.5), (closes[1], float("nan"))],
                "SPY close": [(closes[0].to_pydatetime(), 370.0), (closes[1], 372.0)],
            }
        },
        orders=[
            {
                "id": 1,
                "symbol": "XLK",
                "time": closes[0] - pd.Timedelta(hours=6, minutes=30),
                "quantity": 10,
                "fill_price": 130.5,
                "fee": 1.0,
                "status": "filled",
                "tag": "",
            },
            {
                "id": 2,
                "symbol": "TLT",
                "time": closes[1],
                "quantity": -5,
                "fill_price": np.float64(150.0),
                "fee": np.float64(1.0),
                "status": "filled",
                "tag": "flat",
            },
        ],
        order_events=[
            {
                "order_id": 1,
                "id": 1,
                "time": closes[0] - pd.Timedelta(hours=6, minutes=30),
                "status": "filled",
                "fill_price": 130.5,
                "fill_quantity": 10,
                "order_fee": 1.0,
            },
        ],
        insights=[
            {
                "symbol": "XLK",
                "generated_time": closes[0],
                "close_time": closes[1],
                "direction": InsightDirection.UP,
                "period": day,
                "reference_price": 130.0,
                "close_price": 131.0,
                "outcome": "correct",
            },
            {
                "symbol": "XLE",
                "generated_time": closes[0],
                "close_time": closes[1],
                "direction": "down",
                "period": day,
                "reference_price": 50.0,
                "close_price": 51.0,
                "outcome": "incorrect",
            },
            {
                "symbol": "TLT",
                "generated_time": closes[1],
                "close_time": closes[2],
                "direction": "flat",
                "period": day,
                "reference_price": 150.0,
                "close_price": 149.0,
                "outcome": "flat",
            },
            {
                "symbol": "XLK",
                "generated_time": closes[5],
                "close_time": None,
                "direction": "up",
                "period": day,
                "reference_price": 133.0,
                "close_price": None,
                "outcome": "open",
            },
        ],
        logs=["2021-01-04 09:35:00 Trained SPY", "2021-01-05 09:35:00 Emitted 4 insights"],
        parameters={"epochs": "50", "lookback": "60"},
        runtime_error=runtime_error,
        sections=sections if sections is not None else {},
    )


def test_folder_layout_matches_the_lean_cli(tmp_path):
    folder = write_results(_record(), tmp_path, timestamp=STAMP)
    assert folder == tmp_path / "backtests" / "2026-01-02_03-04-05"
    names = {path.name for path in folder.iterdir()}
    ids = {name[: -len(".json")] for name in names if name.endswith(".json") and "-" not in name}
    assert len(ids) == 1
    (algorithm_id,) = ids
    assert algorithm_id.isdigit()
    assert {
        f"{algorithm_id}.json",
        f"{algorithm_id}-summary.json",
        f"{algorithm_id}-order-events.json",
        f"{algorithm_id}-insights.json",
        "log.txt",
        "Strategy-Equity.png",
        "Benchmark.png",
        "Drawdown.png",
        "Forecast.png",
    } == names
    assert (folder / "log.txt").read_text().splitlines() == _record().logs


def _main_json(folder: Path):
    (main,) = [p for p in folder.glob("*.json") if "-" not in p.name]
    return _load(main), main.stem


def test_main_json_has_leans_sections_and_statistics(tmp_path):
    folder = write_results(
        _record(sections={"time budget": {"used minutes": 3.5}}),
        tmp_path,
        timestamp=STAMP,
        draw_charts=False,
    )
    main, _ = _main_json(folder)
    for key in (
        "charts",
        "orders",
        "statistics",
        "runtimeStatistics",
        "totalPerformance",
        "algorithmConfiguration",
        "state",
        "insights",
        "time budget",
    ):
        assert key in main, key
    assert "runtimeError" not in main
    statistics = main["statistics"]
    # LEAN's StatisticsBuilder.GetSummary: these names, in this order, all strings.
    assert list(statistics) == [
        "Total Orders",
        "Average Win",
        "Average Loss",
        "Compounding Annual Return",
        "Drawdown",
        "Expectancy",
        "Start Equity",
        "End Equity",
        "Net Profit",
        "Sharpe Ratio",
        "Sortino Ratio",
        "Probabilistic Sharpe Ratio",
        "Loss Rate",
        "Win Rate",
        "Profit-Loss Ratio",
        "Alpha",
        "Beta",
        "Annual Standard Deviation",
        "Annual Variance",
        "Information Ratio",
        "Tracking Error",
        "Treynor Ratio",
        "Total Fees",
        "Estimated Strategy Capacity",
        "Lowest Capacity Asset",
        "Portfolio Turnover",
        "Drawdown Recovery",
    ]
    assert all(isinstance(value, str) for value in statistics.values())
    assert statistics["Estimated Strategy Capacity"] == "$0"  # no capacity estimate given
    assert statistics["Lowest Capacity Asset"] == ""
    # The equity point 104000 has no decimals (LEAN's SmartRounding): 4.00% to 3 places.
    assert statistics["Net Profit"] == "4.00%"
    assert statistics["Total Orders"] == "2"
    assert statistics["Total Fees"] == "$2.00"
    assert main["totalPerformance"]["portfolioStatistics"]["totalNetProfit"] == pytest.approx(0.04)
    assert main["algorithmConfiguration"]["parameters"] == {"epochs": "50", "lookback": "60"}
    assert main["state"]["Status"] == "Completed"
    assert main["time budget"] == {"used minutes": 3.5}
    assert main["runtimeStatistics"]["Equity"] == "$104,000.00"


def test_charts_follow_leans_json_shape(tmp_path):
    record = _record()
    charts = build_charts(record)
    first_close = 1609794000  # 2021-01-04 16:00 New York = 21:00 UTC
    assert unix_seconds(record.equity.index[0]) == first_close

    equity = charts["Strategy Equity"]["series"]["Equity"]
    assert {"name", "unit", "index", "seriesType", "values"} <= set(equity)
    assert equity["seriesType"] == 2 and equity["unit"] == "$"
    assert equity["values"][0] == [first_close, 100_000.0, 100_000.0, 100_000.0, 100_000.0]
    returns = charts["Strategy Equity"]["series"]["Return"]
    assert returns["unit"] == "%" and returns["values"][1] == [first_close + 86400, 1.0]
    benchmark = charts["Benchmark"]["series"]["Benchmark"]
    assert benchmark["values"][-1][1] == 376.0
    drawdown = charts["Drawdown"]["series"]["Equity Drawdown"]
    assert [value for _, value in drawdown["values"]][:3] == [0.0, 0.0, pytest.approx(-1.98)]
    forecast = charts["Forecast"]
    assert forecast["name"] == "Forecast"
    assert forecast["series"]["SPY forecast"]["values"] == [
        [first_close, 371.5],
        [first_close + 86400, None],
    ]


def test_json_is_strict_with_nan_written_as_null(tmp_path):
    sections = {"diagnostics": {"loss": float("nan"), "best": float("inf"), "n": np.int64(3)}}
    folder = write_results(_record(sections=sections), tmp_path, timestamp=STAMP, draw_charts=False)
    for path in folder.glob("*.json"):
        _load(path)  # raises on NaN / Infinity
    main, _ = _main_json(folder)
    assert main["diagnostics"] == {"loss": None, "best": None, "n": 3}


def test_orders_events_and_insights_are_written_as_lean_names_them(tmp_path):
    folder = write_results(_record(), tmp_path, timestamp=STAMP, draw_charts=False)
    main, algorithm_id = _main_json(folder)
    order = main["orders"]["1"]
    assert order["time"] == "2021-01-04T14:30:00Z"
    assert order["price"] == 130.5 and order["quantity"] == 10 and order["status"] == "filled"
    assert order["value"] == pytest.approx(1305.0)

    (event,) = _load(folder / f"{algorithm_id}-order-events.json")
    assert event["orderId"] == 1 and event["fillPrice"] == 130.5
    assert event["time"] == 1609770600  # 09:30 New York as unix seconds
    assert event["algorithmId"] == algorithm_id

    insights = _load(folder / f"{algorithm_id}-insights.json")
    assert [i["outcome"] for i in insights] == ["correct", "incorrect", "flat", "open"]
    assert insights[0]["direction"] == "up" and insights[0]["period"] == 86400.0
    assert insights[0]["reference"] == 130.0 and insights[0]["referenceValueFinal"] == 131.0
    assert insights[3]["closeTime"] is None and insights[3]["scoreIsFinal"] is False
    assert main["insights"]["insights"] == insights
    assert main["insights"]["summary"] == {
        "total": 4,
        "correct": 1,
        "incorrect": 1,
        "flat": 1,
        "open": 1,
        "hitRate": 0.5,
    }


def test_hit_rate_counts_only_scored_insights():
    assert summarize_insights([])["hitRate"] is None
    summary = summarize_insights(
        [{"outcome": "correct"}] * 3 + [{"outcome": "incorrect"}] + [{"outcome": "flat"}] * 5
    )
    assert summary["hitRate"] == 0.75 and summary["total"] == 9


def test_partial_results_with_a_runtime_error_are_written(tmp_path):
    error = (
        'Traceback (most recent call last):\n  File "main.py", line 10, in on_data\n'
        "ZeroDivisionError: division by zero\nat simulated time 2021-01-06 09:35:00"
    )
    record = _record(runtime_error=error)
    folder = write_results(record, tmp_path, timestamp=STAMP, draw_charts=False)
    main, algorithm_id = _main_json(folder)
    assert main["runtimeError"] == error
    assert main["state"]["Status"] == "RuntimeError"
    assert main["state"]["StackTrace"] == error
    assert main["statistics"]["Net Profit"] == "4.00%"
    summary = _load(folder / f"{algorithm_id}-summary.json")
    assert summary["runtimeError"] == error
    text = summarize(record, folder)
    assert "RUNTIME ERROR" in text and "simulated time 2021-01-06" in text


def test_existing_folder_is_never_overwritten(tmp_path):
    first = write_results(_record(), tmp_path, timestamp=STAMP, draw_charts=False)
    marker = first / "keep.txt"
    marker.write_text("mine")
    second = write_results(_record(), tmp_path, timestamp=STAMP, draw_charts=False)
    third = write_results(_record(), tmp_path, timestamp=STAMP, draw_charts=False)
    assert second.name == "2026-01-02_03-04-05_2" and third.name == "2026-01-02_03-04-05_3"
    assert marker.read_text() == "mine"


def test_draw_charts_false_writes_no_pictures(tmp_path):
    folder = write_results(_record(), tmp_path, timestamp=STAMP, draw_charts=False)
    assert not list(folder.glob("*.png"))


def test_pictures_are_valid_pngs(tmp_path):
    folder = write_results(_record(), tmp_path, timestamp=STAMP)
    for path in folder.glob("*.png"):
        assert path.read_bytes()[:8] == PNG_SIGNATURE, path.name


def test_summary_text_names_key_statistics_and_the_folder(tmp_path):
    record = _record()
    folder = write_results(record, tmp_path, timestamp=STAMP, draw_charts=False)
    text = summarize(record, folder)
    assert "Net Profit" in text and "4.00%" in text
    assert "Sharpe Ratio" in text and "Drawdown" in text
    assert "hit rate 50.0%" in text
    assert str(folder) in text
    assert "SPY" in text


def test_a_record_without_benchmark_or_orders_is_written(tmp_path):
    record = _record()
    record.benchmark = None
    record.benchmark_name = None
    record.orders, record.order_events, record.insights = [], [], []
    folder = write_results(record, tmp_path, timestamp=STAMP, draw_charts=False)
    main, _ = _main_json(folder)
    assert "Benchmark" not in main["charts"]
    assert main["orders"] == {}
    assert main["insights"]["summary"]["hitRate"] is None
    assert "hit rate n/a" in summarize(record)


def test_to_json_value_converts_numpy_pandas_and_time_types():
    value = to_json_value(
        {
            "a": np.float32(1.5),
            "b": np.nan,
            "c": pd.Timestamp("2021-01-04 16:00"),
            "d": datetime.timedelta(minutes=2),
            "e": (1, 2),
            "f": datetime.date(2021, 1, 4),
            "g": InsightDirection.DOWN,
        }
    )
    assert value == {
        "a": 1.5,
        "b": None,
        "c": "2021-01-04T21:00:00Z",
        "d": 120.0,
        "e": [1, 2],
        "f": "2021-01-04",
        "g": "DOWN",
    }


def test_runtime_error_headline_is_the_line_naming_the_error(tmp_path):
    error = (
        "Runtime Error: KeyError: 'SPY' at 2021-01-06 09:35:00 New York time\n"
        'Traceback (most recent call last):\n  File "main.py", line 3, in on_data\n'
        "KeyError: 'SPY'\n"
    )
    record = _record(runtime_error=error)
    folder = write_results(record, tmp_path, timestamp=STAMP, draw_charts=False)
    main, _ = _main_json(folder)
    assert main["state"]["RuntimeError"] == error.splitlines()[0]
    assert "2021-01-06 09:35:00 New York time" in summarize(record)


def test_unfilled_orders_and_private_insight_time_keys(tmp_path):
    record = _record()
    record.orders.append(
        {
            "id": 3,
            "symbol": "XLK",
            "time": record.equity.index[5],
            "quantity": 4,
            "fill_price": None,
            "fill_time": None,
            "fee": 0.0,
            "status": "canceled",
            "tag": "",
        }
    )
    record.insights = [
        {
            "symbol": "XLK",
            "_generated_time": record.equity.index[0],
            "_close_time": record.equity.index[1],
            "direction": "up",
            "period": 86400.0,
            "reference_price": 130.0,
            "close_price": 131.0,
            "outcome": "correct",
        }
    ]
    folder = write_results(record, tmp_path, timestamp=STAMP, draw_charts=False)
    main, _ = _main_json(folder)
    assert main["orders"]["3"]["price"] is None and "value" not in main["orders"]["3"]
    assert main["statistics"]["Total Orders"] == "3"
    (insight,) = main["insights"]["insights"]
    assert insight["generatedTime"] == 1609794000
    assert insight["closeTime"] == 1609794000 + 86400
    assert insight["period"] == 86400.0


def test_profit_loss_lists_each_closing_fill_as_lean_does(tmp_path):
    record = _record()
    close_time = record.equity.index[3] - pd.Timedelta(hours=6, minutes=30)
    record.orders.append(
        {
            "id": 3,
            "symbol": "XLK",
            "time": close_time,
            "quantity": -10,
            "fill_price": 131.5,
            "fee": 1.0,
            "status": "filled",
            "tag": "",
        }
    )
    folder = write_results(record, tmp_path, timestamp=STAMP, draw_charts=False)
    main, _ = _main_json(folder)
    assert main["profitLoss"] == {"2021-01-07T14:30:00Z": pytest.approx(8.0)}
    assert main["statistics"]["Win Rate"] == "100%"


def test_same_record_and_timestamp_give_identical_files(tmp_path):
    first = write_results(_record(), tmp_path / "a", timestamp=STAMP, draw_charts=False)
    second = write_results(_record(), tmp_path / "b", timestamp=STAMP, draw_charts=False)
    names = sorted(path.name for path in first.iterdir())
    assert names == sorted(path.name for path in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_every_json_file_is_written_as_json_dumps_with_indent_2_writes_it(tmp_path):
    folder = write_results(_record(sections={"extra": {"a": [1, {"b": None}]}}), tmp_path)
    for path in folder.glob("*.json"):
        text = path.read_text(encoding="utf-8")
        expected = json.dumps(json.loads(text), indent=2, allow_nan=False, ensure_ascii=False)
        assert text == expected + "\n", path.name


@pytest.mark.parametrize(
    "value",
    [
        None,
        "text",
        1.5,
        [],
        {},
        [[], {}],
        {"a": {}, "b": []},
        [1, [2, [3]]],
        [[1, 2.5], [3, None]],
        [{"a": 1, "b": "},\n    {"}, {"c": "\u00e9 ]\n["}],
        {"1": {"tag": "},\n      {"}, "2": {"tag": "x"}},
        {"1": [1, 2], "2": [3, True]},
        [[1], {"a": 1}],
        {1: "one", 2.5: [1, {"x": 1}], False: {"f": 1}, None: [None]},
        ([1, 2], (3, 4)),
        {"deep": {"er": {"est": [{"x": [1, {"y": "z"}]}]}}},
    ],
)
def test_dumps_indented_writes_the_same_text_as_json_dumps(value):
    expected = json.dumps(value, indent=2, allow_nan=False, ensure_ascii=False)
    assert dumps_indented(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        [],
        [{"a": 1, "b": "},\n    {"}, {"a": 2, "b": "x"}],
        {"one": [1, {"x": [2, 3]}], "two": "\u00e9\n"},
    ],
)
def test_a_value_encoded_once_is_written_as_itself_at_any_depth(value):
    # The insights go into two files at different depths: encoded once, placed in both.
    for container in (value, [value], {"a": {"b": value, "c": 1}}, [[1, {"d": value}]]):
        placed = json.loads(json.dumps(container), object_hook=dict)  # a deep copy
        expected = json.dumps(placed, indent=2, allow_nan=False, ensure_ascii=False)
        encoded = _replace(placed, value, EncodedJson(value))
        assert dumps_indented(encoded) == expected


def _replace(container, value, replacement):
    """`container` with its items equal to `value` (or itself) replaced by `replacement`."""
    if container == value:
        return replacement
    if isinstance(container, dict):
        return {key: _replace(item, value, replacement) for key, item in container.items()}
    if isinstance(container, list):
        return [_replace(item, value, replacement) for item in container]
    return container


@pytest.mark.parametrize("value", [[float("nan")], {"a": [{"b": float("inf")}]}])
def test_dumps_indented_refuses_nan_and_infinity_as_json_dumps_does(value):
    with pytest.raises(ValueError, match="JSON compliant"):
        dumps_indented(value)


def test_dumps_indented_refuses_values_json_cannot_hold():
    with pytest.raises(TypeError, match="not JSON serializable"):
        dumps_indented([{"a": object()}])


def test_the_capacity_models_strings_go_into_the_statistics(tmp_path):
    record = _record()
    record.capacity = CapacityStatistics(
        estimated_strategy_capacity="$1200000000.00", lowest_capacity_asset="SPY R735QTJ8XC9X"
    )

    folder = write_results(record, tmp_path, timestamp=STAMP, draw_charts=False)

    statistics = _main_json(folder)[0]["statistics"]
    assert statistics["Estimated Strategy Capacity"] == "$1200000000.00"
    assert statistics["Lowest Capacity Asset"] == "SPY R735QTJ8XC9X"
    assert lean_statistics(record) == statistics


def test_the_benchmark_before_the_start_is_its_first_sample():
    # Starting on a Saturday: LEAN's first counted benchmark change is Monday's, measured from
    # the close before the start, which only the seeded price provides.
    record = _record()
    record.start = datetime.date(2021, 1, 2)
    without_seed = lean_statistics(record)
    record.benchmark_before_start = 360.0

    with_seed = lean_statistics(record)

    assert with_seed["Beta"] != without_seed["Beta"]
    assert with_seed["Sharpe Ratio"] == without_seed["Sharpe Ratio"]


@pytest.mark.parametrize(
    "local",
    [
        datetime.datetime(2021, 1, 4, 16, 0),  # winter (EST)
        datetime.datetime(2021, 7, 1, 9, 35),  # summer (EDT)
        datetime.datetime(2021, 3, 14, 3, 0),  # the first hour after the spring change
        datetime.datetime(2021, 11, 7, 2, 0),  # the first hour after the autumn change
        datetime.datetime(2021, 11, 7, 0, 59, 59, 999_999),
    ],
)
def test_naive_new_york_times_convert_as_pandas_converts_them(local):
    stamp = pd.Timestamp(local).tz_localize("America/New_York")
    assert unix_seconds(local) == int(stamp.timestamp())
    assert to_json_value(local) == stamp.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_new_york_time_a_clock_change_skips_or_repeats_is_refused():
    skipped = datetime.datetime(2021, 3, 14, 2, 30)  # clocks jump from 2:00 to 3:00
    repeated = datetime.datetime(2021, 11, 7, 1, 30)  # clocks go back from 2:00 to 1:00
    with pytest.raises(Exception, match="2021-03-14 02:30:00"):
        unix_seconds(skipped)
    with pytest.raises(Exception, match="2021-11-07 01:30:00"):
        to_json_value(repeated)


def test_statistics_follow_a_record_changed_after_its_results_were_written(tmp_path):
    record = _record()
    write_results(record, tmp_path, timestamp=STAMP, draw_charts=False)
    assert _end_equity(summarize(record)) == "104000"
    record.equity = record.equity * 1.01  # a new series
    assert _end_equity(summarize(record)) == "105040"
    record.equity.iloc[-1] = 110_000.0  # the same series, changed in place
    assert _end_equity(summarize(record)) == "110000"


def _end_equity(summary: str) -> str:
    return next(line.split()[-1] for line in summary.splitlines() if "End Equity" in line)
