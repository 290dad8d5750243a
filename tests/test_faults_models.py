"""Stored models: a pair (model and sidecar) is one unit under concurrent saves, temporary
files never show as keys and are cleaned up, a sidecar must hold every setting, and live
trading says which stored settings differ from the configuration's."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from local_lean.engine import run_backtest
from local_lean.object_store import STALE_TEMPORARY_SECONDS, ObjectStore
from lstm_model import ModelFileError, MyLSTM

ROOT = Path(__file__).resolve().parent.parent
PRICES = 100 * np.exp(np.cumsum(np.random.default_rng(3).normal(0, 0.01, 60)))


def fitted(**settings) -> MyLSTM:
    lstm = MyLSTM(lookback=5, units=3, layers=1, epochs=1, **settings)
    features, labels, _, _ = lstm.process_data(PRICES, test_size=5)
    lstm.fit_model(features, labels)
    return lstm


@pytest.fixture(scope="module")
def two_models():
    return fitted(normalization="last_close", seed=1), fitted(normalization="minmax", seed=2)


# --- case 5: two saves at once -----------------------------------------------------------------


def test_two_saves_at_once_leave_one_whole_pair(two_models, tmp_path, monkeypatch):
    # The first save pauses between its two renames while a second save to the same path
    # runs: the pair left must be one save's model with that save's sidecar.
    first, second = two_models
    path = tmp_path / "bull-spy.keras"
    real_replace = os.replace
    second_save: list[threading.Thread] = []

    def replace_then_let_the_other_save_run(source, target):
        real_replace(source, target)
        if str(target).endswith(".keras") and not second_save:
            second_save.append(threading.Thread(target=second.save, args=(path,)))
            second_save[0].start()
            time.sleep(1.0)  # the second save would finish both renames now

    monkeypatch.setattr(os, "replace", replace_then_let_the_other_save_run)
    first.save(path)
    second_save[0].join()
    monkeypatch.setattr(os, "replace", real_replace)
    loaded = MyLSTM.load(path)
    assert loaded.normalization == "minmax"  # the second save came last, whole
    assert loaded.predict_next(PRICES) == second.predict_next(PRICES)


# --- case 16: temporary files ------------------------------------------------------------------


def test_a_killed_save_leaves_nothing_the_store_lists(two_models, tmp_path, monkeypatch):
    first, _ = two_models
    store = ObjectStore(tmp_path / "storage")

    def killed(*_):
        raise KeyboardInterrupt  # as a kill between writing the files and renaming them

    real_unlink = Path.unlink
    monkeypatch.setattr(os, "replace", killed)
    monkeypatch.setattr(Path, "unlink", lambda self, missing_ok=False: None)  # no clean-up
    with pytest.raises(KeyboardInterrupt):
        first.save_to_object_store(store, "models/bull-spy.keras")
    monkeypatch.setattr(Path, "unlink", real_unlink)
    left = sorted(p.name for p in (tmp_path / "storage" / "models").iterdir())
    assert left and all(name.startswith(".tmp-") for name in left)
    assert not [
        key for key in store.keys if key not in ("models/bull-spy.keras", "models/bull-spy.json")
    ]


def test_stale_temporary_files_are_removed_when_the_store_opens(tmp_path):
    folder = tmp_path / "storage" / "models"
    folder.mkdir(parents=True)
    stale, fresh = folder / ".tmp-bull-spy-ab12.keras", folder / ".tmp-bull-spy-cd34.json"
    stale.write_bytes(b"half a model")
    fresh.write_bytes(b"a save in progress")
    old = time.time() - STALE_TEMPORARY_SECONDS - 60
    os.utime(stale, (old, old))
    store = ObjectStore(tmp_path / "storage")
    assert not stale.exists() and fresh.exists()
    assert store.keys == []


# --- case 17: a sidecar missing a setting ------------------------------------------------------


def test_a_sidecar_without_a_setting_is_refused(two_models, tmp_path):
    _, minmax = two_models
    path = tmp_path / "m.keras"
    minmax.save(path)
    sidecar = json.loads(path.with_suffix(".json").read_text())
    del sidecar["config"]["normalization"]
    path.with_suffix(".json").write_text(json.dumps(sidecar))
    with pytest.raises(ModelFileError, match="lacks the setting.*normalization"):
        MyLSTM.load(path)


# --- case 18: live mode and a stored model of other settings ----------------------------------

# Without XLA: its compile costs more than this model's training.
TINY_MODEL = {"history-bars": "120", "test-size": "5", "units": "2", "layers": "1",
              "epochs": "1", "retrain-epochs": "1", "batch-size": "32",
              "risk-on": "SPY", "risk-off": "TLT", "jit-compile": "false"}  # fmt: skip


def test_a_stored_model_of_another_lookback_is_ignored_and_named(tmp_path):
    stored = run_backtest(
        ROOT / "main.py", start=dt.date(2020, 3, 2), end=dt.date(2020, 3, 3),
        parameters={**TINY_MODEL, "lookback": "10"}, output=tmp_path, draw_charts=False,
        log=lambda line: None,
    )  # fmt: skip
    assert stored.succeeded, stored.runtime_error
    lines: list[str] = []
    from local_lean.engine import BacktestEngine, BacktestOptions
    from local_lean.loader import load_algorithm_class

    algorithm = load_algorithm_class(ROOT / "main.py")()
    options = BacktestOptions(
        start=dt.date(2020, 3, 2), end=dt.date(2020, 3, 2),
        parameters={**TINY_MODEL, "lookback": "20", "epochs": "3"}, output=tmp_path / "b",
        draw_charts=False, log=lines.append,
    )  # fmt: skip
    BacktestEngine(algorithm, options).run()
    algorithm.models.clear()
    algorithm.object_store = ObjectStore(tmp_path / "storage")  # the first run's models
    algorithm._load_stored_models()  # what initialize does in live trading
    assert algorithm.models == {}
    ignored = [line for line in lines if "Ignoring the stored" in line]
    assert ignored and all("lookback 10 (configuration: 20)" in line for line in ignored)
