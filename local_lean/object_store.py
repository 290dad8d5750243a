"""LEAN's ObjectStore, kept in a local folder (the lean CLI keeps it in `<workspace>/storage`).

Names and parameters follow quantconnect-stubs (QuantConnect/Storage/__init__.pyi, ObjectStore).
Behaviour follows LEAN's LocalObjectStore:

- Keys are paths relative to the store's root ("model.keras", "models/spy.keras").
- `get_file_path(path)` creates the parent folders and registers the key: `contains_key` is true
  from then on, even before anything was written to that file.
- Reading a key that does not exist raises KeyError with LEAN's message (LEAN raises
  KeyNotFoundException, which reaches Python as a KeyError-like error).
- Writes go to a temporary file first and are moved into place with os.replace, so a crash never
  leaves half a file behind.

A key that is absolute or climbs out of the root with '..' is refused with ValueError.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path, PurePosixPath


class ObjectStore:
    """Key-value storage for an algorithm's files, in a folder on disk."""

    def __init__(self, root: Path) -> None:
        self._root = Path(root).expanduser().resolve()
        self._root.mkdir(parents=True, exist_ok=True)
        self._registered: set[str] = set()

    @property
    def keys(self) -> list[str]:
        """Every key: the files under the root and the keys registered by get_file_path."""
        on_disk = {
            file.relative_to(self._root).as_posix()
            for file in self._root.rglob("*")
            if file.is_file() and not file.name.startswith(".tmp-")
        }
        return sorted(on_disk | self._registered)

    def contains_key(self, path: str) -> bool:
        """True when the key was saved or registered with get_file_path."""
        key = self._key(path)
        return key in self._registered or self._file(key).is_file()

    def get_file_path(self, path: str) -> str:
        """The absolute file path of a key, for libraries that write files (model.save(path))."""
        key = self._key(path)
        file = self._file(key)
        file.parent.mkdir(parents=True, exist_ok=True)
        self._registered.add(key)
        return str(file)

    def save(self, path: str, text: str | None = None, encoding: object = None) -> bool:
        """Store `text` (UTF-8) under the key. With no text, LEAN's `save(path)`: keep the file
        already written at get_file_path(path); true when that file exists."""
        if text is None:
            key = self._key(path)
            self._registered.add(key)
            return self._file(key).is_file()
        return self.save_bytes(path, text.encode("utf-8"))

    def save_string(self, path: str, text: str, encoding: object = None) -> bool:
        """Store `text` (UTF-8) under the key."""
        return self.save_bytes(path, text.encode("utf-8"))

    def save_bytes(self, path: str, contents: bytes | bytearray | list[int]) -> bool:
        """Store bytes under the key, atomically."""
        key = self._key(path)
        file = self._file(key)
        file.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=file.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(bytes(contents))
            os.replace(temporary, file)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self._registered.add(key)
        return True

    def read(self, path: str, encoding: object = None) -> str:
        """The text stored under the key."""
        return self.read_bytes(path).decode("utf-8")

    def read_string(self, path: str, encoding: object = None) -> str:
        """The text stored under the key."""
        return self.read(path)

    def read_bytes(self, path: str) -> bytes:
        """The bytes stored under the key; KeyError when there are none."""
        key = self._key(path)
        file = self._file(key)
        if not file.is_file():
            raise KeyError(
                f"Object with path '{key}' was not found in the current project. Please use "
                "ObjectStore.ContainsKey(key) to check if an object exists before attempting "
                "to read."
            )
        return file.read_bytes()

    def delete(self, path: str) -> bool:
        """Remove the key and its file; false when there was nothing to remove."""
        key = self._key(path)
        file = self._file(key)
        existed = key in self._registered or file.is_file()
        self._registered.discard(key)
        if file.is_file():
            file.unlink()
        return existed

    def _key(self, path: str) -> str:
        if not isinstance(path, str) or not path.strip():
            raise ValueError(f"an object store key must be a non-empty string, got {path!r}")
        key = PurePosixPath(path.strip().replace("\\", "/"))
        if key.is_absolute() or (len(path) > 1 and path[1] == ":"):
            raise ValueError(
                f"object store key {path!r} is an absolute path; use a path relative to the "
                "store, such as 'models/spy.keras'"
            )
        if ".." in key.parts:
            raise ValueError(f"object store key {path!r} may not contain '..'")
        return key.as_posix()

    def _file(self, key: str) -> Path:
        file = (self._root / key).resolve()
        if not file.is_relative_to(self._root):  # a symbolic link pointing outside
            raise ValueError(f"object store key {key!r} leads outside {self._root}")
        return file
