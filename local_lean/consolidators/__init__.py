"""LEAN's data consolidators for local_lean (LEAN's Common/Data/Consolidators/).

- ``base``: ConsolidatorBase and the ``data_consolidated`` event (``+=`` / ``-=``).
- ``bars``: RenkoBar and RangeBar, the bars of the timeless consolidators.
- ``timeless``: ClassicRenkoConsolidator and RangeConsolidator (bars end on price moves).
- ``subscriptions``: ``self.subscription_manager`` (``add_consolidator``,
  ``remove_consolidator``, ``subscription_data_config_service``) and ``feed_consolidators``,
  the engine's call at each close.
- ``algorithm``: what QCAlgorithm adds (mixed into it).
"""

from local_lean.consolidators.bars import BarDirection, RangeBar, RenkoBar, RenkoType
from local_lean.consolidators.base import ConsolidatorBase, DataConsolidatedEvent
from local_lean.consolidators.subscriptions import (
    SubscriptionDataConfig,
    SubscriptionManager,
    TickType,
    feed_consolidators,
)
from local_lean.consolidators.timeless import (
    BaseTimelessConsolidator,
    ClassicRenkoConsolidator,
    RangeConsolidator,
)

__all__ = [
    "BarDirection",
    "BaseTimelessConsolidator",
    "ClassicRenkoConsolidator",
    "ConsolidatorBase",
    "DataConsolidatedEvent",
    "RangeBar",
    "RangeConsolidator",
    "RenkoBar",
    "RenkoType",
    "SubscriptionDataConfig",
    "SubscriptionManager",
    "TickType",
    "feed_consolidators",
]
