"""The one Jinja environment of the project: templates shipped in the package, strict undefined.

HTML templates (``*.html.j2``) are autoescaped; Markdown templates (``*.md.j2``) escape through
the ``md``, ``quote`` and ``code`` filters instead, since Markdown is not HTML.
"""

from __future__ import annotations

import re
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

#: A text symbol for every status, so that status never depends on colour alone.
SYMBOLS = {"met": "✓", "partial": "◐", "missing": "✗", "not_assessed": "?"}


def md_cell(value: object) -> str:
    r"""Escape text for a Markdown table cell or inline text (pipes, angle brackets, newlines).

    >>> md_cell("a|b <script>")
    'a\\|b &lt;script&gt;'
    """
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("[", "\\[").replace("]", "\\]")
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
    """Quote a text as a Markdown block quote, one quoted paragraph per line, escaping HTML and link brackets."""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("[", "\\[").replace("]", "\\]")
    return "\n>\n".join(f"> {line}".rstrip() for line in text.strip().splitlines())


#: A line that starts a new item of a legal text: 1. / 1) / (1) / a) / (a) / (iv) / iv. / a dash or a bullet.
_ITEM = re.compile(r"^(\(?[0-9]+[.)]|[0-9]+\.[0-9]+|\(?[a-z]{1,2}\)|\([ivxlc]+\)|[ivxlc]+\.|[-•*–])\s")


def reflow(value: object) -> str:
    r"""Undo hard line wraps, keeping paragraphs and numbered items: one line per paragraph or item.

    >>> print(reflow("Each Party shall issue a permit in one of the\nfollowing situations:\na) the competent\n"
    ...              "authority considers it necessary;\nb) for co-operation.\n\nA new paragraph."))
    Each Party shall issue a permit in one of the following situations:
    a) the competent authority considers it necessary;
    b) for co-operation.
    A new paragraph.
    """
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in str(value).strip().splitlines():
        stripped = line.strip()
        if not stripped or (current and _ITEM.match(stripped)):
            if current:
                paragraphs.append(current)
            current = [stripped] if stripped else []
            continue
        current.append(stripped)
    if current:
        paragraphs.append(current)
    return "\n".join(" ".join(p) for p in paragraphs)


def md_url(value: object) -> str:
    """Make a URL safe inside a Markdown link target (percent-encode spaces, brackets, quotes, angle brackets).

    >>> md_url('https://example.org/a b)"<x>')
    'https://example.org/a%20b%29%22%3Cx%3E'
    """
    table = {" ": "%20", "(": "%28", ")": "%29", '"': "%22", "<": "%3C", ">": "%3E", "'": "%27", "`": "%60"}
    return "".join(table.get(c, c) for c in str(value))


_SAFE_HREF = re.compile(r"^(https?://[^\s<>\"'`]+|[A-Za-z0-9][A-Za-z0-9._-]*\.(html|csv)|#[A-Za-z0-9._-]+)$")


def href(value: object) -> str:
    """A link target for HTML: an http(s) URL, a page of the report folder, or an anchor; anything else is dropped.

    >>> href("https://example.org/a"), href("javascript:alert(1)"), href("gb-eaw.html")
    ('https://example.org/a', '#unsafe-link-removed', 'gb-eaw.html')
    """
    text = str(value)
    return text if _SAFE_HREF.match(text) else "#unsafe-link-removed"


def symbol(status: str) -> str:
    """The text symbol of a status (✓ met, ◐ partial, ✗ missing)."""
    return SYMBOLS.get(status, "?")


@cache
def environment() -> Environment:
    """Build the environment once: package templates, strict undefined, autoescape for HTML."""
    from compliance.render import i18n

    env = Environment(
        loader=PackageLoader("compliance", "render/templates"),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=True, default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(md=md_cell, quote=md_quote, code=md_code, url=md_url, symbol=symbol, href=href, reflow=reflow)
    # Translation: `_()` / `{% trans %}` for template text, `t` for rule-set data (titles, descriptions),
    # `gap_lines` for generated reasons, `treaty` for an article's text in the reader's language.
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(t=lambda value: i18n.gettext(str(value)), gap_lines=i18n.gaps)
    env.filters.update(say=i18n.say, cite=i18n.cite)
    env.globals.update(treaty=i18n.treaty_text, lang=i18n.language, language_names=i18n.NAMES)
    return env
