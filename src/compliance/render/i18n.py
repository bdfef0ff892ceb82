"""The language of the rendered reports: gettext lookups over the catalogues, and treaty texts by language.

The JSON contract is language-neutral: a report is the same whatever ``--lang`` says. Only the
renderers translate, at the last moment, through :func:`gettext` (interface and rule-set catalogues,
see :mod:`compliance.catalogues`) and :func:`treaty_text` (the authentic text of an article in the
reader's language, where ``<rules>/translations/<lang>.yaml`` has it).

The language is set for a block of rendering with :func:`using`; English is the source language and
needs no catalogue.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from compliance.model.phrase import Phrase, from_data, has_words, render

#: Languages a report can be rendered in.
LANGUAGES = ("en", "fr", "es")

#: Language names, in their own language (for "shown in English" notes).
NAMES = {"en": "English", "fr": "français", "es": "español"}


@dataclass
class Translator:
    """The messages of one language: interface and rule-set catalogues merged; misses are recorded."""

    lang: str
    messages: dict[str, str] = field(default_factory=dict)
    texts: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    missed: set[str] = field(default_factory=set)

    def gettext(self, msgid: str) -> str:
        """The translation of ``msgid`` (itself in English, or when the catalogue lacks it, recorded)."""
        if self.lang == "en" or not has_words(msgid):
            return msgid
        found = self.messages.get(msgid)
        if found is None:
            found = self.messages.get(" ".join(msgid.split()))
        if found is None and (msgid + ".") in self.messages:  # a title quoted without its full stop
            found = self.messages[msgid + "."].rstrip(".")
        if found is None:
            self.missed.add(msgid)
            return msgid
        return found


def _read_po(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalogue = read_po(handle)
    out: dict[str, str] = {}
    for message in catalogue:
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy:
            out[message.id] = str(message.string)
            out.setdefault(" ".join(message.id.split()), str(message.string))
    return out


def _read_texts(path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {(str(e["instrument"]), str(e["article"])): e for e in data.get("texts", []) if e.get("text")}


@cache
def translator(lang: str, rules_dir: str | None = None) -> Translator:
    """The translator of a language, over the packaged interface catalogue and a rule set's own."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r} (known: {', '.join(LANGUAGES)})")
    if lang == "en":
        return Translator("en")
    from compliance.resources import bundled_rules_dir

    rules = Path(rules_dir) if rules_dir else bundled_rules_dir()
    messages = _read_po(Path(__file__).resolve().parents[1] / "locale" / f"{lang}.po")
    messages.update(_read_po(rules / "locale" / f"{lang}.po"))
    return Translator(lang, messages, _read_texts(rules / "translations" / f"{lang}.yaml"))


_current: contextvars.ContextVar[Translator] = contextvars.ContextVar("compliance_translator")


def current() -> Translator:
    """The translator in use (English unless :func:`using` set another)."""
    return _current.get(None) or translator("en")


@contextmanager
def using(lang: str | None, rules_dir: str | Path | None = None) -> Iterator[Translator]:
    """Render in ``lang`` (None: English) for the duration of the block."""
    token = _current.set(translator(lang or "en", str(rules_dir) if rules_dir else None))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def gettext(msgid: str) -> str:
    """Translate a message into the current language."""
    return current().gettext(msgid)


def ngettext(singular: str, plural: str, count: int) -> str:
    """Translate a message with a singular and a plural form (the catalogues hold both as two messages)."""
    return gettext(singular if count == 1 else plural)


def gaps(req: Any) -> list[str]:
    """A requirement result's gaps in the current language (English: exactly ``req.gaps``)."""
    tr = current()
    if tr.lang == "en" or not req.gap_phrases:
        return list(req.gaps)
    return [render(from_data(data), tr.gettext) for data in req.gap_phrases]


def say(data: Any, english: str) -> str:
    """A phrase stored as data (``gap.phrase``) in the current language; ``english`` when English or absent."""
    tr = current()
    if tr.lang == "en" or data is None:
        return english
    return render(data if isinstance(data, Phrase) else from_data(data), tr.gettext)


def cite(citation: str, instrument: str | None = None) -> str:
    """A citation (``<instrument name> <label> <article>``) with the name and label in the current language.

    Without ``instrument``, the longest catalogue message the citation starts with is taken as the name.
    """
    tr = current()
    if tr.lang == "en":
        return citation
    if instrument is None:
        instrument = max((m for m in tr.messages if citation.startswith(m + " ")), key=len, default="")
    if not instrument or not citation.startswith(instrument + " "):
        return citation
    label, _, article = citation[len(instrument) + 1:].partition(" ")
    return f"{tr.gettext(instrument)} {tr.gettext(label)} {article}".rstrip()


def language() -> str:
    """The current language code."""
    return current().lang


def treaty_text(instrument: str, article: str, english: str, status: str) -> dict[str, str]:
    """The text of an article to show: in the current language where the rule set has it, else the English.

    Returns ``text``, ``status`` (of the shown text), ``lang`` (of the shown text) and ``source_url`` (or "").
    """
    tr = current()
    if tr.lang != "en":
        entry = tr.texts.get((instrument, article))
        if entry:
            return {"text": str(entry["text"]), "status": str(entry.get("status", "")), "lang": tr.lang,
                    "source_url": str(entry.get("source_url") or "")}
    return {"text": english, "status": status, "lang": "en", "source_url": ""}
