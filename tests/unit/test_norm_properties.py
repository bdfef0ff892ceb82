"""Property tests: norms generated from the grammar parse, print canonically and parse back equal."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.ast import render_norm
from compliance.errors import ComplianceError
from compliance.norms import parse_norm
from compliance.vocabulary import load_vocabulary

V = load_vocabulary()
ACTORS = sorted(V.terms["actor"])
ACTIONS = sorted(V.terms["action"])
OBJECTS = sorted(V.terms["object"])
PERSONS = ["victim", "presumed_victim", "person"]
PERSON_Q = sorted(V.terms["person_qualifier"])
OBJECT_Q = sorted(V.terms["object_qualifier"])
CONDITIONS = sorted(t for t in V.terms["condition"] if t != "age")
MODALITIES = ["SHALL", "SHALL NOT", "MAY", "NEED NOT", "SHALL CONSIDER", "SHALL ENDEAVOUR TO",
              "SHOULD", "SHOULD NOT", "MUST", "MUST NOT", "MAY NOT"]
HEDGES = ["TO THE EXTENT PRACTICABLE", "IN APPROPRIATE CASES", "AS FAR AS POSSIBLE"]


def ref(names: list[str], quals: list[str]) -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(names), st.lists(st.sampled_from(quals), max_size=2, unique=True)).map(
        lambda t: f"{t[0]}[{', '.join(t[1])}]" if t[1] else t[0])


conditions = st.recursive(
    st.sampled_from(CONDITIONS) | st.just("offence IN immigration_offence") | st.just("age < 18 years"),
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda t: f"{t[0]} AND {t[1]}"),
        st.tuples(inner, inner).map(lambda t: f"({t[0]} OR {t[1]})"),
        inner.map(lambda c: f"NOT {c}"),
    ),
    max_leaves=5,
)


@st.composite
def norms(draw: st.DrawFn) -> str:
    parts = [draw(st.sampled_from(["", "FINDING: ", "POLICY: "])) + draw(st.sampled_from(ACTORS)),
             draw(st.sampled_from(MODALITIES)), draw(st.sampled_from(ACTIONS))]
    if draw(st.booleans()):
        parts.append(draw(ref(OBJECTS[:1], OBJECT_Q)) if draw(st.booleans()) else draw(st.sampled_from(OBJECTS)))
    parts.append("TO " + draw(ref(PERSONS, PERSON_Q)))
    if draw(st.booleans()):
        parts.append("OF offence")
    if draw(st.booleans()):
        parts.append(f"FOR AT LEAST {draw(st.integers(1, 400))} days")
    parts += draw(st.lists(st.sampled_from(HEDGES), max_size=1))
    for word in draw(st.lists(st.sampled_from(["IF", "UNLESS", "EXCEPT", "UNTIL"]), max_size=2)):
        parts.append(f"{word} {draw(conditions)}")
    return " ".join(parts)


@settings(max_examples=300, deadline=None)
@given(norms())
def test_generated_norms_round_trip(text: str) -> None:
    norm = parse_norm(text, V)
    assert parse_norm(render_norm(norm), V) == norm


@settings(max_examples=300, deadline=None)
@given(norms(), st.data())
def test_mutated_norms_fail_only_with_positioned_errors(text: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(text)))
    junk = data.draw(st.sampled_from(["(", ")", "[", "]", ",", "AND", "x", "Q", "$", "IF", "  ", "\n", "9"]))
    mutated = text[:position] + junk + text[position:]
    try:
        parse_norm(mutated, V)
    except ComplianceError as exc:
        lines = mutated.splitlines() or [""]
        assert 1 <= exc.span.line <= len(lines)
        assert 1 <= exc.span.column <= len(lines[exc.span.line - 1]) + 1
