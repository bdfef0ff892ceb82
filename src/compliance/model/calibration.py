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
    engine: Status
    score: int
    agrees: bool
    explanation: Explanation | None = None


class Calibration(_Out):
    """What ``compliance calibrate`` prints as JSON."""

    kind: str = "calibration"
    rules_version: str
    findings: list[CalibrationResult]
    practice: list[str] = Field(description="Ids of findings about practice: kept in the data, never scored.")
    agreement: float = Field(description="Percent of scored findings on which the engine agrees.")
    jurisdictions: int
    false_met: list[str] = Field(description="Findings where the engine says met and the expert found a gap.")
