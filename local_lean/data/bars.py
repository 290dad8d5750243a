"""The daily-bar frame every price source returns, and its checks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from local_lean.errors import MalformedDataError

BAR_COLUMNS = ["open", "high", "low", "close", "volume"]
PRICE_COLUMNS = ["open", "high", "low", "close"]


def make_bar_frame(dates: pd.DatetimeIndex, values: np.ndarray) -> pd.DataFrame:
    """A frame indexed by session dates at midnight (index named "date"), float64 columns."""
    index = pd.DatetimeIndex(dates).normalize()
    index.name = "date"
    return pd.DataFrame(np.asarray(values, dtype="float64"), index=index, columns=BAR_COLUMNS)


def check_bar_frame(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    """Sort by date; reject duplicate dates, NaN, infinite and non-positive prices, negative volume.

    `where` names the file the rows came from, for the error message.
    """
    frame = frame.sort_index(kind="stable")
    duplicated = frame.index.duplicated()
    if duplicated.any():
        day = frame.index[duplicated][0].date()
        raise MalformedDataError(f"{where}: the date {day} appears more than once; keep one row")
    prices = frame[PRICE_COLUMNS].to_numpy()
    bad = ~((prices > 0) & np.isfinite(prices))  # also catches NaN
    if bad.any():
        row = int(np.argmax(bad.any(axis=1)))
        raise MalformedDataError(
            f"{where}: the bar of {frame.index[row].date()} has a missing, infinite or "
            f"non-positive price ({dict(frame.iloc[row][PRICE_COLUMNS])}); fix or remove that row"
        )
    volume = frame["volume"].to_numpy()
    bad_volume = ~((volume >= 0) & np.isfinite(volume))
    if bad_volume.any():
        row = int(np.argmax(bad_volume))
        raise MalformedDataError(
            f"{where}: the bar of {frame.index[row].date()} has a missing, infinite or negative "
            "volume; fix or remove that row"
        )
    return frame
