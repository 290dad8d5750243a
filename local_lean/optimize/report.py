"""What a person reads: the summary JSON and CSV, a table sorted by target, a heatmap, the best
set's statistics. The summary files are rewritten after every finished set, so that they always
describe everything finished so far."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from local_lean.optimize.objectives import Target
from local_lean.optimize.records import COMPLETED, SetResult

SUMMARY_JSON = "optimization-summary.json"
SUMMARY_CSV = "optimization-summary.csv"
HEATMAP_PNG = "heatmap.png"
#: Statistics copied into the CSV beside the target (LEAN's names).
CSV_STATISTICS = ("Sharpe Ratio", "Net Profit", "Drawdown", "Total Orders")


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
    ]
    for result in sorted(results, key=_by_id):
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
