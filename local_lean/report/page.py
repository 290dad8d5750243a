"""The report page: what each section shows, gathered from a results folder, then rendered
into one self-contained HTML file (``report.html.j2``: inline styles, inline SVG charts).

Numbers in the "Key statistics" table are LEAN's strings from the results JSON, unchanged.
Every other figure is computed here from the results' series, and its section says so.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

import local_lean.report.figures as figures
from local_lean.report.exposure import (
    fills_from_order_events,
    fills_from_orders,
    rebuild_exposure,
    recorded_prices,
)
from local_lean.report.forecast_log import held_out_reports
from local_lean.report.insight_scores import score_insights
from local_lean.report.performance import (
    ROLLING_BETA_DAYS,
    ROLLING_SHARPE_MONTHS,
    chart_series,
    cumulative_returns,
    daily_returns,
    monthly_return_table,
    period_returns,
    rolling_beta,
    rolling_sharpe,
    underwater,
    with_starting_capital,
    worst_drawdowns,
)
from local_lean.report.results_folder import ResultsFolder

TEMPLATE = Path(__file__).with_name("report.html.j2")
# LEAN's charts that the report redraws in its own sections.
REDRAWN_CHARTS = {"Strategy Equity", "Benchmark", "Drawdown"}
# Charts that LEAN's engine adds by itself; every chart not named here is the algorithm's own.
LEAN_CHARTS = REDRAWN_CHARTS | {
    "Capacity",
    "Portfolio Turnover",
    "Exposure",
    "Assets Sales Volume",
    "Portfolio Margin",
}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
COMPUTED = "Computed by this report from"
ORDER_COLUMNS = ("Id", "Time (UTC)", "Symbol", "Quantity", "Price", "Value", "Fee", "Status", "Tag")


@dataclass
class Section:
    """One section of the page: the template draws the parts that are set."""

    id: str
    title: str
    source: str = ""
    missing: list[str] = field(default_factory=list)  # what the results lack for this section
    figures: list[tuple[str, str]] = field(default_factory=list)  # (caption, svg)
    tables: list[dict[str, Any]] = field(default_factory=list)  # {"caption", "head", "rows"}
    extra: dict[str, Any] = field(default_factory=dict)


def render_report(results: ResultsFolder) -> str:
    """The report's HTML for one results folder."""
    view = _Report(results)
    environment = jinja2.Environment(autoescape=True)
    template = environment.from_string(TEMPLATE.read_text(encoding="utf-8"))
    return template.render(
        title=view.title,
        header=view.header(),
        problems=results.problems,
        sections=view.sections(),
    )


class _Report:
    """Reads a results folder once and builds each section."""

    def __init__(self, results: ResultsFolder) -> None:
        self.results = results
        result = results.result
        self.configuration = _mapping(result.get("algorithmConfiguration"))
        self.state = _mapping(result.get("state"))
        self.charts = _mapping(result.get("charts"))
        self.title = str(self.configuration.get("name") or self.state.get("Name") or "Backtest")
        self.benchmark_name = str(self.configuration.get("benchmark") or "Benchmark")
        self.start = _parse_time(self.configuration.get("startDate"))
        self.equity_chart = chart_series(self.charts, "Strategy Equity", "Equity")
        self.benchmark = chart_series(self.charts, "Benchmark", "Benchmark")
        if self.benchmark is not None and self.benchmark.empty:
            self.benchmark = None
        capital = self.configuration.get("startingCapital")
        self.starting_capital = float(capital) if isinstance(capital, int | float) else None
        equity = self.equity_chart
        self.equity = (
            with_starting_capital(equity, self.starting_capital, self.start)
            if equity is not None
            else None
        )

    # ----- header --------------------------------------------------------------------------

    def header(self) -> dict[str, Any]:
        parameters = _mapping(self.configuration.get("parameters"))
        status = str(self.state.get("Status") or "unknown")
        return {
            "name": self.title,
            "backtest_id": self.results.backtest_id,
            "folder": self.results.folder.name,
            "start": _date_text(self.configuration.get("startDate")),
            "end": _date_text(self.configuration.get("endDate")),
            "benchmark": self.configuration.get("benchmark") or "none",
            "status": status,
            "run_at": self.state.get("StartTime") or "",
            "runtime_error": self.state.get("RuntimeError")
            or self.results.result.get("runtimeError"),
            "stack_trace": self.state.get("StackTrace") or "",
            "parameters": sorted((str(k), str(v)) for k, v in parameters.items()),
        }

    # ----- sections ------------------------------------------------------------------------

    def sections(self) -> list[Section]:
        sections = [
            self.statistics(),
            self.cumulative_returns(),
            self.drawdown(),
            self.monthly_returns(),
            self.annual_returns(),
            self.rolling_statistics(),
            self.exposure(),
            self.algorithm_charts(),
        ]
        # Sections that only some results have data for.
        sections += [section for section in (self.lean_charts(), self.forecasts()) if section]
        sections += [self.insights(), self.orders(), self.time_budget(), self.log()]
        return sections

    def statistics(self) -> Section:
        section = Section(
            "statistics",
            "Key statistics",
            f"LEAN's statistics, as written in {self.results.backtest_id}.json",
        )
        for key, caption in (("statistics", "Statistics"), ("runtimeStatistics", "Runtime")):
            values = self.results.result.get(key)
            if isinstance(values, dict) and values:
                rows = [(str(name), _text(value)) for name, value in values.items()]
                section.tables.append({"caption": caption, "key": key, "rows": rows})
            else:
                section.missing.append(f'The results have no "{key}".')
        return section

    def cumulative_returns(self) -> Section:
        section = Section(
            "cumulative-returns",
            "Cumulative return",
            f'{COMPUTED} the "Strategy Equity" and "Benchmark" charts; the strategy from the '
            "starting capital, the benchmark from its first price.",
        )
        if not self._has_equity(section):
            return section
        strategy = cumulative_returns(self.equity)
        benchmark = cumulative_returns(self.benchmark) if self.benchmark is not None else None
        if benchmark is None:
            section.missing.append("The results have no benchmark chart.")
        section.figures.append(
            ("", figures.cumulative_returns(strategy, benchmark, self.benchmark_name))
        )
        row = [("Strategy", _percent(strategy.iloc[-1]))]
        if benchmark is not None:
            row.append((self.benchmark_name, _percent(benchmark.iloc[-1])))
        section.extra["totals"] = row
        return section

    def drawdown(self) -> Section:
        section = Section(
            "drawdown",
            "Drawdown",
            f'{COMPUTED} the "Strategy Equity" chart: the fall from the running peak; the '
            "five worst periods are shaded and numbered.",
        )
        if not self._has_equity(section):
            return section
        curve = underwater(self.equity)
        worst = worst_drawdowns(self.equity)
        section.figures.append(("", figures.drawdown(curve, worst)))
        rows = [
            (
                str(rank),
                _percent(-period.depth),
                _day(period.peak),
                _day(period.trough),
                _day(period.recovery) if period.recovery is not None else "not recovered",
                str(period.days),
            )
            for rank, period in enumerate(worst, start=1)
        ]
        if rows:
            section.tables.append(
                {
                    "caption": "Worst drawdown periods",
                    "head": ("#", "Depth", "Peak", "Trough", "Recovered", "Days under water"),
                    "rows": rows,
                }
            )
        else:
            section.missing.append("The equity never fell below a previous peak.")
        return section

    def monthly_returns(self) -> Section:
        section = Section(
            "monthly-returns",
            "Monthly returns",
            f'{COMPUTED} the "Strategy Equity" chart: each month\'s equity at its end over the '
            "previous month's end (the starting capital for the first month).",
        )
        if not self._has_equity(section):
            return section
        table = monthly_return_table(self.equity)
        yearly = period_returns(self.equity, "YE")
        largest = max(
            (abs(v) for months in table.values() for v in months if v is not None), default=0
        )
        rows = []
        for year, months in table.items():
            cells = [_heat_cell(value, largest) for value in months]
            total = yearly[yearly.index.year == year]
            rows.append((str(year), cells, _percent(total.iloc[0]) if len(total) else ""))
        section.extra["heatmap"] = {"months": MONTHS, "rows": rows}
        return section

    def annual_returns(self) -> Section:
        section = Section(
            "annual-returns",
            "Annual returns",
            f'{COMPUTED} the "Strategy Equity" and "Benchmark" charts (partial years cover the '
            "backtest's days in them).",
        )
        if not self._has_equity(section):
            return section
        strategy = period_returns(self.equity, "YE")
        benchmark = None
        if self.benchmark is not None:
            benchmark = period_returns(self.benchmark, "YE").reindex(strategy.index)
        section.figures.append(
            ("", figures.annual_returns(strategy, benchmark, self.benchmark_name))
        )
        head = ["Year", "Strategy"] + ([self.benchmark_name] if benchmark is not None else [])
        rows = []
        for end, value in strategy.items():
            row = [str(end.year), _percent(value)]
            if benchmark is not None:
                row.append(_percent(benchmark[end]))
            rows.append(tuple(row))
        section.tables.append({"caption": "", "head": tuple(head), "rows": rows})
        return section

    def rolling_statistics(self) -> Section:
        section = Section(
            "rolling-statistics",
            "Rolling Sharpe ratio and beta",
            f'{COMPUTED} the "Strategy Equity" and "Benchmark" charts, as LEAN\'s report: the '
            f"Sharpe ratio over the trailing {ROLLING_SHARPE_MONTHS} months of daily returns "
            "(LEAN's formula, with a risk-free rate of 0: the results do not record LEAN's "
            f"rate), the beta over the trailing {ROLLING_BETA_DAYS} trading days.",
        )
        if not self._has_equity(section):
            return section
        days = len(daily_returns(self.equity_chart))
        sharpe = rolling_sharpe(self.equity_chart)
        if sharpe.empty:
            section.missing.append(
                f"The rolling Sharpe ratio needs {ROLLING_SHARPE_MONTHS} months of daily "
                f"returns; this backtest has {days} daily returns."
            )
        else:
            section.figures.append(
                (
                    f"Sharpe ratio, trailing {ROLLING_SHARPE_MONTHS} months",
                    figures.rolling_line(sharpe, "Six-month Sharpe ratio", 0.0),
                )
            )
        if self.benchmark is None:
            section.missing.append("The rolling beta needs a benchmark; the results have none.")
            return section
        beta = rolling_beta(self.equity_chart, self.benchmark)
        if beta.empty:
            section.missing.append(
                f"The rolling beta needs {ROLLING_BETA_DAYS} daily returns; this backtest has "
                f"{days}."
            )
        else:
            section.figures.append(
                (
                    f"Beta to {self.benchmark_name}, trailing {ROLLING_BETA_DAYS} trading days",
                    figures.rolling_line(beta, f"Beta to {self.benchmark_name}", 1.0),
                )
            )
        return section

    def exposure(self) -> Section:
        section = Section(
            "exposure",
            "Exposure",
            f"{COMPUTED} the fills (order events) and the prices the results record (fills, "
            "insights, the benchmark chart): the results hold no daily positions, so each "
            "holding is valued at its last recorded price.",
        )
        if not self._has_equity(section):
            return section
        events = self.results.order_events
        if events is not None:
            fills = fills_from_order_events(events)
        else:
            fills = fills_from_orders(_mapping(self.results.result.get("orders")))
            section.source += " The order events file is absent: fills come from the orders."
        if not fills:
            section.missing.append("No order was filled: the portfolio held only cash.")
            return section
        capital = self.starting_capital or float(self.equity_chart.iloc[0])
        daily = {self.benchmark_name: self.benchmark} if self.benchmark is not None else {}
        prices = recorded_prices(fills, self._insights(), daily)
        rebuilt = rebuild_exposure(fills, prices, self.equity_chart, capital)
        frame = rebuilt.by_security
        section.figures.append(("", figures.exposure(frame, rebuilt.long, rebuilt.short)))
        section.extra["check"] = _percent(rebuilt.largest_equity_difference)
        held = frame.ne(0)
        rows = [
            (
                str(symbol),
                str(int(held[symbol].sum())),
                _percent(frame[symbol][held[symbol]].mean() if held[symbol].any() else 0.0),
                _percent(frame[symbol].max()),
                _percent(frame[symbol].min()),
            )
            for symbol in frame.abs().sum().sort_values(ascending=False).index
        ]
        section.tables.append(
            {
                "caption": "By security",
                "head": (
                    "Security",
                    "Days held",
                    "Mean when held",
                    "Largest long",
                    "Largest short",
                ),
                "rows": rows,
            }
        )
        return section

    def algorithm_charts(self) -> Section:
        section = Section(
            "algorithm-charts",
            "The algorithm's charts",
            "The algorithm's own plots (self.plot), from the results' charts.",
        )
        self._draw_charts(section, [name for name in self.charts if name not in LEAN_CHARTS])
        if not section.figures and not section.missing:
            section.missing.append("The algorithm plotted no charts of its own.")
        return section

    def lean_charts(self) -> Section | None:
        """LEAN's charts that no other section draws (capacity, turnover, ...), if any."""
        names = [name for name in self.charts if name in LEAN_CHARTS - REDRAWN_CHARTS]
        if not names:
            return None
        section = Section("lean-charts", "LEAN's other charts", "From the results' charts.")
        self._draw_charts(section, names)
        return section

    def _draw_charts(self, section: Section, chart_names: list[str]) -> None:
        for chart_name in chart_names:
            chart = _mapping(self.charts.get(chart_name))
            series = {}
            for series_name, details in _mapping(chart.get("series")).items():
                values = chart_series(self.charts, chart_name, series_name)
                if values is not None and len(values):
                    details = _mapping(details)
                    kind = details.get("seriesType")
                    series[series_name] = (
                        values,
                        str(details.get("unit") or ""),
                        kind if isinstance(kind, int) else 0,
                    )
            if series:
                section.figures.append((chart_name, figures.algorithm_chart(series)))
            else:
                section.missing.append(f'The chart "{chart_name}" has no points.')

    def forecasts(self) -> Section | None:
        reports = held_out_reports(self.results.log_lines or [])
        if not reports:
            return None
        section = Section(
            "forecasts",
            "Forecasts against the naive forecast",
            "From the log's held-out reports: at each training, the model's RMSE on the "
            "forecasts whose intervals lie in the last closes it did not train on, against the "
            "naive forecast (no move) on the same intervals. Below 1 the model beats it.",
        )
        ratios = [report.ratio for report in reports]
        finite = [ratio for ratio in ratios if math.isfinite(ratio)]
        if finite:
            labels = [report.time[:10] for report in reports if math.isfinite(report.ratio)]
            section.figures.append(("", figures.forecast_ratios(labels, finite)))
        rows = [
            (
                report.time,
                f"{report.key} ({report.ticker})",
                report.mode,
                str(report.days),
                f"{report.rmse:.5g}",
                f"{report.naive_rmse:.5g}",
                f"{report.ratio:.3f}",
            )
            for report in reports
        ]
        section.tables.append(
            {
                "caption": "",
                "head": ("Trained at", "Model", "Training", "Forecasts", "RMSE", "Naive", "Ratio"),
                "rows": rows,
            }
        )
        beaten = sum(ratio < 1 for ratio in finite)
        section.extra["verdict"] = (
            f"The model beat the naive forecast in {beaten} of {len(finite)} trainings."
        )
        return section

    def insights(self) -> Section:
        section = Section(
            "insights",
            "Insights",
            "Outcomes from the results' insights; the hit rate is correct / (correct + "
            'incorrect), over the insights with a direction. "Always up" is computed by this '
            "report: the hit rate a forecast of up every time would have had, over all the "
            "symbol's closed insights (flat ones included).",
        )
        insights = self._insights()
        if not insights:
            section.missing.append("The algorithm emitted no insights.")
            return section
        overall, by_symbol = score_insights(insights)

        def row(score):
            return (
                score.name,
                str(score.total),
                f"{score.up} / {score.flat} / {score.down}",
                str(score.correct),
                str(score.incorrect),
                str(score.still_open),
                _percent(score.hit_rate, 1),
                _percent(score.always_up_rate, 1),
            )

        section.tables.append(
            {
                "caption": "",
                "head": (
                    "Symbol",
                    "Insights",
                    "Up / flat / down",
                    "Correct",
                    "Incorrect",
                    "Open",
                    "Hit rate",
                    "Always up",
                ),
                "rows": [row(score) for score in by_symbol],
                "total": row(overall),
            }
        )
        return section

    def orders(self) -> Section:
        section = Section("orders", "Orders", "The results' orders, as LEAN lists them.")
        orders = _mapping(self.results.result.get("orders"))
        if not orders:
            section.missing.append("The algorithm placed no orders.")
            return section
        rows = []
        for key, order in orders.items():
            order = _mapping(order)
            rows.append(
                (
                    str(order.get("id", key)),
                    _order_time(order.get("time")),
                    _symbol_text(order.get("symbol")),
                    _number_text(order.get("quantity"), 0),
                    _number_text(order.get("price"), 2),
                    _number_text(order.get("value"), 2),
                    _number_text(order.get("fee"), 2),
                    _text(order.get("status")),
                    _text(order.get("tag")),
                )
            )
        section.tables.append(
            {
                "caption": f"{len(rows)} order{'' if len(rows) == 1 else 's'}",
                "head": ORDER_COLUMNS,
                "rows": rows,
                "scroll": True,
            }
        )
        return section

    def time_budget(self) -> Section:
        section = Section(
            "time-budget",
            "Time budget",
            "LEAN's scheduled-event time limits, as the offline runner charged them (the "
            'results\' "time budget").',
        )
        budget = self.results.result.get("time budget")
        if not isinstance(budget, dict):
            section.missing.append(
                'The results have no "time budget" section (LEAN\'s own results do not: its '
                "engine stops an algorithm that runs out of time instead)."
            )
            return section
        stops = bool(budget.get("lean_would_stop"))
        bucket = _mapping(budget.get("bucket"))
        largest = _mapping(budget.get("largest_event"))
        section.extra["verdict"] = {
            "stops": stops,
            "text": f"LEAN would {'' if stops else 'not '}stop this algorithm",
            "first": budget.get("first_violation"),
        }
        facts = [
            ("Scheduled events and trainings", _text(budget.get("event_count"))),
            ("Seconds inside them", _text(budget.get("total_event_seconds"))),
            (
                "Largest",
                f"{largest['name']}: {_text(largest.get('seconds'))} s"
                if largest.get("name")
                else "none",
            ),
            (
                "Bucket, lowest level",
                f"{_text(bucket.get('lowest_minutes'))} of {_text(bucket.get('capacity_minutes'))}"
                " minutes",
            ),
            ("Minutes drawn from the bucket", _text(bucket.get("minutes_drawn"))),
        ]
        section.tables.append({"caption": "", "head": (), "rows": facts})
        events = _mapping(budget.get("events"))
        if events:
            section.tables.append(
                {
                    "caption": "By event",
                    "head": ("Event", "Runs", "Seconds in all", "Longest run (s)"),
                    "rows": [
                        (
                            str(name),
                            _text(_mapping(event).get("count")),
                            _text(_mapping(event).get("total_seconds")),
                            _text(_mapping(event).get("max_seconds")),
                        )
                        for name, event in events.items()
                    ],
                }
            )
        return section

    def log(self) -> Section:
        section = Section("log", "Log", "log.txt, as the backtest wrote it.")
        lines = self.results.log_lines
        if lines is None:
            lines = self.results.result.get("logs")
            if isinstance(lines, list):
                section.source = "The results' logs (log.txt is absent)."
            else:
                section.missing.append("Neither log.txt nor the results' logs are present.")
                return section
        section.extra["log"] = "\n".join(str(line) for line in lines)
        section.extra["lines"] = len(lines)
        return section

    # ----- helpers -------------------------------------------------------------------------

    def _has_equity(self, section: Section) -> bool:
        points = 0 if self.equity_chart is None else len(self.equity_chart)
        if self.equity_chart is None:
            section.missing.append(
                'The results have no "Strategy Equity" chart with an "Equity" series.'
            )
        elif points < 2:
            section.missing.append(
                f"The equity curve has {points} daily sample{'' if points == 1 else 's'}: "
                "this needs at least two."
            )
        return points >= 2

    def _insights(self) -> list[dict[str, Any]]:
        if self.results.insights is not None:
            return self.results.insights
        embedded = _mapping(self.results.result.get("insights")).get("insights")
        return embedded if isinstance(embedded, list) else []


# ----- formatting ------------------------------------------------------------------------------


def _percent(value: float | None, decimals: int = 2) -> str:
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value * 100:.{decimals}f}%"


def _heat_cell(value: float | None, largest: float) -> tuple[str, str]:
    """(text, inline style) of a heatmap cell: green up, red down, stronger further from 0."""
    if value is None:
        return "", ""
    strength = 0.12 + 0.68 * (abs(value) / largest if largest else 0.0)
    color = "30,132,73" if value >= 0 else "192,57,43"
    text_color = "#fff" if strength > 0.5 else "#111827"
    return _percent(value, 1), f"background:rgba({color},{strength:.2f});color:{text_color}"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _number_text(value: Any, decimals: int) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _text(value)
    return f"{value:,.{decimals}f}"


def _symbol_text(symbol: Any) -> str:
    if isinstance(symbol, dict):
        return str(symbol.get("value") or symbol.get("permtick") or symbol)
    return _text(symbol)


def _order_time(value: Any) -> str:
    text = _text(value)
    return text.replace("T", " ").removesuffix("Z")


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _parse_time(value: Any) -> datetime.datetime | None:
    try:
        return pd.Timestamp(str(value)).tz_localize(None).to_pydatetime() if value else None
    except (ValueError, TypeError):
        return None


def _date_text(value: Any) -> str:
    parsed = _parse_time(value)
    return parsed.date().isoformat() if parsed else _text(value)


def _day(time: pd.Timestamp) -> str:
    return time.date().isoformat()
