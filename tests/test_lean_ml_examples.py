"""LEAN's machine-learning examples (``Algorithm.Python`` in LEAN's repository), run unchanged.

ScikitLearnLinearRegression, TensorFlowNeuralNetwork, KerasNeuralNetwork and
PytorchNeuralNetwork add SPY (Keras also QQQ and TLT) at minute resolution, train a model on
daily history in a scheduled event and trade at 10:00 when the 10:00 bar's open leaves a band
around the model's forecast. Each runs in a process of its own (``lean_example_process.py``),
and the tests check what it learned and traded against the same rules computed here from the
same data (through QuantBook). They need a clone of LEAN's repository (``LEAN_REPOSITORY``, its
``Algorithm.Python``) and LEAN's sample data folder; Pytorch needs torch (the ``torch`` extra).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import math
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from local_lean.enums import Resolution
from local_lean.quantbook import QuantBook

HERE = Path(__file__).resolve().parent
LEAN_DATA = HERE.parent.parent / "shared" / "data" / "lean"
LEAN_REPOSITORY = os.environ.get("LEAN_REPOSITORY")
EXAMPLES = Path(LEAN_REPOSITORY) / "Algorithm.Python" if LEAN_REPOSITORY else None

pytestmark = [
    pytest.mark.skipif(
        EXAMPLES is None or not (EXAMPLES / "KerasNeuralNetworkAlgorithm.py").is_file(),
        reason="set LEAN_REPOSITORY to a clone of QuantConnect/Lean to run its Algorithm.Python "
        "examples",
    ),
    pytest.mark.skipif(
        not (LEAN_DATA / "equity" / "usa" / "minute" / "spy" / "20131007_trade.zip").is_file(),
        reason="LEAN's sample data folder (with SPY's minute files) is absent",
    ),
]
needs_torch = pytest.mark.skipif(
    importlib.util.find_spec("torch") is None,
    reason="torch is not installed (pip install '.[torch]')",
)
FIRST_DAY, SECOND_DAY = dt.date(2013, 10, 7), dt.date(2013, 10, 8)  # the examples' own span


def run_example(name: str, storage: Path, *options: str, data: Path = LEAN_DATA) -> dict:
    """Run Algorithm.Python/<name>.py unchanged in its own process; its report (JSON)."""
    command = [
        sys.executable, str(HERE / "lean_example_process.py"),
        str(EXAMPLES / f"{name}.py"), str(data), str(storage), *options,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["runtime_error"] is None, report["runtime_error"]
    return report


def daily_opens(before: dt.date, count: int) -> pd.Series:
    """SPY's last `count` daily opens dated before `before`, as the algorithm's history sees
    them during `before`."""
    qb = QuantBook(data=LEAN_DATA, end_date=before - dt.timedelta(days=1))
    spy = qb.add_equity("SPY", Resolution.DAILY).symbol
    return qb.history(spy, count, Resolution.DAILY).loc["SPY"]["open"]


def open_at_ten(day: dt.date, data: Path = LEAN_DATA) -> float:
    """The open of SPY's minute bar that ends at 10:00 on `day` (the examples trade on it)."""
    qb = QuantBook(data=data, end_date=day)
    spy = qb.add_equity("SPY").symbol
    ten = dt.datetime.combine(day, dt.time(10))
    bars = qb.history(spy, ten - dt.timedelta(minutes=1), ten, Resolution.MINUTE).loc["SPY"]
    return float(bars["open"].iloc[-1])


def orders_of(report: dict) -> list[tuple[str, str, float]]:
    return [(order["symbol"], order["time"], order["quantity"]) for order in report["orders"]]


def a_trending_spy_folder(folder: Path, raw_prices: dict[dt.date, float]) -> Path:
    """A LEAN data folder with SPY's real daily, factor and map files, and minute trade files
    written here, in LEAN's format, trading all day at `raw_prices[day]`."""
    equity = folder / "equity" / "usa"
    for part in ("daily/spy.zip", "factor_files/spy.csv", "map_files/spy.csv"):
        (equity / part).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(LEAN_DATA / "equity" / "usa" / part, equity / part)
    minute = equity / "minute" / "spy"
    minute.mkdir(parents=True)
    for day, price in raw_prices.items():
        scaled = round(price * 10_000)
        rows = [
            f"{(9 * 60 + 30 + m) * 60_000},{scaled},{scaled},{scaled},{scaled},1000"
            for m in range(390)
        ]
        with zipfile.ZipFile(minute / f"{day:%Y%m%d}_trade.zip", "w") as archive:
            archive.writestr(f"{day:%Y%m%d}_spy_minute_trade.csv", "\n".join(rows) + "\n")
    return folder


def test_scikit_learn_regression_fits_the_daily_opens_and_buys_on_a_rising_slope(tmp_path):
    report = run_example("ScikitLearnLinearRegressionAlgorithm", tmp_path, "--attribute", "slopes")

    def slope(day: dt.date) -> float:
        # the example fits open ~ a*x + b on x = 1..30 (its design matrix's last 30 rows)
        a, b = np.polyfit(np.arange(1, 31), daily_opens(day, 30).to_numpy(), 1)
        return a / b

    # the model kept is the second morning's
    assert math.isclose(report["attributes"]["slopes"]["SPY"], slope(SECOND_DAY), rel_tol=1e-9)
    orders = orders_of(report)
    if slope(FIRST_DAY) > 0.001:
        assert orders[0][:2] == ("SPY", "2013-10-07 10:00:00") and orders[0][2] > 0
    else:
        assert not [order for order in orders if order[1].startswith("2013-10-07")]
    if slope(SECOND_DAY) < -0.001 and orders:
        assert orders[-1][:2] == ("SPY", "2013-10-08 10:00:00") and orders[-1][2] < 0


def band_around_next_open(buy: float, sell: float, before: dt.date) -> None:
    """The examples' band: the forecast +- the standard deviation of the 30 opens they fit."""
    spread = 2 * np.std(daily_opens(before, 31).to_numpy()[1:].astype(np.float32))
    assert buy > sell and math.isclose(buy - sell, spread, rel_tol=1e-4)
    assert 0.8 < (buy + sell) / 2 / daily_opens(before, 1).iloc[-1] < 1.2  # a trained forecast


def test_tensorflow_network_trains_on_monday_and_trades_the_open_against_its_band(tmp_path):
    report = run_example(
        "TensorFlowNeuralNetworkAlgorithm", tmp_path,
        "--attribute", "buy_prices", "--attribute", "sell_prices",
    )  # fmt: skip
    buy = report["attributes"]["buy_prices"]["SPY"]
    sell = report["attributes"]["sell_prices"]["SPY"]
    band_around_next_open(buy, sell, FIRST_DAY)
    expected = [("SPY", "2013-10-07 10:00:00")] if open_at_ten(FIRST_DAY) > buy else []
    assert [order[:2] for order in orders_of(report)] == expected


def test_tensorflow_network_buys_when_the_open_jumps_above_its_band(tmp_path):
    data = a_trending_spy_folder(tmp_path / "data", {FIRST_DAY: 190.0, SECOND_DAY: 190.0})
    report = run_example(
        "TensorFlowNeuralNetworkAlgorithm", tmp_path / "storage", "--attribute", "buy_prices",
        data=data,
    )  # fmt: skip
    assert open_at_ten(FIRST_DAY, data) > report["attributes"]["buy_prices"]["SPY"]
    ((symbol, time, quantity),) = orders_of(report)  # Mondays only: one decision
    assert (symbol, time) == ("SPY", "2013-10-07 10:00:00")
    assert 0.95 < quantity * open_at_ten(FIRST_DAY, data) / 100_000 <= 1.0  # set_holdings(1)


@needs_torch
def test_pytorch_network_trains_each_morning_buys_above_and_sells_below_its_band(tmp_path):
    report = run_example(
        "PytorchNeuralNetworkAlgorithm", tmp_path / "own",
        "--attribute", "buy_prices", "--attribute", "sell_prices",
    )  # fmt: skip
    buy = report["attributes"]["buy_prices"]["SPY"]
    sell = report["attributes"]["sell_prices"]["SPY"]
    band_around_next_open(buy, sell, SECOND_DAY)  # the second morning's model
    orders = orders_of(report)
    invested = sum(order[2] for order in orders if order[1].startswith("2013-10-07")) > 0
    second_open = open_at_ten(SECOND_DAY)
    second_day = [order for order in orders if order[1].startswith("2013-10-08")]
    if invested and second_open < sell:
        assert [order[2] < 0 for order in second_day] == [True]
    elif not invested and second_open > buy:
        assert [order[2] > 0 for order in second_day] == [True]
    else:
        assert second_day == []
    data = a_trending_spy_folder(tmp_path / "data", {FIRST_DAY: 190.0, SECOND_DAY: 120.0})
    jumped = run_example("PytorchNeuralNetworkAlgorithm", tmp_path / "storage", data=data)
    (bought, sold) = orders_of(jumped)
    assert bought[:2] == ("SPY", "2013-10-07 10:00:00") and bought[2] > 0
    assert sold == ("SPY", "2013-10-08 10:00:00", -bought[2])  # liquidate below the band


def keras_decisions(model: object, days: list[dt.date], data: Path = LEAN_DATA) -> list:
    """The example's trades with `model`: buy when the 10:00 open is above the forecast plus
    the standard deviation of the last 30 daily opens, sell when invested and below it minus."""
    invested, trades = False, []
    for day in days:
        opens = daily_opens(day, 30)
        forecast = model.predict(opens, verbose=0)[0][-1]  # the example's own reading
        spread = np.std(opens)
        now = open_at_ten(day, data)
        if invested and now < forecast - spread:
            invested = False
            trades.append((f"{day} 10:00:00", "sell"))
        elif not invested and now > forecast + spread:
            invested = True
            trades.append((f"{day} 10:00:00", "buy"))
    return trades


def test_keras_networks_train_each_monday_save_and_trade_spy_the_only_minute_data(tmp_path):
    import keras

    storage = tmp_path / "storage"
    report = run_example(
        "KerasNeuralNetworkAlgorithm", storage, "--start", "2013-10-07", "--end", "2013-10-11"
    )
    # TLT has no data at all, QQQ daily bars only: its model trains on daily history, but
    # its minute subscription finds no files, so it never trades (LEAN's behaviour)
    assert sorted(path.name for path in storage.glob("*.keras")) == [
        "QQQ_model.keras",
        "SPY_model.keras",
    ]
    assert any("no minute files for QQQ" in line for line in report["logs"])
    spy_model = keras.models.load_model(storage / "SPY_model.keras")
    assert int(spy_model.optimizer.iterations.numpy()) == 200  # 200 train_on_batch steps
    days = [dt.date(2013, 10, day) for day in range(7, 12)]
    expected = keras_decisions(spy_model, days)  # one Monday: this model made every trade
    orders = orders_of(report)
    assert {order[0] for order in orders} <= {"SPY"}
    assert [(time, "buy" if quantity > 0 else "sell") for _, time, quantity in orders] == expected


def test_keras_over_its_own_span_has_no_minute_bars_so_it_trains_but_never_trades(tmp_path):
    storage = tmp_path / "storage"
    # the example's first week (its span, 2019-01-01 to 2020-04-01, takes minutes)
    report = run_example(
        "KerasNeuralNetworkAlgorithm", storage, "--start", "2019-01-01", "--end", "2019-01-11"
    )
    assert report["orders"] == []
    assert sorted(path.name for path in storage.glob("*.keras")) == [
        "QQQ_model.keras",
        "SPY_model.keras",
    ]
