"""LEAN's data consolidators for local_lean (LEAN's Common/Data/Consolidators/).

- ``base``: ConsolidatorBase and the ``data_consolidated`` event (``+=`` / ``-=``).
- ``bars``: RenkoBar, VolumeRenkoBar and RangeBar, the bars of the timeless consolidators.
- ``timeless``: ClassicRenkoConsolidator, RenkoConsolidator (wicked bricks),
  VolumeRenkoConsolidator (bricks of volume) and RangeConsolidator (bars end on price moves).
- ``period``: PeriodCountConsolidatorBase (a count of bars, a timedelta, a ``Calendar``
  period) and its TradeBarConsolidator, QuoteBarConsolidator and BaseDataConsolidator;
  IdentityDataConsolidator.
- ``subscriptions``: ``self.subscription_manager`` (``add_consolidator``,
  ``remove_consolidator``, ``subscription_data_config_service``); the engine's calls:
  ``scan_past_consolidators`` at the start of each slice and ``feed_consolidators`` at each
  close, before ``on_data``.
- ``algorithm``: what QCAlgorithm adds (``subscription_manager``, ``consolidate``), mixed into
  it.
"""

from local_lean.consolidators.bars import (
    BarDirection,
    RangeBar,
    RenkoBar,
    RenkoType,
    VolumeRenkoBar,
)
from local_lean.consolidators.base import ConsolidatorBase, DataConsolidatedEvent
from local_lean.consolidators.period import (
    BaseDataConsolidator,
    Calendar,
    CalendarInfo,
    IdentityDataConsolidator,
    PeriodCountConsolidatorBase,
    QuoteBarConsolidator,
    TradeBarConsolidator,
)
from local_lean.consolidators.subscriptions import (
    SubscriptionDataConfig,
    SubscriptionManager,
    TickType,
    feed_consolidators,
    feed_intraday_consolidators,
    scan_past_consolidators,
)
from local_lean.consolidators.timeless import (
    BaseTimelessConsolidator,
    ClassicRenkoConsolidator,
    RangeConsolidator,
    RenkoConsolidator,
    VolumeRenkoConsolidator,
)

__all__ = [
    "VolumeRenkoConsolidator",
    "VolumeRenkoBar",
    "QuoteBarConsolidator",
    "PeriodCountConsolidatorBase",
    "BaseDataConsolidator",
    "Calendar",
    "CalendarInfo",
    "IdentityDataConsolidator",
    "TradeBarConsolidator",
    "scan_past_consolidators",
    "BarDirection",
    "BaseTimelessConsolidator",
    "ClassicRenkoConsolidator",
    "ConsolidatorBase",
    "DataConsolidatedEvent",
    "RangeBar",
    "RangeConsolidator",
    "RenkoBar",
    "RenkoConsolidator",
    "RenkoType",
    "SubscriptionDataConfig",
    "SubscriptionManager",
    "TickType",
    "feed_consolidators",
    "feed_intraday_consolidators",
]
