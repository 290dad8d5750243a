"""LEAN's namespaces as modules: ``from QuantConnect.X import Y`` gives what AlgorithmImports
gives, ``clr.AddReference`` is harmless, and a name or namespace the runner lacks fails with
an ImportError naming it."""

from __future__ import annotations

import importlib
import importlib.machinery
import sys

import pytest
from runner_helpers import run_algorithm

import local_lean.algorithm_imports as algorithm_imports
from local_lean import lean_namespaces
from local_lean.algorithm import QCAlgorithm, lean_qcalgorithm_names
from local_lean.data.auxiliary import DefaultDataProvider
from local_lean.lean_stubs import stub_tree, stubs_root


@pytest.fixture(autouse=True)
def installed():
    lean_namespaces.install()


NAMESPACES = [
    "QuantConnect",
    "QuantConnect.Algorithm",
    "QuantConnect.Data.Consolidators",
    "QuantConnect.Data.Market",
    "QuantConnect.Indicators",
    "QuantConnect.Orders",
    "QuantConnect.Securities",
]


def test_each_namespace_gives_the_names_algorithm_imports_gives():
    for namespace in NAMESPACES:
        module = importlib.import_module(namespace)
        assert module.__all__ == lean_namespaces.namespace_names(namespace)
        assert module.__all__, namespace
        for name in module.__all__:
            assert getattr(module, name) is getattr(algorithm_imports, name), name
    from QuantConnect.Lean.Engine.DataFeeds import DefaultDataProvider as Provider

    assert Provider is DefaultDataProvider


def test_names_follow_what_the_runner_offers():
    # Every order type, consolidator and model the runner offers is importable where LEAN
    # defines it, without a second list to keep.
    namespace: dict = {}
    exec(
        "from QuantConnect.Orders import StopLimitOrder\n"
        "from QuantConnect.Data.Consolidators import TradeBarConsolidator\n"
        "from QuantConnect.Algorithm import QCAlgorithmFramework",
        namespace,
    )
    assert namespace["StopLimitOrder"] is algorithm_imports.StopLimitOrder
    assert namespace["TradeBarConsolidator"] is algorithm_imports.TradeBarConsolidator
    assert namespace["QCAlgorithmFramework"] is QCAlgorithm


def test_star_imports_and_dotted_imports_work():
    namespace: dict = {}
    exec("from QuantConnect.Orders import *\nimport QuantConnect.Data.Market", namespace)
    assert namespace["OrderStatus"] is algorithm_imports.OrderStatus
    assert namespace["QuantConnect"].Data.Market.TradeBar is algorithm_imports.TradeBar


def test_a_missing_name_or_namespace_fails_naming_it():
    # LEAN has combo orders; the runner does not simulate them.
    with pytest.raises(ImportError, match="cannot import name 'ComboMarketOrder'"):
        exec("from QuantConnect.Orders import ComboMarketOrder", {})
    with pytest.raises(ImportError, match="QuantConnect.Dataa.*LEAN has no such namespace"):
        importlib.import_module("QuantConnect.Dataa")


def test_clr_add_reference_does_nothing():
    import clr

    assert clr.AddReference("System") is None
    assert clr.AddReference("QuantConnect.Algorithm", "QuantConnect.Common") is None


def test_the_stubs_are_still_read_by_path():
    # The QuantConnect modules shadow quantconnect-stubs for imports, not for the runner's
    # reading of LEAN's names.
    assert "QuantConnect" in sys.modules
    assert importlib.machinery.PathFinder.find_spec("QuantConnect") is not None
    lean_qcalgorithm_names.cache_clear()
    stubs_root.cache_clear()
    stub_tree.cache_clear()
    assert "add_forex" in lean_qcalgorithm_names()


class ImportsFromNamespaces(QCAlgorithm):
    def initialize(self) -> None:
        import clr

        clr.AddReference("System")
        from QuantConnect import Resolution
        from QuantConnect.Securities import StandardDeviationOfReturnsVolatilityModel

        self.set_start_date(2021, 1, 4)
        self.set_end_date(2021, 1, 8)
        spy = self.add_equity("SPY", Resolution.DAILY)
        spy.set_volatility_model(StandardDeviationOfReturnsVolatilityModel(3))


def test_an_algorithm_can_import_from_namespaces_while_it_runs():
    algorithm, outcome = run_algorithm(ImportsFromNamespaces)
    assert outcome.succeeded, outcome.runtime_error
    assert algorithm.securities["SPY"].volatility_model.volatility > 0
