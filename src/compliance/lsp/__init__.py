"""``compliance lsp``: a language server for statute, rule and waiver files.

* :mod:`compliance.lsp.analysis` -- diagnostics, as pure functions of a document's text
  (:func:`~compliance.lsp.analysis.diagnose`, with an :class:`~compliance.lsp.analysis.Analyzer`
  kept between calls);
* :mod:`compliance.lsp.features` -- completion, hover, go to definition, quick fixes;
* :mod:`compliance.lsp.chunks` -- reading a statute file piece by piece, so an edit re-reads one piece;
* :mod:`compliance.lsp.context` and :mod:`compliance.lsp.positions` -- where the cursor is, and
  LSP positions (0-based, UTF-16 by default) against the engine's 1-based spans;
* :mod:`compliance.lsp.server` -- the pygls server that wires them to the protocol.

Editor set-up: docs/editors.md.
"""
