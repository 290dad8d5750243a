"""LEAN's Python module paths for framework models, mapped to the runner's classes.

LEAN ships its framework models as Python modules too (``Algorithm.Framework/Portfolio/*.py``,
``Algorithm/Selection/*.py`` ...) and puts their folders on the path, so algorithms may write
``from Portfolio.EqualWeightingPortfolioConstructionModel import
EqualWeightingPortfolioConstructionModel`` instead of taking the class from AlgorithmImports.
The loader installs these modules in ``sys.modules`` (as it installs AlgorithmImports): each
module of MODULE_CLASSES holds the one class its LEAN file defines.

To offer another model under its LEAN module path, add one line to MODULE_CLASSES. A module
path of these packages that is not in the table fails at import with a ModuleNotFoundError
that names it and says the runner does not provide it (never a silently different model).
"""

from __future__ import annotations

import importlib
import importlib.abc
import sys
import types
from typing import Any

# LEAN module path -> the runner's class ("package.module.ClassName"). The class is offered
# under the module path's last part, which is the class name in LEAN's file.
MODULE_CLASSES: dict[str, str] = {
    "Alphas.ConstantAlphaModel": "local_lean.framework.alpha.ConstantAlphaModel",
    "Alphas.NullAlphaModel": "local_lean.framework.alpha.NullAlphaModel",
    "Alphas.EmaCrossAlphaModel": "local_lean.framework.indicator_alphas.EmaCrossAlphaModel",
    "Alphas.RsiAlphaModel": "local_lean.framework.indicator_alphas.RsiAlphaModel",
    "Alphas.BasePairsTradingAlphaModel": (
        "local_lean.framework.pairs_trading.BasePairsTradingAlphaModel"
    ),
    "Alphas.PearsonCorrelationPairsTradingAlphaModel": (
        "local_lean.framework.pairs_trading.PearsonCorrelationPairsTradingAlphaModel"
    ),
    "Execution.ImmediateExecutionModel": "local_lean.framework.execution.ImmediateExecutionModel",
    "Execution.SpreadExecutionModel": (
        "local_lean.framework.execution_models.SpreadExecutionModel"
    ),
    "Execution.StandardDeviationExecutionModel": (
        "local_lean.framework.execution_models.StandardDeviationExecutionModel"
    ),
    "Execution.VolumeWeightedAveragePriceExecutionModel": (
        "local_lean.framework.execution_models.VolumeWeightedAveragePriceExecutionModel"
    ),
    "Portfolio.AccumulativeInsightPortfolioConstructionModel": (
        "local_lean.framework.portfolio_construction.AccumulativeInsightPortfolioConstructionModel"
    ),
    "Portfolio.ConfidenceWeightedPortfolioConstructionModel": (
        "local_lean.framework.portfolio_construction.ConfidenceWeightedPortfolioConstructionModel"
    ),
    "Portfolio.InsightWeightingPortfolioConstructionModel": (
        "local_lean.framework.portfolio_construction.InsightWeightingPortfolioConstructionModel"
    ),
    "Portfolio.EqualWeightingPortfolioConstructionModel": (
        "local_lean.framework.portfolio_construction.EqualWeightingPortfolioConstructionModel"
    ),
    "Portfolio.NullPortfolioConstructionModel": (
        "local_lean.framework.portfolio_construction.NullPortfolioConstructionModel"
    ),
    "Portfolio.RiskParityPortfolioConstructionModel": (
        "local_lean.framework.risk_parity.RiskParityPortfolioConstructionModel"
    ),
    "Portfolio.RiskParityPortfolioOptimizer": (
        "local_lean.framework.risk_parity.RiskParityPortfolioOptimizer"
    ),
    "Risk.CompositeRiskManagementModel": "local_lean.framework.risk.CompositeRiskManagementModel",
    "Risk.MaximumDrawdownPercentPerSecurity": (
        "local_lean.framework.risk.MaximumDrawdownPercentPerSecurity"
    ),
    "Risk.MaximumDrawdownPercentPortfolio": (
        "local_lean.framework.risk.MaximumDrawdownPercentPortfolio"
    ),
    "Risk.MaximumUnrealizedProfitPercentPerSecurity": (
        "local_lean.framework.risk.MaximumUnrealizedProfitPercentPerSecurity"
    ),
    "Risk.NullRiskManagementModel": "local_lean.framework.risk.NullRiskManagementModel",
    "Selection.ManualUniverseSelectionModel": (
        "local_lean.framework.universe.ManualUniverseSelectionModel"
    ),
}

# LEAN's framework packages: their other modules are the ones this runner does not provide.
PACKAGES = ("Alphas", "Execution", "Portfolio", "Risk", "Selection")


def runner_class(module_path: str) -> Any:
    """The runner's class for a LEAN module path of MODULE_CLASSES."""
    module_name, _, class_name = MODULE_CLASSES[module_path].rpartition(".")
    return getattr(importlib.import_module(module_name), class_name)


def install_lean_modules() -> None:
    """Put LEAN's framework packages and the table's modules in ``sys.modules``."""
    for package in PACKAGES:
        module = types.ModuleType(package, f"LEAN's {package} framework models (local_lean)")
        module.__path__ = []  # a package: its submodules are imported as Package.Module
        sys.modules[package] = module
    for module_path in MODULE_CLASSES:
        package, _, name = module_path.partition(".")
        module = types.ModuleType(module_path, f"LEAN's {module_path} (local_lean)")
        setattr(module, name, runner_class(module_path))
        module.__all__ = [name]
        sys.modules[module_path] = module
        setattr(sys.modules[package], name, module)
    if not any(isinstance(finder, _UnprovidedModules) for finder in sys.meta_path):
        # Last, so that anything else able to import the name (a file of the algorithm's
        # project, say) is asked first.
        sys.meta_path.append(_UnprovidedModules())


class _UnprovidedModules(importlib.abc.MetaPathFinder):
    """Refuses, with a clear message, the LEAN framework modules the runner lacks."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        package, dot, _ = fullname.partition(".")
        if dot and package in PACKAGES and fullname not in MODULE_CLASSES:
            offered = ", ".join(sorted(p for p in MODULE_CLASSES if p.startswith(package + ".")))
            raise ModuleNotFoundError(
                f"No module named '{fullname}': local_lean does not provide LEAN's "
                f"{fullname} (it offers {offered}); use one of those, or write the model in "
                "your project",
                name=fullname,
            )
        return None


__all__ = ["MODULE_CLASSES", "PACKAGES", "install_lean_modules", "runner_class"]
