""".NET's ``KeyValuePair``: what iterating one of LEAN's dictionaries yields in Python.

LEAN's Python algorithms write ``for kvp in data.bars: kvp.key, kvp.value`` and
``for kvp in self.object_store: ...``; a named tuple also unpacks as ``key, value``.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class KeyValuePair(NamedTuple):
    """One entry of a dictionary: ``key`` and ``value``."""

    key: Any
    value: Any
