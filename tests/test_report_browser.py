"""The report of a real main.py backtest, opened in headless Chromium (skips without one)."""

from __future__ import annotations

import pytest

from local_lean.report.browser import BrowserUnavailableError, find_browser, open_page
from tests.report_helpers import SECTIONS, main_result

BLANK_PAGE = "<!DOCTYPE html><html><head><title>blank</title></head><body></body></html>"


@pytest.fixture(scope="module")
def report_in_browser(request):
    """main.py's report open in the browser, with its results folder."""
    try:
        find_browser()
    except BrowserUnavailableError as error:
        pytest.skip(f"no headless browser: {error}")
    folder = request.getfixturevalue("tiny_main_report_folder")
    visit = open_page(folder / "report.html")
    yield visit, folder
    visit.close()


def test_the_page_loads_without_console_errors(report_in_browser):
    visit, _ = report_in_browser
    problems = [m for m in visit.console_messages() if m["level"] in ("SEVERE", "WARNING")]
    assert problems == []


def test_no_request_leaves_the_file(report_in_browser):
    visit, folder = report_in_browser
    assert visit.requested_urls() == [(folder / "report.html").resolve().as_uri()]


def test_every_section_is_on_the_page_with_its_charts(report_in_browser):
    visit, _ = report_in_browser
    driver = visit.driver
    sections = driver.execute_script(
        "return [...document.querySelectorAll('section')].map(s => "
        "[s.id, s.getBoundingClientRect().height, s.querySelectorAll('svg').length])"
    )
    assert [section_id for section_id, _, _ in sections] == (
        SECTIONS[:8] + ["forecasts"] + SECTIONS[8:]
    )
    assert all(height > 80 for _, height, _ in sections)
    charts = {section_id: count for section_id, _, count in sections}
    for section_id in ("cumulative-returns", "drawdown", "annual-returns", "exposure"):
        assert charts[section_id] == 1, section_id
    assert charts["algorithm-charts"] == 1, "main.py's Prediction Plot"
    assert charts["forecasts"] == 1
    widths = driver.execute_script(
        "return [...document.querySelectorAll('figure svg')]"
        ".map(svg => svg.getBoundingClientRect().width)"
    )
    assert min(widths) > 600, "charts fill their column"


def test_the_statistics_shown_are_the_results_json(report_in_browser):
    visit, folder = report_in_browser
    shown = visit.driver.execute_script(
        "const out = {};"
        "for (const table of document.querySelectorAll('table[data-statistics]')) {"
        "  out[table.dataset.statistics] = [...table.querySelectorAll('td[data-statistic]')]"
        "    .map(td => [td.dataset.statistic, td.innerText]); }"
        "return out;"
    )
    result = main_result(folder)
    for key in ("statistics", "runtimeStatistics"):
        assert shown[key] == [[name, value] for name, value in result[key].items()]


def test_a_full_page_screenshot_shows_more_than_a_blank_page(report_in_browser, tmp_path):
    visit, _ = report_in_browser
    report_png = visit.screenshot(tmp_path / "report.png")
    blank = tmp_path / "blank.html"
    blank.write_text(BLANK_PAGE)
    blank_visit = open_page(blank)
    try:
        blank_png = blank_visit.screenshot(tmp_path / "blank.png")
    finally:
        blank_visit.close()
    assert report_png.stat().st_size > 20 * blank_png.stat().st_size
