"""The generated site in a real browser: headless Chromium from a file URL, network off.

Skipped (with the reason) where Chromium, its driver or selenium is missing; `.ci/run` installs
them so that these tests run in CI.

Layout: at 360, 768 and 1400 px no page is wider than the window, every scrolling region is
focusable and named, and screenshots are not blank. Accessibility: axe-core (bundled by
axe-selenium-python; ``AXE_CORE_JS`` may name another ``axe.min.js``) finds no violation at 400 and
1400 px, on the index and every gap report. The bundled axe-core 3.1 predates two rules the pages
once broke (landmark-unique, scrollable-region-focusable), so ``_own_checks`` checks those too.
Paper: Chromium prints the index and gap reports to A4 within a page budget measured on the
bundled data (see ``PAGE_BUDGET``).
"""

from __future__ import annotations

import base64
import json
import os
import re
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
    from selenium.webdriver.support.wait import WebDriverWait
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
    rows = browser.find_elements(By.CSS_SELECTOR, "#matrix ~ .scroll table tbody tr.req")
    assert len(rows) == REQUIREMENTS
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg rect")) >= len(BUNDLED) * REQUIREMENTS
    assert _png_is_not_blank(browser.get_screenshot_as_png())


#: The jurisdictions' names, as the ranking table shows them (JavaScript).
NAMES = "[...document.querySelectorAll('table.ranking tbody th')].map(t => t.firstChild.textContent.trim())"


def test_index_heatmap_and_charts_read_without_hovering(browser: Any, site: Path) -> None:
    """Heatmap columns sit under their area's title and print the score; the bar charts have a title
    above them, a 0-100 axis, jurisdiction names and a visible bar for a zero score."""
    _load(browser, site / "index.html")
    page = browser.execute_script("""
        const svg = document.querySelector('svg.heatmap');
        const texts = [...svg.querySelectorAll(':scope > text')].map(t => t.textContent.trim());
        const cells = [...svg.querySelectorAll('g')].map(g => ({title: g.querySelector('title').textContent,
          shown: [...g.querySelectorAll('text')].map(t => t.textContent)}));
        const charts = [...document.querySelectorAll('.charts figure')].map(f => ({
          first: f.firstElementChild.tagName, caption: f.querySelector('figcaption').textContent.trim(),
          ticks: [...f.querySelectorAll('svg text[text-anchor="middle"]')].map(t => t.textContent.trim()),
          names: [...f.querySelectorAll('svg > text[font-size="12"]')].map(t => t.textContent.trim()),
          bars: [...f.querySelectorAll('svg rect')].map(r => r.getBBox().width)}));
        const areas = [...document.querySelectorAll('table.areas thead th')].slice(1).map(t => t.textContent.trim());
        return {texts, cells, charts, areas, names: """ + NAMES + """};""")
    drawn = "".join(page["texts"]).replace(" ", "")
    for area in page["areas"]:  # each area's title is drawn above its columns (maybe over several lines)
        assert area.replace(" ", "") in drawn, area
    assert all(name in page["texts"] for name in page["names"])  # rows are labelled by name
    assert len(page["cells"]) == len(page["names"]) * REQUIREMENTS
    for cell in page["cells"]:
        score = re.search(r"\((\d+)/100\)", cell["title"])
        assert (score.group(1) in cell["shown"]) if score else len(cell["shown"]) == 1, cell
    assert [c["caption"] for c in page["charts"]] == page["areas"]
    for chart in page["charts"]:
        assert chart["first"] == "FIGCAPTION"  # the title comes before the chart
        assert chart["ticks"][:5] == ["0", "25", "50", "75", "100"]
        assert chart["names"] and set(chart["names"]) <= set(page["names"])
        assert all(width >= 2 for width in chart["bars"])  # a zero score still shows a bar


@pytest.mark.parametrize("code", BUNDLED)
def test_each_jurisdiction_page_shows_law_beside_treaty(browser: Any, site: Path, code: str) -> None:
    _load(browser, site / f"{code}.html")
    assert _console_errors(browser) == []
    assert all(url.startswith(("file://", "data:")) for url in _requests(browser))
    # One script reads every article (a WebDriver call per element would cost seconds a page).
    articles = browser.execute_script("""
        return [...document.querySelectorAll('article.requirement')].map(a => ({
          treaty: a.querySelector('blockquote').innerText.trim(), text: a.innerText,
          status: a.querySelector('header .status').innerText.trim()}));""")
    assert len(articles) == REQUIREMENTS
    for article in articles:
        assert article["treaty"]
        assert "What the law says" in article["text"]
        assert article["status"].split(maxsplit=1)[-1] in {"met", "partial", "missing", "not assessed"}
    link = browser.find_element(By.LINK_TEXT, "← Comparison of all jurisdictions")
    assert link.get_attribute("href").endswith("/index.html")
    assert _png_is_not_blank(browser.get_screenshot_as_png())


# --- layout, accessibility and paper ------------------------------------------------------------

_RULES = api.load_rules(ROOT / "rules")
#: Every page of the site: the index, one page per regional group with bundled jurisdictions, each gap report.
PAGES = ["index", *sorted({f"region-{g.replace('_', '-')}" for c in BUNDLED if (g := _RULES.group_of(c))}),
         *BUNDLED]
WIDTHS = (360, 768, 1400)
#: Most A4 pages Chromium may print for a page. Measured on the bundled data (2026-11-28): gap reports 27
#: (ro) to 76 (us) pages; the index 11 pages with 16 jurisdictions and 20 with 25 (the ranking, heatmap and
#: the print matrix in tables of 8 grow with each jurisdiction), so its budget grows with the corpus.
PAGE_BUDGET = {"index": 6 + len(BUNDLED), "report": 115}


def _viewport(driver: Any, width: int, height: int = 900) -> None:
    """Make the page's viewport (window.innerWidth) ``width`` px.

    Headless Chromium gives the page the window's size (its outerWidth may stay wider, at 500 px, for
    narrow windows), a little after the window takes it: wait for it (a condition, not a delay).
    """
    driver.set_window_size(width, height)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return window.innerWidth") == width,
                                    f"the viewport did not become {width} px wide")


def _overflow(driver: Any) -> list[str]:
    """What sticks out of the page sideways (nothing, when the page fits its window)."""
    return driver.execute_script("""
        const root = document.documentElement;
        if (root.scrollWidth <= root.clientWidth) return [];
        return [`page ${root.scrollWidth}px wide in ${root.clientWidth}px`].concat(
          [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1 && !e.closest('.scroll'))
            .slice(0, 5).map(e => `${e.tagName.toLowerCase()}.${e.className}: ${e.textContent.slice(0, 60)}`));
    """)


def _own_checks(driver: Any) -> list[str]:
    """The two axe-core 4 rules the bundled axe-core 3.1 lacks, checked the same way.

    scrollable-region-focusable: an element that scrolls sideways can take the keyboard focus and,
    being a region, has a name. landmark-unique: no two landmarks share a role and a name.
    """
    return driver.execute_script("""
        const problems = [];
        const name = e => (e.getAttribute('aria-label') ||
          (e.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
            .map(id => (document.getElementById(id) || {textContent: ''}).textContent.trim()).join(' ')).trim();
        for (const e of document.querySelectorAll('body *')) {
          const style = getComputedStyle(e);
          if (e.scrollWidth > e.clientWidth + 1 && ['auto', 'scroll'].includes(style.overflowX)) {
            if (e.tabIndex < 0) problems.push(`scrolls but cannot take the focus: ${e.outerHTML.slice(0, 80)}`);
            if (!name(e)) problems.push(`scrolls without a name: ${e.outerHTML.slice(0, 80)}`);
          }
        }
        const roles = {HEADER: 'banner', MAIN: 'main', FOOTER: 'contentinfo', NAV: 'navigation',
                       ASIDE: 'complementary'};
        const landmarks = ['banner', 'main', 'contentinfo', 'navigation', 'complementary', 'region', 'search', 'form'];
        const seen = new Set();
        for (const e of document.querySelectorAll('header, main, footer, nav, aside, section, form, [role]')) {
          if (e.offsetParent === null && getComputedStyle(e).position !== 'fixed') continue;  // not rendered
          let role = e.getAttribute('role') || roles[e.tagName] || '';
          if (e.tagName === 'SECTION' && !e.getAttribute('role')) role = name(e) ? 'region' : '';
          if ((e.tagName === 'HEADER' || e.tagName === 'FOOTER') && e.closest('article, section, main, aside, nav')
              && !e.getAttribute('role')) role = '';
          if (!landmarks.includes(role)) continue;
          const key = role + ': ' + name(e);
          if (seen.has(key)) problems.push(`two landmarks are the ${key || role}`);
          seen.add(key);
        }
        return problems;
    """)


@pytest.fixture(scope="module")
def axe_source() -> str:
    axe = pytest.importorskip("axe_selenium_python", reason="needs axe-selenium-python (pip install -e '.[test]')")
    path = os.environ.get("AXE_CORE_JS") or axe.Axe(None).script_url
    return Path(path).read_text(encoding="utf-8")


#: What axe-core reads: the whole page but the texts inside the inline SVG charts, which are
#: role="img" (named by their <title>, their data repeated in tables) and whose colour contrast
#: axe cannot compute (it reports each of their hundreds of texts as "incomplete", slowly).
AXE_CONTEXT = "{include: [['html']], exclude: [['svg text']]}"


def _axe(driver: Any, source: str, contrast: bool = True) -> list[str]:
    """axe-core's violations on the loaded page, one line each (rule, impact, first elements)."""
    if not driver.execute_script("return typeof axe !== 'undefined'"):
        driver.execute_script(source)
    rules = "" if contrast else ", rules: {'color-contrast': {enabled: false}}"
    options = "{resultTypes: ['violations']" + rules + "}"
    violations = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"axe.run({AXE_CONTEXT}, {options}).then(r => done(r.violations), e => done([{{id: 'axe failed: ' + e}}]));")
    return [f"{v['id']} ({v.get('impact')}): {v.get('help', '')}: "
            + "; ".join(" ".join(n["target"]) for n in v.get("nodes", [])[:3]) for v in violations]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_fits_phone_tablet_and_desktop_widths(browser: Any, site: Path, page: str) -> None:
    _load(browser, site / f"{page}.html")
    try:
        for width in WIDTHS:
            _viewport(browser, width)
            assert _overflow(browser) == [], f"{page} at {width} px"
            assert _own_checks(browser) == [], f"{page} at {width} px"
            assert _png_is_not_blank(browser.get_screenshot_as_png()), f"{page} at {width} px"
    finally:
        _viewport(browser, 1280, 1800)


@pytest.mark.parametrize("page", PAGES)
def test_axe_finds_no_accessibility_violation_at_400_and_1400_px(browser: Any, site: Path, axe_source: str,
                                                                 page: str) -> None:
    """Every rule at 1400 px; at 400 px every rule on the index, every rule but colour contrast on
    the gap reports (their colours do not change with the width; contrast is most of axe's time)."""
    try:
        _viewport(browser, 400)
        _load(browser, site / f"{page}.html")
        assert _axe(browser, axe_source, contrast=page == "index") == [], f"{page} at 400 px"
        _viewport(browser, 1400)
        assert _axe(browser, axe_source) == [], f"{page} at 1400 px"
    finally:
        _viewport(browser, 1280, 1800)


def _pdf_pages(driver: Any) -> int:
    pdf = base64.b64decode(driver.execute_cdp_cmd(
        "Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True})["data"])
    assert pdf.startswith(b"%PDF")
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.mark.parametrize("page", ["index", "gb-eaw", "us"])
def test_print_to_pdf_keeps_a_bounded_number_of_a4_pages(browser: Any, site: Path, page: str) -> None:
    _load(browser, site / f"{page}.html")
    pages = _pdf_pages(browser)
    assert 0 < pages <= PAGE_BUDGET["index" if page == "index" else "report"], pages


def test_print_shows_the_whole_matrix_and_heatmap(browser: Any, site: Path) -> None:
    """On paper the matrix is split into tables of at most eight jurisdictions, and the heatmap fits its page."""
    _load(browser, site / "index.html")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        chunks = browser.find_elements(By.CSS_SELECTOR, ".matrix-chunk table")
        assert chunks and all(c.is_displayed() for c in chunks)
        heads = [th.text for c in chunks for th in c.find_elements(By.CSS_SELECTOR, "thead th")[1:]]
        assert sorted(heads) == sorted(browser.execute_script(f"return {NAMES}"))
        assert all(len(c.find_elements(By.CSS_SELECTOR, "tbody tr:not(.area-row)")) == REQUIREMENTS for c in chunks)
        assert not browser.find_element(By.CSS_SELECTOR, "table.matrix").is_displayed()
        svg = browser.find_element(By.CSS_SELECTOR, "svg.heatmap")
        assert svg.size["width"] <= browser.find_element(By.TAG_NAME, "main").size["width"] + 1
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


@pytest.fixture(scope="module")
def site_fr(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site-fr")
    files = [str(ROOT / "legislation" / f"{c}.yaml") for c in ("fr", "gb-eaw", "ng")]
    result = CliRunner().invoke(app, ["compare", *files, "-o", str(out), "--as-of", "2026-11-28", "--lang", "fr"])
    assert result.exit_code == 0, result.stderr
    return out


@pytest.mark.parametrize("page", ["index", "gb-eaw"])
def test_the_french_site_fits_every_width_and_passes_axe(browser: Any, site_fr: Path, axe_source: str,
                                                         page: str) -> None:
    """Translated text is longer: the French pages must fit and pass axe like the English ones."""
    _load(browser, site_fr / f"{page}.html")
    assert browser.execute_script("return document.documentElement.lang") == "fr"
    try:
        for width in WIDTHS:
            _viewport(browser, width)
            assert _overflow(browser) == [], f"{page} (fr) at {width} px"
            assert _own_checks(browser) == [], f"{page} (fr) at {width} px"
        for width in (400, 1400):
            _viewport(browser, width)
            assert _axe(browser, axe_source) == [], f"{page} (fr) at {width} px"
    finally:
        _viewport(browser, 1280, 1800)
