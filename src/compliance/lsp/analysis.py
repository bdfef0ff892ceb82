"""What the language server knows about a document, as pure functions of its text: no I/O with the editor.

The entry point is :func:`diagnose` (what the bench's row L1 times)::

    from compliance.lsp.analysis import Analyzer, diagnose
    state = Analyzer()                       # loads the bundled rule set once, on first use
    diagnose("file:///x/xy.yaml", text, state)      # the first, full analysis of the file
    diagnose("file:///x/xy.yaml", edited, state)    # after an edit: only what the edit touched

Diagnostics are the problems ``compliance validate --strict`` reports for the file, with the same
messages, each at the range of the offending text (see :func:`error_range`). The command line
stops at the first stage that fails (YAML, then schema, then norms, then the strict checks); an
editor shows every stage that can run, so norm errors stay visible while a provision's other
keys are half typed, and the strict checks run once the schema is valid.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types

from compliance import api
from compliance.errors import ComplianceError, ErrorList
from compliance.loader import YamlDocument, parse_yaml
from compliance.lsp.chunks import ChunkedReader
from compliance.lsp.positions import UTF16, Lines
from compliance.model.legislation import Statute
from compliance.model.results import Report
from compliance.model.rules import InstrumentsFile, ProfilesFile, RuleSet, Scoring
from compliance.norms import parse_norm, parse_statute
from compliance.registry import check_rule_file
from compliance.span import Span
from compliance.validate import strict_problems, strict_warnings, validate_document, validate_statute
from compliance.vocabulary import LOCAL_CATEGORIES, Vocabulary, load_vocabulary

SOURCE = "compliance"

#: A top-level key: a word at the start of a line, followed by a colon.
_TOP_KEY = re.compile(r"\n([A-Za-z_][A-Za-z0-9_]*)[ \t]*:")
_WORD = re.compile(r"[A-Za-z0-9_]+")
#: The text an error is about: the first quoted word after "unknown ...", else the first quoted word.
_UNKNOWN_QUOTED = re.compile(r"unknown [a-z_ ]*?(['\"])(.+?)\1")
_QUOTED = re.compile(r"(['\"])(.+?)\1")
_SUGGESTION = re.compile(r"did you mean (['\"])(.+?)\1\?")


def detect_kind(text: str) -> str | None:
    r"""Which file ``text`` is, from its top-level keys, as ``compliance validate`` decides; ``None`` if not ours.

    ``statute`` (``provisions:`` or ``jurisdiction:``), ``rules`` (``requirements:``), ``waivers``,
    ``instruments`` (``rules_version:``), ``scoring`` (``method:`` and ``areas:``) or ``profiles``.
    Works on text that is not (yet) valid YAML.

    >>> detect_kind("jurisdiction:\n  code: xy\n"), detect_kind("waivers: []\n"), detect_kind("a: 1\n")
    ('statute', 'waivers', None)
    """
    keys = set(_TOP_KEY.findall("\n" + text))
    if "requirements" in keys:
        return "rules"
    if "rules_version" in keys:
        return "instruments"
    if "method" in keys and "areas" in keys:
        return "scoring"
    if "profiles" in keys:
        return "profiles"
    if "waivers" in keys:
        return "waivers"
    if "provisions" in keys or "jurisdiction" in keys:
        return "statute"
    return None


def uri_to_name(uri: str) -> str:
    """The path a ``file:`` URI names (as spans carry it), else the URI itself."""
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else uri


def offending(message: str) -> str | None:
    """The text a message is about: ``'asistance'`` in "unknown term 'asistance'; did you mean ...".

    >>> offending("unknown qualifier 'adlt' for 'victim'; did you mean 'adult'?"), offending("no quotes")
    ('adlt', None)
    """
    found = _UNKNOWN_QUOTED.search(message) or _QUOTED.search(message)
    return found[2] if found else None


def suggestion(message: str) -> str | None:
    """The replacement a "did you mean" message proposes.

    >>> suggestion("unknown term 'asistance'; did you mean 'assistance'?")
    'assistance'
    """
    found = _SUGGESTION.search(message)
    return found[2] if found else None


def _token_end(line: str, start: int) -> int:
    """Where the token starting at ``start`` ends: a word, or one other character (empty at the line's end)."""
    if start >= len(line):
        return start
    found = _WORD.match(line, start)
    return found.end() if found else start + 1


def error_range(span: Span, message: str, lines: Lines) -> types.Range:
    """The range to underline for an error: the offending text, inside the document.

    A span with an end (a YAML node) covers that node, cut to its first line; a point span (inside
    a norm) covers the token there, or the word the message names when it stands later on the same
    line (an unknown qualifier inside the brackets after its term, an unknown unit after its number).
    """
    line, start = lines.place(span.line, span.column)
    text = lines.line(line)
    end = _token_end(text, start)
    if span.end_line:
        end_line, end_column = lines.place(span.end_line, span.end_column)
        if end_line == line and end_column > start:
            end = end_column
        elif end_line > line:
            end = max(len(text.rstrip()), start)
    else:
        word = offending(message)
        if word and text[start:end] != word:
            found = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(word)}(?![A-Za-z0-9_])").search(text, start)
            if found:
                start, end = found.start(), found.end()
    return types.Range(start=types.Position(line=line, character=lines.lsp_character(line, start)),
                       end=types.Position(line=line, character=lines.lsp_character(line, end)))


def to_diagnostic(error: ComplianceError, lines: Lines, warning: bool = False) -> types.Diagnostic:
    """An LSP diagnostic for an engine error: its message, the range of its text, its code if it has one."""
    code = getattr(error, "code", None)
    return types.Diagnostic(
        range=error_range(error.span, error.message, lines), message=error.message,
        severity=types.DiagnosticSeverity.Warning if warning else types.DiagnosticSeverity.Error,
        source=SOURCE, code=code if isinstance(code, str | int) and not isinstance(code, bool) else None)


def _errors(exc: ComplianceError | ErrorList) -> list[ComplianceError]:
    return list(exc.errors) if isinstance(exc, ErrorList) else [exc]


def _relative(line: int, column: int) -> Span:
    return Span("", line, column)


def _first_char(text: str) -> tuple[int, int]:
    """Where a norm's text starts (as :mod:`compliance.norms` places a norm's own span)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            return number, len(line) - len(line.lstrip()) + 1
    return 1, 1


_UNSEEN = object()

#: A norm's check, placed inside the norm text: ``None`` when it parses, else (class, message, line, column, context).
NormResult = tuple[type[ComplianceError], str, int, int, str | None] | None


@dataclass
class DocumentState:
    """What is kept about one open document between edits."""

    kind: str | None = None
    text: str | None = None
    diagnostics: list[types.Diagnostic] = field(default_factory=list)
    #: The last version of the document that was well-formed YAML, and its text (maybe older than ``text``).
    doc: YamlDocument | None = None
    doc_text: str | None = None
    #: The validated statute of ``doc`` (a statute file whose schema is valid), else ``None``.
    statute: Statute | None = None
    #: Whether ``text`` has no error at all (warnings allowed).
    clean: bool = False
    reader: ChunkedReader = field(default_factory=ChunkedReader)
    #: The check of each norm text, valid for the local terms ``norms_key`` (name, category) of the file.
    norms: dict[str, NormResult | object] = field(default_factory=dict)
    norms_key: tuple[tuple[str, str], ...] = ()
    report: tuple[str, Report | None] | None = None
    #: The diagnostic of each error of the last version, keyed by the error and the text of its lines.
    converted: dict[tuple[Any, ...], types.Diagnostic] = field(default_factory=dict)


class Analyzer:
    """The language server's state: the rule set, the vocabulary, and what it keeps per open document.

    Args:
        rules: The rule set (default: loaded on first use from ``rules_dir``, or the bundled one).
        rules_dir: Where to load the rule set from.
        strict: Also report what ``validate --strict`` adds (curated-corpus checks and warnings).
        encoding: The LSP position encoding agreed with the client (``utf-16``, ``utf-8``, ``utf-32``).
    """

    def __init__(self, rules: RuleSet | None = None, rules_dir: Path | None = None, *, strict: bool = True,
                 encoding: str = UTF16) -> None:
        self._rules = rules
        self.rules_dir = rules_dir
        self.strict = strict
        self.encoding = encoding
        self.vocab: Vocabulary = load_vocabulary()
        self.documents: dict[str, DocumentState] = {}
        self._scratch: Path | None = None

    @property
    def rules(self) -> RuleSet:
        """The rule set, loaded once."""
        if self._rules is None:
            self._rules = api.load_rules(self.rules_dir)
        return self._rules

    @property
    def rules_folder(self) -> Path:
        """The folder of the rule set in use."""
        from compliance.resources import bundled_rules_dir

        return self.rules_dir or bundled_rules_dir()

    def state(self, uri: str) -> DocumentState:
        """The state kept for ``uri`` (created empty)."""
        return self.documents.setdefault(uri, DocumentState())

    def forget(self, uri: str) -> None:
        """Drop what is kept about a closed document."""
        self.documents.pop(uri, None)

    def diagnose(self, uri: str, text: str) -> list[types.Diagnostic]:
        """The diagnostics of ``text``, the current content of ``uri`` (see :func:`diagnose`)."""
        state = self.state(uri)
        if state.text == text:
            return state.diagnostics
        state.kind = detect_kind(text)
        state.text, state.clean, state.report = text, False, None
        found: list[tuple[ComplianceError, bool]] = []
        if state.kind == "statute":
            found = self._statute(uri, text, state)
        elif state.kind is not None:
            found = [(e, False) for e in self._other(uri, text, state)]
        state.clean = state.kind is not None and not any(not warning for _, warning in found)
        split = state.doc.lines if state.doc is not None and state.doc_text == text else None
        lines = Lines(text, self.encoding, split)
        state.diagnostics = self._convert(found, lines, state)
        return state.diagnostics

    def _convert(self, found: list[tuple[ComplianceError, bool]], lines: Lines,
                 state: DocumentState) -> list[types.Diagnostic]:
        """The diagnostics of the errors, reusing those of the last version for an error whose lines are unchanged."""
        previous, state.converted = state.converted, {}
        out = []
        for error, warning in found:
            span = error.span
            key = None
            if lines.yaml_starts is None:  # the range depends only on the error and the text of its lines
                start = lines.place(span.line, span.column)
                end = lines.place(span.end_line, span.end_column) if span.end_line else None
                key = (type(error), error.message, warning, start, lines.line(start[0]), end,
                       lines.line(end[0]) if end else "")
            diagnostic = state.converted.get(key) if key else None
            if diagnostic is None and key is not None:
                diagnostic = previous.get(key)
            if diagnostic is None:
                diagnostic = to_diagnostic(error, lines, warning)
            if key is not None:
                state.converted[key] = diagnostic
            out.append(diagnostic)
        return out

    def _read(self, uri: str, text: str, state: DocumentState, chunked: bool) -> YamlDocument:
        name = uri_to_name(uri)
        doc = state.reader.read(text, name) if chunked else None
        if doc is None:  # read as the command line reads a file: its bytes (so NUL bytes and a BOM are seen)
            doc = parse_yaml(text.encode("utf-8", "surrogatepass"), name)
        state.doc, state.doc_text = doc, text
        return doc

    def _statute(self, uri: str, text: str, state: DocumentState) -> list[tuple[ComplianceError, bool]]:
        try:
            doc = self._read(uri, text, state, chunked=True)
        except ComplianceError as exc:
            return [(exc, False)]
        rules = self.rules
        found: list[tuple[ComplianceError, bool]] = []
        statute: Statute | None = None
        try:
            statute = validate_statute(doc, set(rules.instruments), {a.id for a in rules.scoring.areas})
        except (ComplianceError, ErrorList) as exc:
            found += [(e, False) for e in _errors(exc)]
        state.statute = statute
        found += [(e, False) for e in self._norm_errors(doc, state)]
        if statute is not None:
            try:  # the local-term checks of parse_statute, without parsing the norms again
                parse_statute(doc, statute.model_copy(update={"provisions": []}), self.vocab)
            except (ComplianceError, ErrorList) as exc:
                found += [(e, False) for e in _errors(exc)]
            if self.strict:
                found += [(e, False) for e in strict_problems(doc, statute)]
                found += [(e, True) for e in strict_warnings(doc, statute)]
        return found

    def _norm_errors(self, doc: YamlDocument, state: DocumentState) -> list[ComplianceError]:
        """Check every norm of the document, reusing the result for each norm text seen before."""
        data = doc.data if isinstance(doc.data, dict) else {}
        local = {name: category for name, (category, _) in local_terms(data).items()}
        key = tuple(sorted(local.items()))
        vocab = self.vocab.with_local(local)
        previous = state.norms if state.norms_key == key else {}
        state.norms, state.norms_key = {}, key
        errors: list[ComplianceError] = []
        for path, text in norm_texts(data):
            result = state.norms.get(text, _UNSEEN)
            if result is _UNSEEN:
                result = previous.get(text, _UNSEEN)
                if result is _UNSEEN:
                    result = check_norm(text, vocab)
                state.norms[text] = result
            if isinstance(result, tuple):
                cls, message, line, column, context = result
                errors.append(cls(message, doc.scalar_span(path, line, column), context))
        return errors

    def _other(self, uri: str, text: str, state: DocumentState) -> list[ComplianceError]:
        """Rule, waiver, instruments, scoring and profiles files: checked whole, as ``validate`` does."""
        try:
            doc = self._read(uri, text, state, chunked=False)
            rules = self.rules
            if state.kind == "rules":
                check_rule_file(doc, rules, self.vocab)
            elif state.kind == "waivers":
                self._waivers(text)
            else:
                self._data_file(doc, str(state.kind))
        except (ComplianceError, ErrorList) as exc:
            return _errors(exc)
        return []

    @staticmethod
    def _data_file(doc: YamlDocument, kind: str) -> None:
        """Validate ``instruments.yaml``, ``scoring.yaml`` or ``profiles.yaml`` against its model."""
        if kind == "instruments":
            validate_document(doc, InstrumentsFile)
        elif kind == "scoring":
            validate_document(doc, Scoring)
        else:
            validate_document(doc, ProfilesFile)

    def _waivers(self, text: str) -> None:
        """Check a waiver file with :func:`compliance.policy.waivers.load_waivers`, which reads a path."""
        from compliance.policy.waivers import load_waivers

        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix="compliance-lsp-"))
        target = self._scratch / "waivers.yaml"
        target.write_text(text, encoding="utf-8")
        try:
            load_waivers(target, {r.id for r in self.rules.requirements})
        finally:
            target.unlink(missing_ok=True)

    def close(self) -> None:
        """Remove the scratch folder, if one was made."""
        if self._scratch is not None:
            import shutil

            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def report(self, uri: str, text: str) -> Report | None:
        """The report of a statute file whose text has no error (``None`` otherwise); kept until the text changes."""
        state = self.state(uri)
        if state.report is not None and state.report[0] == text:
            return state.report[1]
        if self.diagnose(uri, text) and not state.clean:
            state.report = (text, None)
            return None
        try:
            rules = self.rules
            result: Report | None = api.check(api.load_statute(uri_to_name(uri), rules, text=text), rules)
        except (ComplianceError, ErrorList):
            result = None
        state.report = (text, result)
        return result


def check_norm(text: str, vocab: Vocabulary) -> NormResult:
    """Parse one norm with :func:`compliance.norms.parse_norm`; where it fails, the error placed inside the norm."""
    try:
        parse_norm(text, vocab, _relative, _relative(*_first_char(text)))
    except ComplianceError as exc:
        return type(exc), exc.message, exc.span.line, exc.span.column, exc.context
    return None


def local_terms(data: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """A statute's local terms as written (name -> (category, description)), skipping malformed entries."""
    terms = data.get("terms")
    out: dict[str, tuple[str, str]] = {}
    if isinstance(terms, dict):
        for name, entry in terms.items():
            if isinstance(entry, dict) and entry.get("category") in LOCAL_CATEGORIES:
                out[str(name)] = (str(entry["category"]), str(entry.get("description") or ""))
    return out


def norm_texts(data: dict[str, Any]) -> Iterable[tuple[tuple[str | int, ...], str]]:
    """Every norm of a statute's data with its path (``("provisions", i, "norms", n)``), skipping malformed ones."""
    provisions = data.get("provisions")
    if not isinstance(provisions, list):
        return
    for index, provision in enumerate(provisions):
        norms = provision.get("norms") if isinstance(provision, dict) else None
        if isinstance(norms, list):
            for number, text in enumerate(norms):
                if isinstance(text, str):
                    yield ("provisions", index, "norms", number), text


def diagnose(uri: str, text: str, state: Analyzer) -> list[types.Diagnostic]:
    """The diagnostics of a document: what ``compliance validate --strict`` reports, as LSP diagnostics.

    Args:
        uri: The document's URI (a ``file:`` URI names the file in spans).
        text: Its full current text.
        state: The :class:`Analyzer` kept between calls: the rule set and vocabulary are loaded
            once, and per document it keeps the YAML pieces read (by their text) and the result of
            each norm (by its text and the file's local terms). After an edit of one norm, only
            that provision's piece is read again and only that norm parsed again; the statute's
            schema and the strict checks run on the whole (cheap) document.

    Returns:
        Errors (severity Error) and strict warnings (severity Warning), ``source`` "compliance",
        each with the message the command line prints and the range of the offending text. A
        document that is no file of ours (see :func:`detect_kind`) has none.
    """
    return state.diagnose(uri, text)


def norm_offsets(analyzer: Analyzer, uri: str, text: str) -> list[int]:
    """The character offset in ``text`` of the first letter of each provision's first norm (after diagnosing it)."""
    analyzer.diagnose(uri, text)
    doc = analyzer.state(uri).doc
    if doc is None:
        return []
    lines = Lines(text, analyzer.encoding)
    offsets = []
    for path, norm in norm_texts(doc.data):
        if path[-1] != 0:
            continue
        span = doc.scalar_span(path, *_first_char(norm))
        line, column = lines.place(span.line, span.column)
        offset = lines.starts[line] + column
        while offset < len(text) and not text[offset].isalpha():
            offset += 1
        offsets.append(offset)
    return offsets


def bench_edit_one_norm(uri: str, text: str, runs: int) -> tuple[list[float], list[float], float]:
    """Time :func:`diagnose` after edits of one norm of a statute file, in-process (the bench's row L1).

    One :class:`Analyzer` analyses ``text`` once (the first, full analysis), then ``runs`` edits
    follow, each of one norm: even runs insert a letter at the start of the first norm of the
    next provision (an unknown term: one diagnostic), odd runs take it out again. Each edit is a
    new text for the analyzer; only :func:`diagnose` is timed.

    Returns:
        The wall times and CPU times (seconds) of the edits, and the wall time of the first analysis.
    """
    analyzer = Analyzer()
    analyzer.rules  # noqa: B018 - load the rule set before timing, as the server does at start
    start = time.perf_counter()
    offsets = norm_offsets(analyzer, uri, text)
    first = time.perf_counter() - start
    if not offsets:
        raise ValueError("the text has no norm to edit")
    walls: list[float] = []
    cpus: list[float] = []
    for run in range(runs):
        at = offsets[(run // 2) % len(offsets)]
        edited = text[:at] + "x" + text[at:] if run % 2 == 0 else text
        wall, cpu = time.perf_counter(), time.process_time()
        diagnose(uri, edited, analyzer)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus, first
