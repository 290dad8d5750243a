"""LEAN's .NET namespaces as Python modules: ``from QuantConnect.Orders import OrderStatus``.

In LEAN, Python algorithms can import from the namespaces themselves, not only from
``AlgorithmImports``, and call ``clr.AddReference("System")`` first. NAMESPACES below is the
one table of what each namespace gives here: names that ``AlgorithmImports`` already exports,
placed where LEAN's assemblies define them (as in quantconnect-stubs). ``install`` puts these
modules, and a harmless ``clr``, in ``sys.modules``.

- A name the table lacks fails as Python's own import does: ``ImportError: cannot import name
  'X' from 'QuantConnect.Orders'``.
- A ``QuantConnect`` namespace the table lacks fails with an ImportError naming it and saying
  that local_lean does not simulate it.

These modules shadow the quantconnect-stubs package of the same name in a process that loads
an algorithm; the runner reads the stubs by path (``importlib.machinery.PathFinder``), never by
import.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types
from typing import Any

# namespace -> names of local_lean.algorithm_imports it exports (LEAN's namespace of each).
NAMESPACES: dict[str, tuple[str, ...]] = {
    "QuantConnect": (
        "DataNormalizationMode",
        "Market",
        "RegressionTestException",
        "Resolution",
        "SecurityType",
        "SplitType",
        "Symbol",
    ),
    "QuantConnect.Algorithm": ("QCAlgorithm", "QCAlgorithmFramework", "QCAlgorithmFrameworkBridge"),
    "QuantConnect.Algorithm.Framework": (),
    "QuantConnect.Algorithm.Framework.Alphas": (
        "AlphaModel",
        "CompositeAlphaModel",
        "ConstantAlphaModel",
        "Insight",
        "InsightDirection",
        "InsightType",
        "NullAlphaModel",
    ),
    "QuantConnect.Algorithm.Framework.Execution": ("ExecutionModel", "ImmediateExecutionModel"),
    "QuantConnect.Algorithm.Framework.Portfolio": (
        "EqualWeightingPortfolioConstructionModel",
        "NullPortfolioConstructionModel",
        "PortfolioBias",
        "PortfolioConstructionModel",
        "PortfolioTarget",
    ),
    "QuantConnect.Algorithm.Framework.Risk": (
        "CompositeRiskManagementModel",
        "MaximumDrawdownPercentPerSecurity",
        "NullRiskManagementModel",
        "RiskManagementModel",
    ),
    "QuantConnect.Algorithm.Framework.Selection": (
        "LiquidETFUniverse",
        "ManualUniverseSelectionModel",
    ),
    "QuantConnect.Data": ("Slice",),
    "QuantConnect.Data.Auxiliary": (
        "CorporateFactorProvider",
        "LocalDiskFactorFileProvider",
        "LocalDiskMapFileProvider",
    ),
    "QuantConnect.Data.Market": (
        "Dividend",
        "Dividends",
        "Split",
        "Splits",
        "TradeBar",
        "TradeBars",
    ),
    "QuantConnect.Data.UniverseSelection": ("SecurityChanges", "UniverseSettings"),
    "QuantConnect.Indicators": (
        "AverageTrueRange",
        "BarIndicator",
        "BollingerBands",
        "CompositeIndicator",
        "ConstantIndicator",
        "Delay",
        "ExponentialMovingAverage",
        "Identity",
        "Indicator",
        "IndicatorBase",
        "IndicatorDataPoint",
        "IndicatorExtensions",
        "IndicatorResult",
        "IndicatorStatus",
        "LinearWeightedMovingAverage",
        "Maximum",
        "Minimum",
        "Momentum",
        "MovingAverageConvergenceDivergence",
        "MovingAverageType",
        "PythonIndicator",
        "RateOfChange",
        "RelativeStrengthIndex",
        "RollingWindow",
        "SimpleMovingAverage",
        "StandardDeviation",
        "Sum",
        "TradeBarIndicator",
        "TrueRange",
        "Variance",
        "WilderMovingAverage",
        "WindowIndicator",
    ),
    "QuantConnect.Lean": (),
    "QuantConnect.Lean.Engine": (),
    "QuantConnect.Lean.Engine.DataFeeds": ("DefaultDataProvider",),
    "QuantConnect.Orders": (
        "Order",
        "OrderDirection",
        "OrderEvent",
        "OrderResponse",
        "OrderResponseErrorCode",
        "OrderStatus",
        "OrderTicket",
        "OrderType",
    ),
    "QuantConnect.Research": ("QuantBook",),
    "QuantConnect.Scheduling": ("DateRules", "TimeRules"),
    "QuantConnect.Securities": (
        "IndicatorVolatilityModel",
        "RelativeStandardDeviationVolatilityModel",
        "Security",
        "SecurityHolding",
        "SecurityManager",
        "SecurityPortfolioManager",
        "StandardDeviationOfReturnsVolatilityModel",
        "VolatilityModel",
    ),
    "QuantConnect.Securities.Volatility": ("BaseVolatilityModel", "VolatilityModelExtensions"),
    "QuantConnect.Storage": ("ObjectStore",),
}

# Names LEAN's AlgorithmImports does not export (its engine's namespaces), from their modules.
_OUTSIDE_ALGORITHM_IMPORTS = {"DefaultDataProvider": "local_lean.data.auxiliary"}

_ROOT = "QuantConnect"


def _value(name: str) -> Any:
    import importlib

    from local_lean import algorithm_imports

    if name in _OUTSIDE_ALGORITHM_IMPORTS:
        return getattr(importlib.import_module(_OUTSIDE_ALGORITHM_IMPORTS[name]), name)
    return getattr(algorithm_imports, name)


def build_module(namespace: str) -> types.ModuleType:
    """The module of one namespace of the table, with its names (and ``__all__``)."""
    module = types.ModuleType(namespace, f"LEAN's {namespace} namespace, as local_lean offers it")
    names = NAMESPACES[namespace]
    for name in names:
        setattr(module, name, _value(name))
    module.__all__ = list(names)
    module.__path__ = []  # a package: its sub-namespaces import beneath it
    module.__spec__ = importlib.machinery.ModuleSpec(namespace, _Finder, is_package=True)
    return module


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports of ``QuantConnect`` namespaces: the table's, or an ImportError naming it."""

    @classmethod
    def find_spec(cls, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname != _ROOT and not fullname.startswith(_ROOT + "."):
            return None
        if fullname not in NAMESPACES:
            raise ModuleNotFoundError(
                f"No module named '{fullname}': local_lean does not simulate that LEAN "
                "namespace (local_lean/lean_namespaces.py lists those it offers); import the "
                "names from AlgorithmImports or from one of those namespaces",
                name=fullname,
            )
        return importlib.machinery.ModuleSpec(fullname, cls, is_package=True)

    @classmethod
    def create_module(cls, spec: Any) -> types.ModuleType:
        return build_module(spec.name)

    @classmethod
    def exec_module(cls, module: types.ModuleType) -> None:
        """The module is complete when created."""


def _add_reference(*assemblies: Any) -> None:
    """``clr.AddReference("System")``: the names already exist here; nothing to load."""


def clr_module() -> types.ModuleType:
    """A stand-in for pythonnet's ``clr``: ``AddReference`` does nothing, as every name LEAN's
    algorithms reference is already importable."""
    module = types.ModuleType("clr", "pythonnet's clr, as local_lean needs it: AddReference")
    module.AddReference = _add_reference
    module.__all__ = ["AddReference"]
    return module


def install() -> None:
    """Make ``QuantConnect.*`` namespaces and ``clr`` importable (idempotent)."""
    if not any(finder is _Finder for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder)
    for name in [name for name in sys.modules if name == _ROOT or name.startswith(_ROOT + ".")]:
        if not isinstance(sys.modules[name].__spec__, importlib.machinery.ModuleSpec) or (
            sys.modules[name].__spec__.loader is not _Finder
        ):
            del sys.modules[name]  # e.g. quantconnect-stubs imported earlier: not LEAN's API
    if "clr" not in sys.modules:
        sys.modules["clr"] = clr_module()


__all__ = ["NAMESPACES", "build_module", "clr_module", "install"]
