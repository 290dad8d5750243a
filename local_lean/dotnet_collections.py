""".NET's generic collections as LEAN's Python algorithms meet them (pythonnet's
``System.Collections.Generic``): ``Dictionary[str, str]`` and ``List[Symbol]``.

- ``Dictionary``: a ``dict`` whose iteration yields ``KeyValuePair``s (``kvp.key``,
  ``kvp.value``), as a .NET dictionary iterates in Python; ``d[key]`` (KeyError when absent),
  ``key in d``, ``len``; .NET's ``add`` (an error for a key already there), ``contains_key``,
  ``try_get_value`` (``(found, value)``), ``remove`` (True when it was there), ``count``.
- ``List``: a ``list`` with .NET's ``add``, ``contains``, ``count``.

``Dictionary[str, str]`` and ``List[Symbol]`` name the class itself (the runner does not check
the element types), so they serve both as annotations and to build one:
``Dictionary[str, str]()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from local_lean.key_value import KeyValuePair


class Dictionary(dict):
    """.NET's ``Dictionary<TKey, TValue>``."""

    def __class_getitem__(cls, types: Any) -> type:
        return cls

    def __iter__(self) -> Iterator[KeyValuePair]:  # type: ignore[override]
        return (KeyValuePair(key, value) for key, value in dict.items(self))

    @property
    def count(self) -> int:
        return len(self)

    def add(self, key: Any, value: Any) -> None:
        if key in self:
            raise ValueError(f"An item with the same key has already been added. Key: {key}")
        self[key] = value

    def contains_key(self, key: Any) -> bool:
        return key in self

    def try_get_value(self, key: Any) -> tuple[bool, Any]:
        return (True, self[key]) if key in self else (False, None)

    def remove(self, key: Any) -> bool:
        if key not in self:
            return False
        del self[key]
        return True


class List(list):
    """.NET's ``List<T>``."""

    def __class_getitem__(cls, types: Any) -> type:
        return cls

    @property
    def count(self) -> int:
        return len(self)

    def add(self, item: Any) -> None:
        self.append(item)

    def contains(self, item: Any) -> bool:
        return item in self


__all__ = ["Dictionary", "List"]
