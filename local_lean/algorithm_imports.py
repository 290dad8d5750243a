"""The module algorithms get as ``AlgorithmImports``.

LEAN's ``AlgorithmImports`` star-imports its .NET namespaces, then numpy, pandas, matplotlib's
pyplot, ``datetime``'s date/time/datetime/timedelta, ``typing``, ``math`` and ``json``, and restores
Python's builtin Exception. This module offers the same Python imports and the runner's LEAN
names; anything else LEAN would give fails with a NameError, never silently.
"""

# ruff: noqa: F401 - every import here is re-exported to algorithms
import json
import math
import sys as _sys
from builtins import Exception
from datetime import date, datetime, time, timedelta
from typing import *  # noqa: F403 - LEAN's AlgorithmImports does the same

import numpy as np
import pandas as pd

from local_lean.algorithm import QCAlgorithm
from local_lean.buying_power import BuyingPowerModelExtensions
from local_lean.cash_book import ConvertibleCashAmount
from local_lean.circular_queue import CircularQueue
from local_lean.commands import Command
from local_lean.consolidators import (
    BarDirection,
    BaseDataConsolidator,
    Calendar,
    CalendarInfo,
    ClassicRenkoConsolidator,
    IdentityDataConsolidator,
    QuoteBarConsolidator,
    RangeBar,
    RangeConsolidator,
    RenkoBar,
    RenkoConsolidator,
    RenkoType,
    SubscriptionDataConfig,
    SubscriptionManager,
    TickType,
    TradeBarConsolidator,
    VolumeRenkoBar,
    VolumeRenkoConsolidator,
)
from local_lean.conventions import Extensions
from local_lean.data.auxiliary import (
    CorporateFactorProvider,
    LocalDiskFactorFileProvider,
    LocalDiskMapFileProvider,
)
from local_lean.enums import (
    DataNormalizationMode,
    DayOfWeek,
    DelistingType,
    InsightDirection,
    InsightScoreType,
    InsightType,
    Market,
    OrderStatus,
    PortfolioBias,
    Resolution,
    SecurityType,
    SplitType,
)
from local_lean.errors import RegressionTestException
from local_lean.field import Field
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
    SecurityChanges,
)
from local_lean.framework.execution_models import (
    SpreadExecutionModel,
    StandardDeviationExecutionModel,
    VolumeWeightedAveragePriceExecutionModel,
)
from local_lean.framework.expiry import Expiry
from local_lean.framework.indicator_alphas import EmaCrossAlphaModel, RsiAlphaModel
from local_lean.framework.insight_manager import InsightManager
from local_lean.framework.insights import GeneratedInsightsCollection, InsightScore
from local_lean.framework.pairs_trading import (
    BasePairsTradingAlphaModel,
    PearsonCorrelationPairsTradingAlphaModel,
)
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
from local_lean.framework.universe import ManualUniverseSelectionModel
from local_lean.indicators import (
    AdvanceDeclineIndicator,
    AdvanceDeclineRatio,
    AdvanceDeclineVolumeRatio,
    ArmsIndex,
    AutoRegressiveIntegratedMovingAverage,
    AverageTrueRange,
    BarIndicator,
    Beta,
    BollingerBands,
    CompositeIndicator,
    ConstantIndicator,
    Correlation,
    CorrelationType,
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
    MassIndex,
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
    Stochastic,
    Sum,
    TradeBarIndicator,
    TrueRange,
    Variance,
    WilderAccumulativeSwingIndex,
    WilderMovingAverage,
    WilderSwingIndex,
    WindowIndicator,
)
from local_lean.lazy_modules import LazyModule as _LazyModule
from local_lean.lazy_modules import installed as _installed
from local_lean.market_data import (
    BaseData,
    Delisting,
    Delistings,
    Dividend,
    Dividends,
    Slice,
    Split,
    Splits,
    SymbolChangedEvent,
    SymbolChangedEvents,
    TradeBar,
    TradeBars,
)
from local_lean.models.benchmarks import FuncBenchmark
from local_lean.models.brokerages import (
    AccountType,
    AlphaStreamsBrokerageModel,
    AxosClearingBrokerageModel,
    BrokerageMessageEvent,
    BrokerageMessageType,
    BrokerageName,
    DefaultBrokerageModel,
    InteractiveBrokersBrokerageModel,
)
from local_lean.models.dotnet_random import DotNetRandom as Random  # .NET's System.Random
from local_lean.models.fees import (
    AlphaStreamsFeeModel,
    AxosFeeModel,
    ConstantFeeModel,
    FeeModel,
    InteractiveBrokersFeeModel,
    OrderFeeParameters,
)
from local_lean.models.interest_rates import (
    FuncRiskFreeRateInterestRateModel,
    InterestRateProvider,
    MarginInterestRateModel,
    MarginInterestRateParameters,
    ShortMarginInterestRateModel,
)
from local_lean.models.margin import (
    BuyingPowerModel,
    GetMaximumOrderQuantityForTargetBuyingPowerParameters,
    GetMaximumOrderQuantityResult,
    HasSufficientBuyingPowerForOrderParameters,
    HasSufficientBuyingPowerForOrderResult,
    MaintenanceMargin,
    MaintenanceMarginParameters,
    ReservedBuyingPowerForPosition,
    ReservedBuyingPowerForPositionParameters,
    SecurityMarginModel,
)
from local_lean.models.shortable import LocalDiskShortableProvider, NullShortableProvider
from local_lean.models.slippage import (
    AlphaStreamsSlippageModel,
    ConstantSlippageModel,
    MarketImpactSlippageModel,
    NullSlippageModel,
    VolumeShareSlippageModel,
)
from local_lean.object_store import ObjectStore
from local_lean.order_properties import OrderProperties, TimeInForce
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
    CashAmount,
    Order,
    OrderDirection,
    OrderEvent,
    OrderFee,
    OrderResponse,
    OrderResponseErrorCode,
    OrderTicket,
    OrderType,
)
from local_lean.portfolio import SecurityPortfolioManager
from local_lean.priced_orders import (
    LimitIfTouchedOrder,
    LimitOrder,
    MarketOnCloseOrder,
    StopLimitOrder,
    StopMarketOrder,
    TrailingStopOrder,
)
from local_lean.quantbook import QuantBook
from local_lean.quote_bars import QuoteBar
from local_lean.scheduling import DateRules, TimeRules
from local_lean.securities import Security, SecurityHolding, SecurityManager
from local_lean.security_cache import SecurityCache, Tick
from local_lean.security_data_filter import SecurityDataFilter
from local_lean.security_initializers import (
    BrokerageModelSecurityInitializer,
    FuncSecuritySeeder,
    SecuritySeeder,
)
from local_lean.settings import UniverseSettings
from local_lean.statistics_results import PerformanceMetrics, StatisticsResults
from local_lean.symbols import Symbol
from local_lean.timespan import TimeSpan
from local_lean.user_fill_models import (
    EquityFillModel,
    Fill,
    FillModel,
    FillModelParameters,
    ImmediateFillModel,
    Prices,
)
from local_lean.volatility import (
    BaseVolatilityModel,
    IndicatorVolatilityModel,
    RelativeStandardDeviationVolatilityModel,
    StandardDeviationOfReturnsVolatilityModel,
    VolatilityModel,
    VolatilityModelExtensions,
)

# LEAN's algorithm interface (handlers of insights_generated annotate with it): here, the
# algorithm class itself.
IAlgorithm = QCAlgorithm

# LEAN's interface of portfolio targets (models annotate with it): here, PortfolioTarget.
IPortfolioTarget = PortfolioTarget

# LEAN keeps these aliases for old framework algorithms.
QCAlgorithmFramework = QCAlgorithm
QCAlgorithmFrameworkBridge = QCAlgorithm


def _headless_matplotlib() -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display when running offline


if "matplotlib" in _sys.modules:
    _headless_matplotlib()
if _installed("matplotlib"):  # LEAN tolerates a missing matplotlib too
    # Imported when the algorithm first uses them (pyplot costs more than most backtests' loops).
    matplotlib = _LazyModule("matplotlib", before_import=_headless_matplotlib)
    plt = _LazyModule("matplotlib.pyplot", before_import=_headless_matplotlib)
