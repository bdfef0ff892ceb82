"""Closed-world scoring, proved over the whole rule set: no restriction a rule does not allow keeps "met".

For every requirement and every one of its passing examples, each kind of restriction is added to
every norm of the example (a local condition, a vocabulary condition no rule allows, a local
exception, a local time limit, a one-day cap, a hedge, a narrowing qualifier, a source weaker
than statute). Each variant must score strictly lower than the example itself. A requirement
that keeps its score under any of them fails the test, named with the variant.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from compliance import api
from compliance.ast import Clause, Fact, Norm, Quantity, Term, render_norm
from compliance.model.rules import Example, Requirement, RuleSet
from compliance.norms import parse_norm
from compliance.span import Span
from compliance.testing import run_requirement
from compliance.vocabulary import load_vocabulary

RULES = api.load_rules(Path(__file__).resolve().parents[1] / "rules")
LOCAL = "holds_valid_passport"  # a jurisdiction's own condition: no rule can allow it
UNALLOWED = "appropriations_available"  # a vocabulary condition no element allows

Variant = Callable[[Norm], Norm]


def _with_clause(kind: str, term: str) -> Variant:
    return lambda norm: replace(norm, clauses=(*norm.clauses, Clause(kind, Fact(Term(term)))))


def _capped(norm: Norm) -> Norm:
    return replace(norm, duration=Quantity("le", 1, "days"))


def _hedged(norm: Norm) -> Norm:
    return replace(norm, hedges=(*norm.hedges, "to_the_extent_practicable"))


def _narrowed(norm: Norm) -> Norm:
    if norm.beneficiary is not None:
        who = norm.beneficiary
        return replace(norm, beneficiary=replace(who, qualifiers=(*who.qualifiers, "certified")))
    return replace(norm, actor=replace(norm.actor, qualifiers=(*norm.actor.qualifiers, "certified")))


VARIANTS: dict[str, Variant] = {
    f"IF {LOCAL}": _with_clause("if", LOCAL),
    f"IF {UNALLOWED}": _with_clause("if", UNALLOWED),
    f"UNLESS {LOCAL}": _with_clause("unless", LOCAL),
    f"EXCEPT {LOCAL}": _with_clause("except", LOCAL),
    f"UNTIL {LOCAL}": _with_clause("until", LOCAL),
    "FOR AT MOST 1 days": _capped,
    "TO THE EXTENT PRACTICABLE": _hedged,
    "a beneficiary narrowed to certified persons": _narrowed,
}

CASES = [
    pytest.param(req, ex, id=f"{req.id}: {ex.name}")
    for req in RULES.requirements for ex in req.examples.pass_ if ex.expect == "met"
]


def _parsed(example: Example) -> list[Norm]:
    vocab = load_vocabulary().with_local(dict(example.terms))
    return [parse_norm(text, vocab, lambda line, col: Span("<example>", line, col)) for text in example.norms]


def _score(req: Requirement, rules: RuleSet, norms: list[str], terms: dict[str, str], kind: str = "statute") -> float:
    return run_requirement(req, rules, norms, terms, kind=kind).exact_score


@pytest.mark.parametrize(("requirement", "example"), CASES)
def test_every_restriction_lowers_a_met_example(requirement: Requirement, example: Example, rules: RuleSet) -> None:
    terms = {**example.terms, LOCAL: "condition"}
    base = _score(requirement, rules, example.norms, terms)
    assert base == 100, f"the example itself is not met ({base})"
    norms = _parsed(example)
    kept = []
    for name, variant in VARIANTS.items():
        texts = [render_norm(variant(norm)) for norm in norms]
        score = _score(requirement, rules, texts, terms)
        if not score < base:
            kept.append(f"{name}: {score}")
    guidance = _score(requirement, rules, example.norms, terms, kind="guidance")
    if not guidance < base:
        kept.append(f"guidance instead of statute: {guidance}")
    assert not kept, f"{requirement.id} keeps its score under: " + "; ".join(kept)


@pytest.mark.parametrize(("requirement", "example"), [
    c for c in CASES if any(n.duration is not None for n in _parsed(c.values[1]))])  # type: ignore[arg-type]
def test_a_shorter_period_lowers_a_met_example(requirement: Requirement, example: Example, rules: RuleSet) -> None:
    """Where a period appears, only that period cut to one day (the other norms unchanged) scores lower."""
    terms = dict(example.terms)
    norms = _parsed(example)
    texts = [render_norm(_capped(n)) if n.duration is not None else render_norm(n) for n in norms]
    assert _score(requirement, rules, texts, terms) < _score(requirement, rules, example.norms, terms)


def test_every_element_states_its_stance() -> None:
    """The loader refuses an element without ``allows:`` (fixture invalid_rules/missing_stance.yaml); all have one."""
    assert all(el.allows.reason.strip() for req in RULES.requirements for el in req.elements)
