"""Calibration against published expert findings: the figure in docs/accuracy.md may not drop.

AGREEMENT is the documented figure over the findings the engine answers (docs/accuracy.md, generated
by ``compliance calibrate -f markdown``); ANSWERED is how many it must answer. The project's floor
is 90%; see NOTES.md for how the figure was reached and what moves it. A false "met" (the engine
says met where the expert found a gap) is never allowed.
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from compliance.cli import app
from tests.conftest import ROOT

AGREEMENT = 90.7
ANSWERED = 108


def _calibration() -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(app, ["calibrate", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_agreement_does_not_drop_below_the_documented_figure_and_no_false_met() -> None:
    data = _calibration()
    assert data["agreement"] >= AGREEMENT >= 90.0
    assert data["false_met"] == []
    assert len(data["findings"]) >= 40 and data["jurisdictions"] >= 12
    assert data["answered"] >= ANSWERED >= 40
    assert data["answered"] + len(data["abstained"]) == len(data["findings"])
    for finding in data["findings"]:
        assert set(finding) >= {"jurisdiction", "requirement", "date", "source_url", "expected", "engine", "agrees"}


def test_the_accuracy_page_is_current() -> None:
    live = CliRunner().invoke(app, ["calibrate", "-f", "markdown"]).stdout
    stale = "docs/accuracy.md is stale: run `compliance calibrate -f markdown > docs/accuracy.md`"
    assert (ROOT / "docs" / "accuracy.md").read_text(encoding="utf-8") == live, stale


FINDING = """\
  - id: {id}
    jurisdiction: {code}
    requirement: {req}
    date: {date}
    body: GRETA
    document: a test document
    source_url: https://example.org/finding
    quote: a test quote
    quote_status: summary
    expected: {expected}
    about: law
{extra}"""


def _findings(tmp_path, *entries: dict) -> str:  # type: ignore[no-untyped-def]
    path = tmp_path / "findings.yaml"
    body = "".join(FINDING.format(**{"extra": "", **e}) for e in entries)
    path.write_text("findings:\n" + body, encoding="utf-8")
    return str(path)


def test_a_not_assessed_verdict_is_no_answer_and_left_out_of_the_agreement(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Italy's file declares the reflection period not read; its definition was searched.
    path = _findings(tmp_path,
                     {"id": "silent", "code": "it", "req": "COE-2005-13.1", "date": "2014-09-22",
                      "expected": "missing"},
                     {"id": "answered", "code": "it", "req": "PAL-2000-5.1", "date": "2023-06-15", "expected": "met",
                      "extra": "    standard: un\n"})
    result = CliRunner().invoke(app, ["calibrate", path, "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    by_id = {f["id"]: f for f in data["findings"]}
    assert by_id["silent"]["engine"] == "not_assessed" and by_id["silent"]["agrees"] is None
    assert data["abstained"] == ["silent"] and data["answered"] == 1
    assert data["agreement"] == (100.0 if by_id["answered"]["agrees"] else 0.0)
    assert by_id["answered"]["standard"] == "un"


def test_a_finding_names_a_standard_that_covers_its_requirement(tmp_path) -> None:  # type: ignore[no-untyped-def]
    for standard, message in (("nosuch", "unknown standard 'nosuch'"),
                              ("un", "requirement COE-2005-14.1 has no source in standard 'un'")):
        path = _findings(tmp_path, {"id": "x", "code": "de", "req": "COE-2005-14.1", "date": "2019-06-20",
                                    "expected": "met", "extra": f"    standard: {standard}\n"})
        result = CliRunner().invoke(app, ["calibrate", path])
        assert result.exit_code == 2, result.output
        assert message in result.stderr and "findings.yaml:" in result.stderr


def test_the_body_s_standard_decides_which_elements_are_asked(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The EU Directive's extra forms of exploitation are not asked by a GRETA (CETS 197) finding."""
    entries = [{"id": f"es-{std}", "code": "es", "req": "PAL-2000-5.1", "date": "2026-11-28", "expected": "met",
                "extra": f"    standard: {std}\n"} for std in ("coe", "eu")]
    data = json.loads(CliRunner().invoke(app, ["calibrate", _findings(tmp_path, *entries), "-f", "json"]).stdout)
    scores = {f["id"]: f["score"] for f in data["findings"]}
    assert scores["es-coe"] >= scores["es-eu"]
