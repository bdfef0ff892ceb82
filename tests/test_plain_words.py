"""No internal identifier in prose: every bundled gap report and the comparison, in every language.

Identifiers (``sexual_exploitation``, ``victim_child``, ``s63_public_order``) may appear only inside
code elements (the encoded norm, the statute file path) or attributes, never in the text a reader
reads. Checked on the HTML pages, which hold every sentence the other formats hold.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from compliance import api
from compliance.render import i18n
from compliance.render.html import render_comparison_html, render_html

SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
DAYS = (dt.date(2012, 6, 1), dt.date(2026, 11, 28))


class _Prose(HTMLParser):
    """The text of a page outside code, pre, style and script elements."""

    SKIP = frozenset({"code", "pre", "style", "script"})

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.text.append(data)


def _prose(page: str) -> str:
    parser = _Prose()
    parser.feed(page)
    return " ".join(parser.text)


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
@pytest.mark.parametrize("day", DAYS, ids=str)
def test_no_snake_case_identifier_in_the_prose_of_any_page(lang: str, day: dt.date) -> None:
    rules = api.load_rules()
    reports = [api.check_file(p, rules, as_of=day) for p in api.bundled_legislation()]
    with i18n.using(lang):
        pages = {r.jurisdiction.code: render_html([r]) for r in reports}
        pages["index"] = render_comparison_html(api.compare(reports, rules),
                                                {r.jurisdiction.code: f"{r.jurisdiction.code}.html" for r in reports})
    found = {name: sorted(set(SNAKE.findall(_prose(page)))) for name, page in pages.items()}
    found = {name: words for name, words in found.items() if words}
    assert not found, found
