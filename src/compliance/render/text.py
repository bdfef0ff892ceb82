"""Plain-text output: a summary, then one ``file:line:column: [status] ...`` line per requirement.

Text output is for people and may change between versions; machines should read JSON.
"""

from __future__ import annotations

from compliance.model.results import Report, RequirementResult

_MARK = {"met": "met", "partial": "partial", "missing": "missing", "not_assessed": "not assessed"}


def _locate(report: Report, req: RequirementResult) -> str:
    file, line, column = report.locate(req)
    return f"{file}:{line}:{column}"


def _overall(report: Report) -> str:
    return "not assessed" if report.status == "not_assessed" else f"{report.score}/100 ({report.status})"


def _one(report: Report) -> list[str]:
    j = report.jurisdiction
    bind = "" if report.binding_score is None else f"; binding instruments only: {report.binding_score}/100"
    lines = [f"{j.name} ({j.code}) — {report.file}",
             f"  overall {_overall(report)}{bind}; as of {report.as_of}; "
             f"standard {report.standard}; rules {report.rules_version}"]
    lines.append(f"  {report.coverage.sentence()}")
    for inst in report.instruments:
        lines.append(f"  {inst.name}: {'binding' if inst.binding else 'benchmark'} — {inst.basis}")
    for area_id, area in report.areas.items():
        shown = "  - " if area.status == "not_assessed" else f"{area.score:>3}/100"
        lines.append(f"  {area_id:<16} {shown}  {area.status.replace('_', ' ')}")
    lines.append("")
    for req in report.requirements:
        cites = "; ".join(f"{s.citation} ({'binding' if s.binding else 'benchmark'})" for s in req.sources)
        mark = _MARK[req.status] + (", waived" if req.waiver else "") + (
            f", {req.baseline}" if req.baseline and req.baseline != "unchanged" else "")
        lines.append(f"{_locate(report, req)}: [{mark}] {req.id} {cites} {req.score}/100: {req.title}")
        if req.waiver:
            lines.append(f"    waived until {req.waiver.expires or 'further notice'}: {req.waiver.justification}")
        lines += [f"    - {gap}" for gap in req.gaps]
    return lines


def render_text(reports: list[Report]) -> str:
    """Render each report as a summary followed by one line per requirement."""
    blocks = ["\n".join(_one(r)) for r in reports]
    return "\n\n".join(blocks) + "\n"
