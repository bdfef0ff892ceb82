"""Every rule's own pass and fail examples run as tests (data-driven from rules/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance import api
from compliance.model.rules import Example, Requirement, RuleSet
from compliance.testing import run_requirement

RULES = api.load_rules(Path(__file__).resolve().parents[1] / "rules")
CASES = [
    pytest.param(req, ex, id=f"{req.id}: {ex.name}")
    for req in RULES.requirements
    for ex in [*req.examples.pass_, *req.examples.fail]
]


@pytest.mark.parametrize(("requirement", "example"), CASES)
def test_rule_example(requirement: Requirement, example: Example, rules: RuleSet) -> None:
    result = run_requirement(requirement, rules, example.norms, example.terms)
    assert result.status == example.expect, result.gaps


def test_every_rule_has_a_passing_and_a_failing_example() -> None:
    for req in RULES.requirements:
        assert any(ex.expect == "met" for ex in req.examples.pass_), req.id
        assert all(ex.expect != "met" for ex in req.examples.fail), req.id
