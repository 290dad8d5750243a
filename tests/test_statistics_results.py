"""``self.statistics`` (LEAN's StatisticsResults) during a run, custom summary statistics
(``set_summary_statistic``), and .NET's Dictionary that LEAN's algorithms import from
``System.Collections.Generic``."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from runner_helpers import run_algorithm

from local_lean import lean_namespaces
from local_lean.algorithm import QCAlgorithm
from local_lean.dotnet_collections import Dictionary, List
from local_lean.enums import OrderStatus, Resolution
from local_lean.key_value import KeyValuePair
from local_lean.results import lean_statistics
from local_lean.statistics_results import PerformanceMetrics, summary_statistic_text

LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"
needs_sample = pytest.mark.skipif(
    not (LEAN_DATA / "equity" / "usa" / "minute" / "spy").is_dir(),
    reason="LEAN's sample data (../shared/data/lean) is not here",
)


class TradesAndReports(QCAlgorithm):
    reads_statistics = True

    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 9)
        self.spy = self.add_equity("SPY", Resolution.MINUTE).symbol
        self.seen_total_orders = []
        self.fills = 0

    def on_data(self, data):
        if self.time.minute % 30 == 0:
            self.set_holdings(self.spy, 0.5 if not self.portfolio.invested else 0)

    def on_order_event(self, order_event):
        if order_event.status != OrderStatus.FILLED:
            return
        self.fills += 1
        if self.reads_statistics:
            summary = self.statistics.summary
            self.seen_total_orders.append(summary[PerformanceMetrics.TOTAL_ORDERS])
            self.first_entry = next(iter(summary))
        self.set_summary_statistic("Fills", self.fills)
        self.set_summary_statistic("Half", 0.5)
        self.set_summary_statistic(PerformanceMetrics.TOTAL_ORDERS, "not LEAN's")


class TradesOnly(TradesAndReports):
    reads_statistics = False


@needs_sample
def test_runtime_statistics_count_the_orders_so_far_and_change_nothing():
    reading, outcome = run_algorithm(TradesAndReports, data=LEAN_DATA)
    assert outcome.runtime_error is None
    # The n-th fill sees n orders (market orders fill as they are placed).
    assert reading.seen_total_orders == [str(n) for n in range(1, reading.fills + 1)]
    assert reading.first_entry == KeyValuePair("Total Orders", str(reading.fills))
    _, quiet = run_algorithm(TradesOnly, data=LEAN_DATA)
    final = lean_statistics(outcome.record)
    assert final == lean_statistics(quiet.record)
    # Custom statistics follow LEAN's; a name LEAN uses keeps LEAN's value.
    assert final["Fills"] == str(reading.fills)
    assert final["Half"] == "0.5"
    assert final["Total Orders"] == str(len(outcome.record.orders))
    names = list(final)
    assert names.index("Fills") > names.index("Drawdown Recovery")


def test_summary_statistic_values_and_reserved_names():
    assert summary_statistic_text("Count", 63) == ("Count", "63")
    assert summary_statistic_text("Ratio", 0.25) == ("Ratio", "0.25")
    assert summary_statistic_text("Name", "IBM") == ("Name", "IBM")
    for reserved in ("0", "42", "100"):
        with pytest.raises(ValueError, match=f"'{reserved}' is a reserved statistic name"):
            summary_statistic_text(reserved, "x")
    assert summary_statistic_text("101", "x") == ("101", "x")
    with pytest.raises(TypeError, match="string, int or float"):
        summary_statistic_text("Flag", True)


def test_dotnet_dictionary_and_list():
    counts = Dictionary[str, int]()
    counts.add("a", 1)
    with pytest.raises(ValueError, match="same key has already been added"):
        counts.add("a", 2)
    assert list(counts) == [KeyValuePair("a", 1)]
    assert counts.contains_key("a") and "a" in counts and counts.count == 1
    assert counts.try_get_value("b") == (False, None)
    assert counts.remove("a") is True and counts.remove("a") is False
    items = List[str]()
    items.add("x")
    assert items.contains("x") and items.count == 1


def test_system_collections_generic_is_importable_and_other_system_names_fail():
    lean_namespaces.install()
    generic = importlib.import_module("System.Collections.Generic")
    assert generic.Dictionary is Dictionary and generic.List is List
    with pytest.raises(ModuleNotFoundError, match="System.Collections.Generic"):
        importlib.import_module("System.Xml")
