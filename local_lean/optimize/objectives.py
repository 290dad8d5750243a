"""The optimisation target and constraints, named and read as LEAN names and reads them.

- A target or constraint names a statistic. "Sharpe Ratio" becomes
  "TotalPerformance.PortfolioStatistics.SharpeRatio" (the lean CLI's ``parse_target``); a name
  with a dot is a path already; "Statistics.Drawdown" reads the formatted "statistics" section.
- The value is found by walking that path through the backtest's result JSON, keys compared
  without case (LEAN's ``Target.GetTokenInJsonBacktest``), and read as a number: "12.5%" is
  0.125 (LEAN's ``ToNormalizedDecimal``). A result that lacks it neither wins nor meets a
  constraint, as in LEAN.
- A constraint is "<statistic> <operator> <value>", split at its last two spaces (the lean
  CLI's ``parse_constraints``), operators ``< <= > >= == !=``.
- A later result replaces the best only when strictly better (LEAN's ``Extremum.Better``).

Names are checked before anything runs against what the results file holds: the statistics
of ``local_lean.statistics`` (both their formatted and their raw form).
"""

from __future__ import annotations

import dataclasses
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from local_lean.optimize.space import OptimizationInputError
from local_lean.statistics import PortfolioStatistics, compute_statistics

OPERATORS: dict[str, tuple[str, Callable[[Decimal, Decimal], bool]]] = {
    "<": ("less", operator.lt),
    "<=": ("lessOrEqual", operator.le),
    ">": ("greater", operator.gt),
    ">=": ("greaterOrEqual", operator.ge),
    "==": ("equals", operator.eq),
    "!=": ("notEqual", operator.ne),
}
_OPERATOR_BY_LEAN_NAME = {lean_name: symbol for symbol, (lean_name, _) in OPERATORS.items()}


@dataclass(frozen=True)
class Target:
    path: str  # e.g. "TotalPerformance.PortfolioStatistics.SharpeRatio"
    direction: str  # "max" or "min"
    target_value: Decimal | None = None  # LEAN stops once the best reaches it

    def better(self, current: Decimal | None, candidate: Decimal) -> bool:
        if current is None:
            return True
        return candidate > current if self.direction == "max" else candidate < current

    def reached(self, best: Decimal | None) -> bool:
        if self.target_value is None or best is None:
            return False
        return best == self.target_value or self.better(self.target_value, best)


@dataclass(frozen=True)
class Constraint:
    path: str
    operator: str  # one of OPERATORS
    value: Decimal

    def is_met(self, result: Mapping[str, Any]) -> bool:
        found = read_statistic(result, self.path)
        return found is not None and OPERATORS[self.operator][1](found, self.value)

    def __str__(self) -> str:
        return f"{self.path} {self.operator} {self.value}"

    def to_config(self) -> dict[str, Any]:
        return {
            "target": self.path,
            "operator": OPERATORS[self.operator][0],
            "target-value": float(self.value),
        }


def statistic_path(name: str) -> str:
    """The lean CLI's rule: a name with a dot is a path; "Sharpe Ratio" (or "SharpeRatio")
    becomes "TotalPerformance.PortfolioStatistics.SharpeRatio"."""
    name = name.strip()
    if "." in name:
        return name
    spaced = re.sub(r"([A-Z])", r" \1", name)
    return "TotalPerformance.PortfolioStatistics." + spaced.title().replace(" ", "")


def known_statistics() -> dict[str, list[str]]:
    """The statistic names a results file holds, by section: the raw portfolio statistics
    (camelCase, as "totalPerformance.portfolioStatistics") and the formatted ones."""
    raw = [_camel(field.name) for field in dataclasses.fields(PortfolioStatistics)]
    # The formatted names are whatever compute_statistics returns for a small series.
    days = pd.date_range("2020-01-02", periods=3, freq="D")
    equity = pd.Series([100.0, 101.0, 100.5], index=days)
    formatted = list(compute_statistics(equity, equity, [], initial_cash=100.0))
    return {"TotalPerformance.PortfolioStatistics": raw, "Statistics": formatted}


def check_statistic(path: str, what: str) -> None:
    """Raise when ``path`` names no statistic the results file holds."""
    sections = known_statistics()
    section, _, name = path.rpartition(".")
    for known_section, names in sections.items():
        if section.lower() == known_section.lower():
            if name.lower() in (known.lower() for known in names):
                return
            break
    examples = ", ".join(f'"{name}"' for name in sections["Statistics"])
    raise OptimizationInputError(
        f"{what} '{path}' is not a statistic of the results; name one of LEAN's statistics "
        f"({examples}), or a path such as TotalPerformance.PortfolioStatistics.SharpeRatio"
    )


def parse_target(name: str, direction: str, target_value: Any = None) -> Target:
    if not name or not name.strip():
        raise OptimizationInputError('--target is empty; name a statistic, e.g. "Sharpe Ratio"')
    path = statistic_path(name)
    check_statistic(path, "--target")
    direction = str(direction).strip().lower()
    if direction not in ("min", "max"):
        raise OptimizationInputError(f"--target-direction must be min or max, got '{direction}'")
    value = None if target_value is None else _decimal(target_value, "target-value")
    return Target(path, direction, value)


def parse_constraint(text: str) -> Constraint:
    """ "<statistic> <operator> <value>", e.g. "Drawdown < 0.25" (Drawdown under 25%)."""
    parts = text.strip().rsplit(" ", 2)
    example = 'write "<statistic> <operator> <value>", e.g. "Drawdown < 0.25"'
    if len(parts) != 3 or not parts[0].strip():
        raise OptimizationInputError(f"--constraint '{text}' is not understood; {example}")
    name, symbol, value_text = parts
    if symbol not in OPERATORS:
        raise OptimizationInputError(
            f"--constraint '{text}': '{symbol}' is not an operator; use one of "
            f"{' '.join(OPERATORS)} (with spaces around it)"
        )
    value = _decimal(value_text, f"--constraint '{text}': the value")
    path = statistic_path(name)
    check_statistic(path, f"--constraint '{text}':")
    return Constraint(path, symbol, value)


def constraint_from_config(entry: Mapping[str, Any]) -> Constraint:
    """A constraint as LEAN's optimizer config writes it ("target", "operator" in LEAN's words,
    "target-value"). A target without a dot is a "Statistics." one, as LEAN's ``Objective``."""
    keys = {str(key).lower(): value for key, value in entry.items()}
    target = str(keys.get("target", "")).strip()
    lean_operator = str(keys.get("operator", ""))
    symbol = _OPERATOR_BY_LEAN_NAME.get(lean_operator, lean_operator)
    if not target or symbol not in OPERATORS:
        raise OptimizationInputError(
            f'constraint {dict(entry)}: give "target", "operator" (one of '
            f'{", ".join(_OPERATOR_BY_LEAN_NAME)}) and "target-value"'
        )
    if "target-value" not in keys:
        raise OptimizationInputError(f'constraint {dict(entry)}: "target-value" is missing')
    path = target if "." in target else f"Statistics.{target}"
    check_statistic(path, "constraint")
    return Constraint(path, symbol, _decimal(keys["target-value"], "constraint target-value"))


def target_from_config(criterion: Mapping[str, Any]) -> Target:
    keys = {str(key).lower(): value for key, value in criterion.items()}
    target = str(keys.get("target", "")).strip()
    if not target:
        raise OptimizationInputError('"optimization-criterion" has no "target"')
    path = target if "." in target else f"Statistics.{target}"
    check_statistic(path, "optimization-criterion target")
    direction = str(keys.get("extremum", "max")).lower()
    if direction not in ("min", "max"):
        raise OptimizationInputError(f'"extremum" must be "min" or "max", got "{direction}"')
    value = keys.get("target-value")
    return Target(path, direction, None if value is None else _decimal(value, "target-value"))


def read_statistic(result: Mapping[str, Any], path: str) -> Decimal | None:
    """The statistic at ``path`` in a result JSON, as a number; None when absent or not a
    number."""
    node: Any = result
    for key in path.split("."):
        if not isinstance(node, Mapping):
            return None
        match = next((k for k in node if str(k).lower() == key.lower()), None)
        if match is None:
            return None
        node = node[match]
    if node is None or isinstance(node, Mapping | list | bool):
        return None
    text = str(node).strip().replace("$", "").replace(",", "")
    percent = text.endswith("%")
    try:
        value = Decimal(text.rstrip("%"))
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return value / 100 if percent else value


def _decimal(value: Any, what: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise OptimizationInputError(f"{what} '{value}' is not a number") from None
    if not number.is_finite():
        raise OptimizationInputError(f"{what} '{value}' is not a finite number")
    return number


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part.title() for part in rest)
