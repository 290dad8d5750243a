"""What every consolidator shares (LEAN's Common/Data/Consolidators/ConsolidatorBase.cs): the
``data_consolidated`` event, the last bar produced (``consolidated``), ``update``, ``scan``,
``reset`` and ``dispose``; and, as LEAN's ``WindowBase`` (Common/Indicators/WindowBase.cs), a
rolling window of the bars produced: ``window`` (2 bars unless resized), ``current``
(``consolidator[0]``, the newest), ``previous`` (``consolidator[1]``), iteration newest first.
A bar enters the window before the handlers run, so inside a handler ``consolidator[0]`` is the
bar just produced, while ``consolidated`` is set after them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from local_lean.indicators.rolling_window import RollingWindow

Handler = Callable[[Any, Any], Any]
DEFAULT_WINDOW_SIZE = 2  # LEAN's WindowBase.DefaultWindowSize


class DataConsolidatedEvent:
    """``consolidator.data_consolidated``: handlers ``(sender, bar)`` added with ``+=`` and
    removed with ``-=``, called in the order they were added each time a bar is produced."""

    def __init__(self) -> None:
        self._handlers: list[Handler] = []

    def __iadd__(self, handler: Handler) -> DataConsolidatedEvent:
        if not callable(handler):
            raise TypeError(
                f"data_consolidated handlers must be callables (sender, bar), got {handler!r}"
            )
        self._handlers.append(handler)
        return self

    def __isub__(self, handler: Handler) -> DataConsolidatedEvent:
        if handler in self._handlers:
            self._handlers.remove(handler)
        return self

    def __call__(self, sender: Any, bar: Any) -> None:
        for handler in list(self._handlers):
            handler(sender, bar)

    def __len__(self) -> int:
        return len(self._handlers)

    def _clear(self) -> None:
        self._handlers.clear()


class ConsolidatorBase:
    """Base class of the consolidators: subclasses define ``update`` (and ``scan`` when time
    alone can complete a bar) and call ``on_data_consolidated`` with each bar they finish."""

    def __init__(self) -> None:
        self._data_consolidated = DataConsolidatedEvent()
        self._consolidated: Any = None
        self._window = RollingWindow(DEFAULT_WINDOW_SIZE)

    @property
    def data_consolidated(self) -> DataConsolidatedEvent:
        return self._data_consolidated

    @data_consolidated.setter
    def data_consolidated(self, value: DataConsolidatedEvent) -> None:
        # `consolidator.data_consolidated += handler` assigns the event back: accept only that.
        if value is not self._data_consolidated:
            raise TypeError(
                "add handlers with `consolidator.data_consolidated += handler` (and remove "
                "them with -=)"
            )

    @property
    def consolidated(self) -> Any:
        """The last bar produced (None before the first)."""
        return self._consolidated

    @property
    def working_data(self) -> Any:
        """A copy of the bar being built (None when none is)."""
        return None

    @property
    def window(self) -> RollingWindow:
        """The bars produced, newest first (``window.size`` bars kept, 2 by default)."""
        return self._window

    @property
    def current(self) -> Any:
        """The newest bar produced (None before the first)."""
        return self._window[0]

    @property
    def previous(self) -> Any:
        """The bar produced before the newest (None until two were)."""
        return self._window[1] if self._window.count > 1 else None

    def __getitem__(self, i: int) -> Any:
        return self._window[i]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._window)

    @property
    def input_type(self) -> type:
        from local_lean.market_data import TradeBar

        return TradeBar

    @property
    def output_type(self) -> type:
        raise NotImplementedError

    def update(self, data: Any) -> None:
        raise NotImplementedError

    def scan(self, current_local_time: Any) -> None:
        """Complete a bar whose period has passed by `current_local_time` (timeless
        consolidators have nothing to do)."""

    def on_data_consolidated(self, consolidated: Any) -> None:
        if consolidated is not None:  # the window first: handlers see the new bar at [0]
            self._window.add(consolidated)
        # LEAN sets `consolidated` after the handlers ran, so that they can still compare the
        # new bar with the previous one.
        self._data_consolidated(self, consolidated)
        self._consolidated = consolidated

    def reset(self) -> None:
        self._consolidated = None
        self._window.reset()

    def dispose(self) -> None:
        """Drop every data_consolidated handler (as remove_consolidator does)."""
        self._data_consolidated._clear()


def is_consolidator(value: Any) -> bool:
    """Whether `value` is a consolidator (what register_indicator may take for a resolution)."""
    return all(hasattr(value, name) for name in ("update", "scan", "data_consolidated"))
