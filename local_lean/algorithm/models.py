"""The QCAlgorithm methods of the reality models: brokerage model, risk-free rate, shorting.

``QCAlgorithm`` (local_lean/algorithm.py) inherits them, as it does the indicator helpers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from local_lean.models.brokerages import (
    AccountType,
    DefaultBrokerageModel,
    apply_brokerage_model,
    create_brokerage_model,
)
from local_lean.models.interest_rates import InterestRateProvider
from local_lean.models.shortable import is_shortable
from local_lean.models.shortable import shortable_quantity as _provider_quantity
from local_lean.securities import attach_quote_currency


class QCAlgorithmModels:
    """``set_brokerage_model``, ``set_risk_free_interest_rate_model``, ``shortable``..."""

    _brokerage_model: Any = None  # None: LEAN's default model, with the runner's default fees
    _risk_free_model: Any = None  # None: the primary credit rate

    # ----- brokerage ----------------------------------------------------------------------

    @property
    def brokerage_model(self) -> Any:
        if self._brokerage_model is None:
            return DefaultBrokerageModel()
        return self._brokerage_model

    def set_brokerage_model(self, brokerage: Any, account_type: Any = AccountType.MARGIN) -> None:
        """LEAN's ``SetBrokerageModel``: securities added later get the model's leverage, fee,
        slippage and shortable models; those added already keep their leverage."""
        model = create_brokerage_model(brokerage, account_type)
        self._brokerage_model = model
        for security in self.securities.values():
            apply_brokerage_model(model, security, keep_leverage=True)
        self._ctx.transactions.brokerage_model = model

    def _security_created(self, security: Any, leverage_given: bool) -> None:
        """A new security gets the brokerage model's models (when the algorithm set one) and
        the account's cash as its quote currency."""
        attach_quote_currency(security, self.portfolio.cash_book["USD"])
        if self._brokerage_model is not None:
            apply_brokerage_model(self._brokerage_model, security, keep_leverage=leverage_given)

    # ----- risk-free rate -----------------------------------------------------------------

    @property
    def risk_free_interest_rate_model(self) -> Any:
        return self._risk_free_model or InterestRateProvider()

    def set_risk_free_interest_rate_model(self, model: Any) -> None:
        """The rates the statistics (Sharpe, Sortino...) use, LEAN's default being the primary
        credit rate."""
        if not callable(getattr(model, "get_interest_rate", None)):
            raise TypeError(
                "set_risk_free_interest_rate_model takes a model with get_interest_rate(date) "
                "(e.g. FuncRiskFreeRateInterestRateModel(lambda time: 0.02)), got "
                f"{model!r}"
            )
        self._risk_free_model = model

    # ----- shorting -----------------------------------------------------------------------

    def shortable(self, symbol: Any, short_quantity: float = 0, update_order_id: Any = None):
        """Whether `short_quantity` more shares may be shorted now, given the holding and the
        open orders (LEAN's ``Shortable``)."""
        security = self.securities[symbol]
        open_quantity = sum(
            order.quantity
            for order in self.transactions.get_open_orders(security.symbol)
            if update_order_id is None or order.id != update_order_id
        )
        return is_shortable(security, short_quantity, open_quantity, self._local_time(security))

    def shortable_quantity(self, symbol: Any) -> int:
        """Shares the security's shortable provider allows to short now (0 when none)."""
        security = self.securities[symbol]
        return _provider_quantity(security, self._local_time(security)) or 0

    def _local_time(self, security: Any) -> dt.datetime:
        return self.time

    # ----- order shorthands ---------------------------------------------------------------

    def buy(self, symbol: Any, quantity: float) -> Any:
        """LEAN's ``Buy``: a market order for the absolute quantity."""
        return self.order(symbol, abs(quantity))

    def sell(self, symbol: Any, quantity: float) -> Any:
        """LEAN's ``Sell``: a market order selling the absolute quantity."""
        return self.order(symbol, -abs(quantity))
