"""PythonIndicator: the base of indicators written in Python, as LEAN runs them.

An algorithm subclasses it and defines ``update(input) -> bool`` (whether it is ready), sets
``self.value`` (and optionally ``self.warm_up_period``, or an ``is_ready`` of its own). Its
``__init__`` need not call ``super().__init__()``: the base state exists before it runs.

Calling ``indicator.update(bar)`` runs the algorithm's own method, nothing more (as in LEAN).
When the runner feeds it (``register_indicator``, ``IndicatorExtensions.of``,
``warm_up_indicator``, ``indicator_history``), it goes through LEAN's update machinery instead
(``feed``): samples count, ``update`` runs, ``current`` becomes ``value``, and the ``updated``
handlers run.
"""

from __future__ import annotations

from typing import Any

from local_lean.indicators.base import IndicatorBase


class PythonIndicator(IndicatorBase):
    """A custom indicator: subclass it, set ``self.value`` in ``update(input)``."""

    # The algorithm's update receives what it is fed (a TradeBar, or a data point) unchanged.
    _passes_input_through = True

    def __new__(cls, *args: Any, **kwargs: Any) -> PythonIndicator:
        instance = super().__new__(cls)
        IndicatorBase.__init__(instance, cls.__name__)
        instance._is_ready = False
        instance._warm_up_period = 0
        instance.value = 0.0
        return instance

    def __init__(self, *args: Any) -> None:
        # The state exists already (__new__); a name may be given, as LEAN's constructors allow.
        if args and isinstance(args[0], str):
            self.name = args[0]

    @property
    def is_ready(self) -> bool:
        return self._is_ready

    @is_ready.setter
    def is_ready(self, value: bool) -> None:
        self._is_ready = bool(value)

    @property
    def warm_up_period(self) -> int:
        return self._warm_up_period

    @warm_up_period.setter
    def warm_up_period(self, value: int) -> None:
        self._warm_up_period = int(value)

    def compute_next_value(self, input: Any) -> float:
        if type(self).update is IndicatorBase.update:
            raise NotImplementedError(
                f"Indicator.update must be implemented. Please implement this missing method in "
                f"{type(self).__name__}"
            )
        ready = self.update(input)
        if ready is not None:
            self._is_ready = bool(ready)
        return float(self.value)

    def reset(self) -> None:
        self._is_ready = False
        super().reset()
