"""A security's custom properties (LEAN's ``Security`` as a ``DynamicObject``, its
``Cache.Properties``): values an algorithm stores on a security by name.

LEAN offers four ways to the same store, and so does the runner's ``Security``:

- the dynamic interface: ``security.slow_ema = ema`` (a name the security does not have),
  then ``security.slow_ema`` (an instance attribute: no cost to the security's own members);
- the generic interface: ``security.add("fast_ema", ema)`` (``set`` is the same),
  ``security.get[ExponentialMovingAverage]("fast_ema")``, ``security.try_get[T](key)`` (a
  ``(found, value)`` pair, as pythonnet returns an ``out`` parameter), ``security.remove(key)``
  (True when the key was there), ``security.remove[T](key)`` (``(removed, value)``),
  ``security.clear()``;
- the indexer: ``security["bb"] = bb`` and ``security["bb"]``.

As in LEAN: reading a key that was never stored raises KeyError (``Get`` and the indexer: .NET's
KeyNotFoundException); ``try_get`` answers ``(False, None)``; a stored value that is not a ``T``
raises ``InvalidCastError`` (.NET's InvalidCastException) naming the key (LEAN's
CastDynamicPropertyValue).
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

# The .NET value types a Python value converts to, as pythonnet's PyObject.As<T> converts them.
_NUMBERS = (int, float, decimal.Decimal)


class InvalidCastError(TypeError):
    """.NET's InvalidCastException: a stored value is not of the type asked for."""


def cast_property(key: str, value: Any, wanted: Any) -> Any:
    """`value` (stored under `key`) as a `wanted` (LEAN's CastDynamicPropertyValue): the value
    itself when it is one; a number converted to float, int or Decimal; else
    InvalidCastError naming the key. ``object`` (the indexer's type) takes anything."""
    if wanted is object or wanted is None or isinstance(value, wanted):
        return value
    numeric = isinstance(value, _NUMBERS) and not isinstance(value, bool)
    if wanted in (float, decimal.Decimal) and numeric:
        return wanted(value)
    if wanted is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if wanted is dt.datetime and isinstance(value, dt.datetime):
        return value
    name = getattr(wanted, "__name__", repr(wanted))
    raise InvalidCastError(
        f"Unable to get the '{key}' property from {value!r}: it is not a supported {name} value."
    )


class CustomProperties:
    """The store of one object's custom properties. A name the object does not use itself is
    kept as its instance attribute (so ``security.slow_ema = ema`` stores it at Python's own
    speed, and ``security.slow_ema`` reads it); a `reserved` name (one of its own members,
    or a private one) is kept apart, so that ``add("symbol", x)`` never replaces the member,
    as LEAN's ``Cache.Properties`` are apart from the Security's members."""

    def __init__(self, attributes: dict[str, Any], reserved: frozenset[str]) -> None:
        self._attributes = attributes  # the owner's __dict__
        self._reserved = reserved
        self._apart: dict[str, Any] = {}

    def _store(self, key: str) -> dict[str, Any]:
        if key in self._reserved or key.startswith("_") or not key.isidentifier():
            return self._apart
        return self._attributes

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._store(key)

    def set(self, key: str, value: Any) -> None:
        if not isinstance(key, str):
            raise TypeError(f"a custom property's key is a string, got {key!r}")
        self._store(key)[key] = value

    def get(self, key: str, wanted: Any = object) -> Any:
        """The value of `key` as a `wanted`; KeyError when it was never stored."""
        if key not in self:
            raise KeyError(f"The given key '{key}' was not present in the dictionary.")
        return cast_property(key, self._store(key)[key], wanted)

    def try_get(self, key: str, wanted: Any = object) -> tuple[bool, Any]:
        if key not in self:
            return False, None
        return True, cast_property(key, self._store(key)[key], wanted)

    def remove(self, key: str, wanted: Any = None) -> Any:
        """True when `key` was there (and is gone now); with `wanted`, ``(removed, value)``."""
        if key not in self:
            return False if wanted is None else (False, None)
        value = self._store(key).pop(key)
        return True if wanted is None else (True, cast_property(key, value, wanted))

    def clear(self) -> None:
        self._apart.clear()
        for key in [k for k in self._attributes if self._store(k) is self._attributes]:
            del self._attributes[key]


class GenericMethod:
    """A LEAN generic method as pythonnet binds it: ``method[T](args)`` passes the type
    argument; ``method(args)`` calls it without one (``object``, or the method's own default)."""

    def __init__(self, call: Any, name: str) -> None:
        self._call = call
        self._name = name

    def __getitem__(self, wanted: Any) -> Any:
        if not isinstance(wanted, type):
            raise TypeError(f"{self._name}[T]: T must be a type, got {wanted!r}")
        return lambda *args: self._call(*args, wanted=wanted)

    def __call__(self, *args: Any) -> Any:
        return self._call(*args)

    def __repr__(self) -> str:
        return f"<generic method {self._name}>"


__all__ = ["CustomProperties", "GenericMethod", "InvalidCastError", "cast_property"]
