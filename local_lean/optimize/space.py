"""Parameter spaces: what each optimised parameter may take, checked before anything runs.

Three forms, as LEAN's optimizer config has them plus one:

- :class:`StepParameter`: ``min``, ``max`` and ``step`` (``--parameter NAME MIN MAX STEP``),
  with LEAN's optional ``min-step`` (Euler search refines the step down to it). Values are
  exact decimals: ``min + i * step`` for every i that stays at or below ``max``, as LEAN's
  ``OptimizationStepParameterEnumerator``.
- :class:`StaticParameter`: one fixed ``value`` (LEAN's ``StaticOptimizationParameter``).
- :class:`ChoiceParameter`: a list of ``values`` (strings such as ``last_close``/``minmax``),
  not in LEAN; grid and Euler search take every value, the Bayesian search picks among them.

Parameter values reach the algorithm as strings, as the lean CLI passes them. A whole number
is written without a fraction ("3", not "3.0"), so that ``get_parameter(name, 5)`` reads it as
an int rather than falling back to its default.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from local_lean.errors import LocalLeanError

#: LEAN's default number of segments when a step is not given (lean CLI's optimizer config).
DEFAULT_SEGMENT_AMOUNT = 10


class OptimizationInputError(LocalLeanError, ValueError):
    """Bad optimisation input (parameter, target, constraint, config file): nothing ran."""


@dataclass(frozen=True)
class StepParameter:
    name: str
    minimum: Decimal
    maximum: Decimal
    step: Decimal
    min_step: Decimal

    def count(self) -> int:
        return int((self.maximum - self.minimum) // self.step) + 1

    def values(self) -> list[str]:
        return [format_value(self.minimum + index * self.step) for index in range(self.count())]

    @property
    def refinable(self) -> bool:
        """Euler search narrows this parameter while its step is above its minimum step."""
        return self.step > self.min_step


@dataclass(frozen=True)
class StaticParameter:
    name: str
    value: str

    def count(self) -> int:
        return 1

    def values(self) -> list[str]:
        return [self.value]


@dataclass(frozen=True)
class ChoiceParameter:
    name: str
    choices: tuple[str, ...]

    def count(self) -> int:
        return len(self.choices)

    def values(self) -> list[str]:
        return list(self.choices)


Parameter = StepParameter | StaticParameter | ChoiceParameter


def format_value(value: Decimal) -> str:
    """A decimal as the algorithm reads it: "3" for a whole number, "0.25" otherwise."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def decimal_of(text: Any, what: str) -> Decimal:
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise OptimizationInputError(f"{what} '{text}' is not a number") from None
    if not value.is_finite():
        raise OptimizationInputError(f"{what} '{text}' is not a finite number")
    return value


def step_parameter(
    name: str,
    minimum: Any,
    maximum: Any,
    step: Any = None,
    min_step: Any = None,
    *,
    segments: int = DEFAULT_SEGMENT_AMOUNT,
) -> StepParameter:
    """A range checked as LEAN checks it (``OptimizationStepParameter``), with messages that say
    what to change. Without a step, LEAN divides the range into ``segments`` and refines down
    to a tenth of that; without a minimum step, the step is its own minimum (no refinement)."""
    low = decimal_of(minimum, f"parameter '{name}': MIN")
    high = decimal_of(maximum, f"parameter '{name}': MAX")
    if low > high:
        raise OptimizationInputError(
            f"parameter '{name}': MIN {minimum} is above MAX {maximum}; swap them"
        )
    if step is None:
        if segments < 1:
            raise OptimizationInputError(
                f"default-segment-amount must be a positive number, got {segments}"
            )
        size = abs(high - low) / segments
        if size <= 0:
            raise OptimizationInputError(
                f"parameter '{name}': MIN equals MAX, so there is no step to derive; give a "
                "step, or a fixed value instead of a range"
            )
        return StepParameter(name, low, high, size, size / 10)
    size = decimal_of(step, f"parameter '{name}': STEP")
    if size <= 0:
        raise OptimizationInputError(
            f"parameter '{name}': STEP must be above 0, got {step}; give the distance between "
            "two tried values"
        )
    smallest = size if min_step is None else decimal_of(min_step, f"parameter '{name}': min-step")
    if smallest <= 0:
        raise OptimizationInputError(
            f"parameter '{name}': min-step must be above 0, got {min_step}"
        )
    if size < smallest:
        raise OptimizationInputError(
            f"parameter '{name}': STEP {step} is below min-step {min_step}; make min-step the "
            "smaller one"
        )
    return StepParameter(name, low, high, size, smallest)


def choice_parameter(name: str, choices: Sequence[Any]) -> ChoiceParameter:
    values = tuple(str(choice) for choice in choices)
    if not values:
        raise OptimizationInputError(f"parameter '{name}': give at least one value to choose from")
    if len(set(values)) != len(values):
        raise OptimizationInputError(f"parameter '{name}': a value is listed twice in {values}")
    return ChoiceParameter(name, values)


def parameter_from_config(entry: Mapping[str, Any], segments: int) -> Parameter:
    """One entry of an optimizer config's "parameters" list, read as LEAN's
    ``OptimizationParameterJsonConverter`` reads it (keys case-insensitive; "name" or "key";
    "min"/"max" with optional "step" and "min-step"/"minStep"; or "value"), plus "values"."""
    if not isinstance(entry, Mapping):
        raise OptimizationInputError(
            f'each of "parameters" must be an object such as {{"name": "lookback", "min": 20, '
            f'"max": 60, "step": 20}}, got {type(entry).__name__} {str(entry)[:60]}'
        )
    keys = {str(key).lower(): value for key, value in entry.items()}
    name = keys.get("name", keys.get("key"))
    if not name:
        raise OptimizationInputError(f'an optimizer parameter has no "name": {dict(entry)}')
    if "min" in keys and "max" in keys:
        min_step = keys.get("min-step", keys.get("minstep"))
        return step_parameter(
            str(name), keys["min"], keys["max"], keys.get("step"), min_step, segments=segments
        )
    if "values" in keys:
        if not isinstance(keys["values"], list):
            raise OptimizationInputError(f"parameter '{name}': \"values\" must be a list")
        return choice_parameter(str(name), keys["values"])
    if "value" in keys:
        return StaticParameter(str(name), str(keys["value"]))
    raise OptimizationInputError(
        f'parameter \'{name}\': give "min" and "max" (and "step"), a "value", or "values"'
    )


def check_names(parameters: Sequence[Parameter], project_parameters: Mapping[str, str]) -> None:
    """Every optimised name must be one of config.json's parameters, each named once."""
    seen: set[str] = set()
    for parameter in parameters:
        if parameter.name in seen:
            raise OptimizationInputError(
                f"parameter '{parameter.name}' is given twice; give each parameter once"
            )
        seen.add(parameter.name)
        if parameter.name not in project_parameters:
            known = ", ".join(sorted(project_parameters)) or "(none)"
            raise OptimizationInputError(
                f"parameter '{parameter.name}' is not in config.json's parameters; the "
                f"algorithm reads only those: {known}"
            )


def grid(parameters: Sequence[Parameter]) -> Iterator[dict[str, str]]:
    """Every combination, the first parameter outermost, as LEAN's step-based strategies
    enumerate them."""
    names = [parameter.name for parameter in parameters]
    for combination in itertools.product(*(parameter.values() for parameter in parameters)):
        yield dict(zip(names, combination, strict=True))


def grid_size(parameters: Sequence[Parameter]) -> int:
    """The number of combinations, counted without building them (a range can hold billions)."""
    size = 1
    for parameter in parameters:
        size *= parameter.count()
    return size


def describe(parameter: Parameter) -> dict[str, Any]:
    """The parameter as LEAN's optimizer config writes it (plus "values" for a choice)."""
    if isinstance(parameter, StepParameter):
        return {
            "name": parameter.name,
            "min": float(parameter.minimum),
            "max": float(parameter.maximum),
            "step": float(parameter.step),
            "min-step": float(parameter.min_step),
        }
    if isinstance(parameter, StaticParameter):
        return {"name": parameter.name, "value": parameter.value}
    return {"name": parameter.name, "values": list(parameter.choices)}


def read_config_file(path: Path) -> dict[str, Any]:
    """An optimizer config file (LEAN's ``Optimizer.Launcher/config.json``; // comments allowed,
    as LEAN's example has them)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise OptimizationInputError(
            f"--optimizer-config {path}: cannot read it ({error})"
        ) from None
    try:
        content = json.loads(_strip_line_comments(text))
    except json.JSONDecodeError as error:
        raise OptimizationInputError(
            f"--optimizer-config {path} is not valid JSON ({error}); LEAN's format is "
            "Optimizer.Launcher/config.example.json"
        ) from None
    if not isinstance(content, dict):
        raise OptimizationInputError(f"--optimizer-config {path} must hold a JSON object")
    return content


def _strip_line_comments(text: str) -> str:
    """Drop // comments outside strings (LEAN's example config carries them)."""
    lines = []
    for line in text.splitlines():
        in_string = False
        escaped = False
        for index, character in enumerate(line):
            if escaped:
                escaped = False
            elif character == "\\":
                escaped = True
            elif character == '"':
                in_string = not in_string
            elif not in_string and line.startswith("//", index):
                line = line[:index]
                break
        lines.append(line)
    return "\n".join(lines)
