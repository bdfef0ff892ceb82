"""Renderers: one function per output format over the same :class:`~compliance.model.results.Report`."""

from __future__ import annotations

from collections.abc import Callable

from compliance.model.results import Report
from compliance.render.csv import render_csv
from compliance.render.html import render_html
from compliance.render.json import render_json
from compliance.render.markdown import render_markdown
from compliance.render.text import render_text

Renderer = Callable[[list[Report]], str]

#: Format name -> renderer.
RENDERERS: dict[str, Renderer] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
    "html": render_html,
    "csv": render_csv,
}


def render(reports: list[Report], fmt: str) -> str:
    """Render reports in the named format (``text``, ``json``, ``markdown``, ``html`` or ``csv``)."""
    return RENDERERS[fmt](reports)
