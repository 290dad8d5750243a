"""The local ObjectStore: LEAN's names, key rules, atomic writes and a Keras model round trip."""

import ast
import inspect
import os
import site
from pathlib import Path

import numpy as np
import pytest

from local_lean.object_store import ObjectStore

STUBS = Path(site.getsitepackages()[0]) / "QuantConnect"


def stub_signatures(stub_file: Path, class_name: str) -> dict[str, list[list[str]]]:
    """Parameter names (without self) of each method of a class in quantconnect-stubs."""
    tree = ast.parse(stub_file.read_text())
    found: dict[str, list[list[str]]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    names = [argument.arg for argument in item.args.args[1:]]
                    found.setdefault(item.name, []).append(names)
    return found


def test_every_public_name_and_parameter_is_leans():
    stub = stub_signatures(STUBS / "Storage" / "__init__.pyi", "ObjectStore")
    public = [name for name in dir(ObjectStore) if not name.startswith("_")]
    assert public
    for name in public:
        assert name in stub, f"ObjectStore.{name} is not in LEAN"
        member = getattr(ObjectStore, name)
        if callable(member):
            ours = list(inspect.signature(member).parameters)[1:]
            assert ours in stub[name], f"{name}{ours} differs from LEAN's {stub[name]}"


def test_text_and_bytes_round_trip(tmp_path):
    store = ObjectStore(tmp_path)
    assert store.save("notes/today.txt", "héllo")
    assert store.read("notes/today.txt") == "héllo"
    assert store.read_string("notes/today.txt") == "héllo"
    assert store.save_bytes("blob.bin", bytes([0, 1, 255]))
    assert store.read_bytes("blob.bin") == bytes([0, 1, 255])
    assert store.save_string("s.txt", "x") and store.read("s.txt") == "x"
    assert store.keys == ["blob.bin", "notes/today.txt", "s.txt"]
    assert (tmp_path / "notes" / "today.txt").read_text(encoding="utf-8") == "héllo"


def test_a_new_store_on_the_same_folder_sees_saved_keys(tmp_path):
    ObjectStore(tmp_path).save("a.txt", "1")
    again = ObjectStore(tmp_path)
    assert again.contains_key("a.txt") and again.read("a.txt") == "1"


def test_get_file_path_registers_the_key_and_creates_folders(tmp_path):
    store = ObjectStore(tmp_path / "storage")
    path = store.get_file_path("models/spy.keras")
    assert Path(path) == (tmp_path / "storage" / "models" / "spy.keras").resolve()
    assert Path(path).parent.is_dir() and not Path(path).exists()
    assert store.contains_key("models/spy.keras")  # as in LEAN, before any file exists
    assert "models/spy.keras" in store.keys
    with pytest.raises(KeyError):
        store.read_bytes("models/spy.keras")  # registered, but nothing written yet
    Path(path).write_bytes(b"model")
    assert store.save("models/spy.keras")
    assert store.read_bytes("models/spy.keras") == b"model"


def test_reading_a_missing_key_raises_leans_key_error(tmp_path):
    with pytest.raises(KeyError, match="Object with path 'nothing' was not found"):
        ObjectStore(tmp_path).read("nothing")
    assert not ObjectStore(tmp_path).contains_key("nothing")


def test_delete(tmp_path):
    store = ObjectStore(tmp_path)
    store.save("a.txt", "1")
    assert store.delete("a.txt")
    assert not store.contains_key("a.txt") and not (tmp_path / "a.txt").exists()
    assert not store.delete("a.txt")
    store.get_file_path("b.keras")
    assert store.delete("b.keras") and not store.contains_key("b.keras")


@pytest.mark.parametrize("bad_key", ["/etc/passwd", "../outside.txt", "a/../../b", "", "  "])
def test_keys_may_not_escape_the_root(tmp_path, bad_key):
    store = ObjectStore(tmp_path / "storage")
    with pytest.raises(ValueError):
        store.save(bad_key, "x")
    with pytest.raises(ValueError):
        store.get_file_path(bad_key)
    assert not (tmp_path / "outside.txt").exists()


def test_writes_are_atomic_and_leave_no_temporary_files(tmp_path):
    store = ObjectStore(tmp_path)
    store.save("a.txt", "first")
    with pytest.raises(TypeError):
        store.save_bytes("a.txt", object())  # fails while writing the temporary file
    assert store.read("a.txt") == "first"
    assert os.listdir(tmp_path) == ["a.txt"]


def test_a_keras_model_round_trips_through_get_file_path(tmp_path):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    keras = pytest.importorskip("keras")
    store = ObjectStore(tmp_path)
    model = keras.Sequential([keras.Input((3, 1)), keras.layers.LSTM(2), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 3, 1)), np.ones((4, 1)), epochs=1, verbose=0)
    key = "models/tiny.keras"
    model.save(store.get_file_path(key))
    assert store.contains_key(key) and Path(store.get_file_path(key)).is_file()
    loaded = keras.models.load_model(store.get_file_path(key))
    window = np.linspace(0, 1, 3).reshape(1, 3, 1)
    np.testing.assert_allclose(loaded.predict(window, verbose=0), model.predict(window, verbose=0))
