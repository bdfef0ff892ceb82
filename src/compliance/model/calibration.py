"""The calibration data set (``calibration/findings.yaml``) and what ``compliance calibrate`` reports."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from compliance.model.base import Strict
from compliance.model.results import Status

Expected = Literal["met", "partial", "missing"]


class Explanation(Strict):
    """Why the engine disagrees with a finding (written in review, kept with the finding)."""

    cause: Literal["data", "rule", "language", "practice", "finding"] = Field(
        description="data: the statute file; rule: the rule set; language: the norm language cannot say it; "
                    "practice: the finding is really about practice; finding: the finding is ambiguous or dated.")
    text: str = Field(min_length=1)


class Finding(Strict):
    """One published expert finding about a jurisdiction's law on one requirement."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    jurisdiction: str = Field(description="A bundled jurisdiction code (legislation/<code>.yaml).")
    requirement: str = Field(description="A requirement id of the rule set.")
    date: dt.date = Field(description="The date of the document, as printed in the source read.")
    as_of: dt.date | None = Field(default=None, description="The date the finding describes the law at, if known.")
    body: str = Field(min_length=1)
    document: str = Field(min_length=1)
    source_url: str = Field(pattern=r"^https?://[^\s<>\"'`]+$")
    quote: str = Field(min_length=1)
    quote_status: Literal["verbatim", "summary"]
    expected: Expected | list[Expected]
    about: Literal["law", "practice"] = Field(description="Only findings about the law are scored.")
    standard: str | None = Field(
        default=None,
        description="The profile of rules/profiles.yaml whose instruments the body measures the law against "
                    "(a monitoring body of a convention: its profile); the engine is run with it. Default: the "
                    "rule set's default profile.")
    note: str | None = None
    explanation: Explanation | None = None

    def expected_set(self) -> list[str]:
        """The statuses that agree with the finding."""
        return [self.expected] if isinstance(self.expected, str) else list(self.expected)

    def day(self) -> dt.date:
        """The date the engine is run at: ``as_of``, else the document's date."""
        return self.as_of or self.date


class FindingsFile(Strict):
    """The content of ``calibration/findings.yaml``."""

    findings: list[Finding] = Field(min_length=1)


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CalibrationResult(_Out):
    """The engine's verdict on one finding."""

    id: str
    jurisdiction: str
    requirement: str
    date: str
    source_url: str
    expected: list[str]
    standard: str = Field(description="The profile the engine was run with.")
    engine: Status
    score: int
    agrees: bool | None = Field(
        description="Whether the engine's status is one the finding allows; null when the engine gives no "
                    "answer (not_assessed: the statute file says the area was not read).")
    explanation: Explanation | None = None


class Calibration(_Out):
    """What ``compliance calibrate`` prints as JSON."""

    kind: str = "calibration"
    rules_version: str
    findings: list[CalibrationResult]
    practice: list[str] = Field(description="Ids of findings about practice: kept in the data, never scored.")
    answered: int = Field(description="Findings about the law on which the engine gives a verdict.")
    abstained: list[str] = Field(
        description="Ids of findings on which the engine says not_assessed (the area was not read): no answer, "
                    "so neither agreement nor disagreement.")
    agreement: float = Field(description="Percent of answered findings on which the engine agrees.")
    jurisdictions: int = Field(description="Jurisdictions with at least one answered finding.")
    false_met: list[str] = Field(description="Findings where the engine says met and the expert found a gap.")
