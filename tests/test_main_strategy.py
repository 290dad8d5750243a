"""main.py end to end through local_lean, with a tiny model over the first quarter of 2020."""

import datetime as dt
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from runner_helpers import TINY_STRATEGY, WITHOUT_XLA

from local_lean.data import SyntheticMarket
from local_lean.engine import BacktestSetupError, run_backtest
from local_lean.market_calendar import nyse_calendar
from local_lean.object_store import ObjectStore
from lstm_model import MyLSTM

ROOT = Path(__file__).resolve().parent.parent
MAIN = ROOT / "main.py"

TINY_MODEL = TINY_STRATEGY
SECTORS = {"XLB", "XLE", "XLF", "XLI", "XLK", "XLP", "XLU", "XLV", "XLY"}
LONG_TREASURIES = {"IEF", "SHY", "TLT", "IEI", "TLH", "BIL", "SPTL", "TMF", "SCHO", "SCHR"}
LONG_TREASURIES |= {"SPTS", "GOVT"}
INVERSE_TREASURIES = {"TBT", "TBF", "TMV"}  # SHV is a bill fund, not an inverse one


def backtest(tmp_path, start, end, **parameters):
    return run_backtest(
        MAIN,
        start=start,
        end=end,
        parameters={**TINY_MODEL, **WITHOUT_XLA, **parameters},
        output=tmp_path,
        draw_charts=False,
        log=lambda line: None,
    )


def log_times(record, text):
    """Simulated times of the log lines that contain `text`."""
    times = []
    for line in record.logs:
        if text in line:
            times.append(dt.datetime.strptime(line[:19], "%Y-%m-%d %H:%M:%S"))
    return times


@pytest.fixture(scope="module")
def quarter(tmp_path_factory):
    output = tmp_path_factory.mktemp("quarter")
    # main.py's default: the training step and the forecasts compiled with XLA.
    outcome = backtest(output, dt.date(2020, 1, 1), dt.date(2020, 3, 31), **{"jit-compile": "true"})
    assert outcome.succeeded, outcome.runtime_error
    return outcome, output


def test_a_model_is_trained_at_the_start_and_at_each_month_end(quarter):
    outcome, _ = quarter
    trained = log_times(outcome.record, "Trained Bull (SPY)")
    assert trained[0] < dt.datetime(2020, 1, 2, 9, 35), "no model before the first prediction"
    month_ends = [dt.datetime(2020, m, d, 8, 0) for m, d in ((1, 31), (2, 28), (3, 31))]
    assert trained[1:] == month_ends
    assert "warm start, 1 epochs on the latest" in next(
        line for line in outcome.record.logs if "2020-01-31 08:00:00 Trained" in line
    )


def test_every_session_has_a_forecast_and_an_actual_return(quarter):
    outcome, _ = quarter
    chart = outcome.record.charts["Prediction Plot"]
    sessions = [s.date for s in nyse_calendar().sessions(dt.date(2020, 1, 1), dt.date(2020, 3, 31))]
    predicted_days = [time.date() for time, _ in chart["Predicted Bull"]]
    actual_days = [time.date() for time, _ in chart["Actual Bull"]]
    assert predicted_days == sessions
    # The first session's return needs the close before the start, which on_data never saw.
    assert actual_days == sessions[1:]
    assert all(time.time() == dt.time(9, 35) for time, _ in chart["Predicted Bull"])
    # The actual series is the day's real close-to-close return, in percent.
    spy = SyntheticMarket(seed=0).daily_bars("SPY")["close"]
    returns = 100 * spy.pct_change().loc["2020-01-03":"2020-03-31"].to_numpy()
    assert np.allclose([value for _, value in chart["Actual Bull"]], returns)


def test_insight_directions_follow_the_forecast(quarter):
    outcome, _ = quarter
    forecasts = dict(outcome.record.charts["Prediction Plot"]["Predicted Bull"])
    by_day = defaultdict(dict)
    for insight in outcome.record.insights:
        by_day[insight["generated_time"]][insight["symbol"]] = insight["direction"]
    assert len(by_day) == len(forecasts)
    assert {forecast > 0 for forecast in forecasts.values()} == {True, False}
    for generated, directions in by_day.items():
        forecast = forecasts[generated]  # the forecast return over the holding period, in %
        risk_on, risk_off = ("up", "flat") if forecast > 0 else ("flat", "up")
        assert set(directions) == SECTORS | LONG_TREASURIES | INVERSE_TREASURIES, generated
        for symbol, direction in directions.items():
            expected = risk_off if symbol in LONG_TREASURIES else risk_on
            assert direction == expected, (generated, symbol, forecast)


def test_insights_trade(quarter):
    outcome, _ = quarter
    filled = [order for order in outcome.record.orders if order["status"] == "filled"]
    assert filled
    assert {order["symbol"] for order in filled} <= SECTORS | LONG_TREASURIES | INVERSE_TREASURIES


def test_stored_models_reload_to_the_same_forecasts(quarter):
    outcome, output = quarter
    store = ObjectStore(output / "storage")
    model = MyLSTM.load_from_object_store(store, "lstm-macro/bull-spy.keras")
    assert model is not None
    spy = SyntheticMarket(seed=0).daily_bars("SPY")["close"]
    # The last forecast (2020-03-31 09:35) came from the model stored at the end, trained at
    # 08:00 that day on closes through 2020-03-30.
    closes = spy.loc[:"2020-03-30"].to_numpy()[-model.lookback :]
    last_forecast = outcome.record.charts["Prediction Plot"]["Predicted Bull"][-1][1]
    assert 100 * model.predict(closes)[-1] == pytest.approx(last_forecast, rel=1e-6)
    assert (model.gap, model.horizon) == (1, 1)  # the holding period's interval


def test_too_little_history_skips_training_and_prediction_until_there_is_enough(tmp_path):
    # The synthetic SPY starts on 1998-01-02: on 1998-01-05 there is one close.
    outcome = backtest(
        tmp_path,
        dt.date(1998, 1, 5),
        dt.date(1998, 2, 6),
        # No ETF is listed yet in 1998: SPY itself is the risk-on group.
        # Three training windows: too few to hold any out for early stopping.
        **{
            "history-bars": "16",
            "test-size": "2",
            "risk-on": "SPY",
            "risk-off": "",
            "patience": "0",
        },
    )
    assert outcome.succeeded, outcome.runtime_error
    record = outcome.record
    assert len(log_times(record, "Not training Bull")) == 1
    assert len(log_times(record, "No trained model for Bull yet")) == 1
    assert log_times(record, "Trained Bull")[0] == dt.datetime(1998, 1, 30, 8, 0)
    first_forecast = record.charts["Prediction Plot"]["Predicted Bull"][0][0]
    assert first_forecast == dt.datetime(1998, 1, 30, 9, 35)
    # No insight before the first forecast.
    assert min(insight["generated_time"] for insight in record.insights) == first_forecast


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("epochs", "many", "Parameter 'epochs' must be a whole number"),
        ("dropout", "1.5", "Parameter 'dropout' must be at most"),
        ("macro-symbols", "SPY", "Parameter 'macro-symbols' must list 'key: TICKER' pairs"),
        ("start-date", "2020-13-01", "Parameter 'start-date' must be a date"),
        ("history-bars", "15", "Parameter 'history-bars' (15) must be at least"),
        ("normalization", "zscore", "normalization"),
        ("seed", "4294967296", "Parameter 'seed' must be at most 4294967295"),
        ("macro-symbols", "Bull/..: SPY", "Parameter 'macro-symbols' must list"),
        ("macro-symbols", '{"Bull": "SPY"}', "Parameter 'macro-symbols' must list"),
        ("max-error-ratio", "0", "Parameter 'max-error-ratio' must be at least"),
        ("forecast-target", "tomorrow", "Parameter 'forecast-target' must be one of holding"),
        # MinMax forecasts a price from the last close: it cannot forecast the holding period.
        ("normalization", "minmax", "normalization 'minmax' forecasts a price level"),
        ("risk-on", " ", "Parameter 'risk-on' is empty"),
        ("risk-off", "XLK, TLT", "Parameters 'risk-on' and 'risk-off' both list XLK"),
        ("risk-on", "XLK, XL K", "Parameter 'risk-on' must list distinct tickers"),
        ("risk-on", "NOSUCH, NOTHERE", "Parameter 'risk-on' (NOSUCH, NOTHERE): none of these"),
        ("patience", "-1", "Parameter 'patience' must be at least 0"),
        ("validation-fraction", "0.9", "Parameter 'validation-fraction' must be at most 0.5"),
        ("validation-fraction", "0", "but 'validation-fraction' is 0"),
        ("retrain-batch-size", "-2", "Parameter 'retrain-batch-size' must be at least 0"),
        ("model-cache-mb", "-1", "Parameter 'model-cache-mb' must be at least 0"),
        ("jit-compile", "maybe", "Parameter 'jit-compile' must be true"),
    ],
)
def test_an_unusable_parameter_stops_initialize_naming_it(tmp_path, name, value, message):
    outcome = run_backtest(
        MAIN,
        parameters={**TINY_MODEL, name: value},
        output=tmp_path,
        draw_charts=False,
        log=lambda line: None,
    )
    assert not outcome.succeeded
    assert message in outcome.runtime_error


def test_early_stopping_without_a_validation_window_stops_initialize(tmp_path):
    # 25 bars, 10 held out, windows of 10, 2 sessions ahead: 4 windows, a tenth of which is none.
    outcome = backtest(
        tmp_path, dt.date(2020, 1, 1), dt.date(2020, 1, 31), **{"history-bars": "25"}
    )
    assert not outcome.succeeded
    assert "leaves no validation or no training window" in outcome.runtime_error
    assert not log_times(outcome.record, "Trained Bull")


def test_a_failed_training_is_logged_and_the_algorithm_goes_on(tmp_path):
    # An absurd learning rate drives the loss to infinity: MyLSTM refuses the fit.
    outcome = backtest(
        tmp_path, dt.date(2020, 1, 1), dt.date(2020, 1, 10), **{"learning-rate": "1e30"}
    )
    assert outcome.succeeded, outcome.runtime_error
    assert log_times(outcome.record, "Training Bull (SPY) failed")
    assert len(log_times(outcome.record, "No trained model for Bull yet")) == 1
    assert outcome.record.insights == []


def test_bad_macro_keys_and_empty_date_spans_fail_before_any_training(tmp_path):
    # Both once failed late: the key only when the models were stored at the end, the span
    # only after the first training.
    lines: list[str] = []
    outcome = run_backtest(
        MAIN,
        parameters={**TINY_MODEL, "macro-symbols": "Bull/..: SPY"},
        output=tmp_path,
        draw_charts=False,
        log=lines.append,
    )
    assert "Parameter 'macro-symbols' must list" in outcome.runtime_error
    with pytest.raises(BacktestSetupError, match="no NYSE session between 2020-01-04"):
        run_backtest(
            MAIN,
            parameters={**TINY_MODEL, "start-date": "2020-01-04", "end-date": "2020-01-05"},
            output=tmp_path,
            draw_charts=False,
            log=lines.append,
        )
    assert not [line for line in lines if "Trained" in line or "Training" in line]


def test_a_fit_far_worse_than_the_naive_forecast_does_not_trade(tmp_path):
    # With a limit no model can meet, every fit is refused: no model, no insights, and the log
    # says why. (A learning rate of 1e6 gave finite losses and a held-out error 1e8 times the
    # naive forecast's, and traded.)
    outcome = backtest(
        tmp_path, dt.date(2020, 1, 1), dt.date(2020, 2, 10), **{"max-error-ratio": "1e-6"}
    )
    assert outcome.succeeded, outcome.runtime_error
    refusals = [line for line in outcome.record.logs if "Training Bull (SPY) failed" in line]
    assert len(refusals) == 2  # the first fit and the January month end
    assert "times the naive forecast's" in refusals[0] and "'max-error-ratio' 1e-06" in refusals[0]
    assert "no model yet" in refusals[0]
    assert outcome.record.insights == []


def test_a_refused_retrain_keeps_the_previous_model(tmp_path):
    outcome = backtest(
        tmp_path,
        dt.date(2020, 1, 1),
        dt.date(2020, 2, 10),
        **{"learning-rate": "1e6", "epochs": "2", "retrain-epochs": "1"},
    )
    assert outcome.succeeded, outcome.runtime_error
    failed = [line for line in outcome.record.logs if "Training Bull (SPY) failed" in line]
    trained = [line for line in outcome.record.logs if "Trained Bull (SPY)" in line]
    assert failed, "a learning rate of 1e6 gives no usable model"
    for line in trained:  # whatever was accepted is within the limit
        ratio = float(line.rsplit("ratio ", 1)[1].rstrip(")"))
        assert ratio <= 10
