"""The report's charts, drawn with matplotlib as inline SVG (text kept as text, no fonts or
images fetched). Each function takes plain series and returns the ``<svg>`` element."""

from __future__ import annotations

import functools
import io
import itertools
import math
import re
from collections.abc import Callable, Mapping, Sequence

import matplotlib

matplotlib.use("Agg")  # no display: figures are only written to text

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from local_lean.report.performance import DrawdownPeriod  # noqa: E402

STRATEGY = "#1f5fa8"
BENCHMARK = "#8c939b"
LOSS = "#c0392b"
GAIN = "#1e8449"
WIDTH = 10.0  # inches; the page scales the SVG to its column
STYLE = {
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e5e7eb",
    "grid.linewidth": 0.6,
    "axes.edgecolor": "#9ca3af",
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "legend.frameon": False,
    "svg.fonttype": "none",  # text stays text: smaller, sharp, and the page's font
    "text.parse_math": False,  # names come from the algorithm: "$" is a dollar, not TeX
}
_figure_numbers = itertools.count(1)
_PERCENT = FuncFormatter(lambda value, _: f"{value:.0%}" if abs(value) >= 0.1 else f"{value:.1%}")


def _styled(draw: Callable[..., str]) -> Callable[..., str]:
    """Draw within the report's style, leaving matplotlib's global settings alone."""

    @functools.wraps(draw)
    def styled(*args, **kwargs) -> str:
        with plt.rc_context(STYLE):
            return draw(*args, **kwargs)

    return styled


@_styled
def cumulative_returns(strategy: pd.Series, benchmark: pd.Series | None, name: str) -> str:
    figure, axes = _figure(3.2)
    axes.plot(strategy.index, strategy.to_numpy(), color=STRATEGY, linewidth=1.6, label="Strategy")
    if benchmark is not None and len(benchmark):
        axes.plot(benchmark.index, benchmark.to_numpy(), color=BENCHMARK, linewidth=1.2, label=name)
    axes.axhline(0, color="#6b7280", linewidth=0.8)
    axes.yaxis.set_major_formatter(_PERCENT)
    axes.legend(loc="upper left")
    return _svg(figure, axes)


@_styled
def drawdown(underwater: pd.Series, worst: Sequence[DrawdownPeriod]) -> str:
    figure, axes = _figure(2.6)
    axes.fill_between(underwater.index, underwater.to_numpy(), 0, color=LOSS, alpha=0.35, lw=0)
    axes.plot(underwater.index, underwater.to_numpy(), color=LOSS, linewidth=0.9)
    for rank, period in enumerate(worst, start=1):
        axes.axvspan(period.peak, period.end, color="#f59e0b", alpha=0.13, lw=0)
        axes.annotate(
            str(rank),
            (period.trough, -period.depth),
            xytext=(0, -11),
            textcoords="offset points",
            ha="center",
            fontsize=8,
            fontweight="bold",
            color="#92400e",
        )
    axes.yaxis.set_major_formatter(_PERCENT)
    return _svg(figure, axes)


@_styled
def annual_returns(strategy: pd.Series, benchmark: pd.Series | None, name: str) -> str:
    figure, axes = _figure(2.4)
    years = [str(year) for year in strategy.index.year]
    positions = range(len(years))
    width = 0.38 if benchmark is not None else 0.6
    colors = [GAIN if value >= 0 else LOSS for value in strategy.to_numpy()]
    axes.bar([p - width / 2 if benchmark is not None else p for p in positions],
             strategy.to_numpy(), width, color=colors, label="Strategy")  # fmt: skip
    if benchmark is not None:
        values = benchmark.reindex(strategy.index).to_numpy()
        axes.bar([p + width / 2 for p in positions], values, width, color=BENCHMARK, label=name)
        axes.legend(loc="upper left")
    axes.set_xticks(list(positions), years)
    axes.set_xlim(-0.75, max(len(years), 4) - 0.25)  # a few years keep bars of a usual width
    axes.axhline(0, color="#6b7280", linewidth=0.8)
    axes.yaxis.set_major_formatter(_PERCENT)
    return _svg(figure, axes, dates=False)


@_styled
def rolling_line(series: pd.Series, label: str, reference: float) -> str:
    figure, axes = _figure(2.2)
    axes.plot(series.index, series.to_numpy(), color=STRATEGY, linewidth=1.3, label=label)
    axes.axhline(reference, color="#6b7280", linewidth=0.8, linestyle="--")
    axes.legend(loc="upper left")
    return _svg(figure, axes)


@_styled
def exposure(by_security: pd.DataFrame, long: pd.Series, short: pd.Series) -> str:
    figure, (stack, sides) = plt.subplots(
        2, 1, figsize=(WIDTH, 5.2), sharex=True, height_ratios=[3, 1.6], layout="constrained"
    )
    # The securities held longest first, so the lower layers stay steady.
    order = by_security.abs().sum().sort_values(ascending=False).index
    longs, shorts = by_security[order].clip(lower=0), by_security[order].clip(upper=0)
    colors = plt.get_cmap("tab20").colors
    palette = [colors[i % len(colors)] for i in range(len(order))]
    stack.stackplot(by_security.index, longs.T.to_numpy(), labels=list(order), colors=palette,
                    linewidth=0)  # fmt: skip
    if (shorts < 0).any().any():
        stack.stackplot(by_security.index, shorts.T.to_numpy(), colors=palette, linewidth=0)
    stack.set_title("By security (% of portfolio value)", loc="left")
    stack.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), ncol=1 + len(order) // 16,
                 fontsize=7)  # fmt: skip
    sides.plot(long.index, long.to_numpy(), color=GAIN, linewidth=1.2, label="Long")
    sides.plot(short.index, short.to_numpy(), color=LOSS, linewidth=1.2, label="Short")
    sides.plot(long.index, (long + short).to_numpy(), color="#111827", linewidth=0.9, label="Net")
    sides.set_title("Long and short", loc="left")
    sides.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    for axes in (stack, sides):
        axes.yaxis.set_major_formatter(_PERCENT)
    return _svg(figure, sides)


@_styled
def algorithm_chart(series: Mapping[str, tuple[pd.Series, str, int]]) -> str:
    """One chart of the algorithm's own: name -> (values, unit, LEAN series type)."""
    figure, axes = _figure(3.0)
    palette = itertools.cycle([STRATEGY, "#e67e22", GAIN, "#8e44ad", LOSS, BENCHMARK])
    for name, (values, _unit, series_type) in series.items():
        color = next(palette)
        if series_type == 1:  # LEAN's scatter series
            axes.scatter(values.index, values.to_numpy(), s=6, color=color, label=name)
        elif series_type == 3:  # bar
            axes.bar(values.index, values.to_numpy(), color=color, label=name, width=0.8)
        else:
            axes.plot(values.index, values.to_numpy(), color=color, linewidth=1.1, label=name)
    units = {unit for _, unit, _ in series.values() if unit}
    if len(units) == 1:
        axes.set_ylabel(units.pop())
    axes.legend(loc="upper left")
    return _svg(figure, axes)


@_styled
def forecast_ratios(labels: Sequence[str], ratios: Sequence[float]) -> str:
    figure, axes = _figure(2.4)
    colors = [GAIN if ratio < 1 else LOSS for ratio in ratios]
    axes.bar(range(len(ratios)), ratios, color=colors, width=0.7)
    axes.axhline(1.0, color="#111827", linewidth=1.0, linestyle="--")
    low, high = min(ratios), max(ratios)
    margin = max(0.01, (high - low) * 0.3, abs(1 - low) * 0.3, abs(high - 1) * 0.3)
    axes.set_ylim(min(low, 1.0) - margin, max(high, 1.0) + margin)
    step = max(1, math.ceil(len(labels) / 8))  # at most eight labels: they stay apart
    axes.set_xticks(range(0, len(labels), step), list(labels)[::step])
    axes.set_ylabel("RMSE / naive RMSE")
    return _svg(figure, axes, dates=False)


def _figure(height: float) -> tuple[Figure, plt.Axes]:
    figure, axes = plt.subplots(figsize=(WIDTH, height), layout="constrained")
    return figure, axes


def _svg(figure: Figure, axes: plt.Axes, *, dates: bool = True) -> str:
    if dates:
        locator = mdates.AutoDateLocator(maxticks=10)
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    buffer = io.StringIO()
    # A salt per figure keeps the ids of clip paths and markers unique within the page.
    with plt.rc_context({"svg.hashsalt": f"figure{next(_figure_numbers)}"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    return re.sub(r"^.*?(?=<svg)", "", text, flags=re.DOTALL)  # drop the XML prolog
