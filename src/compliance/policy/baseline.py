"""Baselines: record today's verdicts, then fail only on what got worse.

A baseline is keyed on jurisdiction code + requirement id, never on line numbers, so editing a
statute file (adding provisions, reordering them) does not make findings "new". A finding is a
regression when its status got worse (met > partial > missing) or, with the same status, its score
went down; a partial or missing finding whose jurisdiction or requirement the baseline does not
cover is new, and counts as a regression too. Waived findings never fail.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from compliance.loader import load_yaml
from compliance.model.results import BaselineState, Report, Status
from compliance.span import Span
from compliance.validate import validate_document

#: The baseline file looked for in the working directory when none is named.
DEFAULT_BASELINE = ".compliance-baseline.json"

_RANK: dict[str, int] = {"met": 2, "partial": 1, "missing": 0}


class BaselineEntry(BaseModel):
    """One recorded verdict."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: Status
    score: int = Field(ge=0, le=100)


class Baseline(BaseModel):
    """The baseline file (JSON): verdicts by jurisdiction code, then by requirement id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1] = 1
    kind: Literal["baseline"] = "baseline"
    rules_version: str
    standard: str
    as_of: str
    jurisdictions: dict[str, dict[str, BaselineEntry]]


@dataclass(frozen=True)
class Regression:
    """A finding that is worse than (or absent from) the baseline."""

    jurisdiction: str
    requirement: str
    old: BaselineEntry | None
    new_status: str
    new_score: int
    span: Span

    def message(self) -> str:
        """One line: what got worse, from what to what."""
        now = f"{self.new_status} ({self.new_score}/100)"
        if self.old is None:
            return f"new finding: {self.jurisdiction} {self.requirement} is {now}; the baseline does not cover it"
        was = f"{self.old.status} ({self.old.score}/100)"
        return f"regression: {self.jurisdiction} {self.requirement} was {was}, now {now}"


@dataclass
class BaselineOutcome:
    """What comparing with a baseline found."""

    reports: list[Report]
    regressions: list[Regression] = field(default_factory=list)
    improved: int = 0
    unchanged: int = 0
    summary: str = ""


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def create_baseline(reports: Iterable[Report]) -> Baseline:
    """Record the verdicts of ``reports`` (which must share rules version, standard and date)."""
    reports = list(reports)
    first = reports[0]
    return Baseline(
        rules_version=first.rules_version, standard=first.standard, as_of=first.as_of,
        jurisdictions={r.jurisdiction.code: {q.id: BaselineEntry(status=q.status, score=q.score)
                                             for q in sorted(r.requirements, key=lambda q: q.id)}
                       for r in sorted(reports, key=lambda r: r.jurisdiction.code)})


def dump_baseline(baseline: Baseline) -> str:
    """The baseline as stable, diff-friendly JSON (sorted keys, one verdict per line)."""
    lines = ["{"]
    head = {k: v for k, v in baseline.model_dump().items() if k != "jurisdictions"}
    lines += [f"  {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()]
    lines.append('  "jurisdictions": {')
    codes = sorted(baseline.jurisdictions)
    for i, code in enumerate(codes):
        lines.append(f"    {json.dumps(code)}: {{")
        entries = baseline.jurisdictions[code]
        ids = sorted(entries)
        for j, rid in enumerate(ids):
            entry = json.dumps(entries[rid].model_dump(), sort_keys=True)
            lines.append(f"      {json.dumps(rid)}: {entry}{',' if j < len(ids) - 1 else ''}")
        lines.append(f"    }}{',' if i < len(codes) - 1 else ''}")
    lines += ["  }", "}"]
    return "\n".join(lines) + "\n"


def load_baseline(path: str | Path) -> Baseline:
    """Read a baseline file (JSON is read with the YAML loader, so errors carry positions).

    Raises:
        ComplianceError: (or ErrorList) The file is missing, not JSON, or not a baseline.
    """
    return validate_document(load_yaml(path), Baseline)


def compare_with_baseline(reports: list[Report], baseline: Baseline) -> BaselineOutcome:
    """Mark each finding new, unchanged, improved or regressed; collect the regressions."""
    outcome = BaselineOutcome(reports=[])
    uncovered: list[str] = []
    for report in reports:
        recorded = baseline.jurisdictions.get(report.jurisdiction.code)
        if recorded is None:
            uncovered.append(report.jurisdiction.code)
        marked = []
        for req in report.requirements:
            old = (recorded or {}).get(req.id)
            state: BaselineState
            if old is None:
                state = "new"
            elif "not_assessed" in (req.status, old.status):
                state = "unchanged" if req.status == old.status else "new"
            elif _RANK[req.status] < _RANK[old.status] or (req.status == old.status and req.score < old.score):
                state = "regressed"
            elif _RANK[req.status] > _RANK[old.status] or req.score > old.score:
                state = "improved"
            else:
                state = "unchanged"
            marked.append(req.model_copy(update={"baseline": state}))
            outcome.improved += state == "improved"
            outcome.unchanged += state == "unchanged"
            failing = state == "regressed" or (state == "new" and req.status in ("partial", "missing"))
            if failing and req.waiver is None:
                outcome.regressions.append(Regression(report.jurisdiction.code, req.id, old, req.status, req.score,
                                                      Span(*report.locate(req))))
        outcome.reports.append(report.model_copy(update={"requirements": marked}))
    covered = sum(len(v) for v in baseline.jurisdictions.values())
    juris = _count(len(baseline.jurisdictions), "jurisdiction")
    regressions = _count(len(outcome.regressions), "regression")
    outcome.summary = (
        f"baseline: {juris}, {covered} verdicts (rules {baseline.rules_version}, "
        f"standard {baseline.standard}, as of {baseline.as_of})"
        + (f"; not covered: {', '.join(uncovered)}" if uncovered else "")
        + (f"; rule set now {reports[0].rules_version}" if reports and reports[0].rules_version
           != baseline.rules_version else "")
        + f"; {outcome.improved} improved, {outcome.unchanged} unchanged, {regressions}")
    return outcome


__all__ = ["DEFAULT_BASELINE", "Baseline", "BaselineOutcome", "Regression",
           "compare_with_baseline", "create_baseline", "dump_baseline", "load_baseline"]
