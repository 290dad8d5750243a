"""What a person reads: the summary JSON and CSV, a table sorted by target, a heatmap, the
overfitting figure, the best set's statistics. The summary files are rewritten after every
finished set, so that they always describe everything finished so far."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from local_lean.optimize.objectives import Target
from local_lean.optimize.overfitting import BacktestOverfitting
from local_lean.optimize.records import COMPLETED, SetResult

SUMMARY_JSON = "optimization-summary.json"
SUMMARY_CSV = "optimization-summary.csv"
HEATMAP_PNG = "heatmap.png"
OVERFITTING_PNG = "overfitting.png"
#: Statistics copied into the CSV beside the target (LEAN's names).
CSV_STATISTICS = ("Sharpe Ratio", "Net Profit", "Drawdown", "Total Orders")
#: Figures of the selection as a whole, in the CSV on the winner's row: (column, summary key,
#: the key of the figure in that entry).
CSV_SELECTION = (
    ("deflated Sharpe", "deflatedSharpe", "value"),
    ("PBO", "probabilityOfBacktestOverfitting", "probability"),
    ("SPA p-value", "superiorPredictiveAbility", "spaPValue"),
    ("Reality Check p-value", "superiorPredictiveAbility", "realityCheckPValue"),
)


def set_json(result: SetResult, output: Path) -> dict[str, Any]:
    return {
        "id": result.id,
        "parameters": result.parameter_set.values,
        "status": result.status,
        "backtestId": result.backtest_id,
        "folder": str(result.folder.relative_to(output)) if result.folder else None,
        "target": _number(result.target),
        "constraintsMet": result.constraints_met,
        "seconds": round(result.seconds, 3),
        "timeBudget": {"leanWouldStop": result.lean_would_stop, "note": result.time_budget_note},
        "error": result.error,
        "statistics": result.statistics,
    }


def write_summary(output: Path, summary: Mapping[str, Any], results: Sequence[SetResult]) -> None:
    """``optimization-summary.json`` (``summary`` plus every set) and ``.csv`` (one row a set),
    each replaced whole, never left half-written."""
    content = dict(summary)
    content["sets"] = [set_json(result, output) for result in sorted(results, key=_by_id)]
    _replace(output / SUMMARY_JSON, json.dumps(content, indent=2) + "\n")
    names = _parameter_names(results)
    rows = [
        ["id", *names, "status", "target", "constraints met", *CSV_STATISTICS]
        + ["seconds", "LEAN would stop", "backtest id", "error"]
        + [column for column, _, _ in CSV_SELECTION]
    ]
    winner = (summary.get("best") or {}).get("id")
    for result in sorted(results, key=_by_id):
        selection = [
            _figure(summary.get(entry), key) if result.id == winner else ""
            for _, entry, key in CSV_SELECTION
        ]
        rows.append(
            [
                str(result.id),
                *(result.parameter_set.values.get(name, "") for name in names),
                result.status,
                "" if result.target is None else str(result.target),
                str(result.constraints_met).lower(),
                *(result.statistics.get(name, "") for name in CSV_STATISTICS),
                f"{result.seconds:.1f}",
                "" if result.lean_would_stop is None else str(result.lean_would_stop).lower(),
                result.backtest_id or "",
                _headline(result.error),
                *selection,
            ]
        )
    temporary = output / (SUMMARY_CSV + ".tmp")
    with temporary.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(rows)
    temporary.replace(output / SUMMARY_CSV)


def ranking_table(results: Sequence[SetResult], target: Target, label: str) -> str:
    """Sets sorted by target, best first; sets that do not count (failed, constraints not met,
    no target) follow in id order."""
    counted = [r for r in results if r.counts]
    counted.sort(key=lambda r: (-r.target if target.direction == "max" else r.target, r.id))
    others = sorted((r for r in results if not r.counts), key=_by_id)
    names = _parameter_names(results)
    header = ["rank", "id", *names, label, "constraints", "time budget", "seconds"]
    rows = []
    for rank, result in enumerate(counted + others, start=1):
        if result.status != COMPLETED:
            verdict = f"failed: {_headline(result.error)}"[:60]
        else:
            verdict = "met" if result.constraints_met else "not met"
        stop = {None: "-", True: "LEAN stops it", False: "ok"}[result.lean_would_stop]
        rows.append(
            [
                str(rank) if result.counts else "-",
                str(result.id),
                *(result.parameter_set.values.get(name, "") for name in names),
                "-" if result.target is None else _short(result.target),
                verdict,
                stop,
                f"{result.seconds:.1f}",
            ]
        )
    return _text_table(header, rows)


def statistics_table(statistics: Mapping[str, str]) -> str:
    return _text_table(["statistic", "value"], [[k, str(v)] for k, v in statistics.items()])


def heatmap_axes(results: Sequence[SetResult]) -> tuple[str, str] | None:
    """The two parameters that took several values, when exactly two did."""
    varying = [n for n in _parameter_names(results) if len(_values_of(results, n)) > 1]
    return (varying[0], varying[1]) if len(varying) == 2 else None


def draw_heatmap(
    results: Sequence[SetResult], target: Target, label: str, path: Path
) -> Path | None:
    """The target over the two varying parameters (the best value where a cell was run more
    than once); blank where no set counts. None when there are not exactly two."""
    axes = heatmap_axes(results)
    if axes is None:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    row_name, column_name = axes
    rows = _values_of(results, row_name)
    columns = _values_of(results, column_name)
    grid = np.full((len(rows), len(columns)), np.nan)
    for result in results:
        if not result.counts:
            continue
        i = rows.index(result.parameter_set.values[row_name])
        j = columns.index(result.parameter_set.values[column_name])
        value = float(result.target)
        if math.isnan(grid[i, j]) or target.better(Decimal(str(grid[i, j])), result.target):
            grid[i, j] = value
    figure, axis = plt.subplots(figsize=(1.2 * len(columns) + 3, 0.8 * len(rows) + 2))
    image = axis.imshow(grid, cmap="viridis", origin="lower", aspect="auto")
    axis.set_xticks(range(len(columns)), labels=columns)
    axis.set_yticks(range(len(rows)), labels=rows)
    axis.set_xlabel(column_name)
    axis.set_ylabel(row_name)
    axis.set_title(f"{label} ({target.direction})")
    for i in range(len(rows)):
        for j in range(len(columns)):
            if not math.isnan(grid[i, j]):
                # Dark text on the bright end of the colour map, light text elsewhere.
                colour = "black" if image.norm(grid[i, j]) > 0.6 else "white"
                axis.text(j, i, f"{grid[i, j]:.3g}", ha="center", va="center", color=colour)
    figure.colorbar(image, ax=axis, label=label)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def draw_overfitting(overfitting: BacktestOverfitting, path: Path) -> Path:
    """Two panels from the CSCV combinations: the histogram of the logits of the in-sample
    winner's out-of-sample rank (PBO is the share at or left of 0), and the winner's
    out-of-sample Sharpe ratio against its in-sample one (the degradation)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    figure, (ranks, degradation) = plt.subplots(1, 2, figsize=(11, 4.2))
    # Ranks are whole numbers (or halves, for ties), so the logits take few values: one bar
    # each, red at or left of 0 (the share PBO counts), blue right of it.
    values, counts = np.unique(np.round(overfitting.logits, 9), return_counts=True)
    width = 0.8 * float(np.min(np.diff(values))) if len(values) > 1 else 0.5
    below = values <= 0
    ranks.bar(values[below], counts[below], width, color="tab:red", label="at or below median")
    ranks.bar(values[~below], counts[~below], width, color="tab:blue", label="above the median")
    ranks.axvline(0, color="black", linewidth=1)
    ranks.set_xlabel("logit of the in-sample winner's out-of-sample rank")
    ranks.set_ylabel("combinations")
    ranks.set_title(
        f"PBO {overfitting.probability:.3f} (S = {overfitting.blocks}, "
        f"{overfitting.combinations:,} combinations)"
    )
    ranks.legend(loc="upper left", fontsize="small")
    inside, outside = overfitting.winner_in_sample, overfitting.winner_out_of_sample
    degradation.scatter(inside, outside, s=4, alpha=0.3, color="tab:blue")
    line = np.linspace(inside.min(), inside.max(), 2)
    fitted = degradation_line(overfitting.degradation_intercept, overfitting.degradation_slope)
    degradation.plot(
        line,
        overfitting.degradation_intercept + overfitting.degradation_slope * line,
        color="tab:red",
        label=f"OOS = {fitted} x IS",
    )
    degradation.axhline(0, color="black", linewidth=1)
    degradation.set_xlabel("in-sample daily Sharpe ratio of the winner")
    degradation.set_ylabel("its out-of-sample daily Sharpe ratio")
    degradation.set_title(f"P(out-of-sample loss) {overfitting.probability_of_loss:.3f}")
    degradation.legend(loc="upper left", fontsize="small")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def degradation_line(intercept: float, slope: float) -> str:
    """ "a + b" or "a - b" (the slope's sign written once), for the degradation's line."""
    sign = "-" if slope < 0 else "+"
    return f"{intercept:.3f} {sign} {abs(slope):.2f}"


def _figure(entry: Any, key: str) -> str:
    value = entry.get(key) if isinstance(entry, Mapping) else None
    return "" if value is None else f"{value:.6g}"


def _values_of(results: Sequence[SetResult], name: str) -> list[str]:
    values = {r.parameter_set.values[name] for r in results if name in r.parameter_set.values}
    return sorted(values, key=_sort_key)


def _sort_key(value: str) -> tuple[int, Any]:
    try:
        return (0, Decimal(value))
    except ArithmeticError:
        return (1, value)


def _parameter_names(results: Sequence[SetResult]) -> list[str]:
    names: list[str] = []
    for result in sorted(results, key=_by_id):
        for name in result.parameter_set.values:
            if name not in names:
                names.append(name)
    return names


def _text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=False)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _headline(error: str | None) -> str:
    if not error:
        return ""
    lines = [line for line in error.strip().splitlines() if line.strip()]
    return lines[0][:200] if lines else ""


def _short(value: Decimal) -> str:
    return f"{float(value):.6g}"


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _by_id(result: SetResult) -> int:
    return result.id


def _replace(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
