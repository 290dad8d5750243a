"""The model cache: a fit served again only for the same closes, settings and starting weights,
into the model's own network; a size limit; damaged entries retrained; a rerun of main.py that
trains nothing."""

import datetime as dt
import os
from pathlib import Path

import numpy as np
import pytest
from runner_helpers import TINY_STRATEGY, WITHOUT_XLA

from local_lean.engine import run_backtest
from local_lean.object_store import ObjectStore
from local_lean.results import summarize
from lstm_model import MyLSTM
from model_cache import ModelCache

TINY = dict(lookback=5, units=3, layers=1, epochs=2, batch_size=16, seed=1)
MAIN = Path(__file__).resolve().parent.parent / "main.py"


def walk(n: int = 80, seed: int = 0) -> np.ndarray:
    return 100 * np.exp(np.cumsum(np.random.default_rng(seed).normal(0, 0.01, n)))


PRICES = walk()


@pytest.fixture
def cache(tmp_path):
    lines = []
    cache = ModelCache(ObjectStore(tmp_path), max_bytes=50 * 2**20, log=lines.append)
    cache.lines = lines
    return cache


def test_the_same_fit_is_served_from_the_cache_with_the_same_forecasts(cache):
    trained, from_cache = cache.fit(MyLSTM(**TINY), PRICES)
    assert not from_cache and trained.is_fitted
    fresh = MyLSTM(**TINY)
    served, from_cache = cache.fit(fresh, PRICES)
    assert from_cache and served is fresh and fresh.is_fitted
    np.testing.assert_array_equal(served.predict(PRICES), trained.predict(PRICES))
    assert served.loss_history_ == trained.loss_history_
    # verbose changes what a fit prints, not what it learns.
    assert cache.fit(MyLSTM(**TINY, verbose=1), PRICES)[1]


def test_other_closes_settings_or_starting_weights_miss_the_cache(cache):
    model = MyLSTM(**TINY)
    key = cache.key(model, PRICES)
    changed = PRICES.copy()
    changed[40] *= 1 + 1e-12  # one close, by a hair
    assert cache.key(model, changed) != key
    assert cache.key(model, PRICES[1:]) != key
    assert cache.key(MyLSTM(**{**TINY, "epochs": 3}), PRICES) != key
    assert cache.key(MyLSTM(**{**TINY, "seed": 2}), PRICES) != key
    # A warm retrain starts from the weights it has: other weights, another key.
    first = MyLSTM(**TINY, warm_start=True).fit(PRICES[:70])
    other = MyLSTM(**TINY, warm_start=True).fit(PRICES[1:71])
    assert cache.key(first, PRICES) != cache.key(other, PRICES)
    assert cache.key(first, PRICES) != cache.key(MyLSTM(**TINY, warm_start=True), PRICES)
    cache.fit(model, PRICES)
    assert not cache.fit(MyLSTM(**TINY), changed)[1]


def test_a_warm_retrain_is_served_only_after_the_same_first_fit(cache):
    first, _ = cache.fit(MyLSTM(**TINY, warm_start=True, warm_epochs=1), PRICES[:70])
    retrained, hit = cache.fit(first, PRICES[5:75])
    assert not hit and retrained is first and retrained.n_fits_ == 2
    again, _ = cache.fit(MyLSTM(**TINY, warm_start=True, warm_epochs=1), PRICES[:70])
    network = again.model_
    served, hit = cache.fit(again, PRICES[5:75])
    assert hit and served is again and served.n_fits_ == 2
    # The retrain's weights go into the same network: nothing is built or traced again.
    assert served.model_ is network
    np.testing.assert_array_equal(served.predict(PRICES), retrained.predict(PRICES))
    # The served model trains on as the one that was fitted.
    np.testing.assert_array_equal(
        served.fit(PRICES[10:80]).predict(PRICES), retrained.fit(PRICES[10:80]).predict(PRICES)
    )


def test_a_first_fit_is_served_to_a_model_that_differs_in_its_retrain_settings_only(cache):
    retrain = dict(warm_start=True, warm_epochs=1, retrain_windows=0)
    first, _ = cache.fit(MyLSTM(**TINY, **retrain), PRICES[:70])
    other = {"warm_epochs": 3, "retrain_windows": 30, "warm_batch_size": 8}
    served, hit = cache.fit(MyLSTM(**TINY, **{**retrain, **other}), PRICES[:70])
    assert hit  # a fit from scratch reads none of these
    np.testing.assert_array_equal(served.predict(PRICES), first.predict(PRICES))
    assert {name: served.get_params()[name] for name in other} == other  # the asked-for ones
    # The retrains that follow read them: the two models' next fits have different keys.
    assert cache.key(served, PRICES[5:75]) != cache.key(first, PRICES[5:75])
    # Settings a fit from scratch reads still change its key.
    assert cache.key(MyLSTM(**TINY, **retrain), PRICES) != cache.key(
        MyLSTM(**{**TINY, "units": 4}, **retrain), PRICES
    )


def test_the_cache_keeps_to_its_size_limit_dropping_the_oldest(tmp_path):
    store = ObjectStore(tmp_path)
    probe = ModelCache(store, max_bytes=2**30)
    probe.fit(MyLSTM(**TINY), PRICES)
    one_entry = sum(f.stat().st_size for f in tmp_path.rglob("*") if f.is_file())
    cache = ModelCache(store, max_bytes=int(1.5 * one_entry))
    cache.fit(MyLSTM(**{**TINY, "seed": 2}), PRICES)  # a second entry: over the limit
    stored = sorted(f.name for f in tmp_path.rglob("*") if f.is_file())
    assert stored == [cache.key(MyLSTM(**{**TINY, "seed": 2}), PRICES) + ".npz"]
    with pytest.raises(ValueError, match="max_bytes"):
        ModelCache(store, max_bytes=0)


def test_a_damaged_entry_is_retrained_not_served(cache, tmp_path):
    trained, _ = cache.fit(MyLSTM(**TINY), PRICES)
    (entry,) = tmp_path.rglob("*.npz")
    entry.write_bytes(entry.read_bytes()[:100])  # truncated
    model, hit = cache.fit(MyLSTM(**TINY), PRICES)
    assert not hit and model.is_fitted
    assert any("ignoring the unreadable entry" in line for line in cache.lines)
    np.testing.assert_array_equal(model.predict(PRICES), trained.predict(PRICES))
    assert cache.fit(MyLSTM(**TINY), PRICES)[1]  # stored again, whole


def test_a_file_of_an_earlier_format_counts_toward_the_limit_and_goes_first(tmp_path):
    store = ObjectStore(tmp_path)
    earlier = Path(store.get_file_path("lstm-macro/model-cache/" + "0" * 64 + ".keras"))
    earlier.write_bytes(b"x" * 4096)
    os.utime(earlier, (1, 1))  # older than any entry
    cache = ModelCache(store, max_bytes=2**30)
    cache.fit(MyLSTM(**TINY), PRICES)
    assert earlier.exists()  # within the limit: kept
    entry_bytes = sum(f.stat().st_size for f in tmp_path.rglob("*.npz"))
    ModelCache(store, max_bytes=entry_bytes + 4095).fit(MyLSTM(**{**TINY, "seed": 2}), PRICES)
    assert not earlier.exists()


def backtest(tmp_path, storage, seed=0, **parameters):
    return run_backtest(
        MAIN,
        start=dt.date(2020, 1, 1),
        end=dt.date(2020, 2, 29),
        parameters={**TINY_STRATEGY, **WITHOUT_XLA, **parameters},
        output=tmp_path,
        storage=storage,
        seed=seed,
        draw_charts=False,
        log=lambda line: None,
    )


def trained_lines(outcome):
    return [line for line in outcome.record.logs if "Trained Bull" in line]


def test_a_rerun_trains_nothing_and_gives_identical_results(tmp_path):
    storage = tmp_path / "storage"
    cold = backtest(tmp_path / "cold", storage)
    warm = backtest(tmp_path / "warm", storage)
    assert cold.succeeded and warm.succeeded
    cold_lines, warm_lines = trained_lines(cold), trained_lines(warm)
    assert len(cold_lines) == len(warm_lines) == 3  # the start and two month ends
    assert not any("from the model cache" in line for line in cold_lines)
    assert all("from the model cache, nothing trained" in line for line in warm_lines)
    assert summarize(warm.record) == summarize(cold.record)
    assert warm.record.orders == cold.record.orders
    assert warm.record.charts["Prediction Plot"] == cold.record.charts["Prediction Plot"]

    # Other closes (another synthetic market) miss the cache; so does a switched-off cache.
    other = backtest(tmp_path / "other", storage, seed=1)
    assert not any("from the model cache" in line for line in trained_lines(other))
    off = backtest(tmp_path / "off", storage, **{"model-cache-mb": "0"})
    assert not any("from the model cache" in line for line in trained_lines(off))
    assert summarize(off.record) == summarize(cold.record)
