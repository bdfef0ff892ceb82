"""Compare assessments: rank jurisdictions and lay out the matrix; diff two assessments. Pure."""

from __future__ import annotations

from compliance.model.results import (
    AreaLeader,
    CommonGap,
    Comparison,
    ComparisonArea,
    ComparisonFindings,
    ComparisonRequirement,
    ComparisonRow,
    Diff,
    MatrixCell,
    Report,
    RequirementChange,
    RequirementResult,
)
from compliance.model.rules import RuleSet


class ComparisonBuilder:
    """Build a comparison one report at a time, keeping only each jurisdiction's row.

    ``add`` may be called in any order (with each report's position in the input); ``result``
    ranks the rows. Memory holds one row per jurisdiction, never whole reports.
    """

    def __init__(self) -> None:
        self.rows: dict[int, ComparisonRow] = {}
        self.seen: dict[str, ComparisonRequirement] = {}
        self.header: dict[int, tuple[str, str, list[str]]] = {}
        self._cells: dict[tuple[str, int, bool], MatrixCell] = {}

    def add(self, position: int, report: Report) -> None:
        """Take the row of one report (the ``position``-th of the input)."""
        cells = {}
        for q in report.requirements:
            key = (q.status, q.score, q.binding)
            cell = self._cells.get(key)
            if cell is None:
                cell = self._cells[key] = MatrixCell(status=q.status, score=q.score, binding=q.binding)
            cells[q.id] = cell
            if q.id not in self.seen:
                self.seen[q.id] = ComparisonRequirement(id=q.id, title=q.title, area=q.area, citation=q.citation)
        self.rows[position] = ComparisonRow(
            code=report.jurisdiction.code, name=report.jurisdiction.name, file=report.file, rank=0,
            score=report.score, status=report.status, binding_score=report.binding_score, areas=report.areas,
            cells=cells, assessed_share=report.coverage.assessed_share, not_assessed=report.coverage.not_assessed,
            binding_verdicts={status: sum(1 for q in report.requirements if q.binding and q.status == status)
                              for status in ("met", "partial", "missing", "not_assessed")})
        self.header[position] = (report.as_of, report.standard, [i.name for i in report.instruments])

    def result(self, rules: RuleSet) -> Comparison:
        """Rank the rows (highest overall score first; ties by code) and lay out the matrix.

        Raises:
            ValueError: The reports were made for different dates or standards.
        """
        if len({h[:2] for h in self.header.values()}) > 1:
            raise ValueError("reports to compare must share their date and standard")
        ordered = sorted(self.rows.values(), key=lambda r: (-r.score, r.code))
        rows = [row.model_copy(update={"rank": 1 + sum(1 for other in ordered if other.score > row.score)})
                for row in ordered]
        order = {r.id: i for i, r in enumerate(rules.requirements)}  # by area, then instrument and article
        columns = sorted(self.seen.values(), key=lambda c: (order.get(c.id, len(order)), c.id))
        areas = [
            ComparisonArea(id=a.id, title=a.title, ranking=[
                row.code for row in sorted(rows, key=lambda w: (-w.areas[a.id].score, w.code))
                if a.id in row.areas and row.areas[a.id].status != "not_assessed"])
            for a in rules.scoring.areas if any(a.id in row.areas for row in rows)
        ]
        first = self.header[min(self.header)] if self.header else ("", "", [])
        return Comparison(rules_version=rules.version, as_of=first[0], standard=first[1],
                          instruments=first[2], areas=areas, requirements=columns, jurisdictions=rows,
                          key_findings=_findings(rows, areas, columns))


#: At most this many common gaps lead a comparison.
COMMON_GAPS = 5


def _findings(rows: list[ComparisonRow], areas: list[ComparisonArea],
              columns: list[ComparisonRequirement]) -> ComparisonFindings:
    """Who leads each area (ties share the lead) and the requirements most jurisdictions fall short of."""
    leaders = []
    for area in areas:
        scored = [r for r in rows if area.id in r.areas and r.areas[area.id].status != "not_assessed"]
        if scored:
            top = max(r.areas[area.id].score for r in scored)
            leaders.append(AreaLeader(area=area.id, title=area.title, score=top,
                                      leaders=[r.code for r in scored if r.areas[area.id].score == top]))
    common: list[tuple[int, int, CommonGap]] = []
    for position, column in enumerate(columns):
        verdicts = [r.cells[column.id] for r in rows if column.id in r.cells]
        assessed = [c for c in verdicts if c.status != "not_assessed"]
        short = [c for c in assessed if c.status in ("partial", "missing")]
        if short:
            common.append((-len(short), position, CommonGap(
                requirement=column.id, citation=column.citation, title=column.title, short=len(short),
                assessed=len(assessed), missing=sum(c.status == "missing" for c in short))))
    common.sort(key=lambda item: item[:2])
    return ComparisonFindings(leaders=leaders, common_gaps=[gap for *_, gap in common[:COMMON_GAPS]])


def build_comparison(reports: list[Report], rules: RuleSet) -> Comparison:
    """Rank ``reports`` (highest overall score first; ties by code) and build the matrix.

    All reports must share the date and the standard they were made with.
    """
    builder = ComparisonBuilder()
    for position, report in enumerate(reports):
        builder.add(position, report)
    return builder.result(rules)


def diff_reports(old: Report, new: Report) -> Diff:
    """List the requirements whose status or score changed from ``old`` to ``new``, with their causes.

    A cause is a provision whose evidence (norms and factors) differs between the two reports.
    """
    olds = {r.id: r for r in old.requirements}
    news = {r.id: r for r in new.requirements}
    changes: list[RequirementChange] = []
    unchanged = 0
    for rid in [*olds, *(i for i in news if i not in olds)]:
        a, b = olds.get(rid), news.get(rid)
        if a and b and a.status == b.status and a.exact_score == b.exact_score:
            unchanged += 1
            continue
        old_score = a.exact_score if a else 0.0
        new_score = b.exact_score if b else 0.0
        changes.append(RequirementChange(
            id=rid, title=(b or a).title if (b or a) else rid,  # type: ignore[union-attr]
            change="improved" if new_score > old_score else "regressed",
            old_status=a.status if a else None, new_status=b.status if b else None,
            old_score=a.score if a else None, new_score=b.score if b else None,
            causes=_causes(a, b), elements=_element_changes(a, b)))
    return Diff(old=_label(old), new=_label(new), old_score=old.score, new_score=new.score,
                changes=changes, unchanged=unchanged)


def _label(report: Report) -> dict[str, str]:
    return {"file": report.file, "jurisdiction": report.jurisdiction.code, "as_of": report.as_of,
            "standard": report.standard, "rules_version": report.rules_version}


def _evidence(result: RequirementResult | None) -> dict[str, set[tuple[str, str, float]]]:
    out: dict[str, set[tuple[str, str, float]]] = {}
    for ev in result.evidence if result else []:
        out.setdefault(ev.provision, set()).add((ev.element, " ".join(ev.norm.split()), ev.score))
    return out


def _causes(a: RequirementResult | None, b: RequirementResult | None) -> list[str]:
    before, after = _evidence(a), _evidence(b)
    causes = []
    for provision in sorted(set(before) | set(after)):
        if provision not in before:
            causes.append(f"{provision}: now decides (part of) the verdict")
        elif provision not in after:
            causes.append(f"{provision}: no longer decides it (not in force, or outweighed by a stronger provision)")
        elif before[provision] != after[provision]:
            causes.append(f"{provision}: its norms or their scores changed")
    return causes or ["no provision's evidence differs: the rule set, standard or coverage changed"]


def _element_changes(a: RequirementResult | None, b: RequirementResult | None) -> dict[str, list[str]]:
    old = {e.id: e for e in (a.elements if a else [])}
    new = {e.id: e for e in (b.elements if b else [])}
    out = {}
    for eid in [*old, *(i for i in new if i not in old)]:
        x, y = old.get(eid), new.get(eid)
        if x is None or y is None or x.score != y.score:
            out[eid] = [f"{x.status} {round(x.score * 100)}" if x else "absent",
                        f"{y.status} {round(y.score * 100)}" if y else "absent"]
    return out
