"""LEAN's QCAlgorithm, assembled as LEAN assembles it from partial classes by concern.

- ``qc_algorithm.py``: the class itself (lifecycle, time, securities, history, scheduling,
  parameters, logging and charts) and the context the engine attaches it to;
- ``trading.py``: orders (``QCAlgorithm.Trading.cs``);
- ``framework.py``: the framework models and their work at each slice
  (``QCAlgorithm.Framework.cs``);
- ``indicators.py``: the indicator helpers (``QCAlgorithm.Indicators.cs``);
- ``consolidators.py``: ``subscription_manager`` and ``consolidate``;
- ``models.py``: brokerage, risk-free rate and shortable models.
"""

from local_lean.algorithm.qc_algorithm import (
    AlgorithmContext,
    AlgorithmOutput,
    AlgorithmSetup,
    QCAlgorithm,
    bind_algorithm,
    lean_qcalgorithm_names,
)

__all__ = [
    "AlgorithmContext",
    "AlgorithmOutput",
    "AlgorithmSetup",
    "QCAlgorithm",
    "bind_algorithm",
    "lean_qcalgorithm_names",
]
