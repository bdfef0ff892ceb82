"""Tidy CSV: one row per jurisdiction and requirement, for spreadsheets and pandas."""

from __future__ import annotations

import csv
import io

from compliance.model.results import Report

COLUMNS = ["jurisdiction", "jurisdiction_name", "as_of", "standard", "rules_version", "overall_score",
           "assessed_share", "requirement", "area", "citation", "sources", "binding", "status", "score", "evidence",
           "gaps", "waiver"]


def render_csv(reports: list[Report]) -> str:
    """Render every requirement of every report as one CSV row (header first; RFC 4180 quoting)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in reports:
        for q in r.requirements:
            writer.writerow([
                r.jurisdiction.code, r.jurisdiction.name, r.as_of, r.standard, r.rules_version, r.score,
                r.coverage.assessed_share, q.id, q.area, q.citation, "; ".join(s.citation for s in q.sources),
                str(q.binding).lower(),
                q.status, q.score, "; ".join(sorted({e.provision for e in q.evidence})), " | ".join(q.gaps),
                q.waiver.justification if q.waiver else "",
            ])
    return out.getvalue()
