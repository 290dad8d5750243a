"""Fitted MyLSTM models kept in LEAN's ObjectStore, keyed by everything a fit depends on.

A fit is a function of the closes it sees, the model's settings (the seed among them), the
weights and optimizer state it starts from (none for a fit from scratch) and the software that
runs it. `ModelCache.fit` hashes all of these into one key: when a model stored under that key
exists it is served instead of training, so a rerun, or an optimisation set whose model settings
are unchanged, trains nothing; a model trained on any other closes has another key and is never
served. A fit from scratch reads none of the settings of the warm retrains after it, so they
are left out of its key: it is served to a model that differs in those only, which takes them
over. The cache holds at most `max_bytes` (oldest entries go first) and degrades to training
when the store cannot be read or written (a full ObjectStore on QuantConnect, for example).

Several processes may share the cache's folder (the parameter sets of one optimisation): saves
are atomic (MyLSTM.save), and a process that misses takes a lock on that key before training,
so a second process that wants the same fit waits for the first and is served its model instead
of training it again. Where the system has no file locks (Windows), both train.

Uploaded to QuantConnect beside main.py: it depends on lstm_model, numpy, keras and the standard
library only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import keras
import numpy as np

from lstm_model import FORMAT_VERSION, ModelFileError, MyLSTM, as_prices

__all__ = ["CACHE_FORMAT", "ModelCache"]

# Part of every key: a change to what a key covers must change every key.
CACHE_FORMAT = "lstm-model-cache/2"
# Settings that change what a fit prints, not what it learns.
NOT_LEARNING_PARAMS = ("verbose",)
# Settings of the warm retrains only: a fit from scratch (MyLSTM.fit) reads none of them.
WARM_RETRAIN_PARAMS = ("warm_start", "warm_epochs", "retrain_windows", "warm_batch_size")
# A lock file, beside the entries, held while one process trains the model of a key. Hidden
# from the store's listings (ObjectStore and MyLSTM use the same prefix for temporary files).
LOCK_PREFIX = ".tmp-lock-"


class ModelCache:
    """Fitted models in `object_store` under `prefix`/<key>.keras (and its .json sidecar)."""

    def __init__(
        self,
        object_store,
        max_bytes: int,
        prefix: str = "lstm-macro/model-cache",
        log: Callable[[str], None] = print,
    ) -> None:
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
            raise ValueError(f"max_bytes must be a whole number of at least 1, got {max_bytes!r}")
        self.object_store = object_store
        self.max_bytes = max_bytes
        self.prefix = prefix.rstrip("/")
        self.log = log

    def key(self, model: MyLSTM, closes) -> str:
        """The hex SHA-256 of everything `model.fit(closes)` depends on."""
        digest = hashlib.sha256()
        continues = model.next_fit_continues()
        left_out = NOT_LEARNING_PARAMS if continues else NOT_LEARNING_PARAMS + WARM_RETRAIN_PARAMS
        params = {name: value for name, value in model.get_params().items() if name not in left_out}
        software = {
            "cache": CACHE_FORMAT,
            "model_format": FORMAT_VERSION,
            "keras": keras.__version__,
            "backend": keras.backend.backend(),
            "backend_version": _backend_version(),
            "numpy": np.__version__,
        }
        digest.update(json.dumps([software, params], sort_keys=True, default=repr).encode())
        digest.update(np.ascontiguousarray(as_prices(closes), dtype="<f8").tobytes())
        if continues:
            state = model.learned_state()
            for array in [*state["weights"], *state["optimizer"], *state["seed_generators"]]:
                array = np.ascontiguousarray(array)
                digest.update(f"{array.dtype.str}{array.shape}".encode())
                digest.update(array.tobytes())
        else:
            digest.update(b"from scratch")
        return digest.hexdigest()

    def fit(self, model: MyLSTM, closes) -> tuple[MyLSTM, bool]:
        """(the model fitted on `closes`, True when it came from the cache).

        A hit returns a new MyLSTM loaded from the store, with `model`'s settings, and leaves
        `model` untouched; a miss fits `model` itself (MyLSTM.fit: one transaction) and stores a
        copy of the result.
        """
        key = self.key(model, closes)
        stored = self._load(key, model)
        if stored is not None:
            return stored, True
        with self._training_lock(key):
            stored = self._load(key, model)  # stored by another process while this one waited
            if stored is not None:
                return stored, True
            model.fit(closes)
            self._store(key, model)
        return model, False

    # ----- storage -----------------------------------------------------------------------------

    def _model_key(self, key: str) -> str:
        return f"{self.prefix}/{key}.keras"

    def _load(self, key: str, wanted: MyLSTM) -> MyLSTM | None:
        """The stored model of `key` with `wanted`'s settings (those the key leaves out differ
        at most), or None."""
        try:
            stored = MyLSTM.load_from_object_store(self.object_store, self._model_key(key))
        except (ModelFileError, OSError, ValueError) as error:
            self.log(f"Model cache: ignoring the unreadable entry {key[:12]}: {error}")
            self._delete(self._model_key(key))
            return None
        if stored is not None:
            stored.set_params(**wanted.get_params())
        return stored

    @contextlib.contextmanager
    def _training_lock(self, key: str) -> Iterator[None]:
        """Held while this process trains the model of `key`: another process that misses the
        same key waits here, then finds the model stored. Without file locks, or where the
        lock file cannot be made, no wait."""
        try:
            import fcntl
        except ImportError:
            yield
            return
        folder = Path(self.object_store.get_file_path(self._model_key(key))).parent
        lock_file = folder / f"{LOCK_PREFIX}{key}"
        try:
            descriptor = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            yield
            return
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            # Removed while held: a process still waiting on it finds the model stored, and
            # one that comes later finds the model without waiting.
            lock_file.unlink(missing_ok=True)
            os.close(descriptor)  # closing releases the lock

    def _store(self, key: str, model: MyLSTM) -> None:
        try:
            model.save_to_object_store(self.object_store, self._model_key(key))
            self._trim()
        # A cache that cannot be written must not stop a backtest: the fit is done already.
        except (OSError, ValueError, RuntimeError) as error:
            self.log(f"Model cache: could not store a model ({error}); training goes on")

    def _entries(self) -> list[tuple[float, int, str]]:
        """(modified time, bytes, model key) of every stored model, oldest first."""
        entries = []
        for key in list(self.object_store.keys):
            key = str(key)
            if not (key.startswith(self.prefix + "/") and key.endswith(".keras")):
                continue
            files = [Path(self.object_store.get_file_path(k)) for k in _pair(key)]
            try:
                size = sum(f.stat().st_size for f in files if f.is_file())
                entries.append((files[0].stat().st_mtime, size, key))
            except FileNotFoundError:  # absent, or deleted meanwhile by another process
                continue
        return sorted(entries)

    def _trim(self) -> None:
        """Delete the oldest entries until the cache holds at most max_bytes."""
        entries = self._entries()
        total = sum(size for _, size, _ in entries)
        for _, size, key in entries:
            if total <= self.max_bytes:
                break
            self._delete(key)
            total -= size

    def _delete(self, model_key: str) -> None:
        for key in _pair(model_key):
            if self.object_store.contains_key(key):
                self.object_store.delete(key)


def _pair(model_key: str) -> tuple[str, str]:
    return model_key, model_key[: -len(".keras")] + ".json"


def _backend_version() -> str:
    """The version of the library that runs Keras' computations (TensorFlow, JAX, torch)."""
    module = sys.modules.get(keras.backend.backend())
    return str(getattr(module, "__version__", "unknown"))
