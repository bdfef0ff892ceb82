"""PDF output (``-f pdf``): read back with poppler's pdftotext and pdftoppm.

Skipped, with the reason, where WeasyPrint's Pango or poppler-utils is missing; `.ci/run` installs
poppler-utils (Chromium's packages bring Pango).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compliance import api
from compliance.cli import app

ROOT = Path(__file__).resolve().parents[1]
IDS = [r.id for r in api.load_rules(ROOT / "rules").requirements]

try:
    import weasyprint  # noqa: F401
    HAVE_PDF = True
except (ImportError, OSError):  # pragma: no cover - depends on the machine
    HAVE_PDF = False

pytestmark = pytest.mark.skipif(
    not HAVE_PDF or shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="needs WeasyPrint with Pango, and poppler-utils (apt-get install poppler-utils); .ci/run installs them")

#: Two small jurisdictions, so that the book stays quick to lay out (a full 16-jurisdiction book is ~800 pages).
CODES = ("ng", "ro")


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def _png_has_ink(path: Path) -> bool:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return len(data) > 2000  # a blank page compresses to a few hundred bytes


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "comparison.pdf"
    files = [str(ROOT / "legislation" / f"{c}.yaml") for c in CODES]
    result = CliRunner().invoke(app, ["compare", *files, "-f", "pdf", "-o", str(out), "--as-of", "2026-11-28"])
    assert result.exit_code == 0, result.output
    return out


def test_the_comparison_book_has_contents_every_jurisdiction_and_every_requirement(book: Path) -> None:
    pages = _pages(book)
    assert book.read_bytes()[:5] == b"%PDF-"
    total = len(pages)
    assert total > 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in page, f"page {number} has no page number"
        body = page.replace(f"Page {number} of {total}", "").strip()
        assert len(body) > 40, f"page {number} is blank"
    first = pages[0]
    assert "Contents" in first
    names = {c: api.check_file(ROOT / "legislation" / f"{c}.yaml", as_of=None).jurisdiction.name for c in CODES}
    for code, name in names.items():
        entry = re.search(re.escape(f"{name} ({code})") + r"[ .]*(\d+)\s*$", first, re.M)
        assert entry, f"{name} not in the contents"
        start = int(entry.group(1))
        assert name in pages[start - 1], f"the contents send {name} to page {start}, which does not show it"
    text = "\n".join(pages)
    for rid in IDS:
        assert text.count(rid) >= len(CODES), f"{rid} is missing from a gap report"


def test_pages_render_to_images_with_ink(book: Path, tmp_path: Path) -> None:
    total = len(_pages(book))
    for page in sorted({1, 2, total // 2, total}):
        subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", str(page), "-l", str(page), str(book),
                        str(tmp_path / f"p{page}")], check=True)
        (png,) = tmp_path.glob(f"p{page}*.png")
        assert _png_has_ink(png), f"page {page} renders blank"


def test_check_writes_one_gap_report_as_pdf(tmp_path: Path) -> None:
    out = tmp_path / "ro.pdf"
    result = CliRunner().invoke(app, ["check", str(ROOT / "legislation" / "ro.yaml"), "-f", "pdf", "-o", str(out),
                                      "--as-of", "2026-11-28"])
    assert result.exit_code in (0, 1), result.output
    text = "\n".join(_pages(out))
    assert "Key findings" in text
    for rid in IDS:
        assert rid in text


def test_pdf_needs_an_output_file() -> None:
    result = CliRunner().invoke(app, ["check", str(ROOT / "legislation" / "ro.yaml"), "-f", "pdf"])
    assert result.exit_code == 2
    assert "needs --output" in result.output and "Traceback" not in result.output
