"""LEAN's ``QuantConnect.Util.CircularQueue``: a queue that hands its items out in a circle.

``dequeue`` returns the next item and puts it back at the end; each time the first item comes
out (the first ``dequeue`` included, as in LEAN) the ``circle_completed`` handlers, added with
``+=``, are called with ``(queue, None)``. ``CircularQueue[T](items)`` works as in LEAN's
Python API (the type argument is only documentation here).
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable
from typing import Any


class _CircleCompletedEvent:
    """A .NET event: handlers ``(sender, event_args)`` added with ``+=``, removed with ``-=``."""

    def __init__(self) -> None:
        self._handlers: list[Callable[[Any, Any], Any]] = []

    def __iadd__(self, handler: Callable[[Any, Any], Any]) -> _CircleCompletedEvent:
        if not callable(handler):
            raise TypeError(f"circle_completed handlers must be callables, got {handler!r}")
        self._handlers.append(handler)
        return self

    def __isub__(self, handler: Callable[[Any, Any], Any]) -> _CircleCompletedEvent:
        if handler in self._handlers:
            self._handlers.remove(handler)
        return self

    def _fire(self, sender: Any) -> None:
        for handler in list(self._handlers):
            handler(sender, None)


class CircularQueue:
    def __class_getitem__(cls, item: Any) -> type[CircularQueue]:
        return cls  # CircularQueue[OrderType]: the type argument only documents the items

    def __init__(self, *items: Any) -> None:
        # LEAN takes the items either as arguments or as one iterable.
        if len(items) == 1 and not isinstance(items[0], str | bytes):
            with contextlib.suppress(TypeError):  # a single item that is not iterable
                items = tuple(items[0])
        if not items:
            raise ValueError("a CircularQueue needs at least one item")
        self._head = items[0]
        self._queue = deque(items)
        self._circle_completed = _CircleCompletedEvent()

    @property
    def circle_completed(self) -> _CircleCompletedEvent:
        """Fired each time the first item is dequeued."""
        return self._circle_completed

    @circle_completed.setter
    def circle_completed(self, value: _CircleCompletedEvent) -> None:
        if value is not self._circle_completed:
            raise TypeError("add handlers with circle_completed += handler")

    def dequeue(self) -> Any:
        item = self._queue.popleft()
        if item == self._head:
            self.on_circle_completed()
        self._queue.append(item)
        return item

    def on_circle_completed(self) -> None:
        self._circle_completed._fire(self)


__all__ = ["CircularQueue"]
