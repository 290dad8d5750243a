"""QCAlgorithm's order members, as LEAN's ``QCAlgorithm.Trading.cs``.

An order method builds a request; LEAN's pre-order checks may refuse it (an Invalid ticket,
no order id, an error in the log), and the transaction handler (transactions.py) takes the
rest: fills, order events and tickets. In a backtest, market orders for securities with daily
data only are converted as LEAN converts them (MarketOnClose in the session, MarketOnOpen
near the close or while the market is closed).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from local_lean.buying_power import zero_price_message
from local_lean.enums import Resolution, SecurityType
from local_lean.framework.execution import order_targets_by_margin_impact
from local_lean.framework.portfolio_construction import PortfolioTarget, sized_by_percent
from local_lean.order_properties import (
    GoodTilDateTimeInForce,
    OrderProperties,
    TimeInForce,
    require_order_properties,
)
from local_lean.orders import (
    OrderDirection,
    OrderResponse,
    OrderResponseErrorCode,
    OrderTicket,
    OrderType,
    SubmitOrderRequest,
    warming_up_message,
)
from local_lean.priced_orders import MarketOnCloseOrder, TrailingStopOrder
from local_lean.securities import Security
from local_lean.symbol_conversion import as_symbol, one_or_many, symbol_key
from local_lean.symbols import SecurityIdentifier, Symbol
from local_lean.transactions import SecurityTransactionManager

# LEAN's debug messages, logged once, when it converts a market order in a backtest.
MARKET_ORDER_WHILE_CLOSED_WARNING = (
    "Warning: market orders submitted while the market is closed are automatically converted "
    "into MarketOnOpen orders to fill at the next market open."
)
DAILY_MARKET_ORDER_WARNING = (
    "Warning: market orders on daily resolution data sent during market hours are "
    "automatically converted into MarketOnClose orders (or MarketOnOpen near the close) to "
    "avoid filling at the stale previous close. Note: in live trading this conversion is not "
    "applied, as the order fills at the current market price."
)
GOOD_TIL_DATE_AT_OPEN_OR_CLOSE_WARNING = (
    "Warning: Good-Til-Date Time-In-Force is not supported for MOO and MOC orders. "
    "The time-in-force will be reset to Good-Til-Canceled (GTC)."
)


class QCAlgorithmTrading:
    """QCAlgorithm's order members (LEAN's ``QCAlgorithm.Trading.cs``)."""

    # ----- orders ------------------------------------------------------------------------------
    # As LEAN's QCAlgorithm.Trading.cs: an order method builds a request, the pre-order checks
    # may refuse it (an Invalid ticket, no order id, an error in the log), and the transaction
    # handler takes the rest (transactions.py).

    @property
    def transactions(self) -> SecurityTransactionManager:
        """LEAN's ``self.transactions``: orders, tickets and cancellations."""
        handler = self._ctx.transactions
        if handler is None:
            raise RuntimeError("this algorithm has no transaction handler: run it in a backtest")
        return SecurityTransactionManager(handler)

    def on_order_event(self, order_event: Any) -> None:
        """Called with every order event: submitted, filled, canceled, invalid (override)."""

    def market_order(
        self,
        symbol: Any,
        quantity: float,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> OrderTicket:
        """Buy (quantity > 0) or sell at the market: while the market is closed (16:00
        included) it becomes a MarketOnOpen order (the next open) at any resolution, as LEAN
        converts it. While it is open, on minute or hour data it fills at the latest price
        (``intraday_fills.py``); on daily data a backtest converts it into a MarketOnClose
        order (today's close), or MarketOnOpen within the MarketOnClose submission buffer
        (15.5 minutes before the close)."""
        security = self._security_for_order(symbol)
        calendar = self._ctx.calendar
        is_open = calendar.is_open(self.time)
        if is_open and security.resolution in (Resolution.MINUTE, Resolution.HOUR):
            properties = self._properties_for_order(order_properties)  # LEAN fills it at once
            return self._submit(
                OrderType.MARKET, security, quantity, tag, asynchronous, properties=properties
            )
        if not is_open:
            ticket = self.market_on_open_order(
                security.symbol, quantity, asynchronous, tag, order_properties
            )
            if not self._warned.get("closed market order") and _succeeded(ticket):
                self._warned["closed market order"] = True
                self.debug(MARKET_ORDER_WHILE_CLOSED_WARNING)
            return ticket
        if self._within_market_on_close_buffer():
            ticket = self.market_on_open_order(
                security.symbol, quantity, asynchronous, tag, order_properties
            )
        else:
            ticket = self.market_on_close_order(
                security.symbol, quantity, asynchronous, tag, order_properties
            )
        if not self._warned.get("daily market order") and _succeeded(ticket):
            self._warned["daily market order"] = True
            self.debug(DAILY_MARKET_ORDER_WARNING)
        return ticket

    def market_on_open_order(
        self,
        symbol: Any,
        quantity: float,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> OrderTicket:
        """An order filled at the next market open."""
        security = self._security_for_order(symbol)
        properties = self._properties_for_order(order_properties, at_open_or_close=True)
        return self._submit(
            OrderType.MARKET_ON_OPEN, security, quantity, tag, asynchronous, properties=properties
        )

    def market_on_close_order(
        self,
        symbol: Any,
        quantity: float,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> OrderTicket:
        """An order filled at the next market close; refused within 15.5 minutes of it."""
        security = self._security_for_order(symbol)
        properties = self._properties_for_order(order_properties, at_open_or_close=True)
        return self._submit(
            OrderType.MARKET_ON_CLOSE, security, quantity, tag, asynchronous, properties=properties
        )

    def limit_order(
        self,
        symbol: Any,
        quantity: float,
        limit_price: float,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> OrderTicket:
        """Buy at or below (sell at or above) `limit_price`; open until filled or canceled."""
        security = self._security_for_order(symbol)
        return self._submit(
            OrderType.LIMIT,
            security,
            quantity,
            tag,
            asynchronous,
            properties=self._properties_for_order(order_properties),
            limit_price=limit_price,
        )

    def stop_market_order(
        self,
        symbol: Any,
        quantity: float,
        stop_price: float,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> OrderTicket:
        """Buy (sell) at the market once the price reaches `stop_price`."""
        security = self._security_for_order(symbol)
        return self._submit(
            OrderType.STOP_MARKET,
            security,
            quantity,
            tag,
            asynchronous,
            properties=self._properties_for_order(order_properties),
            stop_price=stop_price,
        )

    def stop_limit_order(
        self,
        symbol: Any,
        quantity: float,
        stop_price: float,
        limit_price: float,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> OrderTicket:
        """A limit order at `limit_price` that opens once the price crosses `stop_price`."""
        security = self._security_for_order(symbol)
        return self._submit(
            OrderType.STOP_LIMIT,
            security,
            quantity,
            tag,
            asynchronous,
            properties=self._properties_for_order(order_properties),
            stop_price=stop_price,
            limit_price=limit_price,
        )

    def limit_if_touched_order(
        self,
        symbol: Any,
        quantity: float,
        trigger_price: float,
        limit_price: float,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> OrderTicket:
        """A limit order at `limit_price` that opens once the price touches `trigger_price`."""
        security = self._security_for_order(symbol)
        return self._submit(
            OrderType.LIMIT_IF_TOUCHED,
            security,
            quantity,
            tag,
            asynchronous,
            properties=self._properties_for_order(order_properties),
            trigger_price=trigger_price,
            limit_price=limit_price,
        )

    def trailing_stop_order(
        self, symbol: Any, quantity: float, *args: Any, **kwargs: Any
    ) -> OrderTicket:
        """A stop market order whose stop trails the price by `trailing_amount` (a fraction of
        the price when `trailing_as_percentage`). LEAN's two forms: (symbol, quantity,
        trailing_amount, trailing_as_percentage, ...) puts the stop that far from the current
        price; (symbol, quantity, stop_price, trailing_amount, trailing_as_percentage, ...)
        starts at `stop_price`."""
        names = ["trailing_amount", "trailing_as_percentage", "asynchronous", "tag"]
        if (
            "stop_price" in kwargs
            or (args and "trailing_amount" in kwargs)
            or (len(args) > 1 and not isinstance(args[1], bool))
        ):
            names.insert(0, "stop_price")
        names.append("order_properties")
        if len(args) > len(names):
            raise TypeError(f"trailing_stop_order takes at most {len(names) + 2} arguments")
        values = dict(zip(names, args, strict=False))
        for name, value in kwargs.items():
            if name not in names or name in values:
                raise TypeError(f"trailing_stop_order got an unexpected or repeated {name!r}")
            values[name] = value
        if "trailing_amount" not in values or "trailing_as_percentage" not in values:
            raise TypeError("trailing_stop_order needs trailing_amount and trailing_as_percentage")
        properties = self._properties_for_order(values.get("order_properties"))
        security = self._security_for_order(symbol)
        percentage = bool(values["trailing_as_percentage"])
        amount = values["trailing_amount"]
        stop_price = values.get("stop_price")
        if stop_price is None and isinstance(amount, int | float) and not isinstance(amount, bool):
            direction = OrderDirection.BUY if quantity > 0 else OrderDirection.SELL
            stop_price = TrailingStopOrder.calculate_stop_price(
                security.price, amount, percentage, direction
            )
        return self._submit(
            OrderType.TRAILING_STOP,
            security,
            quantity,
            values.get("tag", ""),
            values.get("asynchronous", False),
            trailing_as_percentage=percentage,
            properties=properties,
            trailing_amount=amount,
            stop_price=stop_price,
        )

    def order(self, symbol: Any, quantity: float, asynchronous: bool = False, tag: str = "",
              order_properties: Any = None) -> OrderTicket:  # fmt: skip
        """LEAN's ``order``: a market order."""
        return self.market_order(symbol, quantity, asynchronous, tag, order_properties)

    def calculate_order_quantity(self, symbol: Any, target: float) -> float:
        """Shares to order so that `symbol` becomes `target` of the portfolio's value."""
        # PortfolioTarget.percent's sizing, without building the target
        _, quantity = sized_by_percent(self, symbol, float(target), return_delta_quantity=True)
        return 0.0 if quantity is None else float(quantity)

    def set_holdings(
        self,
        symbol: Any,
        percentage: float = 0.0,
        liquidate_existing_holdings: bool = False,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> list[OrderTicket]:
        """Order the whole shares that make `symbol` `percentage` of the portfolio value (LEAN's
        sizing: the value less the 0.25% free buffer, fees included), less open market and
        market-on-open orders; a list of PortfolioTarget sets several at once."""
        if isinstance(symbol, list):
            return self._set_holdings_targets(
                symbol, liquidate_existing_holdings, asynchronous, tag, order_properties
            )
        security = self._security_for_order(symbol)
        tickets = []
        if liquidate_existing_holdings:
            tickets.extend(self._liquidate_all_but({security.symbol}, tag))
        quantity = self.calculate_order_quantity(security.symbol, percentage)
        tickets.extend(
            self._order_for_holdings(security.symbol, quantity, asynchronous, tag, order_properties)
        )
        return tickets

    def _set_holdings_targets(
        self,
        targets: list[Any],
        liquidate_existing_holdings: bool,
        asynchronous: bool,
        tag: str,
        order_properties: Any = None,
    ) -> list[OrderTicket]:
        """LEAN's ``SetHoldings(List<PortfolioTarget>)``: every target's order quantity is sized
        before any order is placed, then the orders go out reducing positions first, then the
        largest order values (so a sale frees the margin a purchase needs)."""
        tickets: list[OrderTicket] = []
        if liquidate_existing_holdings:
            keep = {PortfolioTarget(t.symbol, 0).symbol for t in targets}
            tickets.extend(self._liquidate_all_but(keep, tag))
        orders = [
            PortfolioTarget(
                target.symbol, self.calculate_order_quantity(target.symbol, target.quantity)
            )
            for target in targets
        ]
        for order in order_targets_by_margin_impact(self, orders, target_is_delta=True):
            tickets.extend(
                self._order_for_holdings(
                    order.symbol, order.quantity, asynchronous, tag, order_properties
                )
            )
        return tickets

    def _order_for_holdings(
        self,
        symbol: Symbol,
        quantity: float,
        asynchronous: bool,
        tag: str,
        order_properties: Any = None,
    ) -> list[OrderTicket]:
        """LEAN's ``SetHoldingsImpl``: order `quantity` less what open market and market-on-open
        orders of `symbol` still add; a market order while the exchange is open, else a
        market-on-open order."""
        handler = self._ctx.transactions
        open_quantity = 0.0
        if handler is None or handler.has_open_orders():  # mostly none open before the first
            open_quantity = sum(
                ticket.quantity_remaining
                for ticket in self.transactions.get_open_order_tickets(symbol)
                if ticket.order_type in (OrderType.MARKET, OrderType.MARKET_ON_OPEN)
            )
        quantity -= open_quantity
        if abs(quantity) == 0:
            return []
        if self._ctx.calendar.is_open(self.time):
            return [self.market_order(symbol, quantity, asynchronous, tag, order_properties)]
        return [self.market_on_open_order(symbol, quantity, False, tag, order_properties)]

    def liquidate(
        self,
        symbol: Any = None,
        asynchronous: bool = False,
        tag: str = "Liquidated",
        order_properties: Any = None,
    ) -> list[OrderTicket]:
        """Cancel the open orders of `symbol` (every security when None) and sell or cover
        what is held, at the market."""
        if not self.settings.liquidate_enabled:
            self.debug(
                "Liquidate() is currently disabled by settings. To re-enable please set "
                "'Settings.LiquidateEnabled' to true"
            )
            return []
        if symbol is None:
            symbols = sorted(self.portfolio.keys(), key=lambda s: s.value)
        else:
            symbols = [as_symbol(each) for each in one_or_many(symbol)]
        tag = tag or "Liquidated"
        tickets: list[OrderTicket] = []
        for each in symbols:
            if each not in self.securities:
                if not self._warned.get("liquidate"):
                    self._warned["liquidate"] = True
                    self.debug(
                        f"Warning: liquidate ignored symbol '{each.value}' because it has not "
                        "been added to the algorithm. Add the security before liquidating it."
                    )
                continue
            open_orders = self.transactions.get_open_orders(each)
            held = self.portfolio[each].quantity
            if (
                len(open_orders) == 1
                and held != 0
                and open_orders[0].quantity == -held
                and open_orders[0].type == OrderType.MARKET
            ):
                continue
            pending_market = 0.0
            for order in open_orders:
                if order.type == OrderType.MARKET:
                    pending_market += self.transactions.get_order_ticket(
                        order.id
                    ).quantity_remaining
                else:
                    self.transactions.cancel_order(order.id, tag)
            if held != 0:
                tickets.append(
                    self.market_order(
                        each, -held - pending_market, asynchronous, tag, order_properties
                    )
                )
        return tickets

    def _liquidate_all_but(self, keep: set[Symbol], tag: str) -> list[OrderTicket]:
        others = [s for s in sorted(self.portfolio.keys(), key=lambda s: s.value) if s not in keep]
        return self.liquidate(others, tag=tag) if others else []

    @property
    def default_order_properties(self) -> OrderProperties:
        """The properties of orders placed without their own (LEAN's: good till canceled);
        each order takes a copy of them as they are when it is placed."""
        properties = self.__dict__.get("_default_order_properties")
        if properties is None and "_default_order_properties" not in self.__dict__:
            properties = self.__dict__["_default_order_properties"] = OrderProperties()
        return properties

    @default_order_properties.setter
    def default_order_properties(self, value: OrderProperties | None) -> None:
        require_order_properties(value, "default_order_properties")
        self.__dict__["_default_order_properties"] = value

    def _properties_for_order(
        self, order_properties: Any, at_open_or_close: bool = False
    ) -> OrderProperties | None:
        """The order's own properties, else a copy of the default ones (LEAN's
        ``orderProperties ?? DefaultOrderProperties?.Clone()``). MarketOnOpen and
        MarketOnClose orders take no expiry date: good till date becomes good till canceled,
        with LEAN's warning once."""
        require_order_properties(order_properties, "order_properties")
        default = self.default_order_properties
        properties = order_properties or (default.clone() if default is not None else None)
        if at_open_or_close and isinstance(
            getattr(properties, "time_in_force", None), GoodTilDateTimeInForce
        ):
            properties.time_in_force = TimeInForce.GOOD_TIL_CANCELED
            if not self._warned.get("good til date at open or close"):
                self._warned["good til date at open or close"] = True
                self.debug(GOOD_TIL_DATE_AT_OPEN_OR_CLOSE_WARNING)
        return properties

    def _security_for_order(self, symbol: Any) -> Security:
        key = symbol_key(symbol)
        if key not in self.securities:
            if not isinstance(symbol, Symbol) and isinstance(symbol, str):
                return self._custom_data_security(symbol)
            if isinstance(symbol, Symbol) and symbol.security_type == SecurityType.BASE:
                return self._custom_data_security(symbol.value)  # e.g. converted to MOO
        return self.securities[key]

    def _custom_data_security(self, ticker: str) -> Security:
        """What LEAN orders for a ticker string the algorithm never added. Its implicit
        conversion looks the ticker up in the SymbolCache (the tickers added) and otherwise
        makes a custom-data symbol (``SecurityType.BASE``); ``GetSecurityForOrder`` adds
        that security at the universe settings' resolution, and as its data never arrives
        the order is refused: SECURITY_PRICE_ZERO, an invalid ticket. The runner refuses
        the order the same way and keeps no such security (it simulates no custom data)."""
        if not ticker.strip():
            raise ValueError("a ticker cannot be empty")
        symbol = Symbol(SecurityIdentifier(ticker, 0), ticker)
        return Security(symbol, self.universe_settings.resolution, False)

    def _within_market_on_close_buffer(self) -> bool:
        """True when a MarketOnClose order placed now would be too late for the next close."""
        next_close = self._ctx.calendar.next_close_after(self.time)
        return self.time > next_close - MarketOnCloseOrder.submission_time_buffer

    def _submit(
        self,
        order_type: OrderType,
        security: Security,
        quantity: Any,
        tag: str,
        asynchronous: bool = False,
        trailing_as_percentage: bool = False,
        properties: OrderProperties | None = None,
        **prices: float,
    ) -> OrderTicket:
        """Run LEAN's pre-order checks, then hand the order to the transaction handler."""
        if isinstance(quantity, bool) or not isinstance(quantity, int | float):
            raise TypeError(f"an order needs a number of shares, got {quantity!r}")
        if not math.isfinite(quantity):
            raise ValueError(f"an order needs a finite number of shares, got {quantity!r}")
        for name, price in prices.items():
            if isinstance(price, bool) or not isinstance(price, int | float):
                raise TypeError(f"{name} must be a number, got {price!r}")
            if not math.isfinite(price):
                raise ValueError(f"{name} must be a finite number, got {price!r}")
        request = SubmitOrderRequest(
            order_type=order_type,
            security_type=security.symbol.security_type,
            symbol=security.symbol,
            quantity=float(math.trunc(quantity)),  # rounded toward zero to whole shares
            stop_price=prices.get("stop_price", 0.0),
            limit_price=prices.get("limit_price", 0.0),
            trigger_price=prices.get("trigger_price", 0.0),
            trailing_amount=prices.get("trailing_amount", 0.0),
            trailing_as_percentage=trailing_as_percentage,
            time=self.utc_time,  # request times are UTC, as in LEAN
            tag=tag or "",
            asynchronous=asynchronous,
            properties=properties,
        )
        problem = self._pre_order_check(request, security)
        if problem is not None:
            request.set_response(problem)
            self.error(problem.error_message)
            return OrderTicket(request, None)
        handler = self._ctx.transactions
        if handler is None:
            raise RuntimeError("orders need a backtest: run the algorithm with local_lean")
        return handler.submit(request)

    def _pre_order_check(
        self, request: SubmitOrderRequest, security: Security
    ) -> OrderResponse | None:
        """LEAN's ``PreOrderChecksImpl``, for the cases US equities on daily data meet."""
        codes = OrderResponseErrorCode
        if self.is_warming_up or self._ctx.initializing:
            return OrderResponse(
                0,
                codes.ALGORITHM_WARMING_UP,
                warming_up_message("submit"),
            )
        if request.quantity == 0:
            return OrderResponse(
                0,
                codes.ORDER_QUANTITY_ZERO,
                "Unable to submit order with id 0 that has zero quantity.",
            )
        if not security.is_tradable:
            return OrderResponse(
                0,
                codes.NON_TRADABLE_SECURITY,
                f"The security with symbol '{security.symbol.value}' is marked as non-tradable.",
            )
        if security.price == 0:
            return OrderResponse(0, codes.SECURITY_PRICE_ZERO, zero_price_message(security.symbol))
        if not security.has_data:
            return OrderResponse(
                0,
                codes.SECURITY_HAS_NO_DATA,
                "There is no data for this symbol yet, please check the security.HasData flag "
                "to ensure there is at least one data point.",
            )
        if (
            request.order_type == OrderType.MARKET_ON_CLOSE
            and self._within_market_on_close_buffer()
        ):
            return OrderResponse(
                0,
                codes.MARKET_ON_CLOSE_ORDER_TOO_LATE,
                "MarketOnClose orders must be placed within "
                f"{_timespan_text(MarketOnCloseOrder.submission_time_buffer)} before market "
                "close. Override this TimeSpan buffer by setting "
                "Orders.MarketOnCloseOrder.SubmissionTimeBuffer in QCAlgorithm.Initialize().",
            )
        return None


def _timespan_text(span: dt.timedelta) -> str:
    """.NET's TimeSpan text under a day: hh:mm:ss."""
    seconds = int(span.total_seconds())
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _succeeded(ticket: OrderTicket) -> bool:
    response = ticket.submit_request.response
    return response is not None and response.is_success


__all__ = ["QCAlgorithmTrading"]
