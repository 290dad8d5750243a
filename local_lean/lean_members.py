"""LEAN's members the runner does not emulate: NotSupportedError, never an AttributeError.

A runner class that stands for a LEAN class derives from ``LeanMembers`` and names that class
(``lean_class="QuantConnect.Securities.SecurityHolding"``). Reading a public name the LEAN class
has (per quantconnect-stubs, its base classes and ``System.Object`` included) that the runner's
class lacks raises NotSupportedError naming ``Class.member`` and what to use instead: an entry
of the class's ``alternatives``, a .NET object method's Python equivalent, or the class's
``hint``. A name LEAN's class does not have raises AttributeError, as in LEAN.
"""

from __future__ import annotations

from typing import Any, ClassVar

from local_lean.errors import NotSupportedError
from local_lean.lean_stubs import lineage_member_names

# System.Object's methods, which every LEAN class has: what Python offers in their place.
DOTNET_OBJECT_ALTERNATIVES = {
    "equals": "compare with ==",
    "get_hash_code": "use hash(x)",
    "get_type": "use type(x)",
    "memberwise_clone": "use copy.copy(x)",
    "reference_equals": "compare with `is`",
    "to_string": "use str(x)",
}

# The interfaces' .NET collection members (IDictionary, ICollection) and the ones pythonnet
# adds to LEAN's dictionaries, with the Python way the runner's dictionaries offer.
DOTNET_DICTIONARY_ALTERNATIVES = {
    "get_enumerator": "iterate with `for key in x` or x.items()",
    "copy_to": "use list(x.items())",
    "try_get_value": "use x.get(key) (None when absent)",
    "get_items": "use x.items()",
    "get_keys": "use x.keys()",
    "get_values": "use x.values()",
    "is_read_only": "the collection is read by the algorithm and changed by the runner",
    "contains": "use `key in x`",
    "check_for_implicitly_created_symbol": "add the security first (self.add_equity)",
}

DEFAULT_HINT = "see local_lean/README.md for what the runner offers"


class LeanMembers:
    """Base of the runner's classes that stand for a LEAN class (see the module's text)."""

    __slots__ = ()
    _lean_class: ClassVar[str] = ""
    _lean_alternatives: ClassVar[dict[str, str]] = {}
    _lean_hint: ClassVar[str] = DEFAULT_HINT

    def __init_subclass__(
        cls,
        lean_class: str = "",
        alternatives: dict[str, str] | None = None,
        hint: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        if lean_class:
            cls._lean_class = lean_class
        if alternatives:
            cls._lean_alternatives = {**cls._lean_alternatives, **alternatives}
        if hint:
            cls._lean_hint = hint

    @classmethod
    def _lean_alternative(cls, name: str) -> str | None:
        """What to use instead of LEAN's member `name`, where a rule says more than the
        tables (a class may override it); None: the tables and the hint."""
        return None

    def __getattr__(self, name: str) -> Any:
        # Only called when the normal lookup failed.
        cls = type(self)
        for klass in cls.__mro__:
            if name in vars(klass):
                # A property that raised AttributeError itself: raise its own error again.
                return vars(klass)[name].__get__(self, cls)
        error = unsupported_member_error(cls, name)
        if error is not None:
            raise error
        raise AttributeError(f"'{cls.__name__}' object has no attribute '{name}'")


def lean_names_of(cls: type) -> frozenset[str]:
    """The public names of the LEAN class `cls` stands for (empty when it names none)."""
    lean_class = getattr(cls, "_lean_class", "")
    return lineage_member_names(lean_class) if lean_class else frozenset()


def unsupported_member_error(cls: type, name: str) -> NotSupportedError | None:
    """The NotSupportedError for LEAN's member `name` that `cls` lacks; None when LEAN's class
    has no such public member."""
    if name.startswith("_") or name not in lean_names_of(cls):
        return None
    lean_class_name = cls._lean_class.rsplit(".", 1)[-1]  # type: ignore[attr-defined]
    alternatives = {
        **DOTNET_OBJECT_ALTERNATIVES,
        **DOTNET_DICTIONARY_ALTERNATIVES,
        **getattr(cls, "_lean_alternatives", {}),
    }
    hint = (
        alternatives.get(name)
        or cls._lean_alternative(name)  # type: ignore[attr-defined]
        or getattr(cls, "_lean_hint", DEFAULT_HINT)
    )
    return NotSupportedError(f"{lean_class_name}.{name}", hint)


__all__ = [
    "DEFAULT_HINT",
    "DOTNET_OBJECT_ALTERNATIVES",
    "LeanMembers",
    "lean_names_of",
    "unsupported_member_error",
]
