"""LEAN's algorithm commands (``Common/Commands/Command.cs``, ``QCAlgorithm.AddCommand``,
``Link``, ``BroadcastCommand``, ``OnCommand``) as a backtest sees them.

- ``Command``: the base of a user's command class; its ``run(algorithm)`` is the action
  (LEAN's base raises "Please implement the 'def run(algorithm) -> bool | None:' method").
- ``add_command(CommandType)`` registers a class by name; it must have a ``run`` method, as
  LEAN's ``CommandPythonWrapper`` checks (a class without one is refused with an error).
- ``link(command)``: the URL that creates the command on QuantConnect
  (``Authentication.Link("live/commands/create", ...)``): the project id and the command's
  fields as query parameters (``command[name]``, ``command[name][0]`` for lists,
  ``command[name][key]`` for dictionaries, ``command[$type]`` for a registered class),
  URL-encoded as .NET's ``HttpUtility`` encodes them. LEAN's link also carries an
  ``authorization`` and a ``timestamp`` from the user's QuantConnect credentials and the wall
  clock; a local run has neither, so its link has none.
- A command object's fields are serialized as LEAN's ``CommandPythonWrapper.Serialize`` does:
  a dict as it is; an instance of a ``Command`` subclass by its public members with a value
  (alphabetically, as ``inspect.getmembers`` lists them, methods left out); another object by
  its ``__dict__``.
- ``broadcast_command`` sends nothing in a backtest: LEAN logs "Warning: sending broadcast
  commands is disabled in backtesting" once and returns None.
- Commands reach a running algorithm only from QuantConnect or a command file of the lean CLI;
  a backtest here receives none, so ``run`` and ``on_command`` are never called by the runner.
"""

from __future__ import annotations

import inspect
import json
from typing import Any
from urllib.parse import quote_plus

# LEAN's Globals.Api: where the links point.
API_URL = "https://www.quantconnect.com/api/v2/"
BROADCAST_DISABLED_WARNING = "Warning: sending broadcast commands is disabled in backtesting"


class Command:
    """LEAN's ``Command``: subclass it and implement ``run(algorithm) -> bool | None``."""

    def run(self, algorithm: Any) -> bool | None:
        raise NotImplementedError(
            "Please implement the 'def run(algorithm) -> bool | None:' method"
        )


def check_command_type(command_type: Any) -> str:
    """The name a command class registers under; an error unless it is a class with ``run``."""
    if not isinstance(command_type, type):
        raise TypeError(f"add_command takes a command class, got {command_type!r}")
    if not callable(getattr(command_type, "run", None)):
        raise TypeError(
            f"{command_type.__name__} is not a command: implement 'def run(self, algorithm) -> "
            "bool | None:' (or derive from Command)"
        )
    return command_type.__name__


def command_fields(command: Any) -> dict[str, Any]:
    """The fields of a command object, as LEAN serializes them for a link."""
    if isinstance(command, dict):
        return dict(command)
    if isinstance(command, Command) or not getattr(command, "__dict__", None):
        fields = {}
        for name, value in inspect.getmembers(command):
            if value and not name.startswith("__") and not str(value).startswith("<bound "):
                fields[name] = value
        return fields
    return dict(command.__dict__)


def command_link(project_id: int, command: Any, registered: set[str]) -> str:
    """LEAN's link that creates `command` on QuantConnect (see the module's text)."""
    fields = json.loads(json.dumps(command_fields(command)))
    pairs: list[tuple[str, str]] = [("projectId", str(project_id))]
    _add_query_pairs(pairs, "command", fields)
    type_name = type(command).__name__
    if type_name in registered:
        pairs.append(("command[$type]", type_name))
    query = "&".join(f"{_url_encode(key)}={_url_encode(value)}" for key, value in pairs)
    return f"{API_URL}live/commands/create?{query}"


def _add_query_pairs(pairs: list[tuple[str, str]], key: str, value: Any) -> None:
    """LEAN's ``Authentication.AddToQuery``: objects by field, lists by index."""
    for name, item in value.items():
        sub_key = f"{key}[{name}]"
        if isinstance(item, dict):
            _add_query_pairs(pairs, sub_key, item)
        elif isinstance(item, list):
            for index, element in enumerate(item):
                pairs.append((f"{sub_key}[{index}]", _dotnet_text(element)))
        else:
            pairs.append((sub_key, _dotnet_text(item)))


def _dotnet_text(value: Any) -> str:
    """A JSON value as .NET's ``JToken.ToString()`` writes it (True, not true)."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if value is None:
        return ""
    return str(value) if not isinstance(value, dict | list) else json.dumps(value)


def _url_encode(text: str) -> str:
    """.NET's ``HttpUtility.UrlEncode``: spaces as '+', escapes in lower-case hex."""
    encoded = quote_plus(text, safe="-_.!*()")
    return "".join(
        encoded[i : i + 3].lower() if encoded[i] == "%" else encoded[i]
        for i in _escape_starts(encoded)
    )


def _escape_starts(encoded: str) -> list[int]:
    starts, index = [], 0
    while index < len(encoded):
        starts.append(index)
        index += 3 if encoded[index] == "%" else 1
    return starts


__all__ = [
    "API_URL",
    "BROADCAST_DISABLED_WARNING",
    "Command",
    "check_command_type",
    "command_fields",
    "command_link",
]
