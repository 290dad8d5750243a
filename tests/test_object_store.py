"""The local ObjectStore: LEAN's names, key rules, atomic writes and a Keras model round trip."""

import ast
import contextlib
import inspect
import os
import site
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


@pytest.mark.parametrize("bad_key", ["../outside.txt", "a/../../b", "", "  ", "..", "."])
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


def test_a_leading_slash_or_dot_is_dropped_as_lean_normalises_keys(tmp_path):
    store = ObjectStore(tmp_path / "storage")
    store.save("/etc/passwd", "inside")
    store.save("./models\\spy.txt", "spy")
    assert store.read("etc/passwd") == "inside" and store.read("models/spy.txt") == "spy"
    assert store.keys == ["etc/passwd", "models/spy.txt"]
    assert not (tmp_path / "passwd").exists()


@pytest.mark.parametrize("key", [".", "/", "./", "\\"])
def test_a_key_that_names_the_store_itself_is_refused_and_leaves_nothing(tmp_path, key):
    store = ObjectStore(tmp_path / "storage")
    for write in (store.get_file_path, store.save, lambda k: store.save(k, "x")):
        with pytest.raises(ValueError, match="names the store itself"):
            write(key)
    assert store.keys == []
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["storage"]


def test_a_name_longer_than_file_systems_allow_is_refused_before_it_is_registered(tmp_path):
    store = ObjectStore(tmp_path)
    key = "m" * 300 + ".keras"
    with pytest.raises(ValueError, match="has a name of 306 bytes; file systems allow 255"):
        store.get_file_path(key)
    with pytest.raises(ValueError, match="306 bytes"):
        store.contains_key(key)
    assert store.keys == []


def test_more_than_100_folders_is_refused_as_lean_does(tmp_path):
    store = ObjectStore(tmp_path)
    with pytest.raises(ValueError, match="more than 100 folders deep"):
        store.save("a/" * 2000 + "b.txt", "x")
    with pytest.raises(ValueError, match="more than 100 folders deep"):
        store.contains_key("a/" * 2000 + "b.txt")
    store.save("a/" * 100 + "b.txt", "deep")  # LEAN's limit itself is fine
    assert store.read("a/" * 100 + "b.txt") == "deep"


@pytest.mark.parametrize("key", ["a:b.txt", "x.tar.gz", "a b/c?.txt", "trailing.txt ", "a/"])
def test_keys_lean_does_not_support_are_refused_with_the_rule(tmp_path, key):
    store = ObjectStore(tmp_path)
    with pytest.raises(ValueError, match="not supported|names a folder"):
        store.save(key, "x")
    with pytest.raises(ValueError, match="not supported|names a folder"):
        store.get_file_path(key)
    assert store.keys == [] and list(tmp_path.iterdir()) == []


# ----- properties of the key rules -----------------------------------------------------------

KEY_CHARACTERS = st.sampled_from(list("ab/\\._-: #$=?*\x00é") + ["..", "/..", "\n"])
KEYS = st.one_of(st.text(max_size=40), st.lists(KEY_CHARACTERS, max_size=20).map("".join))


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(KEYS)
def test_any_key_is_stored_inside_the_root_or_refused_with_value_error(tmp_path_factory, key):
    base = tmp_path_factory.mktemp("store")
    store = ObjectStore(base / "storage")
    try:
        store.save(key, "value")
    except ValueError as error:
        assert "key" in str(error)
        assert store.keys == []
    else:
        assert store.contains_key(key) and store.read(key) == "value"
        (stored,) = store.keys
        assert (base / "storage" / stored).read_text() == "value"
        assert store.delete(key) and not store.contains_key(key)
    for operation in (store.contains_key, store.delete, store.get_file_path, store.read):
        with contextlib.suppress(ValueError, KeyError):  # the two errors a key may give
            operation(key)
    outside = [p for p in base.rglob("*") if not p.is_relative_to(base / "storage")]
    assert outside == [], "nothing is written outside the store"


def test_iterating_the_store_yields_each_key_with_its_bytes(tmp_path):
    store = ObjectStore(tmp_path / "store")
    store.save("a/model.json", "{}")
    store.save_bytes("b.bin", b"\x00\x01")
    store.get_file_path("registered-only.keras")  # registered, no file yet: not yielded
    pairs = {pair.key: pair.value for pair in store}
    assert pairs == {"a/model.json": b"{}", "b.bin": b"\x00\x01"}


def test_keys_under_a_shared_prefix_live_in_the_shared_folder_for_every_store(tmp_path):
    shared = tmp_path / "shared"
    first = ObjectStore(tmp_path / "one", {"cache/models": shared})
    second = ObjectStore(tmp_path / "two", {"cache/models/": shared})
    assert first.save("cache/models/a.txt", "from the first")
    assert first.save("own.txt", "private")
    assert (shared / "a.txt").read_text() == "from the first"
    assert second.read("cache/models/a.txt") == "from the first"
    assert second.keys == ["cache/models/a.txt"]  # the other store's own keys stay its own
    assert not second.contains_key("own.txt")
    assert Path(second.get_file_path("cache/models/b.keras")) == (shared / "b.keras").resolve()
    # A key beside the prefix ("cache/other.txt") or merely starting with it is not shared.
    second.save("cache/models2.txt", "x")
    assert not (shared / "models2.txt").exists() and not first.contains_key("cache/models2.txt")
    assert second.delete("cache/models/a.txt") and not (shared / "a.txt").exists()
    with pytest.raises(KeyError):
        first.read("cache/models/a.txt")
    with pytest.raises(ValueError, match="may not contain"):
        first.read("cache/models/../../escape.txt")
