"""Closed-world scoring: whatever narrows a norm lowers its score unless the element allows it.

Every element of every requirement declares its stance (``allows:``): the conditions, exceptions,
hedges, weaker sources, narrowing qualifiers and caps that the standard itself permits. This module
finds every other restriction of a norm and prices it with the generic factors of
``rules/scoring.yaml`` (``restrictions:``) and the vocabulary's hedge and source factors. Pure: no I/O.

A clause restricts a norm when some situation the standard covers falls outside it:

- an IF/WHEN/WHERE (or UNTIL/DURING) clause restricts when it can be false while every allowed
  condition holds and no allowed exception does;
- an UNLESS/EXCEPT clause restricts when it can be true in that same situation.

Terms free in such a clause are the restriction's *culprits*; each costs one factor. A jurisdiction's
own (local) condition is never allowed, because no rule can name it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from compliance.ast import And, Clause, Compare, Cond, Fact, Member, Norm, Not, Or, render_cond
from compliance.model.phrase import Arg, Items, Msg, Phrase, lower_first
from compliance.model.rules import Allows, Restrictions
from compliance.operators import term_words as _term
from compliance.vocabulary import Vocabulary

#: Above this many free atoms in one clause, it is not enumerated: it counts as restricting (conservative).
MAX_FREE_ATOMS = 12

_EXCEPTION_KINDS = ("unless", "except")


@dataclass(frozen=True)
class Restriction:
    """One priced restriction of a norm."""

    kind: str  # condition, exception, time_limit, cap, hedge, source, qualifier
    factor: float
    reason: Phrase


def atoms(cond: Cond) -> dict[str, str]:
    """The atoms of a condition: rendered atom -> the term name a rule would allow (first seen first).

    >>> from compliance.ast import And, Term
    >>> atoms(And((Fact(Term("compelled")), Member(Term("offence"), Term("listed")))))
    {'compelled': 'compelled', 'offence IN listed': 'listed'}
    """
    found: dict[str, str] = {}
    for node, name in _atom_walk(cond):
        found.setdefault(node.term.name if isinstance(node, Fact) else render_cond(node), name)
    return found


def _value(cond: Cond, values: dict[str, bool]) -> bool:
    """Evaluate a condition under an assignment of its atoms (iteratively: nesting depth is unbounded)."""
    # Post-order evaluation with an explicit stack, so that hostile nesting cannot exhaust recursion.
    results: dict[int, bool] = {}
    stack: list[tuple[Cond, bool]] = [(cond, False)]
    while stack:
        node, done = stack.pop()
        if isinstance(node, Fact):
            results[id(node)] = values[node.term.name]
        elif isinstance(node, Member | Compare):
            results[id(node)] = values[render_cond(node)]
        elif isinstance(node, Not):
            if done:
                results[id(node)] = not results[id(node.operand)]
            else:
                stack += [(node, True), (node.operand, False)]
        elif done:
            parts = [results[id(o)] for o in node.operands]
            results[id(node)] = all(parts) if isinstance(node, And) else any(parts)
        else:
            stack.append((node, True))
            stack += [(o, False) for o in node.operands]
    return results[id(cond)]


def can_be(cond: Cond, wanted: bool, fixed: dict[str, bool], names: Iterable[str] | None = None) -> bool:
    """Tell whether ``cond`` can take the value ``wanted`` with the ``fixed`` atoms set, the others free.

    ``names`` are the atoms of ``cond`` when the caller already has them. A plain conjunction of facts
    (``a AND b``, the usual shape) is decided directly; anything else by enumerating the free atoms.
    """
    if names is None:
        names = atoms(cond)
    plain = _plain_facts(cond)
    if plain is not None:
        if wanted:  # every fact can hold unless one is fixed false
            return all(fixed.get(name, True) for name in plain)
        return any(not fixed.get(name, False) for name in plain)  # one fact can fail unless all are fixed true
    free = [a for a in names if a not in fixed]
    if len(free) > MAX_FREE_ATOMS:
        return True
    for bits in range(2 ** len(free)):
        values = {**fixed, **{a: bool(bits >> i & 1) for i, a in enumerate(free)}}
        if _value(cond, values) == wanted:
            return True
    return False


def _plain_facts(cond: Cond) -> list[str] | None:
    """The fact names of a condition that is a single fact or an AND of facts, else None."""
    if isinstance(cond, Fact):
        return [cond.term.name]
    if isinstance(cond, And) and all(isinstance(o, Fact) for o in cond.operands):
        return [o.term.name for o in cond.operands]  # type: ignore[union-attr]
    return None


def _fixed(found: dict[str, str], conditions: set[str], exceptions: set[str]) -> dict[str, bool]:
    """The standard's situation: allowed conditions hold, allowed exceptions do not."""
    fixed = {}
    for rendered, name in found.items():
        if name in conditions:
            fixed[rendered] = True
        elif name in exceptions:
            fixed[rendered] = False
    return fixed


def _clause_restriction(clause: Clause, allows: Allows, judged: set[str], factors: Restrictions,
                        vocab: Vocabulary) -> Restriction | None:
    group = ("exceptions" if clause.kind in _EXCEPTION_KINDS else
             "conditions" if clause.kind == "if" else "time_limits")
    if group in allows.priced_elsewhere:
        return None
    own = set(allows.time_limits) if group == "time_limits" else set(allows.conditions)
    conditions = own | judged
    exceptions = set(allows.exceptions) | judged
    found = atoms(clause.cond)
    fixed = _fixed(found, conditions, exceptions)
    restricting = clause.kind in _EXCEPTION_KINDS
    if not can_be(clause.cond, restricting, fixed, found):
        return None
    culprits = list(dict.fromkeys(n for r, n in found.items() if r not in fixed))
    nodes = _atom_nodes(clause.cond)
    texts = [describe_cond(nodes[n], vocab) if n in nodes else _term(n, "condition", vocab) for n in culprits] or [
        describe_cond(clause.cond, vocab)]
    listed, several = Items(texts, "semicolon"), len(texts) > 1
    reason: Phrase
    if clause.kind in _EXCEPTION_KINDS:
        kind, factor = "exception", factors.exception
        reason = (Phrase("it does not apply where {conditions}: exceptions the standard does not allow",
                         conditions=listed) if several else
                  Phrase("it does not apply where {conditions}: an exception the standard does not allow",
                         conditions=listed))
    elif clause.kind == "if":
        kind, factor = "condition", factors.condition
        reason = (Phrase("it applies only where {conditions}: conditions the standard does not allow",
                         conditions=listed) if several else
                  Phrase("it applies only where {conditions}: a condition the standard does not allow",
                         conditions=listed))
    else:
        kind, factor = "time_limit", factors.time_limit
        if str(listed).startswith(clause.kind + " "):
            reason = Phrase("it applies only {limit}: a time limit the standard does not allow", limit=listed)
        else:
            reason = Phrase("it applies only {word} {limit}: a time limit the standard does not allow",
                            word=Msg(clause.kind), limit=listed)
    return Restriction(kind, factor ** max(len(culprits), 1), reason)


def _atom_walk(cond: Cond) -> Iterator[tuple[Fact | Member | Compare, str]]:
    """Each atom of a condition (a fact, membership or comparison) with the term name a rule would allow, in order."""
    stack: list[Cond] = [cond]
    while stack:
        node = stack.pop()
        if isinstance(node, Fact):
            yield node, node.term.name
        elif isinstance(node, Member):
            yield node, node.collection.name
        elif isinstance(node, Compare):
            yield node, node.term.name
        elif isinstance(node, Not):
            stack.append(node.operand)
        else:
            stack.extend(reversed(node.operands))


def _atom_nodes(cond: Cond) -> dict[str, Cond]:
    """The atoms of a condition by the term name a rule would allow (as :func:`atoms`), first seen first."""
    found: dict[str, Cond] = {}
    for node, name in _atom_walk(cond):
        found.setdefault(name, node)
    return found


_COMPARATOR_WORDS = {"ge": "at least", "le": "at most", "gt": "more than", "lt": "less than", "eq": ""}


def describe_cond(cond: Cond, vocab: Vocabulary) -> Arg:
    """A condition in plain words: each term by its description, joined by and, or and not.

    >>> from compliance.ast import And, Term
    >>> from compliance.vocabulary import load_vocabulary
    >>> describe_cond(And((Fact(Term("compelled")), Fact(Term("no_realistic_alternative")))), load_vocabulary())[:40]
    'the person was compelled to do the act a'
    """
    if isinstance(cond, Fact):
        return _term(cond.term.name, "condition", vocab)
    if isinstance(cond, Member):
        return Phrase("{item} is one of {collection}", item=_term(cond.item.name, "offence", vocab),
                      collection=_term(cond.collection.name, "offence", vocab))
    if isinstance(cond, Compare):
        quantity = cond.quantity
        words = _COMPARATOR_WORDS.get(quantity.comparator, "")
        template = "{term} is " + (words + " " if words else "") + "{number} {unit}"
        return Phrase(template, term=_term(cond.term.name, "condition", vocab), number=f"{quantity.value:g}",
                      unit=Msg(quantity.unit))
    if isinstance(cond, Not):
        return Phrase("not ({condition})", condition=describe_cond(cond.operand, vocab))
    parts = [describe_cond(o, vocab) for o in cond.operands]
    return Phrase("{parts}", parts=Items([Phrase("({part})", part=p) if isinstance(o, And | Or) else p
                                         for o, p in zip(cond.operands, parts, strict=True)],
                                        "and" if isinstance(cond, And) else "or"))


def _article(text: str) -> str:
    """``a`` or ``an`` before a countable singular noun phrase; nothing before a mass noun (guidance)."""
    if text.split(" ")[0] in ("a", "an", "the", "statutory", "guidance") or text.endswith("guidance"):
        return ""
    return "an " if text[:1] in "aeiou" else "a "


def restrictions_of(norm: Norm, allows: Allows, factors: Restrictions, vocab: Vocabulary,
                    judged: frozenset[str] = frozenset(), judges_period: bool = False) -> list[Restriction]:
    """Every restriction of ``norm`` that ``allows`` does not permit, priced.

    Args:
        norm: The norm.
        allows: The element's stance.
        factors: The generic factors (``rules/scoring.yaml``).
        vocab: The vocabulary (with the statute's local terms), for hedge and source factors and descriptions.
        judged: Condition terms the element's own operators already price (e.g. ``forbidden_conditions``).
        judges_period: Whether the element's own ``duration`` operator judges the norm's period.
    """
    found: list[Restriction] = []
    for clause in norm.clauses:
        restriction = _clause_restriction(clause, allows, set(judged), factors, vocab)
        if restriction is not None:
            found.append(restriction)
    capped = norm.duration is not None and norm.duration.comparator in ("le", "lt")
    if capped and not judges_period and not allows.caps and "caps" not in allows.priced_elsewhere:
        found.append(Restriction("cap", factors.cap, Phrase(
            "the law caps it ({period}), which the standard does not allow", period=str(norm.duration))))
    for hedge in norm.hedges:
        if hedge not in allows.hedges:
            found.append(Restriction("hedge", float(vocab.hedges[hedge]["factor"]), Phrase(
                "the law qualifies it by '{hedge}', which the standard does not allow",
                hedge=Msg(hedge.replace("_", " ")))))
    source = vocab.sources[norm.source]
    if float(source["factor"]) < 1 and norm.source not in allows.sources:
        what = lower_first(str(source.get("description", norm.source)).split(":")[0].rstrip("."))
        found.append(Restriction("source", float(source["factor"]), Phrase(
            "it rests on {source}, not on law with the force of statute", source=Msg(_article(what) + what))))
    who = norm.beneficiary if norm.beneficiary is not None else norm.actor
    narrowing = [q for q in who.qualifiers
                 if vocab.terms["person_qualifier"].get(q, {}).get("narrows") and q not in allows.qualifiers]
    if narrowing:
        who_text = Items([Msg(vocab.describe(q, "person_qualifier"), lower=True) for q in narrowing], "and")
        found.append(Restriction("qualifier", factors.narrower_beneficiary,
                                 Phrase("it covers only persons who are {who}", who=who_text)))
    return found
