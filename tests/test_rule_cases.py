"""Data-driven rule cases: tests/rules/<rule-id>.yaml, each case with expected statuses and reasons.

A case file holds ``cases:``; each case has ``name`` (a sentence stating the legal expectation),
``norms`` (and optional local ``terms``), ``status``, optional ``score``, optional ``elements``
(element id -> status) and optional ``gap_contains`` (phrases that must appear among the gaps).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from compliance.model.rules import RuleSet
from compliance.testing import run_requirement

CASE_DIR = Path(__file__).parent / "rules"


def _cases() -> list[Any]:
    out = []
    for path in sorted(CASE_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            out.append(pytest.param(path.stem, case, id=f"{path.stem}: {case['name']}"))
    return out


@pytest.mark.parametrize(("rule_id", "case"), _cases())
def test_rule_case(rule_id: str, case: dict[str, Any], rules: RuleSet) -> None:
    requirement = rules.requirement(rule_id)
    assert requirement is not None, f"no such rule {rule_id}"
    result = run_requirement(requirement, rules, case["norms"], case.get("terms"))
    assert result.status == case["status"], result.gaps
    if "score" in case:
        assert result.score == case["score"]
    statuses = {e.id: e.status for e in result.elements}
    for element, status in (case.get("elements") or {}).items():
        assert statuses[element] == status, (element, result.gaps)
    joined = "\n".join(result.gaps)
    for phrase in case.get("gap_contains") or []:
        assert phrase in joined, joined


def test_case_files_name_real_rules(rules: RuleSet) -> None:
    for path in CASE_DIR.glob("*.yaml"):
        assert rules.requirement(path.stem) is not None, path.name
