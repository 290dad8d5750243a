"""One PNG per chart, drawn without a display."""

import datetime

import matplotlib.image
import numpy as np

from local_lean.charts import draw_chart_png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _days(count):
    start = datetime.datetime(2021, 1, 4, 16)
    return [start + datetime.timedelta(days=i) for i in range(count)]


def test_chart_is_a_valid_png_with_drawn_content(tmp_path):
    times = _days(60)
    path = tmp_path / "nested" / "Forecast.png"
    draw_chart_png(
        "Forecast",
        {
            "SPY forecast": [(t, 370 + i * 0.5) for i, t in enumerate(times)],
            "SPY close": [(t, 370 + np.sin(i / 5) * 4) for i, t in enumerate(times)],
        },
        path,
        units={"SPY forecast": "$", "SPY close": "$"},
    )
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    pixels = matplotlib.image.imread(path)
    height, width = pixels.shape[:2]
    assert (width, height) == (1100, 500)
    assert pixels[..., :3].std() > 0.05  # not a blank canvas


def test_missing_and_non_finite_points_are_left_out(tmp_path):
    times = _days(5)
    path = tmp_path / "gaps.png"
    values = [1.0, float("nan"), None, float("inf"), 2.0]
    draw_chart_png("Gaps", {"series": list(zip(times, values, strict=True))}, path)
    assert path.read_bytes()[:8] == PNG_SIGNATURE


def test_a_chart_without_points_still_gives_a_png(tmp_path):
    path = tmp_path / "empty.png"
    draw_chart_png("Empty", {"nothing": []}, path)
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    assert matplotlib.image.imread(path).shape[:2] == (500, 1100)
