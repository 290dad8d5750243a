"""Chart names are the algorithm's free text: each chart keeps its own PNG whatever its name
("Risk/Return" and "Risk Return", 300 characters), and "$" or TeX-like text in a name or a
series is drawn as plain text, in the PNGs and in the report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from local_lean.charts import draw_chart_png
from local_lean.cli import main
from local_lean.report import figures
from local_lean.results import chart_file_names

TEX_LIKE = r"cost in $\mathrm{USD}$ vs $\frac{a}$"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_chart_names_that_differ_only_in_unsafe_characters_get_their_own_files():
    names = chart_file_names(["Risk/Return", "Risk Return", "risk-return", "Strategy Equity"])
    assert names == {
        "Risk/Return": "Risk-Return.png",
        "Risk Return": "Risk-Return_2.png",
        "risk-return": "risk-return_3.png",  # a case-insensitive file system would share it
        "Strategy Equity": "Strategy-Equity.png",
    }


def test_a_long_chart_name_gives_a_file_name_the_file_system_accepts():
    (name,) = chart_file_names(["x" * 300]).values()
    assert len(name.encode()) <= 255 and name.endswith(".png")


def test_tex_like_names_are_drawn_as_plain_text(tmp_path):
    times = [dt.datetime(2021, 1, 4) + dt.timedelta(days=day) for day in range(5)]
    path = tmp_path / "chart.png"
    draw_chart_png(TEX_LIKE, {TEX_LIKE: list(zip(times, range(5), strict=True))}, path)
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    values = pd.Series(range(5), index=pd.DatetimeIndex(times), dtype=float)
    svg = figures.algorithm_chart({TEX_LIKE: (values, "$", 0)})
    assert "frac" in svg  # the text itself, not a rendering of it


ALGORITHM = """
from AlgorithmImports import *


class PlotsOddNames(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 1, 29)
        self.add_equity("SPY", Resolution.DAILY)

    def on_data(self, data):
        price = self.securities["SPY"].price
        self.plot("Risk/Return", "a", price)
        self.plot("Risk Return", "b", -price)
        self.plot("L" * 300, "long", price)
        self.plot("Costs", r"{tex}", price / 100)
""".replace("{tex}", TEX_LIKE.replace("\\", "\\\\"))


def test_a_backtest_with_odd_chart_names_writes_every_png_and_the_report(tmp_path, capsys):
    algorithm = tmp_path / "algorithm.py"
    algorithm.write_text(ALGORITHM, encoding="utf-8")
    status = main([str(algorithm), "--output", str(tmp_path), "--no-progress"])
    out = capsys.readouterr().out
    assert status == 0
    (folder,) = (tmp_path / "backtests").iterdir()
    pngs = {path.name: path.read_bytes() for path in folder.glob("*.png")}
    assert {"Risk-Return.png", "Risk-Return_2.png", "Costs.png"} <= set(pngs)
    assert any(name.startswith("LLLL") for name in pngs)
    assert pngs["Risk-Return.png"] != pngs["Risk-Return_2.png"]
    assert all(content.startswith(PNG_SIGNATURE) for content in pngs.values())
    assert Path(folder / "report.html").is_file() and "Report:" in out
