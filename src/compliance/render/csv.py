"""Tidy CSV: one row per jurisdiction and requirement, for spreadsheets and pandas.

Safe to open in a spreadsheet: text cells that could run as a formula are neutralised with a
leading ``'`` (OWASP's CSV-injection guidance) and control characters are escaped; the numbers
the tool writes (``overall_score``, ``assessed_share``, ``score``) stay numbers. See
:mod:`compliance.render.sanitize`.
"""

from __future__ import annotations

from compliance.model.results import Report
from compliance.render.sanitize import csv_row

COLUMNS = ["jurisdiction", "jurisdiction_name", "as_of", "standard", "rules_version", "overall_score",
           "assessed_share", "requirement", "area", "citation", "sources", "binding", "status", "score", "evidence",
           "gaps", "waiver"]
#: The columns that hold numbers (written as numbers, never neutralised).
NUMERIC = frozenset({"overall_score", "assessed_share", "score"})


def render_csv(reports: list[Report]) -> str:
    """Render every requirement of every report as one CSV row (header first; RFC 4180 quoting)."""
    rows = [csv_row(COLUMNS)]
    for r in reports:
        for q in r.requirements:
            rows.append(csv_row([
                r.jurisdiction.code, r.jurisdiction.name, r.as_of, r.standard, r.rules_version, r.score,
                r.coverage.assessed_share, q.id, q.area, q.citation, "; ".join(s.citation for s in q.sources),
                str(q.binding).lower(),
                q.status, q.score, "; ".join(sorted({e.provision for e in q.evidence})), " | ".join(q.gaps),
                q.waiver.justification if q.waiver else "",
            ]))
    return "".join(rows)
