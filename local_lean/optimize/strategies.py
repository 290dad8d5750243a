"""Search strategies: which parameter sets to run, and in what order.

The executor asks a strategy for the next set whenever a worker is free (``next_set``) and
tells it every finished set (``record``). LEAN's two strategies are ported from its
``Optimizer/Strategies``:

- Grid search runs every combination, the first parameter outermost, ids from 1.
- Euler search runs that grid, then, once every set of a round has finished, narrows each
  parameter whose step is above its minimum step around the best set so far: the new step is
  max(min-step, step / segments), the new range the best value +- step x segments / 2 (kept
  inside the previous range), and runs the new grid. It stops when no step can shrink, or
  when no set of the round met the constraints. As in LEAN, a set already run in an earlier
  round is run again in a later one (it gets a new id).
- Bayesian search (not in LEAN) asks Optuna's TPE sampler, through Ray Tune's ``OptunaSearch``,
  for ``trials`` sets one at a time, learning from each finished set's target.

The best set is the first to reach the best target value among sets that met every constraint
(LEAN replaces the best only on a strict improvement). Sets are recorded in id order, so the
winner does not depend on which worker finished first.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from local_lean.optimize.space import (
    ChoiceParameter,
    Parameter,
    StaticParameter,
    StepParameter,
    grid,
)

GRID_SEARCH = "Grid Search"
EULER_SEARCH = "Euler Search"
BAYESIAN_SEARCH = "Bayesian Search"
STRATEGY_NAMES = (GRID_SEARCH, EULER_SEARCH, BAYESIAN_SEARCH)
#: LEAN's class names, as an optimizer config file names the strategy.
LEAN_CLASS_NAMES = {
    "QuantConnect.Optimizer.Strategies.GridSearchOptimizationStrategy": GRID_SEARCH,
    "QuantConnect.Optimizer.Strategies.EulerSearchOptimizationStrategy": EULER_SEARCH,
}
#: Euler search's segment count when the settings give none (LEAN's default).
EULER_DEFAULT_SEGMENTS = 4


@dataclass(frozen=True)
class ParameterSet:
    id: int
    values: dict[str, str]

    def __str__(self) -> str:
        """LEAN's form: "name:value,name:value", names sorted."""
        return ",".join(f"{name}:{value}" for name, value in sorted(self.values.items()))


class GridSearch:
    def __init__(self, parameters: Sequence[Parameter]) -> None:
        self._pending = deque(
            ParameterSet(index, values) for index, values in enumerate(grid(parameters), start=1)
        )
        self.planned = len(self._pending)

    def next_set(self, in_flight: int, best: ParameterSet | None) -> ParameterSet | None:
        return self._pending.popleft() if self._pending else None

    def record(self, parameter_set: ParameterSet, target: Decimal | None) -> None:
        """Grid search does not learn."""


class EulerSearch:
    def __init__(self, parameters: Sequence[Parameter], segments: int = 0) -> None:
        self.segments = segments or EULER_DEFAULT_SEGMENTS
        self.parameters = list(parameters)
        self._last_id = 0
        self._pending = deque(self._round(self.parameters))
        self.planned = len(self._pending)
        self.rounds = [list(self._pending)]

    def next_set(self, in_flight: int, best: ParameterSet | None) -> ParameterSet | None:
        if not self._pending and in_flight == 0 and best is not None:
            self._refine(best)
        return self._pending.popleft() if self._pending else None

    def record(self, parameter_set: ParameterSet, target: Decimal | None) -> None:
        """Euler search learns from the best set, which the caller passes to next_set."""

    def _refine(self, best: ParameterSet) -> None:
        if not any(isinstance(p, StepParameter) and p.refinable for p in self.parameters):
            return
        narrowed: list[Parameter] = []
        for parameter in self.parameters:
            if isinstance(parameter, StepParameter) and parameter.refinable:
                step = max(parameter.min_step, parameter.step / self.segments)
                half_width = step * (Decimal(self.segments) / 2)
                centre = Decimal(best.values[parameter.name])
                narrowed.append(
                    StepParameter(
                        parameter.name,
                        max(parameter.minimum, centre - half_width),
                        min(parameter.maximum, centre + half_width),
                        step,
                        parameter.min_step,
                    )
                )
            else:
                narrowed.append(parameter)
        self.parameters = narrowed
        new_round = self._round(narrowed)
        self.rounds.append(new_round)
        self._pending.extend(new_round)
        self.planned += len(new_round)

    def _round(self, parameters: Sequence[Parameter]) -> list[ParameterSet]:
        sets = []
        for values in grid(parameters):
            self._last_id += 1
            sets.append(ParameterSet(self._last_id, values))
        return sets


class BayesianSearch:
    """Optuna's TPE sampler through Ray Tune's searcher interface, seeded."""

    def __init__(
        self, parameters: Sequence[Parameter], trials: int, direction: str, seed: int
    ) -> None:
        import optuna
        from ray.tune.search.optuna import OptunaSearch

        self.planned = trials
        self._parameters = list(parameters)
        self._created = 0
        self._trial_ids: dict[int, str] = {}
        space = {p.name: _tune_domain(p) for p in self._parameters}
        sampler = optuna.samplers.TPESampler(seed=seed)
        self._searcher = OptunaSearch(
            space=space, metric="target", mode=direction, sampler=sampler, seed=seed
        )

    def next_set(self, in_flight: int, best: ParameterSet | None) -> ParameterSet | None:
        if self._created >= self.planned:
            return None
        self._created += 1
        trial_id = f"trial-{self._created}"
        suggestion = self._searcher.suggest(trial_id)
        if not isinstance(suggestion, dict):  # the searcher has nothing more to offer
            self.planned = self._created - 1
            return None
        self._trial_ids[self._created] = trial_id
        values = {p.name: _as_parameter_text(p, suggestion[p.name]) for p in self._parameters}
        return ParameterSet(self._created, values)

    def record(self, parameter_set: ParameterSet, target: Decimal | None) -> None:
        trial_id = self._trial_ids.pop(parameter_set.id, None)
        if trial_id is None:
            return
        if target is None:  # failed, or the constraints not met: tell the sampler so
            self._searcher.on_trial_complete(trial_id, error=True)
        else:
            self._searcher.on_trial_complete(trial_id, {"target": float(target)})


def _tune_domain(parameter: Parameter) -> Any:
    from ray import tune

    if isinstance(parameter, StaticParameter):
        return tune.choice([parameter.value])
    if isinstance(parameter, ChoiceParameter):
        return tune.choice(list(parameter.choices))
    values = parameter.values()
    # The grid's values, by index: TPE samples within the range and keeps the step exact.
    return tune.randint(0, len(values)) if len(values) > 1 else tune.choice([0])


def _as_parameter_text(parameter: Parameter, suggested: Any) -> str:
    if isinstance(parameter, StepParameter):
        return parameter.values()[int(suggested)]
    return str(suggested)
