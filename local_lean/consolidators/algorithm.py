"""What QCAlgorithm adds for consolidators (mixed into QCAlgorithm): ``subscription_manager``."""

from __future__ import annotations

from local_lean.consolidators.subscriptions import SubscriptionManager


class QCAlgorithmConsolidators:
    """QCAlgorithm's consolidator members."""

    @property
    def subscription_manager(self) -> SubscriptionManager:
        """The subscriptions of the securities added and their consolidators."""
        manager = self.__dict__.get("_subscription_manager")
        if manager is None:
            manager = self.__dict__["_subscription_manager"] = SubscriptionManager(
                self.securities  # type: ignore[attr-defined]
            )
        return manager
