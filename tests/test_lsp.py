"""``compliance lsp``: end to end over stdio with a real LSP client (pytest-lsp), and its pure analysis.

The end-to-end tests start ``python -m compliance lsp --stdio`` once per client, open copies of a
bundled statute file and wait for the server's notifications and answers: they never sleep.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from compliance import api
from compliance.loader import parse_yaml
from compliance.lsp import features
from compliance.lsp.analysis import Analyzer, detect_kind, diagnose, norm_offsets, offending, suggestion
from compliance.lsp.chunks import ChunkedReader
from compliance.lsp.positions import Lines, characters, units
from compliance.vocabulary import load_vocabulary

ROOT = Path(__file__).resolve().parents[1]
SOURCE = (ROOT / "legislation" / "gb-nir.yaml").read_text(encoding="utf-8")
SERVER = [sys.executable, "-m", "compliance", "--no-config", "lsp", "--stdio"]
PUBLISH = types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS

#: The second norm of s1, rewritten as a flow list whose first norm ends in a comment with text
#: outside ASCII ("“B” 𝄞": 𝄞 is two UTF-16 code units), followed by a misspelt term.
GOOD_NORMS = ("    norms:\n"
              "      - state SHALL punish offender OF slavery_offence[slavery, servitude, forced_labour]\n"
              "      - court SHALL NOT accept consent_defence OF offender\n")
BAD_LINE = ('    norms: ["state SHALL punish offender OF slavery_offence[slavery, servitude, forced_labour] '
            '# “B” 𝄞", "court SHALL NOT accept consent_defense OF offender"]')
assert GOOD_NORMS in SOURCE
BAD = SOURCE.replace(GOOD_NORMS, BAD_LINE + "\n")
BAD_LINE_NUMBER = BAD.splitlines().index(BAD_LINE)  # 0-based


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def cli_problems(tmp: Path, text: str, strict: bool = False) -> list[tuple[int, int, str]]:
    """What ``compliance validate`` (``--strict``) prints for ``text``: (line, column, message), 1-based."""
    path = tmp / "statute.yaml"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "compliance", "--no-config", "validate", *(["--strict"] * strict),
                           str(path)], capture_output=True, text=True, cwd=tmp, check=False)
    out = []
    for line in done.stderr.splitlines():
        found = re.match(rf"{re.escape(str(path))}:(\d+):(\d+): (.*)$", line)
        if found:
            out.append((int(found[1]), int(found[2]), found[3]))
    return out


async def open_and_wait(client: LanguageClient, uri: str, text: str) -> list[types.Diagnostic]:
    """Open a document and wait for its diagnostics."""
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)))
    return await diagnostics_of(client, uri)


async def diagnostics_of(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    while True:
        params = await client.wait_for_notification(PUBLISH)
        if params.uri == uri:
            return list(params.diagnostics)


def position_of(text: str, needle: str, after: int = 0, occurrence: int = 0) -> types.Position:
    """The LSP position (UTF-16) just ``after`` characters into the ``occurrence``-th ``needle`` of ``text``."""
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(needle, at + 1)
    at += after
    line = text.count("\n", 0, at)
    column = at - (text.rfind("\n", 0, at) + 1)
    return types.Position(line=line, character=utf16(text.splitlines()[line][:column]))


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER), scope="module")
async def client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[None]:
    root = tmp_path_factory.mktemp("workspace")
    # Not strict: the curated-corpus warnings of the bundled file come and go as it is curated.
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="workspace")],
        initialization_options={"strict": False}))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER), scope="module")
async def neovim(lsp_client: LanguageClient) -> AsyncIterator[None]:  # strict, as by default
    await lsp_client.initialize_session(types.InitializeParams(capabilities=client_capabilities("neovim@v0.11.0")))
    yield
    await lsp_client.shutdown_session()


e2e = pytest.mark.asyncio(loop_scope="module")


def uri(name: str) -> str:
    return (ROOT / "build-lsp-test" / name).as_uri()  # never written: the documents live in the editor


@e2e
async def test_bad_norm_then_fixed(client: LanguageClient, tmp_path: Path) -> None:
    """1 and 2: a diagnostic at the misspelt term's exact range with the CLI's message; fixed, none."""
    doc = uri("bad-norm.yaml")
    diagnostics = await open_and_wait(client, doc, BAD)
    cli = cli_problems(tmp_path, BAD)
    assert len(cli) == 1 and len(diagnostics) == 1
    diagnostic, (line, column, message) = diagnostics[0], cli[0]
    start = BAD_LINE.index("consent_defense")
    assert diagnostic.message == message == "unknown term 'consent_defense'; did you mean 'consent_defence'?"
    assert (line - 1, column - 1) == (BAD_LINE_NUMBER, start)  # the CLI counts characters
    assert diagnostic.range == types.Range(
        start=types.Position(line=BAD_LINE_NUMBER, character=utf16(BAD_LINE[:start])),
        end=types.Position(line=BAD_LINE_NUMBER, character=utf16(BAD_LINE[:start]) + len("consent_defense")))
    assert diagnostic.range.start.character == start + 1  # 𝄞 is two UTF-16 code units
    assert diagnostic.severity == types.DiagnosticSeverity.Error and diagnostic.source == "compliance"

    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=doc, version=2),
        content_changes=[types.TextDocumentContentChangePartial(range=diagnostic.range, text="consent_defence")]))
    assert await diagnostics_of(client, doc) == []
    assert cli_problems(tmp_path, BAD.replace("consent_defense", "consent_defence")) == []

    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=doc)))
    assert await diagnostics_of(client, doc) == []


@e2e
async def test_a_client_that_counts_bytes_gets_byte_columns(neovim: LanguageClient) -> None:
    """Neovim 0.11 offers UTF-8 positions first: the same error, placed in bytes."""
    diagnostics = await open_and_wait(neovim, uri("utf-8.yaml"), BAD)
    start = BAD_LINE.index("consent_defense")
    assert [d.range.start for d in diagnostics if d.severity == types.DiagnosticSeverity.Error] == [
        types.Position(line=BAD_LINE_NUMBER, character=len(BAD_LINE[:start].encode("utf-8")))]


@e2e
async def test_strict_by_default(neovim: LanguageClient, tmp_path: Path) -> None:
    """Without options the server reports what ``validate --strict`` does, errors and warnings.

    The command line prints the strict warnings only when no strict check fails; the editor shows both.
    """
    text = SOURCE.replace("retrieved: 2026-11-28", "retrieved:", 1)
    diagnostics = await open_and_wait(neovim, uri("strict.yaml"), text)
    lines = Lines(text, "utf-8")
    cli = [(*lines.place(line, column), message) for line, column, message in cli_problems(tmp_path, text, True)]
    shown = [(d.range.start.line, lines.column(d.range.start.line, d.range.start.character), d.message)
             for d in diagnostics]
    assert cli and set(cli) <= set(shown)
    assert "provision 's1' has no 'retrieved' date (strict)" in [message for _, _, message in cli]
    for diagnostic in diagnostics:
        warning = diagnostic.message.startswith("warning: ")
        assert diagnostic.severity == (types.DiagnosticSeverity.Warning if warning else types.DiagnosticSeverity.Error)


@e2e
async def test_full_sync_change_and_save(client: LanguageClient) -> None:
    doc = uri("full-sync.yaml")
    assert await open_and_wait(client, doc, SOURCE) == []
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=doc, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=BAD)]))
    assert [d.message for d in await diagnostics_of(client, doc)] == [
        "unknown term 'consent_defense'; did you mean 'consent_defence'?"]
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=doc)))
    assert len(await diagnostics_of(client, doc)) == 1


@e2e
async def test_completion_in_a_norm(client: LanguageClient) -> None:
    """3: inside a norm, vocabulary terms with their descriptions, and the keywords the grammar accepts there."""
    doc = uri("completion.yaml")
    await open_and_wait(client, doc, SOURCE)
    vocab = load_vocabulary()
    at = position_of(SOURCE, "state SHALL punish offender OF slavery_offence", after=len("state SHALL "))
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=doc), position=at))
    assert isinstance(result, types.CompletionList)
    items = {item.label: item for item in result.items}
    assert {"NOT", "CONSIDER", "ENDEAVOUR"} <= set(items) and "IF" not in items  # what may follow SHALL
    punish = items["punish"]
    assert isinstance(punish.documentation, types.MarkupContent)
    assert punish.documentation.value == vocab.terms["action"]["punish"]["description"]
    assert punish.detail == "action"
    assert "s22_excluded_offences" in items  # a local term of the file

    inside = position_of(SOURCE, "slavery_offence[slavery", after=len("slavery_offence["))
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=doc), position=inside))
    assert isinstance(result, types.CompletionList)
    labels = {item.label for item in result.items}
    assert labels == set(vocab.terms["offence_qualifier"])

    instrument = position_of(SOURCE, "    instrument: hte-ni-2015", after=len("    instrument: "))
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=doc), position=instrument))
    assert isinstance(result, types.CompletionList)
    declared = [i["id"] for i in parse_yaml(SOURCE, "x").data["instruments"]]
    assert [item.label for item in result.items] == declared

    outside = position_of(SOURCE, "    heading: Slavery, servitude", after=len("    heading: Sla"))
    assert await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=doc), position=outside)) is None


@e2e
async def test_hover(client: LanguageClient) -> None:
    """4: on a term, its description; on a provision's id, the requirements it is evidence for."""
    doc = uri("hover.yaml")
    await open_and_wait(client, doc, SOURCE)
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=doc),
        position=position_of(SOURCE, "state SHALL punish offender OF slavery", after=len("state SHALL pu"))))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert load_vocabulary().terms["action"]["punish"]["description"] in hover.contents.value
    assert "(action)" in hover.contents.value

    rules = api.load_rules()
    report = api.check(api.load_statute("x.yaml", rules, text=SOURCE), rules)
    cited = [r for r in report.requirements if any(e.provision == "s1" for e in r.evidence)]
    assert cited, "s1 should be evidence for some requirement"
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=doc), position=position_of(SOURCE, "  - id: s1\n", after=8)))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    for requirement in cited:
        assert requirement.title in hover.contents.value and requirement.id in hover.contents.value
    assert "Treaty text (" in hover.contents.value


@e2e
async def test_quick_fix(client: LanguageClient) -> None:
    """5: the "did you mean" of a misspelt term, as a code action replacing it."""
    doc = uri("quick-fix.yaml")
    diagnostics = await open_and_wait(client, doc, BAD)
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=doc), range=diagnostics[0].range,
        context=types.CodeActionContext(diagnostics=diagnostics)))
    assert actions is not None and len(actions) == 1
    action = actions[0]
    assert isinstance(action, types.CodeAction) and action.kind == types.CodeActionKind.QuickFix
    assert action.edit is not None and action.edit.changes is not None
    assert list(action.edit.changes[doc]) == [types.TextEdit(range=diagnostics[0].range, new_text="consent_defence")]


@e2e
async def test_definition(client: LanguageClient) -> None:
    """6: a local term used in a norm -> its entry under terms:; a provision's instrument -> its declaration."""
    doc = uri("definition.yaml")
    await open_and_wait(client, doc, SOURCE)
    lines = SOURCE.splitlines()
    found = await client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri=doc),
        position=position_of(SOURCE, "IN s22_excluded_offences", after=len("IN s22_"))))
    assert isinstance(found, types.Location) and found.uri == doc
    assert found.range.start.line == lines.index("  s22_excluded_offences:")
    assert found.range.start.character == 2

    found = await client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri=doc),
        position=position_of(SOURCE, "    instrument: hte-ni-2015", after=len("    instrument: hte"))))
    assert isinstance(found, types.Location) and found.range.start.line == lines.index("  - id: hte-ni-2015")

    treaty = SOURCE.index("treaties:")
    name = re.compile(r"instrument: ([a-z0-9-]+)").search(SOURCE, treaty)
    assert name is not None
    found = await client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri=doc), position=position_of(SOURCE, name[0], after=13)))
    assert isinstance(found, types.Location) and found.uri.endswith("/rules/instruments.yaml")
    target = (ROOT / "rules" / "instruments.yaml").read_text(encoding="utf-8").splitlines()[found.range.start.line]
    assert name[1] in target


@e2e
async def test_hostile_documents_do_not_stop_the_server(client: LanguageClient) -> None:
    doc = uri("hostile.yaml")
    diagnostics = await open_and_wait(client, doc, "jurisdiction:\n\tcode: [\x00\n")
    assert len(diagnostics) == 1 and diagnostics[0].severity == types.DiagnosticSeverity.Error
    other = uri("not-ours.yaml")
    assert await open_and_wait(client, other, "name: a workflow\non: push\n") == []
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=doc), position=types.Position(line=99, character=99)))
    assert hover is None
    assert await open_and_wait(client, uri("alive.yaml"), SOURCE) == []


# ---- the pure analysis, in-process -------------------------------------------------------------------


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def test_code_units() -> None:
    assert units("a“b𝄞") == 5 and units("a“b𝄞", "utf-8") == 1 + 3 + 1 + 4 and units("a“b𝄞", "utf-32") == 4
    assert characters("a𝄞b", 3) == 2 and characters("a𝄞b", 4) == 3 and characters("a𝄞b", 1, "utf-8") == 1
    lines = Lines("x: “é” 𝄞 y\r\nsecond\rthird\n")
    assert len(lines) == 4 and lines.line(1) == "second" and lines.line(2) == "third" and lines.line(3) == ""
    assert lines.position(1, 10) == (0, 10)  # column 10 is after "x: “é” 𝄞 " (9 characters, 10 units)
    assert lines.position(99, 99) == (3, 0)  # clamped into the document
    assert lines.offset(0, 10) == 9 and lines.from_offset(9) == (0, 10)
    assert Lines("a\u2028b: c\n").position(2, 2) == (0, 3)  # PyYAML breaks at U+2028, an LSP client does not


def test_file_kinds() -> None:
    assert detect_kind(SOURCE) == "statute"
    assert detect_kind("requirements:\n  - id: X-1\n") == "rules"
    assert detect_kind("waivers:\n  - jurisdiction: xy\n") == "waivers"
    assert detect_kind("rules_version: 1.0\ninstruments: []\n") == "instruments"
    assert detect_kind("profiles: {}\n") == "profiles"
    assert detect_kind("jurisdiction: [\n") == "statute"  # half typed, still ours
    assert detect_kind("name: CI\non: push\n") is None and detect_kind("") is None


def test_messages_and_suggestions() -> None:
    assert offending("unknown unit 'parsecs' (units: days)") == "parsecs"
    assert suggestion("unknown keyword 'SHAL'; did you mean 'SHALL'?") == "SHALL"
    assert suggestion("waiver names no requirement of the rule set: 'X-1'; did you mean \"X-2\"?") == "X-2"


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "legislation").glob("*.yaml")))
def test_pieces_read_as_the_whole_file(name: str) -> None:
    text = (ROOT / "legislation" / name).read_text(encoding="utf-8")
    for variant in (text, text.replace("\n", "\r\n")):
        whole, pieces = parse_yaml(variant, name), ChunkedReader().read(variant, name)
        assert pieces is not None
        assert pieces.data == whole.data and pieces.lines == whole.lines
        assert pieces.positions == whole.positions and pieces.key_positions == whole.key_positions


def test_pieces_give_up_where_a_whole_read_differs() -> None:
    reader = ChunkedReader()
    assert reader.read(SOURCE.replace("  - id: s2\n", "  - &a id: s2\n"), "x") is None  # an anchor
    assert reader.read("---\n" + SOURCE, "x") is None
    assert reader.read(SOURCE.replace("  - id: s2\n", "  - id: s2\n\theading: x\n"), "x") is None  # a tab
    assert reader.read(SOURCE + "jurisdiction: {code: xx, name: X}\n", "x") is None  # a key twice
    assert reader.read(SOURCE.replace("provisions:\n", "'provisions':\n"), "x") is None


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "legislation").glob("*.yaml")))
def test_diagnostics_are_what_validate_strict_reports(name: str, analyzer: Analyzer) -> None:
    path = ROOT / "legislation" / name
    warned: list[Any] = []
    api.load_statute(path, analyzer.rules, strict=True, warnings=warned)
    found = diagnose(path.as_uri(), path.read_text(encoding="utf-8"), analyzer)
    assert [(d.range.start.line + 1, d.range.start.character + 1, d.message) for d in found] == [
        (w.span.line, w.span.column, w.message) for w in warned]
    assert all(d.severity == types.DiagnosticSeverity.Warning for d in found)


def _fixtures() -> list[Path]:
    return sorted([*(ROOT / "tests" / "fixtures" / "invalid").glob("*.yaml"),
                   *(ROOT / "tests" / "fixtures" / "invalid_rules").glob("*.yaml")])


@pytest.mark.parametrize("path", _fixtures(), ids=lambda p: p.name)
def test_each_invalid_fixture_gives_the_cli_message_at_its_place(path: Path, analyzer: Analyzer) -> None:
    """Every negative fixture's expected ``# expect: LINE:COLUMN: message``, as a diagnostic on that text."""
    raw = path.read_bytes()
    expect = raw.split(b"\n", 1)[0].decode("utf-8")
    if path.name in ("latin1.yaml", "empty_file.yaml", "not_a_mapping.yaml"):
        pytest.skip("an editor cannot hold this text as UTF-8, or it is no file of ours: no diagnostics")
    found = re.match(r"# expect: (\d+):(\d+): (.*)$", expect)
    assert found is not None
    line, column, message = int(found[1]), int(found[2]), found[3]
    text = raw.decode("utf-8")
    lines = Lines(text)
    diagnostics = diagnose(path.resolve().as_uri(), text, analyzer)
    match = [d for d in diagnostics if d.message.startswith(message)]
    assert match, [d.message for d in diagnostics]
    start = match[0].range.start
    cli = lines.position(line, column)
    # At the CLI's place, or further on its line where the message names the text (a qualifier, a unit).
    assert start.line == cli[0] and start.character >= cli[1]
    if start.character > cli[1]:
        word = offending(match[0].message)
        covered = lines.line(start.line)[lines.column(start.line, start.character):
                                         lines.column(start.line, match[0].range.end.character)]
        assert covered == word


def test_an_edit_of_one_norm_reads_one_piece(analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = "file:///incremental.yaml"
    offsets = norm_offsets(analyzer, doc, SOURCE)
    calls: list[str] = []
    import compliance.lsp.chunks as chunks

    real = chunks.parse_yaml
    monkeypatch.setattr(chunks, "parse_yaml", lambda text, name: calls.append(text) or real(text, name))
    edited = SOURCE[:offsets[3]] + "x" + SOURCE[offsets[3]:]
    found = [d for d in diagnose(doc, edited, analyzer) if d.severity == types.DiagnosticSeverity.Error]
    assert len(calls) == 1 and calls[0].startswith("provisions:\n  - id: ") and calls[0].count("\n  - id: ") == 1
    assert [d.message for d in found] == [
        f"unknown term 'x{SOURCE[offsets[3]:].split()[0]}'; did you mean '{SOURCE[offsets[3]:].split()[0]}'?"]


def test_utf8_clients_get_byte_columns() -> None:
    found = diagnose("file:///utf8.yaml", BAD, Analyzer(encoding="utf-8", strict=False))
    start = BAD_LINE.index("consent_defense")
    assert found[0].range.start == types.Position(line=BAD_LINE_NUMBER, character=len(BAD_LINE[:start].encode()))


def test_rule_and_waiver_files(analyzer: Analyzer, tmp_path: Path) -> None:
    rule = (ROOT / "tests" / "fixtures" / "invalid_rules" / "bad_example_norm.yaml").read_text(encoding="utf-8")
    assert diagnose("file:///r.yaml", rule, analyzer)
    some = analyzer.rules.requirements[0].id
    good = f"waivers:\n  - jurisdiction: xy\n    requirement: {some}\n    justification: Reviewed.\n"
    assert diagnose("file:///w.yaml", good, analyzer) == []
    bad = diagnose("file:///w.yaml", good.replace(some, some + "9"), analyzer)
    assert len(bad) == 1 and suggestion(bad[0].message) == some
    fixes = features.code_actions("file:///w.yaml", good.replace(some, some + "9"), bad)
    assert fixes and fixes[0].edit is not None and fixes[0].edit.changes is not None
    assert fixes[0].edit.changes["file:///w.yaml"][0].new_text == some


_SEEN = Analyzer()


def _inside(text: str, diagnostics: list[types.Diagnostic]) -> None:
    lines = Lines(text)
    for d in diagnostics:
        for position in (d.range.start, d.range.end):
            assert 0 <= position.line < len(lines)
            assert 0 <= position.character <= units(lines.line(position.line))
        assert (d.range.start.line, d.range.start.character) <= (d.range.end.line, d.range.end.character)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300), st.sampled_from(["", "jurisdiction:\n", "provisions:\n  - ", "waivers:\n",
                                               "requirements:\n  - "]))
def test_any_text_is_diagnosed_without_raising(text: str, prefix: str) -> None:
    document = prefix + text
    _inside(document, diagnose("file:///any.yaml", document, _SEEN))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(SOURCE)), st.integers(0, 40), st.text(max_size=12), st.integers(0, 3000))
def test_any_edit_of_a_statute_is_diagnosed_without_raising(at: int, cut: int, insert: str, where: int) -> None:
    document = SOURCE[:at] + insert + SOURCE[at + cut:]
    found = diagnose("file:///edited.yaml", document, _SEEN)
    _inside(document, found)
    lines = Lines(document)
    position = types.Position(line=where % len(lines), character=where % 80)
    features.completion(_SEEN, "file:///edited.yaml", document, position)
    features.hover(_SEEN, "file:///edited.yaml", document, position)
    features.definition(_SEEN, "file:///edited.yaml", document, position)
    features.code_actions("file:///edited.yaml", document, found)


def test_huge_binary_and_tabbed_documents_get_one_diagnostic_each(analyzer: Analyzer) -> None:
    from compliance.limits import current

    huge = "jurisdiction:\n  code: xx\nnotes: " + "a" * (current().file_bytes + 1) + "\n"
    for text, message in ((huge, "file is larger than the limit"), ("jurisdiction:\n  code: x\x00\n", "binary file"),
                          ("jurisdiction:\n\tcode: xx\n", "invalid YAML: a tab character")):
        found = diagnose("file:///hostile.yaml", text, analyzer)
        assert len(found) == 1 and found[0].message.startswith(message), found
        _inside(text, found)


def test_a_failing_handler_is_logged_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    from compliance.lsp.server import ComplianceServer

    server = ComplianceServer()
    logged: list[types.LogMessageParams] = []
    monkeypatch.setattr(server, "window_log_message", logged.append)
    assert server.guard("hover", lambda: 1 // 0, "nothing") == "nothing"
    assert len(logged) == 1 and logged[0].type == types.MessageType.Error
    assert "hover failed: ZeroDivisionError" in logged[0].message and "Traceback" in logged[0].message
