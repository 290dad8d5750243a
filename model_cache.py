"""Fitted MyLSTM models kept in LEAN's ObjectStore, keyed by everything a fit depends on.

A fit is a function of the closes it sees, the model's settings (the seed among them), the
weights and optimizer state it starts from (none for a fit from scratch) and the software that
runs it. `ModelCache.fit` hashes all of these into one key: when an entry stored under that key
exists it is put into the model instead of training, so a rerun, or an optimisation set whose
model settings are unchanged, trains nothing; a model trained on any other closes has another
key and is never served. An entry is the model's learned state (MyLSTM.save_learned_state:
weights and optimizer variables in one .npz), not a Keras model file: a hit changes the weights
of the model's own network, whose compiled training step and forecast call are kept, where
loading a Keras model would build a network and trace both again, seconds each month. The cache
holds at most `max_bytes` (oldest entries go first) and degrades to training when the store
cannot be read or written (a full ObjectStore on QuantConnect, for example). A fit from scratch
reads none of the settings of the warm retrains after it, so they are left out of its key: its
state is served to a model that differs in those only.

Several processes may share the cache's folder (the parameter sets of one optimisation): saves
are atomic (MyLSTM.save_learned_state), and a process that misses takes a lock on that key before
training, so a second process that wants the same fit waits for the first and is served its state
instead of training it again. Where the system has no file locks (Windows), both train.

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

from lstm_model import LEARNED_STATE_VERSION, ModelFileError, MyLSTM, as_prices

__all__ = ["CACHE_FORMAT", "ModelCache"]

# Part of every key: a change to what a key covers must change every key.
CACHE_FORMAT = "lstm-model-cache/2"  # 2: entries are learned states (.npz)
# Settings that change what a fit prints, not what it learns.
NOT_LEARNING_PARAMS = ("verbose",)
# Settings of the warm retrains only: a fit from scratch (MyLSTM.fit) reads none of them.
WARM_RETRAIN_PARAMS = ("warm_start", "warm_epochs", "retrain_windows", "warm_batch_size")
ENTRY_SUFFIX = ".npz"
# A lock file, beside the entries, held while one process trains the model of a key. Hidden
# from the store's listings (ObjectStore and MyLSTM use the same prefix for temporary files).
LOCK_PREFIX = ".tmp-lock-"


class ModelCache:
    """Fitted models' learned states in `object_store` under `prefix`/<key>.npz."""

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
            "state_format": LEARNED_STATE_VERSION,
            "keras": keras.__version__,
            "backend": keras.backend.backend(),
            "backend_version": _backend_version(),
            "numpy": np.__version__,
        }
        digest.update(json.dumps([software, params], sort_keys=True, default=repr).encode())
        digest.update(np.ascontiguousarray(as_prices(closes), dtype="<f8").tobytes())
        if continues:
            state = model.learned_state()
            for array in [*state["weights"], *state["optimizer"]]:
                array = np.ascontiguousarray(array)
                digest.update(f"{array.dtype.str}{array.shape}".encode())
                digest.update(array.tobytes())
        else:
            digest.update(b"from scratch")
        return digest.hexdigest()

    def fit(self, model: MyLSTM, closes) -> tuple[MyLSTM, bool]:
        """(`model` fitted on `closes`, True when its state came from the cache).

        A hit puts the stored state into `model` (its network and compiled functions stay); a
        miss fits `model` (MyLSTM.fit: one transaction) and stores its learned state. Either
        way `model` is the fitted model returned.
        """
        key = self.key(model, closes)
        if self._load(key, model):
            return model, True
        with self._training_lock(key):
            if self._load(key, model):  # stored by another process while this one waited
                return model, True
            model.fit(closes)
            self._store(key, model)
        return model, False

    # ----- storage -----------------------------------------------------------------------------

    def _entry_key(self, key: str) -> str:
        return f"{self.prefix}/{key}{ENTRY_SUFFIX}"

    def _load(self, key: str, model: MyLSTM) -> bool:
        """Put the entry under `key` into `model`; False when there is none (or it is unusable,
        then deleted; `model` is left as it was)."""
        entry_key = self._entry_key(key)
        if not self.object_store.contains_key(entry_key):
            return False
        path = Path(self.object_store.get_file_path(entry_key))
        if not path.is_file() or path.stat().st_size == 0:
            return False
        try:
            model.load_learned_state(path)
        except (ModelFileError, OSError, ValueError) as error:
            self.log(f"Model cache: ignoring the unreadable entry {key[:12]}: {error}")
            self._delete(entry_key)
            return False
        return True

    @contextlib.contextmanager
    def _training_lock(self, key: str) -> Iterator[None]:
        """Held while this process trains the model of `key`: another process that misses the
        same key waits here, then finds the state stored. Without file locks, or where the
        lock file cannot be made, no wait."""
        try:
            import fcntl
        except ImportError:
            yield
            return
        folder = Path(self.object_store.get_file_path(self._entry_key(key))).parent
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
            # Removed while held: a process still waiting on it finds the state stored, and
            # one that comes later finds the state without waiting.
            lock_file.unlink(missing_ok=True)
            os.close(descriptor)  # closing releases the lock

    def _store(self, key: str, model: MyLSTM) -> None:
        try:
            model.save_learned_state(self.object_store.get_file_path(self._entry_key(key)))
            self._trim()
        # A cache that cannot be written must not stop a backtest: the fit is done already.
        except (OSError, ValueError, RuntimeError) as error:
            self.log(f"Model cache: could not store a model ({error}); training goes on")

    def _entries(self) -> list[tuple[float, int, str]]:
        """(modified time, bytes, key) of every file under the prefix, oldest first: the
        entries, and any file an earlier format left there, which the size limit counts and
        removes first as well."""
        entries = []
        for key in list(self.object_store.keys):
            key = str(key)
            if not key.startswith(self.prefix + "/"):
                continue
            path = Path(self.object_store.get_file_path(key))
            try:
                status = path.stat()
            except FileNotFoundError:  # absent, or deleted meanwhile by another process
                continue
            entries.append((status.st_mtime, status.st_size, key))
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

    def _delete(self, key: str) -> None:
        if self.object_store.contains_key(key):
            self.object_store.delete(key)


def _backend_version() -> str:
    """The version of the library that runs Keras' computations (TensorFlow, JAX, torch)."""
    module = sys.modules.get(keras.backend.backend())
    return str(getattr(module, "__version__", "unknown"))
