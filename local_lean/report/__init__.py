"""An HTML report of one backtest, drawn from its results files alone.

    python -m local_lean report backtests/2020-12-31_16-00-00

writes ``report.html`` into that folder: one self-contained page (inline styles, inline SVG
charts) with the sections of LEAN's own report. See ``write_report``.
"""

from __future__ import annotations

from pathlib import Path

from local_lean.report.page import render_report
from local_lean.report.results_folder import ReportInputError, read_results_folder

REPORT_FILE = "report.html"


def write_report(folder: Path) -> Path:
    """Write ``report.html`` into a backtest's results folder and return its path.

    Raises :class:`ReportInputError` when the folder holds no usable results.
    """
    results = read_results_folder(Path(folder))
    path = results.folder / REPORT_FILE
    path.write_text(render_report(results), encoding="utf-8")
    return path


__all__ = ["REPORT_FILE", "ReportInputError", "write_report"]
