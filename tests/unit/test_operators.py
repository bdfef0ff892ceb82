from __future__ import annotations

import pytest

from compliance.norms import parse_norm
from compliance.operators import OPERATORS, Duration, ForbiddenConditions, Force, Kinds
from compliance.vocabulary import load_vocabulary

V = load_vocabulary().with_local({"schedule_4": "offence"})


def norm(text: str):  # type: ignore[no-untyped-def]
    return parse_norm(text, V)


@pytest.mark.parametrize(("text", "required", "factor"), [
    ("state SHALL provide assistance TO victim", "shall", 1.0),
    ("state MAY provide assistance TO victim", "shall", 0.5),
    ("state MAY provide assistance TO victim", "may", 1.0),
    # hedges and weaker sources are priced by the closed-world pass (tests/unit/test_restrictions.py)
    ("state SHALL provide assistance TO victim TO THE EXTENT PRACTICABLE", "shall", 1.0),
    ("state SHALL CONSIDER provide assistance TO victim", "shall_consider", 1.0),
    ("FINDING: state SHALL provide assistance TO victim", "may", 0.0),
    ("victim MAY claim damages FROM offender", "shall", 1.0),
    ("state SHALL provide assistance TO victim", 0.5, 1.0),
])
def test_force(text: str, required: object, factor: float) -> None:
    assert Force().check(norm(text), required, V).factor == pytest.approx(factor)


def test_force_reason_names_the_modality() -> None:
    out = Force().check(norm("state MAY provide assistance TO victim"), "shall", V)
    assert out.reason == "it is only a permission (the law says 'may'), weaker than the duty the standard requires"
    assert Force().check(norm("POLICY: state SHALL provide assistance TO victim"), "shall", V).reason == (
        "it is a policy, not an operative rule")


def test_forbidden_conditions_ignore_negated_terms() -> None:
    param = {"terms": ["cooperates_with_authorities"], "factor": 0.0}
    hit = norm("state SHALL provide assistance TO victim IF reasonable_grounds AND cooperates_with_authorities")
    spared = norm("state SHALL provide assistance TO victim IF NOT cooperates_with_authorities")
    assert ForbiddenConditions().check(hit, param, V).factor == 0.0
    assert ForbiddenConditions().check(spared, param, V).factor == 1.0


@pytest.mark.parametrize(("period", "factor"), [
    ("FOR AT LEAST 30 days", 1.0), ("FOR 45 days", 1.0), ("FOR AT LEAST 1 months", 1.0),
    ("FOR 14 days", 0.25), ("FOR AT MOST 60 days", 0.25), ("", 0.5),
])
def test_duration_floor(period: str, factor: float) -> None:
    param = {"at_least": 30, "unit": "days", "factor_missing": 0.5, "factor_below": 0.25}
    text = f"state SHALL grant recovery_period TO presumed_victim {period}".strip()
    assert Duration().check(norm(text), param, V).factor == factor


@pytest.mark.parametrize(("obj", "factor"), [
    ("assistance[accommodation, medical]", 1.0), ("assistance", 0.5), ("assistance[interpretation]", 0.0),
])
def test_kinds(obj: str, factor: float) -> None:
    param = {"any_of": ["accommodation"], "factor_unspecified": 0.5}
    assert Kinds().check(norm(f"state SHALL provide {obj} TO victim"), param, V).factor == factor


@pytest.mark.parametrize(("name", "param", "message"), [
    ("force", "must", "unknown modality 'must'"),
    ("force", 2, "force must be a number in (0, 1]"),
    ("forbidden_conditions", {"terms": ["cooperates"], "factor": 0}, "unknown condition term 'cooperates'"),
    ("forbidden_conditions", {"terms": "compelled"}, "'terms' must be a list"),
    ("forbidden_conditions", {"terms": ["compelled"], "factor": 1.5}, "'factor' must be between 0 and 1"),
    ("duration", {"at_least": "30", "unit": "days"}, "'at_least' must be a number"),
    ("kinds", {"any_of": ["shelter"]}, "unknown kind 'shelter'"),
])
def test_parameters_are_validated(name: str, param: object, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        OPERATORS[name]().validate(param, V)


def test_dispensable_reads_the_logic_of_the_condition() -> None:
    from compliance.operators import Dispensable

    param = {"terms": ["coercive_means"], "given": ["victim_child"], "factor": 0.0}
    either = norm("state SHALL punish offender OF trafficking_offence[sexual_exploitation] "
                  "IF trafficking_act AND (coercive_means OR victim_child)")
    always = norm("state SHALL punish offender OF trafficking_offence[forced_labour] "
                  "IF trafficking_act AND coercive_means")
    assert Dispensable().check(either, param, V).factor == 1.0
    out = Dispensable().check(always, param, V)
    assert out.factor == 0.0 and out.reason.startswith("it requires the means element: ")
    assert out.reason.endswith(", even where the victim is under 18")


def test_kinds_on_the_offence() -> None:
    param = {"any_of": ["organ_removal"], "of": "offence", "factor_unspecified": 0.0}
    organs = norm("state SHALL punish offender OF trafficking_offence[organ_removal]")
    slavery = norm("state SHALL punish offender OF trafficking_offence[slavery]")
    assert Kinds().check(organs, param, V).factor == 1
    assert Kinds().check(slavery, param, V).factor == 0
