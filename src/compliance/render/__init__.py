"""Renderers: one function per output format over the same :class:`~compliance.model.results.Report`."""

from __future__ import annotations

from collections.abc import Callable

from compliance.model.results import Report
from compliance.render.csv import render_csv
from compliance.render.github import render_github
from compliance.render.html import render_html
from compliance.render.json import render_json
from compliance.render.junit import render_junit
from compliance.render.markdown import render_markdown
from compliance.render.sarif import render_sarif
from compliance.render.text import render_text

Renderer = Callable[[list[Report]], str]

#: Format name -> renderer.
RENDERERS: dict[str, Renderer] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
    "html": render_html,
    "csv": render_csv,
    "sarif": render_sarif,
    "junit": render_junit,
    "github": render_github,
}


def render(reports: list[Report], fmt: str) -> str:
    """Render reports in the named format (a key of :data:`RENDERERS`)."""
    return RENDERERS[fmt](reports)
