"""Statute data never becomes markup, script or a live link in a published report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from compliance.cli import app
from compliance.render.jinja import environment

runner = CliRunner()
PAYLOADS = {
    "script": "<script>alert('x')</script>",
    "img": '<img src=x onerror="alert(1)">',
    "jinja": "{{ 7 * 7 }} {% for x in range(3) %}loop{% endfor %}",
    "md_link": "[click me](javascript:alert(1))",
    "autolink": "<javascript:alert(1)>",
    "entity": "&lt;b&gt; & co",
}
HOSTILE = " ".join(PAYLOADS.values())

STATUTE = yaml.safe_dump({
    "jurisdiction": {"code": "xx", "name": f"Hostile {HOSTILE}"},
    "instruments": [{"id": "act", "title": f"Act {HOSTILE}", "citation": f"c. 1 {HOSTILE}",
                     "url": "https://example.org/act"}],
    "terms": {"compelled_local": {"category": "condition", "description": f"local {HOSTILE}"}},
    "provisions": [
        {"id": "s1", "instrument": "act", "heading": f"Heading {HOSTILE}", "source_url": "https://example.org/s1",
         "text": f"Text {HOSTILE}", "text_status": "paraphrase", "notes": f"Notes {HOSTILE}",
         "norms": ["court SHALL NOT convict victim OF offence IF compelled_local"]},
        {"id": "s2", "instrument": "act", "heading": f"Second {HOSTILE}",
         "source_url": "https://example.org/s2?a=1&b=(2)", "text": HOSTILE, "text_status": "verbatim",
         "norms": ["state SHALL provide assistance TO victim"]},
    ],
}, allow_unicode=True, sort_keys=False)


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.yaml"
    path.write_text(STATUTE, encoding="utf-8")
    return path


def _assert_html_safe(html: str) -> None:
    assert "<script" not in html.lower()
    assert not re.search(r"<img\b", html, re.I) and 'onerror="' not in html
    assert "javascript:" not in re.findall(r'href="([^"]*)"', html).__str__()
    assert "49" not in re.findall(r"(?<=\s)49(?=\s)", html)  # {{ 7 * 7 }} is not evaluated
    assert "{{ 7 * 7 }}" in html and "{% for x in range(3) %}" in html
    assert "&lt;script&gt;" in html
    assert "&amp;lt;b&amp;gt; &amp; co" in html  # entities in data stay text


def _assert_markdown_safe(md: str) -> None:
    assert "<script" not in md and "<img" not in md and "<javascript:" not in md
    assert not re.search(r"(?<!\\)\]\(javascript:", md)  # the link syntax in data is escaped
    assert "\\[click me\\]" in md
    assert "{{ 7 * 7 }}" in md


def test_html_gap_report_escapes_statute_data(hostile: Path) -> None:
    result = runner.invoke(app, ["--no-config", "check", str(hostile), "-f", "html", "--as-of", "2026-01-01"])
    assert result.exit_code == 0, result.stderr
    _assert_html_safe(result.stdout)
    hrefs = re.findall(r'href="([^"]*)"', result.stdout)
    assert "https://example.org/s2?a=1&amp;b=(2)" in result.stdout
    assert all(h.startswith(("https://", "#")) or h.endswith(".html") for h in hrefs), hrefs


def test_markdown_gap_report_escapes_statute_data(hostile: Path) -> None:
    result = runner.invoke(app, ["--no-config", "check", str(hostile), "-f", "markdown", "--as-of", "2026-01-01"])
    assert result.exit_code == 0, result.stderr
    _assert_markdown_safe(result.stdout)


def test_comparison_pages_escape_statute_data(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    us = Path(__file__).resolve().parents[1] / "legislation" / "us.yaml"
    result = runner.invoke(app, ["--no-config", "compare", str(hostile), str(us), "-o", str(out),
                                 "--as-of", "2026-01-01"])
    assert result.exit_code == 0, result.stderr
    for page in out.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script" not in html.lower() and not re.search(r"<img\b", html, re.I), page.name
        assert "javascript:" not in str(re.findall(r'href="([^"]*)"', html)), page.name
    _assert_html_safe((out / "xx.html").read_text(encoding="utf-8"))
    md = runner.invoke(app, ["--no-config", "compare", str(hostile), str(us), "-f", "markdown",
                             "--as-of", "2026-01-01"]).stdout
    assert "<script" not in md and "<img" not in md
    assert not re.search(r"(?<!\\)\]\(javascript:", md)


def test_the_environment_autoescapes_html_and_is_strict() -> None:
    env = environment()
    template = env.from_string("{{ x }}")
    assert template.render(x="<b>") == "&lt;b&gt;"
    from jinja2 import StrictUndefined, UndefinedError

    assert env.undefined is StrictUndefined
    with pytest.raises(UndefinedError):
        env.from_string("{{ missing.attribute }}").render()
    assert env.get_template("gap_report.html.j2").environment.autoescape("gap_report.html.j2") is True  # type: ignore[operator]


def test_unsafe_link_targets_are_removed_even_if_data_slipped_through() -> None:
    from compliance.render.jinja import href

    for bad in ("javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,<b>", "vbscript:x", "//evil.example",
                'https://x" onmouseover="alert(1)', " https://example.org"):
        assert href(bad) == "#unsafe-link-removed", bad
