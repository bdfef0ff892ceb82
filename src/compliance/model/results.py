"""The result model: what evaluation and scoring produce and what every renderer consumes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["met", "partial", "missing"]

#: Version of the JSON contract (``--format json``).
SCHEMA_VERSION = 1

SCOPE = ("De jure assessment of the encoded statute text only: it does not assess implementation, "
         "practice, case law or guidance that is not encoded.")


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Out):
    """A provision whose norm satisfied (fully or partly) an element."""

    provision: str
    instrument: str = Field(description="Id of the national instrument the provision belongs to.")
    heading: str
    element: str
    norm: str
    score: float
    file: str
    line: int
    column: int
    text_status: str
    source_url: str


class ElementResult(_Out):
    """How one element of a requirement fared."""

    id: str
    description: str
    weight: float
    score: float = Field(ge=0, le=1)
    status: Status
    reasons: list[str]


class SourceResult(_Out):
    """One instrument provision that requires a requirement, and whether it binds the jurisdiction."""

    instrument: str
    instrument_id: str
    article: str
    citation: str
    modality: str
    binding: bool
    kind: str
    source_url: str
    treaty_text_status: str


class RequirementResult(_Out):
    """The verdict on one requirement for one jurisdiction."""

    id: str
    title: str
    area: str
    instrument: str
    instrument_id: str
    article: str
    citation: str
    modality: str
    binding: bool
    sources: list[SourceResult]
    weight: float
    status: Status
    score: int
    exact_score: float
    elements: list[ElementResult]
    evidence: list[Evidence]
    gaps: list[str]
    recommendation: str
    treaty_text: str
    treaty_text_status: str
    source_url: str
    rule_file: str
    rule_line: int


class AreaResult(_Out):
    """The score of one area."""

    title: str
    score: int
    status: Status
    requirements: int


class JurisdictionInfo(_Out):
    """The jurisdiction a report is about."""

    code: str
    name: str


class InstrumentStatus(_Out):
    """Whether an instrument binds the jurisdiction on the assessment date."""

    id: str
    name: str
    binding: bool
    basis: str


class Report(_Out):
    """One jurisdiction's assessment: the JSON contract, schema_version 1."""

    schema_version: int = SCHEMA_VERSION
    rules_version: str
    jurisdiction: JurisdictionInfo
    file: str
    as_of: str
    standard: str
    score: int
    status: Status
    binding_score: int | None
    areas: dict[str, AreaResult]
    instruments: list[InstrumentStatus]
    requirements: list[RequirementResult]
    scoring_method: str
    scope: str = SCOPE


class MultiReport(_Out):
    """Several jurisdictions' reports."""

    schema_version: int = SCHEMA_VERSION
    results: list[Report]
