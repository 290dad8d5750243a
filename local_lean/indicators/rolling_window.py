"""LEAN's RollingWindow: the last `size` items, newest first (``window[0]`` is the newest).

Algorithms write ``RollingWindow[TradeBar](5)`` (LEAN's generic form) or ``RollingWindow(5)``;
both give the same window here. Indexing follows LEAN: an index past the items held but inside
the size gives None; an index past the size grows the window to hold it (and gives None).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any


class RollingWindow:
    """The `size` most recent items, index 0 the newest; `is_ready` once `size` were added."""

    def __init__(self, size: int) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValueError(
                f"RollingWindow needs a size that is an integer >= 0, got {size!r}: pass how "
                "many items to keep"
            )
        self._items: deque[Any] = deque(maxlen=size)  # appendleft: index 0 is the newest
        self._samples = 0
        self._removed: Any = None

    def __class_getitem__(cls, item: Any) -> type[RollingWindow]:
        # LEAN's generic syntax, RollingWindow[TradeBar](5): the item type changes nothing here.
        return cls

    # ----- LEAN's members -------------------------------------------------------------------

    @property
    def size(self) -> int:
        return self._items.maxlen or 0

    @size.setter
    def size(self, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"RollingWindow.size must be an integer >= 0, got {value!r}")
        # A smaller window keeps the newest items, as LEAN's Resize does.
        self._items = deque(list(self._items)[:value], maxlen=value)

    @property
    def count(self) -> int:
        return len(self._items)

    @property
    def samples(self) -> int:
        """How many items were ever added (since the last reset)."""
        return self._samples

    @property
    def is_ready(self) -> bool:
        return self._samples >= self.size

    @property
    def most_recently_removed(self) -> Any:
        """The item that last fell out of the window; an error before any did (as in LEAN)."""
        if self._samples <= self.size:
            raise IndexError(
                "No items have been removed yet from the RollingWindow: check "
                "samples > size before reading most_recently_removed"
            )
        return self._removed

    def add(self, item: Any) -> None:
        self._samples += 1
        if self._items.maxlen is not None and len(self._items) == self._items.maxlen:
            if self._items.maxlen == 0:
                return
            self._removed = self._items[-1]
        self._items.appendleft(item)

    def reset(self) -> None:
        self._items.clear()
        self._samples = 0
        self._removed = None

    def get_enumerator(self) -> Iterator[Any]:
        return iter(self)

    # ----- Python's protocols ---------------------------------------------------------------

    def __getitem__(self, i: int) -> Any:
        i = self._checked_index(i)
        if i is None:
            return None
        if i >= len(self._items):
            if i >= self.size:
                self.size = i + 1  # LEAN grows the window to the index asked for
            return None
        return self._items[i]

    def __setitem__(self, i: int, value: Any) -> None:
        if isinstance(i, bool) or not isinstance(i, int):
            raise TypeError(f"RollingWindow indices are integers, got {i!r}")
        if i < 0:
            if self.size + i < 0:
                raise IndexError(f"index {i} is outside the RollingWindow of size {self.size}")
            i = self.size + i  # LEAN counts negative indices from the size when setting
        if i >= self.size:
            self.size = i + 1
        while len(self._items) <= i:
            self._items.append(None)  # LEAN fills the gap with defaults
        self._items[i] = value

    def _checked_index(self, i: int) -> int | None:
        if isinstance(i, bool) or not isinstance(i, int):
            raise TypeError(f"RollingWindow indices are integers, got {i!r}")
        if i < 0:
            if self.size + i < 0:
                raise IndexError(
                    f"index {i} is outside the RollingWindow of size {self.size}: use 0 for "
                    "the newest item, -1 for the oldest"
                )
            i = len(self._items) + i
            if i < 0:
                return None
        return i

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Any]:
        return iter(list(self._items))

    def __repr__(self) -> str:
        return f"<RollingWindow size={self.size} count={self.count} samples={self.samples}>"
