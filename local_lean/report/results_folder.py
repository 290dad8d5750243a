"""Reading one backtest's results folder, as `python -m local_lean` and `lean backtest` write it.

A folder ``backtests/<yyyy-mm-dd_hh-mm-ss>/`` holds ``<id>.json`` (the full result: charts,
orders, statistics, ...), ``<id>-summary.json``, ``<id>-order-events.json``,
``<id>-insights.json`` and ``log.txt`` (see local_lean/results.py). Only ``<id>.json`` is
required: a report can be drawn without the others, and says which ones it lacked and why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local_lean.errors import LocalLeanError

# Keys a LEAN backtest result always has; a JSON object with none of them came from elsewhere.
RESULT_KEYS = ("charts", "orders", "statistics", "runtimeStatistics", "algorithmConfiguration")


class ReportInputError(LocalLeanError):
    """The folder holds no usable backtest results; the message names the problem and the fix."""


@dataclass
class ResultsFolder:
    """The parsed files of one backtest. Optional files that are absent or unreadable are None,
    with the reason in ``problems`` (file name -> what is wrong)."""

    folder: Path
    backtest_id: str
    result: dict[str, Any]
    summary: dict[str, Any] | None
    order_events: list[dict[str, Any]] | None
    insights: list[dict[str, Any]] | None
    log_lines: list[str] | None
    problems: dict[str, str] = field(default_factory=dict)


def read_results_folder(folder: Path) -> ResultsFolder:
    """Read a backtest folder; raise :class:`ReportInputError` when it holds no usable result."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ReportInputError(
            f"{folder} is not a folder: give a backtest folder, backtests/<yyyy-mm-dd_hh-mm-ss>"
        )
    result_path = _result_file(folder)
    backtest_id = result_path.stem
    result = _read_json(result_path)
    if not isinstance(result, dict) or not any(key in result for key in RESULT_KEYS):
        found = ", ".join(list(result)[:8]) if isinstance(result, dict) else type(result).__name__
        raise ReportInputError(
            f"{result_path} is not a LEAN backtest result: it has none of the keys "
            f"{', '.join(RESULT_KEYS)} (found: {found or 'nothing'}). Give the folder of a "
            "backtest run by `python -m local_lean` or `lean backtest`"
        )

    problems: dict[str, str] = {}
    summary = _optional_json(folder / f"{backtest_id}-summary.json", dict, problems)
    order_events = _optional_json(folder / f"{backtest_id}-order-events.json", list, problems)
    insights = _optional_json(folder / f"{backtest_id}-insights.json", list, problems)
    log_lines = _read_log(folder / "log.txt", problems)
    return ResultsFolder(
        folder, backtest_id, result, summary, order_events, insights, log_lines, problems
    )


def _result_file(folder: Path) -> Path:
    """The ``<id>.json`` of the folder: the one JSON file named by digits only."""
    candidates = sorted(path for path in folder.glob("*.json") if path.stem.isdigit())
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1:
        names = ", ".join(path.name for path in candidates)
        raise ReportInputError(
            f"{folder} holds several backtest results ({names}): give a folder with one, as "
            "each backtest writes its own backtests/<yyyy-mm-dd_hh-mm-ss> folder"
        )
    backtests = folder / "backtests"
    runs = (
        sorted(path for path in backtests.iterdir() if path.is_dir()) if backtests.is_dir() else []
    )
    hint = (
        f"; this looks like a project folder: its latest backtest is {runs[-1]}"
        if runs
        else "; run a backtest first (python -m local_lean main.py) and give its folder, "
        "backtests/<yyyy-mm-dd_hh-mm-ss>"
    )
    raise ReportInputError(f"{folder} holds no backtest results (no <id>.json file){hint}")


def _outside_link(path: Path) -> str | None:
    """Why a file of the folder is not read: a symbolic link may point at any file on the
    machine, and a report must show only the folder's own results."""
    if path.is_symlink():
        return f"{path.name} is a symbolic link; only the folder's own files are read"
    return None


def _read_json(path: Path) -> Any:
    if reason := _outside_link(path):
        raise ReportInputError(f"{path}: {reason}: copy the file itself into the folder")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ReportInputError(f"{path} cannot be read ({error}): check the file") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        where = "it ends early, as a truncated file does" if error.pos >= len(text) - 1 else error
        raise ReportInputError(
            f"{path} is not valid JSON ({where}): the backtest may have been interrupted "
            "while writing it; run the backtest again"
        ) from None


def _optional_json(path: Path, kind: type, problems: dict[str, str]) -> Any:
    if not path.is_file():
        problems[path.name] = "absent"
        return None
    try:
        content = _read_json(path)
    except ReportInputError as error:
        problems[path.name] = str(error)
        return None
    if not isinstance(content, kind):
        problems[path.name] = f"holds a {type(content).__name__}, not a {kind.__name__}"
        return None
    return content


def _read_log(path: Path, problems: dict[str, str]) -> list[str] | None:
    if reason := _outside_link(path):
        problems[path.name] = reason
        return None
    if not path.is_file():
        problems[path.name] = "absent"
        return None
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as error:
        problems[path.name] = f"cannot be read ({error})"
        return None
