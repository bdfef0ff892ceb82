"""Helpers to evaluate rule examples and test cases: a statute made of a few norms, no file needed."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from compliance.evaluate import evaluate
from compliance.model.legislation import LocalTerm, Statute
from compliance.model.results import RequirementResult
from compliance.model.rules import Requirement, RuleSet
from compliance.norms import ParsedProvision, ParsedStatute, parse_norm
from compliance.score import requirement_result
from compliance.span import Span
from compliance.vocabulary import load_vocabulary

_DAY = dt.date(2000, 1, 1)


def statute_from_norms(norms: list[str], terms: dict[str, str] | None = None,
                       name: str = "<example>", kind: str = "statute") -> ParsedStatute:
    """Build a one-provision statute holding ``norms`` (with optional local terms: name -> category).

    ``kind`` is the instrument kind the norms come from (``statute``, ``guidance``, ...).
    """
    local = {k: LocalTerm(category=v, description=k) for k, v in (terms or {}).items()}
    statute = Statute.model_validate({
        "jurisdiction": {"code": "xx", "name": name},
        "instruments": [{"id": "example", "title": "Example", "citation": "n/a", "url": "https://example.org",
                         "kind": kind}],
        "terms": {k: v.model_dump() for k, v in local.items()},
        "provisions": [{"id": "s1", "instrument": "example", "heading": "Example",
                        "source_url": "https://example.org", "text": "(example)",
                        "text_status": "paraphrase", "norms": norms}],
    })
    vocab = load_vocabulary().with_local({k: v.category for k, v in local.items()},
                                         {k: v.description for k, v in local.items()})
    parsed = tuple(replace(parse_norm(text, vocab, lambda line, col: Span(name, line, col)), source=kind)
                   for text in norms)
    provision = ParsedProvision(statute.provisions[0], parsed, Span(name))
    return ParsedStatute(statute, name, (provision,))


def run_requirement(requirement: Requirement, rules: RuleSet, norms: list[str],
                    terms: dict[str, str] | None = None, kind: str = "statute",
                    as_of: dt.date = _DAY) -> RequirementResult:
    """Evaluate one requirement against a statute made of ``norms`` (from an instrument of ``kind``).

    ``as_of`` decides which elements the standard asks for (``required_from``); the default is a day
    before any dated element.
    """
    statute = statute_from_norms(norms, terms, kind=kind)
    evaluations = evaluate(statute, requirement, load_vocabulary(), as_of, restrictions=rules.scoring.restrictions)
    return requirement_result(requirement, evaluations, rules, binding=True)
