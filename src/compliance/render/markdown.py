"""Markdown gap report, rendered with Jinja from the same result model as the JSON."""

from __future__ import annotations

from compliance.model.results import Report
from compliance.render.jinja import environment


def render_markdown(reports: list[Report]) -> str:
    """Render one gap report per jurisdiction, separated by a rule."""
    template = environment().get_template("gap_report.md.j2")
    return "\n---\n\n".join(template.render(report=r) for r in reports)
