"""local_lean: run LEAN Python algorithms offline, with no Docker, no .NET and no account.

    python -m local_lean main.py --start 2020-01-01 --end 2020-12-31

or from Python: ``local_lean.run_backtest("main.py", start=..., output=Path("out"))``.
Research notebooks use ``local_lean.QuantBook``. See local_lean/README.md.
"""

from local_lean.algorithm import QCAlgorithm
from local_lean.engine import BacktestOptions, BacktestOutcome, run_backtest
from local_lean.quantbook import QuantBook

__all__ = ["BacktestOptions", "BacktestOutcome", "QCAlgorithm", "QuantBook", "run_backtest"]
