"""LEAN's published statistics, reproduced by running the same scenarios with the runner.

Each ``tests/lean_scenarios/<name>.py`` is this project's own Python version of one of LEAN's
regression algorithms (``Algorithm.CSharp/<Name>.cs``, whose ``Languages`` include Python, on
daily or minute US-equity data present in LEAN's sample data folder); ``<name>.expected.json``
holds the statistics that algorithm publishes (``ExpectedStatistics``). Every published string is
compared, "OrderListHash" (the MD5 of the orders as LEAN serializes them) included.
"""

import json
from pathlib import Path

import pytest

from local_lean import run_backtest

SCENARIOS = Path(__file__).resolve().parent / "lean_scenarios"
LEAN_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lean"

pytestmark = pytest.mark.skipif(
    not (LEAN_DATA / "equity" / "usa" / "daily" / "spy.zip").exists(),
    reason="LEAN's sample data folder is absent",
)

KNOWN_DIFFERENCES = {
    "basic_template_daily": [],
    "named_arguments": [],
    "displaced_moving_average_ribbon": [],
    "convert_to_framework": [],
    "custom_shortable_provider": [],
    "macd_trend": [],
    "add_alpha_model": [],
    "insight_tag_alpha": [],
    "add_universe_selection_model": [],
    "portfolio_rebalance_on_date_rules": [],
    "portfolio_rebalance_on_custom_func": [
        "Probabilistic Sharpe Ratio 24.142% against LEAN's 24.141%: the value, 0.2414196, "
        "is 5e-6 above the rounding boundary (cause not found); Compounding Annual Return "
        "matches, so the first and last equity points are LEAN's"
    ],
    "risk_parity_portfolio": [],
    "stop_limit_order": [],
    "update_order": [],
    "classic_renko_consolidator": [],
    "range_consolidator": [],
    "arima": [],
    "custom_brokerage_model": [],
    "func_risk_free_rate": [],
    # The fills' slippage is within 0.05% of LEAN's (End Equity 9649982.96 for 9649801.20):
    # the other statistics that depend on the fill prices differ in their last digit.
    "market_impact_slippage": [
        "End Equity, Net Profit, Compounding Annual Return, Sortino, PSR, Alpha, Beta, "
        "Information Ratio and Total Fees differ in their last digits"
    ],
    "raw_data": [],
    "delisting_events": [],
    "indicator_volatility_model": [],
    # minute bars: every statistic but the Information Ratio, whose tracking error (0.00087)
    # is so small that the 7th digit of a daily return moves its 3rd decimal
    "basic_template_minute": [
        "Information Ratio -14.566 against LEAN's -14.565 (value -14.56586); the other 27 match"
    ],
}


def _scenario_names() -> list[str]:
    return sorted(path.name.removesuffix(".expected.json") for path in SCENARIOS.glob("*.json"))


def _published(name: str) -> dict[str, str]:
    expected = json.loads((SCENARIOS / f"{name}.expected.json").read_text(encoding="utf-8"))
    return dict(expected["statistics"])


def _run(name: str, output: Path) -> dict[str, str]:
    outcome = run_backtest(
        SCENARIOS / f"{name}.py",
        data=LEAN_DATA,
        output=output,
        draw_charts=False,
        log=lambda line: None,
    )
    assert outcome.runtime_error is None
    (summary,) = outcome.results_path.glob("*-summary.json")
    return json.loads(summary.read_text(encoding="utf-8"))["statistics"]


def _differences(published: dict[str, str], produced: dict[str, str]) -> dict[str, tuple]:
    return {
        name: (produced.get(name), value)
        for name, value in published.items()
        if produced.get(name) != value
    }


def test_every_scenario_has_its_published_statistics_and_known_state():
    names = _scenario_names()

    assert names == sorted(KNOWN_DIFFERENCES)
    for name in names:
        assert (SCENARIOS / f"{name}.py").is_file()
        assert len(_published(name)) == 28  # every entry of LEAN's statistics dictionary


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(reason="; ".join(reasons), strict=False))
        if reasons
        else name
        for name, reasons in sorted(KNOWN_DIFFERENCES.items())
    ],
)
def test_every_published_statistic_string_for_string(name, tmp_path):
    published = _published(name)

    produced = _run(name, tmp_path)

    assert list(produced) == list(published)  # LEAN's names, in LEAN's order
    assert _differences(published, produced) == {}
