"""Load ``rules/`` into a closed, cross-checked :class:`~compliance.model.rules.RuleSet`."""

from __future__ import annotations

import difflib
import hashlib
import re
from pathlib import Path
from typing import Any

from compliance.errors import ComplianceError, ErrorList, RuleError
from compliance.loader import YamlDocument, load_yaml
from compliance.model.rules import (
    Group,
    GroupsFile,
    InstrumentsFile,
    ProfilesFile,
    Requirement,
    RuleFile,
    RuleSet,
    Scoring,
    SourcesFile,
    TranslationsFile,
)
from compliance.norms import parse_norm
from compliance.operators import OPERATORS
from compliance.validate import validate_document
from compliance.vocabulary import Vocabulary, load_vocabulary

_TERM_REF = re.compile(r"^([a-z][a-z0-9_]*)(?:\[([a-z0-9_, ]+)\])?$")

#: The bundled rule set, already loaded and checked (written by ``python -m compliance.prebuild``).
PREBUILT = Path(__file__).with_name("prebuilt_rules.json")
#: The engine files whose content decides what loading a rule directory yields; part of the prebuilt key.
_ENGINE_FILES = ("registry.py", "loader.py", "validate.py", "norms.py", "operators.py", "vocabulary.py",
                 "model/base.py", "model/rules.py", "grammar/norm.lark", "grammar/vocabulary.yaml")


def rules_key(directory: Path) -> str:
    """A SHA-256 over a rule directory's YAML files (names and bytes) and the engine files that load them.

    Two directories with the same key load to the same :class:`RuleSet`, so a rule set loaded once can
    stand in for loading the directory again (:data:`PREBUILT`).
    """
    digest = hashlib.sha256()
    engine = Path(__file__).parent
    for name in _ENGINE_FILES:
        digest.update(name.encode() + b"\0" + (engine / name).read_bytes() + b"\0")
    for path in sorted(directory.glob("*.yaml")) + _rule_files(directory) + _translation_files(directory):
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(directory.name.encode())  # error and origin paths start with the folder's name
    return digest.hexdigest()


#: Folders of a rule set that hold its translations, not requirements (``translations/``, ``locale/``).
NOT_REQUIREMENTS = ("translations", "locale")


def _rule_files(root: Path) -> list[Path]:
    """The requirement files of a rule set: ``*/*.yaml`` outside :data:`NOT_REQUIREMENTS`."""
    return [p for p in sorted(root.glob("*/*.yaml")) if p.parent.name not in NOT_REQUIREMENTS]


def _translation_files(root: Path) -> list[Path]:
    """The treaty-text files of a rule set (``translations/<lang>.yaml``)."""
    return sorted((root / "translations").glob("*.yaml"))


def _prebuilt(directory: Path) -> RuleSet | None:
    """The shipped rule set if ``directory`` has exactly the content it was built from, else None.

    :data:`PREBUILT` is the key on its first line, then the rule set as JSON (plain data read by the
    models: no code runs). Anything unreadable or stale is ignored and the directory is loaded.
    """
    try:
        key, _, body = PREBUILT.read_bytes().partition(b"\n")
        if key.decode("ascii") != rules_key(directory):
            return None
        return RuleSet.model_validate_json(body)
    except (OSError, ValueError):
        return None


def write_prebuilt(rules: RuleSet, directory: Path) -> None:
    """Write :data:`PREBUILT` for ``rules``, the rule set loaded from ``directory``."""
    PREBUILT.write_bytes(rules_key(directory).encode("ascii") + b"\n" + rules.model_dump_json(by_alias=True).encode()
                         + b"\n")


def load_rules(directory: str | Path, vocab: Vocabulary | None = None) -> RuleSet:
    """Load and check every rule file under ``directory``.

    The directory holds ``instruments.yaml``, ``scoring.yaml`` and requirement files in
    sub-directories (``<instrument>/<article>.yaml``).

    Raises:
        ErrorList: Every problem found, each positioned in its rule file.
    """
    root = Path(directory)
    if vocab is None:
        prebuilt = _prebuilt(root)
        if prebuilt is not None:
            return prebuilt
    vocab = vocab or load_vocabulary()
    errors: list[ComplianceError] = []

    def guarded(path: Path) -> YamlDocument | None:
        try:
            return load_yaml(path)
        except ComplianceError as exc:
            errors.append(exc)
        return None

    instruments_doc = guarded(root / "instruments.yaml")
    scoring_doc = guarded(root / "scoring.yaml")
    profiles_doc = guarded(root / "profiles.yaml")
    if instruments_doc is None or scoring_doc is None or profiles_doc is None:
        raise ErrorList(errors)
    instruments = validate_document(instruments_doc, InstrumentsFile)
    scoring = validate_document(scoring_doc, Scoring)
    profiles = validate_document(profiles_doc, ProfilesFile)
    groups: dict[str, Group] = {}
    if (root / "groups.yaml").is_file():
        groups_doc = guarded(root / "groups.yaml")
        if groups_doc is not None:
            try:
                groups = validate_document(groups_doc, GroupsFile).groups
            except ErrorList as exc:
                errors += exc.errors
    if (root / "sources.yaml").is_file():  # official publishers (validate --strict); checked like the rest
        sources_doc = guarded(root / "sources.yaml")
        if sources_doc is not None:
            try:
                validate_document(sources_doc, SourcesFile)
            except ErrorList as exc:
                errors += exc.errors
    known_instruments = {i.id: i for i in instruments.instruments}
    errors += _check_profiles(profiles, profiles_doc, set(known_instruments))
    areas = {a.id for a in scoring.areas}
    requirements: list[Requirement] = []
    origins: dict[str, tuple[str, int]] = {}
    for path in _rule_files(root):
        doc = guarded(path)
        if doc is not None:
            doc.path = f"{root.name}/{path.relative_to(root).as_posix()}"
        if doc is None:
            continue
        try:
            rule_file = validate_document(doc, RuleFile)
        except ErrorList as exc:
            errors += exc.errors
            continue
        for index, req in enumerate(rule_file.requirements):
            where = ("requirements", index)
            if req.id in origins:
                file, line = origins[req.id]
                errors.append(RuleError(f"duplicate rule id {req.id!r} (first in {file}:{line})",
                                        doc.span((*where, "id"))))
                continue
            origins[req.id] = (doc.path, doc.span(where).line)
            errors += _check_requirement(req, doc, where, known_instruments.keys(), areas, vocab)
            requirements.append(req)
    quoted = {(r.instrument, r.article) for r in requirements} | {
        (o.instrument, o.article) for r in requirements for o in r.other_sources}
    for path in _translation_files(root):
        doc = guarded(path)
        if doc is None:
            continue
        doc.path = f"{root.name}/{path.relative_to(root).as_posix()}"
        try:
            translations = validate_document(doc, TranslationsFile)
        except ErrorList as exc:
            errors += exc.errors
            continue
        if translations.language != path.stem:
            errors.append(RuleError(f"language {translations.language!r} does not match the file name {path.name}",
                                    doc.span(("language",))))
        for index, entry in enumerate(translations.texts):
            if (entry.instrument, entry.article) not in quoted:
                errors.append(RuleError(
                    f"no requirement quotes {entry.instrument} article {entry.article!r}: a translated text must "
                    "match a quoted article exactly", doc.span(("texts", index, "article"))))
    if errors:
        raise ErrorList(errors)
    area_order = {a.id: i for i, a in enumerate(scoring.areas)}
    instrument_order = {i: n for n, i in enumerate(known_instruments)}
    requirements.sort(key=lambda r: (area_order.get(r.area, len(area_order)),
                                     instrument_order.get(r.instrument, len(instrument_order)),
                                     article_key(r.article), r.id))
    return RuleSet(version=instruments.rules_version, instruments=known_instruments,
                   requirements=requirements, scoring=scoring, profiles=profiles, origins=origins, groups=groups)


def article_key(article: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key of an article label in its natural order: ``3(a)`` < ``3(b)`` < ``10(2)`` < ``12(1)``.

    >>> sorted(["12(1)", "3(b)", "10(2)", "3(a)", "Guideline 2"], key=article_key)
    ['3(a)', '3(b)', '10(2)', '12(1)', 'Guideline 2']
    """
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.findall(r"\d+|[A-Za-z]+", article))


def _check_profiles(profiles: ProfilesFile, doc: YamlDocument, known: set[str]) -> list[ComplianceError]:
    errors: list[ComplianceError] = []
    if profiles.default not in profiles.profiles:
        errors.append(RuleError(f"default profile {profiles.default!r} is not defined", doc.span(("default",))))
    for name, profile in profiles.profiles.items():
        for index, inst in enumerate(profile.instruments):
            if inst not in known:
                errors.append(RuleError(f"profile {name!r}: unknown instrument {inst!r}",
                                        doc.span(("profiles", name, "instruments", index))))
    return errors


def check_rule_file(doc: YamlDocument, rules: RuleSet, vocab: Vocabulary | None = None) -> RuleFile:
    """Validate one requirement file on its own, against the instruments and areas of ``rules``.

    Raises:
        ErrorList: Every problem found, positioned in the file.
    """
    vocab = vocab or load_vocabulary()
    rule_file = validate_document(doc, RuleFile)
    areas = {a.id for a in rules.scoring.areas}
    errors: list[ComplianceError] = []
    for index, req in enumerate(rule_file.requirements):
        errors += _check_requirement(req, doc, ("requirements", index), rules.instruments.keys(), areas, vocab)
    if errors:
        raise ErrorList(errors)
    return rule_file


def _check_requirement(req: Requirement, doc: YamlDocument, where: tuple[str | int, ...],
                       instruments: object, areas: set[str], vocab: Vocabulary) -> list[ComplianceError]:
    errors: list[ComplianceError] = []
    if req.instrument not in instruments:  # type: ignore[operator]
        errors.append(RuleError(f"unknown instrument {req.instrument!r}", doc.span((*where, "instrument"))))
    cited = [req.instrument]
    for s_index, source in enumerate(req.other_sources):
        cited.append(source.instrument)
        if source.instrument not in instruments:  # type: ignore[operator]
            errors.append(RuleError(f"unknown instrument {source.instrument!r}",
                                    doc.span((*where, "other_sources", s_index, "instrument"))))
    if len(set(cited)) != len(cited):
        errors.append(RuleError("an instrument is cited twice; merge the articles into one source",
                                doc.span((*where, "other_sources"))))
    if req.area not in areas:
        errors.append(RuleError(f"unknown area {req.area!r} (areas: {', '.join(sorted(areas))})",
                                doc.span((*where, "area"))))
    seen: set[str] = set()
    for e_index, element in enumerate(req.elements):
        at = (*where, "elements", e_index)
        if element.id in seen:
            errors.append(RuleError(f"duplicate element id {element.id!r}", doc.span((*at, "id"))))
        seen.add(element.id)
        errors += _check_selector(element.select.model_dump(), doc, (*at, "select"), vocab)
        for r_index, inst in enumerate(element.required_by or []):
            if inst not in cited:
                errors.append(RuleError(f"required_by {inst!r} is not one of this requirement's sources "
                                        f"({', '.join(cited)})", doc.span((*at, "required_by", r_index))))
        errors += _check_allows(element.allows.model_dump(), doc, (*at, "allows"), vocab)
        for kind in element.allows.priced_elsewhere:
            if all(kind in other.allows.priced_elsewhere for other in req.elements):
                errors.append(RuleError(f"allows: every element says {kind} are priced elsewhere, so none prices them",
                                        doc.span((*at, "allows", "priced_elsewhere"))))
        for name, param in element.require.items():
            operator = OPERATORS.get(name)
            if operator is None:
                hint = (" (conditions and exceptions a standard permits are declared under 'allows:')"
                        if name in _STANCE_OPERATORS else "")
                errors.append(RuleError(
                    f"unknown operator {name!r} (operators: {', '.join(sorted(OPERATORS))}){hint}",
                    doc.span((*at, "require", name), key=True)))
                continue
            try:
                operator().validate(param, vocab)
            except (ValueError, TypeError, AttributeError) as exc:
                errors.append(RuleError(f"operator {name!r}: {exc}", doc.span((*at, "require", name))))
    for group, examples in (("pass", req.examples.pass_), ("fail", req.examples.fail)):
        for x_index, example in enumerate(examples):
            local = vocab.with_local(dict(example.terms))
            for n_index, text in enumerate(example.norms):
                path = (*where, "examples", group, x_index, "norms", n_index)

                def locate(line: int, column: int, path: tuple[str | int, ...] = path) -> object:
                    return doc.scalar_span(path, line, column)

                try:
                    parse_norm(text, local, locate)  # type: ignore[arg-type]
                except ComplianceError as exc:
                    errors.append(exc)
    return errors


#: Operators of rule set 1.x that the element stance (``allows:``) replaced.
_STANCE_OPERATORS = frozenset({"allowed_conditions", "exceptions"})


def _check_allows(allows: dict[str, Any], doc: YamlDocument, at: tuple[str | int, ...],
                  vocab: Vocabulary) -> list[ComplianceError]:
    """Every term an element allows is a known term of the right kind."""
    errors: list[ComplianceError] = []
    conditions = vocab.terms["condition"]
    tables = {"conditions": ("condition", conditions), "time_limits": ("condition", conditions),
              "exceptions": ("condition", conditions),
              "hedges": ("hedge", vocab.hedges), "sources": ("source", vocab.sources),
              "qualifiers": ("person qualifier", vocab.terms["person_qualifier"])}
    for key, (what, table) in tables.items():
        for index, term in enumerate(allows.get(key) or []):
            if term not in table:
                hint = difflib.get_close_matches(str(term), list(table), n=1)
                errors.append(RuleError(f"allows: unknown {what} {term!r}"
                                        + (f"; did you mean {hint[0]!r}?" if hint else ""),
                                        doc.span((*at, key, index))))
    return errors


def _check_selector(select: dict[str, object], doc: YamlDocument, at: tuple[str | int, ...],
                    vocab: Vocabulary) -> list[ComplianceError]:
    errors: list[ComplianceError] = []
    checks = {"actions": "action", "objects": "object", "actors": "actor", "offences": "offence"}
    for key, category in checks.items():
        for term in select.get(key) or []:  # type: ignore[attr-defined]
            if not vocab.knows(str(term), category, "person" if key == "actors" else category):
                hint = vocab.suggest(str(term), category)
                errors.append(RuleError(
                    f"unknown {category} term {term!r}" + (f"; did you mean {hint!r}?" if hint else ""),
                    doc.span((*at, key))))
    match = _TERM_REF.match(str(select["beneficiary"]))
    if not match or not vocab.knows(match.group(1), "person"):
        errors.append(RuleError(f"beneficiary {select['beneficiary']!r} is not a person term",
                                doc.span((*at, "beneficiary"))))
    else:
        for qualifier in (match.group(2) or "").replace(" ", "").split(","):
            if qualifier and not vocab.knows(qualifier, "person_qualifier"):
                errors.append(RuleError(f"unknown qualifier {qualifier!r}", doc.span((*at, "beneficiary"))))
    return errors


def split_term_ref(text: str) -> tuple[str, tuple[str, ...]]:
    """Split ``'victim[child, foreign]'`` into ``('victim', ('child', 'foreign'))``."""
    match = _TERM_REF.match(text.strip())
    if not match:
        raise ValueError(f"not a term reference: {text!r}")
    quals = tuple(q for q in (match.group(2) or "").replace(" ", "").split(",") if q)
    return match.group(1), quals
