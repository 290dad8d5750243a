"""Open a report in headless Chromium: what its console said, what it requested, how it looks.

Drives the system's Chromium and chromedriver (Debian: ``apt-get install chromium
chromium-driver``) through selenium, offline. The tests use it to check a report in a real
browser; as a command it writes the screenshot shown in the README::

    python -m local_lean.report.browser backtests/<folder>/report.html docs/report.png
"""

from __future__ import annotations

import argparse
import base64
import io
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
DRIVER = "chromedriver"


class BrowserUnavailableError(RuntimeError):
    """No headless browser can run here; the message says what to install."""


@dataclass
class PageVisit:
    """One page opened in the browser, kept open for checks until ``close``."""

    driver: Any  # selenium.webdriver.Chrome

    def console_messages(self) -> list[dict]:
        """The console's messages since the page opened (level, message)."""
        return self.driver.get_log("browser")

    def requested_urls(self) -> list[str]:
        """Every URL the page asked for, the page itself included."""
        import json

        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
        return urls

    def screenshot(self, path: Path, *, height: int | None = None) -> Path:
        """A PNG of the whole page, or of its top down to the last section that ends within
        ``height`` CSS pixels."""
        metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics["cssContentSize"]
        if height:
            bottoms = self.driver.execute_script(
                "return [...document.querySelectorAll('section')]"
                ".map(s => s.getBoundingClientRect().bottom + window.scrollY)"
            )
            height = max([bottom + 16 for bottom in bottoms if bottom + 16 <= height] or [height])
        clip = {
            "x": 0,
            "y": 0,
            "width": size["width"],
            "height": min(size["height"], height) if height else size["height"],
            "scale": 1,
        }
        shot = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {"format": "png", "captureBeyondViewport": True, "clip": clip},
        )
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def close(self) -> None:
        self.driver.quit()


def find_browser() -> tuple[str, str]:
    """The paths of Chromium and chromedriver; raises BrowserUnavailableError without them."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        raise BrowserUnavailableError("selenium is not installed: pip install selenium") from None
    browser = next((path for name in BROWSERS if (path := shutil.which(name))), None)
    driver_path = shutil.which(DRIVER)
    if browser is None or driver_path is None:
        raise BrowserUnavailableError(
            "no Chromium with chromedriver here: apt-get install chromium chromium-driver"
        )
    return browser, driver_path


def open_page(page: Path, width: int = 1280) -> PageVisit:
    """Open a local HTML file in headless Chromium, logging its console and its requests."""
    browser, driver_path = find_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={width},1000", "--hide-scrollbars"):  # fmt: skip
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # The system chromedriver, named: selenium would otherwise look one up online.
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.get(Path(page).resolve().as_uri())
    return PageVisit(driver)


def small_png(source: Path, destination: Path, colors: int = 128) -> Path:
    """A palette PNG of a screenshot: a fraction of the size, the same look for a page."""
    from PIL import Image

    with Image.open(source) as image:
        quantized = image.convert("RGB").quantize(colors=colors, dither=Image.Dither.NONE)
        buffer = io.BytesIO()
        quantized.save(buffer, format="PNG", optimize=True)
    destination.write_bytes(buffer.getvalue())
    return destination


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m local_lean.report.browser",
        description="Screenshot a report's top in headless Chromium, as a small PNG.",
    )
    parser.add_argument("report", type=Path, help="a report.html")
    parser.add_argument("png", type=Path, help="where to write the picture")
    parser.add_argument(
        "--height", type=int, default=2400, help="at most this many CSS pixels from the top"
    )
    args = parser.parse_args(argv)
    if not args.report.is_file():
        parser.error(f"{args.report} does not exist: give a report.html")
    try:
        visit = open_page(args.report)
    except BrowserUnavailableError as error:
        parser.error(str(error))
    try:
        full = args.png.with_suffix(".full.png")
        visit.screenshot(full, height=args.height)
        small_png(full, args.png)
        full.unlink()
    finally:
        visit.close()
    print(f"{args.png}: {args.png.stat().st_size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
