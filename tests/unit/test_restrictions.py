"""The closed-world pass: every restriction a rule does not allow is found, named and priced."""

from __future__ import annotations

from dataclasses import replace

import pytest

from compliance import api
from compliance.ast import And, Fact, Not, Term
from compliance.model.rules import Allows
from compliance.norms import parse_norm
from compliance.restrictions import MAX_FREE_ATOMS, can_be, restrictions_of
from compliance.vocabulary import load_vocabulary

V = load_vocabulary().with_local({"schedule_4": "offence", "holds_valid_passport": "condition"},
                                 {"holds_valid_passport": "The person holds a valid passport."})
F = api.load_rules().scoring.restrictions


def found(text: str, **allows: object) -> list[tuple[str, float, str]]:
    stance = Allows.model_validate({"reason": "test", **allows})
    return [(r.kind, r.factor, r.reason) for r in restrictions_of(parse_norm(text, V), stance, F, V)]


def test_an_allowed_condition_is_no_restriction_and_an_unlisted_one_is() -> None:
    assert found("state SHALL provide assistance TO victim IF reasonable_grounds",
                 conditions=["reasonable_grounds"]) == []
    [(kind, factor, reason)] = found("state SHALL provide assistance TO victim IF reasonable_grounds AND necessary",
                                     conditions=["reasonable_grounds"])
    assert (kind, factor) == ("condition", F.condition)
    assert reason == ("it applies only where the measure is necessary (as the authority judges): a condition the "
                      "standard does not allow")


def test_a_local_condition_is_named_with_its_statute_description() -> None:
    [(_, _, reason)] = found("state SHALL provide assistance TO victim IF holds_valid_passport")
    assert reason == "it applies only where the person holds a valid passport: a condition the standard does not allow"
    assert "holds_valid_passport" not in reason  # plain words: the description, not the identifier


def test_each_culprit_costs_one_factor() -> None:
    [(_, factor, _)] = found("state SHALL provide assistance TO victim IF necessary AND holds_valid_passport")
    assert factor == pytest.approx(F.condition ** 2)


def test_a_disjunction_with_an_allowed_term_does_not_narrow() -> None:
    assert found("state SHALL provide assistance TO victim IF reasonable_grounds OR holds_valid_passport",
                 conditions=["reasonable_grounds"]) == []


def test_a_negated_condition_is_an_exception_and_a_negated_exception_a_condition() -> None:
    assert found("state SHALL NOT remove presumed_victim IF NOT public_order", exceptions=["public_order"]) == []
    [(kind, _, _)] = found("state SHALL NOT remove presumed_victim IF NOT holds_valid_passport")
    assert kind == "condition"
    assert found("state SHALL NOT remove presumed_victim UNLESS NOT reasonable_grounds",
                 conditions=["reasonable_grounds"]) == []
    assert found("state SHALL NOT remove presumed_victim UNLESS NOT reasonable_grounds",
                 conditions=[], exceptions=[]) != []


def test_exceptions_other_than_the_allowed_ones_are_named() -> None:
    assert found("state SHALL NOT remove presumed_victim UNLESS public_order OR bad_faith",
                 exceptions=["public_order", "bad_faith"]) == []
    [(kind, factor, reason)] = found("court SHALL NOT convict victim OF offence EXCEPT offence IN schedule_4")
    assert (kind, factor) == ("exception", F.exception)
    assert reason.startswith("it does not apply where ")
    assert reason.endswith(": an exception the standard does not allow")
    assert " is one of " in reason and "schedule_4" not in reason


def test_time_limits_caps_hedges_qualifiers_and_sources() -> None:
    kinds = {k for k, _, _ in found("state SHALL provide assistance TO victim[certified] FOR AT MOST 10 days "
                                     "TO THE EXTENT PRACTICABLE UNTIL holds_valid_passport")}
    assert kinds == {"time_limit", "cap", "hedge", "qualifier"}
    assert found("state SHALL provide assistance TO victim[certified] FOR AT MOST 10 days IN APPROPRIATE CASES "
                 "UNTIL identification_complete", time_limits=["identification_complete"], caps=True,
                 hedges=["in_appropriate_cases"], qualifiers=["certified"]) == []
    stance = Allows(reason="test")
    guided = replace(parse_norm("state SHALL provide assistance TO victim", V), source="guidance")
    [source] = restrictions_of(guided, stance, F, V)
    assert (source.kind, source.factor) == ("source", 0.5)
    assert restrictions_of(guided, Allows(reason="test", sources=["guidance"]), F, V) == []


def test_kinds_priced_elsewhere_are_skipped() -> None:
    assert found("court SHALL NOT convict victim EXCEPT offence IN schedule_4", priced_elsewhere=["exceptions"]) == []


def test_deep_nesting_does_not_exhaust_recursion() -> None:
    cond = Fact(Term("compelled"))
    for _ in range(5001):
        cond = Not(cond)  # type: ignore[assignment]
    assert can_be(cond, True, {}) and not can_be(cond, True, {"compelled": True})  # NOT compelled


def test_too_many_free_atoms_count_as_restricting() -> None:
    cond = And(tuple(Fact(Term(f"t{i}")) for i in range(MAX_FREE_ATOMS + 1)))
    assert can_be(cond, False, {}) and can_be(cond, True, {})
