"""Waivers: accept a known finding for a while, with a justification, without hiding it.

A waiver file (``.compliance-waivers.yaml`` by default)::

    waivers:
      - jurisdiction: xy
        requirement: ABC-2000-12.6
        justification: Amending bill before the legislature; re-assess when it is enacted.
        reviewer: A. Analyst
        expires: 2027-06-30

A waived finding keeps its status and score and is shown as waived in every format. An expired
waiver is not applied and is an error; a waiver that matches no partial or missing finding of a
jurisdiction in the run is reported as unused.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field, field_validator

from compliance.errors import ComplianceError, ErrorList, RuleError
from compliance.loader import load_yaml
from compliance.model.base import Strict
from compliance.model.results import Report, WaiverApplied
from compliance.span import Span
from compliance.validate import validate_document

#: The waiver file looked for in the working directory when none is named.
DEFAULT_WAIVERS = ".compliance-waivers.yaml"


class Waiver(Strict):
    """One accepted finding."""

    jurisdiction: str = Field(description="The jurisdiction code of the statute file, e.g. xy.")
    requirement: str = Field(description="The requirement id, e.g. ABC-2000-12.6.")
    justification: str = Field(min_length=1, description="Why the finding is accepted for now (required).")
    reviewer: str | None = Field(default=None, description="Who reviewed the waiver.")
    expires: dt.date | None = Field(default=None, description="The last day the waiver applies (YYYY-MM-DD).")

    @field_validator("justification")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a waiver needs a justification")
        return value


class WaiversFile(Strict):
    """The waiver file: a list of waivers."""

    waivers: list[Waiver] = Field(default_factory=list)


@dataclass(frozen=True)
class PlacedWaiver:
    """A waiver and where it is written."""

    waiver: Waiver
    span: Span


@dataclass
class WaiverOutcome:
    """What applying waivers did: the marked reports, and the problems to tell the user about."""

    reports: list[Report]
    applied: int = 0
    expired: list[ComplianceError] = field(default_factory=list)
    unused: list[ComplianceError] = field(default_factory=list)


def load_waivers(path: str | os.PathLike[str], requirement_ids: set[str]) -> list[PlacedWaiver]:
    """Load and validate a waiver file; every requirement id must exist in the rule set.

    Raises:
        ErrorList: Positioned problems (bad YAML, unknown keys, missing justification, unknown ids, duplicates).
    """
    doc = load_yaml(Path(path))
    parsed = validate_document(doc, WaiversFile)
    placed: list[PlacedWaiver] = []
    errors: list[ComplianceError] = []
    seen: dict[tuple[str, str], Span] = {}
    for index, waiver in enumerate(parsed.waivers):
        span = doc.span(("waivers", index))
        if waiver.requirement not in requirement_ids:
            close = difflib.get_close_matches(waiver.requirement, sorted(requirement_ids), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else " (see 'compliance rules')"
            errors.append(RuleError(f"waiver names no requirement of the rule set: {waiver.requirement!r}{hint}",
                                    doc.span(("waivers", index, "requirement"))))
            continue
        key = (waiver.jurisdiction, waiver.requirement)
        if key in seen:
            errors.append(RuleError(f"a second waiver for {key[0]} {key[1]} (the first is at line "
                                    f"{seen[key].line})", span))
            continue
        seen[key] = span
        placed.append(PlacedWaiver(waiver, span))
    if errors:
        raise ErrorList(errors)
    return placed


def apply_waivers(reports: list[Report], waivers: list[PlacedWaiver], today: dt.date | None = None) -> WaiverOutcome:
    """Mark the findings that waivers accept; report expired and unused waivers.

    Args:
        reports: The reports of this run.
        waivers: The loaded waivers.
        today: The day that decides expiry (default: today's date, not the ``--as-of`` date).
    """
    day = today or dt.date.today()
    in_run = {r.jurisdiction.code for r in reports}
    active: dict[tuple[str, str], PlacedWaiver] = {}
    outcome = WaiverOutcome(reports=[])
    for placed in waivers:
        w = placed.waiver
        if w.expires is not None and w.expires < day:
            if w.jurisdiction in in_run:
                outcome.expired.append(ComplianceError(
                    f"waiver for {w.jurisdiction} {w.requirement} expired on {w.expires.isoformat()}; "
                    "renew it (with a new review) or remove it", placed.span))
            continue
        active[(w.jurisdiction, w.requirement)] = placed
    used: set[tuple[str, str]] = set()
    for report in reports:
        changed = []
        for req in report.requirements:
            key = (report.jurisdiction.code, req.id)
            match = active.get(key)
            if match is None or req.status in ("met", "not_assessed"):
                changed.append(req)
                continue
            used.add(key)
            w = match.waiver
            changed.append(req.model_copy(update={"waiver": WaiverApplied(
                justification=w.justification, reviewer=w.reviewer,
                expires=w.expires.isoformat() if w.expires else None,
                file=match.span.file, line=match.span.line, column=match.span.column)}))
        outcome.reports.append(report.model_copy(update={"requirements": changed}))
    outcome.applied = len(used)
    statuses = {(r.jurisdiction.code, q.id): q.status for r in reports for q in r.requirements}
    for key, placed in active.items():
        if key in used or key[0] not in in_run:
            continue
        why = "it is met" if statuses.get(key) == "met" else "it is not checked under this standard"
        outcome.unused.append(ComplianceError(f"unused waiver for {key[0]} {key[1]}: {why}", placed.span))
    return outcome
