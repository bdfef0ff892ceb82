"""The verdicts a trafficking-law expert expects for the bundled statutes, for the right reasons."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from compliance import api
from compliance.model.results import Report, RequirementResult
from compliance.model.rules import RuleSet

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def reports(rules: RuleSet) -> dict[str, Report]:
    return {code: api.check(api.load_statute(ROOT / "legislation" / f"{code}.yaml", rules), rules,
                            dt.date(2026, 11, 28)) for code in ("gb-eaw", "us")}


def req(report: Report, rule_id: str) -> RequirementResult:
    return next(r for r in report.requirements if r.id == rule_id)


def gaps(result: RequirementResult) -> str:
    return "\n".join(result.gaps)


def test_uk_s45_is_partial_for_schedule_4_and_the_adult_test(reports: dict[str, Report]) -> None:
    r = req(reports["gb-eaw"], "COE-2005-26")
    assert r.status == "partial" and r.binding
    assert "it does not apply where any offence is one of offences listed in Schedule 4" in gaps(r)
    assert "a reasonable person in the same situation would have had no realistic alternative" in gaps(r)
    assert "schedule_4" not in gaps(r) and "no_realistic_alternative" not in gaps(r)  # plain words
    elements = {e.id: e.status for e in r.elements}
    assert elements["children_without_compulsion"] == "met"
    assert {ev.provision for ev in r.evidence} == {"s45"}


def test_us_non_punishment_is_not_assessed_because_state_law_was_not_read(reports: dict[str, Report]) -> None:
    # Federal law has no operative rule (22 USC 7101(b)(19) is a finding), but vacatur and safe-harbor laws are
    # State law, which the file does not hold: "missing" would describe federal law only (issue 11 calibration).
    r = req(reports["us"], "COE-2005-26")
    assert r.status == "not_assessed" and not r.binding
    assert reports["us"].areas["non_punishment"].status == "not_assessed"
    assert "State vacatur and safe-harbor laws" in reports["us"].coverage.notes["non_punishment"]


def test_us_assistance_for_foreign_adults_depends_on_cooperation(reports: dict[str, Report]) -> None:
    r = req(reports["us"], "COE-2005-12.6")
    assert r.status == "partial"
    assert "it applies only where the person is willing to cooperate with, or assist, an investigation" in gaps(r)
    assert "adult" in gaps(r)


def test_uk_assistance_is_not_conditional_on_cooperation_but_is_narrowed(reports: dict[str, Report]) -> None:
    """No UK norm ties support to cooperation; but s50A support depends on a needs assessment and yields to
    the s63 public-order disqualification, which CETS 12 does not allow: closed world, partial."""
    r = req(reports["gb-eaw"], "COE-2005-12.6")
    assert r.status == "partial"
    assert "willing to cooperate" not in gaps(r)
    assert '"threat to public order"' in gaps(r) and "the authority considers it necessary after assessing" in gaps(r)


def test_uk_recovery_period_is_narrowed_by_the_s63_exceptions(reports: dict[str, Report]) -> None:
    """NABA 2022 s61 gives at least 30 days, but s63's public-order disqualification is wider than the
    Art 13(3) exceptions: closed world, every element of the period is priced for it."""
    r = req(reports["gb-eaw"], "COE-2005-13.1")
    assert r.status == "partial"
    assert '"threat to public order"' in gaps(r) and "an exception the standard does not allow" in gaps(r)


def test_us_has_no_recovery_and_reflection_period(reports: dict[str, Report]) -> None:
    assert req(reports["us"], "COE-2005-13.1").status == "missing"


def test_us_compensation_from_offenders_is_met_by_restitution_and_civil_action(reports: dict[str, Report]) -> None:
    r = req(reports["us"], "COE-2005-15.3")
    assert r.status == "met"
    assert {ev.provision for ev in r.evidence} & {"18 USC 1593", "18 USC 1595"}


def test_uk_reparation_orders_are_discretionary(reports: dict[str, Report]) -> None:
    r = req(reports["gb-eaw"], "COE-2005-15.3")
    assert r.status == "partial"
    assert "s8: it is only a permission (the law says 'may')" in gaps(r)


def test_binding_and_benchmark_labels(reports: dict[str, Report]) -> None:
    us = {i.id: i.binding for i in reports["us"].instruments}
    gb = {i.id: i.binding for i in reports["gb-eaw"].instruments}
    assert us == {"palermo-protocol": True, "cets-197": False, "eu-directive-2011-36": False, "ilo-p029": False,
                  "ohchr-principles": False}
    assert gb == {"palermo-protocol": True, "cets-197": True, "eu-directive-2011-36": False, "ilo-p029": True,
                  "ohchr-principles": False}


def test_every_evidence_line_points_at_a_norm_of_the_cited_provision(reports: dict[str, Report]) -> None:
    for code, report in reports.items():
        lines = (ROOT / "legislation" / f"{code}.yaml").read_text(encoding="utf-8").splitlines()
        for r in report.requirements:
            for ev in r.evidence:
                first_word = ev.norm.split()[0]
                assert lines[ev.line - 1][ev.column - 1:].startswith(first_word), (code, r.id, ev)


def test_before_the_2022_act_the_uk_recovery_period_is_not_assessed(rules: RuleSet) -> None:
    # NABA 2022 s 61 (in force 2023-01-30) is the first statutory recovery period, and the file reads the area from
    # then: the earlier period under the NRM statutory guidance was not read, so 2022 is not assessed, not missing.
    statute = api.load_statute(ROOT / "legislation" / "gb-eaw.yaml", rules)
    before = api.check(statute, rules, dt.date(2022, 6, 1))
    r = req(before, "COE-2005-13.1")
    assert r.status == "not_assessed"
    assert r.gaps == ["not assessed: the statute file's reading of this area covers the law in force from 2023-01-30; "
                      "the law in force on 2022-06-01 (earlier wordings, or the acts they replaced) was not read"]
    assert req(api.check(statute, rules, dt.date(2023, 1, 30)), "COE-2005-13.1").status != "not_assessed"


def test_us_child_labour_trafficking_still_requires_means(reports: dict[str, Report]) -> None:
    r = req(reports["us"], "PAL-2000-3.c")
    elements = {e.id: e.status for e in r.elements}
    assert elements == {"sexual_exploitation": "met", "labour_exploitation": "missing"}
    assert "it requires the means element" in gaps(r) and "even where the victim is under 18" in gaps(r)


def test_consent_is_irrelevant_in_the_uk_but_no_us_statute_says_so(reports: dict[str, Report]) -> None:
    assert req(reports["gb-eaw"], "PAL-2000-3.b").status == "met"
    assert req(reports["us"], "PAL-2000-3.b").status == "missing"


def test_no_us_federal_trafficking_offence_covers_organ_removal(reports: dict[str, Report]) -> None:
    r = req(reports["us"], "PAL-2000-5.1")
    assert {e.id: e.status for e in r.elements}["organ_removal"] == "missing"


def test_uk_non_punishment_lacks_a_statutory_non_prosecution_rule(reports: dict[str, Report]) -> None:
    r = req(reports["gb-eaw"], "COE-2005-26")
    elements = {e.id: e.status for e in r.elements}
    assert elements["non_prosecution"] == "missing"
    assert {s.instrument_id for s in r.sources} == {"cets-197", "eu-directive-2011-36", "ilo-p029", "ohchr-principles"}


def test_profiles_change_what_is_evaluated_and_what_binds(rules: RuleSet) -> None:
    statute = api.load_statute(ROOT / "legislation" / "gb-eaw.yaml", rules)
    coe = api.check(statute, rules, dt.date(2026, 11, 28), standard="coe")
    ilo = api.check(statute, rules, dt.date(2026, 11, 28), standard="ilo")
    assert {s.instrument_id for r in coe.requirements for s in r.sources} == {"cets-197"}
    assert "non_prosecution" not in {e.id for e in req(coe, "COE-2005-26").elements}
    assert req(coe, "COE-2005-26").score == 80  # the CETS 26 elements alone
    assert {r.id for r in ilo.requirements} == {"COE-2005-10.2", "COE-2005-12.1", "COE-2005-26", "PAL-2000-6.6"}
    assert all(r.binding for r in ilo.requirements)
    us_ilo = api.check(api.load_statute(ROOT / "legislation" / "us.yaml", rules), rules, dt.date(2026, 11, 28),
                       standard="ilo")
    assert not any(r.binding for r in us_ilo.requirements)
