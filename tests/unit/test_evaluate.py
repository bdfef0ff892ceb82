from __future__ import annotations

from compliance import api
from compliance.evaluate import evaluate_element
from compliance.model.rules import Element
from compliance.testing import statute_from_norms
from compliance.vocabulary import load_vocabulary

V = load_vocabulary()
R = api.load_rules().scoring.restrictions


def element(beneficiary: str = "victim", **require: object) -> Element:
    return Element.model_validate({
        "id": "e", "description": "d", "missing": "nothing matches",
        "select": {"actions": ["provide"], "objects": ["assistance"], "beneficiary": beneficiary},
        "require": require or {"force": "shall"},
        "allows": {"reason": "test: nothing is allowed"},
    })


def run(el: Element, *norms: str) -> tuple[float, list[str]]:
    statute = statute_from_norms(list(norms))
    result = evaluate_element(el, list(statute.provisions), V, R)
    return result.score, result.reasons


def test_norms_for_adults_and_children_together_cover_all_victims() -> None:
    score, reasons = run(element(), "state SHALL provide assistance TO victim[adult]",
                         "state SHALL provide assistance TO victim[child]")
    assert score == 1.0 and reasons == []


def test_each_group_takes_its_best_norm() -> None:
    score, reasons = run(element(), "state MAY provide assistance TO victim",
                         "state SHALL provide assistance TO victim[child]")
    assert score == 0.75
    assert any("victims: adult" in r for r in reasons)


def test_uncovered_groups_are_named() -> None:
    score, reasons = run(element(), "state SHALL provide assistance TO victim[foreign]")
    assert round(score, 4) == round(2 / 3, 4)
    assert reasons == ["no provision covers victims: national"]


def test_presumed_victims_cover_identified_victims_but_not_the_reverse() -> None:
    assert run(element(), "state SHALL provide assistance TO presumed_victim")[0] == 1.0
    assert run(element("presumed_victim"), "state SHALL provide assistance TO victim")[0] == 0.5


def test_no_candidate_gives_the_rule_s_missing_text() -> None:
    assert run(element(), "court SHALL order restitution TO victim FROM offender") == (0.0, ["nothing matches"])


def test_witnesses_are_not_victims() -> None:
    assert run(element(), "state SHALL provide assistance TO witness")[0] == 0.0


def test_narrowed_group_counts_at_most_half() -> None:
    score, reasons = run(element(), "state SHALL provide assistance TO victim[in_custody]")
    assert score == 0.5
    assert "covers only persons who are detained or in the custody of the state" in reasons[0]
