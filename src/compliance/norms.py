"""Parse norms (Lark, LALR) into the typed AST of :mod:`compliance.ast` and check their vocabulary.

Syntax errors are raised as :class:`NormSyntaxError` positioned in the YAML file, with the offending
line and a caret; unknown terms as :class:`VocabularyError` with a suggestion.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, cast

from lark import Lark, Token, Transformer, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

from compliance.ast import (
    And,
    Clause,
    Compare,
    Cond,
    Fact,
    Member,
    Norm,
    Not,
    Or,
    Quantity,
    Term,
)
from compliance.errors import ComplianceError, ErrorList, NormSyntaxError, VocabularyError
from compliance.grammar.error_examples import ERROR_EXAMPLES
from compliance.loader import YamlDocument
from compliance.model.legislation import Provision, Statute
from compliance.span import Span, caret_context
from compliance.vocabulary import Vocabulary

#: Maps a 1-based (line, column) inside the norm text to a file span.
Locator = Callable[[int, int], Span]

_MODALITIES = {"shall", "shall_not", "may", "need_not", "shall_consider", "shall_endeavour",
               "should", "should_not"}
_HEDGES = {"to_the_extent_practicable", "in_appropriate_cases", "as_far_as_possible"}
#: Every keyword of the grammar, for suggestions.
KEYWORDS = ("SHALL", "MUST", "NOT", "MAY", "NEED", "CONSIDER", "ENDEAVOUR", "SHOULD", "TO", "OF",
            "FROM", "FOR", "THE", "EXTENT", "PRACTICABLE", "IN", "APPROPRIATE", "CASES", "AS", "FAR",
            "POSSIBLE", "IF", "WHEN", "WHERE", "UNLESS", "EXCEPT", "UNTIL", "DURING", "OR", "AND",
            "AT", "LEAST", "MOST", "MORE", "LESS", "THAN", "FINDING", "POLICY", "SET", "BY")
_COMPARATORS = {"ge", "le", "gt", "lt", "eq"}
_CLAUSES = {"if_": "if", "unless": "unless", "except_": "except", "until": "until", "during": "during"}


def _default_locator(line: int, column: int) -> Span:
    return Span("<norm>", line, column)


#: Maps a position inside the norm being parsed to a file span (set around each parse).
_LOCATE: ContextVar[Locator] = ContextVar("locate", default=_default_locator)


class _ToAst(Transformer[Token, Any]):
    """Builds the AST while the LALR parser reduces (an inline transformer: no parse tree is built)."""

    def _span(self, tok: Token) -> Span:
        return _LOCATE.get()(tok.line or 1, tok.column or 1)

    def norm(self, items: list[Any]) -> list[Any]:
        return items

    def term_ref(self, items: list[Any]) -> Term:
        tok = items[0]
        quals = tuple(str(q) for q in items[1]) if len(items) > 1 else ()
        return Term(str(tok), quals, self._span(tok))

    def qualifiers(self, items: list[Token]) -> list[Token]:
        return items

    def quantity(self, items: list[Any]) -> Quantity:
        comparator = items[0] if len(items) == 3 else "eq"
        number, unit = items[-2], items[-1]
        return Quantity(comparator, float(number), str(unit), self._span(number))

    def fact(self, items: list[Term]) -> Fact:
        return Fact(items[0])

    def member(self, items: list[Term]) -> Member:
        return Member(items[0], items[1])

    def compare(self, items: list[Any]) -> Compare:
        term, comparator, number, unit = items
        return Compare(term, Quantity(comparator, float(number), str(unit), self._span(number)))

    def not_(self, items: list[Cond]) -> Not:
        return Not(items[0])

    def and_(self, items: list[Cond]) -> Cond:
        return items[0] if len(items) == 1 else And(tuple(items))

    def or_(self, items: list[Cond]) -> Cond:
        return items[0] if len(items) == 1 else Or(tuple(items))



def _constant(name: str) -> Any:
    return lambda self, items: name


def _clause(kind: str) -> Any:
    return lambda self, items: Clause(kind, items[0])


def _tagged(tag: str, name: str) -> Any:
    return lambda self, items: (tag, name) if tag == "kind" else (name, items[0])


for _name in _COMPARATORS | _MODALITIES | _HEDGES:
    setattr(_ToAst, _name, _constant(_name))
for _name, _kind in _CLAUSES.items():
    setattr(_ToAst, _name, _clause(_kind))
for _name in ("finding", "policy"):
    setattr(_ToAst, _name, _tagged("kind", _name))
for _name in ("direct", "to", "of", "from_"):
    setattr(_ToAst, _name, _tagged("role", _name))


def _duration(self: _ToAst, items: list[Any]) -> tuple[str, Quantity]:
    quantity: Quantity = items[0]
    return ("duration", replace(quantity, set_by=str(items[1])) if len(items) > 1 else quantity)


_ToAst.duration = _duration  # type: ignore[attr-defined]


@cache
def parser() -> Lark:
    """The LALR parser for the norm grammar, with the AST built inline (built once per process).

    The analysed grammar ships in the package (:mod:`compliance.grammar.tables`, plain Python data
    built from ``norm.lark`` by :mod:`compliance.grammar.build`), so no process analyses the grammar
    and nothing is read from or written to any cache. If ``norm.lark`` was edited without rebuilding
    the tables (their recorded hash differs), the grammar is analysed afresh from the ``.lark`` file.
    """
    from compliance.grammar import build, tables

    text = build.grammar_text()
    if tables.GRAMMAR_SHA256 == build.grammar_hash(text):
        loaded: Lark = Lark._load_from_dict(tables.DATA, tables.MEMO, transformer=_ToAst())  # type: ignore[no-untyped-call]
        return loaded
    return build.analyse(text, transformer=_ToAst())


def parse_norm(text: str, vocab: Vocabulary, locate: Locator = _default_locator,
               span: Span | None = None) -> Norm:
    """Parse one norm and check its terms against the vocabulary.

    Args:
        text: The norm as written.
        vocab: The vocabulary (with any local terms of the statute).
        locate: Maps a position inside ``text`` to a file span.
        span: The span of the whole norm in its file (defaults to ``locate(1, 1)``).

    Raises:
        NormSyntaxError: The text does not follow the grammar.
        VocabularyError: A term is unknown, or used where its category does not fit.
    """
    _check_depth(text, locate)
    token = _LOCATE.set(locate)
    try:
        children = cast(list[Any], parser().parse(text))  # the inline transformer returns the norm parts
    except UnexpectedInput as exc:
        raise _syntax_error(exc, text, locate) from None
    finally:
        _LOCATE.reset(token)
    return _build(children, text, span or locate(1, 1), vocab)


def _build(children: list[Any], text: str, span: Span, vocab: Vocabulary) -> Norm:
    kind = "operative"
    if isinstance(children[0], tuple) and children[0][0] == "kind":
        kind = children[0][1]
        children = children[1:]
    actor, modality, action, *rest = children
    _check(actor, vocab, ("actor", "person"), "an actor (who bears the duty)")
    _check(action, vocab, ("action",), "an action")
    roles: dict[str, Any] = {}
    hedges: list[str] = []
    clauses: list[Clause] = []
    for item in rest:
        if isinstance(item, str):
            hedges.append(item)
        elif isinstance(item, Clause):
            _check_cond(item.cond, vocab)
            clauses.append(item)
        elif item[0] == "duration":
            _check_unit(item[1], vocab)
            if item[1].set_by is not None and item[1].set_by not in vocab.sources:
                raise VocabularyError(f"unknown source '{item[1].set_by}' after SET BY (sources: "
                                      f"{', '.join(vocab.sources)})", item[1].span or span)
            _assign(roles, "duration", item[1], item[1].span or span)
        elif item[0] == "from_":
            _check(item[1], vocab, ("person", "actor"), "a person or body to claim from")
            _assign(roles, "counterparty", item[1], item[1].span or span)
        else:
            term: Term = item[1]
            role = _check(term, vocab, ("person", "object", "offence"), "a person, an object or an offence")
            role = {"person": "beneficiary"}.get(role, role)
            _assign(roles, role, term, term.span or span)
            if role == "beneficiary":
                roles["beneficiary_via"] = {"to": "TO", "of": "OF"}.get(item[0], "")
    return Norm(kind=kind, actor=actor, modality=modality, action=action, hedges=tuple(hedges),
                clauses=tuple(clauses), text=text.strip(), span=span, **roles)


def _assign(roles: dict[str, Any], role: str, value: Any, span: Span) -> None:
    if role in roles:
        raise VocabularyError(f"a norm has one {role}; '{roles[role]}' is already given", span)
    roles[role] = value


def _check(term: Term, vocab: Vocabulary, categories: tuple[str, ...], what: str) -> str:
    span = term.span or Span("<norm>")
    found = vocab.category_of(term.name)
    fitting = [c for c in found if c in categories]
    if not fitting:
        if found:
            category = found[0].replace("_", " ")
            article = "an" if category[0] in "aeiou" else "a"
            raise VocabularyError(f"'{term.name}' is {article} {category} term, but {what} is expected here", span)
        hint = vocab.suggest(term.name, *categories)
        tail = f"; did you mean '{hint}'?" if hint else f" (expected {what}; see docs/norm-language.md)"
        raise VocabularyError(f"unknown term '{term.name}'{tail}", span)
    category = fitting[0]
    qualifier_cat = {"person": "person_qualifier", "object": "object_qualifier",
                     "offence": "offence_qualifier"}.get(category)
    for qualifier in term.qualifiers:
        if qualifier_cat is None:
            raise VocabularyError(f"'{term.name}' takes no qualifiers in brackets", span)
        if not vocab.knows(qualifier, qualifier_cat):
            hint = vocab.suggest(qualifier, qualifier_cat)
            tail = f"; did you mean '{hint}'?" if hint else ""
            raise VocabularyError(f"unknown qualifier '{qualifier}' for '{term.name}'{tail}", span)
    return category


def _check_unit(quantity: Quantity, vocab: Vocabulary) -> None:
    if not math.isfinite(quantity.value):  # more than 308 digits: a float of infinity, which nothing can count
        raise NormSyntaxError("number too large: write a number of at most 308 digits",
                              quantity.span or Span("<norm>"))
    if not vocab.knows(quantity.unit, "unit"):
        hint = vocab.suggest(quantity.unit, "unit")
        units = ", ".join(sorted(vocab.terms.get("unit", ())))
        tail = f"; did you mean '{hint}'?" if hint else f" (units: {units})"
        raise VocabularyError(f"unknown unit '{quantity.unit}'{tail}", quantity.span or Span("<norm>"))


def _check_cond(cond: Cond, vocab: Vocabulary) -> None:
    for node in _walk(cond):
        if isinstance(node, Fact):
            _check(node.term, vocab, ("condition", "person"), "a condition")
        elif isinstance(node, Member):
            _check(node.item, vocab, ("offence", "person", "condition"), "an offence or person")
            _check(node.collection, vocab, ("offence", "condition"), "a list of offences")
        elif isinstance(node, Compare):
            _check(node.term, vocab, ("condition",), "a condition")
            _check_unit(node.quantity, vocab)


def _walk(cond: Cond) -> Iterator[Cond]:
    yield cond
    if isinstance(cond, Not):
        yield from _walk(cond.operand)
    elif isinstance(cond, And | Or):
        for operand in cond.operands:
            yield from _walk(operand)


#: How deeply a norm's conditions may nest (parentheses and NOT, counted together). Real norms nest a
#: few levels; the limit keeps every later stage (building, checking, evaluating) within Python's
#: recursion limit whatever the input.
MAX_NESTING = 50
_NESTING_TOKEN = re.compile(r"\(|\)|\bNOT\b|[A-Za-z_][A-Za-z0-9_]*")


def _check_depth(text: str, locate: Locator) -> None:
    """Refuse a norm whose conditions nest deeper than :data:`MAX_NESTING`, before parsing it.

    One linear scan: each open parenthesis is a level, and each NOT is a level until the operand it
    negates (a term or a parenthesised group) ends.
    """
    pending = [0]  # per open parenthesis: NOTs waiting for their operand
    for match in _NESTING_TOKEN.finditer(text):
        token = match.group()
        if token == "(":
            pending.append(0)
        elif token == ")":
            if len(pending) > 1:
                pending.pop()
            pending[-1] = 0
        elif token == "NOT":
            pending[-1] += 1
        elif not token.isupper():
            pending[-1] = 0
        depth = len(pending) - 1 + sum(pending)
        if depth > MAX_NESTING:
            before = text[:match.start()]
            line = before.count("\n") + 1
            column = match.start() - (before.rfind("\n") + 1) + 1
            source_line = text.splitlines()[line - 1]
            raise NormSyntaxError(f"conditions nest more than {MAX_NESTING} levels deep (parentheses and NOT); "
                                  "split the norm or simplify its conditions", locate(line, column),
                                  caret_context(source_line, column))


def _syntax_error(exc: UnexpectedInput, text: str, locate: Locator) -> NormSyntaxError:
    line, column = exc.line, exc.column
    at_end = getattr(getattr(exc, "token", None), "type", None) == "$END"
    if isinstance(exc, UnexpectedEOF) or at_end or line is None or line < 1:
        lines = text.rstrip().splitlines() or [""]
        line, column = len(lines), len(lines[-1]) + 1
    source_line = text.splitlines()[line - 1] if text.splitlines() else ""
    label = _classify(exc, text)
    context = caret_context(source_line, column)
    return NormSyntaxError(label, locate(line, column), context)


def _classify(exc: UnexpectedInput, text: str) -> str:
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream or 0
        char = text[pos] if pos < len(text) else ""
        if char.isupper() or (char.isalpha() and not char.isascii()):
            word = text[pos:].split()[0] if text[pos:].split() else char
            if word.isupper():
                word = word.rstrip(":,()[]")
                close = difflib.get_close_matches(word, KEYWORDS, n=1, cutoff=0.6)
                tail = f"; did you mean '{close[0]}'?" if close else ""
                return f"unknown keyword '{word}'{tail}"
            return _case_label()
        if char == "]":
            return "unexpected ']': it closes no '['"
        return f"unexpected character {char!r}"
    label = exc.match_examples(parser().parse, ERROR_EXAMPLES, use_accepts=True)
    if label:
        return str(label)
    token = getattr(exc, "token", None)
    return f"unexpected {_token_words(token)}" if token is not None else "unexpected end of norm"


def _case_label() -> str:
    for label in ERROR_EXAMPLES:
        if label.startswith("terms are written in lower case"):
            return label
    return "terms are written in lower case"


def _token_words(token: Token) -> str:
    if token.type == "$END":
        return "end of norm"
    if token.type == "TERM":
        return f"term '{token}'"
    return f"'{token}'"


@dataclass(frozen=True)
class ParsedProvision:
    """A provision with its parsed norms and its position in the statute file."""

    provision: Provision
    norms: tuple[Norm, ...]
    span: Span


@dataclass(frozen=True)
class ParsedStatute:
    """A validated statute whose norms are all parsed: the input of evaluation."""

    statute: Statute
    path: str
    provisions: tuple[ParsedProvision, ...]


def parse_statute(doc: YamlDocument, statute: Statute, vocab: Vocabulary) -> ParsedStatute:
    """Parse every norm of a validated statute, collecting all errors before raising.

    Raises:
        ErrorList: One positioned error per norm that fails to parse or uses an unknown term.
    """
    local: dict[str, str] = {name: term.category for name, term in statute.terms.items()}
    errors: list[ComplianceError] = [
        VocabularyError(f"local term '{name}' is already a {vocab.category_of(name)[0].replace('_', ' ')} term "
                        "of the vocabulary; use it without declaring it", doc.span(("terms", name), key=True))
        for name in local if vocab.category_of(name)
    ]
    vocab = vocab.with_local(local)
    parsed: list[ParsedProvision] = []
    kinds = {instrument.id: instrument.kind for instrument in statute.instruments}
    for index, provision in enumerate(statute.provisions):
        source = kinds.get(provision.instrument, "statute")
        law_path = (provision.instrument, provision.id)
        pspan = doc.span(("provisions", index)).with_law_path(*law_path)
        norms: list[Norm] = []
        for n, text in enumerate(provision.norms):
            path = ("provisions", index, "norms", n)

            def locate(line: int, column: int, path: tuple[str | int, ...] = path,
                       law_path: tuple[str, str] = law_path) -> Span:
                return doc.scalar_span(path, line, column, law_path)

            start = _first_char(text)
            try:
                norms.append(replace(parse_norm(text, vocab, locate, locate(*start)), source=source))
            except ComplianceError as exc:
                errors.append(exc)
        parsed.append(ParsedProvision(provision, tuple(norms), pspan))
    if errors:
        raise ErrorList(errors)
    return ParsedStatute(statute, doc.path, tuple(parsed))


def _first_char(text: str) -> tuple[int, int]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            return number, len(line) - len(line.lstrip()) + 1
    return 1, 1
