"""HTML output: self-contained pages (inline CSS and SVG, no scripts, no external resources)."""

from __future__ import annotations

from compliance.model.results import Comparison, Report
from compliance.render.charts import area_bars, heatmap
from compliance.render.jinja import environment
from compliance.version import __version__


def render_html(reports: list[Report], back: str | None = None) -> str:
    """Render one page holding the gap report of each jurisdiction (``back`` links to an index)."""
    first = reports[0]
    return environment().get_template("gap_report.html.j2").render(
        reports=reports, back=back, version=__version__, rules_version=first.rules_version, scope=first.scope)


def render_comparison_html(comparison: Comparison, links: dict[str, str], csv_name: str | None = None,
                           regions: list[dict[str, str]] | None = None, region: str | None = None) -> str:
    """Render a comparison page; ``links`` maps a jurisdiction code to its page.

    ``regions`` lists the site's region pages (``name``, ``href``, ``count``) for a plain-link filter
    (no JavaScript); ``region`` names the regional group this page is restricted to, if any.
    """
    return environment().get_template("comparison.html.j2").render(
        comparison=comparison, links=links, csv_name=csv_name, heatmap=heatmap(comparison),
        bars=area_bars(comparison), version=__version__, rules_version=comparison.rules_version,
        scope=comparison.scope, regions=regions or [], region=region)


def render_comparison_markdown(comparison: Comparison) -> str:
    """Render the comparison (ranking and matrix) as Markdown."""
    return environment().get_template("comparison.md.j2").render(comparison=comparison)
