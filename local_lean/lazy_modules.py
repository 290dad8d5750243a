"""Modules imported when first used: what ``AlgorithmImports`` offers but few algorithms touch.

``from AlgorithmImports import *`` gives ``plt`` and ``matplotlib``, as LEAN's does; importing
matplotlib's pyplot costs more than a daily backtest's loop, so the names hold stand-ins that
import the real module the first time one of its attributes is read, and hand everything on.
"""

from __future__ import annotations

import importlib
import importlib.util
import types
from collections.abc import Callable
from typing import Any


class LazyModule(types.ModuleType):
    """Stands for the module `name`, imported (after `before_import`, if given) on first use."""

    def __init__(self, name: str, before_import: Callable[[], None] | None = None) -> None:
        super().__init__(name)
        self._lazy_before_import = before_import
        self._lazy_module: types.ModuleType | None = None

    def loaded(self) -> types.ModuleType:
        """The real module, imported now if it was not yet."""
        if self._lazy_module is None:
            if self._lazy_before_import is not None:
                self._lazy_before_import()
            self._lazy_module = importlib.import_module(self.__name__)
        return self._lazy_module

    def __getattr__(self, attribute: str) -> Any:
        # Only for attributes a bare module lacks: every one of the real module's.
        return getattr(self.loaded(), attribute)

    def __dir__(self) -> list[str]:
        return dir(self.loaded())

    def __repr__(self) -> str:
        state = "imported" if self._lazy_module is not None else "not imported yet"
        return f"<module {self.__name__!r} ({state})>"


def installed(name: str) -> bool:
    """True when the top-level package of `name` can be imported (without importing it)."""
    return importlib.util.find_spec(name.split(".")[0]) is not None


__all__ = ["LazyModule", "installed"]
