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

Names are checked before anything runs against what a results file holds (one written for a
three-day backtest): the "statistics" section and "totalPerformance.portfolioStatistics".
"""

from __future__ import annotations

import functools
import json
import operator
import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd

from local_lean.optimize.space import OptimizationInputError
from local_lean.results import BacktestRecord, write_results

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


@functools.cache
def known_statistics() -> dict[str, tuple[str, ...]]:
    """The statistic names a results file holds, by section, read from a results file written
    for a three-day backtest: "TotalPerformance.PortfolioStatistics" (raw numbers, camelCase)
    and "Statistics" (LEAN's formatted strings)."""
    days = pd.date_range("2020-01-02", periods=3, freq="D")
    record = BacktestRecord(
        algorithm_name="statistics",
        start=days[0].date(),
        end=days[-1].date(),
        initial_cash=100.0,
        equity=pd.Series([100.0, 101.0, 100.5], index=days),
        benchmark=pd.Series([100.0, 100.5, 101.0], index=days),
        benchmark_name="SPY",
        charts={},
        orders=[],
        order_events=[],
        insights=[],
        logs=[],
        parameters={},
    )
    with tempfile.TemporaryDirectory() as scratch:
        folder = write_results(record, Path(scratch), draw_charts=False)
        result = json.loads(next(p for p in folder.glob("*.json") if p.stem.isdigit()).read_text())
    return {
        "TotalPerformance.PortfolioStatistics": tuple(
            result["totalPerformance"]["portfolioStatistics"]
        ),
        "Statistics": tuple(result["statistics"]),
    }


def resolve_statistic(name: str, what: str) -> str:
    """The path of a statistic named as lean optimize names it, checked against the results
    file. A name without a dot that LEAN's portfolio statistics lack ("Net Profit" is
    "totalNetProfit" there; lean optimize would never find it) is read from "Statistics"."""
    path = statistic_path(name)
    if _exists(path):
        return path
    if "." not in name and _exists(f"Statistics.{name.strip()}"):
        return f"Statistics.{name.strip()}"
    sections = known_statistics()
    examples = ", ".join(f'"{known}"' for known in sections["Statistics"])
    raise OptimizationInputError(
        f"{what} '{name}' is not a statistic of the results; name one of LEAN's statistics "
        f"({examples}), or a path such as TotalPerformance.PortfolioStatistics.SharpeRatio"
    )


def _exists(path: str) -> bool:
    section, _, name = path.rpartition(".")
    for known_section, names in known_statistics().items():
        if section.lower() == known_section.lower():
            return name.lower() in (known.lower() for known in names)
    return False


def parse_target(name: str, direction: str, target_value: Any = None) -> Target:
    if not name or not name.strip():
        raise OptimizationInputError('--target is empty; name a statistic, e.g. "Sharpe Ratio"')
    path = resolve_statistic(name, "--target")
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
    path = resolve_statistic(name, f"--constraint '{text}':")
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
    path = resolve_statistic(target if "." in target else f"Statistics.{target}", "constraint")
    return Constraint(path, symbol, _decimal(keys["target-value"], "constraint target-value"))


def target_from_config(criterion: Mapping[str, Any]) -> Target:
    keys = {str(key).lower(): value for key, value in criterion.items()}
    target = str(keys.get("target", "")).strip()
    if not target:
        raise OptimizationInputError('"optimization-criterion" has no "target"')
    path = target if "." in target else f"Statistics.{target}"
    path = resolve_statistic(path, "optimization-criterion target")
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
