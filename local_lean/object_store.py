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

Keys follow LEAN's rules (Engine/Storage/LocalObjectStore.cs):

- A key is normalised as LEAN's NormalizePath does: leading dots, then leading slashes, are
  dropped and backslashes become slashes ("./models\\spy.keras" is "models/spy.keras").
- A key that is saved (save, save_bytes, get_file_path) must match LEAN's pattern: an optional
  leading dot, then letters, digits, spaces and / \\ _ # - $ =, then at most one dot and an
  extension of letters and digits; and hold at most 100 slashes. Otherwise ValueError, as LEAN
  refuses it ("path is not supported"): "a:b.txt" and "x.tar.gz" are refused on every system.

Beyond LEAN, for a clear error instead of a file-system one, every operation refuses with
ValueError a key that is empty after normalisation (".", "/"), ends with a slash (a folder),
holds a ".." folder, or has a file or folder name longer than 255 bytes; "a//b" and "a/./b"
are the key "a/b". The file must stay inside the store's folder (a symbolic link pointing
outside is refused).
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from local_lean.key_value import KeyValuePair
from local_lean.lean_members import LeanMembers

# LEAN's SaveBytes rule (Engine/Storage/LocalObjectStore.cs, _pathRegex and the slash count).
LEAN_KEY_PATTERN = re.compile(r"\.?[a-zA-Z0-9\\/_#\-$= ]+\.?[a-zA-Z0-9]*")
LEAN_MAX_SLASHES = 100
# The longest file or folder name common file systems (ext4, APFS, NTFS) accept, in bytes.
MAX_NAME_BYTES = 255
# Temporary files (writes in progress) start with this; no listing shows them.
TEMPORARY_PREFIX = ".tmp-"
# A temporary file older than this was left by a writer that was killed: a write takes seconds.
STALE_TEMPORARY_SECONDS = 600


def _remove_stale_temporary_files(root: Path) -> None:
    """Remove what killed writers left behind, keeping files a live writer may still use."""
    now = time.time()
    for file in root.rglob(f"{TEMPORARY_PREFIX}*"):
        try:
            if file.is_file() and now - file.stat().st_mtime > STALE_TEMPORARY_SECONDS:
                file.unlink()
        except OSError:  # gone meanwhile, or not ours to remove: it stays out of listings
            continue


class ObjectStore(
    LeanMembers,
    lean_class="QuantConnect.Storage.ObjectStore",
    alternatives={
        "read_json": "use json.loads(self.object_store.read(key))",
        "save_json": "use self.object_store.save(key, json.dumps(value))",
        "read_xml": "use self.object_store.read(key) and an XML parser",
        "save_xml": "use self.object_store.save(key, text)",
        "clear": "delete each key: for key in self.object_store.keys: delete(key)",
        "error_raised": "errors are raised as exceptions",
    },
    hint="the object store offers save, read, save_bytes, read_bytes, contains_key, "
    "get_file_path, delete and keys",
):
    """Key-value storage for an algorithm's files, in a folder on disk."""

    def __init__(self, root: Path) -> None:
        self._root = Path(root).expanduser().resolve()
        self._root.mkdir(parents=True, exist_ok=True)
        self._registered: set[str] = set()
        _remove_stale_temporary_files(self._root)

    @property
    def keys(self) -> list[str]:
        """Every key: the files under the root and the keys registered by get_file_path."""
        on_disk = {
            file.relative_to(self._root).as_posix()
            for file in self._root.rglob("*")
            if file.is_file() and not file.name.startswith(TEMPORARY_PREFIX)
        }
        return sorted(on_disk | self._registered)

    def __iter__(self) -> Iterator[KeyValuePair]:
        """Every stored key with its contents (LEAN's store is a collection of key/bytes
        pairs: ``for kvp in self.object_store: kvp.key, kvp.value``)."""
        for key in self.keys:
            file = self._file(key)
            if file.is_file():
                yield KeyValuePair(key, file.read_bytes())

    def contains_key(self, path: str) -> bool:
        """True when the key was saved or registered with get_file_path."""
        key = self._key(path)
        return key in self._registered or self._file(key).is_file()

    def get_file_path(self, path: str) -> str:
        """The absolute file path of a key, for libraries that write files (model.save(path))."""
        key = self._saved_key(path)
        file = self._file(key)
        file.parent.mkdir(parents=True, exist_ok=True)
        self._registered.add(key)
        return str(file)

    def save(self, path: str, text: str | None = None, encoding: object = None) -> bool:
        """Store `text` (UTF-8) under the key. With no text, LEAN's `save(path)`: keep the file
        already written at get_file_path(path); true when that file exists."""
        if text is None:
            key = self._saved_key(path)
            self._registered.add(key)
            return self._file(key).is_file()
        return self.save_bytes(path, text.encode("utf-8"))

    def save_string(self, path: str, text: str, encoding: object = None) -> bool:
        """Store `text` (UTF-8) under the key."""
        return self.save_bytes(path, text.encode("utf-8"))

    def save_bytes(self, path: str, contents: bytes | bytearray | list[int]) -> bool:
        """Store bytes under the key, atomically."""
        key = self._saved_key(path)
        file = self._file(key)
        file.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, dir=file.parent)
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
        """The normalised key, refused with ValueError when no file can stand for it."""
        if not isinstance(path, str) or not path.strip():
            raise ValueError(f"an object store key must be a non-empty string, got {path!r}")
        if path.count("/") > LEAN_MAX_SLASHES or path.count("\\") > LEAN_MAX_SLASHES:
            raise ValueError(
                f"object store key {_shown(path)} is more than {LEAN_MAX_SLASHES} folders deep "
                "(LEAN's limit): use a shorter path"
            )
        key = path.lstrip(".").lstrip("/\\").replace("\\", "/")  # LEAN's NormalizePath
        if not key:
            raise ValueError(
                f"object store key {path!r} names the store itself, not an object: use a file "
                "name such as 'models/spy.keras'"
            )
        if key.endswith("/"):
            raise ValueError(
                f"object store key {_shown(path)} ends with '/', so it names a folder: add a file "
                "name"
            )
        # "a//b" and "a/./b" are the file "a/b": one key for one file.
        names = [name for name in key.split("/") if name not in ("", ".")]
        key = "/".join(names)
        if ".." in names:
            raise ValueError(f"object store key {_shown(path)} may not contain '..'")
        longest = max(names, key=lambda name: len(name.encode("utf-8")))
        if len(longest.encode("utf-8")) > MAX_NAME_BYTES:
            raise ValueError(
                f"object store key {_shown(path)} has a name of {len(longest.encode('utf-8'))} "
                f"bytes; file systems allow {MAX_NAME_BYTES}: shorten it"
            )
        return key

    def _saved_key(self, path: str) -> str:
        """The normalised key of an object to write, which must also follow LEAN's pattern."""
        key = self._key(path)
        if not LEAN_KEY_PATTERN.fullmatch(path):
            raise ValueError(
                f"object store key {_shown(path)} is not supported (LEAN refuses it too): use "
                "letters, digits, spaces and / _ # - $ =, with one dot before an extension of "
                "letters and digits, e.g. 'models/spy.keras'"
            )
        return key

    def _file(self, key: str) -> Path:
        try:
            file = (self._root / key).resolve()
        except (OSError, RuntimeError) as error:  # e.g. a loop of symbolic links
            raise ValueError(
                f"object store key {_shown(key)} cannot be resolved: {error}"
            ) from None
        if not file.is_relative_to(self._root):  # a symbolic link pointing outside
            raise ValueError(f"object store key {_shown(key)} leads outside {self._root}")
        return file


def _shown(key: str, limit: int = 80) -> str:
    """A key for a message: quoted, and cut short when very long."""
    return repr(key) if len(key) <= limit else f"{key[:limit]!r}... ({len(key)} characters)"
