"""LEAN's data consolidators for local_lean (LEAN's Common/Data/Consolidators/).

- ``base``: ConsolidatorBase and the ``data_consolidated`` event (``+=`` / ``-=``).
- ``bars``: RenkoBar and RangeBar, the bars of the timeless consolidators.
- ``timeless``: ClassicRenkoConsolidator, RenkoConsolidator (wicked bricks) and
  RangeConsolidator (bars end on price moves).
- ``period``: TradeBarConsolidator (a count of bars, a timedelta, a ``Calendar`` period) and
  IdentityDataConsolidator.
- ``subscriptions``: ``self.subscription_manager`` (``add_consolidator``,
  ``remove_consolidator``, ``subscription_data_config_service``); the engine's calls:
  ``scan_past_consolidators`` at the start of each slice and ``feed_consolidators`` at each
  close, before ``on_data``.
- ``algorithm``: what QCAlgorithm adds (``subscription_manager``, ``consolidate``), mixed into
  it.
"""

from local_lean.consolidators.bars import BarDirection, RangeBar, RenkoBar, RenkoType
from local_lean.consolidators.base import ConsolidatorBase, DataConsolidatedEvent
from local_lean.consolidators.period import (
    Calendar,
    CalendarInfo,
    IdentityDataConsolidator,
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
)

__all__ = [
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
