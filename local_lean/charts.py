"""PNG pictures of backtest charts (one file per chart), drawn with matplotlib's Agg backend.

LEAN itself only writes chart data (JSON); QuantConnect's web IDE draws it. These pictures let
a reader without that IDE see the same charts: every series of a chart on shared axes, a title,
a legend, dates on the x axis.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib.dates as mdates
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

Point = tuple[datetime.datetime, float]


def draw_chart_png(
    chart_name: str,
    series: Mapping[str, Sequence[Point]],
    path: Path,
    *,
    units: dict[str, str] | None = None,
) -> None:
    """Draw one chart: each series a line over time, titled ``chart_name``, saved as PNG.

    ``series`` maps a series name to its (time, value) points; points whose value is missing or
    not finite are left out. ``units`` (series name -> "$", "%", ...) labels the y axis when all
    series share one unit. A chart with no points still gives a PNG that says so.
    """
    # Names come from the algorithm: "$" is a dollar, not the start of TeX for matplotlib.
    with rc_context({"text.parse_math": False}):
        _draw(chart_name, series, Path(path), units or {})


def _draw(
    chart_name: str, series: Mapping[str, Sequence[Point]], path: Path, units: dict[str, str]
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure = Figure(figsize=(11, 5), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)  # the Agg canvas: no display and no global pyplot state
    axes = figure.add_subplot()
    drawn = 0
    for name, points in series.items():
        times, values = _finite_points(points)
        if not times:
            continue
        marker = "o" if len(times) < 30 else None
        axes.plot(
            mdates.date2num(times), values, label=name, linewidth=1.4, marker=marker, markersize=3
        )
        drawn += 1
    axes.set_title(chart_name, fontsize=14)
    axes.set_xlabel("Date")
    series_units = {units.get(name, "") for name in series}
    if len(series_units) == 1 and (unit := series_units.pop()):
        axes.set_ylabel(unit)
    if drawn:
        axes.legend(loc="best")
        axes.grid(True, alpha=0.3)
        locator = mdates.AutoDateLocator()
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        axes.ticklabel_format(axis="y", style="plain", useOffset=False)
    else:
        axes.text(0.5, 0.5, "no data", ha="center", va="center", transform=axes.transAxes)
        axes.set_xticks([])
        axes.set_yticks([])
    figure.savefig(path, format="png")


def _finite_points(points: Sequence[Point]) -> tuple[list[datetime.datetime], list[float]]:
    times: list[datetime.datetime] = []
    values: list[float] = []
    for time, value in points:
        if value is None:
            continue
        number = float(value)
        if math.isfinite(number):
            times.append(time)
            values.append(number)
    return times, values
