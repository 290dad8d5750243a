"""Holdings over time, rebuilt from the fills and the prices the results files record.

The results hold no daily positions, so they are replayed: each fill changes a security's
quantity and the cash (less its fee). Each holding is valued at the last price the results
record for that security at or before the day (fill prices, the insights' prices at emission
and at close, the benchmark chart for the benchmark's ticker); the rebuilt portfolio's value
is compared with LEAN's equity curve, and the report prints the largest difference so that a
reader can judge the rebuild.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from local_lean.conventions import NEW_YORK

FILLED_STATUSES = {"filled", "partiallyfilled", "2", "3"}  # LEAN's names and enum values


@dataclass(frozen=True)
class Fill:
    time: pd.Timestamp  # New York time, naive
    symbol: str
    quantity: float
    price: float
    fee: float


@dataclass
class Exposure:
    """Signed market value of each security as a fraction of the portfolio value, per day."""

    by_security: pd.DataFrame  # index: equity dates; columns: tickers
    rebuilt_equity: pd.Series  # cash plus holdings at the recorded prices
    largest_equity_difference: float  # max |rebuilt / LEAN's equity - 1|

    @property
    def long(self) -> pd.Series:
        return self.by_security.clip(lower=0).sum(axis=1)

    @property
    def short(self) -> pd.Series:
        return self.by_security.clip(upper=0).sum(axis=1)


def fills_from_order_events(events: Iterable[Mapping[str, Any]]) -> list[Fill]:
    """Fills of LEAN's order events (``<id>-order-events.json``): status filled or partly."""
    fills = []
    for event in events:
        if str(event.get("status", "")).lower() not in FILLED_STATUSES:
            continue
        quantity = _number(event.get("fillQuantity", event.get("quantity")))
        price = _number(event.get("fillPrice"))
        time = _number(event.get("time"))
        symbol = _ticker(event.get("symbolValue", event.get("symbol")))
        if None in (quantity, price, time) or symbol is None or quantity == 0:
            continue
        fee = _number(event.get("fee", event.get("orderFeeAmount"))) or 0.0
        fills.append(Fill(_from_unix(time), symbol, quantity, price, abs(fee)))
    return sorted(fills, key=lambda fill: fill.time)


def fills_from_orders(orders: Mapping[str, Mapping[str, Any]]) -> list[Fill]:
    """Fills of the result's "orders" (one per filled order, at its average price), for results
    without an order-events file."""
    fills = []
    for order in orders.values():
        if str(order.get("status", "")).lower() not in FILLED_STATUSES:
            continue
        quantity, price = _number(order.get("quantity")), _number(order.get("price"))
        stamp = order.get("lastFillTime") or order.get("fillTime") or order.get("time")
        symbol = _ticker(order.get("symbol"))
        if None in (quantity, price) or symbol is None or not isinstance(stamp, str):
            continue
        time = pd.Timestamp(stamp).tz_convert(NEW_YORK).tz_localize(None)
        fee = _number(order.get("fee")) or 0.0
        fills.append(Fill(time, symbol, quantity, price, abs(fee)))
    return sorted(fills, key=lambda fill: fill.time)


def recorded_prices(
    fills: Iterable[Fill],
    insights: Iterable[Mapping[str, Any]],
    daily: Mapping[str, pd.Series] | None = None,
) -> dict[str, pd.Series]:
    """Every price the results record, per ticker, in time order: fills, insights, and
    ``daily`` series (the benchmark chart holds its ticker's price at every sample)."""
    points: dict[str, list[tuple[pd.Timestamp, float]]] = {}
    for fill in fills:
        points.setdefault(fill.symbol, []).append((fill.time, fill.price))
    for insight in insights:
        symbol = _ticker(insight.get("ticker") or insight.get("symbol"))
        if symbol is None:
            continue
        for time_key, price_key in (
            ("generatedTime", "reference"),
            ("closeTime", "referenceValueFinal"),
        ):
            time, price = _number(insight.get(time_key)), _number(insight.get(price_key))
            if time is not None and price is not None and price > 0:
                points.setdefault(symbol, []).append((_from_unix(time), price))
    # Last, so that it wins a tie: on daily data LEAN stamps a fill at the close of the session
    # whose bar fills it, when the price is that close, not the fill's (open) price.
    for symbol, series in (daily or {}).items():
        points.setdefault(symbol, []).extend(zip(series.index, series.to_numpy(), strict=True))
    prices = {}
    for symbol, pairs in points.items():
        series = pd.Series([p for _, p in pairs], index=pd.DatetimeIndex([t for t, _ in pairs]))
        prices[symbol] = series.sort_index(kind="stable")
    return prices


def rebuild_exposure(
    fills: list[Fill],
    prices: Mapping[str, pd.Series],
    equity: pd.Series,
    starting_capital: float,
) -> Exposure:
    """Replay the fills and value the holdings at each point of LEAN's equity curve."""
    symbols = sorted({fill.symbol for fill in fills})
    dates = equity.index
    fill_frame = pd.DataFrame(
        {
            "time": [fill.time for fill in fills],
            "symbol": [fill.symbol for fill in fills],
            "quantity": [fill.quantity for fill in fills],
            "cash": [-fill.quantity * fill.price - fill.fee for fill in fills],
        }
    )
    # Position of each fill among the equity points: the first point at or after it.
    slot = dates.searchsorted(pd.DatetimeIndex(fill_frame["time"]), side="left")
    fill_frame["date"] = [dates[min(i, len(dates) - 1)] for i in slot]
    quantities = (
        fill_frame.pivot_table(index="date", columns="symbol", values="quantity", aggfunc="sum")
        .reindex(index=dates, columns=symbols, fill_value=0.0)
        .fillna(0.0)
        .cumsum()
    )
    cash = (
        starting_capital
        + fill_frame.groupby("date")["cash"].sum().reindex(dates).fillna(0.0).cumsum()
    )
    marks = pd.DataFrame(
        {symbol: _last_known(prices.get(symbol), dates) for symbol in symbols}, index=dates
    )
    values = (quantities * marks).fillna(0.0)
    rebuilt = cash + values.sum(axis=1)
    by_security = values.div(equity.replace(0.0, math.nan), axis=0).fillna(0.0)
    difference = (rebuilt / equity - 1.0).abs().max() if len(equity) else math.nan
    return Exposure(by_security, rebuilt, float(difference))


def _last_known(prices: pd.Series | None, dates: pd.DatetimeIndex) -> pd.Series:
    if prices is None or prices.empty:
        return pd.Series(math.nan, index=dates)
    latest = prices[~prices.index.duplicated(keep="last")]
    return latest.reindex(latest.index.union(dates)).ffill().reindex(dates)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _ticker(symbol: Any) -> str | None:
    """A ticker from LEAN's symbol forms: "SPY", "SPY R735QTJ8XC9X", {"value": "SPY", ...}."""
    if isinstance(symbol, Mapping):
        symbol = symbol.get("value") or symbol.get("Value") or symbol.get("permtick")
    if not isinstance(symbol, str) or not symbol.strip():
        return None
    return symbol.split()[0]


def _from_unix(seconds: float) -> pd.Timestamp:
    stamp = datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
    return pd.Timestamp(stamp).tz_convert(NEW_YORK).tz_localize(None)
