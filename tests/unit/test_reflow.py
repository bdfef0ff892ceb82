"""Treaty texts are reflowed for reading: hard wraps go, paragraphs and numbered items stay, no word is lost."""

from __future__ import annotations

from compliance.model.rules import RuleSet
from compliance.render.jinja import _ITEM, reflow


def test_every_treaty_text_keeps_its_words_items_and_paragraphs(rules: RuleSet) -> None:
    texts = [s.treaty_text for r in rules.requirements for s in r.sources() if s.treaty_text.strip()]
    assert len(texts) > 20
    for text in texts:
        flowed = reflow(text)
        assert flowed.split() == text.split()  # the same words, in the same order
        source = [line.strip() for line in text.strip().splitlines()]
        starts = {source[i] for i in range(1, len(source)) if source[i] and not source[i - 1]}
        for line in flowed.splitlines()[1:]:
            assert _ITEM.match(line) or any(line.startswith(s) for s in starts), line
        items = [line for line in source if line and _ITEM.match(line)]
        assert all(any(out.startswith(item) for out in flowed.splitlines()) for item in items)


def test_a_hard_wrapped_sentence_becomes_one_line() -> None:
    assert reflow("shall adopt such legislative or other\n  measures as may be necessary") == (
        "shall adopt such legislative or other measures as may be necessary")
    assert reflow("1. First.\n2. Second,\ncontinued.\n\nAfter a blank line.") == (
        "1. First.\n2. Second, continued.\nAfter a blank line.")
