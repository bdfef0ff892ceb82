"""Reports in French and Spanish (``--lang``): complete catalogues, no untranslated message, neutral JSON.

A message is untranslated if its catalogue entry is empty or fuzzy, or if rendering any bundled
report (text, Markdown and HTML, three dates, and the comparison in Markdown and HTML) asks for a
message the catalogues do not hold. New template text or a new reason template fails here until
``python -m compliance.catalogues`` is run and the new entries are translated.
"""

from __future__ import annotations

import datetime as dt
import string
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from compliance import api
from compliance.catalogues import interface_messages, rule_messages
from compliance.cli import app
from compliance.model.results import Report
from compliance.render import i18n, render
from compliance.render.html import render_comparison_html, render_comparison_markdown

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "src" / "compliance" / "locale"
RULES_LOCALE = ROOT / "rules" / "locale"
LANGS = ("fr", "es")
DAYS = (dt.date(2012, 6, 1), dt.date(2020, 6, 1), dt.date(2026, 11, 28))


def _catalogue(path: Path) -> dict[str, tuple[str, bool]]:
    with path.open("rb") as handle:
        return {m.id: (m.string, m.fuzzy) for m in read_po(handle) if m.id}


def _fields(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)


@cache
def _reports(day: dt.date) -> list[Report]:
    rules = api.load_rules(ROOT / "rules")
    return [api.check_file(p, rules, as_of=day) for p in api.bundled_legislation()]


@pytest.mark.parametrize("pot", [LOCALE / "compliance.pot", RULES_LOCALE / "rules.pot"], ids=lambda p: p.name)
def test_templates_are_current(pot: Path) -> None:
    wanted = set(interface_messages()) if pot.name == "compliance.pot" else set(rule_messages(ROOT / "rules"))
    assert set(_catalogue(pot)) == wanted, "run `python -m compliance.catalogues` and translate the new entries"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("pot", [LOCALE / "compliance.pot", RULES_LOCALE / "rules.pot"], ids=lambda p: p.name)
def test_every_message_is_translated_with_the_same_placeholders(pot: Path, lang: str) -> None:
    catalogue = _catalogue(pot.parent / f"{lang}.po")
    missing = [m for m in _catalogue(pot) if not catalogue.get(m, ("", False))[0] or catalogue[m][1]]
    assert not missing, f"{len(missing)} untranslated in {lang}: {missing[:5]}"
    wrong = [m for m in _catalogue(pot) if _fields(m) != _fields(catalogue[m][0])]
    assert not wrong, f"placeholders differ in {lang}: {wrong[:5]}"


@pytest.mark.parametrize("lang", LANGS)
def test_rendering_every_bundled_report_asks_for_no_untranslated_message(lang: str) -> None:
    translator = i18n.translator(lang)
    translator.missed.clear()
    with i18n.using(lang):
        for day in DAYS:
            reports = _reports(day)
            for fmt in ("text", "markdown", "html"):
                render(reports, fmt)
            comparison = api.compare(reports, api.load_rules(ROOT / "rules"))
            render_comparison_markdown(comparison)
            page = render_comparison_html(comparison, {r.jurisdiction.code: f"{r.jurisdiction.code}.html"
                                                       for r in reports})
            assert f'<html lang="{lang}">' in page
    assert not translator.missed, f"{len(translator.missed)} untranslated: {sorted(translator.missed)[:8]}"


def test_json_is_the_same_in_every_language(tmp_path: Path) -> None:
    outs = []
    for lang in ("en", *LANGS):
        result = CliRunner().invoke(app, ["check", str(ROOT / "legislation" / "gb-eaw.yaml"), "-f", "json",
                                          "--as-of", "2026-11-28", "--lang", lang])
        outs.append(result.stdout)
    assert outs[0] == outs[1] == outs[2]


def test_treaty_text_is_authentic_where_the_rule_set_has_it_and_marked_english_otherwise() -> None:
    texts = i18n.translator("fr").texts
    assert texts, "rules/translations/fr.yaml has no text"
    report = _reports(DAYS[-1])[0]
    with i18n.using("fr"):
        page = render([report], "markdown")
    shown = [req for req in report.requirements if (req.instrument_id, req.article) in texts]
    english = [req for req in report.requirements if (req.instrument_id, req.article) not in texts]
    for req in shown:
        first = str(texts[(req.instrument_id, req.article)]["text"]).split()[:6]
        assert " ".join(first) in page.replace("\n> ", " ").replace("\n", " ")
    assert english and page.count(i18n.translator("fr").gettext(
        "in English: the rule set has no text in this language")) >= len(english)


def test_the_site_in_french_is_french(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = CliRunner().invoke(app, ["compare", str(ROOT / "legislation" / "fr.yaml"),
                                      str(ROOT / "legislation" / "gb-eaw.yaml"), "-o", str(out), "--lang", "fr",
                                      "--as-of", "2026-11-28"])
    assert result.exit_code == 0, result.output
    index = (out / "index.html").read_text(encoding="utf-8")
    page = (out / "gb-eaw.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in index and '<html lang="fr">' in page
    assert "Principales constatations" in index and "Classement" in index
    assert "Rapport d’écarts" in page and "Pourquoi elle est insuffisante" in page
    assert "Ouvrir le rapport d’écarts" in index
    # Treaty texts in French where the rule set has them (CETS 197 art 13(1) is one), else English, marked.
    assert '<blockquote lang="fr">1. Chaque Partie' in page or '<blockquote lang="fr">' in page
    assert '<blockquote lang="en">' in page and "en anglais : le jeu de règles n’a pas de texte" in page


def test_an_unknown_language_is_a_one_line_error() -> None:
    result = CliRunner().invoke(app, ["check", str(ROOT / "legislation" / "gb-eaw.yaml"), "--lang", "de"])
    assert result.exit_code == 2 and "Traceback" not in result.output


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.replace('article: "13(1)"', 'article: "13(9)"', 1), "no requirement quotes cets-197 article '13(9)'"),
    (lambda t: t.replace("status: authentic", "status: official", 1), "status"),
    (lambda t: t.replace("language: fr", "language: es", 1), "does not match the file name fr.yaml"),
])
def test_a_bad_translations_file_is_a_one_line_error_with_its_position(tmp_path: Path, edit, message) -> None:  # type: ignore[no-untyped-def]
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    path = rules / "translations" / "fr.yaml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(ROOT / "legislation" / "fr.yaml"), "--rules", str(rules)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and message in result.output
    assert "translations/fr.yaml:" in result.output
