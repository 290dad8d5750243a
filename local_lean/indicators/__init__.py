"""LEAN's technical indicators for local_lean, with LEAN's names and update semantics.

- ``rolling_window``: RollingWindow (index 0 is the newest item).
- ``base``: IndicatorDataPoint, IndicatorBase and its kinds (Indicator for numbers,
  BarIndicator/TradeBarIndicator for bars, WindowIndicator over the last `period` inputs).
- ``composition``: Identity, ConstantIndicator, CompositeIndicator, IndicatorExtensions.
- ``moving_averages``, ``oscillators``, ``volatility``: the indicators themselves.
- ``advance_decline``: market breadth over a set of stocks (ArmsIndex, the A/D ratios).
- ``multi_symbol``: indicators of several symbols' bars (MultiSymbolIndicator, Beta).
- ``swing``: bar-range indicators (MassIndex, Wilder's swing indices).
- ``time_series``: TimeSeriesIndicator and AutoRegressiveIntegratedMovingAverage (ARIMA).
- ``python_indicator``: PythonIndicator, the base of indicators written in Python.
- ``helpers``: what QCAlgorithm adds (``self.sma(...)``, ``register_indicator``,
  ``warm_up_indicator``, ``indicator_history``, ``plot_indicator``) and the registry the
  engine feeds with each daily bar before ``on_data``.
"""

from local_lean.indicators.advance_decline import (
    AdvanceDeclineIndicator,
    AdvanceDeclineRatio,
    AdvanceDeclineVolumeRatio,
    ArmsIndex,
)
from local_lean.indicators.base import (
    BarIndicator,
    Indicator,
    IndicatorBase,
    IndicatorDataPoint,
    IndicatorResult,
    IndicatorStatus,
    TradeBarIndicator,
    WindowIndicator,
)
from local_lean.indicators.composition import CompositeIndicator, IndicatorExtensions
from local_lean.indicators.correlation import Correlation, CorrelationType
from local_lean.indicators.identity import ConstantIndicator, Identity
from local_lean.indicators.moving_averages import (
    ExponentialMovingAverage,
    LinearWeightedMovingAverage,
    MovingAverageType,
    SimpleMovingAverage,
    Sum,
    WilderMovingAverage,
)
from local_lean.indicators.multi_symbol import Beta, MultiSymbolIndicator
from local_lean.indicators.oscillators import (
    Delay,
    Maximum,
    Minimum,
    Momentum,
    MovingAverageConvergenceDivergence,
    RateOfChange,
    RelativeStrengthIndex,
    Stochastic,
)
from local_lean.indicators.python_indicator import PythonIndicator
from local_lean.indicators.rolling_window import RollingWindow
from local_lean.indicators.swing import (
    MassIndex,
    WilderAccumulativeSwingIndex,
    WilderSwingIndex,
)
from local_lean.indicators.time_series import (
    AutoRegressiveIntegratedMovingAverage,
    TimeSeriesIndicator,
)
from local_lean.indicators.volatility import (
    AverageTrueRange,
    BollingerBands,
    StandardDeviation,
    TrueRange,
    Variance,
)

__all__ = [
    "WilderSwingIndex",
    "WilderAccumulativeSwingIndex",
    "MultiSymbolIndicator",
    "MassIndex",
    "Beta",
    "AdvanceDeclineIndicator",
    "AdvanceDeclineRatio",
    "AdvanceDeclineVolumeRatio",
    "ArmsIndex",
    "AutoRegressiveIntegratedMovingAverage",
    "AverageTrueRange",
    "BarIndicator",
    "BollingerBands",
    "CompositeIndicator",
    "ConstantIndicator",
    "Correlation",
    "CorrelationType",
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
    "Stochastic",
    "Sum",
    "TimeSeriesIndicator",
    "TradeBarIndicator",
    "TrueRange",
    "Variance",
    "WilderMovingAverage",
    "WindowIndicator",
]
