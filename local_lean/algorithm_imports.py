"""The module algorithms get as ``AlgorithmImports``.

LEAN's ``AlgorithmImports`` star-imports its .NET namespaces, then numpy, pandas, matplotlib's
pyplot, ``datetime``'s date/time/datetime/timedelta, ``typing``, ``math`` and ``json``, and restores
Python's builtin Exception. This module offers the same Python imports and the runner's LEAN
names; anything else LEAN would give fails with a NameError, never silently.
"""

# ruff: noqa: F401 - every import here is re-exported to algorithms
import json
import math
from builtins import Exception
from datetime import date, datetime, time, timedelta
from typing import *  # noqa: F403 - LEAN's AlgorithmImports does the same

import numpy as np
import pandas as pd

try:
    import matplotlib

    matplotlib.use("Agg")  # no display when running offline
    import matplotlib.pyplot as plt
except ImportError:  # LEAN tolerates a missing matplotlib too
    pass

from local_lean.algorithm import QCAlgorithm, UniverseSettings
from local_lean.data.auxiliary import (
    CorporateFactorProvider,
    LocalDiskFactorFileProvider,
    LocalDiskMapFileProvider,
)
from local_lean.enums import (
    DataNormalizationMode,
    DayOfWeek,
    InsightDirection,
    InsightType,
    Market,
    OrderStatus,
    PortfolioBias,
    Resolution,
    SecurityType,
    SplitType,
)
from local_lean.errors import RegressionTestException
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
from local_lean.framework.risk import (
    CompositeRiskManagementModel,
    MaximumDrawdownPercentPerSecurity,
    NullRiskManagementModel,
    RiskManagementModel,
)
from local_lean.framework.universe import ManualUniverseSelectionModel
from local_lean.indicators import (
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
    TradeBarIndicator,
    TrueRange,
    Variance,
    WilderMovingAverage,
    WindowIndicator,
)
from local_lean.market_data import Dividend, Dividends, Slice, Split, Splits, TradeBar, TradeBars
from local_lean.object_store import ObjectStore
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
from local_lean.quantbook import QuantBook
from local_lean.scheduling import DateRules, TimeRules
from local_lean.securities import Security, SecurityHolding, SecurityManager
from local_lean.symbols import Symbol
from local_lean.volatility import (
    BaseVolatilityModel,
    IndicatorVolatilityModel,
    RelativeStandardDeviationVolatilityModel,
    StandardDeviationOfReturnsVolatilityModel,
    VolatilityModel,
    VolatilityModelExtensions,
)

# LEAN keeps these aliases for old framework algorithms.
QCAlgorithmFramework = QCAlgorithm
QCAlgorithmFrameworkBridge = QCAlgorithm
