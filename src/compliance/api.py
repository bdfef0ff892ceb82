"""The Python API: compose the pipeline stages load -> validate -> parse -> evaluate -> score.

The CLI is a thin layer over these functions::

    from compliance import api
    rules = api.load_rules()
    report = api.check_file("legislation/gb-eaw.yaml", rules)
    print(report.score, report.areas["non_punishment"].status)
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from compliance import runner
from compliance.comparison import ComparisonBuilder, build_comparison, diff_reports
from compliance.errors import ComplianceError, ErrorList, LoadError, RuleError
from compliance.evaluate import evaluate
from compliance.evaluate import release as release_prepared
from compliance.loader import load_yaml, parse_yaml
from compliance.model.results import Comparison, CorpusEntry, Diff, Report
from compliance.model.rules import RuleSet
from compliance.norms import ParsedStatute, parse_statute
from compliance.policy.waivers import apply_waivers, load_waivers
from compliance.registry import load_rules as _load_rules
from compliance.resources import bundled_legislation_dir, bundled_rules_dir
from compliance.score import binding_instruments, build_report, requirement_result
from compliance.span import Span
from compliance.validate import is_official, strict_problems, strict_warnings, validate_statute
from compliance.vocabulary import load_vocabulary


def load_rules(directory: str | os.PathLike[str] | None = None) -> RuleSet:
    """Load the rule set from ``directory`` (default: the bundled rules)."""
    return _load_rules(Path(directory) if directory is not None else bundled_rules_dir())


def load_statute(path: str | Path, rules: RuleSet, display_path: str | None = None,
                 strict: bool = False, text: str | bytes | None = None,
                 warnings: list[ComplianceError] | None = None) -> ParsedStatute:
    """Load, validate and parse one statute file (named ``display_path`` in errors and reports).

    With ``strict``, also apply the curated-corpus checks of :func:`compliance.validate.strict_problems`.
    With ``text``, parse that YAML instead of reading ``path`` (e.g. a statute read from stdin).
    With ``strict`` and a ``warnings`` list, the strict warnings (undated provisions) are added to it.

    Raises:
        ComplianceError: (or ErrorList of them) for any problem, positioned in the file.
    """
    doc = load_yaml(path, display_path=display_path) if text is None else parse_yaml(text, display_path or str(path))
    statute = validate_statute(doc, set(rules.instruments), {a.id for a in rules.scoring.areas})
    parsed = parse_statute(doc, statute, load_vocabulary())
    if strict:
        problems = strict_problems(doc, statute)
        if problems:
            raise ErrorList(problems)
        if warnings is not None:
            warnings += strict_warnings(doc, statute)
    return parsed


def profile_instruments(rules: RuleSet, standard: str | None = None) -> tuple[str, set[str]]:
    """Resolve a ``--standard`` profile name (default: the rule set's default) to its instruments.

    Raises:
        RuleError: The profile does not exist.
    """
    name = standard or rules.profiles.default
    profile = rules.profiles.profiles.get(name)
    if profile is None:
        known = ", ".join(sorted(rules.profiles.profiles))
        raise RuleError(f"no such standard {name!r} (profiles: {known})", Span("rules/profiles.yaml"))
    return name, set(profile.instruments)


def check(statute: ParsedStatute, rules: RuleSet, as_of: dt.date | None = None,
          select: Iterable[str] | None = None, standard: str | None = None) -> Report:
    """Evaluate and score a parsed statute against the rule set.

    Args:
        statute: The parsed statute.
        rules: The rule set.
        as_of: Evaluate the law in force on this day (default: today).
        select: Only these requirement ids.
        standard: A profile of ``rules/profiles.yaml`` selecting instruments (default: its default).
    """
    day = as_of or dt.date.today()
    vocab = load_vocabulary()
    wanted = set(select) if select else None
    name, chosen = profile_instruments(rules, standard)
    instruments = binding_instruments(statute, rules, day, chosen)
    binding = {i.id: i.binding for i in instruments}
    try:
        results = [
            requirement_result(req, evaluate(statute, req, vocab, day, chosen, restrictions=rules.scoring.restrictions),
                               rules, binding, chosen)
            for req in rules.requirements
            if (wanted is None or req.id in wanted) and any(s.instrument in chosen for s in req.sources())
        ]
    finally:
        release_prepared()
    return build_report(statute, rules, results, instruments, day, name)


def check_many(paths: Iterable[str | Path], rules: RuleSet, as_of: dt.date | None = None,
               standard: str | None = None, names: dict[Path, str] | None = None,
               progress: Callable[[Path], None] | None = None, jobs: int | None = None,
               keep: Callable[[Report], Report] | None = None,
               sink: Callable[[int, Report], None] | None = None) -> list[Report]:
    """Check several statute files the same way (same date, same standard), in input order.

    Reports come from the result cache when a file, the rules and the engine are unchanged
    (:mod:`compliance.runner`); files that miss are checked in worker processes when that pays.

    Args:
        paths: The statute files.
        rules: The rule set.
        as_of: The day whose law is evaluated (default today).
        standard: A profile of the rule set.
        names: How to name some files in errors and reports.
        progress: Called with each path as it is checked (e.g. to draw a progress bar).
        jobs: Worker processes (default: decided by the amount of work; 1: none).
        keep: Applied to each report as it is ready (e.g. ``Report.slim``), to bound memory.
        sink: Given each report (with its position) as it is ready; then none is kept or returned.

    Raises:
        ErrorList: Every input error of every file, after trying them all.
    """
    day = as_of or dt.date.today()
    profile, _ = profile_instruments(rules, standard)
    shown = names or {}

    def check_one(path: Path, name: str | None, raw: bytes) -> Report:
        return check(load_statute(path, rules, name, text=raw or None), rules, day, standard=standard)

    return runner.run([Path(p) for p in paths], shown, runner.run_key(rules, day, profile), check_one,
                      progress=progress, jobs=jobs, worker_setup=(rules, day, profile), keep=keep, sink=sink)


def compare(reports: list[Report], rules: RuleSet) -> Comparison:
    """Rank the reports and lay out the jurisdiction x requirement matrix."""
    return build_comparison(reports, rules)


def diff(old: Report, new: Report) -> Diff:
    """The requirements whose verdict changed between two reports, with the provisions that caused it."""
    return diff_reports(old, new)


def corpus(paths: Iterable[str | Path], rules: RuleSet, as_of: dt.date,
           names: dict[Path, str] | None = None) -> list[CorpusEntry]:
    """Provenance figures and scores of each statute file (for ``docs/corpus.md``)."""
    entries = []
    for path in paths:
        parsed = load_statute(path, rules, (names or {}).get(Path(path)))
        report = check(parsed, rules, as_of)
        statute = parsed.statute
        counts = Counter(p.text_status for p in statute.provisions)
        entries.append(CorpusEntry(
            code=statute.jurisdiction.code, name=statute.jurisdiction.name, file=parsed.path,
            instruments=[{"id": i.id, "title": i.title, "citation": i.citation, "url": i.url, "kind": i.kind}
                         for i in statute.instruments],
            treaties=[{"instrument": rules.instruments[t.instrument].name,
                       "since": str(t.binding_since() or "undated"),
                       "exact": "yes" if (t.in_force or t.ratified) else "no"} for t in statute.treaties],
            provisions=len(statute.provisions),
            by_status={k: counts.get(k, 0) for k in ("verbatim", "excerpt", "translation", "paraphrase")},
            languages=sorted({p.language for p in statute.provisions}),
            norms=sum(len(p.norms) for p in parsed.provisions),
            score=report.score, binding_score=report.binding_score,
            group=(rules.groups[g].name if (g := rules.group_of(statute.jurisdiction.code)) else None),
            official_sources=sum(1 for p in statute.provisions
                                 if is_official(p.source_url, statute.jurisdiction.code.split("-")[0])),
            not_read=list(report.coverage.not_assessed)))
    return entries


def _rules_of(rules: RuleSet | str | os.PathLike[str] | None) -> RuleSet:
    return rules if isinstance(rules, RuleSet) else load_rules(None if rules is None else Path(rules))


def _day(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"as_of: invalid date {value!r}: use YYYY-MM-DD") from None


def check_source(source: str | os.PathLike[str], *, rules: RuleSet | str | os.PathLike[str] | None = None,
                 as_of: dt.date | str | None = None, standard: str | None = None,
                 waivers: str | os.PathLike[str] | None = None) -> Report:
    """Check a statute file, or YAML text (a ``str`` holding a newline); see :func:`compliance.check`."""
    ruleset = _rules_of(rules)
    if isinstance(source, str) and "\n" in source:
        parsed = load_statute("<string>", ruleset, text=source)
    else:
        parsed = load_statute(Path(source), ruleset)
    report = check(parsed, ruleset, _day(as_of), standard=standard)
    if waivers is not None:
        placed = load_waivers(waivers, {r.id for r in ruleset.requirements})
        report = apply_waivers([report], placed).reports[0]
    return report


def compare_sources(sources: Iterable[str | os.PathLike[str]], *,
                    rules: RuleSet | str | os.PathLike[str] | None = None, as_of: dt.date | str | None = None,
                    standard: str | None = None) -> Comparison:
    """Check several statute files and compare them; see :func:`compliance.compare`."""
    ruleset = _rules_of(rules)
    builder = ComparisonBuilder()
    check_many(expand_paths([Path(s) for s in sources]), ruleset, _day(as_of), standard, sink=builder.add)
    return builder.result(ruleset)


def check_file(path: str | Path, rules: RuleSet | None = None, as_of: dt.date | None = None) -> Report:
    """Load and check one statute file."""
    rules = rules or load_rules()
    return check(load_statute(path, rules), rules, as_of)


#: ``compliance schema NAME``: the model behind each file kind, and what the schema describes.
SCHEMAS: dict[str, tuple[str, str]] = {
    "statute": ("compliance.model.legislation:Statute", "A statute file under legislation/"),
    "rules": ("compliance.model.rules:RuleFile", "A requirement file under rules/<instrument>/"),
    "instruments": ("compliance.model.rules:InstrumentsFile", "rules/instruments.yaml"),
    "scoring": ("compliance.model.rules:Scoring", "rules/scoring.yaml"),
    "profiles": ("compliance.model.rules:ProfilesFile", "rules/profiles.yaml"),
    "translations": ("compliance.model.rules:TranslationsFile", "rules/translations/<lang>.yaml: treaty texts"),
    "sources": ("compliance.model.rules:SourcesFile", "rules/sources.yaml: official publishers' domains"),
    "groups": ("compliance.model.rules:GroupsFile", "rules/groups.yaml: regional groups"),
    "waivers": ("compliance.policy.waivers:WaiversFile", "A waiver file (.compliance-waivers.yaml)"),
    "config": ("compliance.policy.config:Config", "A .compliance.yaml file, or [tool.compliance] in pyproject.toml"),
    "baseline": ("compliance.policy.baseline:Baseline", "A baseline file (compliance baseline create)"),
    "report": ("compliance.model.results:Report", "The JSON output of check for one statute"),
    "comparison": ("compliance.model.results:Comparison", "The JSON output of compare"),
    "calibration": ("compliance.model.calibration:FindingsFile",
                    "The calibration data set (calibration/findings.yaml)"),
}


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a file kind, generated from its pydantic model.

    Raises:
        KeyError: ``name`` is not a key of :data:`SCHEMAS`.
    """
    import importlib

    target, title = SCHEMAS[name]
    module, _, attr = target.partition(":")
    model = getattr(importlib.import_module(module), attr)
    body = model.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **body}


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders into the YAML files they hold (sorted); keep files as given.

    Raises:
        LoadError: A path does not exist, or a folder holds no YAML file.
    """
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
            if not found:
                raise LoadError("folder holds no .yaml file", Span(str(path)))
            out += found
        elif path.exists():
            out.append(path)
        else:
            raise LoadError("no such file or folder", Span(str(path)))
    return out


def bundled_legislation() -> list[Path]:
    """The bundled legislation files."""
    return expand_paths([bundled_legislation_dir()])


def display_name(path: Path) -> str:
    """How to name a bundled file in reports: ``legislation/<name>`` wherever the package is installed."""
    bundled = bundled_legislation_dir()
    return f"legislation/{path.name}" if path.resolve().parent == bundled.resolve() else str(path)


__all__ = [
    "ComplianceError",
    "bundled_legislation",
    "check",
    "check_file",
    "check_many",
    "check_source",
    "compare",
    "compare_sources",
    "corpus",
    "diff",
    "display_name",
    "expand_paths",
    "load_rules",
    "load_statute",
]
