"""Generated reasons as phrases: exact English, lossless JSON, and merging that drops nothing.

Every bundled statute at three dates: every gap of every requirement. The merged gaps must say
everything the per-element reasons said (each element, provision and restriction), once.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache

import pytest

from compliance import api
from compliance.evaluate import evaluate
from compliance.model.phrase import Items, Msg, Phrase, from_data, render, to_data
from compliance.model.results import Report
from compliance.model.rules import RuleSet
from compliance.score import merge_gaps, status_of
from compliance.vocabulary import load_vocabulary

DAYS = (dt.date(2012, 6, 1), dt.date(2020, 6, 1), dt.date(2026, 11, 28))
FILES = api.bundled_legislation()


@cache
def _rules() -> RuleSet:
    return api.load_rules()


@pytest.mark.parametrize("day", DAYS, ids=str)
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_gap_phrase_renders_to_its_english_line_and_survives_json(path, day) -> None:  # type: ignore[no-untyped-def]
    report = api.check_file(path, _rules(), as_of=day)
    again = Report.model_validate_json(report.model_dump_json())
    for req, req2 in zip(report.requirements, again.requirements, strict=True):
        assert len(req.gap_phrases) == len(req.gaps)
        assert [render(from_data(d)) for d in req.gap_phrases] == req.gaps
        assert [render(from_data(d)) for d in req2.gap_phrases] == req.gaps
        assert len(set(req.gaps)) == len(req.gaps), f"{req.id}: a gap is said twice"


def _parts(reason: Phrase) -> list[str]:
    """The restrictions a provision's reason names (by-kind parts reduced to their template)."""
    if not reason.template.startswith("{provision}: "):
        return [str(reason)]
    out = []
    for part in reason.args["reasons"]:
        if isinstance(part, Phrase) and "{kinds}" in part.template:
            given = part.args.get("given")
            out.append(part.template.split("{")[0] + (str(given) if given is not None else ""))
        else:
            out.append(str(part))
    return out


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_merged_gaps_keep_every_element_provision_and_restriction(path) -> None:  # type: ignore[no-untyped-def]
    rules = _rules()
    statute = api.load_statute(path, rules)
    _, chosen = api.profile_instruments(rules, None)
    checked = 0
    for req in rules.requirements:
        evaluations = evaluate(statute, req, load_vocabulary(), DAYS[-1], chosen,
                               restrictions=rules.scoring.restrictions)
        short = [ev for ev in evaluations if status_of(ev.score * 100) != "met"]
        merged = [str(g) for g in merge_gaps(short)]
        for ev in short:
            for reason in ev.reasons:
                provision = str(reason.args.get("provision", ""))
                lines = [m for m in merged if ev.element.description in m.split(" — ", 1)[0]
                         and provision in m]
                assert lines, f"{req.id}: {ev.element.description} / {reason} lost"
                for part in _parts(reason):
                    assert any(part in line for line in lines), f"{req.id}: {part!r} lost from {lines}"
                if reason.template.startswith("{provision}: "):
                    for part in reason.args["reasons"]:
                        if isinstance(part, Phrase) and "{kinds}" in part.template:
                            for kind in part.args["kinds"]:
                                assert any(str(kind) in line for line in lines), f"{req.id}: kind {kind} lost"
                checked += 1
    assert checked > 0 or path.stem in {"ng"}


def test_json_refuses_what_is_not_a_phrase() -> None:
    for bad in ({"t": "{x}", "a": {}}, {"t": 1, "a": {}}, {"join": "xor", "items": []}, [1], 3, {"m": 1}):
        with pytest.raises(ValueError):
            from_data(bad)


def test_translation_fills_templates_joins_and_messages() -> None:
    phrase = Phrase("it covers only persons who are {who}", who=Items([Msg("Under 18", lower=True),
                                                                     Msg("Detained", lower=True)], "and"))
    assert phrase == "it covers only persons who are under 18 and detained"
    table = {"it covers only persons who are {who}": "elle ne vise que les personnes {who}",
             "Under 18": "Âgées de moins de 18 ans", "Detained": "Détenues", " and ": " et "}
    french = "elle ne vise que les personnes âgées de moins de 18 ans et détenues"
    assert render(phrase, lambda m: table.get(m, m)) == french
    assert json.loads(json.dumps(to_data(phrase))) == to_data(phrase)
    assert render(from_data(to_data(phrase))) == str(phrase)
