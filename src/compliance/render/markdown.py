"""Markdown gap report, rendered with Jinja from the same result model as the JSON."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from compliance.model.results import Report


def md_cell(value: object) -> str:
    r"""Escape text for a Markdown table cell or inline text (pipes, angle brackets, newlines).

    >>> md_cell("a|b <script>")
    'a\\|b &lt;script&gt;'
    """
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("\n", " ").strip()


def md_code(value: object) -> str:
    """Render a value as inline code; values with backticks or angle brackets become escaped text.

    >>> md_code("legislation/us.yaml"), md_code("<b>")
    ('`legislation/us.yaml`', '&lt;b&gt;')
    """
    text = " ".join(str(value).split())
    if any(c in text for c in "`<>&|"):
        return md_cell(text)
    return f"`{text}`"


def md_quote(value: object) -> str:
    """Quote a multi-line text as a Markdown block quote, escaping HTML."""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "\n".join(f"> {line}".rstrip() for line in text.strip().splitlines())


@cache
def environment() -> Environment:
    """The one Jinja environment (templates shipped in the package, strict undefined)."""
    env = Environment(
        loader=PackageLoader("compliance", "render/templates"),
        undefined=StrictUndefined,
        autoescape=False,  # Markdown, not HTML: text is escaped by the md_* filters instead
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_cell
    env.filters["quote"] = md_quote
    env.filters["code"] = md_code
    return env


def render_markdown(reports: list[Report]) -> str:
    """Render one gap report per jurisdiction, separated by a rule."""
    template = environment().get_template("gap_report.md.j2")
    return "\n---\n\n".join(template.render(report=r) for r in reports)
