"""Renderers: one function per output format over the same :class:`~compliance.model.results.Report`.

Each renderer's module is imported when its format is first used, so that a JSON or SARIF run
never loads Jinja.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from compliance.model.results import Report

Renderer = Callable[[list["Report"]], str]

#: Format name -> the module and function that render it.
RENDERERS: dict[str, tuple[str, str]] = {
    "text": ("compliance.render.text", "render_text"),
    "json": ("compliance.render.json", "render_json"),
    "markdown": ("compliance.render.markdown", "render_markdown"),
    "html": ("compliance.render.html", "render_html"),
    "csv": ("compliance.render.csv", "render_csv"),
    "sarif": ("compliance.render.sarif", "render_sarif"),
    "junit": ("compliance.render.junit", "render_junit"),
    "github": ("compliance.render.github", "render_github"),
    "gitlab": ("compliance.render.gitlab", "render_gitlab"),
}


def renderer(fmt: str) -> Renderer:
    """The renderer of a format (a key of :data:`RENDERERS`)."""
    module, name = RENDERERS[fmt]
    return cast(Renderer, getattr(import_module(module), name))


def render(reports: list[Report], fmt: str) -> str:
    """Render reports in the named format (a key of :data:`RENDERERS`)."""
    return renderer(fmt)(reports)
