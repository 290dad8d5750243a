"""LEAN's Python module paths for framework models (``from Portfolio.X import X``)."""

from __future__ import annotations

import importlib
import sys

import pytest
from runner_helpers import run_algorithm

from local_lean.framework.lean_modules import (
    MODULE_CLASSES,
    PACKAGES,
    install_lean_modules,
    runner_class,
)
from local_lean.loader import load_algorithm_class


@pytest.fixture(autouse=True)
def installed():
    install_lean_modules()


def test_every_table_entry_is_a_module_holding_the_runners_class_under_leans_name():
    for module_path in MODULE_CLASSES:
        package, _, name = module_path.partition(".")
        assert package in PACKAGES
        module = importlib.import_module(module_path)
        assert getattr(module, name) is runner_class(module_path)
        assert runner_class(module_path).__name__ == name
        assert module.__all__ == [name]


def test_from_import_gives_the_same_class_as_algorithm_imports():
    from Alphas.ConstantAlphaModel import ConstantAlphaModel
    from Execution.ImmediateExecutionModel import ImmediateExecutionModel
    from Portfolio.EqualWeightingPortfolioConstructionModel import (
        EqualWeightingPortfolioConstructionModel,
    )
    from Risk.MaximumDrawdownPercentPerSecurity import MaximumDrawdownPercentPerSecurity
    from Selection.ManualUniverseSelectionModel import ManualUniverseSelectionModel

    import local_lean.algorithm_imports as imports

    assert ConstantAlphaModel is imports.ConstantAlphaModel
    assert ImmediateExecutionModel is imports.ImmediateExecutionModel
    assert (
        EqualWeightingPortfolioConstructionModel is imports.EqualWeightingPortfolioConstructionModel
    )
    assert MaximumDrawdownPercentPerSecurity is imports.MaximumDrawdownPercentPerSecurity
    assert ManualUniverseSelectionModel is imports.ManualUniverseSelectionModel


def test_a_module_the_runner_lacks_fails_naming_it_and_saying_so():
    name = "Portfolio.BlackLittermanOptimizationPortfolioConstructionModel"
    with pytest.raises(ModuleNotFoundError, match=name) as caught:
        importlib.import_module(name)
    assert "local_lean does not provide" in str(caught.value)
    assert caught.value.name == name
    with pytest.raises(ImportError, match="Alphas.NoSuchAlphaModel"):
        exec("from Alphas.NoSuchAlphaModel import NoSuchAlphaModel", {})


def test_other_modules_are_untouched():
    with pytest.raises(ModuleNotFoundError, match="No module named 'NotAFrameworkPackage'"):
        importlib.import_module("NotAFrameworkPackage.Model")


def test_installing_twice_keeps_one_finder():
    install_lean_modules()
    install_lean_modules()
    finders = [f for f in sys.meta_path if type(f).__name__ == "_UnprovidedModules"]
    assert len(finders) == 1


def test_an_algorithm_file_imports_them_when_loaded(tmp_path):
    source = tmp_path / "uses_modules.py"
    source.write_text(
        "from AlgorithmImports import *\n"
        "from Risk.NullRiskManagementModel import NullRiskManagementModel\n"
        "from Alphas.NullAlphaModel import NullAlphaModel\n\n"
        "class UsesModules(QCAlgorithm):\n"
        "    def initialize(self):\n"
        "        self.set_start_date(2021, 3, 1)\n"
        "        self.set_end_date(2021, 3, 5)\n"
        "        self.add_equity('SPY', Resolution.DAILY)\n"
        "        self.set_alpha(NullAlphaModel())\n"
        "        self.set_risk_management(NullRiskManagementModel())\n"
    )
    algorithm, outcome = run_algorithm(load_algorithm_class(source))
    assert outcome.succeeded, outcome.runtime_error
    assert type(algorithm.alpha).__name__ == "NullAlphaModel"
