"""Thresholds: decide whether a run fails (exit code 1), and say why, one positioned line per breach.

* ``fail_under``: an overall score below N fails;
* ``fail_on``: ``missing`` fails on any missing finding, ``partial`` on any partial or missing one,
  optionally only in some areas or for some requirement ids.

Waived findings never breach ``fail_on``; scores are never changed by waivers, so ``fail_under``
reads the law as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from compliance.model.results import Report, RequirementResult
from compliance.span import Span
from compliance.textsafe import one_line

FailOn = Literal["missing", "partial"]


@dataclass(frozen=True)
class Gate:
    """The thresholds of a run."""

    fail_under: int | None = None
    fail_on: FailOn | None = None
    areas: frozenset[str] = field(default_factory=frozenset)
    requirements: frozenset[str] = field(default_factory=frozenset)

    def selects(self, req: RequirementResult) -> bool:
        """Whether ``fail_on`` looks at this requirement (all of them unless filtered)."""
        if not self.areas and not self.requirements:
            return True
        return req.area in self.areas or req.id in self.requirements


@dataclass(frozen=True)
class Breach:
    """One reason the run fails."""

    message: str
    span: Span

    def __str__(self) -> str:
        """``file:line:column: message`` (one line, control characters escaped)."""
        return one_line(f"{self.span}: {self.message}")


def _span(report: Report, req: RequirementResult) -> Span:
    return Span(*report.locate(req))


def breaches(reports: Iterable[Report], gate: Gate) -> list[Breach]:
    """Every threshold breach of the run, in report order."""
    out: list[Breach] = []
    failing = {"missing": {"missing"}, "partial": {"missing", "partial"}}
    for report in reports:
        if gate.fail_under is not None and report.score < gate.fail_under:
            out.append(Breach(f"{report.jurisdiction.code}: overall score {report.score} is below --fail-under "
                              f"{gate.fail_under}", Span(report.file, 1, 1)))
        if gate.fail_on is None:
            continue
        for req in report.requirements:
            if req.status in failing[gate.fail_on] and req.waiver is None and gate.selects(req):
                out.append(Breach(f"{report.jurisdiction.code} {req.id} is {req.status} ({req.score}/100): "
                                  f"{req.title} [--fail-on {gate.fail_on}]", _span(report, req)))
    return out
