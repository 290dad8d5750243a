"""Parameter optimisation offline: ``python -m local_lean optimize main.py ...`` (lean optimize's
options) on a local Ray instance or a Ray cluster.

Modules, in the order data flows: ``space`` (parameters and grids), ``objectives`` (target and
constraints), ``strategies`` (grid, Euler, Bayesian), ``execution`` (backtests on Ray),
``records`` (a finished set on disk), ``deflated_sharpe``, ``report`` (summary files, table,
heatmap), ``optimizer`` (one optimisation end to end) and ``cli``.
"""

from local_lean.optimize.cli import main
from local_lean.optimize.optimizer import (
    OptimizationOutcome,
    OptimizationSettings,
    run_optimization,
)

__all__ = ["OptimizationOutcome", "OptimizationSettings", "main", "run_optimization"]
