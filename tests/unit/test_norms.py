from __future__ import annotations

import pytest

from compliance.ast import And, Fact, Member, Not, Or, Quantity, Term, render_norm
from compliance.errors import ErrorList, NormSyntaxError, VocabularyError
from compliance.grammar.error_examples import ERROR_EXAMPLES
from compliance.loader import parse_yaml
from compliance.norms import parse_norm, parse_statute
from compliance.validate import validate_statute
from compliance.vocabulary import load_vocabulary

VOCAB = load_vocabulary().with_local({"schedule_4": "offence"})


def test_the_sketch_from_the_issue_parses_into_roles() -> None:
    norm = parse_norm(
        "court SHALL NOT convict victim[adult] OF offence\n"
        "    IF compelled AND no_realistic_alternative\n"
        "    EXCEPT offence IN schedule_4", VOCAB)
    assert norm.actor.name == "court"
    assert norm.modality == "shall_not"
    assert norm.action.name == "convict"
    assert norm.beneficiary == Term("victim", ("adult",))
    assert norm.offence == Term("offence")
    [cond] = norm.clauses_of("if")
    assert cond.cond == And((Fact(Term("compelled")), Fact(Term("no_realistic_alternative"))))
    [exc] = norm.clauses_of("except")
    assert exc.cond == Member(Term("offence"), Term("schedule_4"))


def test_objects_durations_hedges_and_nested_conditions() -> None:
    norm = parse_norm(
        "state SHALL provide assistance[accommodation, medical] TO victim[foreign, adult] "
        "TO THE EXTENT PRACTICABLE IF (cooperates_with_authorities OR trauma_exception) "
        "AND NOT public_order", VOCAB)
    assert norm.object == Term("assistance", ("accommodation", "medical"))
    assert norm.hedges == ("to_the_extent_practicable",)
    cond = norm.clauses[0].cond
    assert isinstance(cond, And)
    assert isinstance(cond.operands[0], Or)
    assert cond.operands[1] == Not(Fact(Term("public_order")))
    period = parse_norm("state SHALL grant recovery_period TO presumed_victim FOR AT LEAST 30 days", VOCAB)
    assert period.duration == Quantity("ge", 30, "days")


@pytest.mark.parametrize(("text", "kind", "modality"), [
    ("FINDING: state SHOULD NOT punish victim OF offence IF direct_consequence", "finding", "should_not"),
    ("POLICY: state SHALL provide assistance TO victim", "policy", "shall"),
    ("prosecutor NEED NOT prosecute victim OF offence", "operative", "need_not"),
    ("court MAY NOT convict victim", "operative", "shall_not"),
    ("state MUST provide assistance TO victim", "operative", "shall"),
    ("state SHALL CONSIDER provide assistance TO victim", "operative", "shall_consider"),
    ("state SHALL ENDEAVOUR TO protect safety OF victim", "operative", "shall_endeavour"),
])
def test_kinds_and_modalities(text: str, kind: str, modality: str) -> None:
    norm = parse_norm(text, VOCAB)
    assert (norm.kind, norm.modality) == (kind, modality)


@pytest.mark.parametrize(("label", "example"),
                         [(label, ex) for label, examples in ERROR_EXAMPLES.items() for ex in examples])
def test_every_error_example_gets_its_own_message(label: str, example: str) -> None:
    with pytest.raises(NormSyntaxError) as info:
        parse_norm(example, VOCAB)
    assert info.value.message == label


def test_syntax_error_shows_the_line_and_a_caret() -> None:
    with pytest.raises(NormSyntaxError) as info:
        parse_norm("court SHALL NOT convict victim IF (compelled", VOCAB)
    context = info.value.context or ""
    line, caret = context.splitlines()
    assert line.strip() == "court SHALL NOT convict victim IF (compelled"
    assert caret.index("^") == line.index("(compelled") + len("(compelled")


def test_unknown_keyword_gets_a_suggestion() -> None:
    with pytest.raises(NormSyntaxError, match="unknown keyword 'SHAL'; did you mean 'SHALL'"):
        parse_norm("court SHAL convict victim", VOCAB)


@pytest.mark.parametrize(("text", "message"), [
    ("state SHALL provide asistance TO victim", "unknown term 'asistance'; did you mean 'assistance'?"),
    ("state SHALL provide assistance[shelterr] TO victim", "unknown qualifier 'shelterr' for 'assistance'"),
    ("state SHALL provide assistance[accomodation] TO victim", "did you mean 'accommodation'?"),
    ("victim SHALL provide assistance TO court", "'court' is an actor term"),
    ("state SHALL victim assistance", "'victim' is a person term, but an action is expected here"),
    ("state SHALL grant recovery_period TO victim FOR 30 dayz", "unknown unit 'dayz'; did you mean 'days'?"),
    ("court SHALL NOT convict victim IF compeled", "unknown term 'compeled'; did you mean 'compelled'?"),
    ("state SHALL provide assistance TO victim TO presumed_victim", "a norm has one beneficiary"),
    ("court SHALL NOT convict victim IF compelled[adult]", "'compelled' takes no qualifiers"),
    ("court SHALL NOT convict victim OF offence[adult]", "unknown qualifier 'adult' for 'offence'"),
])
def test_vocabulary_errors(text: str, message: str) -> None:
    with pytest.raises(VocabularyError) as info:
        parse_norm(text, VOCAB)
    assert message in info.value.message


STATUTE = """\
jurisdiction: {code: xx, name: Example}
instruments:
  - {id: act, title: Act, citation: "2020 c. 1", url: "https://example.org"}
provisions:
  - id: s1
    instrument: act
    heading: Example
    source_url: https://example.org/s1
    text: "..."
    text_status: paraphrase
    norms:
      - |
        court SHALL NOT convict victim
          IF compeled
      - state SHALL provide asistance TO victim
"""


def test_errors_in_norms_are_positioned_in_the_yaml_file() -> None:
    doc = parse_yaml(STATUTE.encode(), "ex.yaml")
    statute = validate_statute(doc, set())
    with pytest.raises(ErrorList) as info:
        parse_statute(doc, statute, load_vocabulary())
    first, second = info.value.errors
    assert str(first).startswith("ex.yaml:14:14: unknown term 'compeled'")
    assert str(second).startswith("ex.yaml:15:29: unknown term 'asistance'")
    assert first.span.law_path == ("act", "s1")


def test_canonical_printing_round_trips() -> None:
    text = ("court SHALL NOT convict victim[adult] OF offence IF compelled AND "
            "(direct_consequence OR NOT public_order) EXCEPT offence IN schedule_4")
    norm = parse_norm(text, VOCAB)
    assert parse_norm(render_norm(norm), VOCAB) == norm


def test_norms_carry_the_kind_of_their_instrument() -> None:
    text = STATUTE.replace('url: "https://example.org"}', 'url: "https://example.org", kind: guidance}')
    text = text.replace("IF compeled", "IF compelled").replace("asistance", "assistance")
    doc = parse_yaml(text.encode(), "ex.yaml")
    parsed = parse_statute(doc, validate_statute(doc, set()), load_vocabulary())
    assert {n.source for n in parsed.provisions[0].norms} == {"guidance"}
