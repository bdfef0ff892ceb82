"""The shipped LALR tables (compliance.grammar.tables) are the grammar in norm.lark, and behave as it does.

Lark numbers tokens and states differently on every analysis, so the tables are compared by what
they do: the recorded hash is the grammar's, and the shipped parser and a parser analysed afresh from
``norm.lark`` give the same result (the same AST, or the same error at the same place) on every
bundled norm, every rule example, every labelled error example and generated norms and near-norms.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Lark, UnexpectedInput

from compliance.grammar import build, tables
from compliance.grammar.error_examples import ERROR_EXAMPLES
from compliance.norms import _ToAst, parser

ROOT = Path(__file__).resolve().parents[2]


def _fresh() -> Lark:
    return build.analyse(build.grammar_text(), transformer=_ToAst())


FRESH = _fresh()


def _outcome(lark: Lark, text: str) -> Any:
    try:
        return ("ok", repr(lark.parse(text)))
    except UnexpectedInput as exc:
        return ("error", type(exc).__name__, exc.line, exc.column, sorted(getattr(exc, "expected", None) or []))


def _corpus() -> list[str]:
    texts: list[str] = []
    for path in sorted((ROOT / "legislation").glob("*.yaml")):
        for provision in yaml.safe_load(path.read_text(encoding="utf-8"))["provisions"]:
            texts += provision.get("norms", [])
    for path in sorted((ROOT / "rules").glob("*/*.yaml")):
        for req in yaml.safe_load(path.read_text(encoding="utf-8")).get("requirements", []):
            for cases in (req.get("examples") or {}).values():
                for case in cases:
                    texts += case.get("norms", [])
    for examples in ERROR_EXAMPLES.values():
        texts += examples
    return texts


def test_the_tables_record_the_hash_of_the_grammar_they_were_built_from() -> None:
    assert tables.GRAMMAR_SHA256 == build.grammar_hash(build.grammar_text()), (
        "norm.lark changed: run python -m compliance.grammar.build")
    check = subprocess.run([sys.executable, "-m", "compliance.grammar.build", "--check"], capture_output=True,
                           text=True, check=False)
    assert check.returncode == 0, check.stderr


def test_the_runtime_parser_is_loaded_from_the_tables_not_analysed(monkeypatch: Any) -> None:
    from compliance import norms

    def refuse(*args: Any, **kwargs: Any) -> Lark:
        raise AssertionError("the grammar was analysed although its tables match")

    monkeypatch.setattr(build, "analyse", refuse)
    norms.parser.cache_clear()
    try:
        loaded = norms.parser()
        assert _outcome(loaded, "state SHALL provide assistance TO victim") == _outcome(
            FRESH, "state SHALL provide assistance TO victim")
    finally:
        norms.parser.cache_clear()


def test_shipped_and_fresh_parsers_agree_on_every_bundled_norm_and_example() -> None:
    texts = _corpus()
    assert len(texts) > 400
    for text in texts:
        assert _outcome(parser(), text) == _outcome(FRESH, text), text


_WORDS = ["state", "SHALL", "NOT", "MAY", "provide", "assistance", "TO", "victim", "[", "]", ",", "child", "IF",
          "AND", "OR", "(", ")", "UNLESS", "FOR", "AT", "LEAST", "30", "days", "SET", "BY", "guidance", "IN",
          "APPROPRIATE", "CASES", "FINDING", ":", "POLICY", "EXCEPT", "offence", "=", ">=", "#x", "\n"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=25))
def test_shipped_and_fresh_parsers_agree_on_arbitrary_token_strings(words: list[str]) -> None:
    text = " ".join(words)
    assert _outcome(parser(), text) == _outcome(FRESH, text)


def test_an_edited_grammar_is_analysed_afresh(monkeypatch: Any) -> None:
    from compliance import norms

    text = build.grammar_text() + "\n// edited\n"
    monkeypatch.setattr(build, "grammar_text", lambda: text)
    norms.parser.cache_clear()
    try:
        edited = norms.parser()
        assert edited.source_grammar == text
        assert _outcome(edited, "state SHALL provide assistance TO victim") == _outcome(
            FRESH, "state SHALL provide assistance TO victim")
    finally:
        norms.parser.cache_clear()
