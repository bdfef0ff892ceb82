"""The language server: ``compliance lsp`` speaks the Language Server Protocol over stdin and stdout (pygls).

It keeps one :class:`~compliance.lsp.analysis.Analyzer` and answers from it: diagnostics on open,
change, save (cleared on close), completion, hover, go to definition and quick fixes. Documents
are synchronised incrementally.

The rule set is, in order: ``compliance lsp --rules DIR``; the ``rules`` initialization option;
the ``rules`` setting of the workspace's configuration file (``.compliance.yaml`` or
``[tool.compliance]``, found from the workspace folder up, as the command line finds it from the
working directory; its limits can only lower the loader's); else the bundled rule set. The
``strict`` initialization option (default true) turns the curated-corpus checks of ``validate
--strict`` on or off.

No handler raises: an unexpected error is sent to the client's log (``window/logMessage``) with
its traceback, and the request gets an empty answer.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from compliance.errors import ComplianceError, ErrorList
from compliance.lsp import features
from compliance.lsp.analysis import Analyzer, uri_to_name
from compliance.version import __version__

T = TypeVar("T")


class ComplianceServer(LanguageServer):
    """A pygls server that holds the analyzer and logs its own errors to the client."""

    def __init__(self, rules_dir: Path | None = None) -> None:
        super().__init__("compliance", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.rules_dir = rules_dir
        self.analyzer = Analyzer(rules_dir=rules_dir)

    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        """Send a line to the client's log."""
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Errors pygls itself meets (bad JSON, a failed send) go to the log, not to a message box."""
        try:
            self.log(f"compliance lsp: {type(error).__name__}: {error}", types.MessageType.Error)
        except Exception:  # the connection itself may be what failed
            pass

    def guard(self, what: str, action: Callable[[], T], default: T) -> T:
        """Run one handler's work; on any error, log it with its traceback and return ``default``."""
        try:
            return action()
        except Exception as exc:  # a handler must never take the server down
            self.log(f"compliance lsp: {what} failed: {type(exc).__name__}: {exc}\n{traceback.format_exc()}",
                     types.MessageType.Error)
            return default

    def publish(self, uri: str) -> None:
        """Analyse the document's current text and send its diagnostics."""
        document = self.workspace.get_text_document(uri)
        diagnostics = self.analyzer.diagnose(uri, document.source)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, diagnostics=list(diagnostics), version=document.version))

    def configure(self, params: types.InitializeParams) -> None:
        """Choose the rule set and strictness from the command line, the client's options and the workspace."""
        options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        strict = options.get("strict", True)
        rules_dir = self.rules_dir
        if rules_dir is None and isinstance(options.get("rules"), str) and options["rules"]:
            rules_dir = Path(options["rules"])
        root = _root_folder(params)
        if root is not None:
            configured = self._workspace_config(root)
            if rules_dir is None and configured is not None:
                rules_dir = configured
        encoding = self.workspace.position_encoding or "utf-16"
        self.analyzer = Analyzer(rules_dir=rules_dir, strict=strict is not False,
                                 encoding=str(getattr(encoding, "value", encoding)))

    def _workspace_config(self, root: Path) -> Path | None:
        """The rule set folder the workspace's configuration names (and apply its lower limits), if any."""
        from compliance.limits import current, set_limits
        from compliance.policy.config import load_config
        from compliance.policy.discover import find_config

        path = find_config(root)
        if path is None:
            return None
        try:
            loaded = load_config(path)
        except (ComplianceError, ErrorList) as exc:
            self.log(f"compliance lsp: configuration ignored: {exc}", types.MessageType.Warning)
            return None
        lower = {key: value for key, value in loaded.config.limits().items() if value < getattr(current(), key)}
        if lower:
            set_limits(**lower)
        self.log(f"compliance lsp: configuration {path}")
        return Path(loaded.resolve(loaded.config.rules)) if loaded.config.rules else None

    def load_rules(self) -> None:
        """Load the rule set now, so that the first document does not wait for it; log which one."""
        try:
            rules = self.analyzer.rules
        except (ComplianceError, ErrorList) as exc:
            self.log(f"compliance lsp: the rule set {self.analyzer.rules_folder} does not load; using the bundled "
                     f"one: {exc}", types.MessageType.Error)
            self.analyzer = Analyzer(strict=self.analyzer.strict, encoding=self.analyzer.encoding)
            rules = self.analyzer.rules
        self.log(f"compliance lsp {__version__}: rule set {rules.version} ({self.analyzer.rules_folder}), "
                 f"strict {'on' if self.analyzer.strict else 'off'}, positions in {self.analyzer.encoding}")


def _root_folder(params: types.InitializeParams) -> Path | None:
    uri = params.workspace_folders[0].uri if params.workspace_folders else params.root_uri
    if uri is None and params.root_path:
        return Path(params.root_path)
    return Path(uri_to_name(uri)) if uri and uri.startswith("file:") else None


def build_server(rules_dir: Path | None = None) -> ComplianceServer:
    """The server with every feature registered."""
    server = ComplianceServer(rules_dir)

    @server.feature(types.INITIALIZE)
    def initialize(ls: ComplianceServer, params: types.InitializeParams) -> None:
        ls.guard("initialize", lambda: ls.configure(params), None)

    @server.feature(types.INITIALIZED)
    def initialized(ls: ComplianceServer, params: types.InitializedParams) -> None:
        ls.guard("loading the rule set", ls.load_rules, None)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ComplianceServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.guard("diagnostics", lambda: ls.publish(params.text_document.uri), None)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ComplianceServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.guard("diagnostics", lambda: ls.publish(params.text_document.uri), None)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ComplianceServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.guard("diagnostics", lambda: ls.publish(params.text_document.uri), None)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ComplianceServer, params: types.DidCloseTextDocumentParams) -> None:
        def clear() -> None:
            ls.analyzer.forget(params.text_document.uri)
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=params.text_document.uri, diagnostics=[]))

        ls.guard("closing", clear, None)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=["[", ","]))
    def completion(ls: ComplianceServer, params: types.CompletionParams) -> types.CompletionList | None:
        uri = params.text_document.uri
        return ls.guard("completion", lambda: features.completion(
            ls.analyzer, uri, ls.workspace.get_text_document(uri).source, params.position), None)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: ComplianceServer, params: types.HoverParams) -> types.Hover | None:
        uri = params.text_document.uri
        return ls.guard("hover", lambda: features.hover(
            ls.analyzer, uri, ls.workspace.get_text_document(uri).source, params.position), None)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: ComplianceServer, params: types.DefinitionParams) -> types.Location | None:
        uri = params.text_document.uri
        return ls.guard("definition", lambda: features.definition(
            ls.analyzer, uri, ls.workspace.get_text_document(uri).source, params.position), None)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    def code_action(ls: ComplianceServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        return ls.guard("code actions", lambda: features.code_actions(
            uri, ls.workspace.get_text_document(uri).source, list(params.context.diagnostics),
            ls.analyzer.encoding), None)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: ComplianceServer, params: None) -> None:
        ls.guard("shutdown", ls.analyzer.close, None)

    return server


def serve(rules_dir: Path | None = None) -> None:
    """Run the server over stdin and stdout until the client says exit (or goes away).

    The protocol gets its own copies of the two file descriptors; meanwhile ``sys.stdout`` is
    stderr, so that nothing printed by mistake can corrupt the protocol's stream, and closing the
    protocol's stream at exit leaves the process's own stdout usable.
    """
    import os
    import sys

    server = build_server(rules_dir)
    stdin: BinaryIO
    stdout: BinaryIO
    try:
        stdin = os.fdopen(os.dup(sys.stdin.fileno()), "rb")
        stdout = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    except (AttributeError, OSError, ValueError):  # no real descriptors (an embedding host): use the streams
        stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    saved, sys.stdout = sys.stdout, sys.stderr
    try:
        server.start_io(stdin, stdout)
    finally:
        sys.stdout = saved
        server.analyzer.close()
        for stream in (stdin, stdout):
            if stream not in (sys.stdin.buffer, sys.stdout.buffer):
                try:
                    stream.close()
                except OSError:
                    pass
