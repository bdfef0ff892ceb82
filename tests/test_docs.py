"""Generated documentation stays in step with the data it is generated from."""

from __future__ import annotations

from pathlib import Path

from compliance.operators import OPERATORS
from compliance.vocabulary import vocabulary_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_vocabulary_page_is_current() -> None:
    page = (ROOT / "docs" / "vocabulary.md").read_text(encoding="utf-8")
    stale = "docs/vocabulary.md is stale: run `compliance vocabulary > docs/vocabulary.md`"
    assert page == vocabulary_markdown(), stale


def test_rule_format_page_documents_every_operator() -> None:
    page = (ROOT / "docs" / "rule-format.md").read_text(encoding="utf-8")
    for name in OPERATORS:
        assert f"`{name}`" in page, name


def test_readme_quick_start_has_exactly_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = [line for line in section.splitlines() if line.startswith("python3 ")]
    assert len(commands) == 2
    assert "pytest" in commands[1] and ".[test]" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].replace(" install -e", " install -q -e") in ci


def test_norm_examples_in_the_docs_parse() -> None:
    import re

    from compliance.norms import parse_norm
    from compliance.vocabulary import load_vocabulary

    vocab = load_vocabulary().with_local({"schedule_4": "offence"})
    checked = 0
    for page in ("norm-language.md", "tutorial.md"):
        text = (ROOT / "docs" / page).read_text(encoding="utf-8")
        for snippet in re.findall(r"`([^`\n]+)`", text):
            if re.search(r" (SHALL|MAY|NEED NOT|SHOULD)\b", snippet) and "..." not in snippet and "<" not in snippet:
                parse_norm(snippet, vocab)
                checked += 1
    assert checked >= 15


def test_rule_catalogue_is_current() -> None:
    from compliance import api
    from compliance.render.catalogue import catalogue_markdown

    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    stale = "docs/rules.md is stale: run `compliance rules --format markdown > docs/rules.md`"
    assert page == catalogue_markdown(api.load_rules(ROOT / "rules")), stale


def test_corpus_page_is_current() -> None:
    import datetime as dt
    import re

    from compliance import api
    from compliance.render.corpus import corpus_markdown

    page = (ROOT / "docs" / "corpus.md").read_text(encoding="utf-8")
    day = re.search(r"compliance corpus --as-of (\d{4}-\d{2}-\d{2})", page)
    assert day, "docs/corpus.md does not say its date"
    rules = api.load_rules(ROOT / "rules")
    paths = sorted((ROOT / "legislation").glob("*.yaml"))
    entries = api.corpus(paths, rules, dt.date.fromisoformat(day.group(1)),
                         {p: f"legislation/{p.name}" for p in paths})
    stale = "docs/corpus.md is stale: run `compliance corpus --as-of DATE > docs/corpus.md`"
    assert page == corpus_markdown(entries, day.group(1), rules.version), stale
