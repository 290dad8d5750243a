"""An HTML report of one backtest, drawn from its results files alone.

    python -m local_lean report backtests/2020-12-31_16-00-00

writes ``report.html`` into that folder: one self-contained page (inline styles, inline SVG
charts) with the sections of LEAN's own report. See ``write_report``.
"""

from __future__ import annotations

import os
import tempfile
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
    page = render_report(results)
    # Written beside it, then renamed over it: a report.html that is a symbolic link is
    # replaced by the page, and the file it points to (maybe outside the folder) is untouched.
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=results.folder, prefix=".tmp-report-", delete=False
        ) as temporary:
            temporary.write(page)
        os.chmod(temporary.name, 0o644)  # as a file written in place would be
        os.replace(temporary.name, path)
    except OSError as error:
        raise ReportInputError(
            f"{REPORT_FILE} cannot be written into {results.folder} ({error.strerror or error}): "
            "copy the folder somewhere you can write and run the report there"
        ) from None
    return path


__all__ = ["REPORT_FILE", "ReportInputError", "write_report"]
