"""Aggregate element evaluations into requirement, area and overall scores, and build the report.

The arithmetic is the one published in ``rules/scoring.yaml`` (``method``): weighted means, with
statuses from unrounded values (100 = met, 0 = missing, otherwise partial).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from compliance.evaluate import ElementEvaluation, NormHit
from compliance.model.phrase import Arg, Items, Msg, Phrase, to_data
from compliance.model.results import (
    AreaResult,
    Coverage,
    ElementResult,
    Evidence,
    InstrumentStatus,
    JurisdictionInfo,
    KeyFindings,
    KeyGap,
    ProvisionText,
    Report,
    RequirementResult,
    SourceResult,
    Status,
)
from compliance.model.rules import Requirement, RuleSet
from compliance.norms import ParsedStatute

_EPSILON = 1e-9


def status_of(score: float) -> Status:
    """Status of a 0-100 score.

    >>> status_of(100.0), status_of(0.0), status_of(42.5)
    ('met', 'missing', 'partial')
    """
    if score >= 100 - _EPSILON:
        return "met"
    if score <= _EPSILON:
        return "missing"
    return "partial"


def display(score: float) -> int:
    """Round a score half up for display, never showing 100 or 0 for a partial score.

    >>> display(99.6), display(0.2), display(50.5)
    (99, 1, 51)
    """
    shown = math.floor(score + 0.5)
    if status_of(score) == "partial":
        return min(max(shown, 1), 99)
    return shown


def weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    """Mean of ``(value, weight)`` pairs; ``None`` for no pairs.

    >>> weighted_mean([(100, 3), (0, 1)])
    75.0
    """
    items = list(pairs)
    total = sum(w for _, w in items)
    return sum(v * w for v, w in items) / total if total else None


def requirement_score(evaluations: list[ElementEvaluation]) -> float:
    """Weighted mean of element scores, on 0-100."""
    mean = weighted_mean((e.score * 100, e.element.weight) for e in evaluations)
    return mean or 0.0


def binding_instruments(statute: ParsedStatute, rules: RuleSet, as_of: dt.date,
                        selected: set[str] | None = None) -> list[InstrumentStatus]:
    """For each (selected) instrument of the rule set, whether it binds the jurisdiction on ``as_of`` and why."""
    parties = {t.instrument: t for t in statute.statute.treaties}
    out = []
    for inst in rules.instruments.values():
        if selected is not None and inst.id not in selected:
            continue
        party = parties.get(inst.id)
        basis: Phrase
        if inst.kind == "soft_law":
            binding, basis = False, Phrase("soft law: a benchmark")
        elif party is None:
            binding, basis = False, Phrase("party status not recorded in the statute file: evaluated as a benchmark")
        elif not party.party:
            binding, basis = False, Phrase("not a party (as the statute file records it): evaluated as a benchmark")
        elif party.binding_on(as_of):
            exact = party.in_force or party.ratified
            binding = True
            basis = (Phrase("party (binding since {day})", day=str(exact)) if exact else
                     Phrase("party (binding by {day} at the latest; exact date unverified)", day=str(party.party_by)))
        else:
            binding, basis = False, Phrase("party only after this date, or dates not recorded: a benchmark")
        out.append(InstrumentStatus(id=inst.id, name=inst.name, binding=binding, basis=str(basis),
                                    basis_phrase=to_data(basis)))
    return out


def _evidence(hit: NormHit, element_id: str) -> Evidence:
    p = hit.provision.provision
    span = hit.norm.span or hit.provision.span
    return Evidence(provision=p.id, instrument=p.instrument, heading=p.heading, element=element_id,
                    norm=hit.norm.text, score=round(hit.factor, 4), file=span.file, line=span.line,
                    column=span.column, text_status=p.text_status, source_url=p.source_url)


#: Templates whose one argument (``kinds``) names what each element asks for; gaps that differ only there merge.
_BY_KIND = frozenset({"it does not say that it includes {kinds}", "it covers {given} but not {kinds}"})


def _signature(reason: Phrase) -> tuple[object, ...] | None:
    """What a provision's reason says apart from the kinds each element asks for (None: not a provision's reason)."""
    if not reason.template.startswith("{provision}: "):
        return None
    parts: list[tuple[object, ...]] = []
    for part in reason.args["reasons"]:
        if isinstance(part, Phrase) and part.template in _BY_KIND:
            parts.append((part.template, tuple((k, str(v)) for k, v in part.args.items() if k != "kinds")))
        else:
            parts.append((str(part),))
    return (str(reason.args.get("victims", "")), tuple(parts))


def _with_kinds(reason: Phrase, kinds: list[Arg]) -> Phrase:
    """A provision's reason with the kinds of several elements in its by-kind parts."""
    parts: list[Arg] = []
    for part in reason.args["reasons"]:
        if isinstance(part, Phrase) and part.template in _BY_KIND:
            part = Phrase(part.template, **{**part.args, "kinds": Items(kinds, "or_list")})
        parts.append(part)
    return Phrase(reason.template, **{**reason.args, "reasons": Items(parts, "semicolon")})


def merge_gaps(evaluations: list[ElementEvaluation]) -> list[Phrase]:
    """The gaps of a requirement's short elements, each said once.

    A provision that falls short in the same way for several elements (``s50: it is only a permission; it
    does not say that it includes accommodation``, then ``... material``) is one gap naming every element
    and every kind; the same reason for several elements (``no provision covers victims: child``) is one
    gap; provisions that fall short in exactly the same way for the same elements are named together
    (``s50 and s50A``); identical lines are dropped. Order: first appearance.
    """
    groups: dict[tuple[str | None, object], list[tuple[ElementEvaluation, Phrase]]] = {}
    for ev in evaluations:
        for reason in ev.reasons:
            signature = _signature(reason)
            key = ((str(reason.args["provision"]), signature) if signature is not None else (None, str(reason)))
            groups.setdefault(key, []).append((ev, reason))
    lines: dict[str, tuple[list[str], Arg, Phrase]] = {}
    for (provision, _), members in groups.items():
        evs = list({id(ev): ev for ev, _ in members}.values())
        reason = members[0][1]
        if provision is not None and len(evs) > 1:
            kinds: list[Arg] = []
            for _, each in members:
                for part in each.args["reasons"]:
                    if isinstance(part, Phrase) and part.template in _BY_KIND:
                        kinds += [k for k in part.args["kinds"]
                                  if str(k) not in {str(x) for x in kinds}]
            reason = _with_kinds(reason, kinds)
        who: Arg = (Msg(evs[0].element.description) if len(evs) == 1 else
                    Items([Msg(ev.element.description) for ev in evs], "semicolon"))
        if provision is None:
            lines.setdefault(f"{who}\0{reason}", ([], who, reason))
            continue
        body = {k: v for k, v in reason.args.items() if k != "provision"}
        text = f"{who}\0{Phrase(reason.template, provision='', **body)}"
        lines.setdefault(text, ([], who, reason))[0].append(provision)
    out = []
    for provisions, who, reason in lines.values():
        if provisions:
            named: Arg = provisions[0] if len(provisions) == 1 else Items(list(dict.fromkeys(provisions)), "and")
            reason = Phrase(reason.template, **{**reason.args, "provision": named})
        out.append(Phrase("{element} — {reason}", element=who, reason=reason))
    return list({str(p): p for p in out}.values())


def requirement_result(req: Requirement, evaluations: list[ElementEvaluation], rules: RuleSet,
                       binding: dict[str, bool] | bool, instruments: set[str] | None = None) -> RequirementResult:
    """Build the result of one requirement from its element evaluations.

    Args:
        req: The requirement.
        evaluations: Its evaluated elements.
        rules: The rule set (for instrument names and rule-file positions).
        binding: Instrument id -> binding on the jurisdiction (or one flag for every source).
        instruments: The selected instruments; sources outside it are not reported.
    """
    exact = requirement_score(evaluations)
    elements, evidence, short = [], [], []
    for ev in evaluations:
        e_status = status_of(ev.score * 100)
        elements.append(ElementResult(id=ev.element.id, description=ev.element.description,
                                      weight=ev.element.weight, score=round(ev.score, 4),
                                      status=e_status, reasons=[str(r) for r in ev.reasons]))
        evidence += [_evidence(hit, ev.element.id) for hit in ev.evidence]
        if e_status != "met":
            short.append(ev)
    merged = merge_gaps(short)
    gaps = [str(g) for g in merged]
    sources = []
    for source in req.sources():
        if instruments is not None and source.instrument not in instruments:
            continue
        inst = rules.instruments[source.instrument]
        bound = binding if isinstance(binding, bool) else binding.get(source.instrument, False)
        sources.append(SourceResult(
            instrument=inst.name, instrument_id=inst.id, article=source.article, citation=source.cite(inst.name),
            modality=source.modality, binding=bound, kind=inst.kind, source_url=source.source_url,
            treaty_text_status=source.treaty_text_status))
    first = sources[0]
    file, line = rules.origins.get(req.id, ("", 0))
    return RequirementResult(
        id=req.id, title=req.title, area=req.area, instrument=first.instrument, instrument_id=first.instrument_id,
        article=first.article, citation=first.citation, modality=first.modality,
        binding=any(s.binding for s in sources), sources=sources,
        weight=req.weight, status=status_of(exact), score=display(exact), exact_score=round(exact, 4),
        elements=elements, evidence=evidence, gaps=gaps, gap_phrases=[to_data(g) for g in merged],
        recommendation=req.recommendation.strip(),
        treaty_text=_source_text(req, first.instrument_id), treaty_text_status=first.treaty_text_status,
        source_url=first.source_url, rule_file=file, rule_line=line)


def _source_text(req: Requirement, instrument: str) -> str:
    return next(s.treaty_text for s in req.sources() if s.instrument == instrument).strip()


def build_report(statute: ParsedStatute, rules: RuleSet, results: list[RequirementResult],
                 instruments: list[InstrumentStatus], as_of: dt.date, standard: str = "all") -> Report:
    """Aggregate requirement results into area and overall scores.

    Requirements of an area the statute file declares ``not_read`` are reported as ``not_assessed``
    and left out of every score; the report's ``coverage`` says how much of the base that removed.
    """
    read_from = statute.statute.coverage_from
    before = read_from is not None and as_of < read_from
    not_read = statute.statute.not_read_on(as_of, [a.id for a in rules.scoring.areas])

    def why(area: str) -> Phrase:
        since = statute.statute.read_since(area, as_of)
        if before:
            return Phrase("not assessed: the statute file's reading covers the law in force from {start}; the law "
                          "in force on {day} was not read", start=str(read_from), day=str(as_of))
        if since is not None and statute.statute.coverage.get(area) != "not_read":
            return Phrase("not assessed: the statute file's reading of this area covers the law in force from {start}; "
                          "the law in force on {day} (earlier wordings, or the acts they replaced) was not read",
                          start=str(since), day=str(as_of))
        return Phrase("not assessed: the statute file declares that the law for this area was not read")

    results = [r.model_copy(update={
        "status": "not_assessed", "gaps": [str(why(r.area))], "gap_phrases": [to_data(why(r.area))],
        "elements": [e.model_copy(update={"status": "not_assessed", "score": 0.0, "reasons": []}) for e in r.elements]})
        if r.area in not_read else r for r in results]
    counted = [r for r in results if (r.binding or rules.scoring.include_benchmarks) and r.area not in not_read]
    areas: dict[str, AreaResult] = {}
    area_scores: list[tuple[float, float]] = []
    skipped_weight = 0.0
    for area in rules.scoring.areas:
        if area.id in not_read:
            members = [r for r in results if r.area == area.id]
            if members:
                areas[area.id] = AreaResult(title=area.title, score=0, status="not_assessed",
                                            requirements=len(members))
                skipped_weight += area.weight
            continue
        members = [r for r in counted if r.area == area.id]
        mean = weighted_mean((r.exact_score, r.weight) for r in members)
        if mean is None:
            continue
        areas[area.id] = AreaResult(title=area.title, score=display(mean), status=status_of(mean),
                                    requirements=len(members))
        area_scores.append((mean, area.weight))
    overall = weighted_mean(area_scores) or 0.0
    total_weight = sum(w for _, w in area_scores) + skipped_weight
    share = 100 if not total_weight else math.floor(100 * (total_weight - skipped_weight) / total_weight + 0.5)
    coverage = Coverage(not_assessed=sorted(a for a in not_read if a in areas), assessed_share=share,
                        notes={a: n for a, n in statute.statute.coverage_notes.items()},
                        read_from=read_from.isoformat() if before and read_from else None)
    binding = weighted_mean((r.exact_score, r.weight) for r in results if r.binding and r.area not in not_read)
    jur = statute.statute.jurisdiction
    cited = {(ev.instrument, ev.provision) for r in results for ev in r.evidence}
    provisions = [
        ProvisionText(id=p.provision.id, instrument=p.provision.instrument, heading=p.provision.heading,
                      text=p.provision.text.strip(), text_status=p.provision.text_status,
                      source_url=p.provision.source_url, file=p.span.file, line=p.span.line,
                      column=p.span.column)
        for p in statute.provisions if (p.provision.instrument, p.provision.id) in cited
    ]
    return Report(
        key_findings=key_findings(results, rules),
        rules_version=rules.version, jurisdiction=JurisdictionInfo(code=jur.code, name=jur.name),
        file=statute.path, as_of=as_of.isoformat(), standard=standard, score=display(overall),
        status="not_assessed" if not area_scores and skipped_weight else status_of(overall),
        binding_score=None if binding is None else display(binding), areas=areas,
        instruments=instruments, requirements=results, provisions=provisions,
        scoring_method=rules.scoring.method.strip(), coverage=coverage)


#: At most this many key findings per report (the issue's "3-5 most serious gaps").
KEY_GAPS = 5


def key_findings(results: list[RequirementResult], rules: RuleSet) -> KeyFindings:
    """The few most serious gaps and what is met, by the rule in ``KEY_FINDINGS_RULE`` (docs/scoring.md).

    Severity is weight x shortfall: ``weight * (100 - exact score) / 100``. The requirements of binding
    instruments come first; a report with none reads the benchmarks instead (``basis``). Ties go to
    missing before partly met, then to the rule set's order of areas and requirements.
    """
    binding = [r for r in results if r.binding and r.status != "not_assessed"]
    basis = "binding" if binding else "benchmark"
    pool = binding or [r for r in results if r.status != "not_assessed"]
    areas = {a.id: i for i, a in enumerate(rules.scoring.areas)}
    order = {r.id: i for i, r in enumerate(rules.requirements)}

    def severity(r: RequirementResult) -> float:
        return round(r.weight * (100 - r.exact_score) / 100, 4)

    short = sorted((r for r in pool if r.status in ("partial", "missing")),
                   key=lambda r: (-severity(r), r.status != "missing", areas.get(r.area, len(areas)),
                                  order.get(r.id, len(order))))
    gaps = [KeyGap(requirement=r.id, area=r.area, citation=_cited(r), status=r.status, score=r.score,
                   severity=severity(r), provisions=_closest(r), sentence=str(_gap_phrase(r)),
                   phrase=to_data(_gap_phrase(r)))
            for r in short[:KEY_GAPS]]
    met = [r for r in pool if r.status == "met"]
    count, total = str(len(met)), str(len(pool))
    met_phrase: Phrase
    if met and basis == "binding":
        met_phrase = Phrase("Met in full: {count} of {total} binding requirements ({listed}).", count=count,
                            total=total, listed=Items([_cite_phrase(r) for r in met], "semicolon"))
    elif met:
        met_phrase = Phrase("Met in full: {count} of {total} requirements (benchmarks: no instrument binds) "
                            "({listed}).", count=count, total=total,
                            listed=Items([_cite_phrase(r) for r in met], "semicolon"))
    elif basis == "binding":
        met_phrase = Phrase("None of the {total} binding requirements is met in full.", total=total)
    else:
        met_phrase = Phrase("None of the {total} requirements (benchmarks: no instrument binds) is met in full.",
                            total=total)
    return KeyFindings(basis=basis, gaps=gaps, met=[r.id for r in met], met_sentence=str(met_phrase),
                       met_phrase=to_data(met_phrase))


def _cite_phrase(r: RequirementResult) -> Arg:
    """:func:`_cited` as a phrase: the instrument's name and the article label are catalogue messages."""
    source = next((s for s in r.sources if s.binding), r.sources[0] if r.sources else None)
    if source is None or not source.citation.startswith(source.instrument + " "):
        return _cited(r)
    label, _, article = source.citation[len(source.instrument) + 1:].partition(" ")
    return Phrase("{instrument} {label} {article}", instrument=Msg(source.instrument), label=Msg(label),
                  article=article)


def _cited(r: RequirementResult) -> str:
    """The article that makes the requirement binding (the first binding source), else the rule's own."""
    return next((s.citation for s in r.sources if s.binding), r.citation)


def _closest(r: RequirementResult) -> list[str]:
    return list(dict.fromkeys(ev.provision for ev in r.evidence))[:3]


def _gap_phrase(r: RequirementResult) -> Phrase:
    """One key finding in words: the article, how far it is met, what it asks, and the closest provisions."""
    closest = _closest(r)
    where: Arg
    if len(closest) > 1:
        where = Phrase("the closest provisions are {provisions}", provisions=Items(closest, "and_list"))
    elif closest:
        where = Phrase("the closest provision is {provision}", provision=closest[0])
    else:
        where = Msg("no encoded provision answers it")
    template = ("{citation} is not met ({score}/100): {ask}; {where}." if r.status == "missing" else
                "{citation} is only partly met ({score}/100): {ask}; {where}.")
    return Phrase(template, citation=_cite_phrase(r), score=str(r.score), ask=Msg(r.title.rstrip(". "), lower=True),
                  where=where)
