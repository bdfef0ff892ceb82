"""PDF output: the same HTML templates, laid out for paper by WeasyPrint (CSS paged media).

``check -f pdf`` prints the gap report page; ``compare -f pdf`` prints one book: a contents page
with page numbers, the comparison, then each jurisdiction's gap report from a new page. Both go
through :func:`html_to_pdf`, so the layout rules (``PAGE_CSS``) are the same for both. WeasyPrint
is imported only here, when PDF is asked for: other formats never need Pango.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

from compliance.model.results import Comparison, Report
from compliance.render.charts import area_bars, heatmap
from compliance.render.i18n import gettext as _
from compliance.render.jinja import environment
from compliance.version import __version__


class PdfUnavailable(RuntimeError):
    """WeasyPrint (or the Pango library it draws text with) is not installed."""


#: Paper layout: A4, page numbers and the document title in the margins, no split rows or headings.
PAGE_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm;
  @bottom-right { content: "%(page)s " counter(page) " %(of)s " counter(pages); font: 9pt sans-serif; color: #333; }
  @bottom-left { content: string(doctitle); font: 9pt sans-serif; color: #333; } }
@page :first { @bottom-left { content: none; } }
html { font-size: 10pt; }
h1 { string-set: doctitle content(); }
h1, h2, h3, h4 { break-after: avoid; }
tr, li, figure { break-inside: avoid; }
table, article.requirement, .side, section { break-inside: auto !important; }
.book-part { break-before: page; }
nav.contents ol { list-style: none; padding: 0; }
nav.contents li { margin: 0.2rem 0; }
nav.contents a { color: #000; text-decoration: none; }
nav.contents a::after { content: leader(".") " " target-counter(attr(href), page); }
.scroll { overflow: visible !important; }
.scroll table { min-width: 0 !important; }
table { font-size: 8.5pt; }
"""


def _weasyprint() -> Any:
    try:
        import weasyprint  # type: ignore[import-untyped]
    except (ImportError, OSError) as exc:  # OSError: the Pango shared library is missing
        raise PdfUnavailable(
            f"PDF output needs WeasyPrint and the Pango library ({exc}); install them (pip install weasyprint; "
            "on Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0) or use -f html") from None
    return weasyprint


def html_to_pdf(html: str) -> bytes:
    """Lay out one self-contained HTML page as a PDF (no network: every resource is inline)."""
    weasyprint = _weasyprint()

    def no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, Any]:
        raise ValueError(f"external resource refused: {url}")

    document = weasyprint.HTML(string=html, url_fetcher=no_fetch)
    words = {"page": _css_string(_("Page")), "of": _css_string(_("of"))}
    return bytes(document.write_pdf(stylesheets=[weasyprint.CSS(string=PAGE_CSS.replace("%(page)s", words["page"])
                                                                .replace("%(of)s", words["of"]))]))


def _css_string(text: str) -> str:
    """Text safe inside a CSS string literal."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def render_pdf(reports: list[Report]) -> bytes:
    """The gap report of each jurisdiction as one PDF (the HTML report, laid out for paper)."""
    from compliance.render.html import render_html

    return html_to_pdf(render_html(reports))


def _block(template: str, **context: Any) -> Markup:
    """The ``main`` block of a page template, rendered alone (so that pages can be bound into one book)."""
    env = environment()
    tmpl = env.get_template(template)
    macros = env.get_template("_macros.html.j2").module  # the page's top-level imports do not run for a block
    names = {name: getattr(macros, name) for name in dir(macros) if not name.startswith("_")}
    return Markup("".join(tmpl.blocks["main"](tmpl.new_context({**names, **context}))))


def render_comparison_pdf(comparison: Comparison, reports: list[Report]) -> bytes:
    """The comparison and every gap report as one PDF book, with a table of contents."""
    codes = [r.jurisdiction.code for r in reports]
    anchors = {code: f"#{code}-report" for code in codes}
    common = {"version": __version__, "rules_version": comparison.rules_version, "scope": comparison.scope}
    index = _block("comparison.html.j2", comparison=comparison, links=anchors, csv_name=None,
                   heatmap=heatmap(comparison), bars=area_bars(comparison), regions=[], region=None, **common)
    parts = [_block("gap_report.html.j2", reports=[report], back=None, **common) for report in reports]
    names = {r.jurisdiction.code: r.jurisdiction.name for r in reports}
    contents = "".join(
        f'<li><a href="#{escape(code)}-report">{escape(names[code])} ({escape(code)})</a></li>' for code in codes)
    body = (f'<nav class="contents" aria-label="{escape(_("Contents"))}"><h2>{escape(_("Contents"))}</h2><ol>'
            f'<li><a href="#comparison">{escape(_("The comparison"))}</a></li>{contents}</ol></nav>'
            f'<section class="book-part" id="comparison">{index}</section>'
            + "".join(f'<section class="book-part" id="{escape(code)}-report">{part}</section>'
                      for code, part in zip(codes, parts, strict=True)))
    page = environment().get_template("_base.html.j2").render(**common)
    start = re.search(r"<main\b[^>]*>", page).end()  # type: ignore[union-attr]
    title = escape(_("Anti-trafficking law compared: %(count)s jurisdictions") % {"count": len(reports)})
    page = page.replace("<title></title>", f"<title>{title}</title>", 1)
    return html_to_pdf(page[:start] + body + page[start:])
