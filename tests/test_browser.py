"""The generated site in a real browser: headless Chromium from a file URL, network off.

Skipped (with the reason) where Chromium, its driver or selenium is missing; `.ci/run` installs
them so that these tests run in CI.
"""

from __future__ import annotations

import json
import shutil
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from compliance import api
from compliance.cli import app
from tests.conftest import BUNDLED

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = len(api.load_rules(ROOT / "rules").requirements)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
DRIVER = shutil.which("chromedriver")

webdriver: Any
try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
except ImportError:  # pragma: no cover - depends on the machine
    webdriver = None

pytestmark = pytest.mark.skipif(
    webdriver is None or CHROMIUM is None or DRIVER is None,
    reason="needs Chromium, chromedriver and selenium (apt-get install chromium chromium-driver; "
           "pip install -e '.[test]'); .ci/run installs them",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = CliRunner().invoke(app, ["compare", str(ROOT / "legislation"), "-o", str(out), "--as-of", "2026-11-28"])
    assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run",
                 "--disable-sync", "--disable-extensions", "--window-size=1280,1800",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _requests(driver: Any) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _console_errors(driver: Any) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


def _png_is_not_blank(png: bytes) -> bool:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        if kind == b"IDAT":
            idat += png[pos + 8:pos + 8 + length]
        pos += 12 + length
    pixels = zlib.decompress(idat)
    return len(set(pixels[:200_000])) > 16


def _load(driver: Any, page: Path) -> None:
    driver.get_log("performance")  # drop earlier entries
    driver.get_log("browser")
    driver.get(page.as_uri())


def test_index_loads_offline_with_matrix_charts_and_text_statuses(browser: Any, site: Path) -> None:
    _load(browser, site / "index.html")
    assert _console_errors(browser) == []
    assert all(url.startswith(("file://", "data:")) for url in _requests(browser)), _requests(browser)
    assert browser.title.startswith("Anti-trafficking law compared")
    ranking = browser.find_element(By.ID, "ranking")
    assert ranking.is_displayed()
    body = browser.find_element(By.TAG_NAME, "main").text
    assert "England and Wales" in body and "United States (federal law)" in body
    assert body.count("Open the gap report") == len(BUNDLED)
    assert "✓ met" in body and "◐ partial" in body and "✗ missing" in body
    rows = browser.find_elements(By.CSS_SELECTOR, "#matrix ~ .scroll table tbody tr")
    assert len(rows) == REQUIREMENTS
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg rect")) >= len(BUNDLED) * REQUIREMENTS
    assert _png_is_not_blank(browser.get_screenshot_as_png())


@pytest.mark.parametrize("code", BUNDLED)
def test_each_jurisdiction_page_shows_law_beside_treaty(browser: Any, site: Path, code: str) -> None:
    _load(browser, site / f"{code}.html")
    assert _console_errors(browser) == []
    assert all(url.startswith(("file://", "data:")) for url in _requests(browser))
    articles = browser.find_elements(By.CSS_SELECTOR, "article.requirement")
    assert len(articles) == REQUIREMENTS
    for article in articles:
        assert article.find_element(By.TAG_NAME, "blockquote").text.strip()
        assert "What the law says" in article.text
        status = article.find_element(By.CSS_SELECTOR, "header .status").text
        assert status.split(maxsplit=1)[-1] in {"met", "partial", "missing", "not assessed"}
    link = browser.find_element(By.LINK_TEXT, "← Comparison of all jurisdictions")
    assert link.get_attribute("href").endswith("/index.html")
    assert _png_is_not_blank(browser.get_screenshot_as_png())
