"""Saving and loading MyLSTM: files, LEAN's ObjectStore (a folder-backed double), bad files."""

import hashlib
import json
import os
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from lstm_model import FORMAT_VERSION, ModelFileError, MyLSTM, NotFittedError

PRICES = 100 * np.exp(np.cumsum(np.random.default_rng(7).normal(0, 0.01, 60)))


class FolderObjectStore:
    """The part of LEAN's ObjectStore the model uses, over a folder.

    As in LEAN, get_file_path registers the key (and makes its folder) even before a file is
    written, so contains_key is true for a key whose file may still be missing or empty.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.keys: set[str] = set()

    def get_file_path(self, key: str) -> str:
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        self.keys.add(key)
        return str(path)

    def contains_key(self, key: str) -> bool:
        return key in self.keys


@pytest.fixture(scope="module", params=["minmax", "last_close"])
def model(request):
    lstm = MyLSTM(lookback=5, units=3, layers=2, epochs=2, seed=1, normalization=request.param)
    features, labels, _, _ = lstm.process_data(PRICES, test_size=5)
    lstm.fit_model(features, labels)
    return lstm


def test_save_and_load_round_trip_bit_for_bit(model, tmp_path):
    path = tmp_path / "spy.keras"
    model.save(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spy.json", "spy.keras"]
    loaded = MyLSTM.load(path)
    assert loaded.get_params() == model.get_params()
    assert loaded.loss_history_ == model.loss_history_ and loaded.n_fits_ == model.n_fits_
    assert loaded.is_fitted
    np.testing.assert_array_equal(
        loaded.predict_from_model(PRICES), model.predict_from_model(PRICES)
    )
    assert loaded.predict_next(PRICES) == model.predict_next(PRICES)
    sidecar = json.loads((tmp_path / "spy.json").read_text())
    assert sidecar["format_version"] == FORMAT_VERSION
    assert sidecar["config"]["normalization"] == model.normalization
    if model.normalization == "minmax":
        assert sidecar["normalization_state"]["min_"] == list(model.scaler_.min_)
        assert sidecar["normalization_state"]["scale_"] == list(model.scaler_.scale_)


def test_a_loaded_model_can_keep_training(model, tmp_path):
    model.save(tmp_path / "m.keras")
    loaded = MyLSTM.load(tmp_path / "m.keras")
    features, labels, _, _ = loaded.process_data(PRICES, test_size=5)
    losses = loaded.fit_model(features, labels, epochs=1)
    assert np.isfinite(losses["loss"][0]) and loaded.n_fits_ == model.n_fits_ + 1


def test_a_loaded_model_retrains_exactly_as_the_saved_one_would(tmp_path):
    """Keras does not save the dropout layers' seed generators, which advance with every
    training step: the sidecar does, so a warm retrain after loading draws the same masks."""
    settings = dict(lookback=5, units=3, layers=1, epochs=2, seed=1, dropout=0.2)
    saved = MyLSTM(**settings, warm_start=True, warm_epochs=2).fit(PRICES[:50])
    saved.save(tmp_path / "m.keras")
    loaded = MyLSTM.load(tmp_path / "m.keras")
    saved.fit(PRICES[5:55])
    loaded.fit(PRICES[5:55])
    for mine, theirs in zip(loaded.model_.get_weights(), saved.model_.get_weights(), strict=True):
        np.testing.assert_array_equal(mine, theirs)
    np.testing.assert_array_equal(loaded.predict(PRICES), saved.predict(PRICES))


def test_copy_is_independent(model):
    twin = model.copy()
    np.testing.assert_array_equal(twin.predict_from_model(PRICES), model.predict_from_model(PRICES))
    before = model.predict_from_model(PRICES)
    features, labels, _, _ = twin.process_data(PRICES * 1.5, test_size=0)
    twin.fit_model(features, labels, epochs=1)
    np.testing.assert_array_equal(model.predict_from_model(PRICES), before)


def test_a_copy_trains_on_exactly_as_the_original():
    original = MyLSTM(lookback=5, units=3, layers=2, epochs=2, seed=1, dropout=0.5)
    original.fit_model(*original.process_data(PRICES, test_size=5)[:2])
    twin = original.copy()  # dropout draws from random states that training advanced
    original.fit_model(*original.process_data(PRICES, test_size=5)[:2], epochs=1)
    twin.fit_model(*twin.process_data(PRICES, test_size=5)[:2], epochs=1)
    np.testing.assert_array_equal(twin.predict(PRICES), original.predict(PRICES))


def test_object_store_round_trip(model, tmp_path):
    store = FolderObjectStore(tmp_path)
    model.save_to_object_store(store, "models/macro-spy.keras")
    assert (tmp_path / "models" / "macro-spy.keras").stat().st_size > 0
    assert (tmp_path / "models" / "macro-spy.json").is_file()
    loaded = MyLSTM.load_from_object_store(store, "models/macro-spy.keras")
    np.testing.assert_array_equal(
        loaded.predict_from_model(PRICES), model.predict_from_model(PRICES)
    )


def test_object_store_without_the_model_gives_none(tmp_path):
    store = FolderObjectStore(tmp_path)
    assert MyLSTM.load_from_object_store(store, "absent.keras") is None
    store.get_file_path("registered.keras")  # registered, no file
    assert MyLSTM.load_from_object_store(store, "registered.keras") is None
    (tmp_path / "empty.keras").write_bytes(b"")
    store.keys.add("empty.keras")
    assert MyLSTM.load_from_object_store(store, "empty.keras") is None


def test_object_store_keys_must_end_in_keras(model, tmp_path):
    with pytest.raises(ValueError, match=r"\.keras"):
        model.save_to_object_store(FolderObjectStore(tmp_path), "spy.h5")


def test_save_needs_a_keras_path_and_a_fitted_model(model, tmp_path):
    with pytest.raises(ValueError, match=r"\.keras"):
        model.save(tmp_path / "spy.h5")
    with pytest.raises(NotFittedError):
        MyLSTM().save(tmp_path / "spy.keras")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_save_leaves_the_previous_files_whole(model, tmp_path, monkeypatch):
    path = tmp_path / "spy.keras"
    model.save(path)
    before = path.read_bytes(), path.with_suffix(".json").read_bytes()

    def broken_save(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(model.model_, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    assert (path.read_bytes(), path.with_suffix(".json").read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spy.json", "spy.keras"]


def test_missing_files_raise_model_file_error(model, tmp_path):
    with pytest.raises(ModelFileError, match="No stored model"):
        MyLSTM.load(tmp_path / "none.keras")
    model.save(tmp_path / "m.keras")
    (tmp_path / "m.json").unlink()
    with pytest.raises(ModelFileError, match="sidecar"):
        MyLSTM.load(tmp_path / "m.keras")


def test_a_truncated_model_file_raises_model_file_error(model, tmp_path):
    path = tmp_path / "m.keras"
    model.save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="truncated or corrupt"):
        MyLSTM.load(path)


def test_a_corrupt_archive_raises_model_file_error(model, tmp_path):
    path = tmp_path / "m.keras"
    model.save(path)
    with zipfile.ZipFile(path, "w") as archive:  # a valid zip without a Keras model inside
        archive.writestr("nothing.txt", "no model here")
    with pytest.raises(ModelFileError, match="is not the one its sidecar"):
        MyLSTM.load(path)
    # The same archive with a sidecar that names it: Keras itself refuses it.
    sidecar = json.loads(path.with_suffix(".json").read_text())
    sidecar["model_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    path.with_suffix(".json").write_text(json.dumps(sidecar))
    with pytest.raises(ModelFileError, match="Cannot load"):
        MyLSTM.load(path)


def test_an_other_format_version_raises_model_file_error(model, tmp_path):
    path = tmp_path / "m.keras"
    model.save(path)
    sidecar = json.loads(path.with_suffix(".json").read_text())
    sidecar["format_version"] = FORMAT_VERSION + 1
    path.with_suffix(".json").write_text(json.dumps(sidecar))
    with pytest.raises(ModelFileError, match="format version"):
        MyLSTM.load(path)
    path.with_suffix(".json").write_text("{not json")
    with pytest.raises(ModelFileError, match="unreadable"):
        MyLSTM.load(path)


@pytest.mark.parametrize(
    ("change", "message"),
    [({"lookback": 7}, "lookback=7"), ({"units": 9}, "units=9"), ({"layers": 3}, "layers=3")],
)
def test_a_sidecar_that_does_not_match_the_model_raises(model, tmp_path, change, message):
    path = tmp_path / "m.keras"
    model.save(path)
    sidecar = json.loads(path.with_suffix(".json").read_text())
    sidecar["config"].update(change)
    path.with_suffix(".json").write_text(json.dumps(sidecar))
    with pytest.raises(ModelFileError, match=message):
        MyLSTM.load(path)


def test_an_invalid_stored_configuration_raises(model, tmp_path):
    path = tmp_path / "m.keras"
    model.save(path)
    sidecar = json.loads(path.with_suffix(".json").read_text())
    sidecar["config"]["normalization"] = "zscore"
    path.with_suffix(".json").write_text(json.dumps(sidecar))
    with pytest.raises(ModelFileError, match="normalization"):
        MyLSTM.load(path)


def test_a_missing_scaler_state_raises(tmp_path, model):
    path = tmp_path / "m.keras"
    model.save(path)
    sidecar = json.loads(path.with_suffix(".json").read_text())
    if model.normalization != "minmax":  # scale-free: nothing to store
        assert sidecar["normalization_state"] is None
        return
    del sidecar["normalization_state"]["scale_"]
    path.with_suffix(".json").write_text(json.dumps(sidecar))
    with pytest.raises(ModelFileError, match="scaler"):
        MyLSTM.load(path)


@pytest.fixture(scope="module")
def one_per_normalization():
    """Two fitted models of the same shape, one per normalisation, for the tests that save
    them side by side or in turn (saving changes neither)."""
    models = {}
    for normalization in ("last_close", "minmax"):
        lstm = MyLSTM(lookback=5, units=3, layers=1, epochs=1, normalization=normalization)
        features, labels, _, _ = lstm.process_data(PRICES, test_size=5)
        lstm.fit_model(features, labels)
        models[normalization] = lstm
    return models


def test_a_sidecar_from_another_save_is_refused(one_per_normalization, tmp_path):
    # A last_close model beside a minmax sidecar of the same shape once loaded silently and
    # forecast with the wrong normalisation.
    for normalization, lstm in one_per_normalization.items():
        lstm.save(tmp_path / f"{normalization}.keras")
    (tmp_path / "last_close.json").write_bytes((tmp_path / "minmax.json").read_bytes())
    with pytest.raises(ModelFileError, match="another save"):
        MyLSTM.load(tmp_path / "last_close.keras")


@pytest.mark.parametrize(
    ("field", "value"),
    [("n_fits", "x"), ("n_fits", 0), ("loss_history", 5), ("loss_history", ["a"])],
)
def test_a_sidecar_field_of_the_wrong_type_raises_model_file_error(model, tmp_path, field, value):
    path = tmp_path / "m.keras"
    model.save(path)
    sidecar = json.loads(path.with_suffix(".json").read_text())
    sidecar[field] = value
    path.with_suffix(".json").write_text(json.dumps(sidecar))
    with pytest.raises(ModelFileError, match=field):
        MyLSTM.load(path)


def test_readers_beside_a_writer_always_see_a_whole_pair(one_per_normalization, tmp_path):
    # Two models of the same shape, one per normalisation, saved in turn under one path while
    # another thread loads it: every load must be one of the two, never a mix.
    path = tmp_path / "m.keras"
    saved = [one_per_normalization["last_close"], one_per_normalization["minmax"]]
    expected = {lstm.normalization: lstm.predict_next(PRICES) for lstm in saved}
    saved[0].save(path)
    stop = threading.Event()

    def write_in_turn():
        turn = 0
        while not stop.is_set():
            turn += 1
            saved[turn % 2].save(path)

    writer = threading.Thread(target=write_in_turn)
    writer.start()
    try:
        seen = []
        for _ in range(25):
            loaded = MyLSTM.load(path)
            assert loaded.predict_next(PRICES) == expected[loaded.normalization]
            seen.append(loaded.normalization)
    finally:
        stop.set()
        writer.join()
    assert len(seen) == 25


def test_a_reader_between_the_two_renames_gets_the_whole_new_pair(
    one_per_normalization, tmp_path, monkeypatch
):
    # The writer pauses after moving the new model into place and before its sidecar: a reader
    # that looks then must not pair the new model with the old sidecar.
    path = tmp_path / "m.keras"
    old, new = one_per_normalization["last_close"], one_per_normalization["minmax"]
    old.save(path)
    loaded = []
    real_replace = os.replace

    def replace_and_let_a_reader_in(source, target):
        real_replace(source, target)
        if str(target).endswith(".keras") and not loaded:
            reader = threading.Thread(target=lambda: loaded.append(MyLSTM.load(path)))
            reader.start()
            time.sleep(0.3)  # the reader looks now, between the two renames
            loaded.append(reader)

    monkeypatch.setattr(os, "replace", replace_and_let_a_reader_in)
    new.save(path)
    loaded[0].join()
    reader_result = loaded[1]
    assert reader_result.normalization == "minmax"
    assert reader_result.predict_next(PRICES) == new.predict_next(PRICES)


# ----- learned states (the model cache's entries) ------------------------------------------------


def test_a_learned_state_round_trips_bit_for_bit_into_a_new_model(model, tmp_path):
    path = tmp_path / "state.npz"
    model.save_learned_state(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.npz"]  # no temporary left
    loaded = MyLSTM(**model.get_params()).load_learned_state(path)
    assert loaded.is_fitted and loaded.n_fits_ == model.n_fits_
    assert loaded.loss_history_ == model.loss_history_
    assert loaded.val_loss_history_ == model.val_loss_history_
    np.testing.assert_array_equal(loaded.predict(PRICES), model.predict(PRICES))
    for mine, theirs in zip(
        loaded.learned_state()["optimizer"], model.learned_state()["optimizer"], strict=True
    ):
        np.testing.assert_array_equal(mine, theirs)


def test_a_learned_state_goes_into_the_same_network(model, tmp_path):
    path = tmp_path / "state.npz"
    model.save_learned_state(path)
    other = MyLSTM(**{**model.get_params(), "seed": 5})
    features, labels, _, _ = other.process_data(PRICES, test_size=5)
    other.fit_model(features, labels)
    network = other.model_
    assert not np.array_equal(other.predict(PRICES), model.predict(PRICES))
    other.load_learned_state(path)
    assert other.model_ is network
    np.testing.assert_array_equal(other.predict(PRICES), model.predict(PRICES))


def test_a_learned_state_of_another_network_is_refused_leaving_the_model(model, tmp_path):
    path = tmp_path / "state.npz"
    model.save_learned_state(path)
    wider = MyLSTM(**{**model.get_params(), "units": 4})
    with pytest.raises(ModelFileError, match="units"):
        wider.load_learned_state(path)
    assert not wider.is_fitted and wider.model_ is None


@pytest.mark.parametrize("damage", ["truncated", "empty", "missing"])
def test_a_damaged_learned_state_raises_model_file_error(model, tmp_path, damage):
    path = tmp_path / "state.npz"
    model.save_learned_state(path)
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:200])
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.unlink()
    fresh = MyLSTM(**model.get_params())
    with pytest.raises(ModelFileError, match="not a readable learned state"):
        fresh.load_learned_state(path)
    assert not fresh.is_fitted


def test_a_learned_state_needs_an_npz_path_and_a_fitted_model(model, tmp_path):
    with pytest.raises(ValueError, match=".npz"):
        model.save_learned_state(tmp_path / "state.keras")
    with pytest.raises(NotFittedError):
        MyLSTM().save_learned_state(tmp_path / "state.npz")
