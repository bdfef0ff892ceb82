"""Waivers, baselines, thresholds and configuration, over real reports of the bundled data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from tests.conftest import ROOT

from compliance import api
from compliance.errors import ComplianceError, ErrorList
from compliance.model.results import Report
from compliance.model.rules import RuleSet
from compliance.policy.baseline import compare_with_baseline, create_baseline, dump_baseline, load_baseline
from compliance.policy.config import defaults, load_config
from compliance.policy.discover import find_config
from compliance.policy.gate import Gate, breaches
from compliance.policy.waivers import apply_waivers, load_waivers

DAY = dt.date(2026, 11, 28)
BEFORE = dt.date(2020, 11, 28)  # before the Nationality and Borders Act 2022 provisions (2023-01-30)


@pytest.fixture(scope="module")
def gb(rules: RuleSet) -> Report:
    return api.check(api.load_statute(ROOT / "legislation" / "gb-eaw.yaml", rules), rules, DAY)


@pytest.fixture(scope="module")
def gb_2020(rules: RuleSet) -> Report:
    return api.check(api.load_statute(ROOT / "legislation" / "gb-eaw.yaml", rules), rules, BEFORE)


def _req(report: Report, rid: str):  # type: ignore[no-untyped-def]
    return next(r for r in report.requirements if r.id == rid)


def _waivers(tmp_path: Path, body: str, rules: RuleSet):  # type: ignore[no-untyped-def]
    path = tmp_path / "waivers.yaml"
    path.write_text(body, encoding="utf-8")
    return load_waivers(path, {r.id for r in rules.requirements})


# --- waivers -------------------------------------------------------------------------------------

WAIVE_26 = """waivers:
  - jurisdiction: gb-eaw
    requirement: COE-2005-26
    justification: Schedule 4 under review.
    reviewer: A. Analyst
    expires: 2099-12-31
"""


def test_a_waiver_marks_the_finding_and_keeps_its_verdict(tmp_path: Path, rules: RuleSet, gb: Report) -> None:
    outcome = apply_waivers([gb], _waivers(tmp_path, WAIVE_26, rules), today=DAY)
    before, after = _req(gb, "COE-2005-26"), _req(outcome.reports[0], "COE-2005-26")
    assert before.status == "partial" and before.waiver is None
    assert after.status == before.status and after.score == before.score
    assert after.waiver is not None and after.waiver.justification == "Schedule 4 under review."
    assert (after.waiver.line, after.waiver.column, after.waiver.expires) == (2, 5, "2099-12-31")
    assert outcome.applied == 1 and not outcome.expired and not outcome.unused
    assert outcome.reports[0].score == gb.score
    others = [r for r in outcome.reports[0].requirements if r.id != "COE-2005-26"]
    assert all(r.waiver is None for r in others)


def test_an_expired_waiver_is_an_error_and_is_not_applied(tmp_path: Path, rules: RuleSet, gb: Report) -> None:
    placed = _waivers(tmp_path, WAIVE_26.replace("2099-12-31", "2026-11-27"), rules)
    outcome = apply_waivers([gb], placed, today=DAY)
    assert _req(outcome.reports[0], "COE-2005-26").waiver is None
    assert [str(e) for e in outcome.expired] == [
        f"{tmp_path / 'waivers.yaml'}:2:5: waiver for gb-eaw COE-2005-26 expired on 2026-11-27; "
        "renew it (with a new review) or remove it"]
    still = apply_waivers([gb], placed, today=dt.date(2026, 11, 27))  # the expiry day itself still counts
    assert _req(still.reports[0], "COE-2005-26").waiver is not None and not still.expired


def _met_id(report: Report) -> str:
    """A requirement the report finds met (the test needs one; which one follows the bundled data)."""
    return next(q.id for q in report.requirements if q.status == "met")


def test_unused_waivers_are_reported_only_for_jurisdictions_in_the_run(
        tmp_path: Path, rules: RuleSet, gb: Report) -> None:
    body = WAIVE_26 + f"""  - jurisdiction: gb-eaw
    requirement: {_met_id(gb)}
    justification: Met anyway.
  - jurisdiction: us
    requirement: COE-2005-26
    justification: Not in this run.
"""
    outcome = apply_waivers([gb], _waivers(tmp_path, body, rules), today=DAY)
    assert _req(gb, _met_id(gb)).status == "met"
    assert [e.message for e in outcome.unused] == [f"unused waiver for gb-eaw {_met_id(gb)}: it is met"]
    assert outcome.unused[0].span.line == 7


@pytest.mark.parametrize(("body", "message", "line"), [
    ("waivers:\n  - jurisdiction: gb-eaw\n    requirement: COE-2005-26\n", "missing required key 'justification'", 2),
    ("waivers:\n  - jurisdiction: gb-eaw\n    requirement: COE-2005-26\n    justification: '  '\n",
     "a waiver needs a justification", 4),
    ("waivers:\n  - jurisdiction: gb-eaw\n    requirement: COE-2005-62\n    justification: x\n",
     "waiver names no requirement of the rule set: 'COE-2005-62'; did you mean", 3),
    ("waivers:\n  - jurisdiction: gb-eaw\n    requirement: COE-2005-26\n    justification: x\n    expires: soon\n",
     "invalid date 'soon'", 5),
    ("waivers:\n  - jurisdiction: gb-eaw\n    requirement: COE-2005-26\n    justification: x\n    reviwer: B\n",
     "unknown key 'reviwer' (allowed keys: jurisdiction, requirement, justification, reviewer, expires)", 5),
    (WAIVE_26 + WAIVE_26.removeprefix("waivers:\n"), "a second waiver for gb-eaw COE-2005-26", 7),
])
def test_bad_waiver_files_are_refused_with_a_position(
        tmp_path: Path, rules: RuleSet, body: str, message: str, line: int) -> None:
    with pytest.raises((ErrorList, ComplianceError)) as info:
        _waivers(tmp_path, body, rules)
    errors = info.value.errors if isinstance(info.value, ErrorList) else [info.value]
    assert message in errors[0].message
    assert errors[0].span.line == line


# --- baseline ------------------------------------------------------------------------------------

def test_a_baseline_round_trips_and_finds_no_regression_against_itself(
        tmp_path: Path, gb: Report) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(dump_baseline(create_baseline([gb])), encoding="utf-8")
    assert json.loads(path.read_text())["jurisdictions"]["gb-eaw"]["COE-2005-26"] == {
        "score": _req(gb, "COE-2005-26").score, "status": "partial"}
    outcome = compare_with_baseline([gb], load_baseline(path))
    assert outcome.regressions == []
    assert {r.baseline for r in outcome.reports[0].requirements} == {"unchanged"}
    assert "1 jurisdiction, 23 verdicts" in outcome.summary


def test_regressions_are_keyed_on_jurisdiction_and_requirement(rules: RuleSet, gb: Report, gb_2020: Report) -> None:
    outcome = compare_with_baseline([gb_2020], create_baseline([gb]))
    regressed = {r.requirement: r for r in outcome.regressions}
    # NABA 2022 ss 61 and 65 came into force on 2023-01-30: identification and the residence permit are weaker in
    # 2020. (The recovery period, s 61 alone, is not assessed in 2020: the file's reading of that area starts
    # then, and a requirement that is not assessed is no regression.)
    assert regressed["COE-2005-14.1"].old is not None and regressed["COE-2005-14.1"].new_status == "partial"
    assert regressed["COE-2005-14.1"].message().startswith("regression: gb-eaw COE-2005-14.1 was partial")
    assert "COE-2005-13.1" not in regressed
    assert _req(gb_2020, "COE-2005-13.1").status == "not_assessed"
    assert all(_req(gb_2020, rid).score < _req(gb, rid).score for rid in regressed)
    improved = compare_with_baseline([gb], create_baseline([gb_2020]))
    # Between the two days the standard itself grew (elements with a required_from in between, e.g. the
    # 2024 EU forms of exploitation): only those requirements may fall from 2020 to 2026.
    grew = {r.id for r in rules.requirements
            if any(e.required_from and BEFORE < e.required_from <= DAY for e in r.elements)}
    # A verdict that was not assessed in the baseline and is a gap now is new, and new gaps fail like regressions.
    unread = {r.id for r in gb_2020.requirements if r.status == "not_assessed"}
    assert grew and {r.requirement for r in improved.regressions} <= grew | unread
    assert {r.requirement for r in improved.regressions} & unread == {
        r.id for r in gb.requirements if r.id in unread and r.status in ("partial", "missing")}
    assert improved.improved == len(regressed)


def test_findings_the_baseline_does_not_cover_are_new(rules: RuleSet, gb: Report) -> None:
    us = api.check(api.load_statute(ROOT / "legislation" / "us.yaml", rules), rules, DAY)
    outcome = compare_with_baseline([gb, us], create_baseline([gb]))
    new = [r for r in outcome.regressions if r.jurisdiction == "us"]
    assert len(new) == sum(q.status in ("partial", "missing") for q in us.requirements)  # not assessed never fails
    assert all(r.old is None and r.message().startswith("new finding: us ") for r in new)
    assert "not covered: us" in outcome.summary


def test_a_line_shift_is_not_a_regression(tmp_path: Path, rules: RuleSet, gb: Report) -> None:
    text = (ROOT / "legislation" / "gb-eaw.yaml").read_text(encoding="utf-8")
    shifted = tmp_path / "gb-eaw.yaml"
    shifted.write_text("# a comment\n" * 40 + text, encoding="utf-8")
    moved = api.check(api.load_statute(shifted, rules), rules, DAY)
    assert moved.locate(_req(moved, "COE-2005-26"))[1] == gb.locate(_req(gb, "COE-2005-26"))[1] + 40
    assert compare_with_baseline([moved], create_baseline([gb])).regressions == []


def test_waived_regressions_do_not_fail(tmp_path: Path, rules: RuleSet, gb: Report, gb_2020: Report) -> None:
    body = "waivers:\n" + "".join(
        f"  - {{jurisdiction: gb-eaw, requirement: {r.id}, justification: known}}\n" for r in gb_2020.requirements)
    waived = apply_waivers([gb_2020], _waivers(tmp_path, body, rules), today=DAY).reports
    assert compare_with_baseline(waived, create_baseline([gb])).regressions == []


def test_a_broken_baseline_is_refused_with_a_position(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text('{"schema_version": 1, "kind": "baseline", "rules_version": "1", "standard": "all",\n'
                    ' "as_of": "2026-01-01", "jurisdictions": {"xx": {"A-1": {"status": "fine", "score": 1}}}}\n')
    with pytest.raises(ErrorList) as info:
        load_baseline(path)
    assert info.value.errors[0].span.line == 2 and "invalid value 'fine'" in info.value.errors[0].message


# --- thresholds ----------------------------------------------------------------------------------

def test_fail_under_and_fail_on(gb: Report) -> None:
    assert breaches([gb], Gate(fail_under=gb.score)) == []
    assert [b.message for b in breaches([gb], Gate(fail_under=gb.score + 1))] == [
        f"gb-eaw: overall score {gb.score} is below --fail-under {gb.score + 1}"]
    missing = [q.id for q in gb.requirements if q.status == "missing"]
    partial = [q.id for q in gb.requirements if q.status == "partial"]
    assert missing and partial
    assert [b.message.split()[1] for b in breaches([gb], Gate(fail_on="missing"))] == missing
    assert len(breaches([gb], Gate(fail_on="partial"))) == len(missing) + len(partial)


def test_fail_on_filters_by_area_and_requirement(gb: Report) -> None:
    assert _req(gb, "COE-2005-26").status == "partial"
    only = breaches([gb], Gate(fail_on="partial", requirements=frozenset({"COE-2005-26"})))
    assert [b.message.split()[1] for b in only] == ["COE-2005-26"]
    span = only[0].span
    assert (span.file, span.line) == (gb.file, gb.locate(_req(gb, "COE-2005-26"))[1])
    in_area = breaches([gb], Gate(fail_on="partial", areas=frozenset({"non_punishment"})))
    assert {b.message.split()[1] for b in in_area} == {
        q.id for q in gb.requirements if q.area == "non_punishment" and q.status != "met"}
    assert breaches([gb], Gate(fail_on="missing", areas=frozenset({"non_punishment"}))) == []


def test_waived_findings_do_not_breach_fail_on(tmp_path: Path, rules: RuleSet, gb: Report) -> None:
    waived = apply_waivers([gb], _waivers(tmp_path, WAIVE_26, rules), today=DAY).reports
    gate = Gate(fail_on="partial", requirements=frozenset({"COE-2005-26"}))
    assert breaches(waived, gate) == [] and len(breaches([gb], gate)) == 1


# --- configuration -------------------------------------------------------------------------------

def test_config_is_found_walking_up_and_yaml_wins_in_a_folder(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(deep) is None or not str(find_config(deep)).startswith(str(tmp_path))
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_config(deep) is None or not str(find_config(deep)).startswith(str(tmp_path))
    (tmp_path / "pyproject.toml").write_text("[tool.compliance]\nfail-under = 10\n")
    assert find_config(deep) == tmp_path / "pyproject.toml"
    (tmp_path / ".compliance.yaml").write_text("fail-under: 20\n")
    assert find_config(deep) == tmp_path / ".compliance.yaml"
    (tmp_path / "a" / "pyproject.toml").write_text("[tool.compliance]\nfail-under = 30\n")
    assert find_config(deep) == tmp_path / "a" / "pyproject.toml"


def test_config_values_become_defaults_with_paths_relative_to_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".compliance.yaml").write_text(
        "paths: [legislation]\nstandard: coe\nfail-on: partial\nfail-on-area: [non_punishment]\n"
        "waivers: ci/waivers.yaml\nformat: sarif\nas-of: 2026-01-01\nexit-zero: true\n")
    monkeypatch.chdir(tmp_path / "sub")
    values = defaults(load_config(tmp_path / ".compliance.yaml"))
    assert values == {"files": [str((tmp_path / "legislation").resolve())],
                      "standard": "coe", "fail_on": "partial", "fail_on_area": ["non_punishment"],
                      "waivers": str((tmp_path / "ci" / "waivers.yaml").resolve()), "fmt": "sarif",
                      "as_of": "2026-01-01", "exit_zero": True}


@pytest.mark.parametrize(("name", "body", "expected"), [
    (".compliance.yaml", "standrd: coe\n",
     ".compliance.yaml:1:1: unknown key 'standrd' (allowed keys: paths, rules, standard, as-of, format, fail-under, "
     "fail-on, fail-on-area, fail-on-requirement, waivers, baseline, exit-zero, max-file-bytes, max-string-chars, "
     "max-depth, max-aliases, max-nodes)"),
    ("pyproject.toml", "[project]\nname = 'x'\n\n[tool.compliance]\nstandard = 'coe'\n  fail_under = 5\n",
     "pyproject.toml:6:3: unknown key 'fail_under'"),
    ("pyproject.toml", "[tool.compliance]\nfail-under = 'high'\n", "pyproject.toml:2:14: fail-under: "),
    ("pyproject.toml", "[tool.compliance]\nfail-on = 'maybe'\n", "pyproject.toml:2:11: fail-on: invalid value"),
    ("pyproject.toml", "[tool.compliance\nx = 1\n", "pyproject.toml:1:"),
])
def test_bad_config_is_refused_with_a_position(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, body: str, expected: str) -> None:
    (tmp_path / name).write_text(body)
    monkeypatch.chdir(tmp_path)
    with pytest.raises((ErrorList, ComplianceError)) as info:
        load_config(Path(name))
    errors = info.value.errors if isinstance(info.value, ErrorList) else [info.value]
    assert str(errors[0]).startswith(expected), str(errors[0])
