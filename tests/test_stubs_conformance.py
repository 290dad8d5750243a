"""Every public name the runner offers algorithms exists in LEAN, with LEAN's parameters.

The truth is `quantconnect-stubs` (generated from LEAN's assemblies). The .pyi files are read
with `ast`, never imported. For each class the runner gives algorithms, every public member it
defines must be a member of the LEAN class (or its LEAN base classes), and every method's
parameter names, in order, must match one of the stub's overloads (a method taking *args
matches when its named parameters begin one overload).
"""

from __future__ import annotations

import ast
import importlib.machinery
import inspect
from functools import lru_cache
from pathlib import Path

import pytest

import local_lean.algorithm_imports as algorithm_imports
from local_lean import enums
from local_lean.algorithm import QCAlgorithm
from local_lean.algorithm.indicators import IndicatorDataPoints, IndicatorHistory
from local_lean.algorithm.qc_algorithm import _History
from local_lean.buying_power import BuyingPowerModelExtensions
from local_lean.circular_queue import CircularQueue
from local_lean.consolidators import (
    BarDirection,
    Calendar,
    CalendarInfo,
    ClassicRenkoConsolidator,
    ConsolidatorBase,
    IdentityDataConsolidator,
    RangeBar,
    RangeConsolidator,
    RenkoBar,
    RenkoConsolidator,
    RenkoType,
    SubscriptionDataConfig,
    SubscriptionManager,
    TickType,
    TradeBarConsolidator,
)
from local_lean.consolidators.subscriptions import SubscriptionDataConfigService
from local_lean.data.auxiliary import (
    CorporateFactorProvider,
    DefaultDataProvider,
    LocalDiskFactorFileProvider,
    LocalDiskMapFileProvider,
)
from local_lean.framework import (
    EqualWeightingPortfolioConstructionModel,
    ExecutionModel,
    ImmediateExecutionModel,
    Insight,
    LiquidETFUniverse,
    NullPortfolioConstructionModel,
    PortfolioConstructionModel,
    PortfolioTarget,
)
from local_lean.framework.alpha import (
    AlphaModel,
    CompositeAlphaModel,
    ConstantAlphaModel,
    NullAlphaModel,
)
from local_lean.framework.execution_models import (
    SpreadExecutionModel,
    StandardDeviationExecutionModel,
    VolumeWeightedAveragePriceExecutionModel,
)
from local_lean.framework.indicator_alphas import EmaCrossAlphaModel, RsiAlphaModel
from local_lean.framework.insight_manager import InsightManager
from local_lean.framework.insights import GeneratedInsightsCollection, InsightScore
from local_lean.framework.portfolio_construction import (
    AccumulativeInsightPortfolioConstructionModel,
    ConfidenceWeightedPortfolioConstructionModel,
    InsightWeightingPortfolioConstructionModel,
)
from local_lean.framework.portfolio_targets import OrderSizing, PortfolioTargetCollection
from local_lean.framework.risk import (
    CompositeRiskManagementModel,
    MaximumDrawdownPercentPerSecurity,
    MaximumDrawdownPercentPortfolio,
    MaximumUnrealizedProfitPercentPerSecurity,
    NullRiskManagementModel,
    RiskManagementModel,
)
from local_lean.framework.risk_parity import (
    RiskParityPortfolioConstructionModel,
    RiskParityPortfolioOptimizer,
)
from local_lean.framework.selection import (
    CustomUniverseSelectionModel,
    InceptionDateUniverseSelectionModel,
    ScheduledUniverseSelectionModel,
)
from local_lean.framework.universe import Grouping, ManualUniverseSelectionModel
from local_lean.framework.universe_manager import (
    ManualUniverse,
    ReadOnlyExtendedDictionary,
    UniverseManager,
)
from local_lean.indicators import (
    AutoRegressiveIntegratedMovingAverage,
    AverageTrueRange,
    BarIndicator,
    BollingerBands,
    CompositeIndicator,
    ConstantIndicator,
    Delay,
    ExponentialMovingAverage,
    Identity,
    Indicator,
    IndicatorBase,
    IndicatorDataPoint,
    IndicatorExtensions,
    IndicatorResult,
    IndicatorStatus,
    LinearWeightedMovingAverage,
    Maximum,
    Minimum,
    Momentum,
    MovingAverageConvergenceDivergence,
    MovingAverageType,
    PythonIndicator,
    RateOfChange,
    RelativeStrengthIndex,
    RollingWindow,
    SimpleMovingAverage,
    StandardDeviation,
    Sum,
    TimeSeriesIndicator,
    TradeBarIndicator,
    TrueRange,
    Variance,
    WilderMovingAverage,
    WindowIndicator,
)
from local_lean.market_data import Slice, Split, Splits, TradeBar, TradeBars
from local_lean.models import brokerages, fees, interest_rates, margin, shortable, slippage
from local_lean.models.margin import (
    ReservedBuyingPowerForPosition,
    ReservedBuyingPowerForPositionParameters,
    SecurityMarginModel,
)
from local_lean.object_store import ObjectStore
from local_lean.order_requests import (
    CancelOrderRequest,
    OrderField,
    OrderRequest,
    OrderRequestStatus,
    SubmitOrderRequest,
    UpdateOrderFields,
    UpdateOrderRequest,
)
from local_lean.orders import (
    Order,
    OrderDirection,
    OrderEvent,
    OrderResponse,
    OrderResponseErrorCode,
    OrderTicket,
    OrderType,
)
from local_lean.portfolio import SecurityPortfolioManager
from local_lean.priced_orders import (
    LimitIfTouchedOrder,
    LimitOrder,
    StopLimitOrder,
    StopMarketOrder,
    TrailingStopOrder,
)
from local_lean.quantbook import QuantBook
from local_lean.scheduling import DateRules, ScheduleManager, TimeRules
from local_lean.securities import Security, SecurityHolding, SecurityManager
from local_lean.settings import AlgorithmSettings, UniverseSettings
from local_lean.symbols import SecurityIdentifier, Symbol
from local_lean.timespan import TimeSpan
from local_lean.transactions import SecurityTransactionManager
from local_lean.volatility import (
    BaseVolatilityModel,
    IndicatorVolatilityModel,
    RelativeStandardDeviationVolatilityModel,
    StandardDeviationOfReturnsVolatilityModel,
    VolatilityModel,
    VolatilityModelExtensions,
)

STUB_FILES = [
    "__init__.pyi",
    "Algorithm/__init__.pyi",
    "Algorithm/Framework/Alphas/__init__.pyi",
    "Algorithm/Framework/Alphas/Analysis/__init__.pyi",
    "Algorithm/Framework/Portfolio/__init__.pyi",
    "Algorithm/Framework/Execution/__init__.pyi",
    "Algorithm/Framework/Selection/__init__.pyi",
    "Algorithm/Framework/Risk/__init__.pyi",
    "Scheduling/__init__.pyi",
    "Storage/__init__.pyi",
    "Research/__init__.pyi",
    "Securities/__init__.pyi",
    "Securities/Equity/__init__.pyi",
    "Data/__init__.pyi",
    "Data/Market/__init__.pyi",
    "Data/Consolidators/__init__.pyi",
    "Interfaces/__init__.pyi",
    "Data/Auxiliary/__init__.pyi",
    "Securities/Volatility/__init__.pyi",
    "Lean/Engine/DataFeeds/__init__.pyi",
    "Data/UniverseSelection/__init__.pyi",
    "Orders/__init__.pyi",
    "Util/__init__.pyi",
    "Indicators/__init__.pyi",
    "Interfaces/__init__.pyi",
    "Brokerages/__init__.pyi",
    "Orders/Fees/__init__.pyi",
    "Orders/Slippage/__init__.pyi",
    "Orders/Fills/__init__.pyi",
    "Data/Shortable/__init__.pyi",
    "Statistics/__init__.pyi",
    "Commands/__init__.pyi",
    "Notifications/__init__.pyi",
]

# .NET types LEAN's API takes (System.DayOfWeek), from the stubs' System package beside it.
SYSTEM_STUB_FILE = "System/__init__.pyi"

# The stubs write the non-generic IndicatorBase (a WindowBase, with current, previous, window)
# as an alias of typing.Any; follow it to WindowBase.
STUB_ALIASES = {
    "QuantConnect_Indicators_IndicatorBase": "QuantConnect.Indicators.WindowBase",
    # The non-generic ClassicRenkoConsolidator and RenkoConsolidator, likewise: their bases.
    "QuantConnect_Data_Consolidators_ClassicRenkoConsolidator": (
        "QuantConnect.Data.Consolidators.BaseTimelessConsolidator"
    ),
    "QuantConnect_Data_Consolidators_RenkoConsolidator": (
        "QuantConnect.Data.Consolidators.ConsolidatorBase"
    ),
}

# Our class -> the LEAN class (module-qualified) whose members it must stay within.
CLASSES = [
    (QCAlgorithm, "QuantConnect.Algorithm.QCAlgorithm"),
    (_History, "QuantConnect.Algorithm._QCAlgorithm_History"),
    (Insight, "QuantConnect.Algorithm.Framework.Alphas.Insight"),
    (InsightManager, "QuantConnect.Algorithm.Framework.Alphas.Analysis.InsightManager"),
    (InsightScore, "QuantConnect.Algorithm.Framework.Alphas.InsightScore"),
    (
        GeneratedInsightsCollection,
        "QuantConnect.Algorithm.Framework.Alphas.GeneratedInsightsCollection",
    ),
    (
        EqualWeightingPortfolioConstructionModel,
        "QuantConnect.Algorithm.Framework.Portfolio.EqualWeightingPortfolioConstructionModel",
    ),
    (
        NullPortfolioConstructionModel,
        "QuantConnect.Algorithm.Framework.Portfolio.NullPortfolioConstructionModel",
    ),
    (
        PortfolioConstructionModel,
        "QuantConnect.Algorithm.Framework.Portfolio.PortfolioConstructionModel",
    ),
    (PortfolioTarget, "QuantConnect.Algorithm.Framework.Portfolio.PortfolioTarget"),
    (ImmediateExecutionModel, "QuantConnect.Algorithm.Framework.Execution.ImmediateExecutionModel"),
    (ExecutionModel, "QuantConnect.Algorithm.Framework.Execution.ExecutionModel"),
    (LiquidETFUniverse, "QuantConnect.Algorithm.Framework.Selection.LiquidETFUniverse"),
    (
        ManualUniverseSelectionModel,
        "QuantConnect.Algorithm.Framework.Selection.ManualUniverseSelectionModel",
    ),
    (AlphaModel, "QuantConnect.Algorithm.Framework.Alphas.AlphaModel"),
    (ConstantAlphaModel, "QuantConnect.Algorithm.Framework.Alphas.ConstantAlphaModel"),
    (NullAlphaModel, "QuantConnect.Algorithm.Framework.Alphas.NullAlphaModel"),
    (CompositeAlphaModel, "QuantConnect.Algorithm.Framework.Alphas.CompositeAlphaModel"),
    (RsiAlphaModel, "QuantConnect.Algorithm.Framework.Alphas.RsiAlphaModel"),
    (EmaCrossAlphaModel, "QuantConnect.Algorithm.Framework.Alphas.EmaCrossAlphaModel"),
    (SpreadExecutionModel, "QuantConnect.Algorithm.Framework.Execution.SpreadExecutionModel"),
    (
        StandardDeviationExecutionModel,
        "QuantConnect.Algorithm.Framework.Execution.StandardDeviationExecutionModel",
    ),
    (
        VolumeWeightedAveragePriceExecutionModel,
        "QuantConnect.Algorithm.Framework.Execution.VolumeWeightedAveragePriceExecutionModel",
    ),
    (
        PortfolioTargetCollection,
        "QuantConnect.Algorithm.Framework.Portfolio.PortfolioTargetCollection",
    ),
    (OrderSizing, "QuantConnect.Orders.OrderSizing"),
    (BuyingPowerModelExtensions, "QuantConnect.Securities.BuyingPowerModelExtensions"),
    (
        InsightWeightingPortfolioConstructionModel,
        "QuantConnect.Algorithm.Framework.Portfolio.InsightWeightingPortfolioConstructionModel",
    ),
    (
        ConfidenceWeightedPortfolioConstructionModel,
        "QuantConnect.Algorithm.Framework.Portfolio.ConfidenceWeightedPortfolioConstructionModel",
    ),
    (
        AccumulativeInsightPortfolioConstructionModel,
        "QuantConnect.Algorithm.Framework.Portfolio.AccumulativeInsightPortfolioConstructionModel",
    ),
    (
        MaximumDrawdownPercentPortfolio,
        "QuantConnect.Algorithm.Framework.Risk.MaximumDrawdownPercentPortfolio",
    ),
    (
        MaximumUnrealizedProfitPercentPerSecurity,
        "QuantConnect.Algorithm.Framework.Risk.MaximumUnrealizedProfitPercentPerSecurity",
    ),
    (RiskManagementModel, "QuantConnect.Algorithm.Framework.Risk.RiskManagementModel"),
    (NullRiskManagementModel, "QuantConnect.Algorithm.Framework.Risk.NullRiskManagementModel"),
    (
        MaximumDrawdownPercentPerSecurity,
        "QuantConnect.Algorithm.Framework.Risk.MaximumDrawdownPercentPerSecurity",
    ),
    (
        CompositeRiskManagementModel,
        "QuantConnect.Algorithm.Framework.Risk.CompositeRiskManagementModel",
    ),
    (Grouping, "QuantConnect.Algorithm.Framework.Selection.LiquidETFUniverse.Grouping"),
    (UniverseManager, "QuantConnect.Securities.UniverseManager"),
    (ManualUniverse, "QuantConnect.Algorithm.Framework.Selection.ManualUniverse"),
    (ReadOnlyExtendedDictionary, "QuantConnect.Util.ReadOnlyExtendedDictionary"),
    (DateRules, "QuantConnect.Scheduling.DateRules"),
    (TimeRules, "QuantConnect.Scheduling.TimeRules"),
    (ScheduleManager, "QuantConnect.Scheduling.ScheduleManager"),
    (ObjectStore, "QuantConnect.Storage.ObjectStore"),
    (QuantBook, "QuantConnect.Research.QuantBook"),
    (Symbol, "QuantConnect.Symbol"),
    (SecurityIdentifier, "QuantConnect.SecurityIdentifier"),
    (Security, "QuantConnect.Securities.Security"),
    (SecurityHolding, "QuantConnect.Securities.SecurityHolding"),
    (SecurityManager, "QuantConnect.Securities.SecurityManager"),
    (SecurityPortfolioManager, "QuantConnect.Securities.SecurityPortfolioManager"),
    (Slice, "QuantConnect.Data.Slice"),
    (TradeBar, "QuantConnect.Data.Market.TradeBar"),
    (TradeBars, "QuantConnect.Data.Market.TradeBars"),
    (OrderTicket, "QuantConnect.Orders.OrderTicket"),
    (Order, "QuantConnect.Orders.Order"),
    (OrderEvent, "QuantConnect.Orders.OrderEvent"),
    (OrderResponse, "QuantConnect.Orders.OrderResponse"),
    (OrderRequest, "QuantConnect.Orders.OrderRequest"),
    (SubmitOrderRequest, "QuantConnect.Orders.SubmitOrderRequest"),
    (UpdateOrderRequest, "QuantConnect.Orders.UpdateOrderRequest"),
    (CancelOrderRequest, "QuantConnect.Orders.CancelOrderRequest"),
    (UpdateOrderFields, "QuantConnect.Orders.UpdateOrderFields"),
    (LimitOrder, "QuantConnect.Orders.LimitOrder"),
    (StopMarketOrder, "QuantConnect.Orders.StopMarketOrder"),
    (StopLimitOrder, "QuantConnect.Orders.StopLimitOrder"),
    (TrailingStopOrder, "QuantConnect.Orders.TrailingStopOrder"),
    (LimitIfTouchedOrder, "QuantConnect.Orders.LimitIfTouchedOrder"),
    (CircularQueue, "QuantConnect.Util.CircularQueue"),
    (SecurityTransactionManager, "QuantConnect.Securities.SecurityTransactionManager"),
    (AlgorithmSettings, "QuantConnect.AlgorithmSettings"),
    (UniverseSettings, "QuantConnect.Data.UniverseSelection.UniverseSettings"),
    (IndicatorDataPoint, "QuantConnect.Indicators.IndicatorDataPoint"),
    (IndicatorResult, "QuantConnect.Indicators.IndicatorResult"),
    (RollingWindow, "QuantConnect.Indicators.RollingWindow"),
    (IndicatorBase, "QuantConnect.Indicators.IndicatorBase"),
    (Indicator, "QuantConnect.Indicators.Indicator"),
    (BarIndicator, "QuantConnect.Indicators.BarIndicator"),
    (TradeBarIndicator, "QuantConnect.Indicators.TradeBarIndicator"),
    (WindowIndicator, "QuantConnect.Indicators.WindowIndicator"),
    (Identity, "QuantConnect.Indicators.Identity"),
    (ConstantIndicator, "QuantConnect.Indicators.ConstantIndicator"),
    (CompositeIndicator, "QuantConnect.Indicators.CompositeIndicator"),
    (IndicatorExtensions, "QuantConnect.Indicators.IndicatorExtensions"),
    (Sum, "QuantConnect.Indicators.Sum"),
    (SimpleMovingAverage, "QuantConnect.Indicators.SimpleMovingAverage"),
    (ExponentialMovingAverage, "QuantConnect.Indicators.ExponentialMovingAverage"),
    (WilderMovingAverage, "QuantConnect.Indicators.WilderMovingAverage"),
    (LinearWeightedMovingAverage, "QuantConnect.Indicators.LinearWeightedMovingAverage"),
    (Momentum, "QuantConnect.Indicators.Momentum"),
    (Delay, "QuantConnect.Indicators.Delay"),
    (PythonIndicator, "QuantConnect.Indicators.PythonIndicator"),
    (IndicatorDataPoints, "QuantConnect.Indicators.IndicatorDataPoints"),
    (IndicatorHistory, "QuantConnect.Data.IndicatorHistory"),
    (RateOfChange, "QuantConnect.Indicators.RateOfChange"),
    (Maximum, "QuantConnect.Indicators.Maximum"),
    (Minimum, "QuantConnect.Indicators.Minimum"),
    (RelativeStrengthIndex, "QuantConnect.Indicators.RelativeStrengthIndex"),
    (
        MovingAverageConvergenceDivergence,
        "QuantConnect.Indicators.MovingAverageConvergenceDivergence",
    ),
    (Variance, "QuantConnect.Indicators.Variance"),
    (StandardDeviation, "QuantConnect.Indicators.StandardDeviation"),
    (BollingerBands, "QuantConnect.Indicators.BollingerBands"),
    (TrueRange, "QuantConnect.Indicators.TrueRange"),
    (AverageTrueRange, "QuantConnect.Indicators.AverageTrueRange"),
    (
        CustomUniverseSelectionModel,
        "QuantConnect.Algorithm.Framework.Selection.CustomUniverseSelectionModel",
    ),
    (
        InceptionDateUniverseSelectionModel,
        "QuantConnect.Algorithm.Framework.Selection.InceptionDateUniverseSelectionModel",
    ),
    (
        ScheduledUniverseSelectionModel,
        "QuantConnect.Algorithm.Framework.Selection.ScheduledUniverseSelectionModel",
    ),
    (SecurityMarginModel, "QuantConnect.Securities.SecurityMarginModel"),
    (
        ReservedBuyingPowerForPositionParameters,
        "QuantConnect.Securities.ReservedBuyingPowerForPositionParameters",
    ),
    (ReservedBuyingPowerForPosition, "QuantConnect.Securities.ReservedBuyingPowerForPosition"),
    (TimeSpan, "System.TimeSpan"),
    (
        RiskParityPortfolioConstructionModel,
        "QuantConnect.Algorithm.Framework.Portfolio.RiskParityPortfolioConstructionModel",
    ),
    (
        RiskParityPortfolioOptimizer,
        "QuantConnect.Algorithm.Framework.Portfolio.RiskParityPortfolioOptimizer",
    ),
    (SubscriptionManager, "QuantConnect.Data.SubscriptionManager"),
    (SubscriptionDataConfig, "QuantConnect.Data.SubscriptionDataConfig"),
    (TimeSeriesIndicator, "QuantConnect.Indicators.TimeSeriesIndicator"),
    (
        AutoRegressiveIntegratedMovingAverage,
        "QuantConnect.Indicators.AutoRegressiveIntegratedMovingAverage",
    ),
    (ConsolidatorBase, "QuantConnect.Data.Consolidators.ConsolidatorBase"),
    (ClassicRenkoConsolidator, "QuantConnect.Data.Consolidators.ClassicRenkoConsolidator"),
    (RangeConsolidator, "QuantConnect.Data.Consolidators.RangeConsolidator"),
    (RenkoConsolidator, "QuantConnect.Data.Consolidators.RenkoConsolidator"),
    (TradeBarConsolidator, "QuantConnect.Data.Consolidators.TradeBarConsolidator"),
    (IdentityDataConsolidator, "QuantConnect.Data.Consolidators.IdentityDataConsolidator"),
    (Calendar, "QuantConnect.Data.Consolidators.Calendar"),
    (CalendarInfo, "QuantConnect.Data.Consolidators.CalendarInfo"),
    (RenkoBar, "QuantConnect.Data.Market.RenkoBar"),
    (RangeBar, "QuantConnect.Data.Market.RangeBar"),
    (
        SubscriptionDataConfigService,
        "QuantConnect.Interfaces.ISubscriptionDataConfigService",
    ),
    (brokerages.DefaultBrokerageModel, "QuantConnect.Brokerages.DefaultBrokerageModel"),
    (
        brokerages.InteractiveBrokersBrokerageModel,
        "QuantConnect.Brokerages.InteractiveBrokersBrokerageModel",
    ),
    (brokerages.AlphaStreamsBrokerageModel, "QuantConnect.Brokerages.AlphaStreamsBrokerageModel"),
    (brokerages.BrokerageMessageEvent, "QuantConnect.Brokerages.BrokerageMessageEvent"),
    (fees.FeeModel, "QuantConnect.Orders.Fees.FeeModel"),
    (fees.ConstantFeeModel, "QuantConnect.Orders.Fees.ConstantFeeModel"),
    (fees.InteractiveBrokersFeeModel, "QuantConnect.Orders.Fees.InteractiveBrokersFeeModel"),
    (fees.AlphaStreamsFeeModel, "QuantConnect.Orders.Fees.AlphaStreamsFeeModel"),
    (fees.OrderFeeParameters, "QuantConnect.Orders.Fees.OrderFeeParameters"),
    (slippage.NullSlippageModel, "QuantConnect.Orders.Slippage.NullSlippageModel"),
    (slippage.ConstantSlippageModel, "QuantConnect.Orders.Slippage.ConstantSlippageModel"),
    (slippage.VolumeShareSlippageModel, "QuantConnect.Orders.Slippage.VolumeShareSlippageModel"),
    (slippage.MarketImpactSlippageModel, "QuantConnect.Orders.Slippage.MarketImpactSlippageModel"),
    (slippage.AlphaStreamsSlippageModel, "QuantConnect.Orders.Slippage.AlphaStreamsSlippageModel"),
    (shortable.NullShortableProvider, "QuantConnect.Data.Shortable.NullShortableProvider"),
    (
        interest_rates.FuncRiskFreeRateInterestRateModel,
        "QuantConnect.Data.FuncRiskFreeRateInterestRateModel",
    ),
    (interest_rates.InterestRateProvider, "QuantConnect.Data.InterestRateProvider"),
    (margin.BuyingPowerModel, "QuantConnect.Securities.BuyingPowerModel"),
    (margin.SecurityMarginModel, "QuantConnect.Securities.SecurityMarginModel"),
    (UpdateOrderFields, "QuantConnect.Orders.UpdateOrderFields"),
    (UpdateOrderRequest, "QuantConnect.Orders.UpdateOrderRequest"),
    (Split, "QuantConnect.Data.Market.Split"),
    (Splits, "QuantConnect.Data.Market.Splits"),
    (BaseVolatilityModel, "QuantConnect.Securities.Volatility.BaseVolatilityModel"),
    (VolatilityModelExtensions, "QuantConnect.Securities.Volatility.VolatilityModelExtensions"),
    (VolatilityModel, "QuantConnect.Securities.VolatilityModel"),
    (IndicatorVolatilityModel, "QuantConnect.Securities.IndicatorVolatilityModel"),
    (
        StandardDeviationOfReturnsVolatilityModel,
        "QuantConnect.Securities.StandardDeviationOfReturnsVolatilityModel",
    ),
    (
        RelativeStandardDeviationVolatilityModel,
        "QuantConnect.Securities.RelativeStandardDeviationVolatilityModel",
    ),
    (LocalDiskFactorFileProvider, "QuantConnect.Data.Auxiliary.LocalDiskFactorFileProvider"),
    (LocalDiskMapFileProvider, "QuantConnect.Data.Auxiliary.LocalDiskMapFileProvider"),
    (CorporateFactorProvider, "QuantConnect.Data.Auxiliary.CorporateFactorProvider"),
    (DefaultDataProvider, "QuantConnect.Lean.Engine.DataFeeds.DefaultDataProvider"),
]

ENUMS = [
    (enums.Resolution, "QuantConnect.Resolution"),
    (enums.SecurityType, "QuantConnect.SecurityType"),
    (enums.DataNormalizationMode, "QuantConnect.DataNormalizationMode"),
    (enums.InsightDirection, "QuantConnect.Algorithm.Framework.Alphas.InsightDirection"),
    (enums.InsightType, "QuantConnect.Algorithm.Framework.Alphas.InsightType"),
    (enums.InsightScoreType, "QuantConnect.Algorithm.Framework.Alphas.InsightScoreType"),
    (enums.OrderStatus, "QuantConnect.Orders.OrderStatus"),
    (enums.DayOfWeek, "System.DayOfWeek"),
    (enums.SplitType, "QuantConnect.SplitType"),
    (OrderType, "QuantConnect.Orders.OrderType"),
    (OrderDirection, "QuantConnect.Orders.OrderDirection"),
    (OrderResponseErrorCode, "QuantConnect.Orders.OrderResponseErrorCode"),
    (OrderField, "QuantConnect.Orders.OrderField"),
    (OrderRequestStatus, "QuantConnect.Orders.OrderRequestStatus"),
    (enums.PortfolioBias, "QuantConnect.Algorithm.Framework.Portfolio.PortfolioBias"),
    (MovingAverageType, "QuantConnect.Indicators.MovingAverageType"),
    (brokerages.AccountType, "QuantConnect.AccountType"),
    (brokerages.BrokerageName, "QuantConnect.Brokerages.BrokerageName"),
    (brokerages.BrokerageMessageType, "QuantConnect.Brokerages.BrokerageMessageType"),
    (IndicatorStatus, "QuantConnect.Indicators.IndicatorStatus"),
    (RenkoType, "QuantConnect.Data.Market.RenkoType"),
    (BarDirection, "QuantConnect.Data.Market.BarDirection"),
    (TickType, "QuantConnect.TickType"),
]

# Python's own protocol methods and what a Python base class (str, list, dict) brings along.
PYTHON_BASES = (object, str, list, dict)


def stubs_root() -> Path:
    # By path: once an algorithm is loaded, local_lean's QuantConnect namespaces shadow them.
    spec = importlib.machinery.PathFinder.find_spec("QuantConnect")
    assert spec is not None and spec.submodule_search_locations, "quantconnect-stubs missing"
    return Path(next(iter(spec.submodule_search_locations)))


class StubClass:
    def __init__(self, qualified: str, node: ast.ClassDef) -> None:
        self.qualified = qualified
        self.node = node
        self.bases = [ast.unparse(base) for base in node.bases]
        # name -> (parameter names, how many are required) of each overload
        self.members: dict[str, list[tuple[list[str], int]]] = {}
        self.values: set[str] = set()
        self.property_types: dict[str, str] = {}  # property name -> its type's name
        for item in node.body:
            if isinstance(item, ast.FunctionDef):
                decorators = {ast.unparse(d) for d in item.decorator_list}
                if "property" in decorators and item.returns is not None:
                    self.property_types[item.name] = ast.unparse(item.returns)
                self.members.setdefault(item.name, []).append(_parameters(item))
            elif isinstance(item, ast.ClassDef):
                self.values.add(item.name)
            elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                self.values.add(item.target.id)
                # A callable object (IndicatorExtensions.of): checked like a property's.
                self.property_types[item.target.id] = ast.unparse(item.annotation)
            elif isinstance(item, ast.Assign):
                self.values.update(t.id for t in item.targets if isinstance(t, ast.Name))


def _parameters(function: ast.FunctionDef) -> tuple[list[str], int]:
    positional = function.args.posonlyargs + function.args.args
    names = [a.arg for a in positional]
    required = len(positional) - len(function.args.defaults)
    if names and names[0] in ("self", "cls"):
        names, required = names[1:], required - 1
    if function.args.vararg:
        names.append("*" + function.args.vararg.arg)
    return names, required


@lru_cache(maxsize=1)
def stub_classes() -> dict[str, StubClass]:
    root = stubs_root()
    classes: dict[str, StubClass] = {}
    files = [(".".join(["QuantConnect", *Path(f).parent.parts]), root / f) for f in STUB_FILES]
    files.append(("System", root.parent / SYSTEM_STUB_FILE))
    for module, path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        stack = [(module, node) for node in tree.body if isinstance(node, ast.ClassDef)]
        while stack:
            prefix, node = stack.pop()
            qualified = f"{prefix}.{node.name}"
            classes[qualified] = StubClass(qualified, node)
            stack.extend((qualified, n) for n in node.body if isinstance(n, ast.ClassDef))
    return classes


def lineage(qualified: str) -> list[StubClass]:
    """The stub class and its bases found in the parsed stub files."""
    classes = stub_classes()
    found, queue, seen = [], [qualified], set()
    while queue:
        name = queue.pop(0)
        if name in seen or name not in classes:
            continue
        seen.add(name)
        found.append(classes[name])
        for base in classes[name].bases:
            base = base.split("[")[0]
            queue.append(STUB_ALIASES.get(base, base))
    return found


def our_members(cls: type) -> dict[str, object]:
    """Public members `cls` and its own (non-Python) base classes define."""
    members: dict[str, object] = {}
    for klass in reversed(cls.__mro__):
        if klass in PYTHON_BASES:
            continue
        for name, value in vars(klass).items():
            if not name.startswith("_") or name == "__call__":
                members[name] = value
    return members


def _signature_names(function: object) -> tuple[list[str], bool]:
    signature = inspect.signature(function)  # type: ignore[arg-type]
    names, variadic = [], False
    for parameter in signature.parameters.values():
        if parameter.name in ("self", "cls"):
            continue
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            variadic = True
            names.append("*" + parameter.name)
            break
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            break
        names.append(parameter.name)
    return names, variadic


def matches_an_overload(
    ours: list[str], variadic: bool, overloads: list[tuple[list[str], int]]
) -> bool:
    """Same names in the same order; or ours are the leading names of an overload and LEAN's
    remaining parameters are optional; or ours end in *args after leading names of one."""
    for theirs, required in overloads:
        if ours == theirs:
            return True
        if not variadic and ours == theirs[: len(ours)] and len(ours) >= required:
            return True
        if variadic and ours[:-1] == theirs[: len(ours) - 1]:
            return True
    return False


@pytest.mark.parametrize(("cls", "lean_name"), CLASSES, ids=[c.__name__ for c, _ in CLASSES])
def test_every_public_member_is_a_lean_member_with_lean_parameters(cls, lean_name):
    stubs = lineage(lean_name)
    assert stubs, f"{lean_name} is not in quantconnect-stubs"
    problems = []
    for name, value in our_members(cls).items():
        overloads = [o for stub in stubs for o in stub.members.get(name, [])]
        # LEAN binds some methods as properties whose object is callable (self.history).
        for stub in stubs:
            if name in stub.property_types:
                called = stub_classes().get(stub.property_types[name].split("[")[0])
                if called is not None:
                    overloads.extend(called.members.get("__call__", []))
        is_value = any(name in stub.values for stub in stubs)
        if not overloads and not is_value:
            problems.append(f"{name}: not a member of LEAN's {lean_name}")
            continue
        function = value.__func__ if isinstance(value, staticmethod | classmethod) else value
        if isinstance(function, property) or not callable(function) or isinstance(function, type):
            continue
        ours, variadic = _signature_names(function)
        # Properties are stubbed as def name(self); nothing to compare for them.
        if not matches_an_overload(ours, variadic, overloads):
            problems.append(
                f"{name}{tuple(ours)} matches none of LEAN's {[o for o, _ in overloads]}"
            )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("enum", "lean_name"), ENUMS, ids=[e.__name__ for e, _ in ENUMS])
def test_enum_members_are_leans_with_leans_values(enum, lean_name):
    stub = stub_classes()[lean_name]
    values = {}
    for item in stub.node.body:
        if isinstance(item, ast.Assign) and isinstance(item.value, ast.Constant):
            values[item.targets[0].id] = item.value.value
        elif isinstance(item, ast.Assign) and isinstance(item.value, ast.UnaryOp):
            values[item.targets[0].id] = -item.value.operand.value
    for member in enum:
        assert member.name in values, f"{enum.__name__}.{member.name} is not LEAN's"
        assert values[member.name] == member.value, f"{enum.__name__}.{member.name}"


def test_market_usa_is_leans():
    assert "USA" in stub_classes()["QuantConnect.Market"].values
    assert enums.Market.USA == "usa"


def test_liquid_etf_groupings_are_leans():
    stub = stub_classes()["QuantConnect.Algorithm.Framework.Selection.LiquidETFUniverse"]
    groupings = {name for name in vars(LiquidETFUniverse) if name.isupper()}
    assert groupings <= stub.values
    assert groupings == {
        "ENERGY",
        "METALS",
        "TECHNOLOGY",
        "TREASURIES",
        "VOLATILITY",
        "SP_500_SECTORS",
    }


def test_algorithm_imports_offers_only_lean_or_python_names():
    """Each LEAN type AlgorithmImports gives is a LEAN class of the same name."""
    lean_names = {qualified.rsplit(".", 1)[-1] for qualified in stub_classes()}
    lean_names |= {"QCAlgorithmFramework", "QCAlgorithmFrameworkBridge"}
    python_names = {
        "json",
        "math",
        "np",
        "pd",
        "plt",
        "matplotlib",
        "date",
        "datetime",
        "time",
        "timedelta",
        "Exception",
    }
    import typing

    python_names |= set(typing.__all__)
    offered = {n for n in dir(algorithm_imports) if not n.startswith("_")}
    strange = sorted(offered - lean_names - python_names)
    assert not strange, f"AlgorithmImports offers names LEAN does not have: {strange}"
