"""Typed syntax tree of a parsed norm. Evaluation works on these classes, never on ``lark.Tree``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from compliance.span import Span


@dataclass(frozen=True)
class Term:
    """A vocabulary term, optionally narrowed by qualifiers: ``victim[child, foreign]``."""

    name: str
    qualifiers: tuple[str, ...] = ()
    span: Span | None = field(default=None, compare=False)

    def __str__(self) -> str:
        """Render as written in the norm language."""
        return f"{self.name}[{', '.join(self.qualifiers)}]" if self.qualifiers else self.name


@dataclass(frozen=True)
class Quantity:
    """A number with a unit and an optional comparator: ``AT LEAST 30 days``."""

    comparator: str  # one of ge, le, gt, lt, eq
    value: float
    unit: str
    span: Span | None = field(default=None, compare=False)
    #: The kind of instrument that sets the period, when weaker than the norm's own (``SET BY guidance``).
    set_by: str | None = None

    def __str__(self) -> str:
        """Render as written in the norm language."""
        words = {"ge": "AT LEAST ", "le": "AT MOST ", "gt": "MORE THAN ", "lt": "LESS THAN ", "eq": ""}
        number = int(self.value) if self.value == int(self.value) else self.value
        return f"{words[self.comparator]}{number} {self.unit}"


@dataclass(frozen=True)
class Fact:
    """A condition term that holds or not: ``compelled``."""

    term: Term


@dataclass(frozen=True)
class Member:
    """Membership: ``offence IN listed_offences``."""

    item: Term
    collection: Term


@dataclass(frozen=True)
class Compare:
    """A comparison of a term with a quantity: ``age < 18 years``."""

    term: Term
    quantity: Quantity


@dataclass(frozen=True)
class Not:
    """Negation of a condition."""

    operand: Cond


@dataclass(frozen=True)
class And:
    """Conjunction of conditions."""

    operands: tuple[Cond, ...]


@dataclass(frozen=True)
class Or:
    """Disjunction of conditions."""

    operands: tuple[Cond, ...]


Cond = Fact | Member | Compare | Not | And | Or


def positive_terms(cond: Cond, negated: bool = False) -> Iterator[Term]:
    """Yield the terms that a condition requires to hold (terms under an odd number of NOTs are skipped).

    >>> c = And((Fact(Term("compelled")), Not(Fact(Term("public_order")))))
    >>> [t.name for t in positive_terms(c)]
    ['compelled']
    """
    if isinstance(cond, Fact):
        if not negated:
            yield cond.term
    elif isinstance(cond, Member):
        if not negated:
            yield cond.collection
    elif isinstance(cond, Compare):
        if not negated:
            yield cond.term
    elif isinstance(cond, Not):
        yield from positive_terms(cond.operand, not negated)
    else:
        for operand in cond.operands:
            yield from positive_terms(operand, negated)


def render_cond(cond: Cond, top: bool = True) -> str:
    """Render a condition back in the norm language."""
    if isinstance(cond, Fact):
        return str(cond.term)
    if isinstance(cond, Member):
        return f"{cond.item} IN {cond.collection}"
    if isinstance(cond, Compare):
        quantity = str(cond.quantity)
        return f"{cond.term} {quantity if cond.quantity.comparator != 'eq' else '= ' + quantity}"
    if isinstance(cond, Not):
        return f"NOT {render_cond(cond.operand, False)}"
    word = " AND " if isinstance(cond, And) else " OR "
    text = word.join(render_cond(o, False) for o in cond.operands)
    return text if top else f"({text})"


@dataclass(frozen=True)
class Clause:
    """A clause that limits when a norm applies: IF/WHEN/WHERE, UNLESS, EXCEPT, UNTIL or DURING."""

    kind: str  # if, unless, except, until, during
    cond: Cond


@dataclass(frozen=True)
class Norm:
    """One parsed norm statement.

    Attributes:
        kind: ``operative``, ``finding`` or ``policy``.
        actor: Who bears the duty or holds the power.
        modality: A modality key of the vocabulary (``shall``, ``shall_not``, ``may``, ...).
        action: What is done.
        object: What is provided, granted or ordered, if anything.
        beneficiary: The person the norm is for (or acts upon), if any.
        offence: The offence concerned (``OF offence``), if any.
        counterparty: The person something is claimed from (``FROM offender``), if any.
        duration: A period (``FOR AT LEAST 30 days``), if any.
        hedges: Hedge keys (``to_the_extent_practicable``, ...).
        clauses: Conditions, exceptions and time limits.
        source: The kind of instrument the norm comes from (``statute``, ``guidance``, ...).
        beneficiary_via: The keyword that introduced the beneficiary (``TO``, ``OF``), or ``""``.
        text: The norm as written.
        span: Where the norm starts in its YAML file.
    """

    kind: str
    actor: Term
    modality: str
    action: Term
    object: Term | None = None
    beneficiary: Term | None = None
    offence: Term | None = None
    counterparty: Term | None = None
    duration: Quantity | None = None
    hedges: tuple[str, ...] = ()
    clauses: tuple[Clause, ...] = ()
    source: str = "statute"
    beneficiary_via: str = field(default="", compare=False)
    text: str = field(default="", compare=False)
    span: Span | None = field(default=None, compare=False)

    def clauses_of(self, *kinds: str) -> tuple[Clause, ...]:
        """Return the clauses of the given kinds, in order."""
        return tuple(c for c in self.clauses if c.kind in kinds)


_MODALITY_WORDS = {
    "shall": "SHALL", "shall_not": "SHALL NOT", "may": "MAY", "need_not": "NEED NOT",
    "shall_consider": "SHALL CONSIDER", "shall_endeavour": "SHALL ENDEAVOUR TO",
    "should": "SHOULD", "should_not": "SHOULD NOT",
}
_CLAUSE_WORDS = {"if": "IF", "unless": "UNLESS", "except": "EXCEPT", "until": "UNTIL", "during": "DURING"}


def render_norm(norm: Norm) -> str:
    """Print a norm in canonical form (one line); parsing the result gives back an equal norm.

    >>> n = Norm("operative", Term("court"), "shall_not", Term("convict"), beneficiary=Term("victim", ("adult",)))
    >>> render_norm(n)
    'court SHALL NOT convict victim[adult]'
    """
    parts = [] if norm.kind == "operative" else [f"{norm.kind.upper()}:"]
    parts += [str(norm.actor), _MODALITY_WORDS[norm.modality], str(norm.action)]
    if norm.object is not None:
        parts.append(str(norm.object))
    if norm.beneficiary is not None:
        via = norm.beneficiary_via or ("TO" if norm.object is not None else "")
        parts.append(f"{via} {norm.beneficiary}".strip())
    if norm.offence is not None:
        parts.append(f"OF {norm.offence}")
    if norm.counterparty is not None:
        parts.append(f"FROM {norm.counterparty}")
    if norm.duration is not None:
        parts.append(f"FOR {norm.duration}" + (f" SET BY {norm.duration.set_by}" if norm.duration.set_by else ""))
    parts += [h.replace("_", " ").upper() for h in norm.hedges]
    parts += [f"{_CLAUSE_WORDS[c.kind]} {render_cond(c.cond)}" for c in norm.clauses]
    return " ".join(parts)


def _atoms(cond: Cond) -> list[str]:
    if isinstance(cond, Fact):
        return [cond.term.name]
    if isinstance(cond, Member | Compare):
        return [render_cond(cond)]
    if isinstance(cond, Not):
        return _atoms(cond.operand)
    return [a for operand in cond.operands for a in _atoms(operand)]


def _holds(cond: Cond, values: dict[str, bool]) -> bool:
    if isinstance(cond, Fact):
        return values[cond.term.name]
    if isinstance(cond, Member | Compare):
        return values[render_cond(cond)]
    if isinstance(cond, Not):
        return not _holds(cond.operand, values)
    results = (_holds(o, values) for o in cond.operands)
    return all(results) if isinstance(cond, And) else any(results)


def satisfiable(cond: Cond, true: set[str], false: set[str]) -> bool:
    """Tell whether ``cond`` can hold with the ``true`` terms true and the ``false`` terms false.

    Other terms are free. Exhaustive over the free terms (norms have a handful).

    >>> c = Or((Fact(Term("coercive_means")), Fact(Term("victim_child"))))
    >>> satisfiable(c, {"victim_child"}, {"coercive_means"}), satisfiable(c, set(), {"coercive_means", "victim_child"})
    (True, False)
    """
    atoms = list(dict.fromkeys(_atoms(cond)))
    free = [a for a in atoms if a not in true and a not in false]
    fixed = {a: a in true for a in atoms if a in true or a in false}
    for bits in range(2 ** len(free)):
        values = {**fixed, **{a: bool(bits >> i & 1) for i, a in enumerate(free)}}
        if _holds(cond, values):
            return True
    return False
