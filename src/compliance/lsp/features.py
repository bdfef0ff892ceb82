"""Completion, hover, go to definition and quick fixes: pure functions of the :class:`Analyzer` and a document.

Each takes the document's URI and text and an LSP position, and returns lsprotocol values (or
``None``). None of them writes to the editor; :mod:`compliance.lsp.server` sends what they return.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from lark import UnexpectedInput
from lsprotocol import types

from compliance.lsp.analysis import SOURCE, Analyzer, local_terms, offending, suggestion
from compliance.lsp.context import Node, ancestors, in_norm, keys, norm_before
from compliance.lsp.positions import Lines
from compliance.model.results import Report
from compliance.norms import parser
from compliance.vocabulary import Vocabulary

_PARTIAL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")
_WORD = re.compile(r"[A-Za-z0-9_]+")
_QUALIFIED = re.compile(r"([a-z][a-z0-9_]*)\s*\[[^\[\]]*$")
#: The categories whose terms are written outside brackets, and the qualifier category of each bracket.
_TERM_CATEGORIES = ("actor", "action", "object", "person", "condition", "offence", "unit")
_QUALIFIERS = {"person": "person_qualifier", "object": "object_qualifier", "offence": "offence_qualifier"}
#: How much of a treaty text a hover shows before saying where to read the rest.
_TREATY_TEXT_CHARS = 1200


@cache
def grammar_keywords() -> tuple[str, ...]:
    """The keywords of the norm grammar (its terminals that are words in capitals), in grammar order."""
    out = []
    for terminal in parser().terminals:
        value = getattr(terminal.pattern, "value", "")
        if terminal.pattern.type == "str" and value.isalpha() and value.isupper():
            out.append(value)
    return tuple(dict.fromkeys(out))


def next_tokens(before: str) -> set[str] | None:
    """The terminals the grammar accepts after ``before`` (a norm's beginning); ``None`` if it cannot tell."""
    try:
        interactive = parser().parse_interactive(before)
        interactive.exhaust_lexer()
        return set(interactive.accepts())  # type: ignore[no-untyped-call]
    except (UnexpectedInput, RecursionError, ValueError, TypeError, AttributeError):
        return None


def _keyword_notes(vocab: Vocabulary, keyword: str) -> str:
    """What the vocabulary says of the modalities, kinds and hedges written with ``keyword``."""
    notes = []
    for table in (vocab.modalities, vocab.kinds, vocab.hedges):
        for entry in table.values():
            reads = str(entry.get("reads", ""))
            if keyword in re.findall(r"[A-Z]+", reads):
                notes.append(f"{reads}: {entry.get('description', '')}")
    return "\n".join(notes)


def _markdown(value: str) -> types.MarkupContent:
    return types.MarkupContent(kind=types.MarkupKind.Markdown, value=value)


def _term_item(name: str, categories: list[str], description: str, edit: types.Range,
               kind: types.CompletionItemKind = types.CompletionItemKind.Value) -> types.CompletionItem:
    return types.CompletionItem(
        label=name, kind=kind, detail=", ".join(c.replace("_", " ") for c in categories),
        documentation=types.MarkupContent(kind=types.MarkupKind.PlainText, value=description),
        text_edit=types.TextEdit(range=edit, new_text=name))


def _describe(vocab: Vocabulary, category: str, name: str) -> str:
    return str(vocab.terms.get(category, {}).get(name, {}).get("description", ""))


def _data(analyzer: Analyzer, uri: str) -> dict[str, Any]:
    """The data of the last version of the document that was valid YAML (maybe older than the text)."""
    doc = analyzer.state(uri).doc
    return doc.data if doc is not None and isinstance(doc.data, dict) else {}


def completion(analyzer: Analyzer, uri: str, text: str, position: types.Position) -> types.CompletionList | None:
    """Completions at ``position``: inside a norm, keywords and terms (qualifiers inside brackets); instrument ids.

    Keywords are those the grammar accepts at that point of the norm (all of them when the norm
    before the cursor does not parse); terms carry their description; a statute's local terms
    come from the last version of the file that was valid YAML.
    """
    lines = Lines(text, analyzer.encoding)
    column = lines.column(position.line, position.character)
    chain = ancestors(lines, position.line, column)
    partial = _PARTIAL.search(lines.line(position.line)[:column])
    start = partial.start() if partial else column
    edit = types.Range(start=types.Position(line=position.line, character=lines.lsp_character(position.line, start)),
                       end=position)
    items: list[types.CompletionItem] | None
    if in_norm(chain):
        items = _norm_items(analyzer, uri, norm_before(lines, chain, position.line, start), edit)
    else:
        items = _instrument_items(analyzer, uri, chain, edit)
    if items is None:
        return None
    return types.CompletionList(is_incomplete=False, items=items)


def _norm_items(analyzer: Analyzer, uri: str, before: str, edit: types.Range) -> list[types.CompletionItem]:
    vocab = analyzer.vocab
    bracket = _QUALIFIED.search(before)
    if bracket is not None:
        found = [_QUALIFIERS[c] for c in vocab.category_of(bracket[1]) if c in _QUALIFIERS]
        return [_term_item(name, [category], str(entry.get("description", "")), edit,
                           types.CompletionItemKind.EnumMember)
                for category in found for name, entry in vocab.terms.get(category, {}).items()]
    accepted = next_tokens(before)
    items = [types.CompletionItem(label=word, kind=types.CompletionItemKind.Keyword, detail="keyword",
                                  documentation=_keyword_notes(vocab, word) or None,
                                  text_edit=types.TextEdit(range=edit, new_text=word))
             for word in grammar_keywords() if accepted is None or word in accepted]
    if accepted is not None and "TERM" not in accepted:
        return items
    if re.search(r"\bSET\s+BY\s*$", before):
        return [_term_item(name, ["source"], str(entry.get("description", "")), edit)
                for name, entry in vocab.sources.items()]
    names: dict[str, list[str]] = {}
    for category in _TERM_CATEGORIES:
        for name in vocab.terms.get(category, {}):
            names.setdefault(name, []).append(category)
    for name, categories in names.items():
        description = " / ".join(filter(None, (_describe(vocab, c, name) for c in categories)))
        items.append(_term_item(name, categories, description, edit))
    for name, (category, description) in local_terms(_data(analyzer, uri)).items():
        if name not in names:
            items.append(_term_item(name, [f"local {category}"], " ".join(description.split()), edit,
                                    types.CompletionItemKind.Variable))
    return items


def _instrument_items(analyzer: Analyzer, uri: str, chain: list[Node],
                      edit: types.Range) -> list[types.CompletionItem] | None:
    """Instrument ids where one is expected: a provision's ``instrument:`` (the file's own), else the rule set's."""
    names = keys(chain)
    kind = analyzer.state(uri).kind
    wanted = (chain and chain[0].kind == "key" and chain[0].name == "instrument") or (
        kind == "profiles" and len(chain) >= 2 and chain[0].kind == "item" and chain[1].name == "instruments")
    if not wanted:
        return None
    if kind == "statute" and "provisions" in names:
        return [types.CompletionItem(label=str(entry.get("id")), kind=types.CompletionItemKind.Reference,
                                     detail=str(entry.get("citation") or ""),
                                     documentation=str(entry.get("title") or "") or None,
                                     text_edit=types.TextEdit(range=edit, new_text=str(entry.get("id"))))
                for entry in _data(analyzer, uri).get("instruments") or []
                if isinstance(entry, dict) and entry.get("id")]
    return [types.CompletionItem(label=inst.id, kind=types.CompletionItemKind.Reference, detail=inst.name,
                                 documentation=inst.title, text_edit=types.TextEdit(range=edit, new_text=inst.id))
            for inst in analyzer.rules.instruments.values()]


def _word_at(lines: Lines, position: types.Position) -> tuple[str, int, int] | None:
    """The word under the cursor and its character columns (``[start, end)``)."""
    text = lines.line(position.line)
    column = lines.column(position.line, position.character)
    for found in _WORD.finditer(text):
        if found.start() <= column <= found.end():
            return found[0], found.start(), found.end()
    return None


def _range(lines: Lines, line: int, start: int, end: int) -> types.Range:
    return types.Range(start=types.Position(line=line, character=lines.lsp_character(line, start)),
                       end=types.Position(line=line, character=lines.lsp_character(line, end)))


def hover(analyzer: Analyzer, uri: str, text: str, position: types.Position) -> types.Hover | None:
    """On a term inside a norm: its category and description. On a provision's id or heading: its verdicts."""
    lines = Lines(text, analyzer.encoding)
    column = lines.column(position.line, position.character)
    chain = ancestors(lines, position.line, column)
    if in_norm(chain):
        word = _word_at(lines, position)
        if word is None:
            return None
        value = _term_hover(analyzer, uri, word[0])
        return None if value is None else types.Hover(contents=_markdown(value),
                                                      range=_range(lines, position.line, word[1], word[2]))
    if analyzer.state(uri).kind == "statute":
        value = _provision_hover(analyzer, uri, text, position.line)
        return None if value is None else types.Hover(contents=_markdown(value))
    return None


def _term_hover(analyzer: Analyzer, uri: str, name: str) -> str | None:
    vocab = analyzer.vocab
    parts = [f"**{name}** ({category.replace('_', ' ')}): {entry.get('description', '')}"
             for category, table in vocab.terms.items() for term, entry in table.items() if term == name]
    local = local_terms(_data(analyzer, uri)).get(name)
    if local is not None:
        parts.append(f"**{name}** (local {local[0]}, declared under `terms:`): {' '.join(local[1].split())}")
    return "\n\n".join(parts) or None


def provision_at(analyzer: Analyzer, uri: str, text: str, line: int) -> int | None:
    """The index of the provision whose ``id`` or ``heading`` is written on ``line`` (0-based), in the current text."""
    state = analyzer.state(uri)
    doc = state.doc
    if doc is None or state.doc_text != text or not isinstance(doc.data, dict):
        return None
    for index in range(len(doc.data.get("provisions") or [])):
        for field_name in ("id", "heading"):
            span = doc.span(("provisions", index, field_name))
            if span.line - 1 <= line <= max(span.end_line, span.line) - 1 and doc.positions.get(
                    ("provisions", index, field_name)) is not None:
                return index
    return None


def _provision_hover(analyzer: Analyzer, uri: str, text: str, line: int) -> str | None:
    index = provision_at(analyzer, uri, text, line)
    if index is None:
        return None
    provision = analyzer.state(uri).doc.data["provisions"][index]  # type: ignore[union-attr]
    pid, instrument = str(provision.get("id")), str(provision.get("instrument"))
    report = analyzer.report(uri, text)
    if report is None:
        return f"**{pid}**: verdicts are shown once the file has no errors (see the problems list)."
    return provision_verdicts(report, pid, instrument)


def provision_verdicts(report: Report, provision: str, instrument: str) -> str:
    """Markdown: the requirements whose verdict cites ``provision`` as evidence, with titles and treaty texts."""
    head = (f"**{provision}** as of {report.as_of}, standard {report.standard}: ")
    cited = [r for r in report.requirements
             if any(e.provision == provision and e.instrument == instrument for e in r.evidence)]
    if not cited:
        return head + "no requirement's verdict cites this provision as evidence."
    out = [head + f"evidence for {len(cited)} requirement{'s' if len(cited) != 1 else ''}."]
    for req in cited:
        elements = sorted({e.element for e in req.evidence if e.provision == provision and e.instrument == instrument})
        out.append(f"### {req.id}: {req.title}\n\n**{req.status.replace('_', ' ')}** (score {req.score}); "
                   f"elements: {', '.join(elements)}; {req.citation}")
        treaty = " ".join(req.treaty_text.split())
        if len(treaty) > _TREATY_TEXT_CHARS:
            treaty = treaty[:_TREATY_TEXT_CHARS].rstrip() + f" … (cut here: `compliance explain {req.id}` shows it all)"
        out.append(f"Treaty text ({req.treaty_text_status}):\n\n> {treaty}")
    return "\n\n".join(out)


def definition(analyzer: Analyzer, uri: str, text: str, position: types.Position) -> types.Location | None:
    """A local term in a norm: its entry under ``terms:``. An instrument id after ``instrument:``: its declaration."""
    lines = Lines(text, analyzer.encoding)
    column = lines.column(position.line, position.character)
    chain = ancestors(lines, position.line, column)
    word = _word_at(lines, position)
    if word is None:
        return None
    if in_norm(chain):
        found = _declared(lines, "terms", rf"(?P<name>{re.escape(word[0])})[ \t]*:")
        return None if found is None else types.Location(uri=uri, range=_range(lines, *found))
    if not (chain and chain[0].kind == "key" and chain[0].name == "instrument"):
        return None
    value = lines.line(position.line)[chain[0].value:].split("#")[0].strip().strip("'\"")
    if not value:
        return None
    if analyzer.state(uri).kind == "statute" and "provisions" in keys(chain):
        pattern = rf"(?:- +)?id[ \t]*:[ \t]*['\"]?(?P<name>{re.escape(value)})['\"]?[ \t]*(?:#.*)?$"
        found = _declared(lines, "instruments", pattern)
        return None if found is None else types.Location(uri=uri, range=_range(lines, *found))
    return _rule_set_instrument(analyzer.rules_folder, value)


def _declared(lines: Lines, section: str, pattern: str) -> tuple[int, int, int] | None:
    """Where ``pattern`` (a group ``name``) first matches a line of the top-level ``section``: (line, start, end)."""
    compiled = re.compile(rf" *{pattern}")
    inside = False
    for number in range(len(lines)):
        text = lines.line(number)
        if text[:1] not in ("", " ", "\t", "#", "-"):
            inside = re.match(rf"{section}[ \t]*:", text) is not None
            continue
        if inside:
            found = compiled.match(text)
            if found:
                return number, found.start("name"), found.end("name")
    return None


def _rule_set_instrument(folder: Path, instrument: str) -> types.Location | None:
    """The ``id:`` of an instrument in the rule set's ``instruments.yaml``."""
    from compliance.errors import ComplianceError
    from compliance.loader import load_yaml

    path = folder / "instruments.yaml"
    try:
        doc = load_yaml(path)
    except ComplianceError:
        return None
    for index, entry in enumerate(doc.data.get("instruments") or []):
        if isinstance(entry, dict) and entry.get("id") == instrument:
            span = doc.span(("instruments", index, "id"))
            start = types.Position(line=span.line - 1, character=span.column - 1)
            end = types.Position(line=span.line - 1, character=span.column - 1 + len(instrument))
            return types.Location(uri=path.resolve().as_uri(), range=types.Range(start=start, end=end))
    return None


def code_actions(uri: str, text: str, diagnostics: list[types.Diagnostic],
                 encoding: str = "utf-16") -> list[types.CodeAction]:
    """A quick fix for each of our diagnostics that says "did you mean ...": replace the offending text."""
    lines = Lines(text, encoding)
    out = []
    for diagnostic in diagnostics:
        if diagnostic.source != SOURCE:
            continue
        replacement, wrong = suggestion(diagnostic.message), offending(diagnostic.message)
        if not replacement or not wrong or diagnostic.range.start.line != diagnostic.range.end.line:
            continue
        line = diagnostic.range.start.line
        start = lines.column(line, diagnostic.range.start.character)
        end = lines.column(line, diagnostic.range.end.character)
        covered = lines.line(line)[start:end]
        at = 0 if covered == wrong else covered.find(wrong)
        if at < 0:
            continue
        target = _range(lines, line, start + at, start + at + len(wrong))
        out.append(types.CodeAction(
            title=f"Replace '{wrong}' with '{replacement}'", kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic], is_preferred=True,
            edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(range=target, new_text=replacement)]})))
    return out
