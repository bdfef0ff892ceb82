"""Key findings are chosen by the documented rule: weight x shortfall, binding first, at most five.

Checked over every bundled file at three dates (not one example), and in the rendered reports.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from compliance import api
from compliance.model.results import KEY_FINDINGS_RULE, Report
from compliance.model.rules import RuleSet
from compliance.render import render
from compliance.score import KEY_GAPS

DATES = ("2026-11-28", "2020-11-28", "2015-07-27")


@pytest.fixture(scope="module")
def reports(rules: RuleSet) -> list[Report]:
    return [api.check(api.load_statute(path, rules), rules, dt.date.fromisoformat(day))
            for path in api.bundled_legislation() for day in DATES]


def _severity(r) -> float:  # type: ignore[no-untyped-def]
    return round(r.weight * (100 - r.exact_score) / 100, 4)


def test_the_key_gaps_are_the_most_severe_of_the_basis(reports: list[Report]) -> None:
    for report in reports:
        kf = report.key_findings
        assert kf is not None and kf.rule == KEY_FINDINGS_RULE
        assessed = [r for r in report.requirements if r.status != "not_assessed"]
        binding = [r for r in assessed if r.binding]
        assert kf.basis == ("binding" if binding else "benchmark")
        pool = binding or assessed
        short = [r for r in pool if r.status in ("partial", "missing")]
        chosen = [next(r for r in pool if r.id == g.requirement) for g in kf.gaps]
        assert len(kf.gaps) == min(KEY_GAPS, len(short))
        assert all(r in short for r in chosen)  # only gaps of the basis; never a not-assessed requirement
        assert [g.severity for g in kf.gaps] == sorted((g.severity for g in kf.gaps), reverse=True)
        assert all(g.severity == _severity(r) for g, r in zip(kf.gaps, chosen, strict=True))
        left_out = [r for r in short if r not in chosen]
        assert all(_severity(r) <= min(g.severity for g in kf.gaps) for r in left_out)
        assert kf.met == [r.id for r in pool if r.status == "met"]


def test_each_key_gap_is_a_sentence_with_its_article_and_provisions(reports: list[Report]) -> None:
    for report in reports:
        for gap in report.key_findings.gaps:  # type: ignore[union-attr]
            req = next(r for r in report.requirements if r.id == gap.requirement)
            binding_citations = [s.citation for s in req.sources if s.binding] or [req.citation]
            assert gap.sentence.startswith(binding_citations[0] + " is ")
            assert f"({gap.score}/100)" in gap.sentence and gap.sentence.endswith(".")
            assert all(p in gap.sentence for p in gap.provisions)
            assert ("no encoded provision answers it" in gap.sentence) == (not gap.provisions)
            assert not re.search(r"\b[a-z]+_[a-z_]+\b", gap.sentence), gap.sentence  # no snake_case identifier


def test_every_gap_report_opens_with_its_key_findings(rules: RuleSet, reports: list[Report]) -> None:
    report = next(r for r in reports if r.jurisdiction.code == "gb-eaw")
    html = render([report], "html")
    assert html.count('id="key-findings"') == 1
    assert html.index('id="key-findings"') < html.index("-instruments\">Instruments</h2>")
    for gap in report.key_findings.gaps:  # type: ignore[union-attr]
        assert gap.requirement in html
    markdown = render([report], "markdown")
    assert markdown.index("## Key findings") < markdown.index("## Instruments")
    several = render([report, next(r for r in reports if r.jurisdiction.code == "us")], "html")
    assert 'id="gb-eaw-key-findings"' in several and 'id="us-key-findings"' in several  # ids stay unique


def test_the_comparison_leads_with_area_leaders_and_common_gaps(rules: RuleSet, reports: list[Report]) -> None:
    today = [r for r in reports if r.as_of == DATES[0]]
    comparison = api.compare(today, rules)
    kf = comparison.key_findings
    assert kf is not None
    for lead in kf.leaders:
        scored = [r for r in comparison.jurisdictions
                  if lead.area in r.areas and r.areas[lead.area].status != "not_assessed"]
        assert lead.score == max(r.areas[lead.area].score for r in scored)
        assert set(lead.leaders) == {r.code for r in scored if r.areas[lead.area].score == lead.score}
    counts = [g.short for g in kf.common_gaps]
    assert counts == sorted(counts, reverse=True) and len(counts) <= 5
    for gap in kf.common_gaps:
        cells = [r.cells[gap.requirement] for r in comparison.jurisdictions]
        assert gap.short == sum(c.status in ("partial", "missing") for c in cells)
        assert gap.assessed == sum(c.status != "not_assessed" for c in cells)


def test_the_comparison_page_opens_with_the_key_findings(rules: RuleSet, reports: list[Report]) -> None:
    from compliance.render.html import render_comparison_html, render_comparison_markdown

    comparison = api.compare([r for r in reports if r.as_of == DATES[0]], rules)
    html = render_comparison_html(comparison, {r.code: f"{r.code}.html" for r in comparison.jurisdictions}, "c.csv")
    assert html.count('id="key-findings"') == 1 and html.index('id="key-findings"') < html.index('id="ranking"')
    markdown = render_comparison_markdown(comparison)
    assert markdown.index("## Key findings") < markdown.index("## Ranking")


def test_the_ranking_tells_jurisdictions_apart_by_their_binding_verdicts(rules: RuleSet, reports: list[Report]) -> None:
    from compliance.render.html import render_comparison_html

    today = [r for r in reports if r.as_of == DATES[0]]
    comparison = api.compare(today, rules)
    for row, report in ((row, next(r for r in today if r.jurisdiction.code == row.code))
                        for row in comparison.jurisdictions):
        assert sum(row.binding_verdicts.values()) == sum(q.binding for q in report.requirements)
        assert row.binding_verdicts["met"] == sum(q.binding and q.status == "met" for q in report.requirements)
    html = render_comparison_html(comparison, {r.code: f"{r.code}.html" for r in comparison.jurisdictions}, "c.csv")
    first = comparison.jurisdictions[0].binding_verdicts
    assert f'binding: {first["met"]} met, {first["partial"]} partly, {first["missing"]} missing' in html
    assert len({tuple(sorted(r.binding_verdicts.items())) for r in comparison.jurisdictions}) > 1
