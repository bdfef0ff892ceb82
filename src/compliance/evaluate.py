"""Apply each requirement's elements to a statute's norms. Pure: no I/O, no scoring arithmetic.

An element asks for coverage of some beneficiaries (cells of stage x age x residence). Every
norm selected by the element's ``select`` covers the cells of its own beneficiary with a factor:
the product of the factors of the element's ``require`` operators. Each cell takes the best
factor any norm gives it; the element's score is the mean over its cells.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from compliance.ast import Norm, Term
from compliance.model.phrase import Arg, Items, Msg, Phrase
from compliance.model.rules import Element, Requirement, Restrictions
from compliance.norms import ParsedProvision, ParsedStatute
from compliance.operators import OPERATORS
from compliance.registry import split_term_ref
from compliance.restrictions import restrictions_of
from compliance.vocabulary import Cell, Vocabulary


@dataclass(frozen=True)
class NormHit:
    """One norm's score on an element, with the reasons it fell short."""

    provision: ParsedProvision
    norm: Norm
    factor: float
    reasons: tuple[Phrase, ...]


@dataclass
class ElementEvaluation:
    """An element's score, the reasons for any shortfall and the norms that count as evidence."""

    element: Element
    score: float
    reasons: list[Phrase] = field(default_factory=list)
    evidence: list[NormHit] = field(default_factory=list)


def evaluate(statute: ParsedStatute, requirement: Requirement, vocab: Vocabulary,
             as_of: dt.date, instruments: set[str] | None = None, *,
             restrictions: Restrictions) -> list[ElementEvaluation]:
    """Evaluate the elements of ``requirement`` against the provisions in force on ``as_of``.

    With ``instruments``, only elements required by one of them are evaluated; elements the rule
    requires only from a later date (``required_from``) are not evaluated. ``restrictions`` are
    the rule set's closed-world factors (``rules/scoring.yaml``).
    """
    prepared = _prepare(statute, vocab, as_of)
    return [evaluate_element(element, prepared.provisions, prepared.vocab, restrictions, prepared.by_action,
                             prepared.scores)
            for element in requirement.elements
            if (instruments is None or element.required_by is None or set(element.required_by) & instruments)
            and element.required_on(as_of)]


@dataclass
class _Prepared:
    """A statute made ready for evaluating many elements: its law in force, indexed by action."""

    key: tuple[int, dt.date, int]
    statute: ParsedStatute
    vocab: Vocabulary
    provisions: list[ParsedProvision]
    by_action: dict[str, list[tuple[int, ParsedProvision, Norm]]]
    #: score_norm results by (element, norm text, norm source): a statute's vocabulary is fixed, and a
    #: norm's text and source determine the norm.
    scores: dict[tuple[int, str, str], tuple[float, tuple[Phrase, ...]]] = field(default_factory=dict)


_last: list[_Prepared] = []


def _prepare(statute: ParsedStatute, vocab: Vocabulary, as_of: dt.date) -> _Prepared:
    """Index the norms in force by action, once per statute and date (the last one is remembered)."""
    key = (id(statute), as_of, id(vocab))
    if _last and _last[0].key == key and _last[0].statute is statute:
        return _last[0]
    local = vocab.with_local({n: t.category for n, t in statute.statute.terms.items()},
                             {n: t.description for n, t in statute.statute.terms.items()})
    provisions = [p for p in statute.provisions if statute.statute.in_force_on(p.provision, as_of)]
    by_action: dict[str, list[tuple[int, ParsedProvision, Norm]]] = {}
    seq = 0
    for provision in provisions:
        for norm in provision.norms:
            by_action.setdefault(norm.action.name, []).append((seq, provision, norm))
            seq += 1
    _last[:] = [_Prepared(key, statute, local, provisions, by_action)]
    return _last[0]


def release() -> None:
    """Forget the prepared statute (call when done with it, so that it can be freed before the next)."""
    _last.clear()


def _candidates(element: Element, provisions: list[ParsedProvision],
                by_action: dict[str, list[tuple[int, ParsedProvision, Norm]]] | None,
                ) -> Iterator[tuple[ParsedProvision, Norm]]:
    """The norms whose action the element selects, in statute order (all norms without an index)."""
    if by_action is None:
        for provision in provisions:
            for norm in provision.norms:
                yield provision, norm
        return
    actions = element.select.actions
    found = [entry for action in actions for entry in by_action.get(action, ())]
    if len(actions) > 1:
        found.sort(key=lambda entry: entry[0])
    for _, provision, norm in found:
        yield provision, norm


def selected(norm: Norm, element: Element, vocab: Vocabulary) -> bool:
    """Tell whether ``norm`` is a candidate for ``element`` (action, object, polarity, actor)."""
    sel = element.select
    if norm.action.name not in sel.actions:
        return False
    if sel.objects is not None and (norm.object is None or norm.object.name not in sel.objects):
        return False
    if sel.polarity is not None and vocab.polarity(norm.modality) != sel.polarity:
        return False
    if sel.offences is not None and (norm.offence is None or norm.offence.name not in sel.offences):
        return False
    return sel.actors is None or norm.actor.name in sel.actors


def beneficiary_of(norm: Norm, vocab: Vocabulary) -> Term | None:
    """The person a norm is for: its beneficiary or, for a right a person holds (``victim MAY claim``), its actor."""
    if norm.beneficiary is not None:
        return norm.beneficiary
    return norm.actor if vocab.knows(norm.actor.name, "person") else None


def score_norm(norm: Norm, element: Element, vocab: Vocabulary,
               restrictions: Restrictions) -> tuple[float, tuple[Phrase, ...]]:
    """Run the element's operators on one norm, then price every restriction the element does not allow.

    The score is the product of the factors; each shortfall compounds: a permission (0.5) to provide
    unspecified assistance (0.5) scores 0.25, and the same under a condition no rule allows, 0.125.
    """
    factor, reasons = 1.0, []
    for name, param in element.require.items():
        outcome = OPERATORS[name]().check(norm, param, vocab)
        factor *= outcome.factor
        if outcome.reason and outcome.factor < 1:
            reasons.append(outcome.reason)
    judged = frozenset(element.require.get("forbidden_conditions", {}).get("terms", ()))
    for found in restrictions_of(norm, element.allows, restrictions, vocab, judged,
                                 judges_period="duration" in element.require):
        factor *= found.factor
        reasons.append(found.reason)
    return factor, tuple(reasons)


def evaluate_element(element: Element, provisions: list[ParsedProvision], vocab: Vocabulary,
                     restrictions: Restrictions,
                     by_action: dict[str, list[tuple[int, ParsedProvision, Norm]]] | None = None,
                     scores: dict[tuple[int, str, str], tuple[float, tuple[Phrase, ...]]] | None = None,
                     ) -> ElementEvaluation:
    """Evaluate one element over the given provisions (through the action index, when given)."""
    target = split_term_ref(element.select.beneficiary)
    wanted = vocab.cells(*target) or frozenset({_PERSON_CELL})
    best: dict[Cell, NormHit] = {}
    candidates: list[NormHit] = []
    for provision, norm in _candidates(element, provisions, by_action):
        who = beneficiary_of(norm, vocab)
        if who is None or not selected(norm, element, vocab):
            continue
        cells = _cells_of(who, target, vocab) & wanted
        if not cells:
            continue
        if scores is None:
            hit = NormHit(provision, norm, *score_norm(norm, element, vocab, restrictions))
        else:
            key = (id(element), norm.text, norm.source)
            scored = scores.get(key)
            if scored is None:
                scored = scores[key] = score_norm(norm, element, vocab, restrictions)
            hit = NormHit(provision, norm, *scored)
        candidates.append(hit)
        for cell in cells:
            if cell not in best or hit.factor > best[cell].factor:
                best[cell] = hit
    score = sum(best[c].factor if c in best else 0.0 for c in wanted) / len(wanted) if wanted else 0.0
    result = ElementEvaluation(element, score)
    if not candidates:
        result.reasons.append(Phrase("{missing}", missing=Msg(element.missing)))
        return result
    winners = list({id(best[c]): best[c] for c in sorted(best)}.values())
    result.evidence = [hit for hit in winners if hit.factor > 0]
    short = frozenset(c for c in wanted if c not in best or best[c].factor < 1)
    for hit in candidates:
        who = beneficiary_of(hit.norm, vocab)
        cells = (_cells_of(who, target, vocab) if who else frozenset()) & short
        if hit.factor < 1 and cells and hit.reasons:
            who_text = _describe(cells, wanted, vocab)
            reasons = Items(hit.reasons, "semicolon")
            result.reasons.append(
                Phrase("{provision}: {reasons} ({victims})", provision=hit.provision.provision.id, reasons=reasons,
                       victims=who_text) if who_text else
                Phrase("{provision}: {reasons}", provision=hit.provision.provision.id, reasons=reasons))
    uncovered = frozenset(wanted - best.keys())
    if uncovered:
        result.reasons.append(Phrase("no provision covers {victims}",
                                     victims=_describe(uncovered, wanted, vocab) or Msg("this")))
    result.reasons = list(dict.fromkeys(result.reasons))
    return result


#: The single cell of a requirement about a person outside the victim space (e.g. the offender).
_PERSON_CELL: Cell = ("*",)


def _cells_of(who: Term, target: tuple[str, tuple[str, ...]], vocab: Vocabulary) -> frozenset[Cell]:
    """Cells a norm's beneficiary covers; for a non-victim target, the one cell if the term matches."""
    if vocab.cells(*target):
        return vocab.cells(who.name, who.qualifiers)
    return frozenset({_PERSON_CELL}) if who.name == target[0] else frozenset()


def _describe(cells: frozenset[Cell], wanted: frozenset[Cell], vocab: Vocabulary) -> Arg:
    """``victims: adult`` for victim cells; nothing for a requirement about another person."""
    if _PERSON_CELL in wanted:
        return ""
    return vocab.describe_cells(cells, wanted)
