"""research.ipynb: saved clean, one parameters cell, and it runs top to bottom in a real kernel.

The notebook runs through nbclient in a real IPython kernel (the same interpreter as pytest),
with small settings injected after its `parameters` cell (the papermill convention), on
local_lean's built-in synthetic market. A cell appended by the test reads the kernel's variables
back as JSON, so the checks compare what the notebook displayed with what it computed.
"""

import json
import math
import os
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "research.ipynb"

# Small enough to run in well under a minute on two cores; test_size stays the post's 20.
SMALL_PARAMETERS = {
    "bars": 110,
    "test_size": 20,
    "lookback": 10,
    "units": 4,
    "layers": 2,
    "dropout": 0.2,
    "epochs": 2,
    "batch_size": 32,
    "seed": 0,
    "train_size": 80,
    "block_size": 20,
    "n_blocks": 3,
    "warm_epochs": 1,
    "retrain_windows": 50,
    "gap": 1,
    "data_folder": None,
}

# Appended after the last cell: prints the computed results as one JSON line.
READ_BACK_SOURCE = """
import json as _json

# Determinism: the same seed and data give the same forecasts.
_again = MyLSTM(**model_params | {"normalization": normalization})
_features, _labels, _, _ = _again.process_data(prices, test_size=test_size)
_again.create_model()
_again.fit_model(_features, _labels)
_same_forecasts = bool(np.array_equal(_again.predict_from_model(test_windows),
                                      test_forecasts["forecast"].to_numpy()))

print("READ_BACK " + _json.dumps({
    "test_forecasts_rows": len(test_forecasts),
    "test_forecasts_columns": list(test_forecasts.columns),
    "test_forecasts_finite": bool(np.isfinite(test_forecasts.to_numpy(dtype=float)).all()),
    "test_dates_are_last_bars": [str(d) for d in test_forecasts.index]
        == [str(d) for d in closes.index[-test_size:]],
    "loss_epochs": len(loss_history["loss"]),
    "metrics": walk_forward_result.metrics.to_dict(orient="index"),
    "scale_free_metrics": scale_free_metrics.to_dict(orient="index"),
    "minmax_metrics": minmax_metrics.to_dict(orient="index"),
    "actual_is_the_holding_return": bool(np.allclose(
        walk_forward_result.forecasts["actual"].to_numpy(),
        (walk_forward_closes.shift(-gap - 1) / walk_forward_closes.shift(-gap) - 1)
        .shift(gap + 1).loc[walk_forward_result.forecasts.index].to_numpy())),
    "walk_forward_forecasts": len(walk_forward_result.forecasts),
    "same_forecasts_when_refitted": _same_forecasts,
}))
"""


def tagged_cells(notebook, tag):
    return [cell for cell in notebook.cells if tag in cell.get("metadata", {}).get("tags", [])]


def inject_parameters(notebook, parameters):
    """Insert a cell that overrides the settings right after the `parameters` cell."""
    (parameters_cell,) = tagged_cells(notebook, "parameters")
    index = notebook.cells.index(parameters_cell)
    source = "\n".join(f"{name} = {value!r}" for name, value in parameters.items())
    injected = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    notebook.cells.insert(index + 1, injected)


def texts_of(cell, mime):
    """Every output of a cell in the given MIME type (stream text counts as text/plain)."""
    found = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream" and mime == "text/plain":
            found.append(output.text)
        elif output.output_type in ("display_data", "execute_result") and mime in output.data:
            found.append(output.data[mime])
    return found


def test_committed_notebook_is_valid_and_saved_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code_cells
    dirty = [i for i, cell in enumerate(code_cells) if cell.outputs or cell.execution_count]
    assert not dirty, f"code cells saved with outputs or execution counts: {dirty}"


def test_notebook_has_exactly_one_parameters_cell_with_every_setting():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    (parameters_cell,) = tagged_cells(notebook, "parameters")
    assert parameters_cell.cell_type == "code"
    assigned = {
        line.split("=")[0].strip()
        for line in parameters_cell.source.splitlines()
        if "=" in line and not line.startswith("#")
    }
    missing = set(SMALL_PARAMETERS) - assigned
    assert not missing, f"settings the test overrides but the parameters cell lacks: {missing}"
    # The post's settings are the defaults.
    defaults = {}
    exec(parameters_cell.source, {}, defaults)
    expected = {"ticker": "SPY", "bars": 1280, "test_size": 20, "lookback": 60, "units": 50}
    expected |= {"layers": 4, "dropout": 0.2, "epochs": 50, "batch_size": 32}
    expected |= {"normalization": "minmax", "train_size": 1260, "data_folder": None}
    assert {name: defaults[name] for name in expected} == expected


def python_kernel_manager(kernels_folder: Path):
    """A kernel manager for a kernelspec that runs this interpreter (sys.executable).

    The python3 kernelspec that `pip install ipykernel` leaves behind runs whichever `python` is
    first on PATH; writing our own spec pins the kernel to the interpreter running the tests.
    """
    from ipykernel.kernelspec import write_kernel_spec
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    write_kernel_spec(kernels_folder / "research-test-python")
    spec_manager = KernelSpecManager(kernel_dirs=[str(kernels_folder)])
    return AsyncKernelManager(kernel_name="research-test-python", kernel_spec_manager=spec_manager)


@pytest.fixture(scope="module")
def kernel_manager(tmp_path_factory):
    """One kernel for the module's notebook runs: each run sets every variable it reads (its
    parameters cell and the injected one first), and a second kernel would import TensorFlow
    again."""
    return python_kernel_manager(tmp_path_factory.mktemp("kernels"))


@pytest.fixture(scope="module")
def executed_notebook(kernel_manager):
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    inject_parameters(notebook, SMALL_PARAMETERS)
    notebook.cells.append(nbformat.v4.new_code_cell(READ_BACK_SOURCE))
    client = NotebookClient(
        notebook,
        km=kernel_manager,
        timeout=600,
        resources={"metadata": {"path": str(ROOT)}},
    )
    # The built-in synthetic market, whatever the machine's environment points at.
    env = {k: v for k, v in os.environ.items() if k != "LOCAL_LEAN_DATA"}
    env |= {"TF_CPP_MIN_LOG_LEVEL": "2", "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    client.execute(env=env)  # raises CellExecutionError on the first failing cell
    read_back_text = "".join(texts_of(notebook.cells[-1], "text/plain"))
    (line,) = [x for x in read_back_text.splitlines() if x.startswith("READ_BACK ")]
    return notebook, json.loads(line.removeprefix("READ_BACK "))


def test_notebook_runs_without_errors(executed_notebook):
    notebook, _ = executed_notebook
    errors = [
        (i, output.ename, output.evalue)
        for i, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert not errors


def test_post_experiment_forecasts_the_twenty_test_days(executed_notebook):
    notebook, results = executed_notebook
    assert results["test_forecasts_rows"] == 20
    assert results["test_dates_are_last_bars"]
    assert results["test_forecasts_finite"]
    assert {"actual", "forecast", "naive"} <= set(results["test_forecasts_columns"])
    (table_cell,) = tagged_cells(notebook, "test-forecasts")
    assert texts_of(table_cell, "text/html"), "the forecasts table is displayed"
    assert results["loss_epochs"] == SMALL_PARAMETERS["epochs"]


def test_same_seed_and_data_give_the_same_forecasts(executed_notebook):
    _, results = executed_notebook
    assert results["same_forecasts_when_refitted"]


@pytest.mark.parametrize("tag", ["forecast-plot", "loss-curve", "error-plot", "normalization-plot"])
def test_each_figure_is_drawn(executed_notebook, tag):
    notebook, _ = executed_notebook
    (cell,) = tagged_cells(notebook, tag)
    assert texts_of(cell, "image/png"), f"no figure in the cell tagged {tag}"


def test_walk_forward_metrics_cover_model_naive_and_always_up(executed_notebook):
    notebook, results = executed_notebook
    expected_forecasts = SMALL_PARAMETERS["n_blocks"] * SMALL_PARAMETERS["block_size"]
    assert results["walk_forward_forecasts"] == expected_forecasts
    assert results["actual_is_the_holding_return"]
    for metrics in (results["metrics"], results["scale_free_metrics"], results["minmax_metrics"]):
        assert {"model", "naive", "always up"} <= set(metrics)
        for row in ("model", "naive"):
            assert metrics[row]["n"] == expected_forecasts
            assert metrics[row]["rmse"] > 0
            assert metrics[row]["mae"] > 0
        for row in ("model", "always up"):
            assert 0 <= metrics[row]["direction_ci_low"] <= metrics[row]["directional_accuracy"]
            assert metrics[row]["directional_accuracy"] <= metrics[row]["direction_ci_high"] <= 1
    (table_cell,) = tagged_cells(notebook, "walk-forward-metrics")
    assert texts_of(table_cell, "text/html"), "the metrics table is displayed"


def percent(value):
    return f"{value:.1%}"


def test_conclusion_states_the_computed_numbers(executed_notebook):
    notebook, results = executed_notebook
    (cell,) = tagged_cells(notebook, "conclusion")
    (conclusion,) = texts_of(cell, "text/markdown")
    model, naive = results["metrics"]["model"], results["metrics"]["naive"]
    always_up = results["metrics"]["always up"]
    scale_free = results["scale_free_metrics"]["model"]
    post_naive = results["minmax_metrics"]["naive"]
    expected = [
        f"{model['rmse']:.5f}",
        f"{naive['rmse']:.5f}",
        f"{model['rmse'] / naive['rmse']:.3f}",
        f"{model['mae']:.5f}",
        f"{naive['mae']:.5f}",
        f"{model['dm_statistic']:.2f}",
        f"p = {model['dm_p_value']:.3f}",
        percent(model["directional_accuracy"]),
        percent(model["direction_ci_low"]),
        percent(model["direction_ci_high"]),
        percent(always_up["directional_accuracy"]),
        f"{scale_free['rmse'] / post_naive['rmse']:.3f}",
        str(int(model["n"])),
    ]
    missing = [text for text in expected if text not in conclusion]
    assert not missing, f"numbers missing from the conclusion: {missing}\n{conclusion}"
    # The verdict follows the numbers, whichever way they fall.
    beats = model["rmse"] < naive["rmse"]
    assert ("does not beat the naive forecast" in conclusion) is (not beats)
    assert not math.isnan(model["rmse"])


LEAN_DATA = ROOT.parent / "shared" / "data" / "lean"


@pytest.mark.skipif(not LEAN_DATA.is_dir(), reason=f"no LEAN data folder at {LEAN_DATA}")
def test_notebook_loads_bars_from_a_lean_data_folder(kernel_manager):
    """The settings, setup and data cells only (no training): real SPY bars from LEAN files."""
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    (data_cell,) = tagged_cells(notebook, "load-data")
    notebook.cells = notebook.cells[: notebook.cells.index(data_cell) + 1]
    inject_parameters(notebook, {"data_folder": str(LEAN_DATA)})
    # The module's kernel may have run the whole notebook: empty its namespace, as a new
    # kernel's is (a QuantBook left defined would read as QuantConnect's own), keeping only
    # the imported modules.
    notebook.cells.insert(0, nbformat.v4.new_code_cell("%reset -f"))
    notebook.cells.append(
        nbformat.v4.new_code_cell(
            'print("READ_BACK", len(closes), closes.index[-1].date(), float(closes.iloc[-1]))'
        )
    )
    client = NotebookClient(
        notebook,
        km=kernel_manager,
        timeout=300,
        resources={"metadata": {"path": str(ROOT)}},
    )
    client.execute(env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    read_back = "".join(texts_of(notebook.cells[-1], "text/plain"))
    (line,) = [x for x in read_back.splitlines() if x.startswith("READ_BACK ")]
    _, count, last_day, last_close = line.split()
    assert int(count) == 1280
    assert last_day == "2021-03-31"  # the folder's last SPY bar
    assert 300 < float(last_close) < 450  # SPY closed near 396 that day
    assert f"of SPY from the data in {LEAN_DATA}" in "".join(texts_of(data_cell, "text/plain"))


def test_kernel_runs_this_interpreter(tmp_path):
    manager = python_kernel_manager(tmp_path)
    assert manager.kernel_spec.argv[0] == sys.executable
