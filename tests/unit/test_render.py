from __future__ import annotations

import json
import re

from compliance.model.rules import RuleSet
from compliance.render import RENDERERS, render
from compliance.score import build_report
from compliance.testing import run_requirement, statute_from_norms


def report(rules: RuleSet, heading: str = "Example"):  # type: ignore[no-untyped-def]
    statute = statute_from_norms(["court SHALL NOT convict victim OF offence IF compelled"], name=heading)
    results = [run_requirement(r, rules, ["court SHALL NOT convict victim OF offence IF compelled"])
               for r in rules.requirements]
    import datetime as dt

    return build_report(statute, rules, results, [], dt.date(2026, 1, 1))


def test_every_format_renders(rules: RuleSet) -> None:
    rep = report(rules)
    for fmt in RENDERERS:
        assert render([rep], fmt)
    data = json.loads(render([rep], "json"))
    assert data["schema_version"] == 1 and data["as_of"] == "2026-01-01"


def test_markdown_escapes_html_in_statute_data(rules: RuleSet) -> None:
    rep = report(rules, heading="<script>alert(1)</script>")
    out = render([rep], "markdown")
    assert "<script>" not in out
    assert "&lt;script&gt;" in out


def test_text_lines_carry_positions(rules: RuleSet) -> None:
    out = render([report(rules)], "text")
    findings = [line for line in out.splitlines() if ": [" in line]
    assert len(findings) == len(rules.requirements)
    assert all(re.match(r"^Example:1:1: \[(met|partial|missing)\] ", line) for line in findings)
