"""The translatable messages of the project, and the gettext catalogues (``.po``) that translate them.

Two catalogues per language, so that a rule set brings its own translations:

- ``compliance/locale/<lang>.po`` (the **interface**): template strings, the sentence templates of
  generated reasons (:mod:`compliance.model.phrase`), join words and vocabulary descriptions;
- ``<rules>/locale/<lang>.po`` (the **rule set**): requirement titles, rationales, recommendations,
  element descriptions and gap sentences, area titles, instrument names.

``python -m compliance.catalogues`` re-extracts both templates (``.pot``) and merges them into
the ``.po`` files, keeping existing translations (new messages arrive untranslated, and
``tests/test_i18n.py`` fails until they are translated). Reading ``.po`` at run time (through Babel)
avoids a compile step whose output could go stale.
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

from compliance.model.phrase import has_words

#: The languages the reports are translated into (English is the source language).
LANGUAGES = ("fr", "es")

PACKAGE = Path(__file__).resolve().parent
LOCALE = PACKAGE / "locale"
TEMPLATES = PACKAGE / "render" / "templates"

#: Python callables whose first string argument is a message.
_KEYWORDS = {"Phrase", "Msg", "_", "N_"}


def _python_messages(paths: Iterable[Path]) -> Iterator[tuple[str, str]]:
    """Literal first arguments of ``Phrase(...)``, ``Msg(...)``, ``_(...)`` and ``N_(...)`` calls."""
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _KEYWORDS
                    and node.args):
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    yield first.value, f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
                elif isinstance(first, ast.IfExp):
                    for branch in (first.body, first.orelse):
                        if isinstance(branch, ast.Constant) and isinstance(branch.value, str):
                            yield branch.value, f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"


def _template_messages() -> Iterator[tuple[str, str]]:
    """Messages of the Jinja templates (``{% trans %}`` blocks and ``_()`` calls), through Jinja's extractor."""
    from jinja2.ext import babel_extract

    for path in sorted(TEMPLATES.glob("*.j2")):
        with path.open("rb") as handle:
            for lineno, _func, message, _comments in babel_extract(
                    handle, ("_", "gettext", "ngettext"), [], {"extensions": "jinja2.ext.i18n",
                                                               "trim_blocks": "true"}):
                for text in (message if isinstance(message, tuple) else (message,)):
                    if text:
                        yield text, f"{path.relative_to(PACKAGE.parent)}:{lineno}"


def _vocabulary_messages() -> Iterator[tuple[str, str]]:
    """Every vocabulary description (as reasons quote it: without its final full stop) and the words of cells."""
    from compliance.vocabulary import CATEGORIES, load_vocabulary

    vocab = load_vocabulary()
    for category in CATEGORIES:
        for name in vocab.terms.get(category, {}):
            yield vocab.describe(name, category), f"vocabulary {category} {name}"
    for values in vocab.dimensions.values():
        for value in values:
            yield value.replace("_", " "), "vocabulary dimension"
    for key, entry in vocab.modalities.items():
        deontic = str(entry["deontic"]).replace("_", " ")
        yield ("an " if deontic[:1] in "aeiou" else "a ") + deontic, f"vocabulary modality {key}"
        yield str(entry["reads"]).split(" / ")[0].lower(), f"vocabulary modality {key} (the keyword)"
        yield key.replace("_", " "), f"vocabulary modality {key} (a source's modality)"
    for key in vocab.hedges:
        yield key.replace("_", " "), f"vocabulary hedge {key}"
    for key in vocab.kinds:
        yield f"a {key}", f"vocabulary kind {key}"


#: Words the templates translate from data values (``_(req.status)``): statuses and text statuses.
_DATA_WORDS = ("met", "partial", "missing", "not_assessed", "verbatim", "excerpt", "translation", "paraphrase",
               "authentic", "official_version", "unofficial_translation")


def _constant_messages() -> Iterator[tuple[str, str]]:
    """Fixed sentences of the results model that renderers show (scope, how key findings are chosen)."""
    from compliance.model import results

    for word in _DATA_WORDS:
        yield word, "a status or text status (templates: _(value))"

    for name in ("SCOPE", "KEY_FINDINGS_RULE"):
        yield " ".join(str(getattr(results, name)).split()), f"compliance.model.results.{name}"
    yield " ".join(str(results.ComparisonFindings.model_fields["rule"].default).split()), \
        "compliance.model.results.ComparisonFindings.rule"


def _rule_messages(rules_dir: Path) -> Iterator[tuple[str, str]]:
    """The prose of a rule set: what its reports show of each requirement, area, profile and instrument."""
    for path in sorted(rules_dir.glob("*/*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for req in data.get("requirements", []):
            where = f"{path.relative_to(rules_dir)} {req['id']}"
            for key in ("title", "rationale", "recommendation"):
                if req.get(key):
                    yield str(req[key]).strip(), f"{where} {key}"
            for element in req.get("elements", []):
                yield str(element["description"]).strip(), f"{where} {element['id']}"
                if element.get("missing"):
                    yield str(element["missing"]).strip(), f"{where} {element['id']} missing"
    scoring = yaml.safe_load((rules_dir / "scoring.yaml").read_text(encoding="utf-8"))
    for area in scoring.get("areas", []):
        yield str(area["title"]).strip(), f"scoring.yaml area {area['id']}"
        if area.get("description"):
            yield str(area["description"]).strip(), f"scoring.yaml area {area['id']} description"
    if scoring.get("method"):
        yield " ".join(str(scoring["method"]).split()), "scoring.yaml method"
    groups_file = rules_dir / "groups.yaml"
    if groups_file.is_file():
        for gid, group in (yaml.safe_load(groups_file.read_text(encoding="utf-8")) or {}).get("groups", {}).items():
            yield str(group["name"]).strip(), f"groups.yaml {gid}"
    instruments = yaml.safe_load((rules_dir / "instruments.yaml").read_text(encoding="utf-8"))
    for inst in instruments.get("instruments", []):
        for key in ("name", "title"):
            if inst.get(key):
                yield " ".join(str(inst[key]).split()), f"instruments.yaml {inst['id']} {key}"


def _report_messages() -> Iterator[tuple[str, str]]:
    """Messages the generated reasons of the bundled reports use (dynamic ones included), at three dates."""
    from compliance import api
    from compliance.model.phrase import from_data, messages

    rules = api.load_rules()
    for day in (dt.date(2012, 6, 1), dt.date(2020, 6, 1), dt.date(2026, 11, 28)):
        for path in api.bundled_legislation():
            report = api.check_file(path, rules, as_of=day)
            phrases = [from_data(d) for req in report.requirements for d in req.gap_phrases]
            phrases += [report.coverage.phrase()]
            phrases += [from_data(i.basis_phrase) for i in report.instruments if i.basis_phrase is not None]
            if report.key_findings is not None:
                kf = report.key_findings
                phrases += [from_data(g.phrase) for g in kf.gaps if g.phrase is not None]
                phrases += [from_data(kf.met_phrase)] if kf.met_phrase is not None else []
            for phrase in phrases:
                for msgid in messages(phrase):
                    yield msgid, f"sentences of {path.name}"


def interface_messages(rules_dir: Path | None = None) -> dict[str, list[str]]:
    """Every message of the interface catalogue, with where it comes from (first seen first).

    Messages the rule set's catalogue holds (an instrument's name, a title quoted without its full stop)
    are left to it: at run time the two catalogues are one.
    """
    from compliance.resources import bundled_rules_dir

    ruled = set(rule_messages(rules_dir or bundled_rules_dir()))
    found: dict[str, list[str]] = {}
    sources = sorted(PACKAGE.rglob("*.py"))
    for text, where in (*_template_messages(), *_python_messages(sources), *_vocabulary_messages(),
                        *_constant_messages(), *_report_messages()):
        if has_words(text) and text not in ruled and text + "." not in ruled:
            found.setdefault(text, []).append(where)
    return found


def rule_messages(rules_dir: Path) -> dict[str, list[str]]:
    """Every message of a rule set's catalogue, with where it comes from."""
    found: dict[str, list[str]] = {}
    for text, where in _rule_messages(rules_dir):
        found.setdefault(text, []).append(where)
    return found


def _write_catalogue(messages: dict[str, list[str]], pot: Path, domain: str) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    template = Catalog(project=f"compliance {domain}", fuzzy=False)
    for text, where in messages.items():
        template.add(text, auto_comments=sorted(set(where))[:3])
    pot.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, template, width=100, omit_header=False, sort_output=False)
    if not pot.exists() or _undated(pot.read_bytes()) != _undated(buffer.getvalue()):  # no churn of the date alone
        pot.write_bytes(buffer.getvalue())
    for lang in LANGUAGES:
        po_path = pot.parent / f"{lang}.po"
        if po_path.exists():
            with po_path.open("rb") as handle:
                catalogue = read_po(handle, locale=lang)
            catalogue.update(template, no_fuzzy_matching=True)
        else:
            catalogue = Catalog(locale=lang, project=f"compliance {domain}", fuzzy=False)
            catalogue.update(template, no_fuzzy_matching=True)
        buffer = io.BytesIO()
        write_po(buffer, catalogue, width=100, sort_output=False, ignore_obsolete=True)
        if not po_path.exists() or _undated(po_path.read_bytes()) != _undated(buffer.getvalue()):
            po_path.write_bytes(buffer.getvalue())


def _undated(data: bytes) -> bytes:
    """A catalogue without its creation and revision date lines (they change on every extraction)."""
    return b"\n".join(line for line in data.split(b"\n")
                      if not line.startswith((b'"POT-Creation-Date:', b'"PO-Revision-Date:')))


def extract(rules_dir: Path | None = None) -> None:
    """Re-extract the interface and rule-set templates and merge them into every language's ``.po``."""
    from compliance.resources import bundled_rules_dir

    rules_dir = rules_dir or bundled_rules_dir()
    _write_catalogue(interface_messages(rules_dir), LOCALE / "compliance.pot", "interface")
    _write_catalogue(rule_messages(rules_dir), rules_dir / "locale" / "rules.pot", "rules")


def main(argv: list[str] | None = None) -> int:
    """``python -m compliance.catalogues [RULES_DIR]``."""
    args = sys.argv[1:] if argv is None else argv
    extract(Path(args[0]) if args else None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
